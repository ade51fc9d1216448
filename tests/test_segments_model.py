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
from narrascope.models.segments import (
    ANY,
    ExtraRows,
    SegmentConfig,
    SegmentTechniqueModel,
    _fit_heads,
    choose_memory_weight,
)
from narrascope.models.training_segments import (
    label_matrix,
    language_folds,
    read_ptc_rows,
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
    config = SegmentConfig()  # the shipped settings: English PTC rows in the e5 heads
    extra = fake_extra(root)
    train_segment_model(corpus, out, folds=2, vectors=fake_vectors(data.texts), config=config, extra=extra)
    return corpus, out


def fake_extra(root: Path) -> ExtraRows:
    """English rows from the written PTC-format folder below, with made-up vectors."""
    folder = root / "ptc"
    ptc = read_ptc_rows(
        folder if folder.exists() else write_ptc(folder), (*persuasion_techniques().labels(), ANY)
    )
    return ExtraRows(fake_vectors(ptc.texts), ptc.Y, ptc.known)


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
    extra = fake_extra(tmp_path)
    train_segment_model(corpus, tmp_path / "again", folds=0, vectors=fake_vectors(data.texts), extra=extra)
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


# -- English PTC sentences as training-only rows of the e5 heads ----------------------------

PTC_ARTICLES = {
    "111": "Those traitors rob the people every day. The meeting began at ten o'clock.\n"
    "What about their own crimes, then? The budget passed its first reading.",
    "222": "Only a fool would believe such promises today. Nothing else happened at all.",
}
# (article, PTC label, the span's text): offsets are found in the text above
PTC_SPANS = [
    ("111", "Name_Calling,Labeling", "traitors"),
    ("111", "Loaded_Language", "rob the people"),
    ("111", "Whataboutism,Straw_Men,Red_Herring", "What about their own crimes"),
    ("222", "Doubt", "believe such promises"),
]


def write_ptc(root: Path) -> Path:
    (root / "train-articles").mkdir(parents=True)
    for article, text in PTC_ARTICLES.items():
        (root / "train-articles" / f"article{article}.txt").write_text(text, encoding="utf-8")
    lines = []
    for article, label, quote in PTC_SPANS:
        start = PTC_ARTICLES[article].index(quote)
        lines.append(f"{article}\t{label}\t{start}\t{start + len(quote)}")
    (root / "train-task2-TC.labels").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_ptc_rows_take_only_the_labels_the_mapping_gives_unambiguously(tmp_path: Path):
    labels = (*persuasion_techniques().labels(), ANY)
    col = {label: j for j, label in enumerate(labels)}
    rows = read_ptc_rows(write_ptc(tmp_path / "ptc"), labels)
    assert rows.texts[0] == "Those traitors rob the people every day."
    assert len(rows.texts) == 6 and rows.documents[:4] == ["111"] * 4
    first, meeting, whatabout = rows.Y[0], rows.known[1], 2
    assert first[col["Name_Calling-Labeling"]] == first[col["Loaded_Language"]] == first[col[ANY]] == 1
    assert first.sum() == 3
    assert rows.Y[1].sum() == 0 and meeting[col["Doubt"]] and meeting[col["Straw_Man"]]
    # techniques PTC does not annotate are unknown everywhere, never negatives
    assert not rows.known[:, col["Questioning_the_Reputation"]].any()
    # a merged class: some member is there, which one is not said
    assert rows.Y[whatabout, col[ANY]] == 1
    for member in ("Whataboutism", "Straw_Man", "Red_Herring"):
        assert rows.Y[whatabout, col[member]] == 0 and not rows.known[whatabout, col[member]]
    assert rows.Y[4, col["Doubt"]] == 1 and set(rows.hashes) == {
        "ptc/train-task2-TC.labels",
        "ptc/train-articles",
    }


def test_ptc_rows_reject_a_label_the_taxonomy_does_not_know(tmp_path: Path):
    root = write_ptc(tmp_path / "ptc")
    with (root / "train-task2-TC.labels").open("a", encoding="utf-8") as handle:
        handle.write("111\tNot_A_PTC_Label\t0\t5\n")
    with pytest.raises(ValueError, match="Not_A_PTC_Label"):
        read_ptc_rows(root, (*persuasion_techniques().labels(), ANY))


def test_rows_with_an_unknown_label_do_not_touch_that_head():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    Y = (X[:, :2] > 0).astype(np.int8)
    extra_X, extra_Y = rng.normal(size=(10, 5)), np.ones((10, 2), np.int8)
    known = np.c_[np.zeros(10, bool), np.ones(10, bool)]
    alone = _fit_heads(X, Y, 1.0, "lbfgs")
    joined = _fit_heads(
        np.vstack([X, extra_X]),
        np.vstack([Y, extra_Y]),
        1.0,
        "lbfgs",
        weights=np.ones(50),
        known=np.vstack([np.ones((40, 2), bool), known]),
    )
    np.testing.assert_allclose(joined[0][0], alone[0][0], atol=1e-4)  # column 0: left out
    assert not np.allclose(joined[0][1], alone[0][1], atol=1e-3)  # column 1: used


def test_training_with_english_rows_serves_only_its_own_languages(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    data = read_segments(corpus)
    labels = (*persuasion_techniques().labels(), ANY)
    ptc = read_ptc_rows(write_ptc(tmp_path / "ptc"), labels)
    extra = ExtraRows(fake_vectors(ptc.texts), ptc.Y, ptc.known)
    config = SegmentConfig(extra_weight=0.5)
    out = tmp_path / "model"
    train_segment_model(corpus, out, folds=0, vectors=fake_vectors(data.texts), extra=extra, config=config)
    model = SegmentTechniqueModel.load(out)
    assert model.languages == ("bg", "pl", "ru")
    clf = model.classifier
    assert clf.dense_languages == ("bg", "pl", "ru", "en") and clf.vec_coef_ is not None
    assert clf.vec_coef_.shape == (len(labels), 384 + 4)
    assert model.manifest.trained_on["extra_rows"]["rows"] == len(ptc.texts)
    texts = [text for text, _ in LINES["RU"]]
    assert len(model.predict(texts, "ru", fake_vectors(texts))) == 4
    with pytest.raises(ValueError, match="no segment technique model for language 'en'"):
        model.predict(["Those traitors."], "en")
    # without the English rows the e5 heads differ
    plain = tmp_path / "plain"
    config = SegmentConfig(extra_weight=0.0)
    train_segment_model(corpus, plain, folds=0, vectors=fake_vectors(data.texts), config=config)
    with np.load(out / "segments.npz") as a, np.load(plain / "segments.npz") as b:
        assert a["vec_coef"].shape[1] == b["vec_coef"].shape[1] + 1
        assert np.array_equal(a["lex_coef_q"], b["lex_coef_q"])  # lexical heads: Slavic rows only


def test_english_rows_need_the_ptc_corpus_beside_the_slavic_one(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    data = read_segments(corpus)
    with pytest.raises(ValueError, match="PTC"):
        train_segment_model(
            corpus,
            tmp_path / "model",
            folds=0,
            vectors=fake_vectors(data.texts),
            config=SegmentConfig(extra_weight=0.5),
        )
    with pytest.raises(ValueError, match="same number of rows"):
        ExtraRows(np.zeros((2, 384)), np.zeros((3, 26)), np.ones((3, 26), bool))


# -- the nearest-neighbour memory -----------------------------------------------------------


def test_memory_weight_is_chosen_on_inner_scores():
    rng = np.random.default_rng(0)
    Y = (rng.random((60, 3)) < 0.3).astype(np.int8)
    noise = rng.random(Y.shape).astype(np.float32)
    languages = ["bg"] * 30 + ["ru"] * 30
    config = SegmentConfig(memory_weights=(0.0, 0.3, 0.7))
    # the memory knows the answer: the largest weight wins; a useless memory: none
    assert choose_memory_weight(noise, Y.astype(np.float32), Y, languages, config) == 0.7
    assert choose_memory_weight(Y.astype(np.float32), noise, Y, languages, config) == 0.0


def test_memory_returns_the_label_share_of_the_nearest_segments(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    data = read_segments(corpus)
    vectors = fake_vectors(data.texts)
    out = tmp_path / "model"
    config = SegmentConfig(memory_k=3, memory_weights=(0.5,), extra_weight=0.0)
    train_segment_model(corpus, out, folds=0, vectors=vectors, config=config)
    model = SegmentTechniqueModel.load(out)
    clf = model.classifier
    assert clf.memory_weight_ == 0.5 and clf.memory_labels_ is not None
    labels = (*persuasion_techniques().labels(), ANY)
    Y = label_matrix(data.techniques, labels)
    assert np.array_equal(clf.memory_labels_, Y)  # bit-packed in the artifact, read back whole
    # a training segment's own vector finds itself first; k=1 gives back its labels exactly
    clf.config.memory_k = 1
    np.testing.assert_array_equal(clf.memory_proba(vectors[:5]), Y[:5])
    clf.config.memory_k = 3
    share = clf.memory_proba(vectors[:5])
    assert share.shape == (5, len(labels))
    assert np.allclose(share * 3, np.round(share * 3))  # shares of 3 neighbours
    # the saved model predicts what the trained one did
    texts = [text for text, _ in LINES["PL"]]
    again = SegmentTechniqueModel.load(out)
    assert again.predict(texts, "pl", fake_vectors(texts)) == model.predict(texts, "pl", fake_vectors(texts))
    no_memory = tmp_path / "plain"
    train_segment_model(
        corpus,
        no_memory,
        folds=0,
        vectors=vectors,
        config=SegmentConfig(memory_weights=(0.0,), extra_weight=0.0),
    )
    with np.load(no_memory / "segments.npz") as arrays:
        assert "memory_vectors" not in arrays.files


def test_an_artifact_from_before_the_english_rows_still_loads(tmp_path: Path):
    import json

    corpus = write_corpus(tmp_path / "corpus")
    data = read_segments(corpus)
    out = tmp_path / "old"
    config = SegmentConfig(extra_weight=0.0)
    train_segment_model(corpus, out, folds=0, vectors=fake_vectors(data.texts), config=config)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for key in ("extra_weight", "extra_language", "memory_k", "memory_weights"):
        del manifest["config"][key]  # what format-1 manifests of round 2 hold
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    model = SegmentTechniqueModel.load(out)
    assert model.classifier.dense_languages == ("bg", "pl", "ru")
    texts = [text for text, _ in LINES["BG"]]
    assert len(model.predict(texts, "bg", fake_vectors(texts))) == 4
