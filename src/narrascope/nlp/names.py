"""Names of entities as strings: which words glue a name together, which words are not
names, and when two mention strings of one article name the same entity.

Owns the word lists of ``entity_data/names.json`` (particles, demonym adjectives,
titles, aliases, ...) and the grouping key of a mention (:func:`entity_key`), plus the
"short name inside a longer one" rule (:func:`containment_targets`). Works on strings
only: finding spans in a text belongs to ``nlp.ner``, which calls these functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

_POSSESSIVE = re.compile(r"['’]s$")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Longer name strings are phrases ("the head of the European Commission"), not names.
MAX_NAME_WORDS = 5


@dataclass(frozen=True)
class NameData:
    """The parsed ``names.json``; every word case-folded."""

    particles: frozenset[str]
    prefixes: frozenset[str]
    suffixes: frozenset[str]
    conjunctions: frozenset[str]
    attribution: tuple[tuple[str, ...], ...]
    titles: tuple[tuple[str, ...], ...]
    blockers: frozenset[str]
    demonyms: Mapping[str, frozenset[str]]
    aliases: Mapping[str, str]


def _forms(entry: Any) -> frozenset[str]:
    """A demonym entry: a plain list of forms, or ``{"stems": [...], "endings": [...]}``."""
    if isinstance(entry, dict):
        return frozenset(s + e for s in entry["stems"] for e in entry["endings"])
    return frozenset(str(w).casefold() for w in entry)


def _phrases(groups: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    # Longest first, so "prime minister" is tried before "minister".
    phrases = {tuple(p.casefold().split()) for group in groups for p in group}
    return tuple(sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=1)
def name_data() -> NameData:
    """``entity_data/names.json``, read once."""
    path = resources.files("narrascope.nlp").joinpath("entity_data").joinpath("names.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    aliases = {
        _dotless(variant): canonical
        for canonical, variants in raw["aliases"].items()
        for variant in [canonical, *variants]
    }
    return NameData(
        particles=frozenset(raw["particles"]),
        prefixes=frozenset(raw["particle_prefixes"]),
        suffixes=frozenset(raw["name_suffixes"]),
        conjunctions=frozenset(w for ws in raw["conjunctions"].values() for w in ws),
        attribution=_phrases(raw["attribution"].values()),
        titles=_phrases(raw["titles"].values()),
        blockers=frozenset(raw["connectors_block_containment"]),
        demonyms={lang: _forms(entry) for lang, entry in raw["demonyms"].items()},
        aliases=aliases,
    )


def _dotless(text: str) -> str:
    return " ".join(text.casefold().replace(".", "").split())


class _Lemmatiser:
    """Russian normal forms from natasha's morphology dictionary (pymorphy2), loaded once."""

    @cached_property
    def vocab(self) -> Any:
        try:
            from natasha import MorphVocab
        except ImportError:  # without natasha the two-letter cut of entity_key still applies
            return None
        return MorphVocab()

    @lru_cache(maxsize=50_000)  # noqa: B019 - one module-level instance lives for the process
    def parses(self, word: str) -> tuple[Any, ...]:
        vocab = self.vocab
        if vocab is None or not _CYRILLIC.search(word):
            return ()
        return tuple(vocab.parse(word))

    def lemma(self, word: str) -> str | None:
        parses = self.parses(word)
        return str(parses[0].normal_form) if parses else None


_LEMMATISER = _Lemmatiser()


def russian_lemma(word: str) -> str | None:
    """The dictionary form of a Russian word ("Россией" → "россия"), None if unknown or not Cyrillic."""
    return _LEMMATISER.lemma(word)


def _is_nominative(word: str) -> bool:
    """A Russian word that can be nominative (or that the dictionary does not know)."""
    parses = _LEMMATISER.parses(word)
    return not parses or any("nomn" in p.tag for p in parses)


def _thing_lemma(word: str) -> str | None:
    """The nominative of an inflected Russian place or thing ("России" → "Россия",
    "Кремле" → "Кремль"); None for people, whose dictionary guesses are unsafe
    ("Рютте" → "рютта", "Захаровой" → "захаров")."""
    parses = _LEMMATISER.parses(word)
    if not parses or _is_nominative(word) or not word[:1].isupper():
        return None
    tag = parses[0].tag
    if "NOUN" not in tag or not ("Geox" in tag or "inan" in tag):
        return None
    return "-".join(part.capitalize() for part in str(parses[0].normal_form).split("-"))


# pymorphy2 tags of people: a first name, a surname, a patronymic.
_PERSON_TAGS = ("Name", "Surn", "Patr")
_ADJECTIVE_POS = ("ADJF", "PRTF")
# The second locative and genitive of a noun ("в Крымском мосту") agree with an adjective's
# plain locative and genitive.
_CASES = {"loc2": "loct", "gen2": "gent", "acc2": "accs"}


def _inflect(parse: Any, grammemes: set[str]) -> str | None:
    """``parse`` inflected to ``grammemes`` by pymorphy2 itself: natasha's ``MorphForm``
    overrides ``inflect`` to take Universal Dependencies features instead of OpenCorpora's."""
    from pymorphy2.analyzer import Parse

    form = Parse.inflect(parse, grammemes)
    return None if form is None else str(form.word)


def _recase(new: str, old: str) -> str:
    """``new`` (lowercase, from the dictionary) in the letter case of ``old``: an initial
    capital per hyphenated part ("Северо-Атлантического" → "Северо-Атлантический"), all
    capitals, or lowercase; "ё" only where ``old`` wrote it ("Вооруженных" → "Вооруженные")."""
    if "ё" not in old.casefold():
        new = new.replace("ё", "е")
    if old.isupper() and len(old) > 1:
        return new.upper()
    old_parts, new_parts = old.split("-"), new.split("-")
    if len(old_parts) != len(new_parts):
        return new[:1].upper() + new[1:] if old[:1].isupper() else new
    pairs = zip(old_parts, new_parts, strict=True)
    return "-".join(n[:1].upper() + n[1:] if o[:1].isupper() else n for o, n in pairs)


def _agreeing_adjective(word: str, case: str, number: str, gender: str | None) -> Any | None:
    """A dictionary parse of ``word`` as an adjective or participle in ``case`` and
    ``number`` (and ``gender`` in the singular), or None."""
    for parse in _LEMMATISER.parses(word):
        tag = parse.tag
        if tag.POS not in _ADJECTIVE_POS or not parse.is_known or any(t in tag for t in _PERSON_TAGS):
            continue
        if tag.case == case and tag.number == number and (number != "sing" or gender in (None, tag.gender)):
            return parse
    return None


def thing_nominative(phrase: str) -> str | None:
    """The nominative of an inflected multi-word Russian name of a place or thing, or None.

    Adjectives and the head noun after them change case, adjectives agreeing with the
    noun in number and gender; a genitive complement after the head stays as written:
    "Астраханской области" → "Астраханская область", "Государственной Думы" →
    "Государственная Дума", "Министерства обороны" → "Министерство обороны",
    "Вооруженных сил Украины" → "Вооруженные силы Украины". None when the phrase is
    already nominative, names a person (a first name, surname or patronymic, or an
    animate head noun: "Игорем Бабушкиным"), or has a word the dictionary does not
    know ("Марком Рютте"): then it stays as the text wrote it."""
    words = phrase.split()
    if not 1 < len(words) <= MAX_NAME_WORDS or not all(_CYRILLIC.search(w) for w in words):
        return None
    parses = [_LEMMATISER.parses(w) for w in words]
    if not all(parses):
        return None
    # The head is the first word whose likeliest reading is a noun; every word before it
    # must be an adjective agreeing with it. A head noun first that can be read as a
    # person's name ("Марку": a stamp, or Mark), or an adjective most likely a surname,
    # leaves the phrase as written.
    head = next((i for i, p in enumerate(parses) if p[0].tag.POS == "NOUN"), None)
    if head is None:
        return None
    first = parses[0] if head == 0 else [p[0] for p in parses[:head]]
    if any(t in p.tag for p in first for t in _PERSON_TAGS):
        return None
    for noun in parses[head]:
        tag = noun.tag
        if tag.POS != "NOUN" or not noun.is_known or any(t in tag for t in _PERSON_TAGS):
            continue
        case = _CASES.get(tag.case, tag.case)
        adjectives = [_agreeing_adjective(w, case, tag.number, tag.gender) for w in words[:head]]
        if any(a is None for a in adjectives):
            continue
        if case == "nomn" or ("anim" in tag and "Geox" not in tag):
            return None  # already nominative, or a person ("Генеральным секретарём")
        changed = [_inflect(noun, {"nomn"})]
        target = tag.gender if tag.number == "sing" and tag.gender else None
        grammemes = {"nomn", tag.number} | ({target} if target else set())
        changed[:0] = [_inflect(a, grammemes) for a in adjectives]
        if any(c is None for c in changed):
            return None
        head_phrase = [_recase(str(c), w) for c, w in zip(changed, words, strict=False)]
        return " ".join(head_phrase + words[head + 1 :])
    return None


def person_nominative(phrase: str) -> str | None:
    """The nominative of a Russian person's name when it is clearly safe, or None.

    Only a known first name followed by a known surname (or a patronymic and a surname)
    in the same case, number and gender: "Игорем Бабушкиным" → "Игорь Бабушкин",
    "Марией Захаровой" → "Мария Захарова". A surname alone ("Захаровой") or one the
    dictionary does not know ("Марком Рютте") stays as written."""
    words = phrase.split()
    if len(words) not in (2, 3) or not all(_CYRILLIC.search(w) for w in words):
        return None
    first = [p for p in _LEMMATISER.parses(words[0]) if p.is_known and "Name" in p.tag]
    if not first or _LEMMATISER.parses(words[0])[0] is not first[0]:
        return None
    for name in first:
        tag = name.tag
        if tag.case == "nomn" or tag.number != "sing":
            continue
        *middle, last = words[1:]
        rest = [_person_part(w, tag.case, tag.gender, "Patr") for w in middle]
        rest.append(_person_part(last, tag.case, tag.gender, "Surn"))
        if any(r is None for r in rest):
            continue
        changed = [_inflect(name, {"nomn"})] + [_inflect(r, {"nomn", "sing", tag.gender}) for r in rest]
        if any(c is None for c in changed):
            return None
        return " ".join(_recase(str(c), w) for c, w in zip(changed, words, strict=True))
    return None


def _person_part(word: str, case: str, gender: str, part: str) -> Any | None:
    """A dictionary parse of a surname (``part`` "Surn"; a possessive adjective such as
    "Бабушкиным" counts) or a patronymic ("Patr") agreeing with a first name."""
    for parse in _LEMMATISER.parses(word):
        tag = parse.tag
        if not parse.is_known or tag.case != case or tag.number != "sing" or tag.gender != gender:
            continue
        if part in tag or (part == "Surn" and tag.POS == "ADJF" and "Poss" in tag):
            return parse
    return None


def shared_head(adjectives: str, following: Sequence[str]) -> str | None:
    """A Russian adjective phrase completed by the noun it shares with a coordinated one.

    In "Запорожской и Херсонской областях" the first adjective names a region of its own,
    the noun being said once for both: ``shared_head("Запорожской", ["областях"])`` is
    "Запорожской области", in the adjective's case and number. ``following`` are the words
    after the last coordinated adjective, the head noun among the first of them (lowercase
    adjectives before it are shared too: "народных республиках"). None when ``adjectives``
    are not all adjectives, no noun of a place or thing agrees with them, or a word is one
    the dictionary does not know."""
    words = adjectives.split()
    if not words or not all(_CYRILLIC.search(w) for w in [*words, *following]):
        return None
    parses = [_LEMMATISER.parses(w) for w in [*words, *following]]
    if not all(parses) or any(p[0].tag.POS not in _ADJECTIVE_POS for p in parses[: len(words)]):
        return None
    after = parses[len(words) :]
    head = next((i for i, p in enumerate(after) if p[0].tag.POS == "NOUN"), None)
    if head is None:
        return None
    for noun in after[head]:
        tag = noun.tag
        if tag.POS != "NOUN" or not noun.is_known or any(t in tag for t in _PERSON_TAGS):
            continue
        if "anim" in tag and "Geox" not in tag:
            continue
        case = _CASES.get(tag.case, tag.case)
        # One region each: a singular adjective over a plural noun takes the singular.
        for number in dict.fromkeys([tag.number, "sing"]):
            gender = tag.gender if number == "sing" else None
            own = [_agreeing_adjective(w, case, number, gender) for w in words]
            shared = [_agreeing_adjective(w, case, tag.number, tag.gender) for w in following[:head]]
            if any(a is None for a in own + shared) or (number == "sing" and gender is None):
                continue
            if number == tag.number:
                return " ".join([*words, *following[: head + 1]])
            grammemes = {case, number, gender}
            changed = [_inflect(a, grammemes) for a in shared] + [_inflect(noun, {case, number})]
            if any(c is None for c in changed):
                return None
            return " ".join(words + [_recase(str(c), w) for c, w in zip(changed, following, strict=False)])
    return None


def display_form(forms: Mapping[str, int], language: str | None = None) -> str:
    """How an entity is named in a table, from its surface forms and their counts.

    The fullest form ("Vladimir Putin" over "Putin"), then the most frequent, without a
    leading title when a full name remains ("President Vladimir Putin"). In Russian a
    nominative form comes first ("Путин" over "Владимиру Путину"), and an entity seen only
    in inflected forms of a place or thing is shown in its dictionary form ("России" →
    "Россия", "Государственной Думы" → "Государственная Дума", see :func:`thing_nominative`),
    so one actor gets one name in the corpus view whichever case the article used. A
    person seen only in inflected forms is put in the nominative only when that is clearly
    safe (:func:`person_nominative`); otherwise the name stays as written ("Рютте")."""
    russian = (language or "").lower() == "ru"

    def rank(form: str) -> tuple[bool, int, int]:
        words = form.split()
        nominative = not russian or all(_is_nominative(w) for w in words) or _thing_form(form) is not None
        return nominative, len(words), forms[form]

    best = _without_title(max(forms, key=rank))
    if russian:
        return _thing_form(best) or person_nominative(best) or best
    return best


def _without_title(form: str) -> str:
    """The name without a leading title when a full name remains ("President Vladimir Putin"
    → "Vladimir Putin"; "President Putin" and "General Motors" stay as written)."""
    words = form.split()
    kept = strip_phrase([w.casefold() for w in words], name_data().titles)
    cut = len(words) - len(kept)
    # "Президент России Владимир Путин": the title's country would lead the name
    if cut and len(kept) >= 2 and words[cut][:1].isupper() and alias_key(words[cut]) is None:
        return " ".join(words[cut:])
    return form


def _thing_form(form: str) -> str | None:
    """The nominative of a Russian place or thing name of one word or several, or None."""
    return _thing_lemma(form) if len(form.split()) == 1 else thing_nominative(form)


def alias_key(name: str, language: str | None = None) -> str | None:
    """The canonical name of a known actor ("U.S." → "united states", "РФ" → "russia",
    "России" → "russia"), or None. Russian names are looked up by lemma too."""
    words = name_words(name)
    aliases = name_data().aliases
    if (canonical := aliases.get(_dotless(" ".join(words)))) is not None:
        return canonical
    if (language is None or language.lower() == "ru") and _CYRILLIC.search(name):
        lemmas = _dotless(" ".join(russian_lemma(w) or w for w in words))
        return aliases.get(lemmas) or _lemma_aliases().get(lemmas)
    return None


@lru_cache(maxsize=1)
def _lemma_aliases() -> dict[str, str]:
    """Cyrillic alias entries by the lemmas of their words ("российский федерация"), so an
    inflected phrase ("Российской Федерации") meets its entry."""
    return {
        _dotless(" ".join(russian_lemma(w) or w for w in variant.split())): canonical
        for variant, canonical in name_data().aliases.items()
        if _CYRILLIC.search(variant)
    }


def name_words(mention: str) -> list[str]:
    """The case-folded words of a mention without possessive, edge punctuation, a leading
    "the" and leading titles ("President Vladimir Putin's" → ["vladimir", "putin"])."""
    words = _EDGE_PUNCT.sub("", _POSSESSIVE.sub("", mention.strip())).casefold().split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return strip_phrase(words, name_data().titles)


def strip_phrase(words: list[str], phrases: Sequence[tuple[str, ...]]) -> list[str]:
    """``words`` without a leading phrase of ``phrases``, as long as a word remains."""
    for phrase in phrases:
        n = len(phrase)
        if len(words) > n and tuple(w.rstrip(".") for w in words[:n]) == phrase:
            return words[n:]
    return words


def entity_key(mention: str, language: str | None = None) -> str:
    """Grouping key of a mention: its ``name_words``, an alias mapped to its canonical
    name ("U.S." → "united states"), and inflection folded: Russian words by lemma,
    other long words cut by two letters so inflected forms ("России", "Россия") meet."""
    if (canonical := alias_key(mention, language)) is not None:
        return canonical
    words = name_words(mention)
    if (language or "").lower() == "ru":
        return " ".join(russian_lemma(w) or w for w in words)
    return " ".join(w[:-2] if len(w) > 5 else w for w in words)


def is_demonym(mention: str, language: str | None) -> bool:
    """True when the mention is only a nationality/demonym adjective of ``language``."""
    forms = name_data().demonyms.get((language or "").lower(), frozenset())
    return " ".join(name_words(mention)) in forms


def is_particle(word: str) -> bool:
    """A name particle, alone ("bin", "von") or as the prefix of a compound ("al-Sham")."""
    return word.casefold() in name_data().particles or is_compound_particle(word)


def is_compound_particle(word: str) -> bool:
    """A lowercase particle glued to a name by a hyphen or apostrophe ("al-Sham", "d'Ávila")."""
    parts = re.split(r"[-'’]", word, maxsplit=1)
    return (
        len(parts) == 2 and word[:1].islower() and parts[0] in name_data().prefixes and parts[1][:1].isupper()
    )


def looks_like_name(mention: str) -> bool:
    """A short name, not a phrase: at most ``MAX_NAME_WORDS`` words, each capitalised, a
    particle, or in a script without case (Devanagari), and no connector word ("of")."""
    words = _EDGE_PUNCT.sub("", mention).split()
    if not words or len(words) > MAX_NAME_WORDS:
        return False
    blockers = name_data().blockers
    for word in words:
        if word.casefold() in blockers:
            return False
        first = word[0]
        cased = first.lower() != first.upper()
        if cased and not first.isupper() and not is_particle(word):
            return False
    return True


def _without_suffix(words: Sequence[str]) -> tuple[str, ...]:
    suffixes = name_data().suffixes
    if len(words) > 1 and words[-1].rstrip(".") in suffixes:
        return tuple(words[:-1])
    return tuple(words)


def containment_targets(names: Mapping[str, str]) -> dict[str, str]:
    """Which keys fold into a longer name of the same article: ``{short key: long key}``.

    ``names`` maps each key to a display string of that entity. A key merges into a
    longer one when its words end the longer name ("Putin" in "Vladimir Putin",
    "Pielke" in "Roger Pielke Jr."), the longer one ``looks_like_name`` (so "Ukraine"
    stays apart from "Armed Forces of Ukraine"), and exactly one longer name qualifies:
    with "Donald Trump" and "Melania Trump" in one article, "Trump" stays alone.
    """
    words = {key: _without_suffix(key.split()) for key in names}
    targets: dict[str, str] = {}
    for short, short_words in words.items():
        n = len(short_words)
        longer = [
            key
            for key, long_words in words.items()
            if len(long_words) > n and long_words[-n:] == short_words and looks_like_name(names[key])
        ]
        if len(longer) == 1:
            targets[short] = longer[0]
    # A chain (a → b → c) ends at its longest name.
    for short, target in targets.items():
        while target in targets:
            target = targets[target]
        targets[short] = target
    return targets
