"""Stories: group the stored articles that report the same event or claim, across languages.

An article joins the closest *active* story (one whose latest article is at most
``window_days`` older) when its similarity clears a threshold, else it starts a new
story. Similarity is the cosine of multilingual e5 vectors of title and lead, plus
small language-independent *anchor* terms: numbers (``6.1`` = ``6,1``) and names
(transliterated to Latin), which tell two earthquakes or two rate decisions apart
where the vectors alone see one topic. Articles are assigned in one place, in the
order of their publication time (then id), after analysis — so the stories do not
depend on how many workers analysed them, and a store can be assigned again from
scratch to the same result. Near-copies (MinHash of word shingles, same language) are
marked as copies of the earliest article they repeat: a network of look-alike sites
republishing one text shows as such.

Cost: the active stories' member vectors are one matrix; an article costs one
matrix-vector product over the active window (not the store), plus its embedding.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import numpy as np

from narrascope.corpus.store import CorpusStore
from narrascope.nlp.embed import embedding_text

Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts → L2-normalised vectors (``nlp.embed.Embedder.embed``)."""

LEAD_CHARS = 300
"""How much of the article after its title describes the event (the lead)."""
SHINGLE = 3
NUM_PERM = 64
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_CAPITALISED = re.compile(r"\b[^\W\d_][\w'’-]{2,}", re.UNICODE)

_LATIN_OF_CYRILLIC = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i yi ye g"
_CYRILLIC = {
    ch: ("" if latin == "-" else latin)
    for ch, latin in zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ", _LATIN_OF_CYRILLIC.split(), strict=True)
}


@dataclass(frozen=True)
class StoryConfig:
    """How close is close enough, and for how long a story stays open."""

    threshold: float = 0.40
    window_days: float = 2.0
    anchor_bonus: float = 0.02
    """Added per shared anchor (number or name), at most ``max_anchor_bonus`` in all."""
    max_anchor_bonus: float = 0.04
    number_penalty: float = 0.04
    """Subtracted when both texts carry numbers and share none (6.1 vs 5.8 magnitude)."""
    copy_jaccard: float = 0.8
    link: str = "average"
    """``centroid`` (cosine to the story's mean vector), ``average`` (mean cosine to its
    members) or ``max`` (cosine to its closest member)."""
    center: bool = True
    """Subtract the mean vector of the articles seen so far before comparing."""
    max_members: int = 64
    """The most recent articles of a story it is compared through (bounds the cost)."""
    prior_weight: float = 100.0
    """How many articles the shipped mean title vector counts for against the running mean."""
    cross_language: float = 0.2
    """Added to the similarity with another language's articles: the same event told in two
    languages scores lower in e5 than two tellings in one language."""


@dataclass
class StoryInput:
    """What assignment needs of one stored article."""

    id: str
    content_sha256: str
    title: str
    lead: str
    language: str
    published: datetime | None
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    """The story vector computed when the article was analysed (``story_vector``), if any."""

    @property
    def text(self) -> str:
        """Title and lead, the form that is embedded."""
        return joined_text(self.title, self.lead)


def joined_text(title: str, lead: str) -> str:
    """What a story vector embeds: the title, then the lead."""
    return embedding_text(f"{title}\n{lead}" if lead else title)


def story_text(title: str, content: str) -> str:
    """The text an article's story vector embeds (title and lead), from the analysed article."""
    return joined_text(title, lead_of(title, content))


def vector_bytes(vector: np.ndarray | None) -> bytes:
    """How a story vector is stored (float16)."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def vector_of(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)


@dataclass
class Assignment:
    id: str
    content_sha256: str
    story: str
    similarity: float  # to the story it joined (1.0 for the article that started it)
    copy_of: tuple[str, str] | None = None
    vector: np.ndarray | None = field(default=None, repr=False)


@dataclass
class _Story:
    number: str
    total: np.ndarray  # sum of member vectors
    last: datetime | None
    members: list[int] = field(default_factory=list)  # rows of the index matrix
    numbers: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    languages: Counter[str] = field(default_factory=Counter)
    size: int = 0  # all its articles (``members`` keeps the recent ones)


@cache
def title_mean() -> np.ndarray:
    """The mean e5 vector of 2,242 news titles (shipped; ``benchmarks/stories_title_mean.py``)."""
    from narrascope.models.artifacts import artifact_dir

    path = artifact_dir("stories", "NARRASCOPE_STORIES_DIR") / "title_mean.npy"
    return np.load(path).astype(np.float32)


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(1e-9, float(np.linalg.norm(vector)))


def story_id(first_id: str, first_sha256: str) -> str:
    """A story's id: stable as long as its first article is (not a counter that shifts)."""
    return "S" + hashlib.sha1(f"{first_id}\x00{first_sha256}".encode()).hexdigest()[:10]


# --------------------------------------------------------------------------- anchors


def transliterate(word: str) -> str:
    """A Latin form of a word, so Перу and Peru (or Киев and Kiev) can match."""
    lowered = word.lower()
    if any(ch in _CYRILLIC for ch in lowered):
        lowered = "".join(_CYRILLIC.get(ch, ch) for ch in lowered)
    folded = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def anchors(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """``(numbers, names)`` of a title/lead: numbers normalised (6,1 → 6.1); capitalised
    words not at the start of the text, transliterated and cut to 5 letters (Peru, Perú, Перу)."""
    numbers = frozenset(m.group().replace(",", ".") for m in _NUMBER.finditer(text) if len(m.group()) < 12)
    names = set()
    for match in _CAPITALISED.finditer(text):
        word = match.group()
        if match.start() == 0 or not word[0].isupper():
            continue
        names.add(transliterate(word)[:5])
    return numbers, frozenset(names)


Anchors = tuple[frozenset[str], frozenset[str]] | tuple[set[str], set[str]]


def anchor_adjustment(a: Anchors, b: Anchors, config: StoryConfig) -> float:
    shared = len(a[0] & b[0]) + len(a[1] & b[1])
    bonus = min(config.max_anchor_bonus, config.anchor_bonus * shared)
    if a[0] and b[0] and not a[0] & b[0]:
        bonus -= config.number_penalty
    return bonus


# --------------------------------------------------------------------------- copies


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@cache
def _permutations() -> tuple[object, str]:
    """MinHash's random permutations (and their scheme), drawn once instead of per sketch."""
    from datasketch import MinHash

    template = MinHash(num_perm=NUM_PERM, seed=1)
    return template.permutations, template.scheme


class CopyFinder:
    """Near-copies among recent articles, per language (MinHash LSH, datasketch).

    Articles older than ``keep_days`` before the newest one are dropped from the index, so
    its size follows the flow of news, not the size of the store.
    """

    def __init__(self, threshold: float, keep_days: float = 7.0) -> None:
        from datasketch import MinHashLSH

        self._threshold = threshold
        self._keep = timedelta(days=keep_days)
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._hashes: dict[str, object] = {}
        self._order: dict[str, int] = {}
        self._arrived: deque[tuple[datetime, str]] = deque()
        self._count = 0

    def find_then_add(self, key: str, language: str, text: str, when: datetime | None = None) -> str | None:
        """The earliest kept article ``text`` nearly repeats (same language); then keep it too."""
        from datasketch import MinHash

        words = shingles(text)
        if not words:
            return None
        if when is not None:
            self._forget_before(when - self._keep)
        permutations, scheme = _permutations()
        digest = MinHash(num_perm=NUM_PERM, seed=1, permutations=permutations, scheme=scheme)
        for w in words:
            digest.update(f"{language}\x00{w}".encode())
        hits = [k for k in self._lsh.query(digest) if digest.jaccard(self._hashes[k]) >= self._threshold]  # type: ignore[arg-type]
        if key not in self._hashes:
            self._lsh.insert(key, digest)
            self._hashes[key] = digest
            self._order[key] = self._count
            self._count += 1
            if when is not None:
                self._arrived.append((when, key))
        hits = [k for k in hits if k != key]
        return min(hits, key=self._order.__getitem__) if hits else None

    def _forget_before(self, limit: datetime) -> None:
        while self._arrived and self._arrived[0][0] < limit:
            _, old = self._arrived.popleft()
            self._lsh.remove(old)
            del self._hashes[old], self._order[old]

    def __len__(self) -> int:
        return len(self._hashes)


# --------------------------------------------------------------------------- assignment


class StoryIndex:
    """Active stories and their member vectors; assigns articles one by one, in time order."""

    def __init__(self, config: StoryConfig | None = None) -> None:
        self.config = config or StoryConfig()
        self._stories: list[_Story] = []
        self._by_id: dict[str, _Story] = {}
        self._vectors = np.zeros((0, 0), dtype=np.float32)
        self._rows: list[str] = []  # story of each row
        self._anchors: list[tuple[frozenset[str], frozenset[str]]] = []
        self._languages: list[str] = []
        self._times: list[datetime | None] = []
        self._copies = CopyFinder(self.config.copy_jaccard)
        self._now: datetime | None = None
        self._seen_total: np.ndarray | float = 0.0
        self._seen = 0

    def seed(self, item: StoryInput, vector: np.ndarray, story: str) -> None:
        """Take in an article assigned earlier (incremental runs rebuild the active window)."""
        when = item.published or self._now
        target = self._by_id.get(story)
        if target is None:
            target = self._open(story, vector, when)
        self._join(target, vector, anchors(item.text), when, item.language)
        self._copies.find_then_add(f"{item.id}\x00{item.content_sha256}", item.language, item.text, when)
        self._tick(when)

    def add(self, item: StoryInput, vector: np.ndarray) -> Assignment:
        when = item.published or self._now
        self._expire(when)
        marks = anchors(item.text)
        story, similarity = self._best(vector, marks, item.language)
        if story is None or similarity < self.config.threshold:
            story = self._open(story_id(item.id, item.content_sha256), vector, when)
            similarity = 1.0
        self._join(story, vector, marks, when, item.language)
        key = f"{item.id}\x00{item.content_sha256}"
        copy = self._copies.find_then_add(key, item.language, item.text, when)
        self._tick(when)
        copy_of = (copy.split("\x00", 1)[0], copy.split("\x00", 1)[1]) if copy else None
        return Assignment(
            item.id, item.content_sha256, story.number, round(min(1.0, similarity), 4), copy_of, vector
        )

    def _open(self, number: str, vector: np.ndarray, when: datetime | None) -> _Story:
        story = _Story(number, np.zeros_like(vector), when)
        self._stories.append(story)
        self._by_id[number] = story
        return story

    def _tick(self, when: datetime | None) -> None:
        if when is not None and (self._now is None or when > self._now):
            self._now = when

    def _best(
        self, vector: np.ndarray, marks: tuple[frozenset[str], frozenset[str]], language: str
    ) -> tuple[_Story | None, float]:
        if not self._stories:
            return None, 0.0
        # Centering removes what all news titles share, which otherwise packs every cosine
        # into a narrow band near 0.8 (e5's anisotropy); the mean is of the articles seen so far.
        mean = self._mean() if self.config.center else 0.0
        probe = _unit(vector - mean)
        if self.config.link in ("max", "average"):
            return self._best_by_members(probe, marks, language, mean)
        sizes = np.array([st.size for st in self._stories], dtype=np.float32)[:, None]
        centres = np.stack([st.total for st in self._stories]) / sizes - mean
        scores = (centres / np.maximum(1e-9, np.linalg.norm(centres, axis=1, keepdims=True))) @ probe
        for k, story in enumerate(self._stories):
            scores[k] += anchor_adjustment(marks, (story.numbers, story.names), self.config)
            if self.config.cross_language:
                foreign = 1.0 - story.languages[language] / story.size
                scores[k] += self.config.cross_language * foreign
        best = int(np.argmax(scores))
        return self._stories[best], float(scores[best])

    def _best_by_members(
        self, probe: np.ndarray, marks: Anchors, language: str, mean: np.ndarray | float
    ) -> tuple[_Story | None, float]:
        """Single link (``max``: the closest member) or average link (mean over members)."""
        # cos(v_i - m, p) without building the centred matrix: the rows are unit vectors, so
        # |v_i - m|^2 = 1 - 2 v_i.m + |m|^2 (two matrix-vector products instead of a copy).
        m = np.zeros_like(probe) if np.isscalar(mean) else np.asarray(mean)
        norms = np.sqrt(np.maximum(1e-12, 1.0 - 2.0 * (self._vectors @ m) + float(m @ m)))
        cosines = (self._vectors @ probe - float(m @ probe)) / norms
        order = {st.number: k for k, st in enumerate(self._stories)}
        index = np.fromiter((order[n] for n in self._rows), dtype=np.int64, count=len(self._rows))
        if self.config.link == "max":
            scores = np.full(len(self._stories), -2.0)
            np.maximum.at(scores, index, cosines)
        else:
            count = len(self._stories)
            scores = np.bincount(index, cosines, count) / np.bincount(index, None, count)
        for k, story in enumerate(self._stories):
            scores[k] += anchor_adjustment(marks, (story.numbers, story.names), self.config)
            if self.config.cross_language:
                foreign = 1.0 - story.languages[language] / story.size
                scores[k] += self.config.cross_language * foreign
        best = int(np.argmax(scores))
        return self._stories[best], float(scores[best])

    def _mean(self) -> np.ndarray:
        """The running mean of the vectors seen, starting from the shipped title mean."""
        k = self.config.prior_weight
        return (title_mean() * k + self._seen_total) / (k + self._seen)

    def _join(self, story: _Story, vector: np.ndarray, marks: tuple[frozenset[str], frozenset[str]],
              when: datetime | None, language: str) -> None:  # fmt: skip
        story.total = story.total + vector
        story.numbers |= marks[0]
        story.names |= marks[1]
        story.languages[language] += 1
        story.size += 1
        self._seen_total = self._seen_total + vector
        self._seen += 1
        if when is not None and (story.last is None or when > story.last):
            story.last = when
        row = len(self._rows)
        self._vectors = vector[None, :].copy() if row == 0 else np.vstack([self._vectors, vector[None, :]])
        self._rows.append(story.number)
        self._anchors.append(marks)
        self._languages.append(language)
        self._times.append(when)
        story.members.append(row)

    def _expire(self, when: datetime | None) -> None:
        """Close stories whose latest article is older than the window (they take no more), and
        keep at most ``max_members`` recent articles of a story in the matrix, so a story that
        runs for weeks neither grows the cost of every comparison nor drifts without end."""
        if when is None:
            return
        limit = when - timedelta(days=self.config.window_days)
        keep = [s for s in self._stories if s.last is None or s.last >= limit]
        cap = self.config.max_members
        if len(keep) == len(self._stories) and all(len(s.members) <= cap for s in keep):
            return
        for story in keep:
            story.members = story.members[-cap:]
        rows = sorted(r for s in keep for r in s.members)
        remap = {old: new for new, old in enumerate(rows)}
        self._vectors = self._vectors[rows] if rows else np.zeros((0, self._vectors.shape[1]), np.float32)
        self._rows = [self._rows[r] for r in rows]
        self._anchors = [self._anchors[r] for r in rows]
        self._languages = [self._languages[r] for r in rows]
        self._times = [self._times[r] for r in rows]
        for story in keep:
            story.members = [remap[r] for r in story.members]
        self._stories = keep
        self._by_id = {s.number: s for s in keep}

    @property
    def active(self) -> int:
        return len(self._stories)

    @property
    def kept_for_copies(self) -> int:
        return len(self._copies)


def one_blas_thread() -> AbstractContextManager[object]:
    """Assignment multiplies a few hundred rows by one vector: on that size, BLAS threads cost
    more than they save (1.6 vs 6-10 ms an article on 2 busy cores)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def time_order(items: Iterable[StoryInput]) -> list[StoryInput]:
    """Publication time first (undated last), then id: the one order assignment uses."""
    return sorted(items, key=lambda i: (i.published is None, i.published or datetime.min, i.id))


def assign(
    items: Iterable[StoryInput], embed: Embed, config: StoryConfig | None = None, batch: int = 64
) -> list[Assignment]:
    """Stories of ``items`` from scratch (no stored state), in :func:`time_order`."""
    return _add_all(StoryIndex(config), time_order(items), embed, batch)


def _add_all(index: StoryIndex, ordered: Sequence[StoryInput], embed: Embed, batch: int) -> list[Assignment]:
    """Embed ``ordered`` a batch at a time (those analysed with a story vector need none)
    and assign each article in turn."""
    out: list[Assignment] = []
    for start in range(0, len(ordered), batch):
        part = ordered[start : start + batch]
        vectors = _vectors(part, embed)
        with one_blas_thread():
            out.extend(index.add(item, vector) for item, vector in zip(part, vectors, strict=True))
    return out


def _vectors(items: Sequence[StoryInput], embed: Embed) -> list[np.ndarray]:
    missing = [i for i in items if i.vector is None]
    computed: Iterator[np.ndarray] = iter(embed([i.text for i in missing]) if missing else [])
    return [i.vector if i.vector is not None else next(computed) for i in items]


# --------------------------------------------------------------------------- the store


def _naive_utc(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def lead_of(title: str, text: str) -> str:
    """The first ``LEAD_CHARS`` characters of the text after its title (whole words)."""
    body = text.strip()
    if title and body.startswith(title):
        body = body[len(title) :].strip()
    if not body or body == title:
        return ""
    cut = body[:LEAD_CHARS]
    return cut.rsplit(" ", 1)[0] if len(body) > LEAD_CHARS and " " in cut else cut


def _inputs(store: CorpusStore, where: str, params: Sequence[object] = ()) -> list[StoryInput]:
    """Articles as assignment sees them; the lead comes from the text the store kept (if any)."""
    rows = store.db.execute(
        "SELECT a.id, a.content_sha256, a.title, t.text, a.language, a.published, v.vector FROM articles a "
        "LEFT JOIN texts t ON t.id = a.id AND t.content_sha256 = a.content_sha256 "
        "LEFT JOIN story_vectors v ON v.id = a.id AND v.content_sha256 = a.content_sha256 "
        f"LEFT JOIN story_members m ON m.id = a.id AND m.content_sha256 = a.content_sha256 {where}",
        list(params),
    ).fetchall()
    return [_with_vector(_story_input(*row), blob) for *row, blob in rows]


def _with_vector(item: StoryInput, blob: bytes | None) -> StoryInput:
    if blob is not None:
        item.vector = vector_of(blob)
    return item


def _story_input(
    doc_id: str, sha: str, title: str | None, body: str | None, language: str, published: str | None
) -> StoryInput:
    """A stored article (columns id, hash, title, text, language, published) as assignment sees it."""
    lead = lead_of(title or "", body or "")
    return StoryInput(doc_id, sha, title or "", lead, language, _naive_utc(published))


def _active_members(store: CorpusStore, since: datetime | None) -> list[tuple[StoryInput, str, np.ndarray]]:
    """Assigned articles of the stories still open at ``since`` (the latest window when the
    pending articles are undated), in time order, with their stored vectors. Only those
    stories' rows are read: the cost follows the open stories, not the store."""
    if since is None:
        latest = store.db.execute(
            "SELECT MAX(a.published) FROM articles a JOIN story_members m "
            "ON m.id = a.id AND m.content_sha256 = a.content_sha256"
        ).fetchone()[0]
        since = _naive_utc(latest)
    bound = since.isoformat(timespec="seconds") if since else None
    rows = store.db.execute(
        "WITH open_stories AS ("
        "  SELECT m.story FROM story_members m JOIN articles a"
        "  ON a.id = m.id AND a.content_sha256 = m.content_sha256 GROUP BY m.story"
        "  HAVING ? IS NULL OR MAX(a.published) IS NULL OR MAX(a.published) >= ?) "
        "SELECT a.id, a.content_sha256, a.title, t.text, a.language, a.published, m.story, m.vector "
        "FROM story_members m JOIN open_stories o ON o.story = m.story "
        "JOIN articles a ON a.id = m.id AND a.content_sha256 = m.content_sha256 "
        "LEFT JOIN texts t ON t.id = a.id AND t.content_sha256 = a.content_sha256",
        [bound, bound],
    ).fetchall()
    members = [(_story_input(*article), story, vector_of(blob)) for *article, story, blob in rows]
    rank = {(i.id, i.content_sha256): n for n, i in enumerate(time_order(m[0] for m in members))}
    return sorted(members, key=lambda m: rank[(m[0].id, m[0].content_sha256)])


def assign_pending(
    store: CorpusStore,
    embed: Embed,
    config: StoryConfig | None = None,
    batch: int = 64,
    limit: int | None = None,
) -> list[Assignment]:
    """Assign the stored articles that have no story yet, in time order (at most ``limit``
    of them, the oldest first); earlier assignments stay as they are (so ids are stable)."""
    pending = time_order(_inputs(store, "WHERE m.story IS NULL"))[:limit]
    if not pending:
        return []
    config = config or StoryConfig()
    first = pending[0].published
    since = first - timedelta(days=config.window_days) if first is not None else None
    index = StoryIndex(config)
    for item, story, vector in _active_members(store, since):
        index.seed(item, vector, story)
    out = _add_all(index, pending, embed, batch)
    _save(store, out)
    return out


def _save(store: CorpusStore, assignments: Sequence[Assignment]) -> None:
    with store.transaction() as db:
        db.executemany(
            "INSERT OR REPLACE INTO story_members "
            "(id, content_sha256, story, similarity, copy_of_id, copy_of_sha256, vector) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [_member_row(a) for a in assignments],
        )


def _member_row(a: Assignment) -> tuple[object, ...]:
    copy_id, copy_sha = a.copy_of or (None, None)
    return (a.id, a.content_sha256, a.story, a.similarity, copy_id, copy_sha, vector_bytes(a.vector))


def reset(store: CorpusStore) -> None:
    """Forget every assignment (the next :func:`assign_pending` starts from scratch)."""
    with store.transaction() as db:
        db.execute("DELETE FROM story_members")


# --------------------------------------------------------------------------- questions


def pending_count(store: CorpusStore) -> int:
    """Stored articles that have no story yet."""
    return int(
        store.db.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN story_members m "
            "ON m.id = a.id AND m.content_sha256 = a.content_sha256 WHERE m.story IS NULL"
        ).fetchone()[0]
    )


def assignments(store: CorpusStore) -> list[tuple[str, str]]:
    """``(article id, story)`` of every assigned article, by id."""
    return [
        (row[0], row[1])
        for row in store.db.execute("SELECT id, story FROM story_members ORDER BY id, content_sha256")
    ]


_MEMBERS = (
    "SELECT m.story, a.id, a.content_sha256, a.title, a.language, a.outlet, a.published, m.similarity, "
    "m.copy_of_id, m.vector FROM story_members m JOIN articles a "
    "ON a.id = m.id AND a.content_sha256 = m.content_sha256"
)


@dataclass
class StoryMember:
    id: str
    content_sha256: str
    title: str
    language: str
    outlet: str | None
    published: str | None
    similarity: float
    copy_of: str | None
    narratives: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # entity -> main role


def _members(store: CorpusStore, story: str | None = None) -> dict[str, list[tuple[StoryMember, np.ndarray]]]:
    sql, params = _MEMBERS, []
    if story is not None:
        sql += " WHERE m.story = ?"
        params.append(story)
    groups: dict[str, list[tuple[StoryMember, np.ndarray]]] = {}
    for number, *fields, blob in store.db.execute(sql, params):
        vector = vector_of(blob)
        groups.setdefault(number, []).append((StoryMember(*fields), vector))
    for members in groups.values():
        members.sort(key=lambda m: (m[0].published is None, m[0].published or "", m[0].id))
    return groups


def _central(members: list[tuple[StoryMember, np.ndarray]]) -> StoryMember:
    """The member closest to the story's mean vector: its most typical title."""
    matrix = np.stack([v for _, v in members])
    centre = matrix.sum(axis=0)
    return members[int(np.argmax(matrix @ centre))][0]


def _labels(store: CorpusStore, keys: Sequence[tuple[str, str]]) -> tuple[dict, dict]:
    """Narrative labels and entity main roles of the given articles."""
    narratives: dict[tuple[str, str], list[str]] = {}
    roles: dict[tuple[str, str], dict[str, str]] = {}
    for start in range(0, len(keys), 400):
        part = keys[start : start + 400]
        marks = ",".join("(?, ?)" for _ in part)
        flat = [x for key in part for x in key]
        for doc_id, sha, label in store.db.execute(
            f"SELECT id, content_sha256, label FROM narratives WHERE parent IS NULL AND (id, content_sha256) "
            f"IN (VALUES {marks}) ORDER BY confidence DESC",
            flat,
        ):
            narratives.setdefault((doc_id, sha), []).append(label)
        for doc_id, sha, name, role in store.db.execute(
            f"SELECT id, content_sha256, name, main_role FROM entities WHERE (id, content_sha256) "
            f"IN (VALUES {marks}) ORDER BY confidence DESC",
            flat,
        ):
            roles.setdefault((doc_id, sha), {}).setdefault(name, role)
    return narratives, roles


def story_summaries(
    store: CorpusStore, *, since: datetime | None = None, language: str | None = None, top: int = 20
) -> list[dict[str, object]]:
    """The ``top`` largest stories (ties: earliest first) with what an analyst scans first."""
    groups = _members(store)
    rows = []
    for number, members in groups.items():
        people = [m for m, _ in members]
        last = max((m.published for m in people if m.published), default=None)
        if since is not None and (last is None or last < since.isoformat(timespec="seconds")):
            continue
        if language is not None and all(m.language != language for m in people):
            continue
        rows.append((number, members))
    rows.sort(key=lambda r: (-len(r[1]), r[1][0][0].published or "9999", r[0]))
    chosen = rows[:top]
    keys = [(m.id, m.content_sha256) for _, members in chosen for m, _ in members]
    narratives, roles = _labels(store, keys)
    out: list[dict[str, object]] = []
    for number, members in chosen:
        people = [m for m, _ in members]
        first = people[0]
        told = Counter(n for m in people for n in narratives.get((m.id, m.content_sha256), []))
        villains = Counter(
            name
            for m in people
            for name, role in roles.get((m.id, m.content_sha256), {}).items()
            if role == "Antagonist"
        )
        dated = [m.published for m in people if m.published]
        out.append(
            {
                "story": number,
                "articles": len(people),
                "copies": sum(1 for m in people if m.copy_of),
                "title": _central(members).title,
                "first": {
                    "id": first.id,
                    "outlet": first.outlet,
                    "published": first.published,
                    "language": first.language,
                },
                "languages": dict(Counter(m.language for m in people).most_common()),
                "outlets": dict(Counter(m.outlet or "(unknown)" for m in people).most_common()),
                "start": min(dated) if dated else None,
                "end": max(dated) if dated else None,
                "narratives": dict(told.most_common(3)),
                "antagonists": dict(villains.most_common(3)),
            }
        )
    return out


def story_timeline(store: CorpusStore, story: str) -> list[StoryMember]:
    """Every article of one story in publication order, with its narratives and roles."""
    members = _members(store, story).get(story)
    if not members:
        return []
    people = [m for m, _ in members]
    narratives, roles = _labels(store, [(m.id, m.content_sha256) for m in people])
    for m in people:
        m.narratives = narratives.get((m.id, m.content_sha256), [])
        m.roles = roles.get((m.id, m.content_sha256), {})
    return people
