"""Issue 11: names stay whole, demonym adjectives are not entities, one entity is one row.

Every text here was written for these tests.
"""

from __future__ import annotations

import pytest

from narrascope.nlp.names import containment_targets, display_form, entity_key, is_demonym, looks_like_name
from narrascope.nlp.ner import Candidate, MentionDetector, group_candidates, particle_names


def found(detector: MentionDetector, text: str, language: str) -> list[str]:
    cands = detector.detect(text, language)
    assert all(text[c.start : c.end] == c.text for c in cands)
    return [c.text for c in cands]


def grouped(text: str, names: list[str], language: str | None = None) -> list[list[str]]:
    """Group every occurrence of each of ``names`` in ``text`` not inside an earlier name's."""
    cands: list[Candidate] = []
    for name in names:
        start = text.find(name)
        while start != -1:
            if not any(c.start < start + len(name) and start < c.end for c in cands):
                cands.append(Candidate(start, start + len(name), name, "caps"))
            start = text.find(name, start + len(name))
    return [[c.text for c in group] for group in group_candidates(cands, language).values()]


# -- 1. names with apostrophes, hyphens and particles stay whole -------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Hay’at Tahrir al-Sham",
        "Hay'at Tahrir al-Sham",
        "Osama bin Laden",
        "Ursula von der Leyen",
        "Jabhat al-Nusra",
    ],
)
def test_particle_names_are_one_span(name: str):
    text = f"Officials said that {name} had sent envoys to the border town."
    assert [c.text for c in particle_names(text)] == [name]
    assert name in found(MentionDetector(), text, "pt")


def test_particle_names_do_not_glue_plain_words_or_end_in_a_particle():
    text = "They met de facto rulers. Then Maria da chegou. The Tigris Valley Council met."
    assert particle_names(text, frozenset({"then", "the"})) == []


def test_english_detector_keeps_the_organisation_whole():
    text = (
        "Envoys from Zarnovia met leaders of Hay’at Tahrir al-Sham in Idlib last week, "
        "and Hay’at Tahrir al-Sham later denied it."
    )
    names = found(MentionDetector(), text, "en")
    assert names.count("Hay’at Tahrir al-Sham") == 2
    assert not {"Hay’at", "al-Sham", "Hay", "Tahrir"} & set(names)


def test_a_span_cut_inside_a_word_is_widened_and_a_line_break_splits_it():
    from narrascope.nlp.ner import _split_lines, _to_word_edges

    text = "Leaders of Hay’at met.\nHeadline Words\nReports"
    cut = Candidate(11, 14, "Hay", "spacy")
    assert _to_word_edges(text, cut).text == "Hay’at"
    start = text.index("Words")
    pieces = _split_lines(Candidate(start, start + 13, text[start : start + 13], "spacy"))
    assert [p.text for p in pieces] == ["Words", "Reports"]
    assert all(text[p.start : p.end] == p.text for p in pieces)


# -- 2. demonym adjectives are not entities -------------------------------------------------


def test_demonym_adjectives_are_dropped_but_groups_kept():
    # The gazetteer's stem matching would find "Russian" from "Russia" and "Ukrainian"
    # from "Ukrainians"; the demonym list removes them, the plural group stays.
    detector = MentionDetector(["Russia", "Ukrainians", "Zarnovia"])
    text = (
        "Russian troops shelled a Ukrainian village near Zarnovia. "
        "The Ukrainians answered, and Russia denied it."
    )
    names = found(detector, text, "en")
    assert "Russian" not in names and "Ukrainian" not in names
    assert {"Russia", "Zarnovia"} <= set(names)
    assert any(name.endswith("Ukrainians") for name in names)


def test_the_x_names_a_group_only_when_no_word_follows():
    detector = MentionDetector(["British"])
    assert "British" in found(detector, "It was the British, not the others.", "en")
    assert "British" not in found(detector, "It was the British army again.", "en")


@pytest.mark.parametrize(
    ("word", "language"),
    [("Руските", "bg"), ("украинский", "ru"), ("Российской", "ru"), ("Ucraniano", "pt"), ("Syrian", "en")],
)
def test_demonyms_in_other_languages(word: str, language: str):
    assert is_demonym(word, language)
    assert not is_demonym("Síria", "pt") and not is_demonym("Русия", "bg")


# -- 3. one entity, one row; things that are not entities --------------------------------


def test_surname_folds_into_the_full_name():
    text = "Vladimir Putin spoke. Later Putin left, and President Putin returned."
    assert grouped(text, ["Vladimir Putin", "President Putin", "Putin"]) == [
        ["Vladimir Putin", "Putin", "President Putin"]
    ]
    text = "Roger Pielke Jr. wrote it. Pielke said so."
    assert len(grouped(text, ["Roger Pielke Jr.", "Pielke"])) == 1


def test_ambiguous_or_phrase_containment_does_not_merge():
    text = "Donald Trump and Melania Trump came. Trump spoke."
    assert len(grouped(text, ["Donald Trump", "Melania Trump", "Trump"])) == 3
    text = "The Armed Forces of Ukraine advanced. Ukraine said so."
    assert len(grouped(text, ["Armed Forces of Ukraine", "Ukraine"])) == 2
    assert not looks_like_name("Armed Forces of Ukraine") and looks_like_name("Osama bin Laden")


def test_aliases_group_one_actor():
    text = "The U.S. said it. The US denied it. The United States of America paid."
    groups = grouped(text, ["U.S.", "US", "United States of America"])
    assert len(groups) == 1 and len(groups[0]) == 3
    assert entity_key("the U.S") == entity_key("США") == entity_key("Estados Unidos")
    assert entity_key("Вашингтон", "bg") == entity_key("САЩ", "bg") == entity_key("Вашингтона", "ru")


def test_russian_case_forms_group_by_lemma():
    text = "Россия заявила. Против России, за Россию, с Россией."
    assert grouped(text, ["Россия", "России", "Россию", "Россией"], "ru") == [
        ["Россия", "России", "Россию", "Россией"]
    ]
    assert entity_key("Путиным", "ru") == entity_key("Путина", "ru")


def test_one_country_under_its_names_and_case_forms_is_one_entity():
    text = "Российская Федерация ответила. РФ против. Для России это важно. Россией гордятся."
    names = ["Российская Федерация", "РФ", "России", "Россией"]
    assert len(grouped(text, names, "ru")) == 1
    assert entity_key("Российской Федерации", "ru") == entity_key("Rússia", "pt") == entity_key("Русия", "bg")
    assert entity_key("Russell", "en") != entity_key("Russia", "en")


def test_russian_entities_are_named_in_the_nominative():
    assert display_form({"Владимиру Путину": 1, "Путин": 1}, "ru") == "Путин"
    assert display_form({"России": 3, "Россию": 1}, "ru") == "Россия"
    assert display_form({"Нью-Йорка": 1}, "ru") == "Нью-Йорк"
    # A person's name is never rebuilt from a dictionary guess ("Рютте" is not "Рютта").
    assert display_form({"Рютте": 2}, "ru") == "Рютте"
    assert display_form({"Vladimir Putin": 1, "Putin": 4}, "en") == "Vladimir Putin"


def test_hindi_titles_and_containment_group_one_person():
    text = "प्रधानमंत्री मोदी ने कहा। नरेंद्र मोदी गए। मोदी लौटे।"
    assert len(grouped(text, ["प्रधानमंत्री मोदी", "नरेंद्र मोदी", "मोदी"], "hi")) == 1


def test_containment_targets_follow_chains_to_the_longest_name():
    names = {"putin": "Putin", "vladim putin": "Vladimir Putin", "vladim vladimirovich putin": "X"}
    assert containment_targets(names) == {}  # two longer names: ambiguous, left apart
    assert containment_targets({"putin": "Putin", "vladim putin": "Vladimir Putin"}) == {
        "putin": "vladim putin"
    }


def test_names_joined_by_a_conjunction_are_two_entities():
    assert found(MentionDetector(), "Ontem a Rússia e a Ucrânia, Rússia e Ucrânia assinaram.", "pt")[-2:] == [
        "Rússia",
        "Ucrânia",
    ]
    assert found(MentionDetector(), "Заяви се, че Русия и Украйна подписаха.", "bg")[-2:] == [
        "Русия",
        "Украйна",
    ]


def test_attribution_phrase_and_sentence_initial_common_word_are_not_part_of_the_name():
    detector = MentionDetector(common_lowercase=["според", "porém", "esta"])
    assert found(detector, "Според Гари Петров войната ще продължи.", "bg") == ["Гари Петров"]
    assert found(detector, "Segundo João Almeida, o acordo caiu.", "pt") == ["João Almeida"]
    assert found(detector, "Porém Lula disse não. Esta semana.", "pt") == ["Lula"]


def test_gazetteer_leaves_out_common_words_the_annotators_rarely_mark():
    from narrascope.eval.roles import MentionLine
    from narrascope.models.training_roles import gazetteer_entries

    texts = {f"a{i}": f"O governo de Zarnovia falou. शुरू हुआ। Moscow {i}." for i in range(12)}
    mentions = [MentionLine(f"a{i}", "Zarnovia", 15, 22) for i in range(12)]
    mentions += [MentionLine("a0", "de", 12, 13), MentionLine("a0", "शुरू", 29, 32)]
    mentions += [MentionLine("a0", "Moscow", 38, 43)]
    entries = gazetteer_entries(mentions, texts)
    # "de" and "शुरू" occur in twelve articles, annotated in one: common words; "Moscow" is
    # capitalised, so a name however rarely framed; "Zarnovia" is annotated everywhere.
    assert entries == ["Moscow", "Zarnovia"]
    assert sorted(gazetteer_entries(mentions, {})) == ["Moscow", "Zarnovia", "de", "शुरू"]


# -- 4. Russian multi-word names in the nominative; coordinated adjectives ---------------


@pytest.mark.parametrize(
    ("inflected", "nominative"),
    [
        ("Астраханской области", "Астраханская область"),
        ("Государственной Думы", "Государственная Дума"),
        # Only the head changes case; the genitive complement stays as written.
        ("Министерства обороны", "Министерство обороны"),
        ("Вооруженных сил Зарновии", "Вооруженные силы Зарновии"),
        # Plural head: the adjective agrees in number; "е" stays "е" (no "ё" added).
        ("Соединенных Штатах", "Соединенные Штаты"),
        # Lowercase words stay lowercase; the second locative ("мосту") agrees too.
        ("Верховной раде", "Верховная рада"),
        ("Крымском мосту", "Крымский мост"),
        # A rare reading as a surname ("Московский") or a first name ("Мора" for "море")
        # does not make a place a person.
        ("Московском Кремле", "Московский Кремль"),
        ("Черном море", "Черное море"),
    ],
)
def test_russian_thing_phrases_are_named_in_the_nominative(inflected: str, nominative: str):
    from narrascope.nlp.names import thing_nominative

    assert thing_nominative(inflected) == nominative
    assert display_form({inflected: 1}, "ru") == nominative


def test_russian_thing_phrase_conversion_leaves_nominatives_people_and_unknown_words_alone():
    from narrascope.nlp.names import thing_nominative

    assert thing_nominative("Государственная Дума") is None  # already nominative
    assert thing_nominative("Игорем Бабушкиным") is None  # a person
    assert thing_nominative("Марку Рютте") is None  # "Марку": a stamp, or Mark
    assert thing_nominative("Курской") is None  # one word: _thing_lemma's job
    assert display_form({"Марку Рютте": 1}, "ru") == "Марку Рютте"


def test_a_convertible_russian_phrase_is_the_fullest_nominative_form():
    # "Госдума" is nominative already, but the full name put in the nominative is fuller.
    assert display_form({"Государственной Думы": 2, "Госдума": 1}, "ru") == "Государственная Дума"
    assert display_form({"Министерства обороны": 1, "Минобороны": 3}, "ru") == "Министерство обороны"


def test_russian_person_names_change_case_only_when_clearly_safe():
    from narrascope.nlp.names import person_nominative

    # A known first name and a surname agreeing with it in case and gender.
    assert display_form({"Игорем Бабушкиным": 1}, "ru") == "Игорь Бабушкин"
    assert display_form({"Марией Захаровой": 2}, "ru") == "Мария Захарова"
    assert person_nominative("Сергею Ивановичу Петрову") == "Сергей Иванович Петров"
    # A surname alone, or one the dictionary does not know, stays as written.
    assert display_form({"Захаровой": 1}, "ru") == "Захаровой"
    assert display_form({"Рютте": 2}, "ru") == "Рютте"
    assert display_form({"Марком Рютте": 1}, "ru") == "Марком Рютте"
    # No agreement (a man's first name, a woman's surname): left alone.
    assert person_nominative("Игорем Захаровой") is None
    # A nominative form is still preferred to rebuilding one.
    assert display_form({"Владимиру Путину": 1, "Путин": 1}, "ru") == "Путин"
    assert person_nominative("Астраханской области") is None


def test_coordinated_adjectives_name_one_region_each():
    from narrascope.nlp.ner import coordinated_name

    text = "Паводок дошел до сел в Лесной и Степной областях. Потом вода ушла."
    lesnoy, stepnoy = text.index("Лесной"), text.index("Степной")
    assert coordinated_name(text, lesnoy, lesnoy + len("Лесной")) == "Лесной области"
    assert coordinated_name(text, stepnoy, text.index(".")) == "Степной области"
    text = "Власти Белгородской, Курской и Брянской областей ввели режим тишины."
    for word in ("Белгородской", "Курской"):
        start = text.index(word)
        assert coordinated_name(text, start, start + len(word)) == f"{word} области"
    # Lowercase adjectives before the shared noun are shared too.
    text = "В Донецкой и Луганской народных республиках прошли учения."
    start = text.index("Донецкой")
    assert coordinated_name(text, start, start + len("Донецкой")) == "Донецкой народной республике"
    # Two names joined by a conjunction are not an adjective with a shared noun.
    text = "Россия и Украина подписали. О Курской и Марией говорили."
    assert coordinated_name(text, 0, len("Россия")) is None
    start = text.index("Курской")
    assert coordinated_name(text, start, start + len("Курской")) is None


def test_coordinated_regions_are_two_entities_named_in_the_nominative():
    from narrascope.pipeline.entities import display_name

    text = (
        "Паводок затопил села в Запорожской и Херсонской областях. "
        "Губернатор Запорожской области попросил помощи у соседей."
    )
    cands = MentionDetector().detect(text, "ru")
    groups = group_candidates(cands, "ru")
    names = sorted(display_name(text, [(c.start, c.end) for c in group], "ru") for group in groups.values())
    assert "Запорожская область" in names and "Херсонская область" in names
    assert not {"Запорожской", "Херсонской", "Запорожская"} & set(names)
    # The bare adjective and the later full name are one entity.
    zaporizhzhia = [g for g in groups.values() if any(c.text.startswith("Запорожск") for c in g)]
    assert len(zaporizhzhia) == 1 and len(zaporizhzhia[0]) == 2


@pytest.mark.parametrize(
    ("forms", "shown"),
    [
        ({"President Vladimir Putin": 2, "Putin": 3}, "Vladimir Putin"),
        ({"Mr. Tomas Ruiz": 1}, "Tomas Ruiz"),
        # a title before a single name, a company, a country after the title: as written
        ({"President Putin": 1}, "President Putin"),
        ({"General Motors": 1}, "General Motors"),
        ({"Президент России Владимир Путин": 1}, "Президент России Владимир Путин"),
    ],
)
def test_a_leading_title_is_left_out_of_the_name_when_a_full_name_remains(
    forms: dict[str, int], shown: str
) -> None:
    assert display_form(forms, "en") == shown
