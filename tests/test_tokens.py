"""The one tokeniser: words keep combining marks, inner apostrophes and hyphens."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from narrascope.nlp.tokens import token_spans, word_spans, words


def test_devanagari_words_stay_whole():
    # Vowel signs and the virama are combining marks, which a plain \w+ splits at.
    assert words("प्रधानमंत्री मोदी ने कहा।") == ["प्रधानमंत्री", "मोदी", "ने", "कहा"]


def test_names_with_apostrophes_and_particles_stay_whole():
    assert words("Hay'at Tahrir al-Sham; don’t; северо-запад") == [
        "Hay'at",
        "Tahrir",
        "al-Sham",
        "don’t",
        "северо-запад",
    ]


def test_tokens_add_punctuation_but_no_spaces():
    text = "Он сказал: «Нет!»"
    assert [text[a:b] for a, b in token_spans(text)] == ["Он", "сказал", ":", "«", "Нет", "!", "»"]


@given(st.text(alphabet=st.sampled_from(list("aé ःि्कख-'. Жж\n")), max_size=60))
def test_spans_cover_each_non_space_character_once(text: str):
    spans = token_spans(text)
    covered = [i for a, b in spans for i in range(a, b)]
    assert covered == sorted(set(covered))
    assert {i for i, ch in enumerate(text) if not ch.isspace()} == set(covered)
    assert all(text[a:b] == text[a:b].strip() for a, b in word_spans(text))
