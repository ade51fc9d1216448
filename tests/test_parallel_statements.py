"""The parallel check set validates, and the agreement benchmark scores predictions as documented.

No model is loaded: predictions are made up from the gold labels.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from narrascope.taxonomy import OTHER, default_taxonomy

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


checker = _load("check_parallel_statements")
agreement = _load("parallel_agreement")


def test_check_set_is_valid() -> None:
    errors, records = checker.validate(checker.DEFAULT_DATA, checker.DEFAULT_TAXONOMY)
    assert errors == []
    assert len(records) == 300
    assert len({r["group"] for r in records}) == 60


def test_checker_catches_a_wrong_script_a_duplicate_and_an_unknown_label(tmp_path: Path) -> None:
    lines = checker.DEFAULT_DATA.read_text(encoding="utf-8").splitlines()[:5]
    lines[4] = lines[1].replace('"language": "ru"', '"language": "hi"')  # Russian text filed as Hindi
    lines[0] = lines[0].replace("Ukraine is a hub for criminal activities", "Ukraine is a criminal hub")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors, _ = checker.validate(bad, checker.DEFAULT_TAXONOMY)
    assert any("DEVANAGARI" in e for e in errors)
    assert any("same text" in e for e in errors)
    assert any("unknown subnarrative" in e for e in errors)


def _gold_predictions(statements, *, drop_language: str | None = None):
    out = {}
    for s in statements:
        if s.language == drop_language or s.is_control:
            labels, subs, best = (OTHER,), (OTHER,), OTHER
        else:
            labels, subs, best = s.narratives, s.subnarratives, s.narratives[0]
        out[s.id] = agreement.Prediction(labels, subs, best, 0.9, best != OTHER)
    return out


def test_perfect_predictions_score_one() -> None:
    statements = agreement.load_statements(agreement.DEFAULT_DATA)
    report = agreement.build_report(statements, _gold_predictions(statements), default_taxonomy(), "test")
    overall = report["overall"]
    assert overall["domain_hit"] == 1.0
    assert overall["coarse_f1"] == pytest.approx(1.0)
    assert overall["fine_f1"] == pytest.approx(1.0)
    assert overall["control_fp"] == 0.0
    assert report["agreement"]["all_five"] == {"groups": 48, "agree": 1.0}
    assert "| **all** |" in agreement.to_markdown(report)


def test_a_silent_language_breaks_agreement_with_english() -> None:
    statements = agreement.load_statements(agreement.DEFAULT_DATA)
    predictions = _gold_predictions(statements, drop_language="hi")
    report = agreement.build_report(statements, predictions, default_taxonomy(), "test")
    assert report["agreement"]["pairs"]["en-hi"]["agree"] == 0.0
    assert report["agreement"]["pairs"]["en-ru"]["agree"] == 1.0
    assert report["by_language"]["hi"]["domain_hit"] == 0.0
    # hi still scores on its 12 controls: F1 = 12/60
    assert report["by_language"]["hi"]["coarse_f1"] == pytest.approx(12 / 60)


def test_best_guess_falls_back_to_the_top_weak_signal() -> None:
    weak = SimpleNamespace(label="URW: Discrediting Ukraine", confidence=0.3)
    analysis = SimpleNamespace(narratives=[], weak_signals=[weak], semeval_labels=lambda: ([OTHER], [OTHER]))
    prediction = agreement.prediction_of(analysis)
    assert prediction.best_guess == "URW: Discrediting Ukraine"
    assert prediction.narratives == (OTHER,)
    assert not prediction.above_threshold
