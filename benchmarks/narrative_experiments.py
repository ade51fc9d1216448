"""Model-family experiments for narrative classification (grouped 5-fold CV on train).

Every variant row of the "What we tried" table in docs/BENCHMARKS.md comes from
this script. Out-of-fold probabilities are written to ``--work`` so blends can be
scored without refitting. Thresholds (one coarse, one fine) are tuned on the
out-of-fold predictions with the same grid and decoding as the shipped model.

    python benchmarks/narrative_experiments.py --variants all
    python benchmarks/narrative_experiments.py --variants tfidf_C10,emb_lang_C30 --blend tfidf_C10:emb_lang_C30
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from narrascope.eval.semeval import read_training_folder
from narrascope.models.linear import LexicalFeaturizer, OneVsRestLinear
from narrascope.models.narratives import NarrativeClassifier, NarrativeConfig
from narrascope.models.training import THRESHOLD_GRID, evaluate_oof, grouped_folds, label_matrix
from narrascope.nlp.embed import Embedder, EmbeddingCache
from narrascope.nlp.segment import chunk_sentences, split_sentences
from narrascope.taxonomy import default_taxonomy

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "semeval2025-task10"
LANGS = ("BG", "EN", "HI", "PT", "RU")


class Experiment:
    def __init__(self, cache: Path, work: Path) -> None:
        self.tax = default_taxonomy()
        self.docs = read_training_folder(DATA / "train")
        self.folds = grouped_folds(self.docs, 5)
        self.clf = NarrativeClassifier(self.tax, NarrativeConfig())
        self.yc = label_matrix(self.docs, self.clf.coarse_labels, fine=False)
        self.yf = label_matrix(self.docs, self.clf.fine_labels, fine=True)
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self.embedder = Embedder(cache=EmbeddingCache(cache))
        self._chunks: list[np.ndarray] | None = None
        self.lang = np.array([[1.0 if d.language == L else 0.0 for L in LANGS] for d in self.docs])

    @property
    def chunks(self) -> list[np.ndarray]:
        if self._chunks is None:
            self._chunks = [
                self.embedder.embed([c.text for c in chunk_sentences(split_sentences(d.text), 60)])
                for d in self.docs
            ]
        return self._chunks

    # -- feature builders ---------------------------------------------------
    def pooled(self, cap: int | None, mode: str = "mean", lang: bool = False) -> np.ndarray:
        rows = []
        for E in self.chunks:
            part = E[:cap] if cap else E
            v = part.mean(0) if mode == "mean" else np.concatenate([part.mean(0), part.max(0)])
            rows.append(v / np.linalg.norm(v))
        X = np.stack(rows)
        return np.hstack([X, self.lang]) if lang else X

    # -- out-of-fold heads --------------------------------------------------
    def oof_linear(self, make_x: Callable[[np.ndarray, np.ndarray], tuple], C: float) -> tuple:
        pc, pf = np.zeros(self.yc.shape, np.float32), np.zeros(self.yf.shape, np.float32)
        for tr, te in self.folds:
            Xtr, Xte = make_x(tr, te)
            pc[te] = OneVsRestLinear(C).fit(Xtr, self.yc[tr]).predict_proba(Xte)
            pf[te] = OneVsRestLinear(C).fit(Xtr, self.yf[tr]).predict_proba(Xte)
        return pc, pf

    def tfidf(self, C: float, word: int = 50_000, char: int = 100_000) -> tuple:
        texts = [d.text for d in self.docs]

        def make(tr: np.ndarray, te: np.ndarray) -> tuple:
            feat = LexicalFeaturizer(word, char).fit([texts[i] for i in tr])
            return feat.transform([texts[i] for i in tr]), feat.transform([texts[i] for i in te])

        return self.oof_linear(make, C)

    def dense(self, X: np.ndarray, C: float) -> tuple:
        return self.oof_linear(lambda tr, te: (X[tr], X[te]), C)

    def knn(self, X: np.ndarray, k: int = 10, power: float = 5.0) -> tuple:
        Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
        pc, pf = np.zeros(self.yc.shape, np.float32), np.zeros(self.yf.shape, np.float32)
        for tr, te in self.folds:
            S = Xn[te] @ Xn[tr].T
            idx = np.argsort(-S, axis=1)[:, :k]
            for r, i in enumerate(te):
                w = np.maximum(S[r, idx[r]], 0) ** power
                pc[i] = (w[:, None] * self.yc[tr][idx[r]]).sum(0) / (w.sum() + 1e-9)
                pf[i] = (w[:, None] * self.yf[tr][idx[r]]).sum(0) / (w.sum() + 1e-9)
        return pc, pf

    def prototypes(self, C: float) -> tuple:
        """Embedding + similarity of chunks to label descriptions (example statements)."""
        rows: list[tuple[str, str, str]] = []
        tax_dir = DATA / "taxonomy"
        for name, dom in (
            ("Narrative_Description_War_in_Ukraine-sentences.tsv", "URW"),
            ("Narrative_Description_ClimateChange-sentences.tsv", "CC"),
        ):
            with open(tax_dir / name, encoding="utf-8") as handle:
                reader = csv.reader(handle, delimiter="\t")
                next(reader)
                rows += [
                    (f"{dom}: {r[0].strip()}", f"{dom}: {r[0].strip()}: {r[1].strip()}", r[2])
                    for r in reader
                    if len(r) >= 3
                ]
        model = self.embedder._load()
        q = np.asarray(model.query([r[2] for r in rows]))  # type: ignore[attr-defined]

        def proto(labels: list[str], col: int) -> np.ndarray:
            out = np.zeros((len(labels), q.shape[1]), np.float32)
            for j, label in enumerate(labels):
                hit = [i for i, r in enumerate(rows) if r[col] == label]
                if hit:
                    out[j] = q[hit].mean(0)
            return out

        P = np.vstack([proto(self.clf.coarse_labels, 0), proto(self.clf.fine_labels, 1)])
        S = np.stack([np.concatenate([(E @ P.T).max(0), (E @ P.T).mean(0)]) for E in self.chunks])
        S = (S - S.mean(0)) / (S.std(0) + 1e-6)
        return self.dense(np.hstack([self.pooled(None), 0.1 * S]), C)

    def chunk_level(self, C: float, pool: str) -> tuple:
        """Multiple-instance: train on chunks (doc labels), pool chunk probabilities."""
        out = []
        for Y in (self.yc, self.yf):
            P = np.zeros(Y.shape, np.float32)
            for tr, te in self.folds:
                Xtr = np.vstack([self.chunks[i] for i in tr])
                owner = np.concatenate([[i] * len(self.chunks[i]) for i in tr])
                for j in range(Y.shape[1]):
                    y = Y[owner, j]
                    if y.min() == y.max():
                        continue
                    m = LogisticRegression(C=C, max_iter=2000).fit(Xtr, y)
                    for i in te:
                        p = m.predict_proba(self.chunks[i])[:, 1]
                        P[i, j] = p.mean() if pool == "mean" else np.sort(p)[-3:].mean()
            out.append(P)
        return out[0], out[1]

    # -- scoring ------------------------------------------------------------
    def save(self, name: str, probs: tuple) -> None:
        np.save(self.work / f"{name}_c.npy", probs[0])
        np.save(self.work / f"{name}_f.npy", probs[1])

    def load(self, name: str) -> tuple:
        return np.load(self.work / f"{name}_c.npy"), np.load(self.work / f"{name}_f.npy")

    def report(self, name: str, probs: tuple, fixed: float | None = None) -> None:
        grid = (fixed,) if fixed is not None else THRESHOLD_GRID
        rep = evaluate_oof(self.clf, self.docs, probs[0], probs[1], self.folds, grid)
        mc, mf = rep.language_mean
        langs = " ".join(
            f"{L} {rep.coarse_by_language[L]:.2f}/{rep.fine_by_language[L]:.2f}"
            for L in rep.coarse_by_language
        )
        print(
            f"| {name} | {rep.coarse:.3f} | {rep.fine:.3f} | {mc:.3f} | {mf:.3f} | "
            f"{rep.coarse_fold_sd:.3f} | {rep.fine_fold_sd:.3f} | {rep.coarse_threshold}/{rep.fine_threshold} | {langs} |",
            flush=True,
        )


VARIANTS: dict[str, Callable[[Experiment], tuple]] = {
    "tfidf_C3": lambda e: e.tfidf(3.0),
    "tfidf_C10": lambda e: e.tfidf(10.0),
    "tfidf_C30": lambda e: e.tfidf(30.0),
    "tfidf_C10_small": lambda e: e.tfidf(10.0, 20_000, 40_000),
    "emb_C10": lambda e: e.dense(e.pooled(None), 10.0),
    "emb_cap8_C10": lambda e: e.dense(e.pooled(8), 10.0),
    "emb_meanmax_C10": lambda e: e.dense(e.pooled(None, "meanmax"), 10.0),
    "emb_lang_C3": lambda e: e.dense(e.pooled(None, lang=True), 3.0),
    "emb_lang_C10": lambda e: e.dense(e.pooled(None, lang=True), 10.0),
    "emb_lang_C30": lambda e: e.dense(e.pooled(None, lang=True), 30.0),
    "emb_lang_C100": lambda e: e.dense(e.pooled(None, lang=True), 100.0),
    "emb_lang_cap4_C30": lambda e: e.dense(e.pooled(4, lang=True), 30.0),
    "emb_lang_cap5_C30": lambda e: e.dense(e.pooled(5, lang=True), 30.0),
    "emb_lang_cap6_C30": lambda e: e.dense(e.pooled(6, lang=True), 30.0),
    "emb_lang_cap8_C30": lambda e: e.dense(e.pooled(8, lang=True), 30.0),
    "knn10": lambda e: e.knn(e.pooled(None)),
    "emb_proto_C10": lambda e: e.prototypes(10.0),
    "chunks_mean_C1": lambda e: e.chunk_level(1.0, "mean"),
    "chunks_top3_C1": lambda e: e.chunk_level(1.0, "top3"),
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variants", default="", help="comma-separated names, or 'all'")
    parser.add_argument(
        "--blend", action="append", default=[], help="a:b[:c] blends, weights tuned over a grid"
    )
    parser.add_argument(
        "--rescore", default="", help="comma-separated saved variants to score again (no refit)"
    )
    parser.add_argument(
        "--fixed-threshold", type=float, default=None, help="score at this threshold, untuned"
    )
    parser.add_argument("--cache", type=Path, default=REPO / "cache" / "embeddings.sqlite")
    parser.add_argument("--work", type=Path, default=REPO / "cache" / "oof")
    args = parser.parse_args()
    exp = Experiment(args.cache, args.work)
    print(
        "| variant | coarse | fine | coarse (lang mean) | fine (lang mean) | sd coarse | sd fine | thresholds | per language (coarse/fine) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    names = list(VARIANTS) if args.variants == "all" else [v for v in args.variants.split(",") if v]
    for name in names:
        start = time.time()
        probs = VARIANTS[name](exp)
        exp.save(name, probs)
        exp.report(f"{name} ({time.time() - start:.0f}s)", probs)
    for name in [v for v in args.rescore.split(",") if v]:
        label = f"{name} @ {args.fixed_threshold}" if args.fixed_threshold is not None else name
        exp.report(label, exp.load(name), args.fixed_threshold)
    for blend in args.blend:
        parts = blend.split(":")
        arrays = [exp.load(p) for p in parts]
        weights = [(w, 1 - w) for w in (0.4, 0.5, 0.6, 0.7)] if len(parts) == 2 else [(0.5, 0.3, 0.2)]
        for ws in weights:
            probs = tuple(sum(w * a[k] for w, a in zip(ws, arrays, strict=True)) for k in (0, 1))
            exp.report(f"blend {blend} w={'/'.join(str(w) for w in ws)}", probs)


if __name__ == "__main__":
    main()
