"""Where inside a segment a technique is: the words that drive the lexical head (issue 15).

The segment model (``models/segments.py``) says *that* a sentence uses a technique; its
lexical head is linear over word 1-2 gram and character 2-5 gram TF-IDF features, so its
score for a technique is a sum of ``coef × tfidf`` over the features of the sentence.
This module gives every such term back to the words that produced it (a word n-gram to
the words it spans; a character n-gram to the words its characters lie in; a feature seen
several times split evenly over its occurrences) and turns the per-word contributions
into one contiguous span on word boundaries: the shortest window of words that holds a
``share`` of the positive contribution, at least ``min_words`` long and at most
``max_words`` (then the window of that length with the most positive contribution).

The rule's numbers are chosen on training data only: ``benchmarks/techniques_localise.py``
picks them on inner folds of English PTC, the one corpus with gold spans. There the
best rule was "every positively contributing word" (``DEFAULT_RULE``), and no rule beat
marking the whole sentence on the span metric (short windows do hit gold words far more
often than random windows of their length: docs/BENCHMARKS.md), so the pipeline does not
use this module. Pure functions of a fitted featurizer and weight matrix: no file, no embedder,
no pipeline.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from narrascope.models.linear import LexicalFeaturizer
from narrascope.nlp.tokens import word_spans

_WHITESPACE_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class LocaliseRule:
    """Smallest window of words holding ``share`` of the positive contribution,
    ``min_words`` ≤ length ≤ ``max_words``."""

    share: float = 0.5
    min_words: int = 1
    max_words: int = 8


# The rule the inner folds of English PTC chose in 4 of 5 outer folds (from the first to the
# last positively contributing word, at least 3 words): benchmarks/techniques_localise.py.
DEFAULT_RULE = LocaliseRule(share=1.0, min_words=3, max_words=1000)


def _word_occurrences(lower: Sequence[str]) -> dict[str, list[tuple[int, ...]]]:
    """Every word 1-2 gram as the vectorizer builds it (tokens joined by a space), with the
    word indices of each occurrence."""
    found: dict[str, list[tuple[int, ...]]] = defaultdict(list)
    for i, word in enumerate(lower):
        found[word].append((i,))
        if i + 1 < len(lower):
            found[f"{word} {lower[i + 1]}"].append((i, i + 1))
    return found


def _char_occurrences(text: str, word_of_char: np.ndarray) -> dict[str, list[tuple[int, ...]]]:
    """Every character 2-5 gram of scikit-learn's ``char_wb`` analyzer (lower-cased text,
    each whitespace token padded with one space on each side), with the indices of the
    words its characters lie in (an n-gram of spaces and punctuation only has none)."""
    found: dict[str, list[tuple[int, ...]]] = defaultdict(list)
    for match in _WHITESPACE_TOKEN.finditer(text):
        token = match.group().lower()
        if len(token) != match.end() - match.start():
            continue  # lower-casing changed the length (rare): no reliable offsets
        padded = f" {token} "
        for n in range(2, 6):
            # the analyzer's loop: every window, or the whole padded token when shorter than n
            starts = range(max(1, len(padded) - n + 1))
            for offset in starts:
                first = match.start() + max(0, offset - 1)
                last = match.start() + min(len(token), offset + n - 1)
                owners = np.unique(word_of_char[first:last])
                found[padded[offset : offset + n]].append(tuple(int(w) for w in owners if w >= 0))
            if len(padded) <= n:
                break  # a short token counts once, as the whole padded token
    return found


def attribution_matrix(
    featurizer: LexicalFeaturizer, text: str
) -> tuple[list[tuple[int, int]], sp.csr_matrix]:
    """The words of ``text`` (``nlp.tokens`` spans) and a (words × features) matrix whose
    column sums are the TF-IDF vector of ``text``: each feature's value shared out over
    its occurrences and, within one, over the words it covers."""
    words = word_spans(text)
    n_features = featurizer.n_features
    if not words or featurizer.word_ is None or featurizer.char_ is None:
        return words, sp.csr_matrix((len(words), n_features), dtype=np.float32)
    row = featurizer.transform([text])
    value = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
    word_of_char = np.full(len(text), -1, dtype=np.int64)
    for i, (a, b) in enumerate(words):
        word_of_char[a:b] = i
    lower = [text[a:b].lower() for a, b in words]
    blocks = (
        (featurizer.word_.vocabulary_, 0, _word_occurrences(lower)),
        (featurizer.char_.vocabulary_, featurizer.n_word_features, _char_occurrences(text, word_of_char)),
    )
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for vocabulary, offset, occurrences in blocks:
        for term, places in occurrences.items():
            col = vocabulary.get(term)
            if col is None or col + offset not in value:
                continue
            share = value[col + offset] / len(places)
            for owners in places:
                for owner in owners:
                    rows.append(owner)
                    cols.append(col + offset)
                    data.append(share / len(owners))
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(words), n_features), dtype=np.float32)
    return words, matrix


def word_scores(
    featurizer: LexicalFeaturizer, coef: np.ndarray, text: str
) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Per word of ``text``, its contribution to each label's lexical score: (words, array
    words × labels). ``coef`` is (labels × columns) whose first ``featurizer.n_features``
    columns are the TF-IDF features (extra columns, e.g. a language one-hot, are ignored)."""
    words, matrix = attribution_matrix(featurizer, text)
    weights = np.asarray(coef[:, : featurizer.n_features], dtype=np.float32)
    return words, np.asarray(matrix @ weights.T, dtype=np.float32)


def best_window(scores: np.ndarray, rule: LocaliseRule) -> tuple[int, int] | None:
    """``[i, j)`` word indices of the window the rule picks, or None when no word
    contributes positively."""
    positive = np.maximum(np.asarray(scores, dtype=np.float64), 0.0)
    total = positive.sum()
    n = len(positive)
    if n == 0 or total <= 0:
        return None
    cumulative = np.concatenate([[0.0], np.cumsum(positive)])
    need = rule.share * total - 1e-12
    lo = max(1, min(rule.min_words, n))
    hi = max(lo, min(rule.max_words, n))
    for length in range(lo, hi + 1):
        sums = cumulative[length:] - cumulative[:-length]
        start = int(np.argmax(sums))
        if sums[start] >= need or length == hi:
            return start, start + length
    return None  # unreachable: the last length always returns


def localise(
    words: Sequence[tuple[int, int]], scores: np.ndarray, rule: LocaliseRule = DEFAULT_RULE
) -> tuple[int, int] | None:
    """Character ``(start, end)`` of the span the rule picks from per-word ``scores``:
    it starts at a word's first character and ends at a word's last one."""
    window = best_window(scores, rule)
    if window is None:
        return None
    i, j = window
    return words[i][0], words[j - 1][1]


class SegmentLocaliser:
    """Spans inside segments for the techniques a segment model reported.

    ``featurizer`` and ``coef`` are the lexical head's (``SegmentClassifier.featurizer_``,
    ``lex_coef_``), ``labels`` its column names."""

    def __init__(
        self,
        featurizer: LexicalFeaturizer,
        coef: np.ndarray,
        labels: Sequence[str],
        rule: LocaliseRule = DEFAULT_RULE,
    ) -> None:
        self.featurizer = featurizer
        self.coef = coef
        self.labels = tuple(labels)
        self.rule = rule

    def spans(self, text: str, techniques: Sequence[str]) -> dict[str, tuple[int, int]]:
        """For each of ``techniques`` the ``(start, end)`` inside ``text`` (offsets into
        ``text``); a technique whose lexical score no word raises gets none."""
        wanted = [t for t in techniques if t in self.labels]
        if not wanted:
            return {}
        rows = [self.labels.index(t) for t in wanted]
        words, scores = word_scores(self.featurizer, self.coef[rows], text)
        out = {}
        for k, technique in enumerate(wanted):
            found = localise(words, scores[:, k], self.rule)
            if found is not None:
                out[technique] = found
        return out


__all__ = [
    "DEFAULT_RULE",
    "LocaliseRule",
    "SegmentLocaliser",
    "attribution_matrix",
    "best_window",
    "localise",
    "word_scores",
]
