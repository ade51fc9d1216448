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
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from narrascope.schema import Analysis

STORE_VERSION = 4
"""Schema version of the store file (``PRAGMA user_version``)."""

DEFAULT_STORE = Path("narrascope.db")


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
        _insert_entities(db, Analysis.model_validate_json(upgrade_analysis_json(row[2])))


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


def _v4(db: sqlite3.Connection) -> None:
    # Version 4: analyst feedback (the whole feedback schema is this one step, so it can be
    # renumbered when merged with other migrations). Decisions are append-only; the latest
    # per target wins. No foreign key to ``articles``: re-analysing an article replaces its
    # row (DELETE + INSERT), which must not cascade to the analyst's decisions. The text is
    # kept with the feedback because it is what training needs and ``articles`` has none.
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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4]
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

    def save(self, analyses: Iterable[Analysis]) -> None:
        """Insert or replace ``analyses`` in one transaction: all of them are kept, or none."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        with self.transaction():
            for analysis in analyses:
                self._save_one(analysis, now)

    def _save_one(self, a: Analysis, now: str) -> None:
        key = (a.id, a.content_sha256)
        self.db.execute("DELETE FROM articles WHERE id = ? AND content_sha256 = ?", key)
        self.db.execute(
            "INSERT INTO articles (id, content_sha256, title, source, url, outlet, published, language, "
            "domain, other, profile, model_version, analysed_at, analysis, fingerprint) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        _insert_entities(self.db, a)

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def _insert_entities(db: sqlite3.Connection, a: Analysis) -> None:
    rows = [
        (a.id, a.content_sha256, e.name, e.main_role, json.dumps(e.fine_roles), len(e.mentions), e.confidence)
        for e in a.entities or []
    ]
    db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


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
