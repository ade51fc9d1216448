"""Context extraction for a mention: character windows, sentences, 60-word chunks."""

from __future__ import annotations

import re
from functools import lru_cache

from narrascope.nlp.segment import Span, chunk_sentences, split_sentences

from data import Mention, article_text

_WS = re.compile(r"\s+")


def norm(s: str) -> str:
    return _WS.sub(" ", s).strip()


def window(m: Mention, width: int, mark: str = "none") -> str:
    """``width`` chars of context in total (half before, half after the mention),
    widened to whole words; the mention is optionally marked.

    mark: none | bracket ("[mention]") | placeholder ("<ENT>")
    """
    t = article_text(m.lang, m.article)
    h = width // 2
    a = max(0, m.start - h)
    b = min(len(t), m.end + h)
    while a > 0 and not t[a - 1].isspace() and a > m.start - h - 20:
        a -= 1
    while b < len(t) and not t[b].isspace() and b < m.end + h + 20:
        b += 1
    left, men, right = t[a : m.start], t[m.start : m.end], t[m.end : b]
    if mark == "bracket":
        men = f"[{men}]"
    elif mark == "placeholder":
        men = "<ENT>"
    return norm(left + men + right)


def left_right(m: Mention, width: int) -> tuple[str, str]:
    t = article_text(m.lang, m.article)
    h = width // 2
    return norm(t[max(0, m.start - h) : m.start]), norm(t[m.end : m.end + h])


@lru_cache(maxsize=None)
def sentences(lang: str, art: str) -> tuple[Span, ...]:
    return tuple(split_sentences(article_text(lang, art)))


@lru_cache(maxsize=None)
def chunks(lang: str, art: str) -> tuple[Span, ...]:
    return tuple(chunk_sentences(list(sentences(lang, art)), 60))


def _index_of(spans: tuple[Span, ...], pos: int) -> int:
    for i, s in enumerate(spans):
        if s.start <= pos < s.end or (i + 1 < len(spans) and pos < spans[i + 1].start):
            return i
    return len(spans) - 1


def sentence_index(m: Mention) -> int:
    return _index_of(sentences(m.lang, m.article), m.start)


def sentence_ctx(m: Mention, before: int = 0, after: int = 0, mark: str = "none") -> str:
    ss = sentences(m.lang, m.article)
    i = sentence_index(m)
    parts = []
    for j in range(max(0, i - before), min(len(ss), i + after + 1)):
        s = ss[j]
        if j == i and mark != "none" and s.start <= m.start and m.end <= s.end:
            t = s.text
            a, b = m.start - s.start, m.end - s.start
            men = f"[{t[a:b]}]" if mark == "bracket" else "<ENT>"
            parts.append(t[:a] + men + t[b:])
        else:
            parts.append(s.text)
    return norm(" ".join(parts))


def chunk_index(m: Mention) -> int:
    return _index_of(chunks(m.lang, m.article), m.start)


def title(m: Mention) -> str:
    ss = sentences(m.lang, m.article)
    return ss[0].text if ss else ""


def sent_sides(m: Mention, limit: int = 120) -> tuple[str, str]:
    """Text of the mention's sentence before / after the mention (at most ``limit``
    chars each, widened to whole words)."""
    ss = sentences(m.lang, m.article)
    s = ss[sentence_index(m)]
    t = article_text(m.lang, m.article)
    a0 = s.start if s.start <= m.start else max(0, m.start - limit)
    b0 = s.end if m.end <= s.end else min(len(t), m.end + limit)
    a = max(a0, m.start - limit)
    while a > a0 and not t[a - 1].isspace():
        a -= 1
    b = min(b0, m.end + limit)
    while b < b0 and not t[b].isspace():
        b += 1
    return norm(t[a : m.start]), norm(t[m.end : b])
