"""Stdlib-only candidate-mention detectors: capitalised-token runs, gazetteer matcher, Hindi heuristics."""
from __future__ import annotations

import re
from collections import Counter

# word characters: letters/digits plus combining marks (Devanagari matras/virama are not \w in `re`)
WCH = r"[\w\u0300-\u036f\u0900-\u0963\u0966-\u097f]"
_W = r"(?:[^\W_]|[\u0300-\u036f\u0900-\u0963\u0966-\u097f])"
TOKEN = re.compile(_W + r"+(?:[-'’]" + _W + r"+)*", re.U)
SENT_BREAK = re.compile(r"[.!?…:;]\s*[\"'«»“”„(\[]*\s*$|\n\s*[-–—•*\"'«»“”„]*\s*$|^\s*[\"'«»“”„\-–—]*\s*$")
CONNECTORS = {
    "PT": {"de", "da", "do", "das", "dos", "e", "del"},
    "EN": {"of", "the", "for", "and", "de"},
    "BG": {"на", "и"},
    "RU": {"и"},
    "HI": set(),
}


def is_cap(tok: str) -> bool:
    return tok[0].isupper()


def tokens(text: str):
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


def lower_stats(texts) -> Counter:
    """Counter of lowercase forms seen *not* capitalised (for the sentence-initial filter). No labels used."""
    c: Counter = Counter()
    for t in texts:
        for _, _, w in tokens(t):
            if not is_cap(w):
                c[w.lower()] += 1
    return c


def _sentence_initial(text: str, start: int) -> bool:
    prefix = text[max(0, start - 6):start]
    return start == 0 or bool(SENT_BREAK.search(prefix)) or "\n" in prefix


def caps_spans(text: str, lang: str, lower: Counter | None = None, min_lower: int = 2):
    """Runs of capitalised tokens (joined by connectors). If `lower` is given, drop one-token runs at a
    sentence start whose lowercase form occurs >= min_lower times uncapitalised in the corpus."""
    conn = CONNECTORS.get(lang, set())
    toks = tokens(text)
    spans = []
    i = 0
    n = len(toks)
    while i < n:
        s, e, w = toks[i]
        if not is_cap(w) or w.isdigit():
            i += 1
            continue
        j = i
        first = i
        while j + 1 < n:
            gap = text[toks[j][1]:toks[j + 1][0]]
            nxt = toks[j + 1][2]
            if gap in (" ", "-") and is_cap(nxt):
                j += 1
                continue
            if (gap == " " and nxt.lower() in conn and j + 2 < n and is_cap(toks[j + 2][2])
                    and text[toks[j + 1][1]:toks[j + 2][0]] == " "):
                j += 2
                continue
            break
        if lower is not None and j == first and _sentence_initial(text, s) and lower.get(w.lower(), 0) >= min_lower:
            i = j + 1
            continue
        spans.append((toks[first][0], toks[j][1]))
        i = j + 1
    return spans


def _stem(m: str) -> str:
    last = m.split()[-1] if m.split() else m
    if len(last) >= 6:
        return m[:-2]
    if len(last) >= 4:
        return m[:-1]
    return m


class Gazetteer:
    """Exact (or stemmed-prefix) string matcher with word boundaries; longest match first."""

    def __init__(self, entries, stem: bool = False, ignore_case: bool = False, min_len: int = 2):
        ents = sorted({e.strip() for e in entries if len(e.strip()) >= min_len}, key=len, reverse=True)
        self.size = len(ents)
        if stem:
            pats = sorted({re.escape(_stem(e)) for e in ents}, key=len, reverse=True)
            body = "(?:" + "|".join(pats) + ")" + WCH + "{0,4}" if pats else r"(?!x)x"
        else:
            body = "(?:" + "|".join(re.escape(e) for e in ents) + ")" if ents else r"(?!x)x"
        self.rx = re.compile("(?<!" + WCH + ")" + body + "(?!" + WCH + ")", re.I if ignore_case else 0)

    def spans(self, text: str):
        return [(m.start(), m.end()) for m in self.rx.finditer(text)]


DEVANAGARI_WORD = re.compile(r"[\u0900-\u0963\u0966-\u097f]+")
HI_POSTPOSITIONS = {"ने", "को", "के", "की", "का", "से", "में", "पर", "द्वारा", "तक"}


def hi_latin_spans(text: str):
    """Latin-script runs in Hindi text (e.g. NATO, BRICS)."""
    return [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z][A-Za-z.&'-]*(?:\s+[A-Z][A-Za-z.&'-]*)*", text)]


def hi_postposition_spans(text: str):
    """The Devanagari word right before a case postposition (nominal heads): a crude, low-precision proxy."""
    toks = tokens(text)
    out = []
    for k in range(1, len(toks)):
        if toks[k][2] in HI_POSTPOSITIONS and toks[k - 1][2] not in HI_POSTPOSITIONS \
                and DEVANAGARI_WORD.fullmatch(toks[k - 1][2]):
            out.append((toks[k - 1][0], toks[k - 1][1]))
    return out


def merge(*span_lists):
    return sorted(set().union(*[set(s) for s in span_lists]))
