"""A learned entity-mention tagger for languages without a statistical NER package (Hindi).

spaCy covers English and natasha Russian; for Hindi the detector had only a gazetteer of
annotated strings and Latin-script runs, so a name never seen in training was never found.
This tagger is a linear-chain CRF (python-crfsuite) over word tokens with B/I/O tags,
trained on the annotated mentions of the SemEval training release. Annotators mark only the
entities an article frames, and not every mention of them, so each annotated string is
projected onto all its occurrences in its article before training (an unmarked repeat of a
marked name is not a negative example). Features are the word, its affixes, script and
shape, and the same for two neighbours on each side: no embeddings, a few ms per article.

Measured, not shipped (docs/BENCHMARKS.md, "A learned Hindi mention tagger"): added to the
gazetteer it lowered the Hindi F1 of the reported entities. ``MentionDetector`` takes one
through its ``hindi_tagger`` hook, which ``benchmarks/entity_detection.py --hindi-tagger``
uses. This module owns the estimator and its model file; it never reads data files.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from narrascope.nlp.tokens import word_spans

MODEL_FILE = "tagger.crfsuite"
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class TaggerConfig:
    """Fixed before the CV run (not tuned on its test folds)."""

    c1: float = 0.05
    c2: float = 0.05
    max_iterations: int = 150
    min_probability: float = 0.5
    """A word is inside a mention when the tagger's marginal P(B or I) is at least this."""


def _word_features(word: str, prefix: str) -> dict[str, Any]:
    lower = word.casefold()
    return {
        f"{prefix}w": lower,
        f"{prefix}p2": lower[:2],
        f"{prefix}s2": lower[-2:],
        f"{prefix}s3": lower[-3:],
        f"{prefix}dev": bool(_DEVANAGARI.search(word)),
        f"{prefix}lat": bool(_LATIN.search(word)),
        f"{prefix}up": word[:1].isupper(),
        f"{prefix}dig": any(ch.isdigit() for ch in word),
        f"{prefix}len": min(len(word), 8),
    }


def token_features(words: Sequence[str]) -> list[dict[str, Any]]:
    """One feature dict per word: the word and its two neighbours on each side."""
    out = []
    for i in range(len(words)):
        features: dict[str, Any] = {"bias": 1.0}
        for offset in (-2, -1, 0, 1, 2):
            j = i + offset
            if 0 <= j < len(words):
                features.update(_word_features(words[j], f"{offset}:"))
            else:
                features[f"{offset}:edge"] = True
        out.append(features)
    return out


def bio_tags(spans: Sequence[tuple[int, int]], mentions: Iterable[tuple[int, int]]) -> list[str]:
    """B/I/O tag of each word span: B for the first word overlapping a mention, I for the rest."""
    tags = ["O"] * len(spans)
    for start, end in sorted(mentions):
        inside = [i for i, (s, e) in enumerate(spans) if s < end and start < e]
        for k, i in enumerate(inside):
            tags[i] = "B" if k == 0 else "I"
    return tags


def projected_mentions(text: str, mentions: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Every whole-word occurrence in ``text`` of the strings at ``mentions``."""
    found: set[tuple[int, int]] = set(mentions)
    for surface in {text[s:e] for s, e in found if e > s}:
        pattern = re.compile(rf"(?<!\w){re.escape(surface)}(?!\w)")
        found.update(m.span() for m in pattern.finditer(text))
    # Keep the longest of overlapping spans (a short name inside a longer one).
    kept: list[tuple[int, int]] = []
    for s, e in sorted(found, key=lambda sp: (-(sp[1] - sp[0]), sp[0])):
        if not any(s < ke and ks < e for ks, ke in kept):
            kept.append((s, e))
    return sorted(kept)


class MentionTagger:
    """B/I/O CRF over words; ``fit`` on (text, mention spans) pairs, ``spans`` on a new text."""

    def __init__(self, config: TaggerConfig | None = None) -> None:
        self.config = config or TaggerConfig()
        self._tagger: Any = None
        self._model_path: Path | None = None

    def fit(
        self, documents: Sequence[tuple[str, Sequence[tuple[int, int]]]], model_path: Path
    ) -> MentionTagger:
        """Train on ``(text, mention spans)`` pairs and write the model to ``model_path``."""
        import pycrfsuite

        trainer = pycrfsuite.Trainer(verbose=False)
        for text, mentions in documents:
            spans = word_spans(text)
            if not spans:
                continue
            words = [text[s:e] for s, e in spans]
            trainer.append(token_features(words), bio_tags(spans, projected_mentions(text, mentions)))
        trainer.set_params(
            {
                "c1": self.config.c1,
                "c2": self.config.c2,
                "max_iterations": self.config.max_iterations,
                "feature.possible_transitions": True,
            }
        )
        model_path.parent.mkdir(parents=True, exist_ok=True)
        trainer.train(str(model_path))
        return self._open(model_path)

    def _open(self, model_path: Path) -> MentionTagger:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(str(model_path))
        self._tagger, self._model_path = tagger, model_path
        return self

    @classmethod
    def load(cls, folder: Path, config: TaggerConfig | None = None) -> MentionTagger:
        return cls(config)._open(folder / MODEL_FILE)

    def spans(self, text: str) -> list[tuple[int, int, float]]:
        """Mention spans ``(start, end, probability)`` the tagger finds in ``text``."""
        if self._tagger is None:
            raise RuntimeError("MentionTagger is not fitted or loaded")
        spans = word_spans(text)
        if not spans:
            return []
        words = [text[s:e] for s, e in spans]
        self._tagger.set(token_features(words))
        # Decoded by marginals, not Viterbi: a word is inside a mention when P(B or I) reaches
        # the threshold, so the threshold trades precision for recall.
        labels = set(self._tagger.labels())
        inside = [1.0 - self._marginal("O", i, labels) for i in range(len(words))]
        out = []
        i = 0
        while i < len(words):
            if inside[i] < self.config.min_probability:
                i += 1
                continue
            j = i + 1
            while (
                j < len(words)
                and inside[j] >= self.config.min_probability
                and self._marginal("B", j, labels) < 0.5
            ):
                j += 1
            out.append((spans[i][0], spans[j - 1][1], round(float(min(inside[i:j])), 4)))
            i = j
        return out

    def _marginal(self, label: str, position: int, labels: set[str]) -> float:
        # A label never seen in training (e.g. no "B" in a tiny set) has probability 0.
        return float(self._tagger.marginal(label, position)) if label in labels else 0.0

    def save(self, folder: Path) -> None:
        """Copy the model file into ``folder`` (the artifact)."""
        if self._model_path is None:
            raise RuntimeError("MentionTagger is not fitted or loaded")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / MODEL_FILE
        if target.resolve() != self._model_path.resolve():
            with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
                tmp.write(self._model_path.read_bytes())
            Path(tmp.name).replace(target)

    def config_dict(self) -> dict[str, Any]:
        return asdict(self.config)
