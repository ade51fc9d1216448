"""Sentence splitting and chunking with exact code-point offsets.

Every span returned here indexes the text exactly as it was read, end-exclusive,
so evidence quoted from a sentence can be located in the original article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

# A sentence ends at terminal punctuation (Latin, Cyrillic and Devanagari danda)
# followed by whitespace, or at a line break. Deliberately simple and
# language-agnostic: news prose rarely needs more, and it is fast.
_SENTENCE_END = re.compile(r"(?<=[.!?।…])(?P<close>[\"'»”’)\]]*)\s+|\s*\n\s*")
# Scraped news often loses the space after a full stop ("штурмовиков.Подразделения",
# "(ДНР).Подразделения"): a word of two letters or more, optional closers, terminal
# punctuation, then a capitalised word of the same script ends a sentence too. The same
# script keeps domains such as "Газета.Ru" whole; a capital right after the stop followed
# by another capital or a stop ("U.S.", "J.K.") is an abbreviation, not a sentence start.
_GLUED_END = re.compile(r"(?<=[^\W\d_]{2})(?P<close>[\"'»”’)\]]?)[.!?](?=[^\W\d_][^\W\d_])")
# A full stop after one of these words is part of an abbreviation that precedes a name
# ("Gen. Gerasimov", "Dr. Silva", "ген. Герасимов", "डॉ. शर्मा"), never a sentence end.
TITLES = frozenset(
    "Gen Lt Col Maj Capt Cpt Sgt Adm Brig Cmdr Gov Sen Rep Rev Dr Mr Mrs Ms Prof St Mt Ft Jr Sr Sra Dra Eng "  # noqa: SIM905
    "ген акад проф им ул пр бул гр тов г-н г-жа डॉ".split()
)
# After an upper-case dotted acronym ("U.S.", "U.N.") a sentence continues unless the
# next word is a usual English sentence opener ("... sanctioned by the U.S. The ...").
_OPENERS = frozenset(
    "The A An It He She They We I In On At As But And Or So Yet This That These Those There "  # noqa: SIM905
    "Its His Her Their If When While However Meanwhile After Before Since Still".split()
)
_LAST_TOKEN = re.compile(r"[^\s\"'«“„‘(\[]+$")
_DOTTED_ACRONYM = re.compile(r"(?:[^\W\d_]\.){2,}$")
_MIN_SENTENCE_CHARS = 2
MAX_PIECE_CHARS = 20_000
"""Statistical taggers (spaCy, natasha, the technique CRF) see at most this many characters
at a time: their memory grows with the length of what they are given (spaCy also refuses
texts over 1M characters). Almost every article fits in one piece; longer texts are cut
at line or sentence ends, so time and memory stay linear in the length."""


@dataclass(frozen=True, slots=True)
class Span:
    """A slice ``text[start:end]`` of the article."""

    start: int
    end: int
    text: str


_BOM = "\ufeff"


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentences, stripping surrounding whitespace."""
    spans: list[Span] = []
    pos = 0
    for end, next_start in _boundaries(text):
        if end < pos:
            continue
        _append_stripped(text, pos, end, spans)
        pos = next_start
    _append_stripped(text, pos, len(text), spans)
    return spans


def _boundaries(text: str) -> list[tuple[int, int]]:
    """``(end of a sentence, start of the next)`` pairs, in text order."""
    found: list[tuple[int, int]] = []
    for match in _SENTENCE_END.finditer(text):
        close = match.group("close")
        if close is not None and "\n" not in match.group() and not close and _abbreviation(text, match):
            continue
        found.append((match.start() + len(close or ""), match.end()))
    for match in _GLUED_END.finditer(text):
        if _glued_sentence_start(text, match):
            found.append((match.end(), match.end()))
    return sorted(found)


def _glued_sentence_start(text: str, match: re.Match[str]) -> bool:
    """A capitalised word glued to the previous sentence, not a domain, URL or handle."""
    after = match.end()
    if not (text[after].isupper() and text[after + 1].islower()):
        return False
    if not _same_script(text[match.start() - 1], text[after]):
        return False
    left = text.rfind(" ", 0, match.start()) + 1
    right = text.find(" ", after)
    token = text[left : len(text) if right == -1 else right]
    if any(mark in token for mark in ("/", "@", "www", "http")):
        return False
    word = re.match(r"[^\W\d_]+", text[after : after + 20])
    return word is None or word.group().lower() not in _DOMAINS


# Top-level domains and outlet suffixes written capitalised ("Pravda.Ru", "Нового.Медиа").
_DOMAINS = frozenset("ru ua su com net org info news media bg pt br in uk ру рф медиа инфо ком".split())  # noqa: SIM905


def _abbreviation(text: str, match: re.Match[str]) -> bool:
    """Whether the full stop before ``match`` closes an abbreviation, not a sentence."""
    stop = match.start()
    if text[stop - 1] != ".":
        return False
    following = text[match.end() : match.end() + 40].split(maxsplit=1)
    after = following[0] if following else ""
    if after[:1].islower():
        return True  # "approx. two", "т. е. это", "в 2022 г. в Москве"
    last = _LAST_TOKEN.search(text, max(0, stop - 40), stop)
    token = last.group() if last else ""
    word = token[:-1]
    if word in TITLES or (len(word) == 1 and word.isupper()):
        return True  # "Gen. Gerasimov", an initial: "John F. Kennedy", "В. Путин"
    if _DOTTED_ACRONYM.search(token) and token.isupper():
        return after.strip("\"'«“„‘(") not in _OPENERS
    return False


def _same_script(left: str, right: str) -> bool:
    """Both letters Latin, or both of another script (Cyrillic, Devanagari...)."""
    return left.isascii() == right.isascii()


def _append_stripped(text: str, start: int, end: int, out: list[Span]) -> None:
    piece = text[start:end]
    # A byte-order mark opening the file is not part of its first sentence (quoted, it
    # would show as an invisible character inside the quotation marks).
    stripped = piece.strip().lstrip(_BOM).strip()
    if len(stripped) < _MIN_SENTENCE_CHARS:
        return
    lead = len(piece) - len(piece.lstrip().lstrip(_BOM).lstrip())
    begin = start + lead
    out.append(Span(begin, begin + len(stripped), stripped))


def chunk_sentences(sentences: list[Span], max_words: int = 60) -> list[Span]:
    """Pack consecutive sentences into chunks of at most ``max_words`` words.

    A single sentence longer than ``max_words`` becomes its own chunk (the
    embedder truncates internally), so no text is dropped.
    """
    chunks: list[Span] = []
    group: list[Span] = []
    words = 0
    for sentence in sentences:
        n = len(sentence.text.split())
        if group and words + n > max_words:
            chunks.append(_merge(group))
            group, words = [], 0
        group.append(sentence)
        words += n
    if group:
        chunks.append(_merge(group))
    return chunks


def _merge(group: list[Span]) -> Span:
    return Span(group[0].start, group[-1].end, " ".join(s.text for s in group))


def containing_sentence(sentences: Sequence[Span], offset: int) -> Span | None:
    """The sentence holding ``offset``; in a gap between sentences, the one before it."""
    if not sentences:
        return None
    starts = [s.start for s in sentences]
    index = max(0, bisect_right(starts, offset) - 1)
    return sentences[index]


def window_sentences(sentences: Sequence[Span], max_words: int) -> list[int]:
    """Indices of the leading sentences that fit in ``max_words`` words (at least the first one).

    The narrative model reads an article through this window: its first few hundred words
    carry the headline, the lead and most of the framing, and the cap bounds the cost of
    very long articles.
    """
    chosen: list[int] = []
    total = 0
    for index, sentence in enumerate(sentences):
        n = len(sentence.text.split())
        if chosen and total + n > max_words:
            break
        chosen.append(index)
        total += n
    return chosen


def sentence_index(sentences: Sequence[Span], offset: int) -> int | None:
    """Index of the sentence holding ``offset`` (in a gap, the one before it); None without sentences."""
    if not sentences:
        return None
    starts = [s.start for s in sentences]
    return max(0, bisect_right(starts, offset) - 1)


def text_pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, str]]:
    """``(offset, piece)`` slices of at most ``limit`` characters, cut after a line break or
    sentence end when there is one, so no entity is split in the middle."""
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            window = text[start:end]
            cut = max(window.rfind("\n"), window.rfind(". "))
            if cut > limit // 2:
                end = start + cut + 1
        pieces.append((start, text[start:end]))
        start = end
    return pieces
