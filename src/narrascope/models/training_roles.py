"""Training and grouped cross-validation of the entity-role classifier (``train roles``)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from sklearn.model_selection import GroupKFold

from narrascope.eval.roles import MentionLine, RoleScores, locate_mention, read_role_training, score_roles
from narrascope.models.roles import RoleClassifier, RoleConfig, mention_context
from narrascope.models.training import training_manifest
from narrascope.nlp.embed import Embedder, EmbeddingCache
from narrascope.taxonomy.roles import entity_roles

SEED = 0


def contexts_for(mentions: Sequence[MentionLine], texts: dict[str, str], window: int) -> list[str]:
    out = []
    for m in mentions:
        text = texts[m.article_id]
        span = locate_mention(text, m.mention, m.start, m.end) or (m.start, m.end + 1)
        out.append(mention_context(text, span[0], span[1], window))
    return out


def cross_validate_roles(
    mentions: Sequence[MentionLine],
    contexts: Sequence[str],
    embeddings: np.ndarray | None,
    langs: dict[str, str],
    config: RoleConfig,
    folds: int = 5,
) -> dict[str, Any]:
    """Grouped (by article) k-fold CV; scores overall, per language, and the fold spread."""
    roles = entity_roles()
    groups = [m.article_id for m in mentions]
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    predicted: list[MentionLine | None] = [None] * len(mentions)
    fold_emr = []
    for train, test in splitter.split(np.zeros(len(mentions)), groups=groups):
        clf = RoleClassifier(roles, config).fit(
            [contexts[i] for i in train],
            [mentions[i].main_role for i in train],
            [mentions[i].fine_roles for i in train],
            embeddings[train] if embeddings is not None else None,
        )
        preds = clf.predict([contexts[i] for i in test], embeddings[test] if embeddings is not None else None)
        for i, p in zip(test, preds, strict=True):
            m = mentions[i]
            predicted[i] = MentionLine(
                m.article_id, m.mention, m.start, m.end, p.main_role, tuple(p.fine_roles)
            )
        fold_emr.append(
            score_roles([mentions[i] for i in test], [predicted[i] for i in test if predicted[i]]).exact_match  # type: ignore[misc]
        )
    preds_all = [p for p in predicted if p is not None]
    result: dict[str, Any] = {"overall": _as_dict(score_roles(mentions, preds_all))}
    for lang in sorted(set(langs.values())):
        subset = [m for m in mentions if langs[m.article_id] == lang]
        result[lang] = _as_dict(score_roles(subset, preds_all))
    per_lang = [result[lang] for lang in sorted(set(langs.values()))]
    result["language_mean"] = {
        "exact_match": round(float(np.mean([r["exact_match"] for r in per_lang])), 4),
        "main_accuracy": round(float(np.mean([r["main_accuracy"] for r in per_lang])), 4),
    }
    result["exact_match_fold_sd"] = round(float(np.std(fold_emr)), 4)
    return result


def _as_dict(s: RoleScores) -> dict[str, float]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(s).items()}


def train_role_model(
    data: Path,
    out_dir: Path,
    *,
    cache_path: Path | None = None,
    folds: int = 5,
    config: RoleConfig | None = None,
    console: Console | None = None,
) -> dict[str, Any]:
    console = console or Console(stderr=True)
    started = time.time()
    config = config or RoleConfig()
    mentions, texts, langs = read_role_training(data)
    if not mentions:
        raise ValueError(f"{data}: no subtask-1 annotations found")
    console.print(f"{len(mentions)} annotated mentions in {len(texts)} articles")
    contexts = contexts_for(mentions, texts, config.window_chars)
    embeddings = None
    if config.use_embeddings:
        cache = EmbeddingCache(cache_path) if cache_path else None
        embeddings = Embedder(cache=cache).embed(contexts)
    cv: dict[str, Any] = {}
    if folds > 1:
        cv = cross_validate_roles(mentions, contexts, embeddings, langs, config, folds)
        o = cv["overall"]
        console.print(
            f"CV: exact match {o['exact_match']:.3f} (sd {cv['exact_match_fold_sd']:.3f}), "
            f"main accuracy {o['main_accuracy']:.3f}, micro F1 {o['micro_f1']:.3f}"
        )
    final = RoleClassifier(entity_roles(), config).fit(
        contexts, [m.main_role for m in mentions], [m.fine_roles for m in mentions], embeddings
    )
    manifest = training_manifest(
        "narrascope-roles",
        {"data": str(data), "mentions": len(mentions), "articles": len(texts)},
        started,
        cv,
    )
    final.save(out_dir, manifest)
    console.print(f"role model written to {out_dir} in {time.time() - started:.0f}s")
    return manifest
