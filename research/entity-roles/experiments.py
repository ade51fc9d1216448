"""Variant definitions; usage: OMP_NUM_THREADS=1 python experiments.py GROUP [GROUP ...]"""

from __future__ import annotations

import sys

from run import run

CH = lambda src, w=1.0, ng=(2, 5), mf=100_000: (src, "char_wb", ng, mf, w)  # noqa: E731
WD = lambda src, w=1.0, ng=(1, 2), mf=50_000: (src, "word", ng, mf, w)  # noqa: E731

SM = [("sent", 1.0), ("mention", 1.0)]

SMLR = [("sent", 1.0), ("mention", 1.0), ("left", 1.0), ("right", 1.0)]

GROUPS: dict[str, list[tuple[str, dict]]] = {
    "base": [
        ("A0 base: win300 char + e5(win300)", dict()),
        ("A1 win300 char only", dict(dense=[])),
        ("A2 e5(win300) only", dict(lex=[])),
    ],
    "lexwin": [
        ("B1 win150 char", dict(lex=[CH("win150")], dense=[])),
        ("B2 win600 char", dict(lex=[CH("win600")], dense=[])),
        ("B3 win300b char (bracket)", dict(lex=[CH("win300b")], dense=[])),
        ("B4 win300p char (placeholder)", dict(lex=[CH("win300p")], dense=[])),
        ("B5 win300 word", dict(lex=[WD("win300")], dense=[])),
        ("B6 sent char", dict(lex=[CH("sent")], dense=[])),
        ("B7 sent1 char", dict(lex=[CH("sent1")], dense=[])),
        ("B8 win300p char + mention char", dict(lex=[CH("win300p"), CH("mention")], dense=[])),
        ("B9 left150+right150+mention char", dict(lex=[CH("left150"), CH("right150"), CH("mention")], dense=[])),
    ],
    "dense": [
        ("D1 e5(chunk)", dict(lex=[], dense=[("chunk", 1.0)])),
        ("D2 e5(sent)", dict(lex=[], dense=[("sent", 1.0)])),
        ("D3 e5(art6)", dict(lex=[], dense=[("art6", 1.0)])),
        ("D4 e5(mention)", dict(lex=[], dense=[("mention", 1.0)])),
        ("D5 e5(sent,mention)", dict(lex=[], dense=[("sent", 1.0), ("mention", 1.0)])),
        ("D6 e5(sent,mention,art6)", dict(lex=[], dense=[("sent", 1.0), ("mention", 1.0), ("art6", 1.0)])),
        ("D7 e5(sent,chunk,mention,art6,title)", dict(lex=[], dense=[("sent", 1.0), ("chunk", 1.0), ("mention", 1.0), ("art6", 1.0), ("title", 1.0)])),
        ("D8 e5(sent,mention,art6) C=100", dict(lex=[], dense=[("sent", 1.0), ("mention", 1.0), ("art6", 1.0)], C_main=100.0, C_fine=100.0)),
        ("D9 e5(sent,mention,art6) C=1", dict(lex=[], dense=[("sent", 1.0), ("mention", 1.0), ("art6", 1.0)], C_main=1.0, C_fine=1.0)),
        ("D10 e5(sent,mention,art6,prod mention*art6)", dict(lex=[], dense=[("sent", 1.0), ("mention", 1.0), ("art6", 1.0), ("prod:mention*art6", 1.0)])),
    ],
    "dense2": [
        ("E1 D5 + lang,domain onehot", dict(lex=[], dense=SM, lang_onehot=True, domain_onehot=True)),
        ("E2 D5 + chunkpool", dict(lex=[], dense=SM + [("chunkpool", 1.0)])),
        ("E3 D5 C=3", dict(lex=[], dense=SM, C_main=3.0, C_fine=3.0)),
        ("E4 D5 C=30", dict(lex=[], dense=SM, C_main=30.0, C_fine=30.0)),
        ("E5 D5 balanced", dict(lex=[], dense=SM, cw_main="balanced", cw_fine="balanced")),
        ("E6 D5 fine global", dict(lex=[], dense=SM, fine_mode="global")),
        ("E7 D5 joint", dict(lex=[], dense=SM, fine_mode="joint")),
        ("E8 D5 per_domain", dict(lex=[], dense=SM, per_domain=True)),
        ("E9 D5 + win300", dict(lex=[], dense=SM + [("win300", 1.0)])),
        ("E10 D5 mlp256", dict(lex=[], dense=SM, model="mlp")),
    ],
    "dense3": [
        ("F1 e5(sent,mention,left,right) joint +lang/dom", dict(lex=[], dense=SMLR, fine_mode="joint", lang_onehot=True, domain_onehot=True)),
        ("F2 e5(sent,mention,left,right) per_main +lang/dom", dict(lex=[], dense=SMLR, lang_onehot=True, domain_onehot=True)),
        ("F3 e5(mention,left,right) joint +lang/dom", dict(lex=[], dense=SMLR[1:], fine_mode="joint", lang_onehot=True, domain_onehot=True)),
        ("F4 e5(sent,mention,left,right,art6) joint +lang/dom", dict(lex=[], dense=SMLR + [("art6", 1.0)], fine_mode="joint", lang_onehot=True, domain_onehot=True)),
        ("F5 F1 C=3", dict(lex=[], dense=SMLR, fine_mode="joint", lang_onehot=True, domain_onehot=True, C_fine=3.0)),
    ],
    "mlp": [
        ("G1 e5(sent,mention,left,right) joint mlp256", dict(lex=[], dense=SMLR, fine_mode="joint", lang_onehot=True, domain_onehot=True, model="mlp")),
    ],
    "mlp2": [
        ("G2 e5(sent,mention,left,right,art6) joint mlp256 a=1e-2", dict(lex=[], dense=SMLR + [("art6", 1.0)], fine_mode="joint", lang_onehot=True, domain_onehot=True, model="mlp", mlp_alpha=1e-2)),
        ("G3 e5(sent,mention,left,right,art6) joint mlp512 a=1e-1", dict(lex=[], dense=SMLR + [("art6", 1.0)], fine_mode="joint", lang_onehot=True, domain_onehot=True, model="mlp", mlp_hidden=512, mlp_alpha=1e-1)),
    ],
    "cheap": [
        ("H1 e5(sent,mention) joint +lang/dom", dict(lex=[], dense=SM, fine_mode="joint", lang_onehot=True, domain_onehot=True)),
        ("H2 e5(chunk,mention) joint +lang/dom", dict(lex=[], dense=[("chunk", 1.0), ("mention", 1.0)], fine_mode="joint", lang_onehot=True, domain_onehot=True)),
        ("H3 e5(sent,mention,art6) joint +lang/dom", dict(lex=[], dense=SM + [("art6", 1.0)], fine_mode="joint", lang_onehot=True, domain_onehot=True)),
    ],
}


def main() -> None:
    for g in sys.argv[1:]:
        for name, over in GROUPS[g]:
            run(name, **over)


if __name__ == "__main__":
    main()
