"""SemEval 2025 Task 10 subtask 1 (entity framing): mention files, offset repair, metrics.

Owns the mentions file format, the one function that repairs annotation offsets
(:func:`resolve_mention_span`, with :func:`fallback_span` when a mention cannot be
found), turning a mentions file into spans for ``analyze --mentions`` and ``semeval
roles``, and the official scores. It prepares role-classifier inputs but never loads
or runs the role model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from narrascope.eval.semeval import LANGUAGES
from narrascope.io import InputError, read_txt
from narrascope.schema import Article

if TYPE_CHECKING:
    from narrascope.nlp.segment import Span
    from narrascope.pipeline.entities import MentionInput


@dataclass(frozen=True)
class MentionLine:
    """One line of a mentions / gold / prediction file (``end`` inclusive, as in the files)."""

    article_id: str
    mention: str
    start: int
    end: int
    main_role: str = ""
    fine_roles: tuple[str, ...] = ()
    lineno: int = 0

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.article_id, self.start, self.end)


@dataclass
class ParsedMentions:
    lines: list[MentionLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_mention_file(path: Path, with_roles: bool) -> ParsedMentions:
    """Read ``id<TAB>mention<TAB>start<TAB>end[<TAB>main<TAB>fine…]``; bad lines become problems.

    A file that cannot be read (missing, a folder, not UTF-8) raises :class:`InputError`.
    """
    out = ParsedMentions()
    text = _read_text(path)
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t")
        need = 6 if with_roles else 4
        if len(parts) < need or (not with_roles and len(parts) != 4):
            out.problems.append(
                f"{path}:line {lineno}: expected {need} tab-separated columns, got {len(parts)}"
            )
            continue
        try:
            start, end = int(parts[2]), int(parts[3])
        except ValueError:
            out.problems.append(
                f"{path}:line {lineno}: start/end are not integers ({parts[2]!r}, {parts[3]!r})"
            )
            continue
        if start < 0 or end < start:
            out.problems.append(f"{path}:line {lineno}: invalid span {start}-{end}")
            continue
        main = parts[4].strip() if with_roles else ""
        fine = tuple(p.strip() for p in parts[5:] if p.strip()) if with_roles else ()
        out.lines.append(MentionLine(parts[0].strip(), parts[1], start, end, main, fine, lineno))
    return out


def _read_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(path), "not valid UTF-8 text") from None
    except OSError as error:
        raise InputError(str(path), (error.strerror or str(error)).lower()) from None


def format_mention_line(m: MentionLine, main: str, fine: Sequence[str]) -> str:
    return "\t".join([m.article_id, m.mention, str(m.start), str(m.end), main, *fine])


# --------------------------------------------------------------------------- offset repair


def resolve_mention_span(text: str, mention: str, start: int, end_inclusive: int) -> tuple[int, int] | None:
    """The mention's real code-point span ``[start, end)`` in ``text``, or None if it is not there.

    The one place where annotation offsets are repaired (analyze --mentions, semeval
    roles and training all call it). Tries, in order: the offsets as given; the
    CRLF-counting convention of most Russian, half the Hindi and some Portuguese files (offset minus the
    newlines before it, iterated because the newline count depends on the position);
    the nearest exact occurrence of the mention string (offsets off by a few
    characters). Returns None when the string does not occur at all: the caller then
    uses :func:`fallback_span` and says so.
    """
    end = end_inclusive + 1
    if start >= 0 and text[start:end] == mention:
        return start, end
    shift = text[:start].count("\n")
    for _ in range(3):
        s = start - shift
        if s >= 0 and text[s : s + len(mention)] == mention:
            return s, s + len(mention)
        shift = text[: max(0, s)].count("\n")
    hits = []
    pos = text.find(mention) if mention else -1
    while pos != -1:
        hits.append(pos)
        pos = text.find(mention, pos + 1)
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - start))
    return best, best + len(mention)


def fallback_span(text: str, start: int, end_inclusive: int) -> tuple[int, int]:
    """The given offsets clamped into ``text``: what is classified when the mention is not found.

    Never empty while ``text`` is not: a start past the end moves to the last character
    and the span keeps at least one character (``end >= start + 1``), because an empty
    span would be classified from no mention text at all.
    """
    size = len(text)
    if size == 0:
        return 0, 0
    first = min(max(0, start), size - 1)
    return first, min(size, max(first + 1, end_inclusive + 1))


def mention_span(text: str, m: MentionLine) -> tuple[tuple[int, int], bool]:
    """``(span, located)``: the repaired span, or the fallback span with ``located`` False."""
    span = resolve_mention_span(text, m.mention, m.start, m.end)
    return (span, True) if span is not None else (fallback_span(text, m.start, m.end), False)


def _not_found(source: Path, m: MentionLine, article_id: str) -> str:
    return (
        f"{source}:line {m.lineno}: {m.mention!r} not found in {article_id}; classified from the text "
        "at the given offsets"
    )


@dataclass
class GivenMentions:
    """Mention spans per article id (``analyze --mentions``) and one-line notes about the file."""

    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def given_mention_spans(path: Path, articles: Sequence[Article]) -> GivenMentions:
    """Spans of a mentions file in ``articles``; bad or unknown lines become notes and are skipped.

    The id column names the article (its id, i.e. the file name for ``.txt``); a file
    naming a single id is applied to a single article whatever its id, because a
    shared-task mentions file usually names the article by its original file name.
    """
    parsed = parse_mention_file(path, with_roles=False)
    result = GivenMentions(notes=list(parsed.problems))
    by_id = {a.id: a for a in articles}
    ids = {m.article_id for m in parsed.lines}
    alias = articles[0].id if len(articles) == 1 and len(ids) == 1 and not ids & by_id.keys() else None
    for m in parsed.lines:
        article = by_id.get(alias or m.article_id)
        if article is None:
            result.notes.append(f"{path}:line {m.lineno}: unknown article {m.article_id!r}")
            continue
        span, located = mention_span(article.content, m)
        if not located:
            result.notes.append(_not_found(path, m, article.id))
        result.spans.setdefault(article.id, []).append(span)
    return result


@dataclass
class ResolvedMentions:
    """The lines of a subtask-1 mentions file that can be classified, with their spans."""

    usable: list[tuple[MentionLine, tuple[int, int]]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    total: int = 0  # lines in the file, well-formed or not

    @property
    def unusable(self) -> int:
        return self.total - len(self.usable)


def resolve_mention_file(docs_dir: Path, path: Path, max_bytes: int = 50_000_000) -> ResolvedMentions:
    """Read a subtask-1 mentions file and the articles it names (``docs_dir/<id>``).

    Lines that are malformed or name an unreadable article are problems and skipped; a
    mention not found in its article is classified from its given offsets (a problem
    too, so the user knows). Raises :class:`InputError` when ``docs_dir`` is not a folder
    or ``path`` cannot be read.
    """
    if not Path(docs_dir).is_dir():
        raise InputError(
            str(docs_dir), "no such directory" if not Path(docs_dir).exists() else "not a directory"
        )
    parsed = parse_mention_file(path, with_roles=False)
    result = ResolvedMentions(problems=list(parsed.problems), total=len(parsed.lines) + len(parsed.problems))
    for m in parsed.lines:
        if m.article_id not in result.texts:
            try:
                result.texts[m.article_id] = read_txt(
                    Path(docs_dir) / m.article_id, max_bytes=max_bytes
                ).content
            except InputError as error:
                result.problems.append(
                    f"{path}:line {m.lineno}: unknown or unreadable article ({error.reason})"
                )
                result.texts[m.article_id] = ""
        text = result.texts[m.article_id]
        if not text:
            continue
        span, located = mention_span(text, m)
        if not located:
            result.problems.append(_not_found(path, m, m.article_id))
        result.usable.append((m, span))
    return result


def mention_inputs(resolved: ResolvedMentions) -> list[MentionInput]:
    """One role-classifier input per usable mention; each article is split and identified once."""
    from narrascope.nlp.langid import detect_language
    from narrascope.nlp.segment import split_sentences
    from narrascope.pipeline.entities import MentionInput

    per_article: dict[str, tuple[list[Span], str]] = {}
    inputs = []
    for m, (start, end) in resolved.usable:
        text = resolved.texts[m.article_id]
        if m.article_id not in per_article:
            per_article[m.article_id] = (split_sentences(text), detect_language(text)[0])
        sentences, language = per_article[m.article_id]
        inputs.append(MentionInput(text, sentences, language, start, end))
    return inputs


def read_role_training(
    root: Path, languages: Iterable[str] = LANGUAGES
) -> tuple[list[MentionLine], dict[str, str], dict[str, str]]:
    """Gold mentions of ``root/<LANG>/subtask-1-annotations.txt`` with the article texts.

    Returns ``(mentions, texts by article id, language by article id)``; article ids
    are prefixed with the language folder to keep them unique.
    """
    mentions: list[MentionLine] = []
    texts: dict[str, str] = {}
    langs: dict[str, str] = {}
    for lang in languages:
        folder = root / lang
        ann = folder / "subtask-1-annotations.txt"
        if not ann.exists():
            continue
        for m in parse_mention_file(ann, with_roles=True).lines:
            key = f"{lang}/{m.article_id}"
            if key not in texts:
                with open(folder / "raw-documents" / m.article_id, encoding="utf-8", newline="") as handle:
                    texts[key] = handle.read()
                langs[key] = lang
            mentions.append(MentionLine(key, m.mention, m.start, m.end, m.main_role, m.fine_roles, m.lineno))
    return mentions, texts, langs


@dataclass(frozen=True)
class RoleScores:
    n: int
    exact_match: float
    micro_precision: float
    micro_recall: float
    micro_f1: float
    main_accuracy: float


def score_roles(gold: Sequence[MentionLine], pred: Sequence[MentionLine]) -> RoleScores:
    """Official exact-match ratio of fine-role sets, micro P/R/F1 of fine roles, main accuracy.

    Gold and predictions are matched by (article id, start, end); a gold mention
    with no prediction counts as wrong.
    """
    by_key = {p.key: p for p in pred}
    exact = main_ok = tp = n_pred = n_gold = 0
    for g in gold:
        p = by_key.get(g.key)
        gset = set(g.fine_roles)
        pset = set(p.fine_roles) if p else set()
        exact += gset == pset
        main_ok += p is not None and p.main_role == g.main_role
        tp += len(gset & pset)
        n_pred += len(pset)
        n_gold += len(gset)
    n = len(gold)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return RoleScores(n, exact / n if n else 0.0, precision, recall, f1, main_ok / n if n else 0.0)
