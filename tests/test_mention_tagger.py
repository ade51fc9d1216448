"""The learned mention tagger (models.mentions): tags, label projection, fit/load round trip.

Every text here was written for these tests.
"""

from __future__ import annotations

from pathlib import Path

from narrascope.models.mentions import MentionTagger, TaggerConfig, bio_tags, projected_mentions


def test_bio_tags_mark_the_first_word_of_each_mention():
    spans = [(0, 5), (6, 11), (12, 15), (16, 21)]
    assert bio_tags(spans, [(6, 15)]) == ["O", "B", "I", "O"]
    assert bio_tags(spans, [(0, 5), (16, 21)]) == ["B", "O", "O", "B"]


def test_an_annotated_name_is_projected_onto_its_unmarked_repeats():
    text = "राम कुमार ने कहा। बाद में राम कुमार लौटे। रामपुर शांत है।"
    first = (0, len("राम कुमार"))
    found = projected_mentions(text, [first])
    assert [text[s:e] for s, e in found] == ["राम कुमार", "राम कुमार"]  # not inside "रामपुर"


def test_tagger_learns_a_context_and_round_trips(tmp_path: Path):
    names = ["Zarnovia", "Keldor", "Vastmark", "Orlen", "Dunmere", "Tarsk"]
    docs = []
    for i, name in enumerate(names * 3):
        text = f"The council of {name} met on day {i}. Officials from {name} left early."
        start = text.index(name)
        docs.append((text, [(start, start + len(name))]))
    tagger = MentionTagger(TaggerConfig(max_iterations=50)).fit(docs, tmp_path / "m.crfsuite")
    text = "The council of Brevik met on day 9. Nobody else came."
    spans = tagger.spans(text)
    assert all(text[s:e].strip() == text[s:e] and 0 <= p <= 1 for s, e, p in spans)
    tagger.save(tmp_path / "artifact")
    assert MentionTagger.load(tmp_path / "artifact", tagger.config).spans(text) == spans
