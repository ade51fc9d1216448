"""Entity roles, round 4 (issue 11): what the sentence says about *this* entity.

The sentence vector of rounds 1-3 is the same for every entity of a sentence. Round 4
gives each mention its own view of the sentence:

- ``mask``: e5 of the sentence with this mention replaced by a placeholder ("X", or
  "someone"), so the vector encodes the predicate around the slot; and the difference
  e5(sentence) - e5(masked);
- ``others``: e5 of the sentence with every *other* gold mention in it replaced by "X",
  so the remaining entity dominates;
- ``clause``: e5 of the words around the mention inside its sentence (5 left, 5 right);
- the nearest-mention memory over the new vectors.

Same data, folds, estimator (LR C = 10) and scoring as ``roles_round2.py``; every row is
printed under three decision rules (main first, the shipped joint rule λ = 1, each with
and without the shipped memory). Embeddings go to the ``--cache`` sqlite (content-keyed).

    nice -n 10 python benchmarks/roles_round4.py --cache /work/cache/roles.sqlite --embed-only
    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/roles_round4.py --cache /work/cache/roles.sqlite \
        --work /work/roles-r4-work
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from roles_round2 import LANGS, fit_proba, print_row, score

from narrascope.eval.roles import MentionLine, read_role_training
from narrascope.languages import one_hot
from narrascope.models.roles import RoleClassifier, RoleConfig
from narrascope.models.training_roles import SEED, mention_texts
from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text
from narrascope.nlp.segment import containing_sentence, split_sentences
from narrascope.taxonomy.roles import entity_roles

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "semeval2025-task10" / "train"


def sentence_bounds(
    mentions: Sequence[MentionLine], texts: dict[str, str], spans: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The (start, end) of each mention's sentence (the mention itself when none contains it)."""
    cache: dict[str, list] = {}
    out = []
    for m, (s, e) in zip(mentions, spans, strict=True):
        sents = cache.setdefault(m.article_id, split_sentences(texts[m.article_id]))
        sent = containing_sentence(sents, s)
        out.append((sent.start, max(sent.end, e)) if sent else (s, e))
    return out


def replaced(text: str, a: int, b: int, holes: Sequence[tuple[int, int]], fill: str) -> str:
    """``text[a:b]`` with each (non-overlapping) hole replaced by ``fill``."""
    parts, pos = [], a
    for s, e in sorted(holes):
        if s < pos:
            continue
        parts += [text[pos:s], fill]
        pos = e
    parts.append(text[pos:b])
    return embedding_text("".join(parts))


def masked_sentences(texts, mentions, spans, bounds, fill: str) -> list[str]:
    """The sentence with this mention replaced by ``fill``."""
    return [
        replaced(texts[m.article_id], a, b, [span], fill)
        for m, span, (a, b) in zip(mentions, spans, bounds, strict=True)
    ]


def others_masked(texts, mentions, spans, bounds, fill: str = "X") -> list[str]:
    """The sentence with every other gold mention inside it (not overlapping this one) replaced."""
    by_article: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m, span in zip(mentions, spans, strict=True):
        by_article[m.article_id].append(span)
    out = []
    for m, (s, e), (a, b) in zip(mentions, spans, bounds, strict=True):
        holes = {
            (os_, oe)
            for os_, oe in by_article[m.article_id]
            if a <= os_ and oe <= b and (oe <= s or os_ >= e)
        }
        out.append(replaced(texts[m.article_id], a, b, sorted(holes), fill))
    return out


def clause_windows(texts, mentions, spans, bounds, n: int = 5) -> list[str]:
    """``n`` words left and right of the mention, not crossing its sentence."""
    out = []
    for m, (s, e), (a, b) in zip(mentions, spans, bounds, strict=True):
        t = texts[m.article_id]
        left = t[a:s].split()[-n:] if s > a else []
        right = t[e:b].split()[:n] if b > e else []
        out.append(embedding_text(" ".join([*left, t[s:e], *right])))
    return out


def embed_all(embedder: Embedder, items: Sequence[str], label: str, chunk: int = 400) -> np.ndarray:
    """Vectors of ``items`` (in order), computing the missing ones chunk by chunk so the
    cache fills progressively (a stopped run loses at most one chunk)."""
    unique = list(dict.fromkeys(t for t in items if t))
    t0, before = time.time(), embedder.computed
    vecs = []
    for i in range(0, len(unique), chunk):
        vecs.append(embedder.embed(unique[i : i + chunk]))
        done = embedder.computed - before
        if done:
            rate = done / max(1e-9, time.time() - t0)
            print(
                f"  {label}: {min(i + chunk, len(unique))}/{len(unique)} ({done} computed, {rate:.1f}/s)",
                flush=True,
            )
    V = np.vstack(vecs) if vecs else np.zeros((0, 384), dtype=np.float32)
    row = {t: j for j, t in enumerate(unique)}
    out = np.zeros((len(items), 384), dtype=np.float32)
    for j, t in enumerate(items):
        if t:
            out[j] = V[row[t]]
    print(
        f"{label}: {len(unique)} unique texts, {embedder.computed - before} computed in {time.time() - t0:.0f}s",
        flush=True,
    )
    return out


def knn_proba(
    sims: list[np.ndarray],
    Y: np.ndarray,
    lang_arr: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    k: int = 5,
    tau: float = 0.05,
) -> np.ndarray:
    """Out-of-fold fine-role distribution of the k nearest training mentions (same
    language); similarity = sum of the cosines of the given unit-vector blocks."""
    P = np.zeros_like(Y)
    for train, test in folds:
        sim = sum(B[test] @ B[train].T for B in sims)
        sim = np.where(lang_arr[test][:, None] == lang_arr[train][None, :], sim, -9.0)
        top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
        ts = np.take_along_axis(sim, top, axis=1)
        w = np.exp((ts - ts.max(axis=1, keepdims=True)) / tau)
        w /= w.sum(axis=1, keepdims=True)
        P[test] = np.einsum("nk,nkc->nc", w, Y[train][top])
    return P


def joint_fine(P: np.ndarray, members: list[list[int]], weight: float = 1.0) -> np.ndarray:
    """The fine role the joint rule picks per row (vectorised ``RoleClassifier.decode``)."""
    score = np.stack(
        [
            weight * np.log(P[:, idx].sum(axis=1) + 1e-12) + np.log(P[:, idx].max(axis=1) + 1e-12)
            for idx in members
        ],
        axis=1,
    )
    main = score.argmax(axis=1)
    out = np.zeros(len(P), dtype=int)
    for m, idx in enumerate(members):
        rows = main == m
        out[rows] = np.asarray(idx)[P[rows][:, idx].argmax(axis=1)]
    return out


def lang_mean_emr(P: np.ndarray, Y: np.ndarray, rows: np.ndarray, lang_arr: np.ndarray, members) -> float:
    """Language-mean exact-match ratio of the joint rule on ``rows`` (one predicted role:
    exact iff the gold set is that single role)."""
    hit = Y[rows, joint_fine(P[rows], members)] > 0.999
    langs = lang_arr[rows]
    return float(np.mean([hit[langs == lg].mean() for lg in LANGS if (langs == lg).any()]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--embed-only", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated variant names")
    ap.add_argument(
        "--paired",
        default="",
        help="comma-separated stored variants: per-fold differences to the shipped form",
    )
    args = ap.parse_args()

    mentions, texts, langs = read_role_training(args.data)
    sentences, strings, spans = mention_texts(mentions, texts)
    bounds = sentence_bounds(mentions, texts, spans)
    lang_list = [langs[m.article_id] for m in mentions]
    embedder = Embedder(cache=EmbeddingCache(args.cache))
    forms: dict[str, list[str]] = {
        "sentence": sentences,
        "mention": strings,
        "mask_x": masked_sentences(texts, mentions, spans, bounds, "X"),
        "clause": clause_windows(texts, mentions, spans, bounds),
        "others": others_masked(texts, mentions, spans, bounds),
        "mask_someone": masked_sentences(texts, mentions, spans, bounds, "someone"),
    }
    differs = sum(o != s for o, s in zip(forms["others"], sentences, strict=True))
    print(f"{len(mentions)} mentions; {differs} have other gold mentions in their sentence", flush=True)
    if args.embed_only:
        for name, items in forms.items():
            embed_all(embedder, items, name)
        return
    assert args.work is not None
    args.work.mkdir(parents=True, exist_ok=True)
    # one process: each form is embedded just before the variants that need it, so the
    # first rows print while later forms are still being embedded
    V: dict[str, np.ndarray] = {}

    def vectors(name: str) -> np.ndarray:
        if name not in V:
            V[name] = embed_all(embedder, forms[name], name)
        return V[name]

    if args.paired:
        paired(args, mentions, texts, langs, lang_list, vectors)
    else:
        run(args, mentions, texts, langs, lang_list, vectors)


def paired(args, mentions, texts, langs, lang_list, get: Callable[[str], np.ndarray]) -> None:
    """Per outer fold, lang-mean EMR and English main accuracy of each stored variant (its
    regression + the shipped memory, joint λ = 1) minus the shipped form (base + memory)."""
    groups = [hashlib.sha256(texts[m.article_id].encode()).hexdigest() for m in mentions]
    folds = list(
        GroupKFold(n_splits=5, shuffle=True, random_state=SEED).split(np.zeros(len(mentions)), groups=groups)
    )
    clf = RoleClassifier(entity_roles(), RoleConfig(main_weight=1.0))
    labels = clf.fine_labels
    Y = np.zeros((len(mentions), len(labels)))
    for i, m in enumerate(mentions):
        for r in m.fine_roles:
            Y[i, labels.index(r)] += 1 / len(m.fine_roles)
    lang_arr = np.array(lang_list)
    members = [[labels.index(f) for f in clf.roles.fine_of(m)] for m in clf.main_labels]
    parent = np.zeros(len(labels), dtype=int)
    for j, idx in enumerate(members):
        parent[idx] = j
    gold_main = np.array([clf.main_labels.index(m.main_role) for m in mentions])
    mem = knn_proba([get("sentence"), get("mention")], Y, lang_arr, folds)

    def per_fold(P: np.ndarray) -> tuple[list[float], list[float]]:
        emr, en = [], []
        for _, test in folds:
            emr.append(lang_mean_emr(P, Y, test, lang_arr, members))
            t = test[lang_arr[test] == "EN"]
            en.append(float((parent[joint_fine(P[t], members)] == gold_main[t]).mean()))
        return emr, en

    ref = per_fold(0.8 * np.load(args.work / "oof_base.npy") + 0.2 * mem)
    print("shipped form per fold: lang-mean EMR", " ".join(f"{v:.3f}" for v in ref[0]))
    print("                       EN main      ", " ".join(f"{v:.3f}" for v in ref[1]))
    for name in args.paired.split(","):
        emr, en = per_fold(0.8 * np.load(args.work / f"oof_{name}.npy") + 0.2 * mem)
        d = np.array(emr) - ref[0]
        e = np.array(en) - ref[1]
        print(
            f"| {name} | "
            + " | ".join(f"{v:+.3f}" for v in d)
            + f" | {d.mean():+.3f} | "
            + " ".join(f"{v:+.3f}" for v in e)
            + f" ({e.mean():+.3f}) |"
        )


def run(args, mentions, texts, langs, lang_list, get: Callable[[str], np.ndarray]) -> None:
    only = {v for v in args.only.split(",") if v}
    groups = [hashlib.sha256(texts[m.article_id].encode()).hexdigest() for m in mentions]
    folds = list(
        GroupKFold(n_splits=5, shuffle=True, random_state=SEED).split(np.zeros(len(mentions)), groups=groups)
    )
    S, M, L = get("sentence"), get("mention"), one_hot(lang_list)
    clf_mf = RoleClassifier(entity_roles(), RoleConfig(main_weight=None))
    clf_j = RoleClassifier(entity_roles(), RoleConfig(main_weight=1.0))
    labels = clf_j.fine_labels
    Y = np.zeros((len(mentions), len(labels)))
    for i, m in enumerate(mentions):
        for r in m.fine_roles:
            Y[i, labels.index(r)] += 1 / len(m.fine_roles)
    lang_arr = np.array(lang_list)
    mem_base = knn_proba([S, M], Y, lang_arr, folds)

    print(
        "| variant | EMR | micro F1 | main | lang-mean EMR | lang-mean main | "
        + " | ".join(f"{lg} EMR / main" for lg in LANGS)
        + " | fold sd | lang-mean fold sd | s |"
    )
    print("|" + "---|" * (9 + len(LANGS)))
    oof: dict[str, np.ndarray] = {}

    def cv(name: str, X: np.ndarray) -> np.ndarray:
        stored = args.work / f"oof_{name}.npy"
        if stored.exists():
            return np.load(stored)
        P = np.zeros((len(mentions), len(labels)))
        t = time.time()
        for train, test in folds:
            P[test] = fit_proba(X[train], [mentions[i].fine_roles for i in train], X[test], labels)
        np.save(stored, P)
        print(f"  ({name}: 5 folds in {time.time() - t:.0f}s)", flush=True)
        return P

    def report(name: str, P: np.ndarray, mems: dict[str, np.ndarray]) -> None:
        oof[name] = P
        print_row(score(f"{name}, main first", P, mentions, folds, langs, clf_mf, 0))
        print_row(score(f"{name}, joint λ = 1", P, mentions, folds, langs, clf_j, 0))
        for mname, Pk in mems.items():
            Q = 0.8 * P + 0.2 * Pk
            oof[f"{name}+{mname}"] = Q
            print_row(
                score(f"{name} + memory({mname}) 0.2, joint λ = 1", Q, mentions, folds, langs, clf_j, 0)
            )

    def variant(name: str, blocks: Callable[[], list[np.ndarray]], mems: Callable[[], dict[str, np.ndarray]]):
        if only and name not in only and name != "base":
            return
        X = np.hstack([*blocks(), L]).astype(np.float32)
        report(name, cv(name, X), {"S+M": mem_base, **mems()})

    variant("base", lambda: [S, M], dict)
    variant(
        "mask_x",
        lambda: [S, M, get("mask_x")],
        lambda: {
            "X+M": knn_proba([get("mask_x"), M], Y, lang_arr, folds),
            "S+X+M": knn_proba([S, get("mask_x"), M], Y, lang_arr, folds),
        },
    )
    variant("mask_x_only", lambda: [get("mask_x"), M], dict)
    variant("mask_x_diff", lambda: [S, M, S - get("mask_x")], dict)
    variant(
        "clause",
        lambda: [S, M, get("clause")],
        lambda: {
            "C+M": knn_proba([get("clause"), M], Y, lang_arr, folds),
            "S+C+M": knn_proba([S, get("clause"), M], Y, lang_arr, folds),
        },
    )
    variant("clause_only", lambda: [get("clause"), M], dict)
    # the scale of the difference block is a knob (with L2, it sets how strongly the model
    # is pushed to use the contrast S - X rather than S and X separately): chosen per outer
    # fold on the inner out-of-fold predictions of the four training folds, memory included
    members = [[labels.index(f) for f in clf_j.roles.fine_of(m)] for m in clf_j.main_labels]

    def nested(name: str, blocks: Callable[[float], list[np.ndarray]], scales: Sequence[float]) -> None:
        if only and name not in only:
            return
        t0 = time.time()
        outer = {}
        chosen = []
        Q = np.zeros((len(mentions), len(labels)))
        for sc in scales:
            outer[sc] = cv(f"{name}_{sc:g}", np.hstack([*blocks(sc), L]).astype(np.float32))
            report(f"{name} × {sc:g} (fixed)", outer[sc], {})
            row = score(
                f"{name} × {sc:g} (fixed) + memory(S+M) 0.2, joint λ = 1",
                0.8 * outer[sc] + 0.2 * mem_base,
                mentions,
                folds,
                langs,
                clf_j,
                0,
            )
            print_row(row)
        for k, (train, test) in enumerate(folds):
            inner = [(np.setdiff1d(train, f_te), f_te) for j, (_, f_te) in enumerate(folds) if j != k]
            inner_mem = knn_proba([S, M], Y, lang_arr, inner)
            best, best_sc = -1.0, scales[0]
            for sc in scales:
                stored = args.work / f"inner_{name}_{sc:g}_{k}.npy"
                if stored.exists():
                    Pi = np.load(stored)
                else:
                    X = np.hstack([*blocks(sc), L]).astype(np.float32)
                    Pi = np.zeros((len(mentions), len(labels)))
                    for tr, te in inner:
                        Pi[te] = fit_proba(X[tr], [mentions[i].fine_roles for i in tr], X[te], labels)
                    np.save(stored, Pi)
                v = lang_mean_emr(0.8 * Pi + 0.2 * inner_mem, Y, train, lang_arr, members)
                print(f"  fold {k}: scale {sc:g} inner lang-mean EMR {v:.4f}", flush=True)
                if v > best:
                    best, best_sc = v, sc
            chosen.append(best_sc)
            Q[test] = outer[best_sc][test]
        print(f"  {name}: scales chosen per fold {chosen} ({time.time() - t0:.0f}s)", flush=True)
        report(f"{name}, scale tuned inner", Q, {})
        print_row(
            score(
                f"{name}, scale tuned inner + memory(S+M) 0.2, joint λ = 1",
                0.8 * Q + 0.2 * mem_base,
                mentions,
                folds,
                langs,
                clf_j,
                0,
            )
        )
        oof[f"{name}_nested+S+M"] = 0.8 * Q + 0.2 * mem_base

    nested("diff_scale", lambda sc: [S, M, sc * (S - get("mask_x"))], (1.0, 2.0, 4.0))
    variant(
        "others",
        lambda: [S, M, get("others")],
        lambda: {"O+M": knn_proba([get("others"), M], Y, lang_arr, folds)},
    )
    variant("others_only", lambda: [get("others"), M], dict)

    variant("others_diff", lambda: [S, M, S - get("others")], dict)
    variant("both_diff", lambda: [S, M, S - get("mask_x"), S - get("others")], dict)
    variant("diff_clause", lambda: [S, M, S - get("mask_x"), get("clause")], dict)
    variant("mask_someone", lambda: [S, M, get("mask_someone")], dict)
    variant("someone_diff", lambda: [S, M, S - get("mask_someone")], dict)
    np.savez_compressed(args.work / "oof_r4.npz", **oof)


if __name__ == "__main__":
    main()
