"""The technique tagger on self-written texts: offsets, decoding, artifacts, trust, and the CLI."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from narrascope.eval.techniques import TECHNIQUES, PtcCorpus, TechniqueLabel, read_label_file
from narrascope.models.base import NotFittedError
from narrascope.models.techniques import (
    TechniqueConfig,
    TechniqueModel,
    TechniqueTagger,
    doc_tokens,
    form,
    spans_from_scores,
    token_labels,
)
from narrascope.models.training_techniques import train_technique_models
from narrascope.nlp.tokens import token_spans
from narrascope.schema import Techniques

ARTICLES = [
    "Harbour Plan Unveiled\n\nThe corrupt traitors in the council destroyed our harbour. "
    "The mayor opened a new ferry line on Monday.",
    "Storm Season\n\nThese disgusting thugs want to ruin every family. "
    "Rain is expected in the north later this week.",
    "Council Vote\n\nOnly a fool would trust the corrupt council. The vote takes place in May.",
]
LOADED = ["corrupt traitors", "disgusting thugs", "corrupt council"]
NAME = ["fool"]


def gold_spans(text: str) -> list[tuple[int, int, str]]:
    out = []
    pairs = [(p, "Loaded_Language") for p in LOADED] + [(p, "Name_Calling,Labeling") for p in NAME]
    for phrase, tech in pairs:
        at = text.find(phrase)
        if at >= 0:
            out.append((at, at + len(phrase), tech))
    return out


TINY = TechniqueConfig(
    tagger="sgd", n_features=2**12, span_features=2**11, epochs=20, threshold=0.5, max_gap=0
)


@pytest.fixture(scope="module")
def tiny_model() -> TechniqueModel:
    texts = ARTICLES * 3
    return TechniqueModel(TINY).fit(texts, [gold_spans(t) for t in texts])


def test_doc_tokens_index_the_text():
    text = "Tom’s “great” plan — isn't it?\r\nYes."
    for start, end in doc_tokens(text).spans:
        assert text[start:end].strip() == text[start:end] and end > start
    short = "isn't it?"
    assert [short[a:b] for a, b in doc_tokens(short).spans] == ["isn't", "it", "?"]


def test_token_labels_mark_overlapping_tokens():
    tokens = token_spans("a bad man here")
    assert token_labels(tokens, [(2, 9, "Loaded_Language")]).tolist() == [0, 1, 1, 0]
    assert token_labels(tokens, []).tolist() == [0, 0, 0, 0]


def test_spans_from_scores_bridges_short_gaps():
    tokens = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
    scores = np.array([0.9, 0.1, 0.8, 0.1, 0.1])
    assert [s[:2] for s in spans_from_scores(tokens, scores, 0.5, 0, 1)] == [(0, 1), (4, 5)]
    assert [s[:2] for s in spans_from_scores(tokens, scores, 0.5, 1, 1)] == [(0, 5)]
    assert spans_from_scores(tokens, scores, 0.95, 1, 1) == []


def test_doc_tokens_handles_empty_and_whitespace_text():
    for text in ("", "   \n "):
        doc = doc_tokens(text)
        assert doc.spans == [] and doc.features == []


def test_predicted_spans_are_valid_and_named(tiny_model: TechniqueModel):
    text = "Dock Report\n\nThe corrupt traitors sold the dock. Ferries run daily."
    (spans,) = tiny_model.predict([text])
    assert spans, "the tiny model should fire on a phrase it was trained on"
    for start, end, tech, conf in spans:
        assert 0 <= start < end <= len(text)
        assert tech in TECHNIQUES
        assert 0.0 <= conf <= 1.0


def test_save_load_roundtrip_predicts_the_same(tiny_model: TechniqueModel, tmp_path: Path):
    tiny_model.save(tmp_path, {"note": "test"})
    loaded = TechniqueModel.load(tmp_path)
    text = ARTICLES[1]
    before = [(a, b, t) for a, b, t, _ in tiny_model.predict([text])[0]]
    after = [(a, b, t) for a, b, t, _ in loaded.predict([text])[0]]
    assert before == after


def test_load_missing_model_says_how_to_train(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="train techniques"):
        TechniqueModel.load(tmp_path)


def test_tagger_trust_by_language(tiny_model: TechniqueModel):
    texts = [ARTICLES[0], "Прогноз\n\nКорумпированные предатели.", "Texte en français."]
    results = TechniqueTagger(tiny_model).tag(texts, ["en", "ru", "fr"])
    assert [r.trust for r in results] == ["trained", "unsupported", "unsupported"]
    assert [r.model for r in results] == ["span-crf-en", "none", "none"]
    assert all(isinstance(r, Techniques) and r.note and r.evaluation for r in results)
    assert results[1].spans == results[2].spans == []  # no transfer spans unless asked for
    asked = TechniqueTagger(tiny_model).tag(texts, ["en", "ru", "und"], transfer=True)
    assert [r.trust for r in asked] == ["trained", "untested", "unsupported"]
    assert asked[1].model == "transfer-untested" and "UNTESTED" in asked[1].note
    assert all(span.untested for span in asked[1].spans)
    assert not any(span.untested for span in asked[0].spans)
    for text, result in zip(texts, results, strict=True):
        for span in result.spans:
            assert text[span.start : span.end] == span.text


def test_tag_checks_lengths(tiny_model: TechniqueModel):
    with pytest.raises(ValueError, match="differ"):
        TechniqueTagger(tiny_model).tag(["a"], [])


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "narrascope", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_ptc_techniques_and_evaluate(tiny_model: TechniqueModel, tmp_path: Path):
    model_dir = tmp_path / "model"
    tiny_model.save(model_dir, {"note": "test"})
    docs = tmp_path / "articles"
    docs.mkdir()
    gold_lines = []
    for k, text in enumerate(ARTICLES, start=1):
        (docs / f"article{k}.txt").write_text(text, encoding="utf-8")
        gold_lines += [f"{k}\t{t}\t{a}\t{b}" for a, b, t in gold_spans(text)]
    gold = tmp_path / "gold.labels"
    gold.write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    pred = tmp_path / "pred.labels"
    done = run_cli("ptc", "techniques", str(docs), "-o", str(pred), "--model", str(model_dir))
    assert done.returncode == 0, done.stderr
    labels = read_label_file(pred)
    assert labels and {x.article_id for x in labels} <= {"1", "2", "3"}
    scored = run_cli("evaluate", "techniques", str(gold), str(pred), "--json")
    assert scored.returncode == 0, scored.stderr
    assert '"span identification"' in scored.stdout and '"Loaded_Language"' in scored.stdout


def test_cli_bad_inputs_exit_2(tmp_path: Path):
    bad = tmp_path / "bad.labels"
    bad.write_text("1\tLoaded_Language\t9\n", encoding="utf-8")
    done = run_cli("evaluate", "techniques", str(bad), str(bad))
    assert done.returncode == 2 and "line 1" in done.stderr
    missing = run_cli("ptc", "techniques", str(tmp_path / "nope"), "-o", str(tmp_path / "p.labels"))
    assert missing.returncode == 2 and "no such directory" in missing.stderr
    no_data = run_cli("train", "techniques", "--data", str(tmp_path), "--out", str(tmp_path / "m"))
    assert no_data.returncode == 2 and "train-articles" in no_data.stderr


def test_delexicalised_forms_keep_no_word_identity():
    assert form("Traitors", lexical=False) == form("Warriors", lexical=False) == "<Xx2>"
    assert form("?", lexical=False) == "?"
    assert form("Предатели", lexical=True) == "предатели"


def test_tagger_uses_the_transfer_model_for_transfer_languages(tiny_model: TechniqueModel, tmp_path: Path):
    texts = ARTICLES * 3
    delex = TechniqueModel(replace(TINY, lexical=False)).fit(texts, [gold_spans(t) for t in texts])
    tiny_model.save(tmp_path, {"note": "test"})
    delex.save(tmp_path / "transfer", {"note": "test"})
    tagger = TechniqueTagger.load(tmp_path)
    assert tagger.transfer.config.lexical is False and tagger.model.config.lexical is True
    (result,) = tagger.tag(["Порт\n\nКорумпированные предатели продали порт!"], ["ru"], transfer=True)
    assert result.trust == "untested"


def test_crf_tagger_fits_predicts_and_roundtrips(tmp_path: Path):
    pytest.importorskip("pycrfsuite")
    cfg = replace(TINY, tagger="crf", crf_iterations=30, crf_inner_folds=3, sentence_mix=0.0, threshold=0.3)
    texts = ARTICLES * 3
    model = TechniqueModel(cfg).fit(texts, [gold_spans(t) for t in texts])
    assert "corrupt" in model.lexicon_
    (spans,) = model.predict([ARTICLES[0]])
    assert spans, "the CRF should fire on a phrase it was trained on"
    for start, end, tech, conf in spans:
        assert 0 <= start < end <= len(ARTICLES[0])
        assert tech in TECHNIQUES
        assert 0.0 <= conf <= 1.0
    model.save(tmp_path, {"note": "test"})
    loaded = TechniqueModel.load(tmp_path)
    before = [(a, b, t) for a, b, t, _ in model.predict([ARTICLES[1]])[0]]
    assert before == [(a, b, t) for a, b, t, _ in loaded.predict([ARTICLES[1]])[0]]
    assert model.predict([""]) == [[]]


def test_fit_returns_the_model_and_proba_has_one_value_per_token(tiny_model: TechniqueModel):
    texts = ARTICLES * 3
    model = TechniqueModel(TINY)
    assert model.fit(texts, [gold_spans(t) for t in texts]) is model
    text = "Quay News\n\nThe disgusting thugs left. The पुलिस arrived later."
    (proba,) = tiny_model.predict_proba([text])
    assert proba.shape == (len(doc_tokens(text).spans),)
    assert np.all((proba >= 0) & (proba <= 1))
    assert tiny_model.decode([text], [proba]) == tiny_model.predict([text])


def test_decode_follows_the_probabilities(tiny_model: TechniqueModel):
    text = "Plain words here and there."
    n = len(doc_tokens(text).spans)
    assert tiny_model.decode([text], [np.zeros(n)]) == [[]]
    (spans,) = tiny_model.decode([text], [np.ones(n)])
    assert [(a, b) for a, b, _, _ in spans] == [(0, len(text))]


@pytest.mark.parametrize("tagger", ["sgd", "crf"])
def test_unfitted_model_raises_not_fitted(tagger: str, tmp_path: Path):
    model = TechniqueModel(replace(TINY, tagger=tagger))
    with pytest.raises(NotFittedError, match="fit"):
        model.predict_proba(["Some text."])
    with pytest.raises(NotFittedError):
        model.save(tmp_path, {})
    assert not (tmp_path / "manifest.json").exists()


def test_artifact_of_another_format_is_refused(tiny_model: TechniqueModel, tmp_path: Path):
    manifest = tiny_model.save(tmp_path, {"model": "narrascope-techniques"})
    assert manifest.format == 2 and manifest.extra("techniques") == list(TECHNIQUES)
    old = (tmp_path / "manifest.json").read_text(encoding="utf-8").replace('"format": 2', '"format": 1')
    (tmp_path / "manifest.json").write_text(old, encoding="utf-8")
    with pytest.raises(ValueError, match="format 1"):
        TechniqueModel.load(tmp_path)


def test_training_takes_texts_not_files(tmp_path: Path):
    texts = ARTICLES * 2
    ids = [str(k) for k in range(len(texts))]
    spans = [sorted(gold_spans(t)) for t in texts]
    gold = [TechniqueLabel(i, a, b, t) for i, doc in zip(ids, spans, strict=True) for a, b, t in doc]
    corpus = PtcCorpus(ids, texts, spans, gold)
    manifest = train_technique_models(
        corpus, tmp_path, source="in-memory test texts", folds=2, config=TINY, transfer_config=TINY
    )
    assert manifest["trained_on"]["data"] == "in-memory test texts"
    assert manifest["cross_validation"]["folds"] == 2
    tagger = TechniqueTagger.load(tmp_path)
    (result,) = tagger.tag([ARTICLES[0]], ["hi"], transfer=True)
    assert result.trust == "untested"
