"""Sourcing signals on the real-article test set (issue 15, a second annotator's labels).

    python benchmarks/sourcing_real_eval.py                   # Markdown tables (context mode)
    python benchmarks/sourcing_real_eval.py --errors          # also list every miss (stderr)
    python benchmarks/sourcing_real_eval.py --whole-article   # analyse each full article instead
    python benchmarks/sourcing_real_eval.py --split dev       # only the dev half (test: run once)

Data: ``benchmarks/data/sourcing_real/annotations.tsv`` (offsets into
``../shared/data/semeval2025-task10``; guideline in ``GUIDELINE.md`` beside it), read back
by ``sourcing_real_data.load`` which fails on any offset that does not fit.

Context mode (default) mirrors ``sourcing_eval.py``: each item is analysed alone, its
context (the previous sentence, ``text[context_start:start]``) first, with the
item's language; the claim that starts where the sentence starts is its prediction. Unlike
the fixture items, the sentence edges here are the annotator's, so when no claim starts
exactly there the claim overlapping the sentence most is taken (counted and printed as
"edge mismatches": a segmentation difference, not a labelling one). A sentence covered by
no claim counts as predicted ``none``. ``--whole-article`` runs ``detect_sourcing`` on the
whole article instead (as the product does) and matches claims the same way.

Split: ``--split dev|test|all`` (default all). The halves are by article
(``sourcing_real_data.split_of``: sha256 of the path, even → dev); rules are fixed looking
only at dev errors, and the test half is run once at the end.

Scores: per kind (the five kinds and ``none``) precision/recall/F1; accuracy; per language
accuracy, macro-F1 over the five kinds and F1 per kind; the confusion matrix; source span:
among items whose kind is right and that have a gold span, the share whose predicted span
overlaps the gold one (and the share that equals it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from narrascope.nlp.sourcing import KINDS, detect_sourcing

# The loader is a sibling script (benchmarks/ is not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from sourcing_real_data import LANGUAGES, SPLITS, Item, load, split_of

LABELS = (*KINDS, "none")


@dataclass
class Prediction:
    kind: str
    span: tuple[int, int] | None  # file offsets
    edge_mismatch: bool


@dataclass
class Scores:
    tp: Counter[tuple[str, str]] = field(default_factory=Counter)
    fp: Counter[tuple[str, str]] = field(default_factory=Counter)
    fn: Counter[tuple[str, str]] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    spans: Counter[str] = field(default_factory=Counter)
    edge_mismatches: int = 0


def predict(item: Item, whole_article: bool) -> Prediction:
    """The claim covering the item's sentence, in file offsets."""
    base = 0 if whole_article else item.context_start
    text = item.file_text if whole_article else item.file_text[item.context_start : item.end]
    start, end = item.start - base, item.end - base
    claims = detect_sourcing(text, item.language).claims
    exact = [c for c in claims if c.start == start]
    overlapping = [c for c in claims if c.start < end and start < c.end]
    chosen = (
        exact[0]
        if exact
        else max(overlapping, key=lambda c: _overlap(c.start, c.end, start, end), default=None)
    )
    if chosen is None:
        return Prediction("none", None, edge_mismatch=False)
    span = (chosen.source.start + base, chosen.source.end + base) if chosen.source else None
    return Prediction(chosen.kind, span, edge_mismatch=not exact)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def evaluate(items: list[Item], whole_article: bool, show_errors: bool) -> Scores:
    scores = Scores()
    for item in items:
        pred = predict(item, whole_article)
        lang, gold = item.language, item.kind
        scores.total[lang] += 1
        scores.confusion[(gold, pred.kind)] += 1
        scores.edge_mismatches += pred.edge_mismatch
        if pred.kind == gold:
            scores.tp[(lang, gold)] += 1
            scores.correct[lang] += 1
            if item.source:
                _score_span(item, pred, scores, show_errors)
            continue
        scores.fn[(lang, gold)] += 1
        scores.fp[(lang, pred.kind)] += 1
        if show_errors:
            got = _slice(item, pred.span)
            print(
                f"  {item.id}: gold {gold} {item.source_text!r}, got {pred.kind} {got!r}: {item.text[:120]}",
                file=sys.stderr,
            )
    return scores


def _score_span(item: Item, pred: Prediction, scores: Scores, show_errors: bool) -> None:
    assert item.source
    scores.spans["checked"] += 1
    if pred.span and _overlap(*pred.span, *item.source):
        scores.spans["overlap"] += 1
        scores.spans["exact"] += pred.span == item.source
    elif show_errors:
        print(f"  {item.id}: span {_slice(item, pred.span)!r}, gold {item.source_text!r}", file=sys.stderr)


def _slice(item: Item, span: tuple[int, int] | None) -> str | None:
    return item.file_text[span[0] : span[1]] if span else None


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _summed(counter: Counter[tuple[str, str]], kind: str) -> int:
    return sum(v for (_, k), v in counter.items() if k == kind)


def report(scores: Scores, title: str) -> None:
    n = sum(scores.total.values())
    print(f"\n### {title} ({n} sentences)\n")
    print("| kind | precision | recall | F1 | support |")
    print("|---|---|---|---|---|")
    for kind in LABELS:
        tp, fp, fn = (_summed(c, kind) for c in (scores.tp, scores.fp, scores.fn))
        p, r, f = prf(tp, fp, fn)
        print(f"| {kind} | {p:.3f} | {r:.3f} | {f:.3f} | {tp + fn} |")
    print(f"\nAccuracy {sum(scores.correct.values()) / n:.3f}.\n")
    print("| language | n | accuracy | macro-F1 | " + " | ".join(f"F1 {k}" for k in KINDS) + " |")
    print("|---" * (4 + len(KINDS)) + "|")
    for lang in LANGUAGES:
        f1s = [prf(scores.tp[(lang, k)], scores.fp[(lang, k)], scores.fn[(lang, k)])[2] for k in KINDS]
        total = scores.total[lang]
        acc = scores.correct[lang] / total if total else 0.0
        cells = " | ".join(f"{f:.2f}" for f in f1s)
        print(f"| {lang} | {total} | {acc:.3f} | {statistics.mean(f1s):.3f} | {cells} |")
    print("\nConfusion (rows gold, columns predicted):\n")
    print("| gold \\ predicted | " + " | ".join(LABELS) + " |")
    print("|---" * (1 + len(LABELS)) + "|")
    for gold in LABELS:
        print(f"| {gold} | " + " | ".join(str(scores.confusion[(gold, p)]) for p in LABELS) + " |")
    sp = scores.spans
    if sp["checked"]:
        print(
            f"\nSource span (right kind and a gold span, n={sp['checked']}): overlaps gold "
            f"{sp['overlap'] / sp['checked']:.3f}, exact {sp['exact'] / sp['checked']:.3f}."
        )
    print(f"Edge mismatches (no claim starts where the sentence starts): {scores.edge_mismatches}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="print every miss to stderr")
    parser.add_argument("--whole-article", action="store_true", help="analyse each full article")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all", help="which half (by article)")
    args = parser.parse_args()
    items = [item for item in load() if args.split in ("all", split_of(item.path))]
    title = "Whole-article mode" if args.whole_article else "Context mode (previous sentence first)"
    title += "" if args.split == "all" else f", {args.split} half"
    report(evaluate(items, args.whole_article, args.errors), title)


if __name__ == "__main__":
    main()
