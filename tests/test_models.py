"""Model building blocks: array round trips, hierarchy decoding, save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.models.linear import LexicalFeaturizer, OneVsRestLinear
from narrascope.models.narratives import NarrativeClassifier, NarrativeConfig, decode_labels
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


def test_classifier_save_load_round_trip(tmp_path: Path, taxonomy):
    clf = NarrativeClassifier(taxonomy, NarrativeConfig(word_features=300, char_features=800))
    y_c = np.zeros((len(TEXTS), len(clf.coarse_labels)), dtype=np.int8)
    y_f = np.zeros((len(TEXTS), len(clf.fine_labels)), dtype=np.int8)
    y_c[[0, 4], clf.coarse_labels.index("URW: Speculating war outcomes")] = 1
    y_f[[0, 4], clf.fine_labels.index("URW: Speculating war outcomes: Other")] = 1
    rng = np.random.default_rng(0)
    pooled = rng.normal(size=(len(TEXTS), 389)).astype(np.float32)
    clf.fit(TEXTS, y_c, y_f, pooled)
    clf.save(tmp_path)
    loaded = NarrativeClassifier.load(tmp_path, taxonomy)
    before = clf.predict_proba(TEXTS, pooled)
    after = loaded.predict_proba(TEXTS, pooled)
    # weights are stored as int8 with a per-label scale: equal to a few decimals
    np.testing.assert_allclose(before.fine, after.fine, atol=5e-3)
    assert loaded.manifest_ is not None and loaded.manifest_.model == "narrascope-narratives"
    scores = loaded.sentence_scores(["Soldiers held the front line.", "Prices rose."])
    assert scores["URW: Speculating war outcomes"].shape == (2,)


def test_calibration_maps_are_monotone_and_saved(tmp_path: Path, taxonomy):
    from narrascope.models.training import fit_calibration

    rng = np.random.default_rng(1)
    p = rng.uniform(size=(200, 3)).astype(np.float32)
    y = (rng.uniform(size=p.shape) < np.clip(p * 1.5, 0, 1)).astype(np.int8)  # under-confident raw scores
    x_map, y_map = fit_calibration(p, y)
    assert np.all(np.diff(y_map) >= 0) and y_map.min() >= 0 and y_map.max() <= 1
    clf = NarrativeClassifier(taxonomy, NarrativeConfig(word_features=100, char_features=100))
    clf.fit(
        TEXTS,
        np.zeros((6, len(clf.coarse_labels)), np.int8),
        np.zeros((6, len(clf.fine_labels)), np.int8),
        None,
    )
    clf.calibration_ = {"default_coarse": (x_map, y_map)}
    clf.save(tmp_path)
    loaded = NarrativeClassifier.load(tmp_path, taxonomy)
    probe = np.array([0.1, 0.5, 0.9], dtype=np.float32)
    np.testing.assert_allclose(loaded.calibrated(probe, "coarse", fast=False), np.interp(probe, x_map, y_map))
    # no map for this level/profile: probabilities pass through unchanged
    np.testing.assert_array_equal(loaded.calibrated(probe, "fine", fast=True), probe)
