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
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group("close") or "")
        _append_stripped(text, pos, end, spans)
        pos = match.end()
    _append_stripped(text, pos, len(text), spans)
    return spans


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
