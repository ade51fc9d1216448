"""Tests for narrascope.taxonomy: packaged data, lookups and pluggable domain files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from narrascope.taxonomy import (
    ENV_VAR,
    OTHER,
    Narrative,
    Subnarrative,
    Taxonomy,
    TaxonomyError,
    default_taxonomy,
    load_taxonomy,
)

REFERENCE_DIR = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "semeval2025-task10" / "taxonomy"
)

ELX: dict[str, Any] = {
    "domain": "ELX",
    "name": "Elections",
    "description": "Made-up test domain about elections.",
    "narratives": [
        {
            "name": "Elections are rigged",
            "description": "Claims that election results are manipulated.",
            "subnarratives": [
                {"name": "Voting machines are hacked", "description": "Claims machines alter votes."},
                {"name": "Other", "description": "Anything else about rigging."},
            ],
        }
    ],
}


@pytest.fixture(autouse=True)
def _no_env_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def tax() -> Taxonomy:
    return load_taxonomy()


def _reference_labels(filename: str) -> list[str]:
    if not REFERENCE_DIR.is_dir():
        pytest.skip(
            f"reference taxonomy not found at {REFERENCE_DIR}; skipping comparison with SemEval labels"
        )
    lines = (REFERENCE_DIR / filename).read_text(encoding="utf-8").splitlines()
    return sorted(line.strip() for line in lines if line.strip() and line.strip() != OTHER)


def _write_domain(directory: Path, data: dict[str, Any], filename: str = "elx.json") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / filename
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_packaged_domains(tax: Taxonomy) -> None:
    assert sorted(tax.domains) == ["CC", "URW"]
    assert tax.domains["URW"].name == "Ukraine-Russia war"
    assert default_taxonomy() is default_taxonomy()


def test_narrative_labels_match_reference(tax: Taxonomy) -> None:
    expected = _reference_labels("subtask2_narratives.txt")
    assert len(tax.narrative_labels()) == len(expected)
    assert tax.narrative_labels() == expected


def test_subnarrative_labels_match_reference(tax: Taxonomy) -> None:
    expected = _reference_labels("subtask2_subnarratives.txt")
    assert len(tax.subnarrative_labels()) == len(expected)
    assert tax.subnarrative_labels() == expected


def test_labels_are_sorted_and_exclude_other(tax: Taxonomy) -> None:
    for labels in (tax.narrative_labels(), tax.subnarrative_labels()):
        assert labels == sorted(labels)
        assert OTHER not in labels


def test_parent_of_every_subnarrative(tax: Taxonomy) -> None:
    for narrative in tax.narratives():
        for sub in narrative.subnarratives:
            assert tax.parent(sub.label) == narrative.label
            assert sub.label.startswith(narrative.label + ": ")
    assert tax.parent(OTHER) == OTHER
    with pytest.raises(KeyError, match="narrative label"):
        tax.parent("URW: Discrediting Ukraine")


def test_lookups(tax: Taxonomy) -> None:
    west = "URW: Discrediting the West, Diplomacy"
    sub = f"{west}: The West is weak"
    narrative = tax.get(west)
    assert isinstance(narrative, Narrative)
    assert narrative.name == "Discrediting the West, Diplomacy"
    assert narrative.domain == "URW"
    found = tax.get(sub)
    assert isinstance(found, Subnarrative)
    assert found.narrative == west
    assert tax.name_of(sub) == "The West is weak"
    assert tax.name_of(f"{west}: Other") == OTHER
    assert tax.name_of(OTHER) == OTHER
    assert tax.domain_of(sub) == "URW"
    assert tax.domain_of("CC: Climate change is beneficial") == "CC"
    assert tax.domain_of(OTHER) is None
    assert tax.domain_of("XX: nothing") is None
    assert tax.is_known(OTHER)
    assert tax.is_known(sub)
    assert not tax.is_known("URW: Not a narrative")
    with pytest.raises(KeyError, match="unknown taxonomy label"):
        tax.get("URW: Not a narrative")
    with pytest.raises(KeyError, match="catch-all"):
        tax.get(OTHER)


def test_narratives_without_other_follow_reference(tax: Taxonomy) -> None:
    # Not every narrative has an "Other" subnarrative (e.g. CC: Climate change is beneficial).
    assert not tax.is_known("CC: Climate change is beneficial: Other")
    assert tax.is_known("URW: Hidden plots by secret schemes of powerful groups: Other")


def test_descriptions_present_and_short(tax: Taxonomy) -> None:
    entries: list[tuple[str, str]] = [(d.code, d.description) for d in tax.domains.values()]
    entries += [(n.label, n.description) for n in tax.narratives()]
    entries += [(s.label, s.description) for s in tax.subnarratives()]
    for label, description in entries:
        assert description.strip(), label
        assert len(description.split()) <= 40, label


def test_new_domain_via_extra_dirs(tmp_path: Path) -> None:
    _write_domain(tmp_path / "extra", ELX)
    tax = load_taxonomy(extra_dirs=[tmp_path / "extra"])
    assert sorted(tax.domains) == ["CC", "ELX", "URW"]
    assert "ELX: Elections are rigged" in tax.narrative_labels()
    assert tax.subnarrative_labels(domain="ELX") == [
        "ELX: Elections are rigged: Other",
        "ELX: Elections are rigged: Voting machines are hacked",
    ]
    assert tax.parent("ELX: Elections are rigged: Other") == "ELX: Elections are rigged"
    assert "ELX" not in load_taxonomy().domains


def test_new_domain_via_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _write_domain(tmp_path / "env", ELX)
    monkeypatch.setenv(ENV_VAR, os.pathsep.join([str(empty), str(tmp_path / "env")]))
    tax = load_taxonomy()
    assert "ELX" in tax.domains
    assert tax.domain_of("ELX: Elections are rigged: Voting machines are hacked") == "ELX"


def test_malformed_json_names_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"broken\.json"):
        load_taxonomy(extra_dirs=[tmp_path])


def test_invalid_schema_names_file_and_problem(tmp_path: Path) -> None:
    data = json.loads(json.dumps(ELX))
    del data["narratives"][0]["description"]
    _write_domain(tmp_path, data, "bad_schema.json")
    with pytest.raises(TaxonomyError, match=r"bad_schema\.json.*description"):
        load_taxonomy(extra_dirs=[tmp_path])


def test_duplicate_domain_rejected(tmp_path: Path) -> None:
    data = dict(ELX, domain="URW")
    _write_domain(tmp_path, data, "urw_again.json")
    with pytest.raises(TaxonomyError, match="duplicate taxonomy domain 'URW'"):
        load_taxonomy(extra_dirs=[tmp_path])


def test_missing_directory_rejected(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="does not exist"):
        load_taxonomy(extra_dirs=[tmp_path / "nope"])


def test_models_are_frozen(tax: Taxonomy) -> None:
    narrative = tax.narratives()[0]
    with pytest.raises(ValueError):
        narrative.name = "changed"  # type: ignore[misc]
