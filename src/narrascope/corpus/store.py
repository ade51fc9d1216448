"""The corpus store: one SQLite file keeping every analysed article and its results.

Owns the schema (documented in docs/ARCHITECTURE.md), its version number and the
migrations that bring an older file up to date, and the two operations a batch run
needs: look results up by ``(id, content_sha256)`` and save a finished batch in one
transaction. Queries for ``narrascope corpus`` live in ``queries``.

Why SQLite (not DuckDB): it ships with Python, WAL mode lets ``corpus`` commands read
while a batch writes, one transaction per batch makes a killed run lose at most that
batch and never leaves half of one, and the queries are small GROUP BYs over tens of
thousands of rows, which SQLite answers in milliseconds.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from narrascope.nlp.names import alias_key
from narrascope.schema import Analysis

STORE_VERSION = 9
"""Schema version of the store file (``PRAGMA user_version``)."""

DEFAULT_STORE = Path("narrascope.db")
OTHER_LABEL = "Other"
"""The ``article_labels`` label of an article that pushes no narrative."""


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run ``;``-separated statements inside the caller's transaction (executescript would commit)."""
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE articles (
            id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            title TEXT NOT NULL,
            source TEXT,
            url TEXT,
            outlet TEXT,
            published TEXT,            -- ISO 8601 in UTC ('YYYY-MM-DDTHH:MM:SS'), NULL if unknown
            language TEXT NOT NULL,
            domain TEXT NOT NULL,
            other INTEGER NOT NULL,    -- 1 when no narrative is pushed
            profile TEXT NOT NULL,
            model_version TEXT NOT NULL,
            analysed_at TEXT NOT NULL,
            analysis TEXT NOT NULL,    -- the full Analysis as JSON (the --json result model)
            PRIMARY KEY (id, content_sha256)
        );
        CREATE TABLE narratives (
            id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            label TEXT NOT NULL,
            parent TEXT,               -- NULL for a narrative, the narrative for a sub-narrative
            confidence REAL NOT NULL,
            FOREIGN KEY (id, content_sha256) REFERENCES articles ON DELETE CASCADE
        );
        CREATE INDEX narratives_article ON narratives (id, content_sha256);
        CREATE INDEX narratives_label ON narratives (label);
        CREATE INDEX articles_published ON articles (published);
        """,
    )


def _v2(db: sqlite3.Connection) -> None:
    # Version 2: the entity framing layer (schema 1.1.0), one row per entity of an article.
    _script(
        db,
        """
        CREATE TABLE entities (
            id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            name TEXT NOT NULL,
            main_role TEXT NOT NULL,
            fine_roles TEXT NOT NULL,  -- JSON array
            mentions INTEGER NOT NULL,
            confidence REAL NOT NULL,
            FOREIGN KEY (id, content_sha256) REFERENCES articles ON DELETE CASCADE
        );
        CREATE INDEX entities_role ON entities (main_role);
        CREATE INDEX entities_article ON entities (id, content_sha256);
        """,
    )
    for row in db.execute("SELECT id, content_sha256, analysis FROM articles").fetchall():
        a = Analysis.model_validate_json(upgrade_analysis_json(row[2]))
        rows = [
            (
                a.id,
                a.content_sha256,
                e.name,
                e.main_role,
                json.dumps(e.fine_roles),
                len(e.mentions),
                e.confidence,
            )
            for e in a.entities or []
        ]
        db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def _v3(db: sqlite3.Connection) -> None:
    # Version 3: results record their provenance (schema 2.0.0); reuse is keyed on its
    # fingerprint. Older rows get an empty fingerprint, so they are never reused, and
    # their stored JSON is brought to the new schema so every reader can parse it.
    db.execute("ALTER TABLE articles ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX articles_fingerprint ON articles (fingerprint)")
    rows = db.execute("SELECT id, content_sha256, analysis FROM articles").fetchall()
    for doc_id, sha, raw in rows:
        db.execute(
            "UPDATE articles SET analysis = ? WHERE id = ? AND content_sha256 = ?",
            (upgrade_analysis_json(raw), doc_id, sha),
        )


def has_fts5(db: sqlite3.Connection) -> bool:
    """Whether this SQLite was built with FTS5 (Python's bundled one usually is)."""
    try:
        db.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    db.execute("DROP TABLE temp.fts5_probe")
    return True


_FTS_DELETE = (
    "INSERT INTO texts_fts (texts_fts, rowid, title, text) VALUES ('delete', old.docid, old.title, old.text)"
)
FTS_SQL = [
    "CREATE VIRTUAL TABLE texts_fts USING fts5(title, text, content='texts', content_rowid='docid', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER texts_ai AFTER INSERT ON texts BEGIN "
    "INSERT INTO texts_fts (rowid, title, text) VALUES (new.docid, new.title, new.text); END",
    f"CREATE TRIGGER texts_ad AFTER DELETE ON texts BEGIN {_FTS_DELETE}; END",
    "CREATE TRIGGER texts_au AFTER UPDATE ON texts BEGIN "
    f"{_FTS_DELETE}; "
    "INSERT INTO texts_fts (rowid, title, text) VALUES (new.docid, new.title, new.text); END",
]
"""The full-text index over ``texts``: external content (no second copy of the text), kept
in step with ``texts`` by triggers."""


def _v4(db: sqlite3.Connection) -> None:
    # Version 4 (the workspace's corpus pages): the article text for full-text search and
    # for showing a stored article marked up; the entity's case-folded key and evidence
    # sentence so rankings and per-entity pages are SQL; indexes for the list filters and
    # the dashboard aggregates. Text lives in its own table (an INTEGER PRIMARY KEY, which
    # VACUUM never renumbers, is what the FTS index points to); older rows get their title
    # only (text NULL), so they stay findable by title. ``article_labels`` repeats an
    # article's dimensions on each narrative it pushes ('Other' if none) and ``week`` is
    # computed once on save: the dashboard's counts by narrative and week are then one
    # scan of a covering index instead of a join per article (see BENCHMARKS, issue 12).
    _script(
        db,
        """
        CREATE TABLE texts (
            docid INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            title TEXT NOT NULL,
            text TEXT,                 -- Article.content (offsets index it), NULL if not kept
            UNIQUE (id, content_sha256),
            FOREIGN KEY (id, content_sha256) REFERENCES articles ON DELETE CASCADE
        );
        ALTER TABLE entities ADD COLUMN key TEXT NOT NULL DEFAULT '';
        ALTER TABLE entities ADD COLUMN evidence TEXT;
        ALTER TABLE articles ADD COLUMN week TEXT;  -- Monday of the published week (UTC), NULL if undated
        UPDATE articles SET week = date(published, 'weekday 0', '-6 days');
        CREATE TABLE article_labels (
            id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            label TEXT NOT NULL,       -- a narrative the article pushes, or 'Other' when none
            published TEXT,
            week TEXT,
            language TEXT NOT NULL,
            outlet TEXT,
            domain TEXT NOT NULL,
            other INTEGER NOT NULL,
            FOREIGN KEY (id, content_sha256) REFERENCES articles ON DELETE CASCADE
        );
        INSERT INTO article_labels
            SELECT a.id, a.content_sha256, COALESCE(n.label, 'Other'), a.published, a.week, a.language,
                   a.outlet, a.domain, a.other
            FROM articles a LEFT JOIN narratives n
            ON n.id = a.id AND n.content_sha256 = a.content_sha256 AND n.parent IS NULL;
        CREATE INDEX article_labels_article ON article_labels (id, content_sha256);
        CREATE INDEX article_labels_week ON article_labels (week, label);
        CREATE INDEX article_labels_dims ON article_labels (label, language, outlet, domain, published, week);
        CREATE INDEX articles_week ON articles (week);
        CREATE INDEX articles_order ON articles (published IS NULL, published DESC, analysed_at DESC, id);
        CREATE INDEX articles_language ON articles (language, published);
        CREATE INDEX articles_outlet ON articles (outlet, published);
        CREATE INDEX articles_other ON articles (other, published);
        CREATE INDEX articles_dims
            ON articles (id, content_sha256, published, language, outlet, domain, other);
        CREATE INDEX narratives_cover ON narratives (id, content_sha256, parent, label);
        CREATE INDEX narratives_label_cover ON narratives (label, parent, id, content_sha256);
        CREATE INDEX entities_key
            ON entities (key, main_role, name, id, content_sha256, mentions, fine_roles);
        CREATE INDEX entities_role_key
            ON entities (main_role, key, name, id, content_sha256, mentions, fine_roles)
        """,
    )
    if has_fts5(db):  # without FTS5, search falls back to LIKE over title and text (slower)
        for statement in FTS_SQL:
            db.execute(statement)
    db.execute("INSERT INTO texts (id, content_sha256, title) SELECT id, content_sha256, title FROM articles")
    db.execute("DELETE FROM entities")
    for (raw,) in db.execute("SELECT analysis FROM articles").fetchall():
        _insert_entities(db, Analysis.model_validate_json(raw))


def _v5(db: sqlite3.Connection) -> None:
    # Version 5: analyst feedback (the whole feedback schema is this one step, so it can be
    # renumbered when merged with other migrations). Decisions are append-only; the latest
    # per target wins. No foreign key to ``articles``: re-analysing an article replaces its
    # row (DELETE + INSERT), which must not cascade to the analyst's decisions. The text is
    # kept with the feedback because it is what training needs (``texts`` keeps it only when a
    # run was asked to keep texts, and may lack it for articles stored before version 4).
    _script(
        db,
        """
        CREATE TABLE feedback (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('narrative', 'subnarrative', 'role')),
            label TEXT NOT NULL,       -- taxonomy label, or the fine-grained role
            entity TEXT NOT NULL DEFAULT '',  -- role: the entity's name ('' otherwise)
            start INTEGER,             -- role: mention span in code points, end-exclusive
            "end" INTEGER,
            decision TEXT NOT NULL CHECK (decision IN ('confirm', 'reject', 'add')),
            author TEXT NOT NULL,
            at TEXT NOT NULL           -- ISO 8601 in UTC
        );
        CREATE INDEX feedback_article ON feedback (id, content_sha256);
        CREATE TABLE feedback_texts (
            id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,  -- sha256 of content: checked on insert
            content TEXT NOT NULL,
            PRIMARY KEY (id, content_sha256)
        );
        """,
    )


def _v6(db: sqlite3.Connection) -> None:
    # Version 6: stories (corpus.stories): the story of each assigned article, whether it is a
    # near-copy of an earlier one, and its e5 vector (float16) so later runs need not embed it
    # again. No foreign key: a re-analysed article keeps its story.
    _script(
        db,
        """
        CREATE TABLE story_members (
            id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            story TEXT NOT NULL,
            similarity REAL NOT NULL,
            copy_of_id TEXT,
            copy_of_sha256 TEXT,
            vector BLOB NOT NULL,
            PRIMARY KEY (id, content_sha256)
        );
        CREATE INDEX story_members_story ON story_members (story);
        """,
    )


def _v7(db: sqlite3.Connection) -> None:
    # Version 7: the story vector of an article (e5 of title and lead, float16) computed by the
    # worker that analysed it, where the embedder had most of it cached; assignment then needs
    # no embedding. Kept apart from story_members: an article has a vector before a story.
    _script(
        db,
        """
        CREATE TABLE story_vectors (
            id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (id, content_sha256)
        );
        """,
    )


def _v8(db: sqlite3.Connection) -> None:
    # Version 8: an entity's key names the actor across languages and spellings when the
    # alias table knows it ("Россия", "РФ", "Русия", "Rússia" → "russia"); other names keep
    # the case-folded key. Only the rows whose key changes are rewritten.
    names = [name for (name,) in db.execute("SELECT DISTINCT name FROM entities")]
    changed = [(key, name) for name in names if (key := entity_key(name)) != name.casefold()]
    db.executemany("UPDATE entities SET key = ? WHERE name = ?", changed)


def _v9(db: sqlite3.Connection) -> None:
    # Version 9: the alias table grew (Washington in Cyrillic and Devanagari; the Donetsk and
    # Luhansk "people's republics", the Armed Forces and the Security Service of Ukraine), so
    # the stored keys follow it: "ДНР" and "Донецкая народная республика" are one actor.
    rows = db.execute("SELECT DISTINCT name, key FROM entities").fetchall()
    changed = [(new, name) for name, key in rows if (new := entity_key(name)) != key]
    db.executemany("UPDATE entities SET key = ? WHERE name = ?", changed)


def upgrade_analysis_json(raw: str) -> str:
    """An Analysis JSON of schema 1.x (``model`` field) in schema 2 form (``provenance``)."""
    data = json.loads(raw)
    if "provenance" in data:
        return raw
    model = data.pop("model", None) or {}
    data["provenance"] = {
        "narrascope_version": model.get("version", ""),
        "profile": model.get("profile", ""),
        "components": [],
        "settings": {},
        "models": [],
        "fingerprint": "",
    }
    return json.dumps(data, ensure_ascii=False)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9]
"""``MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``; never edit a shipped one."""


class StoreError(Exception):
    """The store file cannot be used (newer schema, not a narrascope store, unreadable)."""


class CorpusStore:
    """An open store; created and migrated to :data:`STORE_VERSION` on open."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run 'narrascope batch' first)")
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self.db.execute("PRAGMA journal_mode = WAL")
            self._migrate(readonly)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not a usable narrascope store ({error})") from None

    def _migrate(self, readonly: bool) -> None:
        version = self.version
        if version > STORE_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version} is newer than this narrascope "
                f"({STORE_VERSION}); upgrade narrascope"
            )
        if version == STORE_VERSION:
            return
        if readonly:
            raise StoreError(f"{self.path}: store schema version {version} needs migrating (run batch)")
        for step in range(version, STORE_VERSION):
            with self.transaction():
                MIGRATIONS[step](self.db)
                self.db.execute(f"PRAGMA user_version = {step + 1}")

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> CorpusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- batch run ----------------------------------------------------------
    def lookup(self, keys: Sequence[tuple[str, str]], fingerprint: str) -> dict[tuple[str, str], str]:
        """Stored analyses (JSON) of ``keys`` made with the same provenance fingerprint
        (version, profile, settings and the hash of every model)."""
        found: dict[tuple[str, str], str] = {}
        for key in keys:
            row = self.db.execute(
                "SELECT analysis FROM articles WHERE id = ? AND content_sha256 = ? AND fingerprint = ?",
                (*key, fingerprint),
            ).fetchone()
            if row:
                found[key] = row[0]
        return found

    def save(
        self,
        analyses: Iterable[Analysis],
        texts: Mapping[tuple[str, str], str] | None = None,
        story_vectors: Mapping[tuple[str, str], bytes] | None = None,
    ) -> None:
        """Insert or replace ``analyses`` in one transaction: all of them are kept, or none.

        ``texts`` maps ``(id, content_sha256)`` to the analysed ``Article.content``; an
        analysis without one is kept with its title only (searchable by title).
        ``story_vectors`` maps the same keys to the float16 bytes of the article's story
        vector (``corpus.stories``), when the analysing worker computed it."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        texts = texts or {}
        with self.transaction() as db:
            for analysis in analyses:
                self._save_one(analysis, now, texts.get((analysis.id, analysis.content_sha256)))
            if story_vectors:
                db.executemany(
                    "INSERT OR REPLACE INTO story_vectors (id, content_sha256, vector) VALUES (?, ?, ?)",
                    [(*key, blob) for key, blob in story_vectors.items()],
                )

    def keep_texts(self, texts: Mapping[tuple[str, str], str]) -> None:
        """Store the text of already stored articles that were saved without it (before v4)."""
        with self.transaction():
            self.db.executemany(
                "UPDATE texts SET text = ? WHERE id = ? AND content_sha256 = ? AND text IS NULL",
                [(text, *key) for key, text in texts.items()],
            )

    def _save_one(self, a: Analysis, now: str, text: str | None) -> None:
        key = (a.id, a.content_sha256)
        if text is None:  # a re-save without the text keeps the text stored before
            row = self.db.execute(
                "SELECT text FROM texts WHERE id = ? AND content_sha256 = ?", key
            ).fetchone()
            text = row[0] if row else None
        self.db.execute("DELETE FROM texts WHERE id = ? AND content_sha256 = ?", key)
        self.db.execute("DELETE FROM articles WHERE id = ? AND content_sha256 = ?", key)
        self.db.execute(
            "INSERT INTO articles (id, content_sha256, title, source, url, outlet, published, language, "
            "domain, other, profile, model_version, analysed_at, analysis, fingerprint, week) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
            "date(?7, 'weekday 0', '-6 days'))",
            (
                *key,
                a.title,
                a.source,
                a.url,
                a.outlet,
                utc_iso(a.published),
                a.language.code,
                a.domain,
                int(a.other),
                a.provenance.profile,
                a.provenance.narrascope_version,
                now,
                a.model_dump_json(),
                a.provenance.fingerprint,
            ),
        )
        rows: list[tuple[str, str, str, str | None, float]] = []
        for n in a.narratives:
            rows.append((*key, n.label, None, n.confidence))
            rows.extend((*key, s.label, n.label, s.confidence) for s in n.subnarratives)
        self.db.executemany("INSERT INTO narratives VALUES (?, ?, ?, ?, ?)", rows)
        self.db.executemany(
            "INSERT INTO article_labels SELECT id, content_sha256, ?, published, week, language, outlet, "
            "domain, other FROM articles WHERE id = ? AND content_sha256 = ?",
            [(label, *key) for label in [n.label for n in a.narratives] or [OTHER_LABEL]],
        )
        _insert_entities(self.db, a)
        self.db.execute(
            "INSERT INTO texts (id, content_sha256, title, text) VALUES (?, ?, ?, ?)", (*key, a.title, text)
        )

    @cached_property
    def has_fts(self) -> bool:
        """Whether the store has the full-text index (SQLite built with FTS5 when it reached v4)."""
        row = self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'texts_fts'").fetchone()
        return row is not None

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def _insert_entities(db: sqlite3.Connection, a: Analysis) -> None:
    rows = [
        (
            a.id,
            a.content_sha256,
            e.name,
            e.main_role,
            json.dumps(e.fine_roles),
            len(e.mentions),
            e.confidence,
            entity_key(e.name),
            e.evidence.text if e.evidence else None,
        )
        for e in a.entities or []
    ]
    db.executemany(
        "INSERT INTO entities (id, content_sha256, name, main_role, fine_roles, mentions, confidence, key, "
        "evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def entity_key(name: str) -> str:
    """How entity names are grouped across articles: the canonical name of an actor the
    alias table knows, in any language or spelling ("РФ", "Rússia" → "russia"), else the
    name case-folded (SQL lower() is ASCII-only)."""
    return alias_key(name) or name.casefold()


def utc_iso(value: datetime | None) -> str | None:
    """A timestamp as sortable ISO text in UTC; naive times are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S")


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
