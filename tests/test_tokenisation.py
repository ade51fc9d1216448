"""One word definition in every stage: the technique tagger, mention detection and sourcing
all take words from ``narrascope.nlp.tokens``. Texts written for these tests."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narrascope.models.techniques import doc_tokens, spans_from_scores
from narrascope.nlp import ner, sourcing
from narrascope.nlp.tokens import token_spans, whole_word, word_spans, words

# Virama, vowel signs, anusvara; a zero-width joiner after a virama (common in Hindi news);
# a decomposed accent (NFD "José"); compounds with inner hyphens and apostrophes.
HINDI = ["प्रधानमंत्री", "विशेषज्ञों", "क्\u200dया", "संभावना"]
OTHER = ["Jose\u0301", "well-known", "isn't", "северо-запад", "Hay'at", "2024", "Москва"]
PUNCT = [",", ".", "।", "—", "-", "«", "»", "“", "”", "?", "(", ")", "'", "_"]


def stage_words(text: str) -> dict[str, list[str]]:
    """The words each stage sees (punctuation tokens dropped)."""
    technique = [text[a:b] for a, b in doc_tokens(text).spans]
    return {
        "techniques": [w for w in technique if any(ch.isalnum() for ch in w)],
        "ner": [w for _, _, w in ner.tokens(text)],
        "sourcing": sourcing._TOKEN.findall(text),
    }


@pytest.mark.parametrize("word", HINDI + OTHER)
def test_a_word_is_one_token_in_every_stage(word: str) -> None:
    text = f"({word}।"
    for stage, found in stage_words(text).items():
        assert found == [word], stage


def test_danda_and_dash_are_never_part_of_a_word() -> None:
    text = "प्रधानमंत्री ने कहा। - फिर"
    assert words(text) == ["प्रधानमंत्री", "ने", "कहा", "फिर"]
    for found in stage_words(text).values():
        assert found == ["प्रधानमंत्री", "ने", "कहा", "फिर"]


def test_whole_word_edges_follow_the_word_definition() -> None:
    import re

    cue = re.compile(whole_word("секретарь"))
    assert cue.search("пресс-секретарь") is None  # part of a compound: not the cue
    assert cue.search("секретарь сказал")
    parts = re.compile(whole_word("Russia", parts=True))
    assert parts.search("the Russia-Ukraine war")  # a gazetteer may match a compound's part
    hindi = re.compile(whole_word("ने"))
    assert hindi.search("उन्होंने कहा") is None  # a vowel sign is inside the word
    assert hindi.search("मंत्री ने।")


_pieces = st.lists(st.sampled_from(HINDI + OTHER + PUNCT), min_size=1, max_size=30)
_gaps = st.sampled_from([" ", "", "\n", "  "])


@st.composite
def mixed_text(draw: st.DrawFn) -> str:
    pieces = draw(_pieces)
    return "".join(p + draw(_gaps) for p in pieces)


def inside_a_word(text: str, offset: int) -> bool:
    return any(a < offset < b for a, b in word_spans(text))


@settings(max_examples=200, deadline=None)
@given(mixed_text(), st.integers(0, 2**32 - 1), st.integers(0, 3))
def test_technique_spans_never_start_or_end_inside_a_word(text: str, seed: int, gap: int) -> None:
    doc = doc_tokens(text)
    scores = np.random.default_rng(seed).random(len(doc.spans))
    for start, end, _ in spans_from_scores(doc.spans, scores, 0.5, gap, 1):
        assert not inside_a_word(text, start) and not inside_a_word(text, end)


@settings(max_examples=200, deadline=None)
@given(mixed_text())
def test_tokens_cover_every_non_space_character_once(text: str) -> None:
    spans = token_spans(text)
    covered = [i for a, b in spans for i in range(a, b)]
    assert covered == sorted(set(covered))
    assert set(covered) == {i for i, ch in enumerate(text) if not ch.isspace()}


def test_an_emoji_bullet_does_not_swallow_the_next_word() -> None:
    # U+FE0F (variation selector) is a combining mark that belongs to the symbol "▪".
    text = "▪️Русия увеличава износа.\n❗️Всъщност нищо не става."
    assert words(text)[:2] == ["Русия", "увеличава"]
    assert [c.text for c in ner.capitalised_runs(text, "bg")] == ["Русия", "Всъщност"]
    assert [c.text for c in ner.Gazetteer(["Русия"]).find(text)] == ["Русия"]


def test_a_joiner_inside_a_hindi_word_keeps_the_gazetteer_match_whole() -> None:
    text = "नई दिल्\u200dली में बैठक हुई।"
    assert [c.text for c in ner.Gazetteer(["नई दिल्\u200dली"]).find(text)] == ["नई दिल्\u200dली"]
    # The match runs to the word's end, not to the joiner (stem + at most four word characters).
    assert [c.text for c in ner.Gazetteer(["पृथ्"]).find("पृथ्\u200dवी की गति")] == ["पृथ्\u200dवी"]
