"""Entity framing inside the pipeline: classify mention spans of an article's text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from narrascope.models.artifacts import artifact_dir
from narrascope.models.roles import RoleClassifier, RolePrediction, mention_context
from narrascope.nlp.embed import Embedder
from narrascope.taxonomy.roles import entity_roles

ROLE_MODEL_ENV_VAR = "NARRASCOPE_ROLE_MODEL_DIR"


def default_role_model_dir() -> Path:
    return artifact_dir("roles", ROLE_MODEL_ENV_VAR)


class MentionRoleClassifier:
    """Loads the role model once; classifies ``(text, (start, end))`` spans in one batch."""

    def __init__(self, classifier: RoleClassifier, embedder: Embedder | None = None) -> None:
        self.classifier = classifier
        self.embedder = embedder or Embedder()

    @classmethod
    def load(cls, model_dir: Path | None = None, embedder: Embedder | None = None) -> MentionRoleClassifier:
        directory = model_dir or default_role_model_dir()
        if not (directory / "manifest.json").exists():
            raise FileNotFoundError(
                f"no role model in {directory}; train one with 'narrascope train roles' "
                "or reinstall narrascope"
            )
        return cls(RoleClassifier.load(directory, entity_roles()), embedder)

    def classify_spans(self, spans: Sequence[tuple[str, tuple[int, int]]]) -> list[RolePrediction]:
        window = self.classifier.config.window_chars
        contexts = [mention_context(text, s, e, window) for text, (s, e) in spans]
        embeddings = self.embedder.embed(contexts) if self.classifier.config.use_embeddings else None
        return self.classifier.predict(contexts, embeddings)
