"""Mention recall of the entity detector per language, with grouped 5-fold CV for the gazetteer.

For each fold the gazetteer (and the "known entity" salience bonus) is built from the
training folds' annotated mention strings only; the test articles' gold mentions count
as found when a candidate span overlaps them. Reports recall of all candidates, recall
after the entity stage keeps its 12 most salient entities (ranked by the learned
salience model, scored out of fold), candidates per article, and detection time. Run: python benchmarks/mention_recall.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from narrascope.eval.roles import read_role_training
from narrascope.models.training_roles import (
    article_folds,
    gazetteer_entries,
    gold_spans,
    mention_lexicon,
    salience_cross_validation,
)
from narrascope.nlp.ner import MentionDetector
from narrascope.nlp.segment import split_sentences
from narrascope.pipeline.entities import EntityFramer, entity_key

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "semeval2025-task10" / "train"


def overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in spans)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    mentions, texts, langs = read_role_training(args.data)
    all_texts = {
        str(p): p.read_text(encoding="utf-8", errors="replace") for p in args.data.glob("*/raw-documents/*")
    }
    common = mention_lexicon([], all_texts)["common_lowercase"]
    gold = gold_spans(mentions, texts)
    articles, splits = article_folds(gold, texts)
    stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for train, test in splits:
        train_ids = {articles[i] for i in train}
        entries = gazetteer_entries([m for m in mentions if m.article_id in train_ids], texts)
        detector = MentionDetector(entries, common)
        framer = EntityFramer(None, detector, None, frozenset(entity_key(e) for e in entries))  # type: ignore[arg-type]
        for i in test:
            art = articles[i]
            text, lang = texts[art], langs[art].lower()
            t0 = time.perf_counter()
            candidates = [(c.start, c.end) for c in detector.detect(text, lang)]
            elapsed = time.perf_counter() - t0
            kept = [
                span for group in framer.detect_entities(text, lang, split_sentences(text)) for span in group
            ]
            row = stats[lang]
            row["articles"] += 1
            row["gold"] += len(gold[art])
            row["found"] += sum(overlaps(g, candidates) for g in gold[art])
            row["found_kept"] += sum(overlaps(g, kept) for g in gold[art])
            row["candidates"] += len(candidates)
            row["kept"] += len(kept)
            row["seconds"] += elapsed
    table = {}
    for lang in sorted(stats):
        r = stats[lang]
        table[lang] = {
            "gold_mentions": int(r["gold"]),
            "recall_candidates": round(r["found"] / r["gold"], 3),
            "recall_reported": round(r["found_kept"] / r["gold"], 3),
            "candidates_per_article": round(r["candidates"] / r["articles"], 1),
            "reported_mentions_per_article": round(r["kept"] / r["articles"], 1),
            "gold_per_article": round(r["gold"] / r["articles"], 1),
            "ms_per_article": round(1000 * r["seconds"] / r["articles"], 1),
        }
    salience = salience_cross_validation(mentions, texts, langs, common)
    for lang in sorted(stats):
        table[lang]["recall_reported_learned"] = round(
            salience.recall(salience.learned, langs, lang.upper()), 3
        )
    table["mean"] = {
        k: round(float(np.mean([table[lang][k] for lang in stats])), 3)
        for k in ("recall_candidates", "recall_reported", "recall_reported_learned")
    }
    if args.json:
        print(json.dumps(table, indent=2))
        return
    print(
        "| lang | gold mentions | recall (all candidates) | recall (12 entities, heuristic) | recall (12 entities, learned, shipped) | candidates/art | heuristic-reported mentions/art | gold/art | ms/art |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for lang in sorted(stats):
        r = table[lang]
        print(
            f"| {lang} | {r['gold_mentions']} | {r['recall_candidates']:.3f} | {r['recall_reported']:.3f} | {r['recall_reported_learned']:.3f} | "
            f"{r['candidates_per_article']} | {r['reported_mentions_per_article']} | {r['gold_per_article']} | {r['ms_per_article']} |"
        )
    print(
        f"| mean | | {table['mean']['recall_candidates']:.3f} | {table['mean']['recall_reported']:.3f} | {table['mean']['recall_reported_learned']:.3f} | | | | |"
    )


if __name__ == "__main__":
    main()
