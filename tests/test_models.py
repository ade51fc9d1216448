"""Model building blocks: array round trips, hierarchy decoding, save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.models.linear import LexicalFeaturizer, OneVsRestLinear
from narrascope.models.narratives import NarrativeClassifier, NarrativeConfig, TrainingSet, decode_labels
from narrascope.taxonomy import default_taxonomy

TEXTS = [
    "The army shelled the city and the front line moved again.",
    "Sanctions raised energy prices for families across the continent.",
    "Glaciers melt faster every year, scientists warned in a report.",
    "Wind farms are expensive and unreliable, critics of the policy said.",
    "The front line held as soldiers dug new trenches near the river.",
    "Heating bills doubled after the sanctions, families complained.",
]


def test_lexical_featurizer_round_trip_is_exact():
    feat = LexicalFeaturizer(word_features=200, char_features=500).fit(TEXTS)
    restored = LexicalFeaturizer.from_arrays(feat.to_arrays("x_"), "x_")
    a = feat.transform(TEXTS[:3]).toarray()
    b = restored.transform(TEXTS[:3]).toarray()
    np.testing.assert_allclose(a, b, rtol=1e-6)
    assert restored.n_features == feat.n_features


def test_one_vs_rest_handles_labels_without_positives():
    X = LexicalFeaturizer(200, 500).fit(TEXTS).transform(TEXTS)
    Y = np.array([[1, 0, 1], [0, 0, 1], [1, 0, 1], [0, 0, 1], [1, 0, 1], [0, 0, 1]])
    model = OneVsRestLinear(C=10).fit(X, Y)
    p = model.predict_proba(X)
    assert p.shape == (6, 3)
    assert (p[:, 1] < 1e-6).all(), "a label never seen positive is never predicted"
    assert (p[:, 2] > 1 - 1e-6).all(), "a label always positive is always predicted"
    assert p[0, 0] > p[1, 0]


@pytest.fixture(scope="module")
def taxonomy():
    return default_taxonomy()


def _probs(clf_labels: list[str], on: dict[str, float]) -> np.ndarray:
    return np.array([on.get(label, 0.0) for label in clf_labels], dtype=np.float32)


def test_decode_enforces_the_hierarchy(taxonomy):
    coarse_labels, fine_labels = taxonomy.narrative_labels(), taxonomy.subnarrative_labels()
    sub = "URW: Discrediting Ukraine: Situation in Ukraine is hopeless"
    # a confident sub-narrative implies its narrative even if the narrative is weak
    decoded = decode_labels(
        _probs(coarse_labels, {}),
        _probs(fine_labels, {sub: 0.9}),
        coarse_labels,
        fine_labels,
        taxonomy,
        0.5,
        0.5,
    )
    assert decoded.narratives == ["URW: Discrediting Ukraine"]
    assert decoded.subnarratives["URW: Discrediting Ukraine"] == [sub]
    # a confident narrative without a confident child gets '<narrative>: Other'
    decoded = decode_labels(
        _probs(coarse_labels, {"CC: Amplifying Climate Fears": 0.8}),
        _probs(fine_labels, {}),
        coarse_labels,
        fine_labels,
        taxonomy,
        0.5,
        0.5,
    )
    assert decoded.subnarratives["CC: Amplifying Climate Fears"] == ["CC: Amplifying Climate Fears: Other"]
    # nothing confident: Other
    decoded = decode_labels(
        _probs(coarse_labels, {}), _probs(fine_labels, {}), coarse_labels, fine_labels, taxonomy, 0.5, 0.5
    )
    assert decoded.is_other


def test_decode_falls_back_to_likeliest_child_when_no_other_child(taxonomy):
    narrative = "CC: Climate change is beneficial"
    children = [s.label for s in taxonomy.get(narrative).subnarratives]
    assert f"{narrative}: Other" not in children
    coarse_labels, fine_labels = taxonomy.narrative_labels(), taxonomy.subnarrative_labels()
    decoded = decode_labels(
        _probs(coarse_labels, {narrative: 0.9}),
        _probs(fine_labels, {children[0]: 0.2}),
        coarse_labels,
        fine_labels,
        taxonomy,
        0.5,
        0.5,
    )
    assert decoded.subnarratives[narrative] == [children[0]]


def _fitted(taxonomy, pooled: bool = True) -> tuple[NarrativeClassifier, np.ndarray | None]:
    clf = NarrativeClassifier(taxonomy, NarrativeConfig(word_features=300, char_features=800))
    y_c = np.zeros((len(TEXTS), len(clf.coarse_labels)), dtype=np.int8)
    y_f = np.zeros((len(TEXTS), len(clf.fine_labels)), dtype=np.int8)
    y_c[[0, 4], clf.coarse_labels.index("URW: Speculating war outcomes")] = 1
    y_f[[0, 4], clf.fine_labels.index("URW: Speculating war outcomes: Other")] = 1
    vectors = np.random.default_rng(0).normal(size=(len(TEXTS), 389)).astype(np.float32) if pooled else None
    clf.fit(TrainingSet(list(TEXTS), vectors, y_c, y_f))
    return clf, vectors


def test_classifier_save_load_round_trip(tmp_path: Path, taxonomy):
    clf, pooled = _fitted(taxonomy)
    clf.calibration_ = {"default_coarse": (1.5, -0.2)}
    clf.save(tmp_path)
    loaded = NarrativeClassifier.load(tmp_path, taxonomy)
    before = clf.predict_proba(TEXTS, pooled)
    after = loaded.predict_proba(TEXTS, pooled)
    # weights are stored as int8 with a per-label scale: equal to a few decimals
    np.testing.assert_allclose(before.fine, after.fine, atol=5e-3)
    np.testing.assert_allclose(before.bearing, after.bearing, atol=5e-3)
    assert before.bearing[0] > before.bearing[1], "the whether-head learnt which texts push a narrative"
    assert loaded.calibration_ == {"default_coarse": (1.5, -0.2)}
    assert loaded.manifest_ is not None and loaded.manifest_.model == "narrascope-narratives"
    scores = loaded.sentence_scores(["Soldiers held the front line.", "Prices rose."])
    assert scores["URW: Speculating war outcomes"].shape == (2,)


def test_hierarchical_fine_probability_is_bounded_by_its_narrative(taxonomy):
    clf, pooled = _fitted(taxonomy)
    clf.config.flat_weight = 0.0
    probs = clf.predict_proba(TEXTS, pooled)
    parent = clf.parent_index
    assert np.all(probs.fine <= probs.coarse[:, parent] + 1e-6)


def test_prior_of_use_moves_confidences_the_same_way_in_every_language(taxonomy):
    clf, pooled = _fitted(taxonomy)
    clf.config.training_other_rate = {"en": 0.42, "pt": 0.07}
    probs = clf.predict_proba(TEXTS[:1], pooled[:1] if pooled is not None else None)
    # The same text: in the training data English articles were far more often 'Other', so
    # its calibrated probability under the English prior is lower; one prior of use removes that.
    en = clf.confidences(probs, ["en"], "balanced", fast=False)
    pt = clf.confidences(probs, ["pt"], "balanced", fast=False)
    assert en.bearing[0] > pt.bearing[0]
    low, high = (clf.confidences(probs, ["en"], level, fast=False) for level in ("low", "high"))
    assert low.bearing[0] < en.bearing[0] < high.bearing[0]
    assert np.all(low.coarse <= en.coarse + 1e-9) and np.all(en.coarse <= high.coarse + 1e-9)
    with pytest.raises(ValueError, match="unknown sensitivity"):
        clf.confidences(probs, ["en"], "extreme", fast=False)


def test_narrative_scores_order_findings_the_way_decisions_do(taxonomy):
    clf, _ = _fitted(taxonomy)
    clf.config.coarse_threshold, clf.config.fine_threshold = 0.5, 0.2
    rng = np.random.default_rng(3)
    for _ in range(50):
        coarse = rng.uniform(0, 0.6, len(clf.coarse_labels)).astype(np.float32)
        fine = rng.uniform(0, 0.25, len(clf.fine_labels)).astype(np.float32)
        chosen = set(clf.decode(coarse, fine).narratives)
        scores = clf.narrative_scores(coarse, fine)
        reached = {clf.coarse_labels[i] for i in np.flatnonzero(scores >= 0.5)}
        assert chosen == reached
        if chosen and len(chosen) < len(clf.coarse_labels):
            lowest_chosen = min(scores[clf.coarse_labels.index(n)] for n in chosen)
            best_rejected = max(
                s for label, s in zip(clf.coarse_labels, scores, strict=True) if label not in chosen
            )
            assert lowest_chosen >= best_rejected


def test_platt_maps_are_smooth_and_increasing():
    from narrascope.models.narratives import platt
    from narrascope.models.training import fit_platt

    rng = np.random.default_rng(1)
    p = rng.uniform(size=2000)
    y = (rng.uniform(size=p.shape) < np.clip(p * 1.5, 0, 1)).astype(np.int8)  # under-confident raw scores
    slope, intercept = fit_platt(p, y)
    grid = np.linspace(0.01, 0.99, 99)
    mapped = platt(grid, slope, intercept)
    assert np.all(np.diff(mapped) > 0), "strictly increasing: no two scores collapse to one value"
    assert mapped[50] > grid[50], "under-confident scores are raised"


def test_sub_narrative_confidences_keep_their_order_on_the_narrative_scale():
    from narrascope.models.narratives import to_narrative_scale

    fine = np.linspace(0.0, 1.0, 101)
    scaled = to_narrative_scale(fine, 0.15, 0.45)
    assert np.all(np.diff(scaled) > 0)  # strictly increasing: no ties at 1.0
    assert to_narrative_scale(np.array([0.15]), 0.15, 0.45)[0] == pytest.approx(0.45)
    assert to_narrative_scale(np.array([1.0]), 0.15, 0.45)[0] == pytest.approx(1.0)
    # The decision is unchanged: a sub-narrative reaches the narrative threshold iff it reaches its own.
    assert np.array_equal(scaled >= 0.45 - 1e-12, fine >= 0.15 - 1e-12)
