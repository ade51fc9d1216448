"""Training and cross-validation of the narrative classifier (``narrascope train narratives``).

Deterministic: folds come from a seeded grouped split (groups = content hash, since
some articles repeat under other ids), liblinear is seeded, and nothing depends on
the order files are listed in. The only cache is content-keyed sentence embeddings.

The recipe (docs/BENCHMARKS.md, *Narratives, round 2*): lexical and embedding heads
trained on the articles plus the taxonomy's example statements; out-of-fold
probabilities for both profiles; cross-fitted Platt maps; each article moved from its
language's training prior of ``Other`` to the balanced prior of use; thresholds tuned
on those confidences; then every head refitted on all data.
"""

from __future__ import annotations

import datetime as dt
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from narrascope import __version__
from narrascope.eval.feedback import with_corrections
from narrascope.eval.semeval import (
    LabelledDoc,
    NarrativeDescription,
    read_narrative_descriptions,
    read_training_folder,
    read_unlabelled,
    samples_f1,
)
from narrascope.models.base import ArtifactManifest
from narrascope.models.narratives import (
    SENSITIVITIES,
    NarrativeClassifier,
    NarrativeConfig,
    Probabilities,
    TrainingSet,
    decode_labels,
    embedding_features,
    platt,
    shift_prior,
    training_other_rates,
)
from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text
from narrascope.nlp.segment import split_sentences, window_sentences
from narrascope.taxonomy import OTHER, Taxonomy, default_taxonomy
from narrascope.util import progress

SEED = 0
COARSE_GRID = tuple(round(x, 3) for x in np.arange(0.05, 0.701, 0.025))
FINE_GRID = tuple(round(x, 3) for x in np.arange(0.05, 0.501, 0.025))
PROFILES = ("default", "fast")
# Kept for the benchmark scripts that tune a single grid.
THRESHOLD_GRID = COARSE_GRID


def label_matrix(docs: Sequence[LabelledDoc], labels: Sequence[str], fine: bool) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    y = np.zeros((len(docs), len(labels)), dtype=np.int8)
    for row, doc in enumerate(docs):
        for label in doc.subnarratives if fine else doc.narratives:
            if label in index:
                y[row, index[label]] = 1
    return y


def grouped_folds(docs: Sequence[LabelledDoc], n_splits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=SEED)
    groups = [doc.content_hash for doc in docs]
    return list(splitter.split(np.zeros(len(docs)), groups=groups))


def embed_articles(
    docs: Sequence[LabelledDoc], config: NarrativeConfig, embedder: Embedder, console: Console | None
) -> np.ndarray:
    """Embedding-head features per article, exactly as the pipeline computes them: the
    sentences of the article's window, each embedded alone, mean-pooled."""
    rows = []
    with progress(console or Console(stderr=True), len(docs), "embedding") as advance:
        for doc in docs:
            sentences = split_sentences(doc.text)
            window = window_sentences(sentences, config.window_words)
            vectors = embedder.embed([embedding_text(sentences[i].text) for i in window])
            rows.append(embedding_features(vectors, doc.language.lower()))
            advance()
    return np.stack(rows)


def description_set(
    descriptions: Sequence[NarrativeDescription], clf: NarrativeClassifier, embedder: Embedder
) -> TrainingSet:
    """The taxonomy's example statements as extra labelled training texts (no language)."""
    known = [d for d in descriptions if d.narrative in clf.coarse_labels]
    coarse = np.zeros((len(known), len(clf.coarse_labels)), dtype=np.int8)
    fine = np.zeros((len(known), len(clf.fine_labels)), dtype=np.int8)
    for row, d in enumerate(known):
        coarse[row, clf.coarse_labels.index(d.narrative)] = 1
        if d.subnarrative in clf.fine_labels:
            fine[row, clf.fine_labels.index(d.subnarrative)] = 1
    vectors = embedder.embed([embedding_text(d.text) for d in known])
    pooled = np.stack([embedding_features(v[None, :], None) for v in vectors]) if known else None
    return TrainingSet([d.text for d in known], pooled, coarse, fine)


def stack(a: TrainingSet, b: TrainingSet) -> TrainingSet:
    pooled = None
    if a.pooled is not None and b.pooled is not None:
        pooled = np.vstack([a.pooled, b.pooled])
    return TrainingSet(
        [*a.texts, *b.texts], pooled, np.vstack([a.coarse, b.coarse]), np.vstack([a.fine, b.fine])
    )


def subset(data: TrainingSet, rows: np.ndarray) -> TrainingSet:
    return TrainingSet(
        [data.texts[i] for i in rows],
        data.pooled[rows] if data.pooled is not None else None,
        data.coarse[rows],
        data.fine[rows],
    )


def out_of_fold(
    make: Any,
    data: TrainingSet,
    extra: TrainingSet,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    lexical_extra: Sequence[str],
    console: Console,
) -> dict[str, Probabilities]:
    """Raw out-of-fold probabilities of both profiles (the extra rows always train)."""
    n = len(data.texts)
    out = {
        p: Probabilities(
            np.zeros(data.coarse.shape, np.float32), np.zeros(data.fine.shape, np.float32), np.zeros(n)
        )
        for p in PROFILES
    }
    for k, (train, test) in enumerate(folds, start=1):
        start = time.time()
        fold = stack(subset(data, train), extra)
        clf: NarrativeClassifier = make().fit(fold, lexical_texts=[*fold.texts, *lexical_extra])
        texts = [data.texts[i] for i in test]
        pooled = data.pooled[test] if data.pooled is not None else None
        for profile, probs in (
            ("default", clf.predict_proba(texts, pooled)),
            ("fast", clf.predict_proba(texts, None)),
        ):
            out[profile].coarse[test] = probs.coarse
            out[profile].fine[test] = probs.fine
            out[profile].bearing[test] = probs.bearing
        console.print(f"  fold {k}/{len(folds)} done in {time.time() - start:.0f}s")
    return out


def fit_platt(values: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt map (logistic on the logit of the score) from scores to observed frequency."""
    p = np.clip(values.ravel(), 1e-4, 1 - 1e-4)
    z = np.log(p / (1 - p)).reshape(-1, 1)
    model = LogisticRegression(C=100.0, max_iter=2000).fit(z, labels.ravel())
    return float(model.coef_[0][0]), float(model.intercept_[0])


def cross_fit_calibration(
    values: np.ndarray, labels: np.ndarray, folds: Sequence[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """Each fold's scores calibrated by a map fitted on the other folds (honest CV figures)."""
    out = np.zeros_like(values, dtype=np.float32)
    for train, test in folds:
        out[test] = platt(values[test], *fit_platt(values[train], labels[train]))
    return out


@dataclass
class Evaluation:
    """What one operating point does to the CV articles."""

    docs: Sequence[LabelledDoc]
    bearing: np.ndarray
    folds: Sequence[tuple[np.ndarray, np.ndarray]]
    taxonomy: Taxonomy

    def scores(self, preds: Sequence[tuple[set[str], set[str]]], rows: Any = None) -> tuple[float, float]:
        rows = range(len(self.docs)) if rows is None else rows
        coarse_set = set(self.taxonomy.narrative_labels()) | {OTHER}
        fine_set = set(self.taxonomy.subnarrative_labels()) | {OTHER}
        gold = [self.docs[i] for i in rows]
        pred = [preds[i] for i in rows]
        return (
            samples_f1([set(d.narratives) for d in gold], [p[0] for p in pred], coarse_set),
            samples_f1([set(d.subnarratives) for d in gold], [p[1] for p in pred], fine_set),
        )

    def report(self, preds: Sequence[tuple[set[str], set[str]]]) -> dict[str, Any]:
        """Samples-F1 overall and per language, on all articles and on the narrative-bearing
        ones, precision/recall of "pushes a narrative" per language, and fold spreads."""
        c_all, f_all = self.scores(preds)
        out: dict[str, Any] = {"coarse": round(c_all, 4), "fine": round(f_all, 4), "by_language": {}}
        for lang in sorted({d.language for d in self.docs}):
            rows = [i for i, d in enumerate(self.docs) if d.language == lang]
            out["by_language"][lang] = self._language(preds, rows)
        langs = out["by_language"].values()
        out["language_mean"] = {
            key: round(float(np.mean([v[key] for v in langs])), 4)
            for key in ("coarse", "fine", "coarse_bearing", "fine_bearing")
        }
        folds = [self.scores(preds, test) for _, test in self.folds]
        out["coarse_fold_sd"] = round(float(np.std([s[0] for s in folds])), 4)
        out["fine_fold_sd"] = round(float(np.std([s[1] for s in folds])), 4)
        return out

    def _language(self, preds: Sequence[tuple[set[str], set[str]]], rows: list[int]) -> dict[str, float]:
        bearing = [i for i in rows if self.bearing[i]]
        said = [i for i in rows if OTHER not in preds[i][0]]
        hits = sum(1 for i in said if self.bearing[i])
        c, f = self.scores(preds, rows)
        cb, fb = self.scores(preds, bearing) if bearing else (0.0, 0.0)
        bearing_set = set(bearing)
        fold_fb = [self.scores(preds, [i for i in test if i in bearing_set])[1] for _, test in self.folds]
        return {
            "articles": len(rows),
            "coarse": round(c, 4),
            "fine": round(f, 4),
            "coarse_bearing": round(cb, 4),
            "fine_bearing": round(fb, 4),
            "fine_bearing_fold_sd": round(float(np.std(fold_fb)), 4),
            "bearing_precision": round(hits / max(1, len(said)), 4),
            "bearing_recall": round(hits / max(1, len(bearing)), 4),
        }


def decode_all(
    clf: NarrativeClassifier, conf: Probabilities, tc: float, tf: float
) -> list[tuple[set[str], set[str]]]:
    out = []
    for i in range(len(conf.coarse)):
        d = decode_labels(
            conf.coarse[i], conf.fine[i], clf.coarse_labels, clf.fine_labels, clf.taxonomy, tc, tf
        )
        if d.is_other:
            out.append(({OTHER}, {OTHER}))
        else:
            out.append((set(d.narratives), {s for subs in d.subnarratives.values() for s in subs}))
    return out


def tune_thresholds(clf: NarrativeClassifier, conf: Probabilities, ev: Evaluation) -> tuple[float, float]:
    """The (coarse, fine) thresholds maximising fine F1 + 0.25 × coarse F1 (fine is the
    official ranking metric; coarse breaks near-ties)."""
    best: tuple[float, float, float] | None = None
    for tc in COARSE_GRID:
        for tf in FINE_GRID:
            c, f = ev.scores(decode_all(clf, conf, tc, tf))
            if best is None or f + 0.25 * c > best[0] + 1e-9:
                best = (f + 0.25 * c, tc, tf)
    assert best is not None
    return best[1], best[2]


def shifted_confidences(
    cal: Probabilities,
    languages: Sequence[str],
    other: Sequence[bool],
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    use: float,
) -> Probabilities:
    """Cross-validated ``NarrativeClassifier.confidences``: each fold's articles move from
    the training prior of their language (estimated on the other folds) to ``use``."""
    ratio = np.ones(len(languages))
    bearing = np.clip(cal.bearing, 1e-3, 1 - 1e-3)
    shifted = np.zeros(len(languages))
    for train, test in folds:
        rates = training_other_rates([languages[i] for i in train], [other[i] for i in train])
        for i in test:
            shifted[i] = shift_prior(float(bearing[i]), rates.get(languages[i], 0.5), use)
            ratio[i] = shifted[i] / bearing[i]
    return Probabilities(
        np.clip(cal.coarse * ratio[:, None], 0, 1), np.clip(cal.fine * ratio[:, None], 0, 1), shifted
    )


def training_manifest(
    model: str, trained_on: dict[str, Any], started: float, cv: dict[str, Any]
) -> ArtifactManifest:
    """The provenance every shipped artifact carries: data, date, command, machine, CV scores.

    ``format`` and ``config`` are filled in by the estimator's ``save``.
    """
    command = "narrascope " + " ".join(sys.argv[1:]) if sys.argv and "narrascope" in sys.argv[0] else ""
    return ArtifactManifest(
        format=0,
        model=model,
        narrascope_version=__version__,
        trained_on=trained_on,
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        command=command,
        machine=f"{platform.machine()} {platform.system()}, python {platform.python_version()}",
        training_seconds=round(time.time() - started, 1),
        cross_validation=cv,
    )


def train_narrative_model(
    data: Path,
    out_dir: Path,
    *,
    unlabeled: Path | None = None,
    descriptions: Path | None = None,
    cache_path: Path | None = None,
    folds: int = 5,
    config: NarrativeConfig | None = None,
    console: Console | None = None,
    corrections: Sequence[LabelledDoc] = (),
) -> ArtifactManifest:
    """Cross-validate, calibrate, tune thresholds at the balanced prior, fit on all data, save.

    ``descriptions`` is the folder of the taxonomy's ``Narrative_Description_*`` files
    (default: ``taxonomy/`` beside ``data``, when it exists). ``corrections``
    (``eval.feedback.narrative_docs`` of analyst-corrected articles) are added to the
    training data, replacing any article with the same id or text, and take part in CV.
    """
    console = console or Console(stderr=True)
    started = time.time()
    taxonomy = default_taxonomy()
    config = config or NarrativeConfig()
    docs = read_training_folder(data)
    if corrections:
        before = len(docs)
        docs = with_corrections(docs, corrections)
        console.print(
            f"analyst corrections: {len(corrections)} articles "
            f"({before + len(corrections) - len(docs)} training articles replaced)"
        )
    if not docs:
        raise ValueError(f"{data}: no labelled articles found (expected <LANG>/subtask-2-annotations.txt)")
    folder = descriptions or (data.parent / "taxonomy")
    statements = read_narrative_descriptions(folder) if folder.is_dir() else []
    extra_texts = read_unlabelled(unlabeled)
    console.print(
        f"{len(docs)} labelled articles, {len(statements)} example statements, "
        f"{len(extra_texts)} unlabelled (IDF only)"
    )
    probe = NarrativeClassifier(taxonomy, config)
    cache = EmbeddingCache(cache_path) if cache_path else None
    embedder = Embedder(cache=cache)
    labelled = TrainingSet(
        [d.text for d in docs],
        embed_articles(docs, config, embedder, console),
        label_matrix(docs, probe.coarse_labels, fine=False),
        label_matrix(docs, probe.fine_labels, fine=True),
    )
    extra = description_set(statements, probe, embedder)
    languages = [d.language.lower() for d in docs]
    other = [OTHER in d.narratives or not d.narratives for d in docs]
    config = replace(config, training_other_rate=training_other_rates(languages, other))

    cv: dict[str, Any] = {}
    calibration: dict[str, tuple[float, float]] = {}
    if folds > 1:
        config, cv, calibration = cross_validate(
            docs, labelled, extra, extra_texts, languages, other, config, taxonomy, folds, console
        )

    final = NarrativeClassifier(taxonomy, config)
    full = stack(labelled, extra)
    final.fit(full, lexical_texts=[*full.texts, *extra_texts])
    final.calibration_ = calibration
    manifest = training_manifest(
        "narrascope-narratives",
        {
            "data": str(data),
            "labelled_articles": len(docs),
            **({"corrected_articles": len(corrections)} if corrections else {}),
            "example_statements": len(extra.texts),
            "unlabelled_articles": len(extra_texts),
        },
        started,
        cv,
    )
    final.save(out_dir, manifest)
    console.print(f"model written to {out_dir} in {time.time() - started:.0f}s")
    if cache is not None:
        cache.close()
    return manifest


def cross_validate(
    docs: Sequence[LabelledDoc],
    labelled: TrainingSet,
    extra: TrainingSet,
    extra_texts: Sequence[str],
    languages: Sequence[str],
    other: Sequence[bool],
    config: NarrativeConfig,
    taxonomy: Taxonomy,
    n_folds: int,
    console: Console,
) -> tuple[NarrativeConfig, dict[str, Any], dict[str, tuple[float, float]]]:
    """Out-of-fold scores → calibration → thresholds at the balanced prior → CV report."""
    split = grouped_folds(docs, n_folds)
    raw = out_of_fold(
        lambda: NarrativeClassifier(taxonomy, config), labelled, extra, split, extra_texts, console
    )
    ev = Evaluation(docs, np.array([not o for o in other]), split, taxonomy)
    clf = NarrativeClassifier(taxonomy, config)
    calibration: dict[str, tuple[float, float]] = {}
    cv: dict[str, Any] = {"folds": n_folds, "grouping": "content sha256", "seed": SEED}
    thresholds: dict[str, tuple[float, float]] = {}
    for profile in PROFILES:
        probs = raw[profile]
        calibration[f"{profile}_coarse"] = fit_platt(probs.coarse, labelled.coarse)
        calibration[f"{profile}_fine"] = fit_platt(probs.fine, labelled.fine)
        cal = Probabilities(
            cross_fit_calibration(probs.coarse, labelled.coarse, split),
            cross_fit_calibration(probs.fine, labelled.fine, split),
            probs.bearing,
        )
        balanced = shifted_confidences(cal, languages, other, split, config.priors_of_use["balanced"])
        tc, tf = tune_thresholds(clf, balanced, ev)
        thresholds[profile] = (tc, tf)
        levels = {}
        for level in SENSITIVITIES:
            conf = shifted_confidences(cal, languages, other, split, config.priors_of_use[level])
            levels[level] = ev.report(decode_all(clf, conf, tc, tf))
        train_prior = ev.report(decode_all(clf, cal, *tune_thresholds(clf, cal, ev)))
        cv[profile] = {"thresholds": [tc, tf], "sensitivity": levels, "training_prior_tuned": train_prior}
        b = levels["balanced"]
        console.print(
            f"CV {profile} (balanced): coarse {b['coarse']:.3f} fine {b['fine']:.3f}; "
            f"mean over languages {b['language_mean']['coarse']:.3f}/{b['language_mean']['fine']:.3f}; "
            f"thresholds {tc}/{tf}"
        )
    config = replace(
        config,
        coarse_threshold=thresholds["default"][0],
        fine_threshold=thresholds["default"][1],
        fast_coarse_threshold=thresholds["fast"][0],
        fast_fine_threshold=thresholds["fast"][1],
    )
    return config, cv, calibration
