"""Precision and recall of the reported entities per language (issue 11), grouped 5-fold CV.

What the entity stage reports is a set of entities per article (mentions grouped, the 12
most salient kept). Against the SemEval subtask-1 annotations of the training release:

* **precision** = share of reported entities with at least one mention overlapping a gold
  mention (an entity the annotators framed somewhere in the article);
* **recall** = share of gold mentions overlapped by a mention of a reported entity;
* the same two before selection (every grouped candidate), and entities per article.

Detection, grouping and the salience ranking are those of ``salience_cross_validation``
(the code path of ``train roles``): the gazetteer and the salience model of each fold are
built from the other folds only, folds grouped by article content hash. Offsets of the
annotations are repaired by ``eval.roles.mention_span`` (data README).

The script imports whatever ``narrascope`` is on the path, so the baseline is measured
with the same script on the old source tree::

    git archive 13b48f6 src | tar -x -C /tmp/base
    PYTHONPATH=/tmp/base/src python benchmarks/entity_detection.py    # baseline
    python benchmarks/entity_detection.py                              # this tree
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

import narrascope
from narrascope.eval.roles import read_role_training
from narrascope.models.training_roles import SELECTION_BUDGET, mention_lexicon, salience_cross_validation

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "semeval2025-task10" / "train"


def _hits(spans: list[tuple[int, int]], gold: list[tuple[int, int]]) -> bool:
    return any(s < ge and gs < e for s, e in spans for gs, ge in gold)


def _source_spans(text: str, language: str) -> list[tuple[int, int]]:
    """What the entity component leaves out: cited outlets and the byline (the product's rule)."""
    from narrascope.nlp.sourcing import detect_sourcing, source_only_spans

    return source_only_spans(text, language, detect_sourcing(text, language))


def _only_sources(spans: list[tuple[int, int]], sources: list[tuple[int, int]]) -> bool:
    return all(any(a < e and s < b for a, b in sources) for s, e in spans)


def _hindi_taggers(mentions: list, texts: dict[str, str], langs: dict[str, str], threshold: float, tmp: Path):
    """A builder of fold taggers for ``salience_cross_validation``: trained on the fold's Hindi articles."""
    from narrascope.models.mentions import MentionTagger, TaggerConfig
    from narrascope.models.training_roles import gold_spans

    gold = gold_spans(mentions, texts)

    def build(train_ids: set[str]) -> MentionTagger:
        docs = [(texts[a], gold[a]) for a in sorted(train_ids) if langs[a] == "HI" and a in gold]
        path = tmp / f"tagger-{len(list(tmp.iterdir()))}.crfsuite"
        return MentionTagger(TaggerConfig(min_probability=threshold)).fit(docs, path)

    return build


def measure(
    data: Path, sources: bool = False, hindi_tagger: float | None = None
) -> dict[str, dict[str, float]]:
    mentions, texts, langs = read_role_training(data)
    all_texts = {
        str(p): p.read_text(encoding="utf-8", errors="replace") for p in data.glob("*/raw-documents/*")
    }
    common = mention_lexicon([], all_texts)["common_lowercase"]
    with tempfile.TemporaryDirectory() as tmp:
        taggers = (
            _hindi_taggers(mentions, texts, langs, hindi_tagger, Path(tmp))
            if hindi_tagger is not None
            else None
        )
        sal = salience_cross_validation(mentions, texts, langs, common, hindi_tagger=taggers)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for j, row in enumerate(sal.rows):
        rows_of[row[0]].append(j)
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for i, article in enumerate(sal.articles):
        gold = sal.gold[article]
        c = counts[langs[article].lower()]
        every = rows_of.get(i, [])
        if sources:
            source_spans = _source_spans(texts[article], langs[article].lower())
            every = [j for j in every if not _only_sources(sal.rows[j][3], source_spans)]
        kept = sorted(every, key=lambda j: -sal.learned[j])[:SELECTION_BUDGET]
        for name, chosen in (("all", every), ("reported", kept)):
            spans = [sp for j in chosen for sp in sal.rows[j][3]]
            c[f"{name}_entities"] += len(chosen)
            c[f"{name}_correct"] += sum(_hits(sal.rows[j][3], gold) for j in chosen)
            c[f"{name}_found"] += sum(_hits(spans, [g]) for g in gold)
        c["gold"] += len(gold)
        c["articles"] += 1
    return {lang: _summary(c) for lang, c in sorted(counts.items())}


def _summary(c: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {"articles": c["articles"], "gold_mentions": c["gold"]}
    for name in ("all", "reported"):
        p = c[f"{name}_correct"] / max(1.0, c[f"{name}_entities"])
        r = c[f"{name}_found"] / max(1.0, c["gold"])
        out[f"{name}_precision"] = round(p, 3)
        out[f"{name}_recall"] = round(r, 3)
        out[f"{name}_f1"] = round(2 * p * r / (p + r) if p + r else 0.0, 3)
        out[f"{name}_entities_per_article"] = round(c[f"{name}_entities"] / max(1.0, c["articles"]), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--sources",
        action="store_true",
        help="leave out entities named only as cited outlets or in the byline, as the default profile does",
    )
    parser.add_argument(
        "--hindi-tagger",
        type=float,
        default=None,
        metavar="P",
        help="add a learned Hindi mention tagger (trained per fold) at this marginal threshold",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no training data at {args.data} (see ../shared/data/README.md)")
    started = time.time()
    table = measure(args.data, args.sources, args.hindi_tagger)
    langs = list(table)
    table["mean"] = {
        k: round(float(np.mean([table[lang][k] for lang in langs])), 3)
        for k in table[langs[0]]
        if k.endswith(("precision", "recall", "f1"))
    }
    if args.json:
        print(json.dumps(table, indent=2))
        return
    print(f"narrascope from {Path(narrascope.__file__).parent}; {time.time() - started:.0f} s")
    print(
        "| lang | articles | gold mentions | reported P | reported R | reported F1 | reported entities/art "
        "| all-candidates P | all-candidates R | grouped candidates/art |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for lang in [*langs, "mean"]:
        r = table[lang]
        print(
            f"| {lang} | {int(r.get('articles', 0)) or ''} | {int(r.get('gold_mentions', 0)) or ''} "
            f"| {r['reported_precision']:.3f} | {r['reported_recall']:.3f} | {r['reported_f1']:.3f} "
            f"| {r.get('reported_entities_per_article', '')} | {r['all_precision']:.3f} | {r['all_recall']:.3f} "
            f"| {r.get('all_entities_per_article', '')} |"
        )


if __name__ == "__main__":
    main()
