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
