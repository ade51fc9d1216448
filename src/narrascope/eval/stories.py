"""Scores of a story clustering against gold stories: BCubed and pairwise precision/recall/F1.

BCubed (Bagga & Baldwin 1998; Amigó et al. 2009) averages, over articles, how much of an
article's predicted story shares its gold story (precision) and how much of its gold
story it was put with (recall); it does not reward one giant story or all singletons.
Pairwise scores count article pairs put together. Only articles present in both
mappings are scored; the caller reports how many were missing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ClusterScores:
    articles: int
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    gold_clusters: int
    predicted_clusters: int


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_clusters(gold: Mapping[str, str], predicted: Mapping[str, str]) -> ClusterScores:
    """BCubed and pairwise P/R/F1 of ``predicted`` (article → story) against ``gold``."""
    items = sorted(set(gold) & set(predicted))
    if not items:
        raise ValueError("no article is in both the gold and the predicted assignments")
    both = Counter((gold[i], predicted[i]) for i in items)
    gold_size = Counter(gold[i] for i in items)
    pred_size = Counter(predicted[i] for i in items)
    precision = sum(both[(gold[i], predicted[i])] / pred_size[predicted[i]] for i in items) / len(items)
    recall = sum(both[(gold[i], predicted[i])] / gold_size[gold[i]] for i in items) / len(items)
    together = sum(n * (n - 1) / 2 for n in both.values())
    pred_pairs = sum(n * (n - 1) / 2 for n in pred_size.values())
    gold_pairs = sum(n * (n - 1) / 2 for n in gold_size.values())
    pair_p = together / pred_pairs if pred_pairs else 1.0
    pair_r = together / gold_pairs if gold_pairs else 1.0
    return ClusterScores(
        articles=len(items),
        bcubed_precision=precision,
        bcubed_recall=recall,
        bcubed_f1=_f1(precision, recall),
        pairwise_precision=pair_p,
        pairwise_recall=pair_r,
        pairwise_f1=_f1(pair_p, pair_r),
        gold_clusters=len(gold_size),
        predicted_clusters=len(pred_size),
    )


def read_assignments(path: Path) -> dict[str, str]:
    """``article_id<TAB>story_id`` lines (as ``corpus stories --assignments`` writes them)."""
    out: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise ValueError(f"{path}:{number}: expected 'article_id<TAB>story_id'")
        out[parts[0]] = parts[1]
    return out


def clusters(mapping: Mapping[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for item, cluster in mapping.items():
        groups[cluster].append(item)
    return dict(groups)
