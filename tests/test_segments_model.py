"""The segment technique detector: corpus reader, trainer and the shipped interface.

Trained on a tiny corpus written here (no shared data) with made-up vectors, so these
tests check behaviour (files, shapes, thresholds, errors), never accuracy.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from conftest import SHARED_DATA
from narrascope.models.segments import ANY, SegmentConfig, SegmentTechniqueModel
from narrascope.models.training_segments import (
    label_matrix,
    language_folds,
    read_segments,
    train_segment_model,
)
from narrascope.taxonomy.techniques import persuasion_techniques

HEADER = ["filename", "start", "end", "content", "techniques", "persuasion_strategies"]
LINES = {
    "BG": [
        ("Тези предатели крадат от народа всеки ден.", ["Name_Calling-Labeling", "Loaded_Language"]),
        ("Наистина ли вярвате на тези обещания?", ["Doubt"]),
        ("Заседанието започна в десет часа.", []),
        ("Бюджетът беше приет на първо четене.", []),
    ],
    "RU": [
        ("Эти предатели грабят народ каждый день.", ["Name_Calling-Labeling", "Loaded_Language"]),
        ("Неужели вы верите этим обещаниям?", ["Doubt"]),
        ("Заседание началось в десять часов.", []),
        ("Бюджет был принят в первом чтении.", []),
    ],
    "PL": [
        ("Ci zdrajcy okradają naród każdego dnia.", ["Name_Calling-Labeling", "Loaded_Language"]),
        ("Czy naprawdę wierzycie tym obietnicom?", ["Doubt"]),
        ("Posiedzenie rozpoczęło się o dziesiątej.", []),
        ("Budżet przyjęto w pierwszym czytaniu.", []),
    ],
}


def write_corpus(root: Path, documents: int = 6) -> Path:
    """``documents`` files per language, each with every line of ``LINES`` (numbered, so
    texts differ), split between train.csv and valid.csv."""
    for lang, lines in LINES.items():
        (root / lang).mkdir(parents=True)
        for split in ("train", "valid"):
            with (root / lang / f"{split}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(HEADER)
                docs = range(documents - 2) if split == "train" else range(documents - 2, documents)
                for d in docs:
                    for i, (text, names) in enumerate(lines):
                        writer.writerow(
                            [f"doc_{lang}_{d}.txt", i * 100, i * 100 + 50, f"{text} ({d})", repr(names), "[]"]
                        )
    return root


def fake_vectors(texts: list[str]) -> np.ndarray:
    """Deterministic unit vectors that carry the label signal a little (technique rows share a direction)."""
    rng = np.random.default_rng(0)
    out = rng.normal(size=(len(texts), 384)).astype(np.float32)
    out[:, 0] += [3.0 if ("?" in t or "пред" in t or "zdraj" in t) else 0.0 for t in texts]
    return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("segments")
    corpus = write_corpus(root / "corpus")
    data = read_segments(corpus)
    out = root / "model"
    train_segment_model(corpus, out, folds=2, vectors=fake_vectors(data.texts), config=SegmentConfig())
    return corpus, out


def test_reader_pools_train_and_valid_of_every_language(tmp_path: Path):
    data = read_segments(write_corpus(tmp_path))
    assert len(data) == 3 * 6 * 4
    assert set(data.languages) == {"bg", "pl", "ru"}
    assert set(data.hashes) == {
        f"{lang}/{split}.csv" for lang in ("BG", "PL", "RU") for split in ("train", "valid")
    }
    labels = (*persuasion_techniques().labels(), ANY)
    Y = label_matrix(data.techniques, labels)
    assert Y[:, -1].sum() == 3 * 6 * 2  # two lines of four carry a technique


def test_reader_rejects_unknown_technique_names(tmp_path: Path):
    corpus = write_corpus(tmp_path)
    with (corpus / "BG" / "train.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["x.txt", 0, 1, "текст", "['Not_A_Technique']", "[]"])
    with pytest.raises(ValueError, match="Not_A_Technique"):
        read_segments(corpus)


def test_reader_says_when_there_is_no_data(tmp_path: Path):
    with pytest.raises(ValueError, match=r"no <LANG>/train\.csv"):
        read_segments(tmp_path)


def test_folds_keep_documents_together_and_are_the_same_per_language():
    languages = ["bg"] * 20 + ["ru"] * 20
    groups = [f"d{i // 4}" for i in range(40)]
    folds = language_folds(languages, groups, 5)
    seen = np.concatenate([test for _, test in folds])
    assert sorted(seen) == list(range(40))
    for train, test in folds:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
    bg_only = language_folds(languages[:20], groups[:20], 5)
    for (_, pooled), (_, alone) in zip(folds, bg_only, strict=True):
        assert list(pooled[pooled < 20]) == list(alone)


def test_training_writes_a_manifest_with_cv_thresholds_and_data_hashes(trained: tuple[Path, Path]):
    _, out = trained
    model = SegmentTechniqueModel.load(out)
    manifest = model.manifest
    assert manifest.model == "narrascope-segments"
    assert set(manifest.trained_on["sha256"]) >= {"BG/train.csv", "RU/valid.csv"}
    assert set(manifest.cross_validation) == {"BG", "PL", "RU"}
    assert {"always_yes", "tfidf", "lexical", "fused"} <= set(manifest.cross_validation["RU"])
    assert set(manifest.extra("thresholds")["fused"]["bg"]) == {*persuasion_techniques().labels(), ANY}


def test_interface_shapes_and_labels(trained: tuple[Path, Path]):
    _, out = trained
    model = SegmentTechniqueModel.load(out)
    assert model.languages == ("bg", "pl", "ru")
    assert model.labels == persuasion_techniques().labels()
    assert model.needs_vectors
    texts = ["Тези предатели крадат.", "Заседанието започна."]
    for vectors in (None, fake_vectors(texts)):
        found = model.predict(texts, "bg", vectors)
        assert len(found) == 2
        for segment in found:
            confidences = [c for _, c in segment]
            assert confidences == sorted(confidences, reverse=True)
            assert all(label in model.labels for label, _ in segment)
        any_p = model.any_confidence(texts, "bg", vectors)
        assert any_p.shape == (2,) and ((any_p >= 0) & (any_p <= 1)).all()


def test_empty_input_and_unknown_language(trained: tuple[Path, Path]):
    _, out = trained
    model = SegmentTechniqueModel.load(out)
    assert model.predict([], "ru") == []
    assert model.any_confidence([], "ru").shape == (0,)
    with pytest.raises(ValueError, match="no segment technique model for language 'hi'"):
        model.predict(["नमस्ते"], "hi")
    with pytest.raises(ValueError, match="no segment technique model"):
        model.predict([], "de")
    with pytest.raises(ValueError, match="vectors must have shape"):
        model.predict(["Текст."], "ru", np.zeros((2, 384), dtype=np.float32))


def test_predictions_respect_the_language_thresholds(trained: tuple[Path, Path]):
    _, out = trained
    model = SegmentTechniqueModel.load(out)
    clf = model.classifier
    assert clf.thresholds_ is not None
    texts = [text for text, _ in LINES["RU"]]
    for found in model.predict(texts, "ru"):
        for label, confidence in found:
            assert confidence >= clf.threshold("ru", "lexical")[clf.labels.index(label)] - 1e-4
    clf.thresholds_[:] = 1.01  # nothing can pass
    assert model.predict(texts, "ru") == [[], [], [], []]
    clf.thresholds_[:] = 0.0  # everything passes
    assert all(len(found) == len(model.labels) for found in model.predict(texts, "ru"))


def test_evaluation_line_names_the_data_and_the_figures(trained: tuple[Path, Path]):
    _, out = trained
    model = SegmentTechniqueModel.load(out)
    line = model.evaluation("ru")
    assert "Slavic persuasion corpus" in line and "CV" in line and "macro-F1" in line
    assert "no segment technique model" in model.evaluation("hi")


def test_training_is_deterministic(trained: tuple[Path, Path], tmp_path: Path):
    corpus, out = trained
    data = read_segments(corpus)
    train_segment_model(corpus, tmp_path / "again", folds=0, vectors=fake_vectors(data.texts))
    with np.load(out / "segments.npz") as a, np.load(tmp_path / "again" / "segments.npz") as b:
        assert a.files == b.files
        for name in a.files:
            assert np.array_equal(a[name], b[name]), name


def test_the_environment_variable_points_the_loader_elsewhere(
    trained: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
):
    _, out = trained
    monkeypatch.setenv(SegmentTechniqueModel.ENV_VAR, str(out))
    assert SegmentTechniqueModel.default_folder() == out
    assert SegmentTechniqueModel.load().languages == ("bg", "pl", "ru")


def test_the_shipped_artifact_loads_and_serves_bulgarian_polish_russian():
    model = SegmentTechniqueModel.load(SegmentTechniqueModel.default_folder())
    assert model.languages == ("bg", "pl", "ru")
    assert model.labels == persuasion_techniques().labels()
    assert len(model.predict(["Това е изречение."], "bg")) == 1


@pytest.mark.slow  # minutes: embeds and cross-validates the whole corpus
def test_training_on_the_shared_corpus_end_to_end(tmp_path: Path):
    corpus = SHARED_DATA / "slavic-persuasion-2025"
    if not corpus.exists():
        pytest.skip(f"shared Slavic persuasion data not found at {corpus}")
    manifest = train_segment_model(
        corpus, tmp_path / "model", folds=2, config=SegmentConfig(use_vectors=False)
    )
    assert set(manifest.cross_validation) == {"BG", "PL", "RU"}
    assert SegmentTechniqueModel.load(tmp_path / "model").predict(["Това е изречение."], "bg") is not None
