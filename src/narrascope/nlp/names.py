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


def display_form(forms: Mapping[str, int], language: str | None = None) -> str:
    """How an entity is named in a table, from its surface forms and their counts.

    The fullest form ("Vladimir Putin" over "Putin"), then the most frequent. In Russian a
    nominative form comes first ("Путин" over "Владимиру Путину"), and an entity seen only
    in inflected forms of a place name is shown in its dictionary form ("России" → "Россия"),
    so one actor gets one name in the corpus view whichever case the article used."""
    russian = (language or "").lower() == "ru"

    def rank(form: str) -> tuple[bool, int, int]:
        words = form.split()
        nominative = not russian or all(_is_nominative(w) for w in words)
        return nominative, len(words), forms[form]

    best = max(forms, key=rank)
    if russian and len(best.split()) == 1 and (lemma := _thing_lemma(best)) is not None:
        return lemma
    return best


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
