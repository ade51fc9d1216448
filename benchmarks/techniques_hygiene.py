"""Span hygiene on the English PTC CV: per-fold scores of the shipped English model with and
without ``models.techniques.clean_spans`` (word edges, no tiny spans, no long low-confidence
spans), on the same grouped folds as ``techniques_folds.py``.

Fitting the five fold models is the slow part (~4 min a fold idle), so their raw out-of-fold
spans are cached in ``--cache`` and the rules can be re-scored without refitting:

    OMP_NUM_THREADS=1 python benchmarks/techniques_hygiene.py --data ../shared/data/ptc-semeval2020-task11 \\
        --cache /work/tmp-techout/ptc_oof.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from narrascope.eval.techniques import labeled_span_f1, read_ptc, span_f1
from narrascope.models.techniques import TechniqueConfig, TechniqueModel, clean_spans
from narrascope.models.training_techniques import as_labels, fold_assignment

Spans = list[tuple[int, int, str, float]]


def out_of_fold(data: Path, folds: int, cache: Path) -> dict[str, Spans]:
    """Raw predictions of each article by the model of the fold that held it out."""
    if cache.is_file():
        return {k: [tuple(s) for s in v] for k, v in json.loads(cache.read_text("utf-8")).items()}  # type: ignore[misc]
    corpus = read_ptc(data)
    found: dict[str, Spans] = {}
    for fold, (train, test) in enumerate(fold_assignment(corpus.ids, folds), start=1):
        model = TechniqueModel(TechniqueConfig())
        model.fit([corpus.texts[i] for i in train], [corpus.spans[i] for i in train])
        for i, spans in zip(test, model.predict([corpus.texts[i] for i in test]), strict=True):
            found[corpus.ids[i]] = spans
        print(f"fold {fold} fitted", flush=True)
    cache.write_text(json.dumps(found), encoding="utf-8")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc-semeval2020-task11"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", type=Path, required=True)
    args = parser.parse_args()
    corpus = read_ptc(args.data)
    found = out_of_fold(args.data, args.folds, args.cache)
    text_of = dict(zip(corpus.ids, corpus.texts, strict=True))
    for fold, (_, test) in enumerate(fold_assignment(corpus.ids, args.folds), start=1):
        ids = [corpus.ids[i] for i in test]
        row = [f"fold {fold}"]
        for name, clean in (("before", False), ("after", True)):
            pred = [
                label
                for i in ids
                for label in as_labels(i, clean_spans(text_of[i], found[i]) if clean else found[i])
            ]
            n = len(pred)
            si, lab = span_f1(corpus.gold, pred, ids), labeled_span_f1(corpus.gold, pred, ids)
            row.append(
                f"{name}: span F1 {si.f1:.3f} (P {si.precision:.3f} R {si.recall:.3f}) labeled {lab.f1:.3f} n={n}"
            )
        print(" | ".join(row), flush=True)
    for name, clean in (("before", False), ("after", True)):
        pred = [
            label
            for i in corpus.ids
            for label in as_labels(i, clean_spans(text_of[i], found[i]) if clean else found[i])
        ]
        si, lab = span_f1(corpus.gold, pred), labeled_span_f1(corpus.gold, pred)
        print(
            f"pooled {name}: span P {si.precision:.3f} R {si.recall:.3f} F1 {si.f1:.3f}, labeled F1 {lab.f1:.3f}, spans {len(pred)}"
        )


if __name__ == "__main__":
    main()
