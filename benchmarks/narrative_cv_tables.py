"""Markdown tables of the cross-validation block that ``narrascope train narratives`` writes
into the model manifest: per profile, per sensitivity level and per language, the official
samples-F1 (coarse/fine), the same on the narrative-bearing articles (gold not ``Other``),
and precision/recall of the "pushes some narrative" decision.

    python benchmarks/narrative_cv_tables.py [src/narrascope/models/artifacts/narratives/manifest.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "src" / "narrascope" / "models" / "artifacts" / "narratives" / "manifest.json"
LANGUAGES = ("BG", "EN", "HI", "PT", "RU")


def official_table(cv: dict[str, Any], profile: str) -> list[str]:
    rows = [
        f"**{profile}** (thresholds {cv['thresholds'][0]} / {cv['thresholds'][1]}): samples-F1 coarse/fine, "
        "all articles | narrative-bearing articles (fold sd of fine)",
        "",
        "| sensitivity | all | sd | " + " | ".join(LANGUAGES) + " | mean over languages |",
        "|---|---|---|" + "---|" * len(LANGUAGES) + "---|",
    ]
    levels = {**cv["sensitivity"], "training prior (no shift, own thresholds)": cv["training_prior_tuned"]}
    for level, r in levels.items():
        by = r["by_language"]
        cells = [
            f"{by[lang]['coarse']:.3f}/{by[lang]['fine']:.3f} \\| "
            f"{by[lang]['coarse_bearing']:.3f}/{by[lang]['fine_bearing']:.3f} ({by[lang]['fine_bearing_fold_sd']:.3f})"
            for lang in LANGUAGES
        ]
        mean = r["language_mean"]
        rows.append(
            f"| {level} | {r['coarse']:.3f}/{r['fine']:.3f} | {r['coarse_fold_sd']:.3f}/{r['fine_fold_sd']:.3f} | "
            + " | ".join(cells)
            + f" | {mean['coarse']:.3f}/{mean['fine']:.3f} \\| {mean['coarse_bearing']:.3f}/{mean['fine_bearing']:.3f} |"
        )
    return rows


def bearing_table(cv: dict[str, Any], profile: str) -> list[str]:
    rows = [
        f'**{profile}**: precision / recall of "pushes some narrative" (an article is flagged when any '
        "narrative passes), per language",
        "",
        "| sensitivity | " + " | ".join(LANGUAGES) + " |",
        "|---|" + "---|" * len(LANGUAGES),
    ]
    for level, r in cv["sensitivity"].items():
        by = r["by_language"]
        cells = [
            f"{by[lang]['bearing_precision']:.2f} / {by[lang]['bearing_recall']:.2f}" for lang in LANGUAGES
        ]
        rows.append(f"| {level} | " + " | ".join(cells) + " |")
    return rows


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT
    manifest = json.loads(path.read_text(encoding="utf-8"))
    cv = manifest["cross_validation"]
    print(
        f"Model trained {manifest['date']} by `{manifest['command']}` ({manifest['training_seconds']:.0f} s).\n"
    )
    for profile in ("default", "fast"):
        print("\n".join(official_table(cv[profile], profile)) + "\n")
        print("\n".join(bearing_table(cv[profile], profile)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
