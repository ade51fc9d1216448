"""Calibration of the blended narrative probabilities (out-of-fold, grouped 5-fold CV).

Reads the out-of-fold probabilities saved by ``narrative_experiments.py`` and prints a
reliability table (predicted vs observed frequency per probability bin) and the
expected calibration error, for coarse and fine labels.

    python benchmarks/narrative_experiments.py --variants tfidf_C10,emb_lang_cap6_C30
    python benchmarks/calibration.py --blend tfidf_C10:emb_lang_cap6_C30 --weight 0.7
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from narrascope.eval.semeval import read_training_folder
from narrascope.models.narratives import NarrativeClassifier
from narrascope.models.training import fit_calibration, grouped_folds, label_matrix
from narrascope.taxonomy import default_taxonomy

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "semeval2025-task10"
BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0001)


def reliability(p: np.ndarray, y: np.ndarray) -> tuple[list[str], float]:
    rows, ece = [], 0.0
    for lo, hi in itertools.pairwise(BINS):
        mask = (p >= lo) & (p < hi)
        if not mask.any():
            continue
        conf, freq, n = float(p[mask].mean()), float(y[mask].mean()), int(mask.sum())
        ece += n / p.size * abs(conf - freq)
        rows.append(f"| {lo:.2f}–{min(hi, 1):.2f} | {n} | {conf:.3f} | {freq:.3f} |")
    return rows, ece


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--blend", default="tfidf_C10:emb_lang_cap6_C30")
    parser.add_argument("--weight", type=float, default=0.7, help="weight of the first (lexical) variant")
    parser.add_argument("--work", type=Path, default=REPO / "cache" / "oof")
    args = parser.parse_args()
    docs = read_training_folder(DATA / "train")
    clf = NarrativeClassifier(default_taxonomy())
    a, b = args.blend.split(":")
    for level, labels, fine in (("c", clf.coarse_labels, False), ("f", clf.fine_labels, True)):
        p = args.weight * np.load(args.work / f"{a}_{level}.npy") + (1 - args.weight) * np.load(
            args.work / f"{b}_{level}.npy"
        )
        y = label_matrix(docs, labels, fine=fine)
        name = "coarse" if level == "c" else "fine"
        for title, probs in (("raw blend", p), ("isotonic, cross-fitted", cross_fitted(p, y, docs))):
            rows, ece = reliability(probs.ravel(), y.ravel())
            print(f"\n{name} labels, {title}: ECE {ece:.4f}")
            print("| predicted | label-article pairs | mean predicted | observed frequency |")
            print("|---|---|---|---|")
            print("\n".join(rows))


def cross_fitted(p: np.ndarray, y: np.ndarray, docs: list) -> np.ndarray:
    """Isotonic calibration fitted on four folds' out-of-fold values, applied to the fifth."""
    out = np.zeros_like(p)
    for train, test in grouped_folds(docs, 5):
        x_map, y_map = fit_calibration(p[train], y[train])
        out[test] = np.interp(p[test], x_map, y_map)
    return out


if __name__ == "__main__":
    main()
