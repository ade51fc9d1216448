"""Sourcing signals: which claim sentences are attributed, to whom, and how strongly.

Owns the rule/lexicon attribution detector behind ``detect_sourcing``. The rules are
language-independent; the words are data (``sourcing_data/<lang>.json``: reporting
verbs, attribution frames, vague-source cues, hedges, institutions, pronouns, outlet
names), so a language is added by writing a file. Rules, not a learned model: there is
no labelled attribution data in our languages, and rules are fast (a few ms per
article), explainable and easy to correct. Must not touch the pipeline or format output.

How one claim sentence is labelled (priority named_source > named_outlet >
vague_source > hedge > unattributed; the first kind found in that order wins):

1. *Anchors*: reporting verbs ("said", "заявил", "disse", "कहा") and frames
   ("according to", "по словам", "segundo"; Hindi postpositions "के अनुसार", "ने कहा").
   Anchors inside a vague phrase or a hedge ("it is believed", "is said to") are
   dropped: those phrases are signals of their own. A verb inside a quotation is the
   speaker's wording ("“Acredito que Trump disse …”, acrescentou"): when the sentence
   has an anchor outside the quotation, only those count. A *pronoun frame* ("по его
   словам", "според него", "nas palavras dele", "उनके अनुसार") names its source by a
   pronoun and goes to the antecedent like "he said".
2. *Source phrase* of each anchor: for a verb, its subject (the words before it back
   to a quote, dash or the clause start; "X, role, said" skips the appositive) or,
   when the subject is empty, the first words after it ("said Andrew Collins");
   for a frame, the words after it up to a comma; for a Hindi postposition, the
   words before it. In the phrase, the first candidate wins: a known outlet (or a
   name after "newspaper", "агентство"...) → named_outlet; a vague noun
   ("officials", "источники") → vague_source (also when a capitalised modifier comes
   right before it: "Western officials", "a senior Biden administration official"),
   except a definite singular that points back to a person named earlier ("експертът",
   "руският представител": Bulgarian full article) → named_source;
   a capitalised name or an institution ("ministry", "Кремль") → named_source; a
   pronoun ("he", "он", "उन्होंने") or an empty subject (pro-drop "disse") → the
   closest name in the previous sentences, else vague_source. In Hindi (no capitals)
   the noun phrase before "ने"/"के अनुसार" is the source — walking back, a genitive
   ("की", "का", "के") keeps the phrase going ("… केंद्र की हेड मीना सिंह रॉय"), any other
   postposition or a verb ends it: vague if it ends in a vague noun, an outlet if it
   contains one, named otherwise. A short quoted title right after a frame or an
   inverted verb is an outlet ("според „Фокус“", "по данным «Интерфакса»"). A verb
   right after a comma takes the source after it when that closes the clause and is
   an outlet or a full name ("…, съобщи „Гардиън“.", "…, disse o ministro Rui Lopes.").
3. Sentence-level fallbacks when no phrase decided: any known outlet or vague noun
   in a sentence that has an anchor; a vague phrase ("reports suggest"); a hedge
   ("reportedly", "якобы"). Else unattributed. A *naming phrase* ("… का गढ़ कहा जाता है",
   "Он считается …") attributes only when a clause follows ("कहा जाता है कि", "смята се,
   че"); without one it is a hedge (the view is distanced, nobody is cited). A hedge that
   only qualifies a descriptor ("by supposedly legal companies", "якобы мирное
   собрание": an adverb after a determiner or preposition, or before an adjective) is the author's
   irony, not distance from the claim, and is no hedge.
4. Quotations: a sentence starting with a quotation right after an attributed sentence
   that ended with a colon or a quotation inherits that attribution, and unattributed
   sentences inside a multi-sentence quotation take the attribution of the sentence
   where the quotation opens or closes. A sentence-initial capitalised word that also
   occurs in lowercase in the article is not a name (truecasing); in an article of five
   sentences or more, neither is a lone capitalised word opening a sentence or quotation
   that the article never capitalises inside a sentence ("Acredito", "Председатель";
   acronyms and Latin-script words in other scripts excepted).
5. Datelines: "МОСКВА, 5 мая — РИА Новости." (a sentence of its own, no claim) makes
   the agency the source of the next sentence; "KYIV, May 5 (Reuters) - …" of its own
   sentence; only when that lead is otherwise unattributed.

Claims: every sentence of ``split_sentences`` except the title (the first line when
the text has several lines and it ends without terminal punctuation), a wire dateline, questions
(last character before closing quotes is "?"), lines ending with ":" (they announce
a quotation) and sentences with fewer than ``MIN_CLAIM_WORDS`` words.

Unknown or unsupported language: the English lexicon is used, together with the
language-independent cues (known outlet names, capitalised names, quotation marks).
Those cues only count next to an anchor the English lexicon knows, so on text in
another language most claims come out ``unattributed``: read the result as a lower
bound on attribution there.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from narrascope import schema
from narrascope.languages import SUPPORTED
from narrascope.nlp.segment import TITLES, Span, split_sentences
from narrascope.nlp.tokens import whole_word, word_pattern, word_rest

KINDS: tuple[schema.AttributionKind, ...] = (
    "named_source",
    "named_outlet",
    "vague_source",
    "hedge",
    "unattributed",
)
MIN_CLAIM_WORDS = 5
_PHRASE_TOKENS = 8
_ANTECEDENT_SENTENCES = 3

# Words come from the shared tokeniser, so a Hindi word keeps its vowel signs and
# virama, and a danda or a dash is never part of one.
_TOKEN = word_pattern()
_BEFORE_BOUNDARY = re.compile(r"[\"“”«»„—–()\[\]]")
_AFTER_BOUNDARY = re.compile(r"[,;:.!?\"“”«»„—–()\[\]।]")
_QUOTE_OPEN = "\"“«„'‘"
_CLOSERS = "\"'»”’)] "
# Words that link a vague head to a following modifier ("sources close to ...").
_LINKING = frozenset(
    "to with in at from of for within near close familiar who that which by on в во из с со от у при на по "  # noqa: SIM905
    "близкие близки де de do da dos das em no na próximas próximos से के में की का".split()
)
# Lowercase particles inside names ("Ministry of Defence", "Marcelo Rebelo de Sousa").
_NAME_PARTICLES = frozenset(
    ["of", "de", "da", "do", "dos", "das", "van", "von", "der", "bin", "al", "la", "le", "del", "di", "du"]
)
_CLAUSE_WORDS = frozenset(["that", "что", "че", "que", "कि"])
_HI_BOUNDARY = re.compile(f"[,\"“”'‘’—–।]|{whole_word('कि')}")
# A short quoted name ("Future Earth", «Коммерсанта», „24 часа“) is part of a phrase, not a boundary.
_SHORT_QUOTE = re.compile(r"[«“\"„]([^«»“”\"„,.!?]{1,40})[»”\"“]")
_QUOTATION = re.compile(r"“[^”]*”|«[^»]*»|„[^“”]*[“”]|\"[^\"]*\"")
_QUOTE_SPREAD_SENTENCES = 6
# "МОСКВА, 5 мая — РИА Новости.", "Симферопол, 1 юни - РИА Новости Крим", "KYIV, May 5 (Reuters) -":
# a place, a date with a number, then the agency after a dash or in brackets before one.
_DATELINE = re.compile(
    r"(?P<place>[^\W\d_][^\W\d_'’.-]*(?:[ -][^\W\d_]+){0,2}),\s+"
    r"(?P<date>[^,()—–-]{0,20}\d[^,()—–-]{0,20}?)\s*"
    r"(?:\((?P<paren>[^()]{2,40})\)\s*[-—–]|[-—–]\s*(?P<after>[^.()—–-]{2,40}?)\s*\.?$)"
)
_DATELINE_SENTENCES = 3
_QUOTED_NAME = re.compile(r"\s*[«“\"„]\s*([^«»“”\"„,.!?:;]{1,40}?)\s*[»”\"“]")
# Lowercase words of the article being analysed: a sentence-initial capitalised word that
# also occurs in lowercase ("Or", "Почему") is an ordinary word, not a name (truecasing).
_LOWERCASE_WORDS: ContextVar[frozenset[str]] = ContextVar("lowercase_words", default=frozenset())
# Stems of words the article capitalises inside a sentence (None: too short to tell).
_PROPER_STEMS: ContextVar[frozenset[str] | None] = ContextVar("proper_stems", default=None)
_EVIDENCE_SENTENCES = 5
_HI_AGENT = re.compile(whole_word("ने"))
_HI_GENITIVES = frozenset(["की", "का", "के"])
# Postpositions (other than the genitive) and finite verbs: a Hindi source phrase never
# reaches back across them.
_HI_CLOSERS = frozenset(
    "में से पर को तक ने लिए द्वारा बाद पहले साथ बीच दौरान खिलाफ़ खिलाफ बारे ओर तरफ अलावा मुताबिक अनुसार "  # noqa: SIM905
    "है हैं था थी थे गया गई गए किया कहा बताया हुआ हुई हुए रहा रही रहे".split()
)
_HI_PHRASE_TOKENS = 12


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled cue patterns of one language (``None`` when the list is empty)."""

    language: str
    verbs: re.Pattern[str] | None
    frames: re.Pattern[str] | None
    initial_frames: re.Pattern[str] | None
    postfix_frames: re.Pattern[str] | None
    pronoun_frames: re.Pattern[str] | None
    vague_nouns: re.Pattern[str] | None
    vague_phrases: re.Pattern[str] | None
    hedges: re.Pattern[str] | None
    institutions: re.Pattern[str] | None
    pronouns: re.Pattern[str] | None
    outlets: re.Pattern[str] | None
    outlet_markers: re.Pattern[str] | None
    stopwords: frozenset[str] = field(default_factory=frozenset)
    indefinite: frozenset[str] = field(default_factory=frozenset)
    noun_markers: frozenset[str] = field(default_factory=frozenset)
    ambiguous_verbs: frozenset[str] = field(default_factory=frozenset)
    leading_stopwords: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    naming_phrases: re.Pattern[str] | None = None
    definite_suffixes: tuple[str, ...] = ()
    ironic_hedges: frozenset[str] = field(default_factory=frozenset)
    descriptor_before: frozenset[str] = field(default_factory=frozenset)
    adjective_suffixes: tuple[str, ...] = ()
    head_final: bool = False
    byline: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class _Cand:
    """A source candidate inside one sentence (local offsets)."""

    start: int
    end: int
    kind: str  # named_source, named_outlet, vague_source or pronoun


@dataclass(slots=True)
class _Decision:
    kind: schema.AttributionKind
    start: int | None = None  # absolute offsets of the source span
    end: int | None = None


# --------------------------------------------------------------------------- lexicons


def cue_pattern(entries: Iterable[str], ignore_case: bool = True) -> re.Pattern[str] | None:
    """Compile cue strings into one regex with explicit word boundaries.

    A trailing ``*`` makes an entry a stem; spaces match any whitespace. Longest
    entries come first so "по некоторым данным" wins over "по данным".
    """
    alts = [_entry_regex(e) for e in sorted(set(entries), key=len, reverse=True) if e.strip()]
    if not alts:
        return None
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(whole_word("|".join(alts)), flags)


def _entry_regex(entry: str) -> str:
    return "".join(_part_regex(p) for p in re.split(r"(\s+)", entry) if p)


def _part_regex(part: str) -> str:
    """One word of an entry; a trailing ``*`` makes it a stem ("министерств* обороны")."""
    if part.isspace():
        return r"\s+"
    return re.escape(part[:-1]) + word_rest() if part.endswith("*") else re.escape(part)


def _read_json(name: str) -> dict[str, list[str]]:
    path = resources.files("narrascope.nlp").joinpath("sourcing_data").joinpath(name)
    data: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=8)
def load_lexicon(language: str) -> Lexicon:
    """The compiled lexicon of ``language``; English for any other code."""
    lang = language if language in SUPPORTED else "en"
    data = _read_json(f"{lang}.json")
    common = _read_json("common.json")
    frames = data.get("frames", [])
    return Lexicon(
        language=lang,
        verbs=cue_pattern(data.get("verbs", [])),
        frames=cue_pattern(f for f in frames if not f.startswith("^")),
        initial_frames=cue_pattern(f[1:] for f in frames if f.startswith("^")),
        postfix_frames=cue_pattern(data.get("postfix_frames", [])),
        pronoun_frames=cue_pattern(data.get("pronoun_frames", [])),
        vague_nouns=cue_pattern(data.get("vague_nouns", [])),
        vague_phrases=cue_pattern(data.get("vague_phrases", [])),
        hedges=cue_pattern(data.get("hedges", [])),
        institutions=cue_pattern(data.get("institutions", [])),
        pronouns=cue_pattern(data.get("pronouns", [])),
        outlets=cue_pattern(common.get("outlets", []) + data.get("outlets", []), ignore_case=False),
        outlet_markers=cue_pattern(data.get("outlet_markers", [])),
        stopwords=frozenset(data.get("stopwords_capitalised", [])),
        indefinite=frozenset(w.lower() for w in data.get("indefinite_articles", [])),
        noun_markers=frozenset(w.lower() for w in data.get("noun_markers", [])),
        ambiguous_verbs=frozenset(w.lower() for w in data.get("ambiguous_verbs", [])),
        leading_stopwords=frozenset(data.get("leading_stopwords", [])),
        roles=frozenset(data.get("roles", [])),
        naming_phrases=cue_pattern(data.get("naming_phrases", [])),
        definite_suffixes=tuple(data.get("definite_suffixes", [])),
        ironic_hedges=frozenset(w.lower() for w in data.get("ironic_hedges", [])),
        descriptor_before=frozenset(w.lower() for w in data.get("descriptor_before", [])),
        adjective_suffixes=tuple(data.get("adjective_suffixes", [])),
        head_final=lang == "hi",
        byline=_byline_pattern(data.get("byline_markers", [])),
    )


def _byline_pattern(markers: Sequence[str]) -> re.Pattern[str] | None:
    if not markers:
        return None
    alternatives = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})\s*[:\-—–]?\s+(?P<name>\S[^\n]*?)\s*$", re.IGNORECASE)


def _finds(
    pattern: re.Pattern[str] | None, text: str, start: int = 0, end: int | None = None
) -> list[re.Match[str]]:
    if pattern is None:
        return []
    return list(pattern.finditer(text, start, len(text) if end is None else end))


# --------------------------------------------------------------------------- claims


def is_claim(sentence: Span, is_title: bool = False) -> bool:
    """Whether a sentence is a claim (see the module docstring for the rule)."""
    if is_title:
        return False
    body = sentence.text.rstrip(_CLOSERS)
    if not body or body.endswith("?") or body.endswith(":"):
        return False
    return len(_TOKEN.findall(sentence.text)) >= MIN_CLAIM_WORDS


def _title_index(text: str, sentences: Sequence[Span]) -> int | None:
    """Index of the title sentence: the first line of a multi-line text without a full stop."""
    if not sentences or "\n" not in text.strip():
        return None
    first = sentences[0]
    line_end = text.find("\n", first.start)
    if line_end != -1 and first.end <= line_end and not first.text.rstrip(_CLOSERS).endswith((".", "!", "।")):
        return 0
    return None


# --------------------------------------------------------------------------- candidates


def _capitalised_runs(s: str, start: int, end: int, lex: Lexicon) -> list[_Cand]:
    """Runs of capitalised tokens (names, acronyms) in ``s[start:end]``.

    Tokens must be separated by whitespace only; one lowercase particle may join two
    capitalised tokens ("Ministry of Defence", "Marcelo Rebelo de Sousa").
    """
    runs: list[_Cand] = []
    cur_start = cur_end = prev_end = -1
    particle = False
    lowercase = _LOWERCASE_WORDS.get()
    for m in _TOKEN.finditer(s, start, end):
        tok = m.group()
        capital = tok[0].isupper() and tok not in lex.stopwords
        if capital and tok.lower() in lowercase and not s[: m.start()].strip(_QUOTE_OPEN + "—–- "):
            capital = False
        gap = s[prev_end : m.start()].strip()
        # "Mr. Clark", "John F. Kennedy": a title or an initial and its full stop stay in the name.
        adjacent = cur_start >= 0 and (gap == "" or (gap == "." and _is_title(s[cur_start:prev_end])))
        if capital and adjacent:
            cur_end, particle = m.end(), False
        elif adjacent and not particle and tok.lower() in _NAME_PARTICLES:
            particle = True
        else:
            if cur_start >= 0:
                runs.append(_Cand(cur_start, cur_end, "named_source"))
            cur_start, cur_end = (m.start(), m.end()) if capital else (-1, -1)
            particle = False
        prev_end = m.end()
    if cur_start >= 0:
        runs.append(_Cand(cur_start, cur_end, "named_source"))
    return [r for r in runs if not _unproven_initial_word(s, r)]


def _unproven_initial_word(s: str, run: _Cand) -> bool:
    """A lone capitalised word opening a sentence or quotation that the article never
    capitalises elsewhere ("Acredito", "Получавах", "Председатель", "Поляците").

    Every word is capitalised there, so the capital proves nothing; a real name is
    nearly always written again inside a sentence ("… Путина", "… Zelensky").
    Acronyms ("НАТО") stay names; short texts (no evidence either way) are not judged.
    """
    proper = _PROPER_STEMS.get()
    if proper is None or s[: run.start].strip(_QUOTE_OPEN + "—–- "):
        return False
    word = s[run.start : run.end]
    if " " in word or word.isupper() or (word.isascii() and not s.isascii()):
        return False  # an acronym, or a Latin-script name in Cyrillic or Devanagari text ("Yicai")
    return _stem(word) not in proper


def _stem(word: str) -> str:
    """A crude stem that ignores inflection ("Орбана" ~ "Орбан", "Зеленского" ~ "Зеленский")."""
    return word[: max(4, len(word) - 3)]


def _proper_stems(sents: Sequence[Span]) -> frozenset[str] | None:
    """Stems of words capitalised inside a sentence (not as its first word); None for short texts."""
    if len(sents) < _EVIDENCE_SENTENCES:
        return None
    stems: set[str] = set()
    for sent in sents:
        # Whitespace pieces, not the tokeniser: only the first letter and a rough stem matter here.
        words = [w.strip(_STRIP) for w in sent.text.split()[1:]]
        stems.update(_stem(w) for w in words if w[:1].isupper())
    return frozenset(stems)


_STRIP = "\"'“”«»„‘’()[]—–-.,;:!?…"


def _is_title(run: str) -> bool:
    last = run.split()[-1]
    return last in TITLES or (len(last) == 1 and last.isupper())


def _outlet_cands(s: str, start: int, end: int, lex: Lexicon) -> list[_Cand]:
    cands = [_Cand(m.start(), m.end(), "named_outlet") for m in _finds(lex.outlets, s, start, end)]
    for marker in _finds(lex.outlet_markers, s, start, end):
        cands.extend(_name_after_marker(s, marker.end(), end, lex))
    return cands


def _name_after_marker(s: str, pos: int, end: int, lex: Lexicon) -> list[_Cand]:
    """The outlet name right after a marker: "newspaper Aydınlık", "газета «Ведомости»"."""
    m = re.compile(r"\s*[«\"“„]([^»\"”“]{1,40})[»\"”“]").match(s, pos, end)
    if m:
        return [_Cand(m.start(1), m.end(1), "named_outlet")]
    runs = [r for r in _capitalised_runs(s, pos, min(end, pos + 60), lex) if s[pos : r.start].strip() == ""]
    return [_Cand(r.start, r.end, "named_outlet") for r in runs[:1]]


def _phrase_cands(s: str, start: int, end: int, lex: Lexicon) -> list[_Cand]:
    """All source candidates in a phrase, in text order, overlaps resolved by kind."""
    outlets = _outlet_cands(s, start, end, lex)
    vague = [
        _Cand(m.start(), m.end(), "named_source" if _definite_singular(s, m, lex) else "vague_source")
        for m in _finds(lex.vague_nouns, s, start, end)
    ]
    inst = [_Cand(m.start(), m.end(), "named_source") for m in _finds(lex.institutions, s, start, end)]
    pron = [_Cand(m.start(), m.end(), "pronoun") for m in _finds(lex.pronouns, s, start, end)]
    names = [] if lex.head_final else _capitalised_runs(s, start, end, lex)
    # A capitalised run outranks an institution word inside it: "МИД России Мария Захарова" stays whole;
    # a longer institution name outranks the run at its start: "Министерства обороны РФ".
    # A role right before a full name yields to it: "глава государства Владимир Путин".
    inst = [i for i in inst if not any(_names_right_after(s, i, n) for n in names)]
    longer = [i for i in inst if any(i.start <= n.start and n.end < i.end for n in names)]
    names = [n for n in names if not any(i.start <= n.start and n.end < i.end for i in longer)]
    taken: list[_Cand] = []
    for cand in [*outlets, *vague, *pron, *longer, *names, *inst]:
        if not any(c.start < cand.end and cand.start < c.end for c in taken):
            taken.append(cand)
    return sorted(taken, key=lambda c: c.start)


def _definite_singular(s: str, m: re.Match[str], lex: Lexicon) -> bool:
    """A role noun in the definite singular points back to one person: "експертът",
    "политическият експерт" (the Bulgarian full article sits on the first word of the
    phrase, so the word before the noun counts too)."""
    if not lex.definite_suffixes:
        return False
    noun = _TOKEN.match(s, m.start())
    if noun is None:
        return False
    word = noun.group().lower()
    if word.endswith(lex.definite_suffixes):
        return True
    # The adjective's article counts only before a bare singular noun (ending in a
    # consonant): "говорят климатолози" is a verb and a plural, not "the climatologist".
    before = _TOKEN.findall(s[max(0, m.start() - 40) : m.start()])
    adjacent = bool(before) and not s[: m.start()].rstrip().endswith(tuple(_STRIP))
    bare = word[-1:] not in "аеиоуъюяэыё"
    return adjacent and bare and before[-1].lower().endswith(lex.definite_suffixes)


def _names_right_after(s: str, role: _Cand, name: _Cand) -> bool:
    return name.start >= role.end and not s[role.end : name.start].strip() and _is_person(s, name)


def _choose(s: str, cands: list[_Cand]) -> _Cand | None:
    """First candidate of a (head-initial) phrase; a vague head right after a modifier wins."""
    if not cands:
        return None
    outlets = [c for c in cands if c.kind == "named_outlet"]
    first = cands[0]
    if first.kind == "named_source" and outlets and not _is_person(s, first):
        # "The Russian newspaper Kommersant": the capitalised adjective is not the source.
        return outlets[0]
    if len(cands) > 1:
        nxt = cands[1]
        between = _TOKEN.findall(s[first.end : nxt.start])
        modifier = first.kind == "named_source" and not _is_institution(s, first)
        close = len(between) <= 2 and not any(t.lower() in _LINKING for t in between)
        if modifier and nxt.kind == "vague_source" and close:
            return nxt  # "Western officials", "a senior Biden administration official"
        if first.kind == "vague_source" and nxt.kind in ("named_source", "named_outlet") and not between:
            return nxt  # role + name: "политолога Михаила Орлова", "Источник RT"
    if first.kind == "named_source" and not _is_person(s, first):
        # "Ukrainian spokesman Andriy Yusov", "МИД России Мария Захарова": the person is the source.
        for later in cands[1:]:
            words = _TOKEN.findall(s[first.end : later.start])
            if (
                later.kind == "named_source"
                and _is_person(s, later)
                and not any(w in _LINKING for w in words)
            ):
                return later
    return first


def _is_person(s: str, cand: _Cand) -> bool:
    """A capitalised run of two or more tokens (a person's full name, not an adjective)."""
    return len(_TOKEN.findall(s[cand.start : cand.end])) >= 2


def _is_institution(s: str, cand: _Cand) -> bool:
    return cand.kind == "named_source" and s[cand.start : cand.end].islower()


# --------------------------------------------------------------------------- phrases


def _last_tokens_start(s: str, start: int, end: int, n: int) -> int:
    toks = list(_TOKEN.finditer(s, start, end))
    return toks[-n].start() if len(toks) > n else start


def _subject_spans(s: str, verb_start: int) -> list[tuple[int, int]]:
    """Subject (and appositive) spans before a verb, nearest clause only."""
    bound = 0
    inside_names = {i for q in _short_quotes(s) for i in (q.start(), q.end() - 1)}
    for m in _BEFORE_BOUNDARY.finditer(s, 0, verb_start):
        if m.start() not in inside_names:
            bound = m.end()
    before = s[bound:verb_start]
    cuts = [bound + i for i, ch in enumerate(before) if ch == ","]
    edges = [bound, *[c + 1 for c in cuts]]
    segs = [(a, b) for a, b in zip(edges, [*cuts, verb_start], strict=True)]
    if len(segs) >= 3 and s[segs[-1][0] : segs[-1][1]].strip() == "":
        subject, appositive = segs[-3], segs[-2]
        return [(_last_tokens_start(s, *subject, _PHRASE_TOKENS), subject[1]), appositive]
    last = segs[-1]
    return [(_last_tokens_start(s, *last, _PHRASE_TOKENS), last[1])]


def _short_quotes(s: str) -> list[re.Match[str]]:
    """Quoted names of at most three words (not quotations: no inner punctuation)."""
    return [m for m in _SHORT_QUOTE.finditer(s) if len(_TOKEN.findall(m.group(1))) <= 3]


def _after_span(s: str, pos: int, max_tokens: int = _PHRASE_TOKENS) -> tuple[int, int]:
    """Words after ``pos`` up to a clause boundary, a complementiser or ``max_tokens``."""
    m = _AFTER_BOUNDARY.search(s, pos)
    stop = m.start() if m else len(s)
    if m and s[m.start()] in '«"“„' and m.start() - pos < 3:  # «Известий»: a quoted name, not a boundary
        close = _AFTER_BOUNDARY.search(s, m.start() + 1)
        close2 = _AFTER_BOUNDARY.search(s, close.end()) if close else None
        stop = close2.start() if close2 else len(s)
    end = pos
    for i, tok in enumerate(_TOKEN.finditer(s, pos, stop)):
        if i >= max_tokens or tok.group().lower() in _CLAUSE_WORDS:
            break
        end = tok.end()
    return pos, end


def _is_blank(s: str, span: tuple[int, int]) -> bool:
    return not _TOKEN.search(s, span[0], span[1])


# --------------------------------------------------------------------------- sentence


@dataclass(slots=True)
class _Context:
    """What earlier sentences leave for later ones (antecedents, quote continuation)."""

    names: list[tuple[int, int, int, bool]] = field(default_factory=list)  # (sentence, start, end, is source)
    previous: _Decision | None = None
    previous_open: bool = False


def _anchors(s: str, lex: Lexicon) -> tuple[list[re.Match[str]], list[re.Match[str]], list[re.Match[str]]]:
    """Verb, prefix-frame and postfix-frame anchors not inside a vague phrase or hedge."""
    blocked = [(m.start(), m.end()) for m in _finds(lex.vague_phrases, s) + _finds(lex.hedges, s)]

    def free(ms: list[re.Match[str]]) -> list[re.Match[str]]:
        return [m for m in ms if not any(a < m.end() and m.start() < b for a, b in blocked)]

    frames = free(_finds(lex.frames, s))
    initial = [m for m in free(_finds(lex.initial_frames, s)) if not s[: m.start()].strip(_QUOTE_OPEN + " ")]
    verbs = [m for m in free(_finds(lex.verbs, s)) if not _noun_use(s, m, lex)]
    anchors = (verbs, frames + initial, free(_finds(lex.postfix_frames, s)))
    quoted = [(q.start(), q.end()) for q in _QUOTATION.finditer(s) if len(_TOKEN.findall(q.group())) > 3]
    if not quoted:
        return anchors

    def outside(ms: list[re.Match[str]]) -> list[re.Match[str]]:
        return [m for m in ms if not any(a < m.start() and m.end() < b for a, b in quoted)]

    # "“Acredito que Trump disse …”, acrescentou.": a verb inside the quotation is the
    # speaker's own wording; the article's attribution is the anchor outside it.
    kept = (outside(verbs), outside(frames + initial), outside(anchors[2]))
    return kept if any(kept) else anchors


def _noun_use(s: str, m: re.Match[str], lex: Lexicon) -> bool:
    """Verb forms used as nouns or inside names are no anchor.

    "the reports", "such claims": an ambiguous form after a determiner; "the United
    States": a capitalised form inside the sentence (verbs are matched ignoring case).
    """
    word = m.group()
    before = _TOKEN.findall(s[: m.start()])
    if before and word[:1].isupper() and not word.isupper():
        return True
    return word.lower() in lex.ambiguous_verbs and bool(before) and before[-1].lower() in lex.noun_markers


def _label_sentence(sent: Span, index: int, lex: Lexicon, ctx: _Context) -> _Decision:
    s = sent.text
    verbs, frames, postfix = _anchors(s, lex)
    pronoun_frames = _finds(lex.pronoun_frames, s)
    frames = [m for m in frames if not any(_overlaps(m, p) for p in pronoun_frames)]
    found: list[tuple[_Cand, bool]] = []  # (candidate, from an implicit subject)
    for m in verbs:
        found.extend(_verb_sources(s, m, lex))
    for m in pronoun_frames:  # "по его словам", "nas palavras dele", "उनके अनुसार": the antecedent
        found.append((_Cand(m.start(), m.end(), "pronoun"), False))
    for m in frames:
        quoted = _quoted_name(s, m.end())
        if quoted is not None:
            found.append((quoted, False))
            continue
        span = _after_span(s, m.end())
        choice = _choose(s, _phrase_cands(s, *span, lex))
        if choice is None or (choice.kind == "named_source" and not _is_person(s, choice)):
            # "Segundo o porta-voz da polícia, João Silva, ...": the appositive names the person.
            nxt = _next_segment(s, span[1])
            later = _choose(s, _phrase_cands(s, *nxt, lex)) if nxt else None
            if later is not None and later.kind == "named_source" and _is_person(s, later):
                choice = later
        if choice:
            found.append((choice, False))
    for m in postfix:
        found.extend(_hindi_subject(s, m.start(), lex))
    decision = _resolve(sent, index, found, ctx)
    if decision is None and (verbs or frames or postfix or pronoun_frames):
        vague = [_Cand(m.start(), m.end(), "vague_source") for m in _finds(lex.vague_nouns, s)]
        decision = _first_of(sent, _outlet_cands(s, 0, len(s), lex), "named_outlet") or _first_of(
            sent, vague, "vague_source"
        )
    if decision is None:
        phrases = _finds(lex.vague_phrases, s)
        naming = [m for m in phrases if _names_only(s, m, lex)]
        attributing = [m for m in phrases if m not in naming]
        hedges = [m for m in _finds(lex.hedges, s) if not _qualifies_descriptor(s, m, lex)]
        decision = _first_match(sent, attributing, "vague_source") or _first_match(
            sent, sorted(naming + hedges, key=lambda m: m.start()), "hedge"
        )
    if decision is None and _continues_quote(s, ctx):
        assert ctx.previous is not None
        decision = ctx.previous
    return decision or _Decision("unattributed")


def _names_only(s: str, m: re.Match[str], lex: Lexicon) -> bool:
    """ "X को Y कहा जाता है", "Он считается аэродромом": a naming phrase without a
    following clause distances the naming (a hedge) but cites nobody."""
    if lex.naming_phrases is None or not lex.naming_phrases.fullmatch(m.group()):
        return False
    nxt = _TOKEN.search(s, m.end())
    return nxt is None or nxt.group().lower() not in _CLAUSE_WORDS


def _qualifies_descriptor(s: str, m: re.Match[str], lex: Lexicon) -> bool:
    """A hedge inside a noun phrase ("by supposedly legal firms", "якобы мирное
    собрание") is irony about a descriptor; the author asserts the rest. Only adverbs
    can do that: "the alleged sabotage" still distances the claim itself."""
    if m.group().lower() not in lex.ironic_hedges:
        return False
    before = _TOKEN.findall(s[max(0, m.start() - 30) : m.start()])
    if before and before[-1].lower() in lex.descriptor_before:
        return True
    nxt = _TOKEN.search(s, m.end())
    if not lex.adjective_suffixes or nxt is None or len(nxt.group()) < 5:
        return False
    return nxt.group().lower().endswith(lex.adjective_suffixes)


def _overlaps(a: re.Match[str], b: re.Match[str]) -> bool:
    return a.start() < b.end() and b.start() < a.end()


def _verb_sources(s: str, m: re.Match[str], lex: Lexicon) -> list[tuple[_Cand, bool]]:
    if lex.head_final:
        return _hindi_subject(s, m.start(), lex, need_marker=True)
    spans = _subject_spans(s, m.start())
    # The addressee of "told CNN", "каза пред bTV": an outlet there is a source too.
    addressee = _after_span(s, m.end(), max_tokens=3)
    found = [(c, False) for c in _outlet_cands(s, *addressee, lex)]
    choices = [c for c in (_choose(s, _phrase_cands(s, *span, lex)) for span in spans) if c is not None]
    found += [(c, False) for c in choices[1:] if c.kind == "named_outlet"]  # "Sources, including Aydınlık,"
    if s[: m.start()].rstrip().endswith(","):
        inverted = _inverted_source(s, m.end(), lex)
        if inverted is not None:  # "…, съобщи „Гардиън“.", "…, disse o ministro João Lopes."
            return [*found, (inverted, False)]
    if choices:
        best = choices[0]
        if len(choices) > 1 and _prefer_appositive(s, best, choices[1]):
            best = choices[1]  # "Its director, Rui Costa, confirmed"
        elif best.kind == "named_outlet":
            # "Ana Lima, columnist at The Hill writes": the person outranks her outlet.
            best = _leading_person(s, spans[0][0], lex) or best
        return [*found, (_indefinite(s, spans[0], best, lex), False)]
    # Inverted order: "said Andrew Collins", "сообщает ТАСС", "— подчеркнул пресс-секретарь Песков".
    after = _after_span(s, m.end(), max_tokens=5)
    choice = _choose(s, _phrase_cands(s, *after, lex))
    if choice is None:
        nxt = _next_segment(s, after[1])  # "disse o comandante dos bombeiros, Rui Tavares"
        choice = _choose(s, _phrase_cands(s, *nxt, lex)) if nxt else None
    if choice is not None:
        return [*found, (choice, False)]
    if all(_is_blank(s, sp) for sp in spans) and _after_quote_or_clause(s, m.start()):
        return [*found, (_Cand(m.start(), m.end(), "pronoun"), True)]
    return found


def _leading_person(s: str, subject_start: int, lex: Lexicon) -> _Cand | None:
    """A full name that alone makes up the comma segment right before the subject phrase."""
    head = s[:subject_start].rstrip()
    if not head.endswith(","):
        return None
    seg_start = max(head.rfind(",", 0, len(head) - 1) + 1, 0)
    for m in _BEFORE_BOUNDARY.finditer(s, seg_start, len(head) - 1):
        seg_start = m.end()
    runs = _capitalised_runs(s, seg_start, len(head) - 1, lex)
    if len(runs) != 1 or not _is_person(s, runs[0]):
        return None
    run = runs[0]
    only = not s[seg_start : run.start].strip() and not s[run.end : len(head) - 1].strip()
    return _Cand(run.start, run.end, "named_source") if only else None


def _inverted_source(s: str, pos: int, lex: Lexicon) -> _Cand | None:
    """The source after a verb that follows a comma, when it closes the clause.

    Only an outlet (known, or a quoted name) or a person's full name counts: a single
    capitalised word there is as often a place or a day ("…, said on Monday").
    """
    quoted = _quoted_name(s, pos)
    after = _after_span(s, pos, max_tokens=5)
    choice = quoted or _choose(s, _phrase_cands(s, *after, lex))
    if choice is None or not (choice.kind == "named_outlet" or _is_person(s, choice)):
        return None
    rest = s[choice.end :].lstrip(_CLOSERS + "“")  # „Гардиън“ closes with “
    return choice if not rest or rest[0] in ".,;:!?…" else None


def _quoted_name(s: str, pos: int) -> _Cand | None:
    """A short capitalised name in quotation marks right at ``pos``: a title, i.e. an outlet.

    Used right after an attribution frame or an inverted reporting verb ("според
    „Фокус“", "по данным «Интерфакса»", "пише « Гардиън »"), where a quoted name is
    the publication that carries the claim.
    """
    m = _QUOTED_NAME.match(s, pos)
    if m is None or not m.group(1)[:1].isupper() or len(_TOKEN.findall(m.group(1))) > 4:
        return None
    return _Cand(m.start(1), m.end(1), "named_outlet")


def _after_quote_or_clause(s: str, pos: int) -> bool:
    """Pro-drop ("“…”, disse.") needs a quotation or a clause before the verb."""
    return any(ch in s[:pos] for ch in ',"“”«»—–')


def _prefer_appositive(s: str, subject: _Cand, appositive: _Cand) -> bool:
    """Use the appositive's name when the subject has none ("Its director, Rui Costa,")."""
    if appositive.kind != "named_source" or subject.kind == "named_outlet":
        return False
    if subject.kind != "named_source":
        return True
    return _is_person(s, appositive) and not _is_person(s, subject)


def _next_segment(s: str, pos: int) -> tuple[int, int] | None:
    """The words after a comma that directly follows ``pos``."""
    rest = s[pos:]
    stripped = rest.lstrip()
    if not stripped.startswith(","):
        return None
    start = pos + len(rest) - len(stripped) + 1
    return _after_span(s, start, max_tokens=5)


def _indefinite(s: str, subject: tuple[int, int], cand: _Cand, lex: Lexicon) -> _Cand:
    """An indefinite subject with only an adjective capitalised ("A Ukrainian commander") is unnamed."""
    first = _TOKEN.search(s, *subject)
    if (
        cand.kind == "named_source"
        and first is not None
        and first.group().lower() in lex.indefinite
        and not _is_person(s, cand)
        and not _is_institution(s, cand)
    ):
        return _Cand(first.start(), subject[1], "vague_source")
    return cand


def _hindi_subject(
    s: str, anchor_start: int, lex: Lexicon, need_marker: bool = False
) -> list[tuple[_Cand, bool]]:
    """Hindi: the words before the agent marker "ने" (or before the verb) name the source."""
    bound = 0
    for m in _HI_BOUNDARY.finditer(s, 0, anchor_start):
        bound = m.end()
    toks = list(_TOKEN.finditer(s, bound, anchor_start))
    ne = [i for i, t in enumerate(toks) if t.group() == "ने"]
    addressee: list[tuple[_Cand, bool]] = []
    if ne:
        # "X ने रॉयटर्स को बताया": an outlet between the agent marker and the verb is the addressee.
        rest = toks[ne[-1] + 1 :]
        if rest:
            addressee = [(c, False) for c in _outlet_cands(s, rest[0].start(), rest[-1].end(), lex)]
        toks = toks[: ne[-1]]
    elif need_marker:
        # A bare verb ("बताया गया", passive) names no one; only a cue in front of it counts.
        toks = toks[-5:]
        cands = _phrase_cands(s, toks[0].start(), toks[-1].end(), lex) if toks else []
        return [(c, False) for c in cands[-1:] if c.kind in ("vague_source", "named_outlet", "pronoun")]
    toks = _hindi_noun_phrase(toks)
    while toks and toks[0].group() in lex.leading_stopwords:  # "हालांकि मास्को ने" → "मास्को"
        toks = toks[1:]
    return addressee + _hindi_phrase(s, toks, lex)


def _hindi_noun_phrase(toks: list[re.Match[str]]) -> list[re.Match[str]]:
    """The noun phrase that ends right before the agent marker or frame.

    Hindi is head-final: walking back from the marker, a genitive ("की", "का", "के")
    joins its owner to the phrase ("… केंद्र की हेड मीना सिंह रॉय"), while any other
    postposition or a finite verb closes an earlier constituent ("… हत्या पर | मीना सिंह").
    A role and a name can be long, so the phrase may take up to ``_HI_PHRASE_TOKENS``
    words; a genitive left at its start is dropped.
    """
    kept: list[re.Match[str]] = []
    for tok in reversed(toks):
        if tok.group() in _HI_CLOSERS or len(kept) >= _HI_PHRASE_TOKENS:
            break
        kept.append(tok)
    kept.reverse()
    while kept and kept[0].group() in _HI_GENITIVES:
        kept = kept[1:]
    return kept


def _hindi_phrase(s: str, toks: list[re.Match[str]], lex: Lexicon) -> list[tuple[_Cand, bool]]:
    if not toks:
        return []
    start, end = toks[0].start(), toks[-1].end()
    cands = _phrase_cands(s, start, end, lex)
    for kind in ("named_outlet",):
        hit = [c for c in cands if c.kind == kind]
        if hit:
            return [(hit[0], False)]
    if any(c.kind == "named_source" for c in cands):
        return [(_Cand(start, end, "named_source"), False)]
    if toks[0].group() in lex.indefinite:  # "एक वरिष्ठ अधिकारी", "एक यूक्रेनी कमांडर"
        return [(_Cand(start, end, "vague_source"), False)]
    if cands and cands[-1].end == end:  # head-final: the last word is the head ("कुछ वैज्ञानिकों")
        return [(cands[-1], False)]
    if all(t.group() in lex.roles for t in toks):  # a bare role ("मंत्री ने कहा") names no one
        return []
    return [(_Cand(start, end, "named_source"), False)]  # "प्रवक्ता रमेश कुमार": role + name


def _resolve(sent: Span, index: int, found: list[tuple[_Cand, bool]], ctx: _Context) -> _Decision | None:
    """The highest-priority candidate of the sentence; pronouns go to their antecedent."""
    decisions: list[_Decision] = []
    for cand, implicit in found:
        if cand.kind == "pronoun":
            ante = _antecedent(index, ctx)
            if ante is not None:
                decisions.append(_Decision("named_source", *ante))
            elif not implicit:  # an unresolved "he said" is an unnamed source; pro-drop says nothing
                decisions.append(_Decision("vague_source", sent.start + cand.start, sent.start + cand.end))
            continue
        kind: schema.AttributionKind = cand.kind  # type: ignore[assignment]
        decisions.append(_Decision(kind, sent.start + cand.start, sent.start + cand.end))
    if not decisions:
        return None
    return min(decisions, key=lambda d: KINDS.index(d.kind))


def _antecedent(index: int, ctx: _Context) -> tuple[int, int] | None:
    """The latest named source of the previous sentences, else the latest full name there."""
    recent = [n for n in ctx.names if 0 < index - n[0] <= _ANTECEDENT_SENTENCES]
    for _, start, end, is_source in reversed(recent):
        if is_source:
            return start, end
    return (recent[-1][1], recent[-1][2]) if recent else None


def _first_of(sent: Span, cands: list[_Cand], kind: schema.AttributionKind) -> _Decision | None:
    if not cands:
        return None
    c = min(cands, key=lambda c: c.start)
    return _Decision(kind, sent.start + c.start, sent.start + c.end)


def _first_match(sent: Span, ms: list[re.Match[str]], kind: schema.AttributionKind) -> _Decision | None:
    return _Decision(kind, sent.start + ms[0].start(), sent.start + ms[0].end()) if ms else None


def _continues_quote(s: str, ctx: _Context) -> bool:
    return (
        ctx.previous is not None
        and ctx.previous.kind in ("named_source", "named_outlet", "vague_source")
        and ctx.previous_open
        and s[:1] in _QUOTE_OPEN
    )


def _remember(sent: Span, index: int, decision: _Decision, lex: Lexicon, ctx: _Context) -> None:
    """Record a person-like name of this sentence as a possible antecedent."""
    start, end = decision.start, decision.end
    if (
        decision.kind == "named_source"
        and start is not None
        and end is not None
        and sent.start <= start < sent.end
    ):
        ctx.names.append((index, start, end, True))
        return
    name = _sentence_name(sent.text, lex)
    if name is not None:
        ctx.names.append((index, sent.start + name[0], sent.start + name[1], False))


def _sentence_name(s: str, lex: Lexicon) -> tuple[int, int] | None:
    if lex.head_final:
        ne = _HI_AGENT.search(s)
        if not ne:
            return None
        picked = _hindi_subject(s, ne.end(), lex)
        if picked and picked[0][0].kind == "named_source":
            return picked[0][0].start, picked[0][0].end
        return None
    quoted = [(m.start(), m.end()) for m in _QUOTATION.finditer(s)]
    for run in _capitalised_runs(s, 0, len(s), lex):
        inside = any(a <= run.start < b for a, b in quoted)  # a name someone mentions is no speaker
        if not inside and len(_TOKEN.findall(s[run.start : run.end])) >= 2:
            return run.start, run.end
    return None


# --------------------------------------------------------------------------- API


_BYLINE_LINES = 4
_BYLINE_NAME_WORDS = 4
_BYLINE_NAME_END = re.compile(r"\s*(?:[,|(/•·]|\s[-—–]\s)")


def byline(text: str, language: str | None) -> tuple[int, int] | None:
    """Offsets of the author's name in a byline near the top ("By Helen Marsh",
    "Автор: Иван Петров, ТАСС"), or None.

    A byline is a line of its own among the first four non-empty lines: a marker of the
    language's lexicon (`byline_markers`), then a name of one to four capitalised words (or
    words of a script without case), optionally followed by ", outlet". "От Киев до Москва"
    is no byline: "до" is not part of a name. The author is a source, not an actor."""
    pattern = load_lexicon(language or "en").byline
    if pattern is None:
        return None
    offset, seen = 0, 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            seen += 1
            found = _byline_name(line, pattern)
            if found is not None:
                return offset + found[0], offset + found[1]
            if seen >= _BYLINE_LINES:
                return None
        offset += len(line)
    return None


def _byline_name(line: str, pattern: re.Pattern[str]) -> tuple[int, int] | None:
    lead = len(line) - len(line.lstrip())
    m = pattern.match(line, lead)
    if m is None:
        return None
    start = m.start("name")
    cut = _BYLINE_NAME_END.search(line, start, m.end("name"))
    end = cut.start() if cut else m.end("name")
    words = line[start:end].split()
    named = 0 < len(words) <= _BYLINE_NAME_WORDS and all(
        w[0].isupper() or w[0].lower() == w[0].upper() for w in words
    )
    return (start, end) if named else None


def source_only_spans(
    text: str, language: str | None, sourcing: schema.Sourcing | None
) -> list[tuple[int, int]]:
    """Spans that name a source, not an actor: the outlets ``sourcing`` found cited, an
    outlet relaying a claim whose chosen source is someone else
    ("According to Reuters, the Kremlin denied it": the Kremlin is the claim's source,
    Reuters only relays it), and the author in the byline. The entity stage leaves out an
    entity named only there."""
    claims = sourcing.claims if sourcing else []
    spans = [
        (claim.source.start, claim.source.end)
        for claim in claims
        if claim.kind == "named_outlet" and claim.source is not None
    ]
    lex = load_lexicon(language or "en")
    for claim in claims:
        if claim.kind != "unattributed":
            spans.extend((claim.start + a, claim.start + b) for a, b in _relaying_outlets(claim.text, lex))
    if (author := byline(text, language)) is not None:
        spans.append(author)
    return spans


def _relaying_outlets(s: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Outlets a sentence cites as relaying its claim, whichever source the sentence was
    given: after an attribution frame ("according to Reuters", "по данным ТАСС") or as the
    subject of a reporting verb ("Reuters reported"). Not an outlet after the verb: in
    "said Reuters had been fooled" it is the one the claim is about."""
    verbs, frames, _ = _anchors(s, lex)
    spans = [] if lex.head_final else [span for m in verbs for span in _subject_spans(s, m.start())]
    spans += [_after_span(s, m.end()) for m in frames]
    return sorted({(c.start, c.end) for span in spans for c in _outlet_cands(s, *span, lex)})


def detect_sourcing(text: str, language: str | None, sentences: list[Span] | None = None) -> schema.Sourcing:
    """Label every claim sentence of ``text`` with its attribution kind and source span.

    ``language`` is an ISO 639-1 code; ``None`` or a code outside bg/en/hi/pt/ru uses
    the English lexicon plus the language-independent cues (known outlet names,
    capitalised names, quotation marks). ``sentences`` (from ``split_sentences``) may
    be passed to avoid splitting twice. Offsets are code points into ``text``; a
    pronoun source ("he said") points at its antecedent in an earlier sentence.
    """
    lex = load_lexicon(language or "en")
    sents = split_sentences(text) if sentences is None else sentences
    title = _title_index(text, sents)
    token = _LOWERCASE_WORDS.set(frozenset(t for t in _TOKEN.findall(text) if t.islower()))
    proper_token = _PROPER_STEMS.set(_proper_stems(sents))
    try:
        ctx = _Context()
        decisions: list[_Decision] = []
        for i, sent in enumerate(sents):
            decision = _label_sentence(sent, i, lex, ctx)
            if i != title:  # a headline's names are not antecedents of "he said"
                _remember(sent, i, decision, lex, ctx)
            ctx.previous, ctx.previous_open = decision, _opens_quote(sent.text)
            decisions.append(decision)
    finally:
        _LOWERCASE_WORDS.reset(token)
        _PROPER_STEMS.reset(proper_token)
    _spread_quotations(text, sents, decisions)
    dateline = _apply_dateline(sents, decisions, lex)
    claims = [
        _attribution(text, sent, d)
        for i, (sent, d) in enumerate(zip(sents, decisions, strict=True))
        if is_claim(sent, is_title=i in (title, dateline))
    ]
    return summarise(claims)


def _apply_dateline(sents: Sequence[Span], decisions: list[_Decision], lex: Lexicon) -> int | None:
    """A wire dateline makes its agency the source of the lead; returns the dateline's index.

    "МОСКВА, 5 мая — РИА Новости." is a sentence of its own and no claim (its index is
    returned); the sentence after it is the agency's report. "KYIV, May 5 (Reuters) - …"
    opens the lead itself. Only an unattributed lead is changed: an attribution the lead
    states ("…, следует из сводки Минобороны") is more specific than the dateline.
    """
    for i, sent in enumerate(sents[:_DATELINE_SENTENCES]):
        m = _DATELINE.match(sent.text)
        if m is None:
            continue
        group = "paren" if m.group("paren") else "after"
        start, end = m.span(group)
        if not _is_agency(m.group(group), lex):
            continue
        lead = i if group == "paren" else i + 1
        if lead < len(sents) and decisions[lead].kind == "unattributed":
            decisions[lead] = _Decision("named_outlet", sent.start + start, sent.start + end)
        return None if group == "paren" else i
    return None


def _is_agency(name: str, lex: Lexicon) -> bool:
    """A known outlet, or a capitalised name of at most four words."""
    if _finds(lex.outlets, name):
        return True
    words = _TOKEN.findall(name)
    return 0 < len(words) <= 4 and words[0][:1].isupper()


def _spread_quotations(text: str, sents: Sequence[Span], decisions: list[_Decision]) -> None:
    """Sentences inside a multi-sentence quotation take the attribution of the quotation.

    The speaker is named in the sentence where the quotation opens ("X said: “…") or
    closes ("…,” X said.); unattributed sentences in between inherit it.
    """
    ends = [sent.end for sent in sents]
    for q in _QUOTATION.finditer(text):
        first = bisect.bisect_right(ends, q.start())
        inside = list(range(first, bisect.bisect_left(ends, q.end()) + 1))
        inside = [i for i in inside if i < len(sents) and sents[i].start < q.end()]
        if len(inside) < 2 or len(inside) > _QUOTE_SPREAD_SENTENCES:
            continue
        edges = [inside[-1], inside[0]]
        sourced = [decisions[i] for i in edges if decisions[i].kind in _SOURCED]
        if not sourced:
            continue
        for i in inside:
            if decisions[i].kind == "unattributed":
                decisions[i] = sourced[0]


_SOURCED = ("named_source", "named_outlet", "vague_source")


def _opens_quote(s: str) -> bool:
    """The sentence ends with a colon or carries a quotation (so a bare quote may follow)."""
    return s.rstrip().endswith(":") or any(q in s for q in '"“”«»')


def _attribution(text: str, sent: Span, d: _Decision) -> schema.Attribution:
    source = None
    if d.kind != "unattributed" and d.start is not None and d.end is not None:
        source = schema.Mention(start=d.start, end=d.end, text=text[d.start : d.end])
    return schema.Attribution(start=sent.start, end=sent.end, text=sent.text, kind=d.kind, source=source)


def summarise(claims: list[schema.Attribution]) -> schema.Sourcing:
    """Counts per kind and the share of claims with a named source or outlet."""
    counts: dict[str, int] = {kind: sum(c.kind == kind for c in claims) for kind in KINDS}
    named = counts["named_source"] + counts["named_outlet"]
    share = named / len(claims) if claims else 0.0
    return schema.Sourcing(claims=claims, counts=counts, named_share=share)
