"""Load SemEval 2025 Task 10 subtask-1 mentions with resolved offsets (read-only data)."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path("/work/shared/data/semeval2025-task10")
LANGS = ("BG", "EN", "HI", "PT", "RU")


@dataclass
class Mention:
    lang: str
    article: str
    mention: str
    start: int  # resolved, code-point, end-exclusive below
    end: int
    main: str
    fine: tuple[str, ...]
    domain: str  # URW / CC / UNK
    group: str  # content hash of the article
    fix: str  # how the offset was resolved


@lru_cache(maxsize=None)
def taxonomy() -> dict[str, str]:
    """fine role -> main role (22 roles, file order)."""
    with open(ROOT / "taxonomy/entity_roles.csv", encoding="utf-8") as f:
        return {r["fine_grained_role"].strip(): r["main_role"].strip() for r in csv.DictReader(f)}


@lru_cache(maxsize=None)
def article_text(lang: str, art: str) -> str:
    with open(ROOT / "train" / lang / "raw-documents" / art, encoding="utf-8", newline="") as f:
        return f.read()


def _domain_map(lang: str) -> dict[str, str]:
    out = {}
    p = ROOT / "train" / lang / "subtask-2-annotations.txt"
    for line in p.read_text(encoding="utf-8-sig").splitlines():
        parts = line.rstrip("\r").split("\t")
        if len(parts) < 2:
            continue
        labs = parts[1]
        if "URW:" in labs:
            out[parts[0]] = "URW"
        elif "CC:" in labs:
            out[parts[0]] = "CC"
    return out


def domain_of(lang: str, art: str, dmap: dict[str, str]) -> str:
    if "_CC_" in art:
        return "CC"
    if "_UA_" in art or "URW" in art:
        return "URW"
    return dmap.get(art, "UNK")


def resolve(text: str, mention: str, start: int, end_incl: int) -> tuple[int, int, str]:
    end = end_incl + 1
    if text[start:end] == mention:
        return start, end, "exact"
    nl = text.count("\n", 0, start)
    # newline-corrected (offsets counted CRLF): iterate since correction changes the count
    s = start - nl
    for _ in range(3):
        s2 = start - text.count("\n", 0, max(s, 0))
        if s2 == s:
            break
        s = s2
    if text[s : s + len(mention)] == mention:
        return s, s + len(mention), "crlf"
    occ = [m.start() for m in re.finditer(re.escape(mention), text)]
    if occ:
        best = min(occ, key=lambda o: abs(o - start))
        return best, best + len(mention), "snap"
    return start, end, "unresolved"


@lru_cache(maxsize=None)
def load() -> tuple[Mention, ...]:
    tax = taxonomy()
    out: list[Mention] = []
    for lang in LANGS:
        dmap = _domain_map(lang)
        p = ROOT / "train" / lang / "subtask-1-annotations.txt"
        for line in p.read_text(encoding="utf-8").splitlines():
            line = line.rstrip("\r")
            if not line.strip():
                continue
            parts = line.split("\t")
            art, men, st, en, main = parts[:5]
            fine = tuple(x.strip() for x in parts[5:] if x.strip())
            assert main in ("Protagonist", "Antagonist", "Innocent"), line
            for f in fine:
                assert tax[f] == main, line
            text = article_text(lang, art)
            s, e, how = resolve(text, men, int(st), int(en))
            grp = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
            out.append(Mention(lang, art, men, s, e, main, fine, domain_of(lang, art, dmap), grp, how))
    return tuple(out)


if __name__ == "__main__":
    from collections import Counter

    ms = load()
    print(len(ms))
    print(Counter((m.lang, m.fix) for m in ms))
    print(Counter((m.lang, m.domain) for m in ms))
    print(Counter(m.main for m in ms))
    print(Counter(f for m in ms for f in m.fine).most_common())
    print("articles", len({(m.lang, m.article) for m in ms}), "groups", len({m.group for m in ms}))
