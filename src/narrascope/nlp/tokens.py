"""The one word tokeniser of narrascope, aware of combining marks (Devanagari and others).

Python's ``\\w`` leaves out combining marks (category M: Devanagari vowel signs and
virama, Cyrillic or Latin combining accents), so a plain ``\\w+`` cuts ``प्रधानमंत्री``
into several pieces. Every stage that needs words (lexical features, mention
detection, sourcing rules, the technique tagger) takes them from here, so a word
is the same thing everywhere:

* a *word* is a run of letters, digits and combining marks (plus the zero-width
  joiners Indic scripts use inside words) that starts with a letter or digit, with
  inner apostrophes and hyphens kept (``Hay'at``, ``al-Sham``, ``don't``,
  ``северо-запад``). Variation selectors (U+FE00–U+FE0F) are marks too, but they pick
  the glyph of the symbol before them (``▪️``), so they never belong to a word: else
  ``▪️Русия`` would hide the capital of ``Русия`` and its word edge;
* a *token* is a word or any other single non-space character (punctuation).

Stages that match their own strings (cue lexicons, gazetteers) put them between
:func:`whole_word` edges, so a cue starts and ends where a word does by the same
definition.

Offsets are code-point offsets into the text, end-exclusive.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_JOINERS = "\u200c\u200d"
_INNER = "-'’"
_VARIATION_SELECTORS = range(0xFE00, 0xFE10)


@lru_cache(maxsize=1)
def _mark_ranges() -> str:
    """Every combining mark of the Basic Multilingual Plane as a regex class body."""
    parts: list[str] = []
    start: int | None = None
    for cp in range(0x10000):
        is_mark = unicodedata.category(chr(cp))[0] == "M" and cp not in _VARIATION_SELECTORS
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            parts.append(f"{chr(start)}-{chr(cp - 1)}" if cp - 1 > start else chr(start))
            start = None
    return "".join(parts)


@lru_cache(maxsize=1)
def word_char_class() -> str:
    """A regex character class matching one word character (letter, digit, mark, joiner)."""
    return f"[^\\W_]|[{_mark_ranges()}{_JOINERS}]"


@lru_cache(maxsize=1)
def _word_pattern() -> re.Pattern[str]:
    # A mark or joiner continues a word but never starts one (after an emoji, a dash...).
    char = f"(?:{word_char_class()})"
    return re.compile(f"[^\\W_]{char}*(?:[{_INNER}][^\\W_]{char}*)*")


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern[str]:
    return re.compile(f"{_word_pattern().pattern}|\\S")


def word_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every word of ``text``."""
    return [m.span() for m in _word_pattern().finditer(text)]


def words(text: str) -> list[str]:
    """The words of ``text``, as written."""
    return _word_pattern().findall(text)


def token_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every token: words and single punctuation characters."""
    return [m.span() for m in _token_pattern().finditer(text)]


def is_word(token: str) -> bool:
    """True when ``token`` is a whole word by this tokeniser's definition."""
    return _word_pattern().fullmatch(token) is not None


def word_pattern() -> re.Pattern[str]:
    """The compiled word regex, for callers that need ``finditer`` or bounded matching."""
    return _word_pattern()


@lru_cache(maxsize=2)
def _edges(parts: bool) -> tuple[str, str]:
    char = f"(?:{word_char_class()})"
    if parts:
        return f"(?<!{char})", f"(?!{char})"
    return f"(?<!{char})(?<!{char}[{_INNER}])", f"(?!{char})(?![{_INNER}]{char})"


def whole_word(body: str, *, parts: bool = False) -> str:
    """Regex source matching ``body`` only where it starts and ends on a word edge.

    With ``parts`` the pieces of a hyphen or apostrophe compound count as words too,
    so a gazetteer finds ``Russia`` in ``Russia-Ukraine``; without it a cue must cover
    the whole compound (``секретарь`` is not found in ``пресс-секретарь``).
    """
    before, after = _edges(parts)
    return f"{before}(?:{body}){after}"


@lru_cache(maxsize=1)
def word_rest() -> str:
    """Regex source for the rest of a word after its first letters (the ending of a stem cue)."""
    char = f"(?:{word_char_class()})"
    return f"{char}*(?:[{_INNER}]{char}+)*"
