"""How the technique tagger behaves on the five languages (no gold spans outside English).

Runs ``TechniqueTagger.tag`` on the SemEval 2025 Task 10 training articles of each
language (en: the English model; bg/hi/pt/ru: the delexicalised transfer model) and
prints spans per article, spans per 1,000 characters and the technique mix. This
measures behaviour, not accuracy: it shows whether the transfer fires at a rate
comparable with English, nothing about whether its spans are right.

    OMP_NUM_THREADS=2 python benchmarks/techniques_transfer.py --data ../shared/data/semeval2025-task10/train
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from narrascope.languages import SUPPORTED, folder_name
from narrascope.models.techniques import TechniqueTagger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/semeval2025-task10/train"))
    parser.add_argument(
        "--per-language", type=int, default=100, help="Articles per language (first N by name)."
    )
    args = parser.parse_args()
    tagger = TechniqueTagger.load()
    print("| language | model | articles | spans / article | spans / 1,000 chars | top techniques |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for code in sorted(SUPPORTED, key=lambda c: c != "en"):  # English (trained) first
        lang = folder_name(code)
        paths = sorted((args.data / lang / "raw-documents").glob("*.txt"))[: args.per_language]
        texts = [p.read_text(encoding="utf-8") for p in paths]
        if not texts:
            continue
        results = tagger.tag(texts, [lang.lower()] * len(texts))
        n_spans = sum(len(r.spans) for r in results)
        chars = sum(len(t) for t in texts)
        mix = Counter(s.technique for r in results for s in r.spans).most_common(3)
        top = ", ".join(f"{t} {n / max(1, n_spans):.0%}" for t, n in mix)
        print(
            f"| {lang.lower()} | {results[0].trust} | {len(texts)} | {n_spans / len(texts):.1f} | "
            f"{1000 * n_spans / chars:.2f} | {top} |"
        )


if __name__ == "__main__":
    main()
