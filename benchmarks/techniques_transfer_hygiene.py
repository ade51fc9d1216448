"""The untested transfer model on real BG/HI/PT/RU articles: spans and highlighted share of
the text before and after the span hygiene of ``models.techniques.clean_spans`` (counts
only: there are no gold spans in these languages).

    OMP_NUM_THREADS=1 python benchmarks/techniques_transfer_hygiene.py --data ../shared/data/semeval2025-task10/train
"""

from __future__ import annotations

import argparse
from pathlib import Path

from narrascope.models.techniques import (
    LONG_SPAN_FLOOR_UNTESTED,
    TechniqueTagger,
    _predict_in_pieces,
    clean_spans,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/semeval2025-task10/train"))
    parser.add_argument(
        "--articles", type=int, default=40, help="first N articles (sorted names) per language"
    )
    args = parser.parse_args()
    transfer = TechniqueTagger.load().transfer
    for lang in ("BG", "HI", "PT", "RU"):
        files = sorted((args.data / lang / "raw-documents").glob("*.txt"))[: args.articles]
        texts = [f.read_text(encoding="utf-8") for f in files]
        total = sum(len(t) for t in texts)
        before = after = chars_before = chars_after = 0
        for text, spans in zip(texts, _predict_in_pieces(transfer, texts), strict=True):
            kept = clean_spans(text, spans, LONG_SPAN_FLOOR_UNTESTED)
            before, after = before + len(spans), after + len(kept)
            chars_before += sum(b - a for a, b, _, _ in spans)
            chars_after += sum(b - a for a, b, _, _ in kept)
        print(
            f"{lang}: {len(texts)} articles, spans {before} -> {after}, "
            f"highlighted share of the text {chars_before / total:.1%} -> {chars_after / total:.1%}"
        )


if __name__ == "__main__":
    main()
