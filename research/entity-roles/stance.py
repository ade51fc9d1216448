import sys, numpy as np, hashlib
sys.path.insert(0, "/work/roles-research")
from data import load, taxonomy, LANGS, article_text, ROOT
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.decomposition import PCA
ms = load(); tax = taxonomy(); FINES = tuple(tax); FI = {f:i for i,f in enumerate(FINES)}
S = np.load("/work/roles-research/feats/sent.npy"); M = np.load("/work/roles-research/feats/mention.npy")
L = np.zeros((len(ms),5))
for i,m in enumerate(ms): L[i, LANGS.index(m.lang)] = 1
# narrative labels for all train articles
docs = {}; labels = {}
for lang in LANGS:
    for line in (ROOT/"train"/lang/"subtask-2-annotations.txt").read_text(encoding="utf-8").splitlines():
        p = line.rstrip("\r").split("\t")
        if len(p) < 2: continue
        key = (lang, p[0]); docs[key] = article_text(lang, p[0]); labels[key] = sorted(set(x.strip() for x in p[1].split(";") if x.strip()))
for m in ms:
    docs.setdefault((m.lang, m.article), article_text(m.lang, m.article))
keys = sorted(docs); kidx = {k:i for i,k in enumerate(keys)}
coarse = sorted({l for v in labels.values() for l in v})
Y = np.array([[l in labels.get(k, []) for l in coarse] for k in keys], dtype=int)
has = np.array([k in labels for k in keys])
groups_doc = np.array([hashlib.sha256(docs[k].encode()).hexdigest()[:16] for k in keys])
groups = np.array([m.group for m in ms])
folds = list(GroupKFold(5, shuffle=True, random_state=0).split(np.arange(len(ms)), groups=groups))
def run(extra_fn, name):
    P = np.zeros((len(ms), len(FINES)))
    for tr, te in folds:
        test_groups = set(groups[te])
        # narrative model trained on docs whose group not in test groups
        dtr = np.array([has[i] and groups_doc[i] not in test_groups for i in range(len(keys))])
        Xe = extra_fn(tr, te, dtr) if extra_fn else None
        Xtr = np.hstack([S[tr], M[tr], L[tr]] + ([Xe[0]] if Xe else []))
        Xte = np.hstack([S[te], M[te], L[te]] + ([Xe[1]] if Xe else []))
        rows = [j for j,i in enumerate(tr) for _ in ms[i].fine]; y = [FI[f] for i in tr for f in ms[i].fine]
        w = [1/len(ms[i].fine) for i in tr for _ in ms[i].fine]
        clf = LogisticRegression(C=10, max_iter=3000).fit(Xtr[rows], y, sample_weight=w)
        p = np.zeros((len(te), len(FINES))); p[:, clf.classes_] = clf.predict_proba(Xte); P[te] = p
    mains = sorted(set(tax.values())); em = mc = 0
    for i,m in enumerate(ms):
        sums = {mm: sum(P[i, FI[f]] for f in FINES if tax[f]==mm) for mm in mains}
        main = max(sums, key=sums.get); fine = max([f for f in FINES if tax[f]==main], key=lambda f: P[i,FI[f]])
        em += {fine} == set(m.fine); mc += main == m.main
    print(name, "EMR %.3f main %.3f" % (em/len(ms), mc/len(ms)), flush=True)
vec = TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=50000, ngram_range=(1,2))
Xdoc = vec.fit_transform([docs[k] for k in keys])
def narr_probs(dtr):
    out = np.zeros((len(keys), len(coarse)))
    for j in range(len(coarse)):
        yj = Y[dtr, j]
        if yj.sum() < 2: continue
        out[:, j] = LogisticRegression(C=10, max_iter=2000, class_weight=None).fit(Xdoc[dtr], yj).predict_proba(Xdoc)[:, 1]
    return out
cache = {}
def stance(tr, te, dtr, inter=0, scale=1.0):
    key = dtr.tobytes()
    if key not in cache: cache[key] = narr_probs(dtr)
    NP = cache[key]
    A = np.array([NP[kidx[(m.lang, m.article)]] for m in ms]) * scale
    feats = [A]
    if inter:
        pca = PCA(inter, random_state=0).fit(M[tr])
        Z = pca.transform(M)
        I = (Z[:, :, None] * A[:, None, :]).reshape(len(ms), -1)
        feats.append(I)
    F = np.hstack(feats)
    return F[tr], F[te]
run(None, "H4")
run(lambda tr, te, d: stance(tr, te, d), "H4+narr")
run(lambda tr, te, d: stance(tr, te, d, inter=8), "H4+narr+int8")
run(lambda tr, te, d: stance(tr, te, d, inter=16), "H4+narr+int16")
run(lambda tr, te, d: stance(tr, te, d, inter=16, scale=2.0), "H4+narr+int16 x2")
