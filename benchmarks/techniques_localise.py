"""How good is localising a technique inside a segment (issue 15)? Measured on English PTC.

The Slavic corpus labels segments, not spans, so the localiser of ``models/localise.py``
(the words that drive the lexical head's score) is measured on the one corpus with gold
spans: English PTC. Every sentence (``nlp.segment.split_sentences``) is a segment whose
labels are the product techniques (``from_ptc``) of the gold spans overlapping it. Under
the grouped 5-fold CV by article of the English span model (``fold_assignment``, the same
folds as its manifest figures), per outer fold:

1. a lexical-only segment classifier (``models.segments.SegmentClassifier``, the shipped
   lexical configuration, language ``en``) is fitted the way ``fit`` does it, keeping the
   three inner fold models: their out-of-fold scores give the Platt maps and thresholds,
   and their word contributions on the inner held-out sentences choose the localisation
   rule (share × min words × max words, best labeled span F1 over the inner folds);
2. on the outer test fold, for every gold (sentence, technique) pair the localised span is
   scored against that sentence's gold spans of the technique — character P/R/F1 (mean
   over pairs) and the PTC scorer's span F1 and labeled span F1 (``eval.techniques``) —
   next to two baselines in the same pairs: the whole sentence, and a random window with
   the same number of words as the localised span (seeded);
3. end to end: the classifier's own decisions (calibrated, thresholded) with localised
   spans, or with whole sentences, against all gold spans of the test articles.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/techniques_localise.py \\
        --data ../shared/data/ptc-semeval2020-task11 --json /work/tmp-seg-spans/localise.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.eval.techniques import TechniqueLabel, labeled_span_f1, read_ptc, span_f1
from narrascope.models.localise import LocaliseRule, localise, word_scores
from narrascope.models.segments import SegmentClassifier, SegmentConfig, language_folds
from narrascope.models.training_techniques import fold_assignment
from narrascope.nlp.segment import split_sentences
from narrascope.taxonomy.techniques import TECHNIQUES, persuasion_techniques

SHARES = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
MIN_WORDS = (1, 2, 3)
MAX_WORDS = (3, 5, 8, 12, 20, 40, 1000)  # 1000 with share 1.0 = the whole sentence
RULES = [LocaliseRule(s, lo, hi) for s, lo, hi in itertools.product(SHARES, MIN_WORDS, MAX_WORDS) if lo <= hi]
_WORD = re.compile(r"\w")
# With --fixed-rules: these rules are also scored on the outer test folds, as reported points
# (what a short highlight would give), never used to choose anything.
FIXED_RULES = {
    "fixed_0.5_1_3": LocaliseRule(0.5, 1, 3),
    "fixed_0.5_1_8": LocaliseRule(0.5, 1, 8),
    "fixed_0.8_1_12": LocaliseRule(0.8, 1, 12),
    "fixed_0.9_1_20": LocaliseRule(0.9, 1, 20),
}


@dataclass
class Segments:
    """PTC sentences as segments: article index, offsets, text, gold product labels."""

    article: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    labels: list[set[str]] = field(default_factory=list)


def build_segments(texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int, str]]]) -> Segments:
    scheme = persuasion_techniques()
    out = Segments()
    for a, (text, gold) in enumerate(zip(texts, spans, strict=True)):
        for s in split_sentences(text):
            labels = set()
            for gs, ge, ptc in gold:
                lo, hi = max(gs, s.start), min(ge, s.end)
                if lo < hi and _WORD.search(text[lo:hi]):
                    labels.add(scheme.from_ptc(ptc))
            out.article.append(a)
            out.start.append(s.start)
            out.end.append(s.end)
            out.text.append(s.text)
            out.labels.append(labels)
    return out


def gold_in(
    spans: Sequence[tuple[int, int, str]], technique: str, start: int, end: int
) -> list[tuple[int, int]]:
    """The gold spans of ``technique`` clipped to ``[start, end)``, merged."""
    scheme = persuasion_techniques()
    cut = sorted(
        (max(a, start), min(b, end))
        for a, b, t in spans
        if scheme.from_ptc(t) == technique and a < end and b > start
    )
    merged: list[list[int]] = []
    for a, b in cut:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def char_prf(pred: tuple[int, int] | None, gold: Sequence[tuple[int, int]]) -> tuple[float, float, int, int]:
    """Overlap characters, |pred|, |gold| → (overlap, pred length, gold length) with P, R later."""
    gold_len = sum(b - a for a, b in gold)
    if pred is None:
        return 0.0, 0.0, 0, gold_len
    inter = sum(max(0, min(pred[1], b) - max(pred[0], a)) for a, b in gold)
    return float(inter), float(pred[1] - pred[0]), pred[1] - pred[0], gold_len


@dataclass
class Pair:
    """A gold (sentence, technique) pair with the word contributions of one model."""

    row: int
    technique: str
    words: list[tuple[int, int]]  # article offsets
    scores: np.ndarray


def pairs_for(
    model: SegmentClassifier, seg: Segments, rows: Sequence[int], labels: Sequence[str]
) -> list[Pair]:
    assert model.featurizer_ is not None and model.lex_coef_ is not None
    out = []
    for r in rows:
        wanted = sorted(seg.labels[r])
        if not wanted:
            continue
        cols = [labels.index(t) for t in wanted]
        words, scores = word_scores(model.featurizer_, model.lex_coef_[cols], seg.text[r])
        shifted = [(a + seg.start[r], b + seg.start[r]) for a, b in words]
        out.extend(Pair(r, t, shifted, scores[:, k]) for k, t in enumerate(wanted))
    return out


def labeled(
    ids: Sequence[str], seg: Segments, pairs: Sequence[Pair], spans: Sequence[tuple[int, int] | None]
) -> list[TechniqueLabel]:
    return [
        TechniqueLabel(ids[seg.article[p.row]], s[0], s[1], p.technique)
        for p, s in zip(pairs, spans, strict=True)
        if s is not None
    ]


def gold_labels(
    ids: Sequence[str], spans: Sequence[Sequence[tuple[int, int, str]]], articles: Sequence[int]
) -> list[TechniqueLabel]:
    scheme = persuasion_techniques()
    return [TechniqueLabel(ids[a], s, e, scheme.from_ptc(t)) for a in articles for s, e, t in spans[a]]


def choose_rule(
    pairs: Sequence[Pair], gold: list[TechniqueLabel], ids: Sequence[str], seg: Segments
) -> tuple[LocaliseRule, float, dict[str, LocaliseRule]]:
    """The rule with the best labeled span F1 on ``pairs`` (inner held-out sentences), and
    the best rule per technique (labeled span F1 restricted to it)."""
    articles = sorted({ids[seg.article[p.row]] for p in pairs})
    techniques = sorted({p.technique for p in pairs})
    best, best_f1 = RULES[0], -1.0
    per: dict[str, tuple[LocaliseRule, float]] = {}
    for rule in RULES:
        pred = labeled(ids, seg, pairs, [localise(p.words, p.scores, rule) for p in pairs])
        f1 = labeled_span_f1(gold, pred, articles).f1
        if f1 > best_f1 + 1e-9:
            best, best_f1 = rule, f1
        for t in techniques:
            ft = labeled_span_f1(gold, pred, articles, technique=t).f1
            if t not in per or ft > per[t][1] + 1e-9:
                per[t] = (rule, ft)
    return best, best_f1, {t: r for t, (r, _) in per.items()}


def random_window(p: Pair, n_words: int, rng: np.random.Generator) -> tuple[int, int] | None:
    if n_words <= 0:
        return None
    start = int(rng.integers(0, len(p.words) - n_words + 1))
    return p.words[start][0], p.words[start + n_words - 1][1]


def score_systems(
    pairs: Sequence[Pair],
    found: dict[str, list[tuple[int, int] | None]],
    seg: Segments,
    spans: Sequence[Sequence[tuple[int, int, str]]],
    ids: Sequence[str],
    gold: list[TechniqueLabel],
    articles: list[str],
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, predicted in found.items():
        macro_p, macro_r, macro_f = [], [], []
        inter_sum = pred_sum = gold_sum = 0.0
        for p, s in zip(pairs, predicted, strict=True):
            g = gold_in(spans[seg.article[p.row]], p.technique, seg.start[p.row], seg.end[p.row])
            inter, plen, _, glen = char_prf(s, g)
            inter_sum, pred_sum, gold_sum = inter_sum + inter, pred_sum + plen, gold_sum + glen
            pp = inter / plen if plen else 0.0
            rr = inter / glen if glen else 0.0
            macro_p.append(pp)
            macro_r.append(rr)
            macro_f.append(2 * pp * rr / (pp + rr) if pp + rr else 0.0)
        pred_labels = labeled(ids, seg, pairs, predicted)
        mp, mr = inter_sum / pred_sum if pred_sum else 0.0, inter_sum / gold_sum if gold_sum else 0.0
        out[name] = {
            "pairs": len(pairs),
            "no_span": sum(s is None for s in predicted),
            "mean_words": float(
                np.mean([len(_words_in(p, s)) for p, s in zip(pairs, predicted, strict=True) if s])
            ),
            "char_p": float(np.mean(macro_p)),
            "char_r": float(np.mean(macro_r)),
            "char_f1": float(np.mean(macro_f)),
            "char_micro_p": mp,
            "char_micro_r": mr,
            "char_micro_f1": 2 * mp * mr / (mp + mr) if mp + mr else 0.0,
            "span_f1": span_f1(gold, pred_labels, articles).f1,
            "labeled_p": labeled_span_f1(gold, pred_labels, articles).precision,
            "labeled_r": labeled_span_f1(gold, pred_labels, articles).recall,
            "labeled_f1": labeled_span_f1(gold, pred_labels, articles).f1,
        }
    return out


def _words_in(p: Pair, s: tuple[int, int]) -> list[tuple[int, int]]:
    return [w for w in p.words if w[0] >= s[0] and w[1] <= s[1]]


def run_fold(
    fold: int,
    train_articles: np.ndarray,
    test_articles: np.ndarray,
    seg: Segments,
    spans: Sequence[Sequence[tuple[int, int, str]]],
    ids: Sequence[str],
    labels: tuple[str, ...],
    config: SegmentConfig,
    fixed: bool = False,
) -> dict[str, Any]:
    t0 = time.time()
    in_train = set(train_articles.tolist())
    rows = [r for r, a in enumerate(seg.article) if a in in_train]
    test_rows = [r for r, a in enumerate(seg.article) if a not in in_train]
    Y = np.array([[int(t in seg.labels[r]) for t in labels] for r in range(len(seg.text))], dtype=np.int8)
    texts = [seg.text[r] for r in rows]
    langs = ["en"] * len(rows)
    groups = [ids[seg.article[r]] for r in rows]
    # SegmentClassifier.fit, unrolled so the inner fold models stay available to choose the rule
    clf = SegmentClassifier(labels, ("en",), config)
    raw = np.zeros((len(rows), len(labels)), np.float32)
    inner_pairs: list[Pair] = []
    for itr, ite in language_folds(langs, groups, config.inner_folds):
        inner = SegmentClassifier(labels, ("en",), config)
        inner._fit_heads([texts[i] for i in itr], ["en"] * len(itr), Y[rows][itr], None)
        raw[ite] = inner.raw_proba([texts[i] for i in ite], ["en"] * len(ite), None)[0]
        inner_pairs.extend(pairs_for(inner, seg, [rows[i] for i in ite], labels))
    rule, inner_f1, per_technique = choose_rule(
        inner_pairs, gold_labels(ids, spans, train_articles), ids, seg
    )
    clf._fit_calibration({"lexical": raw}, langs, Y[rows])
    clf._fit_heads(texts, langs, Y[rows], None)
    clf.quantised()
    fitted = time.time() - t0

    # localisation on the gold pairs of the test fold
    pairs = pairs_for(clf, seg, test_rows, labels)
    rng = np.random.default_rng(fold)
    localised = [localise(p.words, p.scores, rule) for p in pairs]
    by_technique = [localise(p.words, p.scores, per_technique.get(p.technique, rule)) for p in pairs]
    whole = [(seg.start[p.row], seg.end[p.row]) for p in pairs]
    rand = [
        random_window(p, len(_words_in(p, s)) if s else 0, rng) for p, s in zip(pairs, localised, strict=True)
    ]
    gold = gold_labels(ids, spans, test_articles)
    articles = [ids[a] for a in test_articles]
    systems = {
        "localised": localised,
        "localised_per_technique": by_technique,
        "whole_sentence": whole,
        "random_window": rand,
    }
    if fixed:
        for name, fixed_rule in FIXED_RULES.items():
            systems[name] = [localise(p.words, p.scores, fixed_rule) for p in pairs]
            systems[name.replace("fixed", "random")] = [
                random_window(p, len(_words_in(p, s)) if s else 0, rng)
                for p, s in zip(pairs, systems[name], strict=True)
            ]
    oracle = score_systems(pairs, systems, seg, spans, ids, gold, articles)

    # end to end: the classifier's decisions on every test sentence
    proba, mode = clf.predict_proba([seg.text[r] for r in test_rows], ["en"] * len(test_rows), None)
    decided = clf.decide(proba, ["en"] * len(test_rows), mode)
    e2e_loc: list[TechniqueLabel] = []
    e2e_whole: list[TechniqueLabel] = []
    e2e_per: list[TechniqueLabel] = []
    for k, r in enumerate(test_rows):
        chosen = [labels[j] for j in np.flatnonzero(decided[k])]
        if not chosen:
            continue
        cols = [labels.index(t) for t in chosen]
        assert clf.featurizer_ is not None and clf.lex_coef_ is not None
        words, scores = word_scores(clf.featurizer_, clf.lex_coef_[cols], seg.text[r])
        for j, t in enumerate(chosen):
            doc = ids[seg.article[r]]
            e2e_whole.append(TechniqueLabel(doc, seg.start[r], seg.end[r], t))
            found = localise(words, scores[:, j], rule)
            if found is not None:
                e2e_loc.append(TechniqueLabel(doc, found[0] + seg.start[r], found[1] + seg.start[r], t))
            found = localise(words, scores[:, j], per_technique.get(t, rule))
            if found is not None:
                e2e_per.append(TechniqueLabel(doc, found[0] + seg.start[r], found[1] + seg.start[r], t))
    end_to_end = {}
    for name, pred in (
        ("localised", e2e_loc),
        ("localised_per_technique", e2e_per),
        ("whole_sentence", e2e_whole),
    ):
        si, lab = span_f1(gold, pred, articles), labeled_span_f1(gold, pred, articles)
        end_to_end[name] = {
            "spans": len(pred),
            "span_p": si.precision,
            "span_r": si.recall,
            "span_f1": si.f1,
            "labeled_p": lab.precision,
            "labeled_r": lab.recall,
            "labeled_f1": lab.f1,
        }
    print(
        f"fold {fold}: rule {rule} (inner labeled F1 {inner_f1:.3f}); {len(pairs)} pairs; "
        f"localised {oracle['localised']['labeled_f1']:.3f} whole {oracle['whole_sentence']['labeled_f1']:.3f} "
        f"random {oracle['random_window']['labeled_f1']:.3f}; e2e {end_to_end['localised']['labeled_f1']:.3f} / "
        f"{end_to_end['whole_sentence']['labeled_f1']:.3f}; fit {fitted:.0f}s total {time.time() - t0:.0f}s",
        flush=True,
    )
    return {
        "rule": asdict(rule),
        "inner_labeled_f1": inner_f1,
        "per_technique_rules": {t: asdict(r) for t, r in per_technique.items()},
        "oracle": oracle,
        "end_to_end": end_to_end,
        "oracle_labels": {
            name: [asdict(x) for x in labeled(ids, seg, pairs, found)] for name, found in systems.items()
        },
        "e2e_labels": {
            "localised": [asdict(x) for x in e2e_loc],
            "localised_per_technique": [asdict(x) for x in e2e_per],
            "whole_sentence": [asdict(x) for x in e2e_whole],
        },
    }


def pooled(result: list[dict[str, Any]], key: str, gold: list[TechniqueLabel]) -> dict[str, dict[str, float]]:
    """PTC scores pooled over all articles (as the manifests report them) from the per-fold labels."""
    out = {}
    for name in result[0][key]:
        pred = [TechniqueLabel(**x) for fold in result for x in fold[key][name]]
        si, lab = span_f1(gold, pred), labeled_span_f1(gold, pred)
        scores = "oracle" if key == "oracle_labels" else "end_to_end"
        folds = [f[scores][name]["labeled_f1"] for f in result]
        out[name] = {
            "span_p": si.precision,
            "span_r": si.recall,
            "span_f1": si.f1,
            "labeled_p": lab.precision,
            "labeled_r": lab.recall,
            "labeled_f1": lab.f1,
            "labeled_fold_sd": float(np.std(folds, ddof=1)) if len(folds) > 1 else 0.0,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc-semeval2020-task11"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only-folds", type=int, default=0, help="run only the first N folds (smoke test)")
    parser.add_argument("--articles", type=int, default=0, help="use only the first N articles (smoke test)")
    parser.add_argument(
        "--fixed-rules", action="store_true", help="also score FIXED_RULES on the outer folds"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    corpus = read_ptc(args.data)
    if args.articles:
        n = args.articles
        corpus.ids, corpus.texts, corpus.spans = corpus.ids[:n], corpus.texts[:n], corpus.spans[:n]
    seg = build_segments(corpus.texts, corpus.spans)
    scheme = persuasion_techniques()
    labels = tuple(sorted({scheme.from_ptc(t) for t in TECHNIQUES}))
    config = SegmentConfig(use_vectors=False)
    print(
        f"{len(corpus.ids)} articles, {len(seg.text)} sentences, "
        f"{sum(bool(x) for x in seg.labels)} with a technique, {sum(len(x) for x in seg.labels)} gold pairs",
        flush=True,
    )
    result = []
    splits = fold_assignment(corpus.ids, args.folds)
    for fold, (train, test) in enumerate(splits[: args.only_folds or None], start=1):
        result.append(
            run_fold(fold, train, test, seg, corpus.spans, corpus.ids, labels, config, args.fixed_rules)
        )
    done = {a for _, test in splits[: len(result)] for a in test.tolist()}
    gold = gold_labels(corpus.ids, corpus.spans, sorted(done))
    summary: dict[str, Any] = {
        "oracle": pooled(result, "oracle_labels", gold),
        "e2e": pooled(result, "e2e_labels", gold),
    }
    char: dict[str, dict[str, float]] = defaultdict(dict)
    for name in result[0]["oracle"]:
        for metric in ("char_p", "char_r", "char_f1", "char_micro_f1", "mean_words", "no_span", "pairs"):
            values = [f["oracle"][name][metric] for f in result]
            char[name][metric] = (
                float(np.sum(values)) if metric in ("no_span", "pairs") else float(np.mean(values))
            )
        char[name]["char_f1_fold_sd"] = (
            float(np.std([f["oracle"][name]["char_f1"] for f in result], ddof=1)) if len(result) > 1 else 0.0
        )
    summary["char"] = dict(char)
    summary["rules"] = [f["rule"] for f in result]
    print(
        "\n| system (gold segments) | pairs | no span | words | char P | char R | char F1 (fold sd) | char micro-F1 | span F1 | labeled P | labeled R | labeled span F1 (fold sd) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, c in summary["char"].items():
        o = summary["oracle"][name]
        print(
            f"| {name} | {c['pairs']:.0f} | {c['no_span']:.0f} | {c['mean_words']:.1f} | {c['char_p']:.3f} | {c['char_r']:.3f} | "
            f"{c['char_f1']:.3f} ({c['char_f1_fold_sd']:.3f}) | {c['char_micro_f1']:.3f} | {o['span_f1']:.3f} | "
            f"{o['labeled_p']:.3f} | {o['labeled_r']:.3f} | {o['labeled_f1']:.3f} ({o['labeled_fold_sd']:.3f}) |"
        )
    print(
        "\n| system (predicted segments) | spans | span P | span R | span F1 | labeled P | labeled R | labeled span F1 (fold sd) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, e in summary["e2e"].items():
        n = sum(f["end_to_end"][name]["spans"] for f in result)
        print(
            f"| {name} | {n} | {e['span_p']:.3f} | {e['span_r']:.3f} | {e['span_f1']:.3f} | {e['labeled_p']:.3f} | "
            f"{e['labeled_r']:.3f} | {e['labeled_f1']:.3f} ({e['labeled_fold_sd']:.3f}) |"
        )
    print("\nrules chosen per fold:", summary["rules"])
    for f in result:
        print("per technique:", {t: tuple(r.values()) for t, r in f["per_technique_rules"].items()})
    # per technique, gold segments, pooled
    print("\n| technique | gold spans | localised | per-technique rule | whole sentence | random window |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for t in sorted({g.technique for g in gold}):
        row = [
            labeled_span_f1(
                gold, [TechniqueLabel(**x) for f in result for x in f["oracle_labels"][n]], technique=t
            ).f1
            for n in ("localised", "localised_per_technique", "whole_sentence", "random_window")
        ]
        print(
            f"| {t} | {sum(g.technique == t for g in gold)} | " + " | ".join(f"{v:.3f}" for v in row) + " |"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        folds_out = [{k: v for k, v in f.items() if not k.endswith("_labels")} for f in result]
        args.json.write_text(json.dumps({"summary": summary, "folds": folds_out}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
