"""Score the average of saved out-of-fold probabilities of several variants.
usage: python ens.py NAME_PREFIX [NAME_PREFIX ...]  (prefix = first token of the variant name)"""
import sys
import numpy as np
from run import HERE, LANGS, _MS, decode, folds, scores

def evaluate(names, ratio=1.01):
    Pm = np.mean([np.load(HERE / "preds" / f"{n}.npz")["P_main"] for n in names], 0)
    Pf = np.mean([np.load(HERE / "preds" / f"{n}.npz")["P_fine"] for n in names], 0)
    mains, fines = decode(Pm, Pf, ratio)
    n = len(_MS)
    o = scores(np.arange(n), mains, fines)
    pl = {l: scores([i for i in range(n) if _MS[i].lang == l], [mains[i] for i in range(n) if _MS[i].lang == l],
                    [fines[i] for i in range(n) if _MS[i].lang == l]) for l in LANGS}
    fe = [scores(te, [mains[i] for i in te], [fines[i] for i in te])["emr"] for _, te in folds()]
    return o, pl, float(np.std(fe))

if __name__ == "__main__":
    names = sys.argv[1:]
    for r in (0.5, 0.7, 0.9, 1.01):
        o, pl, sd = evaluate(names, r)
        print(f"ens {'+'.join(names)} r={r} EMR={o['emr']:.3f} F1={o['f1']:.3f} P={o['p']:.3f} R={o['r']:.3f} main={o['main']:.3f} "
              f"langmean EMR={np.mean([pl[l]['emr'] for l in LANGS]):.3f} main={np.mean([pl[l]['main'] for l in LANGS]):.3f} sd={sd:.3f} | "
              + " ".join(f"{l}:{pl[l]['emr']:.3f}" for l in LANGS))
