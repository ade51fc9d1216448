"""Segment-level persuasion techniques in Bulgarian, Polish and Russian (issue 15): grouped CV.

Pools train.csv and valid.csv of each language of the Slavic persuasion corpus and runs
grouped 5-fold CV (GroupKFold by ``filename``, seeded shuffle, folds made per language so
every system sees the same test rows) for:

- ``always_yes``: every segment has every technique;
- ``tfidf``: word 1-2 gram TF-IDF + one-vs-rest logistic regression per language
  (liblinear, balanced classes, C=1, threshold 0.5), with a dedicated any-technique head;
- the model of ``models/segments.py`` (pooled over the three languages), in three modes:
  ``lexical`` (no e5 vector), ``fused`` (e5 vector of every segment) and ``lead_vectors``
  (e5 only for segments starting in the first 2,400 characters of their document, the
  part the pipeline embeds anyway; lexical heads for the rest);
- with ``--per-language``: the same model trained per language instead of pooled;
- with ``--shared-thresholds``: one threshold per technique for all languages.

Thresholds and Platt maps come from inner grouped folds of each training fold (nothing is
tuned on the outer test folds). Prints markdown tables; ``--json`` keeps every figure.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/techniques_segments_cv.py \\
        --data ../shared/data/slavic-persuasion-2025 --cache /work/cache/segments.sqlite
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.models.segments import SegmentConfig, SegmentTechniqueModel
from narrascope.models.training_segments import SegmentData, embed_segments, evaluate, read_segments
from narrascope.taxonomy.techniques import persuasion_techniques

SYSTEMS = ("always_yes", "tfidf", "lexical", "fused", "lead_vectors")


def summary_table(result: dict[str, Any], tag: str) -> None:
    print(f"\n### {tag}\n")
    print(
        "| language | system | any P | any R | any F1 (sd) | any F1 from techniques | macro-F1 (fold sd) "
        "| micro-F1 | gain vs TF-IDF (paired sd) | bar |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for code, entry in result.items():
        for name in SYSTEMS:
            if name not in entry:
                continue
            s = entry[name]
            vs = s.get("vs_tfidf")
            gain = f"{vs['macro_f1_gain']:+.3f} ({vs['paired_diff_sd']:.3f})" if vs else ""
            bar = ("met" if vs["bar_met"] else "not met") if vs else ""
            print(
                f"| {code} | {name} | {s['any_precision']:.3f} | {s['any_recall']:.3f} | "
                f"{s['any_f1']:.3f} ({s['any_f1_fold_sd']:.3f}) | {s['any_f1_from_techniques']:.3f} | "
                f"{s['macro_f1']:.3f} ({s['macro_f1_fold_sd']:.3f}) | {s['micro_f1']:.3f} | {gain} | {bar} |"
            )


def technique_table(result: dict[str, Any], system: str) -> None:
    codes = list(result)
    print(f"\n### F1 per technique ({system}; in brackets: TF-IDF, then gold segments)\n")
    print("| technique | " + " | ".join(codes) + " |")
    print("| --- |" + " ---: |" * len(codes))
    for label in persuasion_techniques().labels():
        cells = []
        for code in codes:
            entry = result[code]
            if label not in entry[system]["per_technique"]:
                cells.append("–")
                continue
            gold = entry.get("gold_counts", {}).get(label, "?")
            cells.append(
                f"{entry[system]['per_technique'][label]:.2f} ({entry['tfidf']['per_technique'][label]:.2f}, {gold})"
            )
        print(f"| {label} | " + " | ".join(cells) + " |")


def speed(model_dir: Path, data: SegmentData, vectors: np.ndarray) -> None:
    """Milliseconds per 30-segment Bulgarian "article" (20 different ones) for predict() and
    any_confidence() on the same segments, vectors given or not (e5 time excluded)."""
    model = SegmentTechniqueModel.load(model_dir)
    rows = [i for i, code in enumerate(data.languages) if code == "bg"]
    batches = [rows[k * 30 : (k + 1) * 30] for k in range(21)]
    words = np.mean([sum(len(data.texts[i].split()) for i in b) for b in batches[1:]])
    for name, use in (("lexical (no vectors)", False), ("fused (vectors given)", True)):
        timings = []
        for batch in batches:
            texts = [data.texts[i] for i in batch]
            v = vectors[batch] if use else None
            started = time.perf_counter()
            model.predict(texts, "bg", v)
            model.any_confidence(texts, "bg", v)
            timings.append(time.perf_counter() - started)
        ms = np.mean(timings[1:]) * 1000  # the first includes one-off set-up
        print(f"speed, {name}: {ms:.1f} ms per 30 segments ({words:.0f} words on average)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/slavic-persuasion-2025"))
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/segments.sqlite"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--per-language", action="store_true", help="Also: one model per language.")
    parser.add_argument("--shared-thresholds", action="store_true", help="Also: one threshold per technique.")
    parser.add_argument("--skip-default", action="store_true", help="Only the variants asked for.")
    parser.add_argument("--speed", type=Path, default=None, help="Artifact folder to time predict() with.")
    parser.add_argument("--json", type=Path, default=None, help="Write every figure here.")
    parser.add_argument(
        "--from-manifest",
        type=Path,
        default=None,
        help="Only print the tables of this artifact's manifest.json (the CV 'train segments' ran).",
    )
    args = parser.parse_args()
    if args.from_manifest:
        manifest = json.loads(args.from_manifest.read_text(encoding="utf-8"))
        summary_table(manifest["cross_validation"], f"{manifest['command']} ({manifest['date']})")
        technique_table(manifest["cross_validation"], "fused")
        return
    data = read_segments(args.data)
    vectors = embed_segments(data.texts, args.cache, None)
    if args.speed:
        speed(args.speed, data, vectors)
        return
    runs: dict[str, Any] = {}
    variants = [] if args.skip_default else [("pooled, thresholds per language", SegmentConfig(), True)]
    if args.per_language:
        variants.append(("per language", SegmentConfig(), False))
    if args.shared_thresholds:
        variants.append(
            ("pooled, one threshold per technique", replace(SegmentConfig(), threshold_scope="shared"), True)
        )
    for tag, config, pooled in variants:
        started = time.time()
        result = evaluate(data, vectors, config, args.folds, pooled=pooled)
        runs[tag] = result
        summary_table(result, f"{tag} ({time.time() - started:.0f} s)")
        technique_table(result, "fused")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
