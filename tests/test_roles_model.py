"""The role classifier's nearest-neighbour memory (issue 11), on synthetic vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from narrascope.models.roles import RoleClassifier, RoleConfig, role_features
from narrascope.taxonomy.roles import entity_roles


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, 384))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _fitted(config: RoleConfig, languages: list[str]) -> tuple[RoleClassifier, np.ndarray, list[list[str]]]:
    roles = entity_roles()
    rng = np.random.default_rng(3)
    fine = [[f] for f in roles.fine_names()] * 2
    X = role_features(_unit(rng, len(fine)), _unit(rng, len(fine)), languages[: len(fine)])
    return RoleClassifier(roles, config).fit(X, fine), X, fine


def test_a_training_mention_recalls_its_own_roles_from_memory():
    clf, X, fine = _fitted(RoleConfig(neighbour_weight=1.0, neighbours=3), ["en"] * 44)
    p = clf.predict_proba(X[:5])
    for row, labels in zip(p, fine[:5], strict=True):
        assert clf.fine_labels[int(np.argmax(row))] == labels[0]
        assert row.max() > 0.99 and abs(row.sum() - 1) < 1e-5


def test_neighbours_come_from_the_same_language_only():
    roles = entity_roles()
    rng = np.random.default_rng(5)
    s, m = _unit(rng, 1), _unit(rng, 1)
    # the same vectors annotated twice: Victim in a Bulgarian article, Tyrant in a Hindi one
    # (and an unrelated Guardian, so the regression sees more than two classes)
    X = role_features(np.vstack([s, s, -s]), np.vstack([m, m, -m]), ["bg", "hi", "bg"])
    clf = RoleClassifier(roles, RoleConfig(neighbour_weight=1.0, neighbours=2))
    clf.fit(X, [["Victim"], ["Tyrant"], ["Guardian"]])
    for lang, role in (("bg", "Victim"), ("hi", "Tyrant")):
        p = clf.neighbour_proba(role_features(s, m, [lang]))[0]
        assert clf.fine_labels[int(np.argmax(p))] == role
    # a language absent from the memory falls back to all of it
    p = clf.neighbour_proba(role_features(s, m, ["en"]))[0]
    assert p[clf.fine_labels.index("Victim")] > 0.4 and p[clf.fine_labels.index("Tyrant")] > 0.4


def test_weight_zero_is_the_logistic_regression_alone_and_stores_no_memory(tmp_path: Path):
    plain, X, _ = _fitted(RoleConfig(neighbour_weight=0.0), ["pt"] * 44)
    blended, _, _ = _fitted(RoleConfig(neighbour_weight=0.5), ["pt"] * 44)
    assert plain.memory_ is None and blended.memory_ is not None
    assert not np.allclose(plain.predict_proba(X), blended.predict_proba(X))
    blended.save(tmp_path)
    loaded = RoleClassifier.load(tmp_path, entity_roles())
    assert loaded.config.neighbour_weight == 0.5
    assert np.allclose(loaded.predict_proba(X), blended.predict_proba(X), atol=1e-5)


def _spread(clf: RoleClassifier) -> np.ndarray:
    """Victim at 0.35; the other 0.65 spread evenly over the Antagonist roles."""
    p = np.zeros(len(clf.fine_labels))
    p[clf.fine_labels.index("Victim")] = 0.35
    antagonists = [clf.fine_labels.index(f) for f in clf.roles.fine_of("Antagonist")]
    p[antagonists] = 0.65 / len(antagonists)
    return p[None, :]


def test_the_joint_rule_keeps_a_clear_fine_role_that_main_first_loses():
    roles = entity_roles()
    main_first = RoleClassifier(roles, RoleConfig(main_weight=None)).decode(_spread(RoleClassifier(roles)))[0]
    assert main_first.main_role == "Antagonist"
    joint = RoleClassifier(roles, RoleConfig(main_weight=1.0)).decode(_spread(RoleClassifier(roles)))[0]
    assert (joint.main_role, joint.fine_roles) == ("Innocent", ["Victim"])
    # the main-role probabilities reported are the sums either way
    assert joint.main_probabilities["Antagonist"] == main_first.main_probabilities["Antagonist"] == 0.65


def test_every_rule_keeps_the_fine_role_inside_the_main_role():
    roles = entity_roles()
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.full(len(roles.fine_names()), 0.3), size=200)
    for weight in (None, 0.0, 0.5, 1.0, 5.0):
        clf = RoleClassifier(roles, RoleConfig(main_weight=weight))
        decisions = clf.decode(p)
        assert all(roles.main_of(d.fine_roles[0]) == d.main_role for d in decisions)
        if weight == 0.0:  # weight 0: the single most probable fine role
            assert [d.fine_roles[0] for d in decisions] == [clf.fine_labels[j] for j in p.argmax(axis=1)]
