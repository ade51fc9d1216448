"""Analyst-corrected articles in the SemEval 2025 Task 10 formats, and as training data.

The corrected labels come from ``corpus.feedback`` as ``schema.CorrectedArticle``; this
module only writes them in the shared task's layout (so any SemEval tool, and
``read_training_folder`` / ``read_role_training``, reads them) and turns them into the
training modules' inputs, where a corrected article replaces a training article with
the same id or the same text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from narrascope.eval.roles import MentionLine, format_mention_line
from narrascope.eval.semeval import LabelledDoc, format_label_line
from narrascope.languages import folder_name
from narrascope.schema import CorrectedArticle
from narrascope.util import atomic_write_bytes, atomic_write_text

ExportFormat = Literal["semeval-narratives", "semeval-roles"]
ANNOTATION_FILES = {
    "semeval-narratives": "subtask-2-annotations.txt",
    "semeval-roles": "subtask-1-annotations.txt",
}
DOCUMENTS = "raw-documents"


@dataclass
class ExportSummary:
    written: list[str] = field(default_factory=list)
    no_text: list[str] = field(default_factory=list)
    documents: Path | None = None


def document_name(article: CorrectedArticle, taken: set[str]) -> str:
    """A safe, unique file name for the article (its id when that is one already)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", article.id.rsplit("/", 1)[-1]).lstrip(".") or "article"
    if not name.endswith(".txt"):
        name += ".txt"
    if name in taken:
        name = f"{name[:-4]}-{article.content_sha256[:12]}.txt"
    taken.add(name)
    return name


def reviewed(articles: Sequence[CorrectedArticle], fmt: ExportFormat) -> list[CorrectedArticle]:
    """The articles whose layer of ``fmt`` the analyst reviewed."""
    if fmt == "semeval-narratives":
        return [a for a in articles if a.narratives_reviewed]
    return [a for a in articles if a.roles_reviewed]


def annotation_lines(article: CorrectedArticle, name: str, fmt: ExportFormat) -> list[str]:
    if fmt == "semeval-narratives":
        return [format_label_line(name, article.narratives, article.subnarratives)]
    lines = []
    for e in sorted(article.entities, key=lambda e: (e.start, e.end)):
        mention = article.text[e.start : e.end] if article.text else e.name
        line = MentionLine(name, mention, e.start, e.end - 1)  # the files' end is inclusive
        lines.append(format_mention_line(line, e.main_role, e.fine_roles))
    return lines


def export_semeval(articles: Sequence[CorrectedArticle], fmt: ExportFormat, path: Path) -> ExportSummary:
    """Write the annotation file ``path`` and each article's text to ``path.parent /
    raw-documents`` (the shared task's layout: point ``--data`` at a folder holding it as
    ``<LANG>/``). Reviewed articles without a stored text are listed in ``no_text``."""
    summary = ExportSummary(documents=path.parent / DOCUMENTS)
    taken: set[str] = set()
    lines: list[str] = []
    for article in reviewed(articles, fmt):
        if article.text is None:
            summary.no_text.append(article.id)
            continue
        name = document_name(article, taken)
        lines.extend(annotation_lines(article, name, fmt))
        # Bytes as stored: the offsets count every character, '\r' included.
        atomic_write_bytes(path.parent / DOCUMENTS / name, article.text.encode("utf-8"))
        summary.written.append(name)
    atomic_write_text(path, "".join(line + "\n" for line in lines))
    return summary


# --------------------------------------------------------------------------- training data


def narrative_docs(articles: Sequence[CorrectedArticle]) -> list[LabelledDoc]:
    """Reviewed articles with a text as subtask-2 training documents."""
    return [
        LabelledDoc(
            a.id, folder_name(a.language), a.text, frozenset(a.narratives), frozenset(a.subnarratives)
        )
        for a in reviewed(articles, "semeval-narratives")
        if a.text is not None
    ]


def with_corrections(docs: Sequence[LabelledDoc], corrected: Sequence[LabelledDoc]) -> list[LabelledDoc]:
    """``docs`` where a corrected article overrides the one with its id or its text, plus the rest."""
    ids = {d.id for d in corrected}
    hashes = {d.content_hash for d in corrected}
    kept = [d for d in docs if d.id not in ids and d.content_hash not in hashes]
    return [*kept, *corrected]


RoleData = tuple[list[MentionLine], dict[str, str], dict[str, str]]


def role_data(articles: Sequence[CorrectedArticle]) -> RoleData:
    """Reviewed articles with a text as ``read_role_training`` returns them: mentions,
    texts and language folders keyed ``<LANG>/<id>`` (the key of a training article)."""
    mentions: list[MentionLine] = []
    texts: dict[str, str] = {}
    langs: dict[str, str] = {}
    for a in reviewed(articles, "semeval-roles"):
        if a.text is None or not a.entities:
            continue
        key = f"{folder_name(a.language)}/{a.id}"
        texts[key], langs[key] = a.text, folder_name(a.language)
        for e in a.entities:
            mentions.append(
                MentionLine(
                    key, a.text[e.start : e.end], e.start, e.end - 1, e.main_role, tuple(e.fine_roles)
                )
            )
    return mentions, texts, langs


def with_role_corrections(data: RoleData, corrected: RoleData) -> RoleData:
    """Training mentions where a corrected article replaces the one with its key or text."""
    mentions, texts, langs = data
    c_mentions, c_texts, c_langs = corrected
    ids = {key.split("/", 1)[-1] for key in c_texts}
    contents = set(c_texts.values())
    dropped = {k for k, t in texts.items() if k in c_texts or k.split("/", 1)[-1] in ids or t in contents}
    return (
        [m for m in mentions if m.article_id not in dropped] + c_mentions,
        {**{k: t for k, t in texts.items() if k not in dropped}, **c_texts},
        {**{k: v for k, v in langs.items() if k not in dropped}, **c_langs},
    )
