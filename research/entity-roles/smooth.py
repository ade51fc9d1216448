import sys, numpy as np, re
sys.path.insert(0, "/work/roles-research")
from data import load, taxonomy, LANGS
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
ms = load(); tax = taxonomy(); FINES = tuple(tax); FI = {f:i for i,f in enumerate(FINES)}
S = np.load("/work/roles-research/feats/sent.npy"); M = np.load("/work/roles-research/feats/mention.npy")
L = np.zeros((len(ms),5)); 
for i,m in enumerate(ms): L[i, LANGS.index(m.lang)] = 1
X = np.hstack([S, M, L])
groups = np.array([m.group for m in ms])
P = np.zeros((len(ms), len(FINES)))
for tr, te in GroupKFold(5, shuffle=True, random_state=0).split(X, groups=groups):
    rows = [i for i in tr for _ in ms[i].fine]; y = [FI[f] for i in tr for f in ms[i].fine]
    w = [1/len(ms[i].fine) for i in tr for _ in ms[i].fine]
    clf = LogisticRegression(C=10, max_iter=3000).fit(X[rows], y, sample_weight=w)
    p = np.zeros((len(te), len(FINES))); p[:, clf.classes_] = clf.predict_proba(X[te]); P[te] = p
mains = sorted(set(tax.values()))
def norm(s): return re.sub(r"\W+", " ", s.lower()).strip()
key = [(m.lang, m.article, norm(m.mention)) for m in ms]
from collections import defaultdict
grp = defaultdict(list)
for i,k in enumerate(key): grp[k].append(i)
def score(Pm):
    em = mc = 0
    for i,m in enumerate(ms):
        sums = {mm: sum(Pm[i, FI[f]] for f in FINES if tax[f]==mm) for mm in mains}
        main = max(sums, key=sums.get)
        fine = max([f for f in FINES if tax[f]==main], key=lambda f: Pm[i,FI[f]])
        em += {fine} == set(m.fine); mc += main == m.main
    return em/len(ms), mc/len(ms)
for a in (0, 0.3, 0.5, 0.7, 1.0):
    Q = P.copy()
    for k, idx in grp.items():
        mean = P[idx].mean(0)
        for i in idx: Q[i] = (1-a)*P[i] + a*mean
    print("alpha", a, "EMR %.3f main %.3f" % score(Q))
print("multi-mention share", np.mean([len(grp[k])>1 for k in key]))
