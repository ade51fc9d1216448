"""Hindi mention detection: the learned tagger against the gazetteer, grouped 5-fold CV (issue 11).

Folds are those of ``train roles`` (GroupKFold over article content hashes, seeded), over
all annotated articles; only the Hindi test articles are scored. For each fold the
gazetteer (``gazetteer_entries``) and the tagger (``models.mentions.MentionTagger``) are
built from the fold's training articles only. Measured like ``entity_detection.py``'s
"all candidates" columns, before the salience ranking:

* **precision** = share of grouped candidate entities with a mention overlapping a gold mention;
* **recall** = share of gold mentions overlapped by a candidate;
* plus mention-level precision (share of candidate spans overlapping a gold mention).

Systems: ``gazetteer`` (today's Hindi detector: gazetteer + Latin-script runs), ``tagger``
(the CRF alone), ``union`` (both, overlaps resolved as the detector does).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/hindi_mentions_cv.py
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from narrascope.eval.roles import read_role_training
from narrascope.models.mentions import MentionTagger, TaggerConfig
from narrascope.models.training_roles import article_folds, gazetteer_entries, gold_spans, mention_lexicon
from narrascope.nlp.ner import Candidate, MentionDetector, group_candidates, plausible, resolve_overlaps

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "semeval2025-task10" / "train"


def _overlaps(span: tuple[int, int], gold: list[tuple[int, int]]) -> bool:
    return any(span[0] < ge and gs < span[1] for gs, ge in gold)


def _score(cands: list[Candidate], gold: list[tuple[int, int]], counts: dict[str, float]) -> None:
    groups = group_candidates(cands, "hi").values()
    counts["entities"] += len(groups)
    counts["entities_correct"] += sum(any(_overlaps((c.start, c.end), gold) for c in g) for g in groups)
    counts["spans"] += len(cands)
    counts["spans_correct"] += sum(_overlaps((c.start, c.end), gold) for c in cands)
    counts["gold_found"] += sum(any(_overlaps(g, [(c.start, c.end)]) for c in cands) for g in gold)
    counts["gold"] += len(gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--min-probability", type=float, default=TaggerConfig().min_probability)
    args = parser.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no training data at {args.data} (see ../shared/data/README.md)")
    started = time.time()
    mentions, texts, langs = read_role_training(args.data)
    all_texts = {
        str(p): p.read_text(encoding="utf-8", errors="replace") for p in args.data.glob("*/raw-documents/*")
    }
    common = mention_lexicon([], all_texts)["common_lowercase"]
    gold = gold_spans(mentions, texts)
    articles, splits = article_folds(gold, texts)
    counts: dict[str, dict[str, float]] = {s: defaultdict(float) for s in ("gazetteer", "tagger", "union")}
    config = TaggerConfig(min_probability=args.min_probability)
    with tempfile.TemporaryDirectory() as tmp:
        for k, (train, test) in enumerate(splits):
            train_ids = {articles[i] for i in train}
            entries = gazetteer_entries([m for m in mentions if m.article_id in train_ids], texts)
            detector = MentionDetector(entries, common)
            hindi_train = [(texts[a], gold[a]) for a in sorted(train_ids) if langs[a] == "HI"]
            tagger = MentionTagger(config).fit(hindi_train, Path(tmp) / f"fold{k}.crfsuite")
            for i in test:
                article = articles[i]
                if langs[article] != "HI":
                    continue
                text = texts[article]
                base = [c for c in detector.detect(text, "hi") if plausible(c.text)]
                tagged = [Candidate(s, e, text[s:e], "tagger") for s, e, _ in tagger.spans(text)]
                tagged = [c for c in tagged if plausible(c.text)]
                _score(base, gold[article], counts["gazetteer"])
                _score(tagged, gold[article], counts["tagger"])
                _score(resolve_overlaps(base + tagged), gold[article], counts["union"])
            print(f"fold {k} done, {time.time() - started:.0f} s", flush=True)
    table = {}
    for system, c in counts.items():
        p = c["entities_correct"] / max(1.0, c["entities"])
        r = c["gold_found"] / max(1.0, c["gold"])
        table[system] = {
            "entity_precision": round(p, 3),
            "gold_recall": round(r, 3),
            "f1": round(2 * p * r / max(1e-9, p + r), 3),
            "span_precision": round(c["spans_correct"] / max(1.0, c["spans"]), 3),
            "entities": int(c["entities"]),
            "gold": int(c["gold"]),
        }
    print(json.dumps(table, indent=2))
    print("| system | entity P | gold R | F1 | span P | grouped entities |")
    print("|---|---|---|---|---|---|")
    for system, r in table.items():
        print(
            f"| {system} | {r['entity_precision']:.3f} | {r['gold_recall']:.3f} | {r['f1']:.3f} "
            f"| {r['span_precision']:.3f} | {r['entities']} |"
        )
    print(f"{time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
