import hashlib, math, numpy as np
from collections import defaultdict
from pathlib import Path
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from narrascope.eval.roles import mention_span, read_role_training
from narrascope.models.training_roles import collapse, mention_lexicon
from narrascope.nlp.ner import MentionDetector
from narrascope.nlp.segment import split_sentences, containing_sentence
from narrascope.nlp.ner import entity_key, plausible
DATA = Path("/work/shared/data/semeval2025-task10/train")
mentions, texts, langs = read_role_training(DATA)
all_texts = {str(p): p.read_text(encoding="utf-8", errors="replace") for p in DATA.glob("*/raw-documents/*")}
common = mention_lexicon([], all_texts)["common_lowercase"]
gold = defaultdict(list)
for m in mentions:
    gold[m.article_id].append(mention_span(texts[m.article_id], m)[0])
arts = sorted(gold); groups = [hashlib.sha256(texts[a].encode()).hexdigest() for a in arts]
folds = list(GroupKFold(5, shuffle=True, random_state=0).split(arts, groups=groups))
SRC = ["spacy", "natasha", "caps", "gazetteer", "latin"]; LG = ["bg","en","hi","pt","ru"]
rows = []  # (article index, feats, label, spans)
for tr, te in folds:
    tids = {arts[i] for i in tr}
    entries = sorted({collapse(m.mention) for m in mentions if m.article_id in tids})
    known = {entity_key(e) for e in entries}
    det = MentionDetector(entries, common)
    for i in te:
        a = arts[i]; text = texts[a]; lang = langs[a].lower(); sents = split_sentences(text)
        head = sents[0].end if sents else 0
        cands = [c for c in det.detect(text, lang) if plausible(c.text)]
        grp = defaultdict(list)
        for c in cands: grp[entity_key(c.text) or c.text].append(c)
        for key, cs in grp.items():
            spans = [(c.start, c.end) for c in cs]
            nsent = len({containing_sentence(sents, s).start for s, _ in spans}) if sents else 1
            name = cs[0].text
            f = [math.log1p(len(cs)), key in known, spans[0][0] < head, spans[0][0] / max(1, len(text)),
                 nsent / max(1, len(sents)), len(name.split()) == 1, len(name.split()) >= 3, name.isupper() and len(name) <= 6,
                 *[sum(c.source == s for c in cs) / len(cs) for s in SRC], *[lang == l for l in LG]]
            y = any(s < ge and gs < e for s, e in spans for gs, ge in gold[a])
            rows.append((i, np.array(f, dtype=float), y, spans, len(cs) + 2.0 * (key in known) + 1.0 * (spans[0][0] < head)))
art_of = np.array([r[0] for r in rows]); X = np.stack([r[1] for r in rows]); Y = np.array([r[2] for r in rows])
H = np.array([r[4] for r in rows])
P = np.zeros(len(rows))
for tr, te in folds:
    trm = np.isin(art_of, tr); tem = np.isin(art_of, te)
    clf = LogisticRegression(C=1.0, max_iter=2000).fit(X[trm], Y[trm]); P[tem] = clf.predict_proba(X[tem])[:, 1]
print("pos rate", Y.mean(), "groups/art", len(rows)/len(arts))
def evaluate(score, K, thr=None):
    found = tot = kept = 0
    by_art = defaultdict(list)
    for j, r in enumerate(rows): by_art[r[0]].append(j)
    for i, a in enumerate(arts):
        js = sorted(by_art[i], key=lambda j: -score[j])[:K]
        if thr is not None: js = [j for j in js if score[j] >= thr] or js[:3]
        spans = [s for j in js for s in rows[j][3]]
        kept += len(js)
        found += sum(any(s < ge and gs < e for s, e in spans) for gs, ge in gold[a]); tot += len(gold[a])
    return round(found / tot, 3), round(kept / len(arts), 1)
for K in (6, 8, 12, 16):
    print(K, "heuristic", evaluate(H, K), "learned", evaluate(P, K))
for thr in (0.1, 0.2, 0.3):
    print("thr", thr, evaluate(P, 12, thr))
clf = LogisticRegression(C=1.0, max_iter=2000).fit(X, Y); print(np.round(clf.coef_, 2))
