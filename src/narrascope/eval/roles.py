"""SemEval 2025 Task 10 subtask 1 (entity framing): mention files, offset repair, metrics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from narrascope.eval.semeval import LANGUAGES


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
    """Read ``id<TAB>mention<TAB>start<TAB>end[<TAB>main<TAB>fine…]``; bad lines become problems."""
    out = ParsedMentions()
    text = path.read_text(encoding="utf-8-sig")
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


def format_mention_line(m: MentionLine, main: str, fine: Sequence[str]) -> str:
    return "\t".join([m.article_id, m.mention, str(m.start), str(m.end), main, *fine])


def locate_mention(text: str, mention: str, start: int, end_inclusive: int) -> tuple[int, int] | None:
    """Find the mention's real code-point span ``[start, end)`` in ``text``.

    Tries the offsets as given, then the CRLF-counting convention of the Russian
    files (offset minus the newlines before it), then the nearest exact occurrence
    of the mention string. Returns None when the string does not occur at all.
    """
    end = end_inclusive + 1
    if text[start:end] == mention:
        return start, end
    shift = text[:start].count("\n")
    for _ in range(3):
        s = start - shift
        if text[s : s + len(mention)] == mention:
            return s, s + len(mention)
        shift = text[: max(0, s)].count("\n")
    hits = []
    pos = text.find(mention)
    while pos != -1:
        hits.append(pos)
        pos = text.find(mention, pos + 1)
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - start))
    return best, best + len(mention)


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
