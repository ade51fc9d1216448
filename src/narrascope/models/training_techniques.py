"""Training and grouped cross-validation of the technique tagger (``train techniques``).

Owns reading the PTC training folder into texts + gold spans, the grouped (by
article) k-fold CV that produces the scores in the manifest, and writing the
shipped artifact. Deterministic: fixed fold assignment and seeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from sklearn.model_selection import GroupKFold

from narrascope.eval.techniques import (
    TechniqueLabel,
    article_id_from_name,
    labeled_span_f1,
    per_technique,
    read_label_file,
    span_f1,
)
from narrascope.models.techniques import DocTokens, TechniqueConfig, TechniqueModel
from narrascope.models.training import training_manifest

SEED = 0
# Decoding of the delexicalised model, chosen by its own grouped CV (docs/BENCHMARKS.md).
TRANSFER_DEFAULTS: dict[str, Any] = {
    "tagger": "sgd",
    "lexical": False,
    "sentence_mix": 0.7,
    "threshold": 0.25,
    "max_gap": 2,
}
LABELS_FILE = "train-task2-TC.labels"


@dataclass
class PtcCorpus:
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
        with open(path, encoding="utf-8", newline="") as handle:
            texts.append(handle.read())
        ids.append(article_id)
        spans.append(sorted(by_id.get(article_id, [])))
    return PtcCorpus(ids, texts, spans, gold)


def fold_assignment(ids: Sequence[str], folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(ids)), groups=list(ids)))


def as_labels(article_id: str, spans: Sequence[tuple[int, int, str, float]]) -> list[TechniqueLabel]:
    return [TechniqueLabel(article_id, a, b, t) for a, b, t, _ in spans]


def cross_validate_techniques(
    corpus: PtcCorpus,
    config: TechniqueConfig,
    folds: int = 5,
    docs: Sequence[DocTokens] | None = None,
    on_fold: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], list[TechniqueLabel]]:
    """Grouped k-fold CV; returns scores (overall, per technique, fold spread) and OOF predictions."""
    docs = docs if docs is not None else [TechniqueModel(config).doc(t) for t in corpus.texts]
    predicted: list[TechniqueLabel] = []
    fold_si, fold_labeled = [], []
    for train, test in fold_assignment(corpus.ids, folds):
        model = TechniqueModel(config).fit(
            [corpus.texts[i] for i in train], [corpus.spans[i] for i in train], [docs[i] for i in train]
        )
        test_docs = [docs[i] for i in test]
        fold_pred: list[TechniqueLabel] = []
        for i, d, s in zip(
            test, test_docs, model.token_scores([corpus.texts[i] for i in test], test_docs), strict=True
        ):
            fold_pred += as_labels(corpus.ids[i], model.decode(corpus.texts[i], d, s))
        test_ids = [corpus.ids[i] for i in test]
        fold_si.append(span_f1(corpus.gold, fold_pred, test_ids).f1)
        fold_labeled.append(labeled_span_f1(corpus.gold, fold_pred, test_ids).f1)
        predicted += fold_pred
        if on_fold:
            on_fold()
    return score_summary(corpus, predicted, fold_si, fold_labeled), predicted


def score_summary(
    corpus: PtcCorpus, predicted: list[TechniqueLabel], fold_si: list[float], fold_labeled: list[float]
) -> dict[str, Any]:
    si = span_f1(corpus.gold, predicted, corpus.ids)
    lab = labeled_span_f1(corpus.gold, predicted, corpus.ids)
    return {
        "folds": len(fold_si),
        "grouped_by": "article",
        "span_f1": round(si.f1, 4),
        "span_precision": round(si.precision, 4),
        "span_recall": round(si.recall, 4),
        "span_f1_fold_sd": round(float(np.std(fold_si)), 4) if fold_si else None,
        "labeled_span_f1": round(lab.f1, 4),
        "labeled_span_precision": round(lab.precision, 4),
        "labeled_span_recall": round(lab.recall, 4),
        "labeled_span_f1_fold_sd": round(float(np.std(fold_labeled)), 4) if fold_labeled else None,
        "per_technique_f1": {
            t: round(s.f1, 4) for t, s in per_technique(corpus.gold, predicted, corpus.ids).items()
        },
    }


def train_technique_model(
    data: Path,
    out_dir: Path,
    *,
    folds: int = 5,
    config: TechniqueConfig | None = None,
    transfer_config: TechniqueConfig | None = None,
    console: Console | None = None,
) -> dict[str, Any]:
    """Train the English model and the language-independent transfer model (in ``out_dir/transfer``)."""
    console = console or Console(stderr=True)
    started = time.time()
    config = config or TechniqueConfig()
    corpus = read_ptc(data)
    if not corpus.gold:
        raise ValueError(f"{data}: no technique spans found")
    console.print(f"{len(corpus.gold)} technique spans in {len(corpus.texts)} articles")
    manifest = _train_one("narrascope-techniques", corpus, data, out_dir, config, folds, console, started)
    # The language-independent model for bg/hi/pt/ru; its English CV bounds the transfer.
    transfer = transfer_config or TechniqueConfig(**TRANSFER_DEFAULTS)
    _train_one(
        "narrascope-techniques-transfer",
        corpus,
        data,
        out_dir / "transfer",
        transfer,
        folds,
        console,
        started,
    )
    console.print(f"technique models written to {out_dir} in {time.time() - started:.0f}s")
    return manifest


def _train_one(
    name: str,
    corpus: PtcCorpus,
    data: Path,
    out_dir: Path,
    config: TechniqueConfig,
    folds: int,
    console: Console,
    started: float,
) -> dict[str, Any]:
    docs = [TechniqueModel(config).doc(t) for t in corpus.texts]
    cv: dict[str, Any] = {}
    if folds > 1:
        cv, _ = cross_validate_techniques(corpus, config, folds, docs)
        console.print(
            f"{name} CV: span F1 {cv['span_f1']:.3f} (sd {cv['span_f1_fold_sd']:.3f}), "
            f"labeled span F1 {cv['labeled_span_f1']:.3f} (sd {cv['labeled_span_f1_fold_sd']:.3f})"
        )
    final = TechniqueModel(config).fit(corpus.texts, corpus.spans, docs)
    trained_on = {
        "data": str(data),
        "spans": len(corpus.gold),
        "articles": len(corpus.texts),
        "language": "en",
    }
    manifest = training_manifest(name, trained_on, started, cv).model_dump(exclude={"format", "config"})
    final.save(out_dir, manifest)
    return manifest
