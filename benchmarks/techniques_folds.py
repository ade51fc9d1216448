"""Per-fold scores of the shipped English technique model's grouped CV, for paired comparisons.

The training command reports pooled CV scores and their fold sd; comparing two versions
of the code (a tokeniser change, a new feature) is sharper fold by fold, on the same
folds. Prints one line per fold (span F1, labeled span F1) and writes them as JSON.

    OMP_NUM_THREADS=1 python benchmarks/techniques_folds.py --data ../shared/data/ptc-semeval2020-task11 \\
        --out folds.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from narrascope.eval.techniques import labeled_span_f1, read_ptc, span_f1
from narrascope.models.techniques import TechniqueConfig, TechniqueModel
from narrascope.models.training_techniques import as_labels, fold_assignment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc-semeval2020-task11"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, help="write the per-fold scores here (JSON)")
    args = parser.parse_args()
    corpus = read_ptc(args.data)
    scores = []
    for fold, (train, test) in enumerate(fold_assignment(corpus.ids, args.folds), start=1):
        model = TechniqueModel(TechniqueConfig())
        model.fit([corpus.texts[i] for i in train], [corpus.spans[i] for i in train])
        found = model.predict([corpus.texts[i] for i in test])
        pred = [
            label for i, spans in zip(test, found, strict=True) for label in as_labels(corpus.ids[i], spans)
        ]
        ids = [corpus.ids[i] for i in test]
        si, lab = span_f1(corpus.gold, pred, ids).f1, labeled_span_f1(corpus.gold, pred, ids).f1
        scores.append({"fold": fold, "span_f1": round(si, 4), "labeled_span_f1": round(lab, 4)})
        print(f"fold {fold}: span F1 {si:.3f}, labeled span F1 {lab:.3f}", flush=True)
    if args.out:
        args.out.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
