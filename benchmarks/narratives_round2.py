"""Narratives, round 2 (issue 10): whether-then-which decoding, prior shift, sentence evidence.

Grouped 5-fold CV on the full training release (the folds of ``models.training``).
Every head's out-of-fold probabilities are cached under ``--work`` so decoders and
blends are compared on identical predictions. Scores: the official samples-F1
(coarse/fine) overall, per language and averaged over languages, the same on the
articles whose gold is not ``Other``, the fold spread, and precision/recall of the
"pushes some narrative" decision per language.

    python benchmarks/narratives_round2.py --cache /work/cache/new.sqlite --work /work/oof
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrascope.eval.semeval import LabelledDoc, read_training_folder, samples_f1
from narrascope.models.linear import LexicalFeaturizer, OneVsRestLinear
from narrascope.models.narratives import decode_labels, embedding_features
from narrascope.models.training import THRESHOLD_GRID, grouped_folds, label_matrix
from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text
from narrascope.nlp.segment import split_sentences, window_sentences
from narrascope.taxonomy import OTHER, default_taxonomy

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "semeval2025-task10"


@dataclass
class Data:
    docs: list[LabelledDoc]
    folds: list[tuple[np.ndarray, np.ndarray]]
    yc: np.ndarray
    yf: np.ndarray
    bearing: np.ndarray  # 1 when the gold is not Other
    langs: list[str]
    sentences: list[np.ndarray]  # window sentence vectors per article
    coarse_labels: list[str]
    fine_labels: list[str]


def load(cache: Path, window: int = 360) -> Data:
    tax = default_taxonomy()
    docs = read_training_folder(DATA / "train")
    coarse, fine = tax.narrative_labels(), tax.subnarrative_labels()
    embedder = Embedder(cache=EmbeddingCache(cache))
    sentences = []
    for d in docs:
        spans = split_sentences(d.text)
        idx = window_sentences(spans, window)
        sentences.append(embedder.embed([embedding_text(spans[i].text) for i in idx]))
    yc = label_matrix(docs, coarse, fine=False)
    yf = label_matrix(docs, fine, fine=True)
    bearing = np.array([0 if OTHER in d.narratives or not d.narratives else 1 for d in docs], dtype=np.int8)
    return Data(
        docs,
        grouped_folds(docs, 5),
        yc,
        yf,
        bearing,
        [d.language.lower() for d in docs],
        sentences,
        coarse,
        fine,
    )


# --------------------------------------------------------------------------- heads (out of fold)


def oof_lexical(data: Data, C: float = 10.0) -> dict[str, np.ndarray]:
    texts = [d.text for d in data.docs]
    out = _empty(data)
    for tr, te in data.folds:
        feat = LexicalFeaturizer().fit([texts[i] for i in tr])
        Xtr, Xte = feat.transform([texts[i] for i in tr]), feat.transform([texts[i] for i in te])
        _fit_heads(out, Xtr, Xte, data, tr, te, C)
    return out


def pooled(data: Data, language: bool = True) -> np.ndarray:
    rows = [embedding_features(v, lang) for v, lang in zip(data.sentences, data.langs, strict=True)]
    X = np.stack(rows)
    return X if language else X[:, :-5]


def oof_dense(data: Data, X: np.ndarray, C: float, extra: tuple | None = None) -> dict[str, np.ndarray]:
    out = _empty(data)
    for tr, te in data.folds:
        Xtr = X[tr]
        if extra is not None:
            ex, eyc, eyf, eb = extra
            _fit_heads(out, np.vstack([Xtr, ex]), X[te], data, tr, te, C, (eyc, eyf, eb))
        else:
            _fit_heads(out, Xtr, X[te], data, tr, te, C)
    return out


def oof_sentences(data: Data, C: float = 1.0, top: int = 3) -> dict[str, np.ndarray]:
    """Multiple instance: every window sentence carries its article's labels; an article
    scores the mean of its ``top`` sentence probabilities per label."""
    out = _empty(data)
    for tr, te in data.folds:
        Xtr = np.vstack([data.sentences[i] for i in tr])
        owner = np.concatenate([[i] * len(data.sentences[i]) for i in tr])
        for key, Y in (("c", data.yc), ("f", data.yf), ("b", data.bearing[:, None])):
            head = OneVsRestLinear(C).fit(Xtr, Y[owner])
            for i in te:
                p = (
                    head.predict_proba(data.sentences[i])
                    if len(data.sentences[i])
                    else np.zeros((1, Y.shape[1]))
                )
                out[key][i] = np.sort(p, axis=0)[-top:].mean(0).reshape(-1)[: Y.shape[1]]
    return out


def _empty(data: Data) -> dict[str, np.ndarray]:
    return {
        "c": np.zeros(data.yc.shape, np.float32),
        "f": np.zeros(data.yf.shape, np.float32),
        "b": np.zeros((len(data.docs), 1), np.float32),
    }


def _fit_heads(out, Xtr, Xte, data, tr, te, C, extra=None) -> None:  # type: ignore[no-untyped-def]
    for key, Y in (("c", data.yc), ("f", data.yf), ("b", data.bearing[:, None])):
        y = Y[tr]
        if extra is not None:
            y = np.vstack([y, {"c": extra[0], "f": extra[1], "b": extra[2]}[key]])
        out[key][te] = OneVsRestLinear(C).fit(Xtr, y).predict_proba(Xte)


def description_rows(data: Data, embedder: Embedder) -> tuple:
    """The taxonomy's example statements as extra training rows for dense heads."""
    rows: list[tuple[str, str, str]] = []
    for name, dom in (
        ("Narrative_Description_War_in_Ukraine-sentences.tsv", "URW"),
        ("Narrative_Description_ClimateChange-sentences.tsv", "CC"),
    ):
        with open(DATA / "taxonomy" / name, encoding="utf-8") as handle:
            reader = csv.reader(handle, delimiter="\t")
            next(reader)
            rows += [
                (f"{dom}: {r[0].strip()}", f"{dom}: {r[0].strip()}: {r[1].strip()}", r[2])
                for r in reader
                if len(r) >= 3
            ]
    V = embedder.embed([embedding_text(r[2]) for r in rows])
    ci = {label: j for j, label in enumerate(data.coarse_labels)}
    fi = {label: j for j, label in enumerate(data.fine_labels)}
    keep = [k for k, r in enumerate(rows) if r[0] in ci]
    X = np.stack([embedding_features(V[k : k + 1], None) for k in keep])
    yc = np.zeros((len(keep), len(ci)), np.int8)
    yf = np.zeros((len(keep), len(fi)), np.int8)
    for row, k in enumerate(keep):
        yc[row, ci[rows[k][0]]] = 1
        if rows[k][1] in fi:
            yf[row, fi[rows[k][1]]] = 1
    return X, yc, yf, np.ones((len(keep), 1), np.int8)


# --------------------------------------------------------------------------- decoding and scores


def train_other_rate(data: Data, tr: np.ndarray) -> dict[str, float]:
    rates = {}
    for lang in sorted(set(data.langs)):
        rows = [i for i in tr if data.langs[i] == lang]
        rates[lang] = float(np.mean([1 - data.bearing[i] for i in rows])) if rows else 0.2
    return rates


def shift(p: np.ndarray, train_other: float, use_other: float) -> np.ndarray:
    """Saerens et al.: move P(bearing) from the training prior to the prior of use."""
    eps = 1e-4
    tb = min(max(1 - train_other, eps), 1 - eps)
    ub = min(max(1 - use_other, eps), 1 - eps)
    odds = p / np.clip(1 - p, eps, None) * (ub / (1 - ub)) / (tb / (1 - tb))
    return odds / (1 + odds)


def decode(data: Data, pc, pf, tc, tf, pb=None, tb=0.5, top1=True):  # type: ignore[no-untyped-def]
    tax = default_taxonomy()
    preds = []
    for i in range(len(pc)):
        if pb is not None and pb[i] < tb:
            preds.append(({OTHER}, {OTHER}))
            continue
        d = decode_labels(pc[i], pf[i], data.coarse_labels, data.fine_labels, tax, tc, tf)
        if d.is_other and pb is not None and top1:
            best = float(pc[i].max())
            d = decode_labels(pc[i], pf[i], data.coarse_labels, data.fine_labels, tax, best - 1e-9, tf)
        if d.is_other:
            preds.append(({OTHER}, {OTHER}))
        else:
            preds.append((set(d.narratives), {s for subs in d.subnarratives.values() for s in subs}))
    return preds


def score(data: Data, preds, rows=None) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    tax = default_taxonomy()
    rows = range(len(data.docs)) if rows is None else rows
    cs = set(tax.narrative_labels()) | {OTHER}
    fs = set(tax.subnarrative_labels()) | {OTHER}
    g = [data.docs[i] for i in rows]
    p = [preds[i] for i in rows]
    return (
        samples_f1([set(d.narratives) for d in g], [x[0] for x in p], cs),
        samples_f1([set(d.subnarratives) for d in g], [x[1] for x in p], fs),
    )


def report(data: Data, preds) -> dict:  # type: ignore[no-untyped-def]
    out: dict = {}
    c, f = score(data, preds)
    out["all"] = (round(c, 4), round(f, 4))
    langs = sorted(set(data.langs))
    for lang in langs:
        rows = [i for i in range(len(data.docs)) if data.langs[i] == lang]
        bear = [i for i in rows if data.bearing[i]]
        said = [i for i in rows if OTHER not in preds[i][0]]
        tp = sum(1 for i in said if data.bearing[i])
        out[lang] = {
            "f1": tuple(round(x, 4) for x in score(data, preds, rows)),
            "f1_bearing": tuple(round(x, 4) for x in score(data, preds, bear)),
            "bearing_precision": round(tp / max(1, len(said)), 3),
            "bearing_recall": round(tp / max(1, len(bear)), 3),
        }
    out["lang_mean"] = tuple(round(float(np.mean([out[code]["f1"][k] for code in langs])), 4) for k in (0, 1))
    out["lang_mean_bearing"] = tuple(
        round(float(np.mean([out[code]["f1_bearing"][k] for code in langs])), 4) for k in (0, 1)
    )
    folds = [score(data, preds, te) for _, te in data.folds]
    out["fold_sd"] = tuple(round(float(np.std([x[k] for x in folds])), 4) for k in (0, 1))
    en = [i for i in range(len(data.docs)) if data.langs[i] == "en" and data.bearing[i]]
    en_folds = [score(data, preds, [i for i in te if i in set(en)]) for _, te in data.folds]
    out["en_bearing_fine_fold_sd"] = round(float(np.std([x[1] for x in en_folds])), 4)
    return out


def tune(data: Data, pc, pf, pb=None, tb=0.5, grid=THRESHOLD_GRID):  # type: ignore[no-untyped-def]
    best = None
    for tc in grid:
        for tf in grid:
            c, f = score(data, decode(data, pc, pf, tc, tf, pb, tb))
            obj = f + 0.25 * c
            if best is None or obj > best[0] + 1e-9:
                best = (obj, tc, tf)
    assert best is not None
    return best[1], best[2]


def line(name: str, r: dict, extra: str = "") -> str:
    langs = " ".join(
        f"{c.upper()} {r[c]['f1'][0]:.2f}/{r[c]['f1'][1]:.2f} ({r[c]['f1_bearing'][1]:.2f}; P{r[c]['bearing_precision']:.2f} R{r[c]['bearing_recall']:.2f})"
        for c in ("bg", "en", "hi", "pt", "ru")
    )
    return (
        f"| {name} | {r['all'][0]:.3f}/{r['all'][1]:.3f} | {r['lang_mean'][0]:.3f}/{r['lang_mean'][1]:.3f} | "
        f"{r['lang_mean_bearing'][0]:.3f}/{r['lang_mean_bearing'][1]:.3f} | {r['fold_sd'][0]:.3f}/{r['fold_sd'][1]:.3f} | "
        f"{r['en']['f1_bearing'][1]:.3f} (sd {r['en_bearing_fine_fold_sd']:.3f}) | {extra} | {langs} |"
    )


def cached(work: Path, name: str, make):  # type: ignore[no-untyped-def]
    path = work / f"{name}.npz"
    if path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    start = time.time()
    out = make()
    np.savez(path, **out)
    print(f"<!-- {name}: {time.time() - start:.0f}s -->", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--json", type=Path, default=None, help="also write every report here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    data = load(args.cache)
    embedder = Embedder(cache=EmbeddingCache(args.cache))
    lex = cached(args.work, "lex_C10", lambda: oof_lexical(data))
    emb = cached(args.work, "emb_lang_C30", lambda: oof_dense(data, pooled(data), 30.0))
    emb_nolang = cached(args.work, "emb_nolang_C30", lambda: oof_dense(data, pooled(data, False), 30.0))
    desc = description_rows(data, embedder)
    emb_desc = cached(args.work, "emb_lang_desc_C30", lambda: oof_dense(data, pooled(data), 30.0, desc))
    sent = cached(args.work, "sent_top3_C1", lambda: oof_sentences(data, 1.0, 3))
    print(
        "| variant | coarse/fine | lang mean | lang mean (non-Other) | fold sd | EN fine non-Other | decoding | per language c/f (fine non-Other; bearing P/R) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    results = {}

    def run(name, heads, weights, two_stage=None):  # type: ignore[no-untyped-def]
        pc = sum(w * h["c"] for w, h in zip(weights, heads, strict=True))
        pf = sum(w * h["f"] for w, h in zip(weights, heads, strict=True))
        if two_stage is None:
            tc, tf = tune(data, pc, pf)
            r = report(data, decode(data, pc, pf, tc, tf))
            extra = f"global {tc}/{tf}"
        else:
            use_other = two_stage
            pb = np.zeros(len(data.docs))
            raw = sum(w * h["b"][:, 0] for w, h in zip(weights, heads, strict=True))
            for tr, te in data.folds:
                rates = train_other_rate(data, tr)
                for i in te:
                    pb[i] = shift(
                        raw[i], rates[data.langs[i]], rates[data.langs[i]] if use_other < 0 else use_other
                    )
            tc, tf = tune(data, pc, pf, pb)
            r = report(data, decode(data, pc, pf, tc, tf, pb))
            extra = f"two-stage P(Other)={'train' if use_other < 0 else use_other} {tc}/{tf}"
        results[name] = r
        print(line(name, r, extra), flush=True)

    run("lex + emb(lang) 0.5 [issue-9 config]", [lex, emb], [0.5, 0.5])
    run("lex + emb(lang) 0.7", [lex, emb], [0.7, 0.3])
    run("lex + emb(no lang) 0.5", [lex, emb_nolang], [0.5, 0.5])
    run("lex + emb(lang, +descriptions) 0.5", [lex, emb_desc], [0.5, 0.5])
    run("lex + emb + sentences", [lex, emb, sent], [0.4, 0.3, 0.3])
    for prior in (-1.0, 0.4, 0.2, 0.1, 0.05):
        run(f"two-stage lex+emb, P(Other)={prior}", [lex, emb], [0.5, 0.5], prior)
    for prior in (0.2, 0.1):
        run(f"two-stage lex+emb+sent, P(Other)={prior}", [lex, emb, sent], [0.4, 0.3, 0.3], prior)
        run(
            f"two-stage lex+emb(no lang)+desc, P(Other)={prior}",
            [lex, emb_nolang, emb_desc],
            [0.5, 0.25, 0.25],
            prior,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
