"""Training and grouped cross-validation of the segment technique detector (``train segments``).

Reads the Slavic persuasion corpus (``<LANG>/train.csv`` and ``valid.csv``, pooled),
embeds the segments (``embedding_text``, content-keyed cache), cross-validates with
grouped folds by ``filename`` per language (the same folds for the baselines and the
model), then fits :class:`~narrascope.models.segments.SegmentClassifier` on all rows and
writes the artifact. Deterministic: seeded folds, seeded solvers, sorted inputs.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from sklearn.feature_extraction.text import TfidfVectorizer

from narrascope.eval.techniques import LABELS_FILE, read_ptc
from narrascope.models.base import ArtifactManifest
from narrascope.models.linear import sigmoid
from narrascope.models.segments import (
    ANY,
    MODES,
    ExtraRows,
    SegmentClassifier,
    SegmentConfig,
    _fit_heads,
    language_folds,
    save_classifier,
)
from narrascope.models.training import training_manifest
from narrascope.nlp.segment import split_sentences
from narrascope.taxonomy.techniques import persuasion_techniques

SEED = 0
LANGUAGES = ("BG", "PL", "RU")
SPLITS = ("train", "valid")
LEAD_CHARS = 2_400
"""Segments starting before this offset count as "in the article's lead" (≈360 words, the
part the pipeline embeds anyway) when CV simulates missing vectors."""
DATA_NAME = "the Slavic persuasion corpus (LREC 2026)"
PTC_FOLDER = "ptc-semeval2020-task11"
"""English training-only rows: the PTC corpus, looked for beside the Slavic corpus."""
PTC_MIN_WORDS = 3


@dataclass
class SegmentData:
    texts: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # ISO codes: bg, pl, ru
    groups: list[str] = field(default_factory=list)  # filename
    starts: list[int] = field(default_factory=list)
    techniques: list[list[str]] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, rows: Sequence[int]) -> SegmentData:
        return SegmentData(
            [self.texts[i] for i in rows],
            [self.languages[i] for i in rows],
            [self.groups[i] for i in rows],
            [self.starts[i] for i in rows],
            [self.techniques[i] for i in rows],
            self.hashes,
        )


def read_segments(folder: Path, languages: Sequence[str] = LANGUAGES) -> SegmentData:
    """Every segment of ``<folder>/<LANG>/{train,valid}.csv``; unknown technique names raise."""
    labels = set(persuasion_techniques().labels())
    data = SegmentData()
    for lang in languages:
        for split in SPLITS:
            path = Path(folder) / lang / f"{split}.csv"
            if not path.is_file():
                continue
            raw = path.read_bytes()
            data.hashes[f"{lang}/{split}.csv"] = hashlib.sha256(raw).hexdigest()
            for row in csv.DictReader(raw.decode("utf-8-sig").splitlines()):
                names = ast.literal_eval(row["techniques"] or "[]")
                unknown = set(names) - labels
                if unknown:
                    raise ValueError(f"{path}: unknown technique(s) {sorted(unknown)}")
                data.texts.append(row["content"])
                data.languages.append(lang.lower())
                data.groups.append(row["filename"])
                data.starts.append(int(row.get("start") or 0))
                data.techniques.append(sorted(set(names)))
    if not data.texts:
        raise ValueError(f"{folder}: no <LANG>/train.csv or valid.csv with segments ({', '.join(languages)})")
    return data


@dataclass
class PtcRows:
    texts: list[str]
    documents: list[str]
    Y: np.ndarray
    known: np.ndarray
    hashes: dict[str, str]


def read_ptc_rows(folder: Path, labels: Sequence[str]) -> PtcRows:
    """Sentences (≥ 3 words, the project's splitter) of the PTC training articles with the
    product labels of the spans overlapping them (``train-task2-TC.labels``).

    A PTC label maps to a product label only where the taxonomy gives exactly one
    technique for it; a merged PTC class (Whataboutism/Straw Man/Red Herring,
    Bandwagon/Reductio) says one of its members is there without saying which, so those
    members are *unknown* for the sentence, and the techniques PTC does not annotate are
    unknown for every sentence. A sentence with any span is a yes for ``any``."""
    scheme = persuasion_techniques()
    index = {label: j for j, label in enumerate(labels)}
    members: dict[str, list[str]] = {}
    for label in labels:
        ptc = scheme.to_ptc(label) if label != ANY else None
        if ptc:
            members.setdefault(ptc, []).append(label)
    never = [index[label] for label in labels if label != ANY and not scheme.to_ptc(label)]
    try:
        corpus = read_ptc(Path(folder))
    except FileNotFoundError as error:
        raise ValueError(str(error)) from None
    if unknown := sorted({g.technique for g in corpus.gold} - members.keys()):
        raise ValueError(f"{folder / LABELS_FILE}: unknown PTC label(s) {unknown}")
    hashes = {"ptc/train-task2-TC.labels": hashlib.sha256((folder / LABELS_FILE).read_bytes()).hexdigest()}
    texts, documents, rows, known = [], [], [], []
    articles = hashlib.sha256()
    for article, text, spans in zip(corpus.ids, corpus.texts, corpus.spans, strict=True):
        articles.update(text.encode("utf-8"))
        for sentence in split_sentences(text):
            if len(sentence.text.split()) < PTC_MIN_WORDS:
                continue
            y, k = np.zeros(len(labels), np.int8), np.ones(len(labels), bool)
            k[never] = False
            for span_start, span_end, ptc_label in spans:
                if span_start < sentence.end and span_end > sentence.start:
                    y[index[ANY]] = 1
                    if len(members[ptc_label]) == 1:
                        y[index[members[ptc_label][0]]] = 1
                    else:
                        k[[index[m] for m in members[ptc_label]]] = False
            texts.append(sentence.text)
            documents.append(article)
            rows.append(y)
            known.append(k | (y == 1))
    if not texts:
        raise ValueError(f"{folder}: no PTC sentences (train-articles/article*.txt)")
    hashes["ptc/train-articles"] = articles.hexdigest()
    return PtcRows(texts, documents, np.asarray(rows), np.asarray(known), hashes)


def label_matrix(techniques: Sequence[Sequence[str]], labels: Sequence[str]) -> np.ndarray:
    """One column per label; the ``any`` column is set when a segment has any technique."""
    index = {label: j for j, label in enumerate(labels)}
    Y = np.zeros((len(techniques), len(labels)), dtype=np.int8)
    for row, names in enumerate(techniques):
        for name in names:
            Y[row, index[name]] = 1
        if ANY in index and names:
            Y[row, index[ANY]] = 1
    return Y


# -- scores ---------------------------------------------------------------------------------


def prf(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp = float((pred.astype(bool) & gold.astype(bool)).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / gold.sum() if gold.sum() else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def technique_scores(pred: np.ndarray, gold: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """Macro-F1 over the techniques with gold support, micro-F1, F1 per technique."""
    per = {}
    for j, label in enumerate(labels):
        if gold[:, j].sum():
            per[label] = round(prf(pred[:, j], gold[:, j])[2], 4)
    return {
        "macro_f1": round(float(np.mean(list(per.values()))) if per else 0.0, 4),
        "micro_f1": round(prf(pred.ravel(), gold.ravel())[2], 4),
        "per_technique": per,
    }


def system_scores(
    any_pred: np.ndarray,
    tech_pred: np.ndarray,
    Y: np.ndarray,
    labels: Sequence[str],
    folds: Sequence[np.ndarray],
) -> dict[str, Any]:
    """Any-technique P/R/F1 (dedicated decision ``any_pred``) and from "some technique
    fires", technique macro/micro-F1, and the per-fold spread, on one language's rows."""
    gold_any = np.asarray(Y.any(axis=1))
    p, r, f = prf(any_pred, gold_any)
    derived = prf(np.asarray(tech_pred.any(axis=1)), gold_any)[2]
    scores = technique_scores(tech_pred, Y, labels)
    fold_macro = [technique_scores(tech_pred[t], Y[t], labels)["macro_f1"] for t in folds if len(t)]
    fold_any = [prf(any_pred[t], gold_any[t])[2] for t in folds if len(t)]
    return {
        "any_precision": round(p, 4),
        "any_recall": round(r, 4),
        "any_f1": round(f, 4),
        "any_f1_from_techniques": round(derived, 4),
        "any_f1_fold_sd": round(float(np.std(fold_any)), 4),
        "macro_f1": scores["macro_f1"],
        "macro_f1_folds": [round(x, 4) for x in fold_macro],
        "macro_f1_fold_sd": round(float(np.std(fold_macro)), 4),
        "micro_f1": scores["micro_f1"],
        "per_technique": scores["per_technique"],
    }


# -- baselines ------------------------------------------------------------------------------


def tfidf_baseline(texts: Sequence[str], Y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Word 1-2 gram TF-IDF + one-vs-rest logistic regression (liblinear, balanced classes,
    C=1), threshold 0.5: test-row decisions for every column of ``Y`` (``any`` included)."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, dtype=np.float32)
    X_train = vectorizer.fit_transform([texts[i] for i in train])
    coef, intercept = _fit_heads(X_train, Y[train], 1.0, "liblinear")
    X_test = vectorizer.transform([texts[i] for i in test])
    return (sigmoid(np.asarray(X_test @ coef.T) + intercept) >= 0.5).astype(np.int8)


# -- cross-validation -----------------------------------------------------------------------


@dataclass
class OutOfFold:
    """Out-of-fold calibrated probabilities and decisions of one system, all rows."""

    proba: dict[str, np.ndarray]
    decisions: dict[str, np.ndarray]


def cross_validate_model(
    data: SegmentData,
    vectors: np.ndarray | None,
    config: SegmentConfig,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    pooled: bool = True,
    extra: ExtraRows | None = None,
    console: Console | None = None,
) -> OutOfFold:
    labels = (*persuasion_techniques().labels(), ANY)
    Y = label_matrix(data.techniques, labels)
    served = tuple(sorted(set(data.languages)))
    proba = {m: np.zeros(Y.shape, np.float32) for m in MODES}
    decisions = {m: np.zeros(Y.shape, np.int8) for m in MODES}
    lang = np.asarray(data.languages)
    for k, (train, test) in enumerate(folds):
        parts = (
            [(served, train, test)]
            if pooled
            else [((c,), train[lang[train] == c], test[lang[test] == c]) for c in served]
        )
        for codes, tr, te in parts:
            clf = SegmentClassifier(labels, codes, config)
            clf.fit(
                [data.texts[i] for i in tr],
                [data.languages[i] for i in tr],
                Y[tr],
                vectors[tr] if vectors is not None else None,
                [data.groups[i] for i in tr],
                extra,  # in every training fold; never scored
            )
            clf.quantised()
            te_texts, te_langs = [data.texts[i] for i in te], [data.languages[i] for i in te]
            te_vectors = vectors[te] if vectors is not None else None
            lex, vec = clf.raw_proba(te_texts, te_langs, te_vectors)
            fused = None if vec is None or te_vectors is None else clf.fuse(lex, vec, te_vectors)
            for mode, raw in (("lexical", lex), ("fused", fused)):
                if raw is None:
                    continue
                p = clf.calibrate(raw, te_langs, mode)
                proba[mode][te] = p
                decisions[mode][te] = clf.decide(p, te_langs, mode)
        if console:
            console.print(f"  fold {k + 1}/{len(folds)} done")
    if vectors is None or not config.use_vectors:
        del proba["fused"], decisions["fused"]
    return OutOfFold(proba, decisions)


def evaluate(
    data: SegmentData,
    vectors: np.ndarray | None,
    config: SegmentConfig,
    n_folds: int = 5,
    *,
    pooled: bool = True,
    baselines: bool = True,
    extra: ExtraRows | None = None,
    console: Console | None = None,
) -> dict[str, Any]:
    """Per language: always-yes, TF-IDF LR and the model (lexical, fused, lead-only vectors)
    scored in the same grouped folds; the paired per-fold macro-F1 difference to TF-IDF."""
    labels = (*persuasion_techniques().labels(), ANY)
    techniques = labels[:-1]
    Y = label_matrix(data.techniques, labels)
    folds = language_folds(data.languages, data.groups, n_folds)
    oof = cross_validate_model(data, vectors, config, folds, pooled=pooled, extra=extra, console=console)
    systems: dict[str, np.ndarray] = dict(oof.decisions)
    if "fused" in oof.decisions:
        # vectors only for segments in the article's lead, lexical heads for the rest
        lead = np.asarray(data.starts) < LEAD_CHARS
        systems["lead_vectors"] = np.where(lead[:, None], oof.decisions["fused"], oof.decisions["lexical"])
    if baselines:
        tfidf = np.zeros(Y.shape, np.int8)
        lang = np.asarray(data.languages)
        for train, test in folds:
            for code in sorted(set(data.languages)):
                tr, te = train[lang[train] == code], test[lang[test] == code]
                tfidf[te] = tfidf_baseline(data.texts, Y, tr, te)
        systems["tfidf"] = tfidf
        systems["always_yes"] = np.ones(Y.shape, np.int8)
    result: dict[str, Any] = {}
    lang = np.asarray(data.languages)
    for code in sorted(set(data.languages)):
        rows = np.flatnonzero(lang == code)
        local = [np.flatnonzero(np.isin(rows, test)) for _, test in folds]
        entry: dict[str, Any] = {"segments": len(rows), "documents": len({data.groups[i] for i in rows})}
        entry["folds"] = n_folds
        entry["with_technique"] = int(Y[rows, -1].sum())
        entry["gold_counts"] = {
            label: int(Y[rows, j].sum()) for j, label in enumerate(techniques) if Y[rows, j].sum()
        }
        for name, pred in systems.items():
            entry[name] = system_scores(pred[rows, -1], pred[rows, :-1], Y[rows, :-1], techniques, local)
        if baselines:
            for name in [n for n in systems if n not in ("tfidf", "always_yes")]:
                diffs = np.subtract(entry[name]["macro_f1_folds"], entry["tfidf"]["macro_f1_folds"])
                spread = max(entry[name]["macro_f1_fold_sd"], entry["tfidf"]["macro_f1_fold_sd"])
                gain = entry[name]["macro_f1"] - entry["tfidf"]["macro_f1"]
                entry[name]["vs_tfidf"] = {
                    "macro_f1_gain": round(gain, 4),
                    "fold_gain_mean": round(float(diffs.mean()), 4),
                    "paired_diff_sd": round(float(diffs.std()), 4),
                    "larger_fold_sd": spread,
                    "bar_met": bool(
                        gain > 2 * spread and entry[name]["any_f1"] > entry["always_yes"]["any_f1"]
                    ),
                }
        if "lead_vectors" in systems:
            entry["lead_vectors"]["share_with_vector"] = round(
                float((np.asarray(data.starts)[rows] < LEAD_CHARS).mean()), 4
            )
        result[code.upper()] = entry
    return result


# -- training entry -------------------------------------------------------------------------


def embed_segments(texts: Sequence[str], cache_path: Path | None, console: Console | None) -> np.ndarray:
    from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text

    unique = list(dict.fromkeys(embedding_text(t) for t in texts))
    embedder = Embedder(cache=EmbeddingCache(cache_path) if cache_path else None)
    if console:
        console.print(f"embedding {len(unique)} unique segments")
    vectors = embedder.embed(unique)
    row = {t: i for i, t in enumerate(unique)}
    return np.asarray(vectors[[row[embedding_text(t)] for t in texts]], dtype=np.float32)


def train_segment_model(
    data_dir: Path,
    out_dir: Path,
    *,
    cache_path: Path | None = None,
    folds: int = 5,
    config: SegmentConfig | None = None,
    vectors: np.ndarray | None = None,
    extra: ExtraRows | None = None,
    console: Console | None = None,
) -> ArtifactManifest:
    """Cross-validate (when ``folds`` > 1), fit on every segment, save the artifact.
    ``vectors`` (rows of the corpus in reading order) skip the embedder (tests), and so
    does ``extra`` for the English PTC rows (otherwise read from ``<data>/../ptc-semeval2020-task11``
    when ``config.extra_weight`` > 0)."""
    console = console or Console(stderr=True)
    started = time.time()
    config = config or SegmentConfig()
    data = read_segments(data_dir)
    codes = ", ".join(sorted(set(data.languages)))
    console.print(f"{len(data)} segments from {len(set(data.groups))} documents ({codes})")
    if config.use_vectors and vectors is None:
        vectors = embed_segments(data.texts, cache_path, console)
    if not config.use_vectors:
        vectors = None
    labels = (*persuasion_techniques().labels(), ANY)
    ptc_hashes: dict[str, str] = {}
    if vectors is None or config.extra_weight <= 0:
        extra = None
    elif extra is None:
        ptc = read_ptc_rows(Path(data_dir).parent / PTC_FOLDER, labels)
        console.print(f"{len(ptc.texts)} English PTC sentences as training-only rows")
        extra = ExtraRows(embed_segments(ptc.texts, cache_path, console), ptc.Y, ptc.known)
        ptc_hashes = ptc.hashes
    cv: dict[str, Any] = {}
    if folds > 1:
        cv = evaluate(data, vectors, config, folds, extra=extra, console=console)
        for code, entry in cv.items():
            best = entry.get("fused", entry["lexical"])
            console.print(
                f"{code}: any-technique F1 {best['any_f1']:.3f} "
                f"(always-yes {entry['always_yes']['any_f1']:.3f}), "
                f"macro-F1 {best['macro_f1']:.3f} (TF-IDF {entry['tfidf']['macro_f1']:.3f})"
            )
    clf = SegmentClassifier(labels, tuple(sorted(set(data.languages))), config)
    clf.fit(data.texts, data.languages, label_matrix(data.techniques, labels), vectors, data.groups, extra)
    trained_on: dict[str, Any] = {
        "name": DATA_NAME,
        "data": str(data_dir),
        "segments": len(data),
        "documents": len(set(data.groups)),
        "sha256": {**data.hashes, **ptc_hashes},
    }
    if extra is not None:
        trained_on["extra_rows"] = {
            "name": "PTC (SemEval 2020 task 11) training articles, English sentences, e5 heads only",
            "rows": len(extra.Y),
            "weight": config.extra_weight,
        }
    manifest = training_manifest("narrascope-segments", trained_on, started, cv)
    save_classifier(clf, out_dir, manifest)
    console.print(f"segment technique model written to {out_dir} in {time.time() - started:.0f}s")
    return manifest
