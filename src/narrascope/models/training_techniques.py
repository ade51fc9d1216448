"""Training and grouped cross-validation of the technique tagger (``train techniques``).

Owns the grouped (by article) k-fold CV that produces the scores in the manifest and
the training of the two shipped artifacts from texts and gold spans. Reading the PTC
folder belongs to ``eval.techniques.read_ptc``: nothing here opens an article file.
Deterministic: fixed fold assignment and seeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from sklearn.model_selection import GroupKFold

from narrascope.eval.techniques import (
    PtcCorpus,
    TechniqueLabel,
    labeled_span_f1,
    per_technique,
    read_ptc,
    span_f1,
)
from narrascope.models.techniques import MODEL_NAME, DocTokens, TechniqueConfig, TechniqueModel
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
        test_texts = [corpus.texts[i] for i in test]
        found = model.decode(test_texts, model.predict_proba(test_texts, test_docs), test_docs)
        fold_pred = [
            label for i, spans in zip(test, found, strict=True) for label in as_labels(corpus.ids[i], spans)
        ]
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
    """``train techniques``: read the PTC folder (in ``eval.techniques``) and train on its texts."""
    started = time.time()
    corpus = read_ptc(data)
    return train_technique_models(
        corpus,
        out_dir,
        source=str(data),
        folds=folds,
        config=config,
        transfer_config=transfer_config,
        console=console,
        started=started,
    )


def train_technique_models(
    corpus: PtcCorpus,
    out_dir: Path,
    *,
    source: str,
    folds: int = 5,
    config: TechniqueConfig | None = None,
    transfer_config: TechniqueConfig | None = None,
    console: Console | None = None,
    started: float | None = None,
) -> dict[str, Any]:
    """Train the English model and the language-independent transfer model (in ``out_dir/transfer``).

    ``source`` names the training data in the manifests (the folder the corpus was read from).
    """
    console = console or Console(stderr=True)
    started = started if started is not None else time.time()
    config = config or TechniqueConfig()
    if not corpus.gold:
        raise ValueError(f"{source}: no technique spans found")
    console.print(f"{len(corpus.gold)} technique spans in {len(corpus.texts)} articles")
    manifest = _train_one(MODEL_NAME, corpus, source, out_dir, config, folds, console, started)
    # The language-independent model for bg/hi/pt/ru; its English CV bounds the transfer.
    transfer = transfer_config or TechniqueConfig(**TRANSFER_DEFAULTS)
    _train_one(
        f"{MODEL_NAME}-transfer",
        corpus,
        source,
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
    source: str,
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
        "data": source,
        "spans": len(corpus.gold),
        "articles": len(corpus.texts),
        "language": "en",
    }
    provenance = training_manifest(name, trained_on, started, cv).model_dump(exclude={"format", "config"})
    return final.save(out_dir, provenance).model_dump(mode="json")
