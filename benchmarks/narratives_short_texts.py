"""Short texts: does the lexical/embedding blend that suits full articles suit a headline
with one to three sentences? (issue 10: statements, posts and headlines are input too.)

Grouped 5-fold CV (the training folds): each fold's model is trained on full articles plus
the taxonomy's descriptions, exactly as shipped, and predicts the *title + first k
sentences* of its held-out articles with the lexical weight varied at prediction time;
confidences at the balanced sensitivity, the shipped thresholds. The labels are those of the
whole article, so absolute figures understate a short text's own F1; the comparison across
weights is what this measures. About 6 minutes with a warm embedding cache.

    python benchmarks/narratives_short_texts.py --cache cache/embeddings.sqlite
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from rich.console import Console

from narrascope.eval.semeval import LabelledDoc, read_narrative_descriptions, read_training_folder, samples_f1
from narrascope.models.narratives import NarrativeClassifier, TrainingSet, embedding_features
from narrascope.models.training import (
    description_set,
    embed_articles,
    grouped_folds,
    label_matrix,
    stack,
    subset,
)
from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text
from narrascope.nlp.segment import split_sentences
from narrascope.taxonomy import OTHER, default_taxonomy

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "semeval2025-task10" / "train"
SHIPPED = REPO / "src" / "narrascope" / "models" / "artifacts" / "narratives"
SENTENCES = (1, 2, 3)
WEIGHTS = (0.5, 0.35, 0.2, 0.1, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, required=True, help="embedding cache (content-keyed SQLite)")
    args = parser.parse_args()
    taxonomy = default_taxonomy()
    docs = read_training_folder(DATA)
    embedder = Embedder(cache=EmbeddingCache(args.cache))
    shipped = NarrativeClassifier.load(SHIPPED, taxonomy)
    config = shipped.config
    coarse = label_matrix(docs, shipped.coarse_labels, fine=False)
    fine = label_matrix(docs, shipped.fine_labels, fine=True)
    quiet = Console(stderr=True, quiet=True)
    data = TrainingSet([d.text for d in docs], embed_articles(docs, config, embedder, quiet), coarse, fine)
    extra = description_set(read_narrative_descriptions(DATA.parent / "taxonomy"), shipped, embedder)
    short_texts: dict[int, list[str]] = {k: [] for k in SENTENCES}
    short_pooled: dict[int, list[np.ndarray]] = {k: [] for k in SENTENCES}
    for doc in docs:
        spans = split_sentences(doc.text)
        for k in SENTENCES:
            head = spans[: k + 1]  # the title is the first span
            short_texts[k].append(" ".join(s.text for s in head))
            vectors = embedder.embed([embedding_text(s.text) for s in head])
            short_pooled[k].append(embedding_features(vectors, doc.language.lower()))
    predicted: dict[tuple[int, float], list[tuple[set[str], set[str]]]] = {
        (k, w): [({OTHER}, {OTHER})] * len(docs) for k in SENTENCES for w in WEIGHTS
    }
    for number, (train, test) in enumerate(grouped_folds(docs, 5), start=1):
        started = time.time()
        clf = NarrativeClassifier(taxonomy, config).fit(stack(subset(data, train), extra))
        clf.calibration_ = shipped.calibration_
        languages = [docs[i].language.lower() for i in test]
        for k in SENTENCES:
            texts = [short_texts[k][i] for i in test]
            pooled = np.stack([short_pooled[k][i] for i in test])
            for weight in WEIGHTS:
                clf.config.lexical_weight = weight
                conf = clf.confidences(clf.predict_proba(texts, pooled), languages, "balanced", False)
                for row, i in enumerate(test):
                    decoded = clf.decode(conf.coarse[row], conf.fine[row])
                    subs = {s for group in decoded.subnarratives.values() for s in group}
                    predicted[(k, weight)][i] = (set(decoded.narratives) or {OTHER}, subs or {OTHER})
            clf.config.lexical_weight = shipped.config.lexical_weight
        print(f"fold {number} done in {time.time() - started:.0f}s", flush=True)
    report(docs, coarse, predicted, shipped)


def report(
    docs: list[LabelledDoc],
    coarse: np.ndarray,
    predicted: dict[tuple[int, float], list[tuple[set[str], set[str]]]],
    clf: NarrativeClassifier,
) -> None:
    bearing = coarse.sum(axis=1) > 0
    gold_c = [set(d.narratives) for d in docs]
    gold_f = [set(d.subnarratives) for d in docs]
    coarse_set, fine_set = {*clf.coarse_labels, OTHER}, {*clf.fine_labels, OTHER}
    print(
        "| sentences after the title | lexical weight | coarse F1 | fine F1 | coarse F1, bearing | "
        "bearing articles flagged | Other articles flagged |"
    )
    print("|---|---|---|---|---|---|---|")
    for (k, weight), rows in predicted.items():
        pred_c = [c for c, _ in rows]
        pred_f = [f for _, f in rows]
        flagged = np.array([c != {OTHER} for c in pred_c])
        on_bearing = samples_f1(
            [g for g, b in zip(gold_c, bearing, strict=True) if b],
            [p for p, b in zip(pred_c, bearing, strict=True) if b],
            coarse_set,
        )
        print(
            f"| {k} | {weight} | {samples_f1(gold_c, pred_c, coarse_set):.3f} | "
            f"{samples_f1(gold_f, pred_f, fine_set):.3f} | "
            f"{on_bearing:.3f} | {flagged[bearing].mean():.2f} | {flagged[~bearing].mean():.2f} |"
        )


if __name__ == "__main__":
    main()
