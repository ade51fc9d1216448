"""Persuasion-technique span files (SemEval 2020 Task 11 / PTC) and their span-overlap metrics.

Owns the PTC formats: the label file (``id<TAB>technique<TAB>start<TAB>end``, end
exclusive; the 3-column ``id<TAB>start<TAB>end`` span-identification files too) and
the training folder (``train-articles/article<ID>.txt`` + labels), read into texts and
gold spans for the trainer, which never opens article files itself. Also the scores:
span-identification (SI) F1 with partial overlap credit, the same measure counting
only same-technique pairs, and a per-technique breakdown. Runs no model. The technique
labels belong to ``narrascope.taxonomy.techniques`` and are re-exported here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Re-exported: the CLI and the benchmarks import the label set from here.
from narrascope.taxonomy.techniques import TECHNIQUE_NAMES, TECHNIQUES

LABELS_FILE = "train-task2-TC.labels"


class LabelFileError(ValueError):
    """A malformed label file; the message names the file and line."""


@dataclass(frozen=True, order=True)
class TechniqueLabel:
    """One labelled span: ``article_id`` is the number in ``article<ID>.txt``; ``end`` exclusive."""

    article_id: str
    start: int
    end: int
    technique: str = ""


def format_label_line(label: TechniqueLabel) -> str:
    return f"{label.article_id}\t{label.technique}\t{label.start}\t{label.end}"


def parse_label_lines(lines: Iterable[str], source: str = "<labels>") -> list[TechniqueLabel]:
    """Parse 4-column (technique) or 3-column (span only) lines; raise on the first bad line."""
    out = []
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        out.append(_parse_line(line.split("\t"), f"{source}:line {lineno}"))
    return out


def _parse_line(parts: list[str], where: str) -> TechniqueLabel:
    if len(parts) == 4:
        article, technique, start_s, end_s = (p.strip() for p in parts)
        if technique not in TECHNIQUE_NAMES:
            raise LabelFileError(f"{where}: unknown technique {technique!r} (see techniques.txt)")
    elif len(parts) == 3 and parts[1].strip().lstrip("-").isdigit():
        article, start_s, end_s = (p.strip() for p in parts)
        technique = ""
    else:
        raise LabelFileError(f"{where}: expected 4 tab-separated columns (id, technique, start, end)")
    try:
        start, end = int(start_s), int(end_s)
    except ValueError:
        raise LabelFileError(f"{where}: start/end are not integers ({start_s!r}, {end_s!r})") from None
    if not article:
        raise LabelFileError(f"{where}: empty article id")
    if start < 0 or end <= start:
        raise LabelFileError(f"{where}: invalid span {start}-{end} (need 0 <= start < end)")
    return TechniqueLabel(article, start, end, technique)


def read_label_file(path: Path) -> list[TechniqueLabel]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabelFileError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise LabelFileError(f"{path}: not UTF-8 text") from None
    return parse_label_lines(text.splitlines(), str(path))


def article_id_from_name(name: str) -> str:
    """``article123.txt`` → ``123``; any other ``X.txt`` → ``X``."""
    stem = name[:-4] if name.endswith(".txt") else name
    return stem[len("article") :] if stem.startswith("article") and stem[7:].isdigit() else stem


@dataclass
class PtcCorpus:
    """A PTC training folder in memory: ``spans[i]`` are the sorted gold ``(start, end, technique)``
    of ``texts[i]``; ``gold`` keeps every label for scoring."""

    ids: list[str]
    texts: list[str]
    spans: list[list[tuple[int, int, str]]]
    gold: list[TechniqueLabel]


def read_ptc(data: Path) -> PtcCorpus:
    """``train-articles/article<ID>.txt`` + ``train-task2-TC.labels`` → texts and gold spans."""
    articles = data / "train-articles"
    labels_path = data / LABELS_FILE
    if not articles.is_dir() or not labels_path.is_file():
        raise FileNotFoundError(f"{data}: expected train-articles/ and {LABELS_FILE} (the PTC corpus layout)")
    gold = read_label_file(labels_path)
    by_id: dict[str, list[tuple[int, int, str]]] = {}
    for g in gold:
        by_id.setdefault(g.article_id, []).append((g.start, g.end, g.technique))
    ids, texts, spans = [], [], []
    for path in sorted(articles.glob("*.txt")):
        article_id = article_id_from_name(path.name)
        # Offsets count every character, "\r" included: no newline translation.
        with open(path, encoding="utf-8", newline="") as handle:
            texts.append(handle.read())
        ids.append(article_id)
        spans.append(sorted(by_id.get(article_id, [])))
    return PtcCorpus(ids, texts, spans, gold)


@dataclass(frozen=True)
class SpanScores:
    precision: float
    recall: float
    f1: float
    n_pred: int
    n_gold: int


Interval = tuple[int, int]


def merge_intervals(spans: Iterable[Interval]) -> list[Interval]:
    """Union of overlapping (not merely touching) intervals, sorted."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _overlap_sums(pred: Sequence[Interval], gold: Sequence[Interval]) -> tuple[float, float]:
    """Σ_s Σ_t |s∩t|/|s| and Σ_s Σ_t |s∩t|/|t| for one article."""
    p_sum = r_sum = 0.0
    for ps, pe in pred:
        for gs, ge in gold:
            inter = min(pe, ge) - max(ps, gs)
            if inter > 0:
                p_sum += inter / (pe - ps)
                r_sum += inter / (ge - gs)
    return p_sum, r_sum


def _scores(p_sum: float, r_sum: float, n_pred: int, n_gold: int) -> SpanScores:
    precision = p_sum / n_pred if n_pred else 0.0
    recall = r_sum / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return SpanScores(precision, recall, f1, n_pred, n_gold)


def _by_article(labels: Iterable[TechniqueLabel]) -> dict[str, list[TechniqueLabel]]:
    grouped: dict[str, list[TechniqueLabel]] = defaultdict(list)
    for label in labels:
        grouped[label.article_id].append(label)
    return grouped


def span_f1(
    gold: Iterable[TechniqueLabel], pred: Iterable[TechniqueLabel], articles: Iterable[str] | None = None
) -> SpanScores:
    """SI F1: techniques ignored, overlapping spans of the same side merged per article.

    ``articles`` restricts scoring to those ids (default: every id of gold or pred).
    """
    g, p = _by_article(gold), _by_article(pred)
    ids = set(articles) if articles is not None else set(g) | set(p)
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for article in ids:
        gs = merge_intervals((x.start, x.end) for x in g.get(article, []))
        ps = merge_intervals((x.start, x.end) for x in p.get(article, []))
        a, b = _overlap_sums(ps, gs)
        p_sum, r_sum, n_pred, n_gold = p_sum + a, r_sum + b, n_pred + len(ps), n_gold + len(gs)
    return _scores(p_sum, r_sum, n_pred, n_gold)


def labeled_span_f1(
    gold: Iterable[TechniqueLabel],
    pred: Iterable[TechniqueLabel],
    articles: Iterable[str] | None = None,
    technique: str | None = None,
) -> SpanScores:
    """The SI formula counting only same-technique pairs, without merging.

    Taken literally, as specified: two overlapping gold spans of one technique both
    credit the same predicted span, so the score of the gold file against itself is
    1.001 on the PTC training labels, not exactly 1.

    ``technique`` restricts both sides to one technique (the per-technique breakdown).
    """
    g = [x for x in gold if technique is None or x.technique == technique]
    p = [x for x in pred if technique is None or x.technique == technique]
    gb, pb = _by_article(g), _by_article(p)
    ids = set(articles) if articles is not None else set(gb) | set(pb)
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for article in ids:
        gold_by_tech: dict[str, list[Interval]] = defaultdict(list)
        for x in gb.get(article, []):
            gold_by_tech[x.technique].append((x.start, x.end))
        pred_by_tech: dict[str, list[Interval]] = defaultdict(list)
        for x in pb.get(article, []):
            pred_by_tech[x.technique].append((x.start, x.end))
        for tech, spans in pred_by_tech.items():
            a, b = _overlap_sums(spans, gold_by_tech.get(tech, []))
            p_sum, r_sum = p_sum + a, r_sum + b
        n_pred += len(pb.get(article, []))
        n_gold += len(gb.get(article, []))
    return _scores(p_sum, r_sum, n_pred, n_gold)


def per_technique(
    gold: Sequence[TechniqueLabel], pred: Sequence[TechniqueLabel], articles: Iterable[str] | None = None
) -> dict[str, SpanScores]:
    ids = list(articles) if articles is not None else None
    return {t: labeled_span_f1(gold, pred, ids, technique=t) for t in TECHNIQUES}
