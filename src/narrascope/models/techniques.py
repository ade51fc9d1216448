"""Persuasion-technique tagger: finds spans that use one of the 14 PTC techniques and names them.

1. a token tagger scores every token for "inside some technique span": by default a
   linear-chain CRF (python-crfsuite) over B/I/O tags whose features are the word,
   affixes, casing, neighbours, quoting, a loaded-word lexicon and the sentence head's
   probability; the older option (``tagger="sgd"``, used by the transfer model) is a
   hashed logistic tagger that also sees a bag of words of the sentence; runs of
   tokens above a threshold, bridged over short gaps, become spans;
2. a sentence head scores P(sentence contains a technique) (a CRF feature, and mixed
   into the token score by ``sentence_mix``);
3. a span classifier names the technique of each span from its words, its length,
   its context and its sentence.

Owns feature extraction, fitting, decoding, the artifact format and the
pipeline-facing ``TechniqueTagger``. Knows nothing about files or the CLI: it is given
texts, never paths to articles. Tokens come from the shared tokeniser
(``narrascope.nlp.tokens``), so a Hindi word is one token and spans start and end on
word edges. The features are English-lexical: other languages get
``trust="transfer"`` and only the language-independent cues (casing, quotes,
punctuation, repetition) carry over.

``TechniqueModel`` has scikit-learn's shape: ``fit`` returns the model,
``predict_proba`` gives each token's probability of lying inside a technique span,
``decode`` turns those into named spans, learned state ends with ``_``.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression, SGDClassifier

from narrascope.languages import SUPPORTED
from narrascope.models.artifacts import artifact_dir
from narrascope.models.base import (
    ArtifactManifest,
    check_is_fitted,
    read_manifest,
    write_arrays,
    write_manifest,
)
from narrascope.models.linear import OneVsRestLinear
from narrascope.nlp.segment import split_sentences, text_pieces
from narrascope.nlp.tokens import token_spans, word_spans
from narrascope.schema import Techniques, TechniqueSpan
from narrascope.taxonomy.techniques import TECHNIQUES, persuasion_techniques

# 2: tokens from narrascope.nlp.tokens (words keep combining marks and inner hyphens),
# manifest written as an ArtifactManifest.
ARTIFACT_FORMAT = 2
MODEL_NAME = "narrascope-techniques"
WEIGHTS = "techniques.npz"
SEED_INNER = 1
# Span labels exist only in English; the delexicalised model runs elsewhere only on request.
TRAINED_LANGUAGES = frozenset({"en"})
TRANSFER_LANGUAGES = frozenset(SUPPORTED) - TRAINED_LANGUAGES
NOTES = {
    "trained": "Trained on English span labels (PTC); spans are leads to check, not verdicts.",
    "untested": (
        "UNTESTED: an English-trained, delexicalised model applied to a language it was never "
        "evaluated on (asked for with --techniques transfer); treat every span as a guess."
    ),
    "unsupported": "No technique model is trained for this language: no technique findings are shown.",
}
MODEL_SPAN_EN = "span-crf-en"
MODEL_TRANSFER = "transfer-untested"
TRANSFER_EVALUATION = (
    "never evaluated in this language; on English PTC (its upper bound) span F1 0.23, labeled 0.07; "
    "on labelled Bulgarian/Russian segments it scored below always saying 'yes' (issue 15)"
)

# Span hygiene (clean_spans). A finding must contain a word of at least this many letters
# or digits (combining marks not counted): no one-letter spans such as Hindi "च".
MIN_WORD_LETTERS = 2
# A span that runs over two sentence ends or over LONG_SPAN_WORDS words (paragraph-long)
# is only a finding when its confidence reaches the floor: such spans come from weak,
# diffuse token scores (the transfer model's wall of colour at 0.07-0.17), not from a
# localised cue. English floor 0.1: on the PTC CV it removes only spans that score
# nothing (span F1 unchanged, docs/BENCHMARKS.md); higher floors cost English recall.
# The untested transfer model gets 0.2, so its paragraph-long guesses are not shown.
LONG_SPAN_WORDS = 40
LONG_SPAN_SENTENCE_ENDS = 2
LONG_SPAN_FLOOR = 0.1
LONG_SPAN_FLOOR_UNTESTED = 0.2

_QUOTES = frozenset('"“”«»„')


@dataclass
class TechniqueConfig:
    """Hyper-parameters; the defaults are the ones chosen by grouped CV (docs/BENCHMARKS.md)."""

    n_features: int = 2**18
    alpha: float = 2e-6
    epochs: int = 8
    sentence_weight: float = 1.0
    threshold: float = 0.15
    max_gap: int = 0
    min_tokens: int = 1
    span_C: float = 0.5
    span_features: int = 2**17
    sentence_C: float = 1.0
    # False: every word is replaced by its shape and length class before features are
    # built, leaving only language-independent cues (the transfer model).
    lexical: bool = True
    # Token score = (1 - sentence_mix) * tagger + sentence_mix * sentence head.
    sentence_mix: float = 0.0
    # "sgd": hashed logistic token tagger; "crf": linear-chain CRF over BIO tags
    # (python-crfsuite, L-BFGS with L1 c1 + L2 c2) whose marginal P(inside) is the tagger score.
    tagger: str = "crf"
    crf_c1: float = 0.1
    crf_c2: float = 0.05
    crf_iterations: int = 100
    crf_inner_folds: int = 4


@dataclass
class DocTokens:
    """Tokens of one text with their sentence index and feature dicts."""

    spans: list[tuple[int, int]]
    sentence_of: list[int]
    sentences: list[tuple[int, int]]
    features: list[dict[str, float]] = field(default_factory=list)


def _shape(word: str) -> str:
    if word.isdigit():
        return "d"
    if not word[0].isalnum():
        return "p:" + word
    if word.isupper() and len(word) > 1:
        return "X"
    if word[0].isupper():
        return "Xx"
    return "x"


def _sentence_index(tokens: list[tuple[int, int]], sentences: list[tuple[int, int]]) -> list[int]:
    out, s = [], 0
    for start, _ in tokens:
        while s + 1 < len(sentences) and start >= sentences[s + 1][0]:
            s += 1
        out.append(s)
    return out


def _rep_bucket(count: int) -> str:
    return "1" if count <= 1 else "2" if count == 2 else "3-4" if count <= 4 else "5+"


def form(word: str, lexical: bool) -> str:
    """The token as features see it: lower-cased, or (not ``lexical``) its shape and length class."""
    if lexical or not word[:1].isalnum():
        return word.lower()
    return f"<{_shape(word)}{min(len(word), 12) // 4}>"


def doc_tokens(text: str, sentence_weight: float = 1.0, lexical: bool = True) -> DocTokens:
    """Tokenise ``text`` and build the token tagger's features."""
    tokens = token_spans(text)
    sentences = [(s.start, s.end) for s in split_sentences(text)] or [(0, len(text))]
    sent_of = _sentence_index(tokens, sentences)
    words = [text[a:b] for a, b in tokens]
    real = [w.lower() for w in words]
    lower = [form(w, lexical) for w in words]
    counts = Counter(w for w in real if len(w) > 3)
    by_sentence: dict[int, list[int]] = {}
    for i, s in enumerate(sent_of):
        by_sentence.setdefault(s, []).append(i)
    sent_feats = {s: _sentence_features(lower, idx, sentence_weight) for s, idx in by_sentence.items()}
    doc = DocTokens(tokens, sent_of, sentences)
    seen: Counter[str] = Counter()
    quoted = _inside_quotes(words, sent_of)
    for i, w in enumerate(real):
        f = _local_features(words, lower, i)
        s = sent_of[i]
        idx = by_sentence[s]
        f[f"pos={min(4, 5 * (i - idx[0]) // max(1, len(idx)))}"] = 1.0
        if quoted[i]:
            f["inquote"] = 1.0
        if len(w) > 3:
            f["rep=" + _rep_bucket(counts[w])] = 1.0
            if seen[w]:
                f["seen_before"] = 1.0
            seen[w] += 1
        if s == 0:
            f["title"] = 1.0
        f.update(sent_feats[s])
        doc.features.append(f)
    return doc


def _local_features(words: list[str], lower: list[str], i: int) -> dict[str, float]:
    w = lower[i]
    n = len(lower)
    f = {
        "bias": 1.0,
        "w=" + w: 1.0,
        "pre3=" + w[:3]: 1.0,
        "suf3=" + w[-3:]: 1.0,
        "shape=" + _shape(words[i]): 1.0,
    }
    for k in (-2, -1, 1, 2):
        j = i + k
        f[f"w{k}=" + (lower[j] if 0 <= j < n else "<s>")] = 1.0
    f["b-=" + (lower[i - 1] if i else "<s>") + "|" + w] = 1.0
    f["b+=" + w + "|" + (lower[i + 1] if i + 1 < n else "</s>")] = 1.0
    return f


def _sentence_features(lower: list[str], idx: list[int], weight: float) -> dict[str, float]:
    """Bag of words of the sentence, scaled so a sentence weighs the same whatever its length."""
    words = {lower[i] for i in idx}
    scale = weight / math.sqrt(max(1, len(words)))
    f = {"s=" + w: scale for w in words}
    f[f"slen={min(6, len(idx) // 8)}"] = 1.0
    for mark, name in (("?", "q"), ("!", "excl"), ('"', "quote"), ("“", "quote")):
        if mark in words:
            f["s_has_" + name] = 1.0
    return f


def _inside_quotes(words: list[str], sent_of: list[int]) -> list[bool]:
    out, inside, last_sent = [], False, -1
    for w, s in zip(words, sent_of, strict=True):
        if s != last_sent:
            inside, last_sent = False, s
        if w in _QUOTES:
            inside = not inside
            out.append(False)
        else:
            out.append(inside)
    return out


def sentence_head_features(text: str, doc: DocTokens, lexical: bool = True) -> list[dict[str, float]]:
    """Word uni- and bigrams of each sentence (for the sentence head), one dict per sentence."""
    words: dict[int, list[str]] = {}
    for (a, b), s in zip(doc.spans, doc.sentence_of, strict=True):
        words.setdefault(s, []).append(form(text[a:b], lexical))
    out = []
    for s in range(len(doc.sentences)):
        ws = words.get(s, [])
        scale = 1.0 / math.sqrt(max(1, len(ws)))
        f = {"bias": 1.0, f"slen={min(6, len(ws) // 8)}": 1.0}
        for w in ws:
            f["w=" + w] = scale
        for u, v in itertools.pairwise(ws):
            f["b=" + u + "|" + v] = scale
        out.append(f)
    return out


def span_features(text: str, start: int, end: int, lexical: bool = True) -> dict[str, float]:
    """Features of a candidate span for the technique classifier."""
    inner = [form(text[start + a : start + b], lexical) for a, b in token_spans(text[start:end])]
    f: dict[str, float] = {"bias": 1.0}
    scale = 1.0 / math.sqrt(max(1, len(inner)))
    for w in inner:
        f["w=" + w] = scale
    for u, v in itertools.pairwise(inner):
        f["b=" + u + "|" + v] = scale
    if inner:
        f["first=" + inner[0]] = 1.0
        f["last=" + inner[-1]] = 1.0
    f[f"len={min(8, len(inner).bit_length())}"] = 1.0
    lo = max(0, start - 60)
    left = [form(text[lo + a : lo + b], lexical) for a, b in token_spans(text[lo:start])][-4:]
    right = [form(text[end + a : end + b], lexical) for a, b in token_spans(text[end : end + 60])][:4]
    for w in left:
        f["l=" + w] = 0.5
    for w in right:
        f["r=" + w] = 0.5
    if inner and any(w in _QUOTES for w in left[-1:]):
        f["quoted"] = 1.0
    body = text[start:end]
    if body[:1].isupper():
        f["starts_upper"] = 1.0
    if body.isupper() and len(body) > 2:
        f["all_upper"] = 1.0
    if len(inner) == 1 or (inner and text.lower().count(body.lower()) > 1):
        f["repeated"] = float(text.lower().count(body.lower()) > 1)
    return f


def spans_from_scores(
    tokens: list[tuple[int, int]], scores: np.ndarray, threshold: float, max_gap: int, min_tokens: int
) -> list[tuple[int, int, float]]:
    """Runs of tokens scoring >= threshold, bridged over gaps of <= max_gap tokens.

    Returns ``(start_char, end_char, mean_score)``.
    """
    hot = np.flatnonzero(scores >= threshold)
    runs: list[list[int]] = []
    for i in hot:
        if runs and i - runs[-1][-1] <= max_gap + 1:
            runs[-1].append(int(i))
        else:
            runs.append([int(i)])
    out = []
    for run in runs:
        first, last = run[0], run[-1]
        if last - first + 1 < min_tokens:
            continue
        out.append((tokens[first][0], tokens[last][1], float(scores[first : last + 1].mean())))
    return out


# -- CRF tagger ---------------------------------------------------------------
_LEXICON_TECHNIQUES = ("Loaded_Language", "Name_Calling,Labeling")
CrfItem = dict[str, str | float | bool]


def loaded_lexicon(
    texts: Sequence[str],
    docs: Sequence[DocTokens],
    spans: Sequence[Sequence[tuple[int, int, str]]],
    min_ratio: float = 0.3,
) -> list[str]:
    """Words seen >= 3 times inside Loaded_Language/Name_Calling spans, >= ``min_ratio`` of their uses."""
    inside: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text, d, s in zip(texts, docs, spans, strict=True):
        y = token_labels(d.spans, [x for x in s if x[2] in _LEXICON_TECHNIQUES])
        for (a, b), yi in zip(d.spans, y, strict=True):
            w = text[a:b].lower()
            total[w] += 1
            inside[w] += int(yi)
    return sorted(w for w, n in inside.items() if n >= 3 and n / total[w] >= min_ratio)


def bio_tags(tokens: list[tuple[int, int]], spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """B/I/O per token for "inside any technique span"; B where a gold span starts."""
    y = token_labels(tokens, spans)
    starts = sorted({a for a, _, _ in spans})
    out, prev = [], 0
    for (a, b), yi in zip(tokens, y, strict=True):
        if not yi:
            out.append("O")
        elif not prev or any(a <= st < b for st in starts):
            out.append("B")
        else:
            out.append("I")
        prev = int(yi)
    return out


def crf_features(text: str, doc: DocTokens, sentence_p: np.ndarray, lexicon: frozenset[str]) -> list[CrfItem]:
    """CRF features per token: word, affixes, casing, window ±2 (within the sentence), position,
    quote/punctuation context, the sentence head's probability (bucketed) and lexicon membership."""
    words = [text[a:b] for a, b in doc.spans]
    low = [w.lower() for w in words]
    n = len(words)
    first: dict[int, int] = {}
    size: Counter[int] = Counter(doc.sentence_of)
    for i, s in enumerate(doc.sentence_of):
        first.setdefault(s, i)
    quoted, last_s = False, -1
    out: list[CrfItem] = []
    for i, w in enumerate(words):
        s = doc.sentence_of[i]
        if s != last_s:
            quoted, last_s = False, s
        if w in _QUOTES:
            quoted = not quoted
        lw = low[i]
        p = float(sentence_p[s])
        sh = _shape(w)
        if sh.startswith("p:"):
            sh = "p"
        bucket = str(min(9, int(p * 10)))
        f: CrfItem = {
            "bias": 1.0,
            "w": lw,
            "p2": lw[:2],
            "p3": lw[:3],
            "p4": lw[:4],
            "s2": lw[-2:],
            "s3": lw[-3:],
            "s4": lw[-4:],
            "sh": sh,
            "up": w.isupper() and len(w) > 1,
            "ti": w.istitle(),
            "pos": str(min(4, 5 * (i - first[s]) // max(1, size[s]))),
            "inq": quoted,
            "sp": bucket,
            "spv": p,
            "lex": lw in lexicon,
            "sp|sh": bucket + "|" + sh,
        }
        if i == first[s]:
            f["BOS"] = True
        near: dict[int, str] = {}
        for k in (-2, -1, 1, 2):
            j = i + k
            same = 0 <= j < n and doc.sentence_of[j] == s
            near[k] = low[j] if same else "<s>"
            f[f"w{k}"] = near[k]
            if abs(k) == 1 and same:
                f[f"lex{k}"] = low[j] in lexicon
                if not words[j][0].isalnum():
                    f[f"punct{k}"] = words[j]
        f["bg-"] = near[-1] + "|" + lw
        f["bg+"] = lw + "|" + near[1]
        out.append(f)
    return out


class TechniqueModel:
    """Token tagger + sentence head + span technique classifier.

    ``fit(texts, spans)`` → self; ``predict_proba(texts)`` → per text, P(inside a span) per
    token; ``decode(texts, probabilities)`` → named spans; ``predict`` = both.
    """

    def __init__(self, config: TechniqueConfig | None = None) -> None:
        self.config = config or TechniqueConfig()
        self.tagger_: OneVsRestLinear | None = None
        self.classifier_: OneVsRestLinear | None = None
        self.sentence_: OneVsRestLinear | None = None
        self.crf_model_: bytes | None = None
        self.lexicon_: frozenset[str] = frozenset()
        # The manifest's CV scores when loaded from an artifact (for the evaluation line).
        self.cv_scores: dict[str, Any] = {}

    # -- features --------------------------------------------------------------
    def doc(self, text: str) -> DocTokens:
        return doc_tokens(text, self.config.sentence_weight, self.config.lexical)

    def _hasher(self) -> FeatureHasher:
        return FeatureHasher(n_features=self.config.n_features, alternate_sign=False, dtype=np.float32)

    def _span_hasher(self) -> FeatureHasher:
        return FeatureHasher(n_features=self.config.span_features, alternate_sign=False, dtype=np.float32)

    def token_matrix(self, docs: Sequence[DocTokens]) -> sp.csr_matrix:
        rows = [f for d in docs for f in d.features]
        return self._hasher().transform(rows).tocsr()

    # -- fitting ---------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int, str]]],
        docs: Sequence[DocTokens] | None = None,
    ) -> TechniqueModel:
        """``spans[i]``: the gold ``(start, end, technique)`` of ``texts[i]``."""
        docs = docs if docs is not None else [self.doc(t) for t in texts]
        self.sentence_ = self._fit_sentence_head(texts, docs, spans)
        if self.config.tagger == "crf":
            self.tagger_ = None
            self.lexicon_ = frozenset(loaded_lexicon(texts, docs, spans))
            self.crf_model_ = self._fit_crf(texts, docs, spans)
        else:
            y = np.concatenate([token_labels(d.spans, s) for d, s in zip(docs, spans, strict=True)])
            self.tagger_ = self._fit_tagger(self.token_matrix(docs), y)
        self.classifier_ = self._fit_classifier(texts, spans)
        return self

    def sentence_matrix(self, texts: Sequence[str], docs: Sequence[DocTokens]) -> sp.csr_matrix:
        lexical = self.config.lexical
        rows = [f for t, d in zip(texts, docs, strict=True) for f in sentence_head_features(t, d, lexical)]
        return self._span_hasher().transform(rows).tocsr()

    def _fit_sentence_head(
        self, texts: Sequence[str], docs: Sequence[DocTokens], spans: Sequence[Sequence[tuple[int, int, str]]]
    ) -> OneVsRestLinear:
        y = np.concatenate([token_labels(d.sentences, s) for d, s in zip(docs, spans, strict=True)])
        head = OneVsRestLinear(C=self.config.sentence_C)
        return head.fit(self.sentence_matrix(texts, docs), y[:, None])

    def _fit_crf(
        self, texts: Sequence[str], docs: Sequence[DocTokens], spans: Sequence[Sequence[tuple[int, int, str]]]
    ) -> bytes:
        """CRF on BIO tags. The sentence-head probability and the lexicon of each training
        article come from a model fitted on the *other* inner folds (out-of-fold), so the CRF
        learns how far to trust them on unseen text."""
        import pycrfsuite  # optional at import time: only training and CRF models need it

        cfg = self.config
        n = len(texts)
        order = np.random.default_rng(SEED_INNER).permutation(n)
        k = max(2, min(cfg.crf_inner_folds, n))
        trainer = pycrfsuite.Trainer(verbose=False)
        for part in range(k):
            held = sorted(int(i) for i in order[part::k])
            rest = sorted(set(range(n)) - set(held))
            inner = TechniqueModel(cfg)
            pick = [texts[i] for i in rest], [docs[i] for i in rest], [spans[i] for i in rest]
            inner.sentence_ = inner._fit_sentence_head(*pick)
            lexicon = frozenset(loaded_lexicon(*pick))
            probs = inner.sentence_probabilities([texts[i] for i in held], [docs[i] for i in held])
            for i, p in zip(held, probs, strict=True):
                trainer.append(crf_features(texts[i], docs[i], p, lexicon), bio_tags(docs[i].spans, spans[i]))
        trainer.select("lbfgs")
        trainer.set_params(
            {
                "c1": cfg.crf_c1,
                "c2": cfg.crf_c2,
                "max_iterations": cfg.crf_iterations,
                "feature.possible_transitions": True,
            }
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.crfsuite"
            trainer.train(str(path))
            return path.read_bytes()

    def sentence_probabilities(self, texts: Sequence[str], docs: Sequence[DocTokens]) -> list[np.ndarray]:
        """Per doc: the sentence head's P(sentence contains a technique), one per sentence."""
        check_is_fitted(self, "sentence_")
        assert self.sentence_ is not None
        if not docs:
            return []
        sent = self.sentence_.predict_proba(self.sentence_matrix(texts, docs))[:, 0]
        sb = np.cumsum([0] + [len(d.sentences) for d in docs])
        return [sent[sb[i] : sb[i + 1]] for i in range(len(docs))]

    def _crf_marginals(
        self, texts: Sequence[str], docs: Sequence[DocTokens], sent: list[np.ndarray]
    ) -> list[np.ndarray]:
        import pycrfsuite

        assert self.crf_model_ is not None
        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(self.crf_model_)
        out = []
        for text, d, p in zip(texts, docs, sent, strict=True):
            if not d.spans:
                out.append(np.zeros(0))
                continue
            tagger.set(crf_features(text, d, p, self.lexicon_))
            out.append(np.array([1.0 - tagger.marginal("O", t) for t in range(len(d.spans))]))
        tagger.close()
        return out

    def _fit_tagger(self, X: sp.csr_matrix, y: np.ndarray) -> OneVsRestLinear:
        cfg = self.config
        sgd = SGDClassifier(
            loss="log_loss", alpha=cfg.alpha, max_iter=cfg.epochs, tol=None, random_state=0, average=True
        )
        sgd.fit(X, y)
        head = OneVsRestLinear()
        head.coef_ = sgd.coef_.astype(np.float32)
        head.intercept_ = sgd.intercept_.astype(np.float32)
        return head

    def _fit_classifier(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int, str]]]
    ) -> OneVsRestLinear:
        rows, labels = [], []
        for text, doc_spans in zip(texts, spans, strict=True):
            # Predicted spans are often longer than gold ones (whole clauses), so the
            # classifier also learns from sentences, labelled by the technique that
            # covers most of them: labeled span F1 0.068 -> 0.090 in CV.
            for start, end, tech in [*doc_spans, *sentence_examples(text, doc_spans)]:
                rows.append(span_features(text, start, end, self.config.lexical))
                labels.append(TECHNIQUES.index(tech))
        X = self._span_hasher().transform(rows).tocsr()
        coef = np.zeros((len(TECHNIQUES), X.shape[1]), dtype=np.float32)
        intercept = np.full(len(TECHNIQUES), -30.0, dtype=np.float32)
        classes = sorted(set(labels))
        if len(classes) == 1:
            intercept[classes[0]] = 0.0
        else:
            lr = LogisticRegression(C=self.config.span_C, max_iter=2000).fit(X, np.array(labels))
            if len(classes) == 2:
                # sklearn keeps one weight vector for two classes; split it so a softmax matches.
                w, b = lr.coef_[0] / 2, lr.intercept_[0] / 2
                coef[classes[0]], coef[classes[1]] = -w, w
                intercept[classes[0]], intercept[classes[1]] = -b, b
            else:
                for k, cls in enumerate(lr.classes_):
                    coef[cls], intercept[cls] = lr.coef_[k], lr.intercept_[k]
        head = OneVsRestLinear()
        head.coef_, head.intercept_ = coef, intercept
        return head

    # -- prediction ------------------------------------------------------------
    def _check_fitted(self) -> None:
        tagger = "crf_model_" if self.config.tagger == "crf" else "tagger_"
        check_is_fitted(self, "sentence_", "classifier_", tagger)

    def score_parts(
        self, texts: Sequence[str], docs: Sequence[DocTokens]
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per doc: (tagger probability, sentence-head probability of the token's sentence) per token."""
        self._check_fitted()
        if not docs:
            return []
        if self.crf_model_ is not None:
            probs = self.sentence_probabilities(texts, docs)
            marg = self._crf_marginals(texts, docs, probs)
            return [
                (m, p[np.asarray(d.sentence_of, dtype=np.int64)])
                for m, p, d in zip(marg, probs, docs, strict=True)
            ]
        assert self.tagger_ is not None
        tok = self.tagger_.predict_proba(self.token_matrix(docs))[:, 0]
        sent = self.sentence_probabilities(texts, docs)
        tb = np.cumsum([0] + [len(d.spans) for d in docs])
        return [
            (tok[tb[i] : tb[i + 1]], p[np.asarray(d.sentence_of, dtype=np.int64)])
            for i, (d, p) in enumerate(zip(docs, sent, strict=True))
        ]

    def mix(self, parts: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        w = self.config.sentence_mix
        return (1.0 - w) * parts[0] + w * parts[1]

    def predict_proba(
        self, texts: Sequence[str], docs: Sequence[DocTokens] | None = None
    ) -> list[np.ndarray]:
        """Per text, P(token lies inside a technique span) for each token of ``self.doc(text)``."""
        docs = docs if docs is not None else [self.doc(t) for t in texts]
        return [self.mix(p) for p in self.score_parts(texts, docs)]

    def classify_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """``(n_spans, 14)`` technique probabilities (softmax over the classifier's scores)."""
        check_is_fitted(self, "classifier_")
        assert self.classifier_ is not None
        if not spans:
            return np.zeros((0, len(TECHNIQUES)), dtype=np.float32)
        rows = [span_features(text, a, b, self.config.lexical) for a, b in spans]
        X = self._span_hasher().transform(rows).tocsr()
        z = self.classifier_.decision_function(X)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def decode(
        self,
        texts: Sequence[str],
        probabilities: Sequence[np.ndarray],
        docs: Sequence[DocTokens] | None = None,
    ) -> list[list[tuple[int, int, str, float]]]:
        """Per text, spans ``(start, end, technique, confidence)`` from ``predict_proba``'s output."""
        docs = docs if docs is not None else [self.doc(t) for t in texts]
        return [self._decode_one(t, d, p) for t, d, p in zip(texts, docs, probabilities, strict=True)]

    def _decode_one(self, text: str, doc: DocTokens, scores: np.ndarray) -> list[tuple[int, int, str, float]]:
        cfg = self.config
        found = spans_from_scores(doc.spans, scores, cfg.threshold, cfg.max_gap, cfg.min_tokens)
        probs = self.classify_spans(text, [(a, b) for a, b, _ in found])
        out = []
        for (start, end, score), p in zip(found, probs, strict=True):
            k = int(np.argmax(p))
            out.append((start, end, TECHNIQUES[k], float(score * p[k])))
        return out

    def predict(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, float]]]:
        docs = [self.doc(t) for t in texts]
        return self.decode(texts, self.predict_proba(texts, docs), docs)

    # -- artifacts -------------------------------------------------------------
    def _arrays(self) -> dict[str, np.ndarray]:
        self._check_fitted()
        assert self.sentence_ is not None and self.classifier_ is not None
        arrays = {**self.sentence_.to_arrays("sentence_"), **self.classifier_.to_arrays("classifier_")}
        if self.tagger_ is not None:
            arrays.update(self.tagger_.to_arrays("tagger_"))
        if self.crf_model_ is not None:
            arrays["crf_model"] = np.frombuffer(self.crf_model_, dtype=np.uint8)
            arrays["lexicon"] = np.array(sorted(self.lexicon_), dtype=str)
        return arrays

    def save(self, directory: Path, provenance: dict[str, Any]) -> ArtifactManifest:
        """Write ``techniques.npz`` and ``manifest.json`` (both atomically); ``provenance`` says what
        made the model (data, date, command, CV scores)."""
        arrays = self._arrays()
        write_arrays(Path(directory) / WEIGHTS, arrays)
        manifest = ArtifactManifest.model_validate(
            {
                "model": MODEL_NAME,
                **provenance,
                "format": ARTIFACT_FORMAT,
                "config": asdict(self.config),
                "techniques": list(TECHNIQUES),
            }
        )
        write_manifest(Path(directory), manifest)
        return manifest

    @classmethod
    def load(cls, directory: Path) -> TechniqueModel:
        directory = Path(directory)
        if not (directory / "manifest.json").is_file() or not (directory / WEIGHTS).is_file():
            raise FileNotFoundError(
                f"{directory}: no technique model (need manifest.json and {WEIGHTS}); "
                "train one with `narrascope train techniques`"
            )
        manifest = read_manifest(directory, format=ARTIFACT_FORMAT)
        if list(manifest.extra("techniques", [])) != list(TECHNIQUES):
            raise ValueError(f"{directory}: technique model was trained on a different label set")
        self = cls(TechniqueConfig(**manifest.config))
        self.cv_scores = dict(manifest.cross_validation)
        with np.load(directory / WEIGHTS) as npz:
            arrays = {k: npz[k] for k in npz.files}
        if "crf_model" in arrays:
            self.crf_model_ = arrays["crf_model"].tobytes()
            self.lexicon_ = frozenset(str(w) for w in arrays["lexicon"])
        else:
            self.tagger_ = OneVsRestLinear.from_arrays(arrays, "tagger_")
        self.sentence_ = OneVsRestLinear.from_arrays(arrays, "sentence_")
        self.classifier_ = OneVsRestLinear.from_arrays(arrays, "classifier_")
        self._check_fitted()
        return self


def sentence_examples(text: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sentences overlapping a gold span, labelled with the technique covering most characters."""
    out = []
    for sentence in split_sentences(text):
        cover: Counter[str] = Counter()
        for start, end, tech in spans:
            overlap = min(end, sentence.end) - max(start, sentence.start)
            if overlap > 0:
                cover[tech] += overlap
        if cover:
            out.append((sentence.start, sentence.end, cover.most_common(1)[0][0]))
    return out


def token_labels(tokens: list[tuple[int, int]], spans: Sequence[tuple[int, int, str]]) -> np.ndarray:
    """1 for tokens that overlap any gold span, else 0."""
    y = np.zeros(len(tokens), dtype=np.int8)
    if not tokens or not spans:
        return y
    starts = np.array([a for a, _ in tokens])
    ends = np.array([b for _, b in tokens])
    for start, end, _ in spans:
        y[(starts < end) & (ends > start)] = 1
    return y


def _letters(word: str) -> int:
    return sum(1 for ch in word if ch.isalnum())


def snap_to_words(text: str, start: int, end: int, words: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """``(start, end)`` widened to whole words of ``nlp.tokens`` and stripped of outer spaces.

    Words are the shared tokeniser's (letters, digits and combining marks), so a span
    never starts inside a Devanagari word nor ends in "strik" of "strike"."""
    for a, b in words:
        if a < start < b:
            start = a
        if a < end < b:
            end = b
        if a >= end:
            break
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def clean_spans(
    text: str, spans: Sequence[tuple[int, int, str, float]], floor: float = LONG_SPAN_FLOOR
) -> list[tuple[int, int, str, float]]:
    """Span hygiene for every technique model: word edges, no tiny spans, and no long span
    (over ``LONG_SPAN_SENTENCE_ENDS`` sentence ends or ``LONG_SPAN_WORDS`` words) below ``floor``."""
    if not spans:
        return []
    words = word_spans(text)
    ends = [s.end for s in split_sentences(text)][:-1]
    out = []
    for start, end, technique, confidence in spans:
        start, end = snap_to_words(text, start, end, words)
        inside = [text[a:b] for a, b in words if a >= start and b <= end]
        if not any(_letters(w) >= MIN_WORD_LETTERS for w in inside):
            continue
        crossed = sum(1 for e in ends if start < e < end and text[e:end].strip())
        long = len(inside) > LONG_SPAN_WORDS or crossed >= LONG_SPAN_SENTENCE_ENDS
        if long and confidence < floor:
            continue
        out.append((start, end, technique, confidence))
    return out


def trust_for(language: str | None, transfer: bool = False) -> str:
    """'trained' for English; elsewhere 'untested' when the transfer model is asked for, else
    'unsupported' (no spans)."""
    if language in TRAINED_LANGUAGES:
        return "trained"
    if transfer and language and language != "und":
        return "untested"
    return "unsupported"


def technique_span(
    text: str, start: int, end: int, ptc: str, confidence: float, untested: bool
) -> TechniqueSpan:
    """A PTC prediction as a span of the product's scheme (label, name, family; PTC label kept)."""
    scheme = persuasion_techniques()
    label = scheme.from_ptc(ptc)
    return TechniqueSpan(
        start=start,
        end=end,
        text=text[start:end],
        technique=label,
        name=scheme.technique(label).name,
        family=scheme.family(label).label,
        ptc_technique=ptc,
        confidence=round(min(1.0, max(0.0, confidence)), 4),
        untested=untested,
    )


class TechniqueTagger:
    """Pipeline-facing API: ``TechniqueTagger.load().tag(texts, languages)`` → ``schema.Techniques``."""

    ENV_VAR = "NARRASCOPE_TECHNIQUES_MODEL_DIR"

    def __init__(self, model: TechniqueModel, transfer: TechniqueModel | None = None) -> None:
        self.model = model
        self.transfer = transfer or model

    @classmethod
    def load(cls, model_dir: Path | None = None) -> TechniqueTagger:
        """The English model from ``model_dir``, the transfer model from ``model_dir/transfer`` if any."""
        directory = model_dir or artifact_dir("techniques", cls.ENV_VAR)
        model = TechniqueModel.load(directory)
        has_transfer = (directory / "transfer" / "manifest.json").is_file()
        return cls(model, TechniqueModel.load(directory / "transfer") if has_transfer else None)

    def tag(
        self, texts: Sequence[str], languages: Sequence[str | None], transfer: bool = False
    ) -> list[Techniques]:
        """One ``Techniques`` per text; offsets are code points into that text, end exclusive.

        English gets the span model; another language gets the transfer model only when
        ``transfer`` is set (every span then ``untested``), else no spans."""
        if len(texts) != len(languages):
            raise ValueError("texts and languages differ in length")
        trusts = [trust_for(lang, transfer) for lang in languages]
        by_index: dict[int, list[tuple[int, int, str, float]]] = {}
        for trust, model in (("trained", self.model), ("untested", self.transfer)):
            todo = [i for i, t in enumerate(trusts) if t == trust]
            by_index.update(zip(todo, _predict_in_pieces(model, [texts[i] for i in todo]), strict=True))
        out = []
        for i, (text, trust) in enumerate(zip(texts, trusts, strict=True)):
            untested = trust == "untested"
            floor = LONG_SPAN_FLOOR_UNTESTED if untested else LONG_SPAN_FLOOR
            found = clean_spans(text, by_index.get(i, []), floor)
            spans = [technique_span(text, a, b, tech, conf, untested) for a, b, tech, conf in found]
            model_name = {"trained": MODEL_SPAN_EN, "untested": MODEL_TRANSFER}.get(trust, "none")
            out.append(
                Techniques(
                    spans=spans,
                    trust=trust,  # type: ignore[arg-type]
                    note=NOTES[trust],
                    model=model_name,
                    evaluation=self.evaluation(trust),
                )
            )
        return out

    def evaluation(self, trust: str) -> str:
        """One line on how the model behind ``trust`` was evaluated."""
        if trust == "untested":
            return TRANSFER_EVALUATION
        if trust != "trained":
            return "no model ran"
        cv = self.model.cv_scores
        if "span_f1" not in cv or "labeled_span_f1" not in cv:
            return "English span model (PTC, SemEval 2020 Task 11); see docs/BENCHMARKS.md"
        return (
            f"grouped {cv.get('folds', 5)}-fold CV on English PTC news: span F1 {cv['span_f1']:.2f}, "
            f"labeled span F1 {cv['labeled_span_f1']:.2f}"
        )


Spans = list[tuple[int, int, str, float]]
PREDICT_CHARS = 200_000  # text per predict call: a batch of articles, or pieces of one long text


def _predict_in_pieces(model: TechniqueModel, texts: Sequence[str]) -> list[Spans]:
    """``model.predict`` on pieces of at most ``MAX_PIECE_CHARS`` (one piece for almost every
    article), a bounded amount of text per call: the token features of a whole very long
    text would not fit in memory."""
    jobs = [(i, offset, piece) for i, text in enumerate(texts) for offset, piece in text_pieces(text)]
    out: list[Spans] = [[] for _ in texts]
    group: list[tuple[int, int, str]] = []
    for job in [*jobs, None]:
        if job is not None and (not group or sum(len(p) for _, _, p in group) + len(job[2]) <= PREDICT_CHARS):
            group.append(job)
            continue
        for (owner, offset, _), spans in zip(group, model.predict([p for _, _, p in group]), strict=True):
            out[owner].extend((a + offset, b + offset, tech, conf) for a, b, tech, conf in spans)
        group = [job] if job is not None else []
    return out


__all__ = [
    "TechniqueConfig",
    "TechniqueModel",
    "TechniqueTagger",
    "clean_spans",
    "doc_tokens",
    "snap_to_words",
    "spans_from_scores",
    "token_labels",
]
