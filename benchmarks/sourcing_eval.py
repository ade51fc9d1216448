"""Sourcing signals: precision/recall on our own labelled sentences, and speed.

    python benchmarks/sourcing_eval.py                  # dev, test, test2 + speed, Markdown tables
    python benchmarks/sourcing_eval.py --split dev --errors   # development: list the misses
    python benchmarks/sourcing_eval.py --no-speed --dump claims.jsonl   # every unlabelled claim, to diff versions

Accuracy: every item of ``tests/fixtures/sourcing/<split>.jsonl`` (dev, test, test2) is analysed alone
(its optional ``context`` sentence first); the claim that covers the item's sentence
is compared with the gold kind. A sentence not taken as a claim counts as predicted
``none`` (a miss for recall, nothing for precision). Source-span match: among items
whose kind is right and has a source, the share whose predicted span overlaps the gold
substring (and the share that equals it exactly).

Speed: ``detect_sourcing`` (sentence splitting included) over every ``.txt`` of
``../shared/data/semeval2025-task10/unlabeled/<LANG>/`` with the folder's language;
skipped when the folder is absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from narrascope.languages import SUPPORTED
from narrascope.nlp.sourcing import KINDS, detect_sourcing

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "sourcing"
UNLABELED = ROOT.parent / "shared" / "data" / "semeval2025-task10" / "unlabeled"


def predict(item: dict) -> tuple[str, tuple[int, int] | None, str]:
    """(predicted kind or 'none', predicted source span, full text) for one item."""
    context = item.get("context", "")
    full = f"{context} {item['text']}" if context else item["text"]
    offset = len(context) + 1 if context else 0
    result = detect_sourcing(full, item["lang"])
    for claim in result.claims:
        if claim.start == offset:
            span = (claim.source.start, claim.source.end) if claim.source else None
            return claim.kind, span, full
    return "none", None, full


def evaluate(items: list[dict], show_errors: bool) -> dict:
    tp: Counter[tuple[str, str]] = Counter()
    fp: Counter[tuple[str, str]] = Counter()
    fn: Counter[tuple[str, str]] = Counter()
    spans = {"checked": 0, "overlap": 0, "exact": 0}
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for item in items:
        lang, gold = item["lang"], item["kind"]
        kind, span, full = predict(item)
        total[lang] += 1
        if kind == gold:
            tp[(lang, gold)] += 1
            correct[lang] += 1
        else:
            fn[(lang, gold)] += 1
            if kind != "none":
                fp[(lang, kind)] += 1
            if show_errors:
                print(f"  {item['id']}: gold {gold}, got {kind}: {item['text'][:110]}", file=sys.stderr)
        if kind == gold and item.get("source"):
            _score_span(item, span, full, spans, show_errors)
    return {"tp": tp, "fp": fp, "fn": fn, "spans": spans, "correct": correct, "total": total}


def _score_span(item: dict, span: tuple[int, int] | None, full: str, spans: dict, show_errors: bool) -> None:
    spans["checked"] += 1
    g0 = full.find(item["source"])
    gold = (g0, g0 + len(item["source"]))
    if span and span[0] < gold[1] and gold[0] < span[1]:
        spans["overlap"] += 1
        spans["exact"] += span == gold
    elif show_errors:
        got = full[span[0] : span[1]] if span else None
        print(f"  {item['id']}: span {got!r}, gold {item['source']!r}", file=sys.stderr)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(name: str, res: dict) -> None:
    tp, fp, fn = res["tp"], res["fp"], res["fn"]
    n = sum(res["total"].values())
    acc = sum(res["correct"].values()) / n
    print(f"\n### {name} split ({n} sentences)\n")
    print("| kind | precision | recall | F1 | support |")
    print("|---|---|---|---|---|")
    for kind in KINDS:
        t = sum(v for (lang, k), v in tp.items() if k == kind)
        p_ = sum(v for (lang, k), v in fp.items() if k == kind)
        f_ = sum(v for (lang, k), v in fn.items() if k == kind)
        p, r, f = prf(t, p_, f_)
        print(f"| {kind} | {p:.3f} | {r:.3f} | {f:.3f} | {t + f_} |")
    print(f"\nAccuracy {acc:.3f}.\n")
    print("| language | accuracy | macro-F1 | " + " | ".join(f"F1 {k}" for k in KINDS) + " |")
    print("|---" * (3 + len(KINDS)) + "|")
    for lang in SUPPORTED:
        f1s = [prf(tp[(lang, k)], fp[(lang, k)], fn[(lang, k)])[2] for k in KINDS]
        a = res["correct"][lang] / res["total"][lang] if res["total"][lang] else 0.0
        cells = " | ".join(f"{f:.2f}" for f in f1s)
        print(f"| {lang} | {a:.3f} | {statistics.mean(f1s):.3f} | {cells} |")
    sp = res["spans"]
    if sp["checked"]:
        print(
            f"\nSource span (items with the right kind and a gold source, n={sp['checked']}): "
            f"overlaps gold {sp['overlap'] / sp['checked']:.3f}, exact {sp['exact'] / sp['checked']:.3f}."
        )


def speed() -> None:
    if not UNLABELED.is_dir():
        print(f"\nSpeed: skipped ({UNLABELED} not found).")
        return
    docs = [(p.parent.name.lower(), p.read_text(encoding="utf-8")) for p in sorted(UNLABELED.glob("*/*.txt"))]
    for lang, text in docs[:5]:  # warm-up: lexicon loading and regex compilation
        detect_sourcing(text, lang)
    times: list[float] = []
    claims = 0
    kinds: Counter[str] = Counter()
    for lang, text in docs:
        t0 = time.perf_counter()
        res = detect_sourcing(text, lang)
        times.append((time.perf_counter() - t0) * 1000)
        claims += len(res.claims)
        kinds.update(c.kind for c in res.claims)
    times.sort()
    print(f"\n### Speed ({len(docs)} unlabelled articles, one process, warm)\n")
    print(
        f"mean {statistics.mean(times):.2f} ms/article, median {statistics.median(times):.2f} ms, "
        f"p95 {times[int(0.95 * len(times)) - 1]:.2f} ms, max {times[-1]:.2f} ms; {claims} claims."
    )
    share = {k: kinds[k] / claims for k in KINDS} if claims else {}
    print(
        "Kinds on the unlabelled articles (no gold, for orientation): "
        + ", ".join(f"{k} {v:.1%}" for k, v in share.items())
    )


def dump(path: Path) -> None:
    """One JSON line per claim of the unlabelled articles, so two versions of the rules can be diffed."""
    lines = []
    for doc in sorted(UNLABELED.glob("*/*.txt")):
        lang = doc.parent.name.lower()
        for claim in detect_sourcing(doc.read_text(encoding="utf-8"), lang).claims:
            row = {"doc": f"{doc.parent.name}/{doc.name}", **claim.model_dump(mode="json")}
            lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\n{len(lines)} claims of the unlabelled articles written to {path}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["dev", "test", "test2", "both", "all"], default="all")
    parser.add_argument("--errors", action="store_true", help="print every miss to stderr")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--dump", type=Path, help="write every claim of the unlabelled articles (JSONL)")
    args = parser.parse_args()
    named = {"both": ["dev", "test"], "all": ["dev", "test", "test2"]}
    splits = named.get(args.split, [args.split])
    for split in splits:
        path = FIXTURES / f"{split}.jsonl"
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        report(split, evaluate(items, args.errors))
    if not args.no_speed:
        speed()
    if args.dump:
        dump(args.dump)


if __name__ == "__main__":
    main()
