"""Load SemEval-2025 Task 10 subtask-1 gold mentions with offset fixes (read-only; texts stay in memory)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/work/shared/data/semeval2025-task10/train")
LANGS = ["BG", "EN", "HI", "PT", "RU"]


@dataclass
class Mention:
    start: int  # inclusive
    end: int  # exclusive
    text: str
    snapped: str  # how the offset was resolved


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def _resolve(text: str, mention: str, start: int, end_incl: int) -> tuple[int, int, str]:
    n = len(mention)
    if text[start:start + n] == mention:
        return start, start + n, "exact"
    occ = [m.start() for m in re.finditer(re.escape(mention), text)]
    if not occ:
        # fall back to case-insensitive search
        occ = [m.start() for m in re.finditer(re.escape(mention), text, flags=re.I)]
    if occ:
        def dist(o: int) -> int:
            crlf_virtual = o + text.count("\n", 0, o)
            return min(abs(o - start), abs(crlf_virtual - start))
        best = min(occ, key=dist)
        return best, best + n, "snapped"
    return start, end_incl + 1, "raw"


def load(lang: str, annotated_only: bool = True):
    """Return dict doc_id -> (text, [Mention]) ."""
    d = ROOT / lang
    docs = {p.name: read_text(p) for p in sorted((d / "raw-documents").glob("*.txt"))}
    gold: dict[str, list[Mention]] = {}
    with open(d / "subtask-1-annotations.txt", encoding="utf-8", newline="") as f:
        for line in f:
            line = line.rstrip("\r\n").replace("\r", "")
            if not line.strip():
                continue
            parts = line.split("\t")
            aid, mention, s, e = parts[0], parts[1], int(parts[2]), int(parts[3])
            text = docs[aid]
            a, b, how = _resolve(text, mention, s, e)
            gold.setdefault(aid, []).append(Mention(a, b, mention, how))
    if annotated_only:
        return {k: (docs[k], v) for k, v in gold.items()}
    return {k: (docs[k], gold.get(k, [])) for k in docs}


def doc_groups(lang: str) -> dict[str, str]:
    """doc_id -> content hash (for grouped CV)."""
    import hashlib
    d = ROOT / lang / "raw-documents"
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in d.glob("*.txt")}


def recall(gold: dict, pred: dict) -> tuple[int, int]:
    """gold: doc -> (text,[Mention]); pred: doc -> list[(start,end_excl)]. Overlap counts."""
    found = total = 0
    for doc, (_, ms) in gold.items():
        spans = pred.get(doc, [])
        for m in ms:
            total += 1
            if any(s < m.end and m.start < e for s, e in spans):
                found += 1
    return found, total


if __name__ == "__main__":
    from collections import Counter
    for L in LANGS:
        g = load(L)
        c = Counter(m.snapped for _, ms in g.values() for m in ms)
        print(L, len(g), "docs", sum(c.values()), "mentions", dict(c))
