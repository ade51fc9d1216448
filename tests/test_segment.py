"""Sentence splitting keeps exact offsets into the text as read."""

from hypothesis import given
from hypothesis import strategies as st

from narrascope.nlp.segment import chunk_sentences, split_sentences


def test_sentences_index_the_original_text_with_crlf_and_bom():
    text = "\ufeffA title\r\n\r\nFirst one. Second one!\r\nThird — «quoted.» Fourth?"
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "A title",  # the byte-order mark stays in the text (offsets count it), not in the sentence
        "First one.",
        "Second one!",
        "Third — «quoted.»",
        "Fourth?",
    ]
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_devanagari_danda_ends_a_sentence():
    spans = split_sentences("यह पहला वाक्य है। यह दूसरा है।")
    assert len(spans) == 2


def test_chunks_never_split_a_sentence_and_cover_all_sentences():
    text = " ".join(f"Sentence number {i} has five words." for i in range(30))
    sentences = split_sentences(text)
    chunks = chunk_sentences(sentences, max_words=20)
    assert len(chunks) > 1
    assert sum(len(c.text.split()) for c in chunks) == sum(len(s.text.split()) for s in sentences)
    assert all(len(c.text.split()) <= 20 for c in chunks)


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\r\tЖअ।")), max_size=200))
def test_offsets_always_match(text: str):
    for span in split_sentences(text):
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip()


def test_abbreviations_do_not_end_a_sentence():
    text = "The U.S. Navy moved two ships, Gen. Tom Marsh told reporters. Then the talks began."
    assert [s.text for s in split_sentences(text)] == [
        "The U.S. Navy moved two ships, Gen. Tom Marsh told reporters.",
        "Then the talks began.",
    ]


def test_initials_titles_and_a_following_lowercase_word_keep_a_sentence_whole():
    text = "В 2021 г. в городе выступил проф. И. Петров. Доклад длился час."
    assert [s.text for s in split_sentences(text)] == [
        "В 2021 г. в городе выступил проф. И. Петров.",
        "Доклад длился час.",
    ]


def test_an_acronym_before_a_sentence_opener_still_ends_the_sentence():
    spans = split_sentences("The fine was paid in the U.S. The firm appealed.")
    assert [s.text for s in spans] == ["The fine was paid in the U.S.", "The firm appealed."]


def test_a_missing_space_after_a_full_stop_still_splits():
    text = "Колонна прошла мимо казармы.Солдаты вернулись в часть (ЛНР).Командир доволен."
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "Колонна прошла мимо казармы.",
        "Солдаты вернулись в часть (ЛНР).",
        "Командир доволен.",
    ]
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_domains_and_links_are_not_split():
    text = "Об этом пишет Газета.Ru, а также Daily.News и сайт pic.twitter.com/AbCdEf сегодня."
    assert len(split_sentences(text)) == 1
