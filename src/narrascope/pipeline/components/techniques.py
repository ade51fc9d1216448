"""``techniques``: persuasion techniques on the product's scheme (SemEval 2023, six families).

Which model runs depends on the article's language, and the result says which one did
(``Techniques.model``) and how it was evaluated (``Techniques.evaluation``):

* English: the span model (``models.techniques``, trained on PTC), its spans renamed to
  the product's labels, plus the segment view derived from them (a sentence lists the
  techniques of the spans inside it), so reports read alike in every language;
* the languages of the segment model (``models.segments``: bg/pl/ru once its artifact
  is shipped): which techniques each sentence uses, no spans;
* any other language: no findings (``trust: "unsupported"``), unless the setting
  ``mode: "transfer"`` (``--techniques transfer``) asks for the delexicalised transfer
  model, whose spans are then marked ``untested``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from narrascope.models.artifacts import artifact_dir
from narrascope.models.techniques import TechniqueTagger
from narrascope.nlp.segment import Span
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import Component, Context, PipelineError
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.provenance import artifact_ref, package_ref
from narrascope.schema import ModelRef, SegmentTechnique, Techniques, TechniqueSegment, TechniqueSpan
from narrascope.taxonomy.techniques import persuasion_techniques

log = logging.getLogger(__name__)

MODES = ("default", "transfer")
SEGMENTS_ENV_VAR = "NARRASCOPE_SEGMENTS_MODEL"  # = models.segments.SegmentTechniqueModel.ENV_VAR
SEGMENT_NOTE = "Trained on labelled segments in this language; sentences are leads to check, not verdicts."


class SegmentModel(Protocol):
    """What this stage needs of ``models.segments.SegmentTechniqueModel``."""

    languages: tuple[str, ...]
    labels: tuple[str, ...]
    needs_vectors: bool

    def predict(
        self, texts: Sequence[str], language: str, vectors: np.ndarray | None = None
    ) -> list[list[tuple[str, float]]]: ...

    def evaluation(self, language: str) -> str: ...


def load_segment_model(folder: Path) -> SegmentModel | None:
    """The segment model in ``folder``, or None while none is shipped (bg/pl/ru are then
    treated like any language without a model). Tests monkeypatch this loader."""
    if not (folder / "manifest.json").is_file():
        return None
    try:
        from narrascope.models import segments  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        log.warning("segment technique model in %s but no narrascope.models.segments to load it", folder)
        return None
    model: SegmentModel = segments.SegmentTechniqueModel.load(folder)
    return model


@register
class TechniqueSpans(Component):
    name = "techniques"
    requires = ("language",)
    languages = None  # every language gets a Techniques layer saying which model ran (maybe none)

    def __init__(self, context: Context, mode: str = "default", **settings: Any) -> None:
        super().__init__(context, **settings)
        if mode not in MODES:
            raise PipelineError(f"techniques mode {mode!r} unknown; choose from {', '.join(MODES)}")
        self.mode = mode
        self._tagger: TechniqueTagger | None = None
        self._segments: SegmentModel | None = None
        self._segments_loaded = False

    @property
    def tagger(self) -> TechniqueTagger:
        if self._tagger is None:
            self._tagger = TechniqueTagger.load(context_dir(self.context))
        return self._tagger

    @property
    def segment_model(self) -> SegmentModel | None:
        if not self._segments_loaded:
            self._segments = load_segment_model(segments_dir(self.context))
            self._segments_loaded = True
        return self._segments

    def set_segment_model(self, model: SegmentModel | None) -> None:
        """Use ``model`` (tests; a caller that already loaded one) instead of the shipped one."""
        self._segments, self._segments_loaded = model, True

    def process(self, docs: list[Doc]) -> None:
        if not docs:
            return
        segment_langs = set(self.segment_model.languages) if self.segment_model else set()
        by_segments = [d for d in docs if d.language_code in segment_langs]
        by_spans = [d for d in docs if d.language_code not in segment_langs]
        if by_spans:
            texts, languages = [d.text for d in by_spans], [d.language_code for d in by_spans]
            tagged = self.tagger.tag(texts, languages, transfer=self.mode == "transfer")
            for doc, techniques in zip(by_spans, tagged, strict=True):
                segments = segments_from_spans(doc.sentences or [], techniques.spans)
                doc.techniques = techniques.model_copy(
                    update={"segments": segments, "family_counts": family_counts(segments)}
                )
        for language in sorted(segment_langs):
            group = [d for d in by_segments if d.language_code == language]
            if group:
                self._segment(group, language)

    def _segment(self, docs: list[Doc], language: str) -> None:
        model = self.segment_model
        assert model is not None
        if model.needs_vectors:
            self.context.sentence_vectors(docs, [list(range(len(d.sentences or []))) for d in docs])
        for doc in docs:
            sentences = doc.sentences or []
            vectors = None
            if model.needs_vectors and sentences:
                vectors = np.stack([doc.vectors[i] for i in range(len(sentences))])
            found = model.predict([s.text for s in sentences], language, vectors) if sentences else []
            segments = [
                _segment(s, [_named(t, c) for t, c in hits])
                for s, hits in zip(sentences, found, strict=True)
                if hits
            ]
            doc.techniques = Techniques(
                segments=segments,
                family_counts=family_counts(segments),
                model=f"segment-{language}",
                evaluation=model.evaluation(language),
                trust="trained",
                note=SEGMENT_NOTE,
            )

    def models(self) -> list[ModelRef]:
        folder = context_dir(self.context)
        refs = [artifact_ref(folder), package_ref("python-crfsuite")]
        if self.mode == "transfer" and (folder / "transfer" / "manifest.json").exists():
            refs.append(artifact_ref(folder / "transfer"))
        segments = segments_dir(self.context)
        if (segments / "manifest.json").is_file():
            refs.append(artifact_ref(segments))
        return refs


def _named(label: str, confidence: float) -> SegmentTechnique:
    scheme = persuasion_techniques()
    return SegmentTechnique(
        technique=label,
        name=scheme.technique(label).name,
        family=scheme.family(label).label,
        confidence=round(min(1.0, max(0.0, float(confidence))), 4),
    )


def _segment(sentence: Span, techniques: list[SegmentTechnique]) -> TechniqueSegment:
    return TechniqueSegment(start=sentence.start, end=sentence.end, text=sentence.text, techniques=techniques)


def segments_from_spans(sentences: Sequence[Span], spans: Sequence[TechniqueSpan]) -> list[TechniqueSegment]:
    """The sentences that overlap a span, each listing its spans' techniques once (with the
    best confidence), most confident first; a span over two sentences counts in both."""
    out = []
    for sentence in sentences:
        best: dict[str, TechniqueSpan] = {}
        for span in spans:
            inside = span.start < sentence.end and span.end > sentence.start
            if inside and (span.technique not in best or span.confidence > best[span.technique].confidence):
                best[span.technique] = span
        if best:
            ranked = sorted(best.values(), key=lambda s: -s.confidence)
            techniques = [_named(s.technique, s.confidence) for s in ranked]
            out.append(_segment(sentence, techniques))
    return out


def family_counts(segments: Sequence[TechniqueSegment]) -> dict[str, int]:
    """Per family of the scheme (all of them, in order), the (segment, technique) findings."""
    counts = {f.label: 0 for f in persuasion_techniques().families}
    for segment in segments:
        for technique in segment.techniques:
            counts[technique.family] += 1
    return counts


def context_dir(context: Context) -> Path:
    return context.model_dirs.get("techniques") or artifact_dir("techniques", TechniqueTagger.ENV_VAR)


def segments_dir(context: Context) -> Path:
    return context.model_dirs.get("segments") or artifact_dir("segments", SEGMENTS_ENV_VAR)
