"""Aggregate questions about the corpus store: counts and shares, trends, entity roles.

Owns the SQL over the store's tables (see ``store``); returns plain rows that the CLI
prints as a table, CSV or JSON, and that ``plot`` draws. Group-by dimensions come from
a fixed list, never from user text pasted into SQL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from narrascope.corpus.store import CorpusStore, entity_key, utc_iso

DIMENSIONS = ("narrative", "subnarrative", "language", "outlet", "domain")
PERIODS = {
    # ``published`` is 'YYYY-MM-DDTHH:MM:SS' in UTC, so a day and a month are its prefixes;
    # ``week`` (the Monday) is computed once on save, as date(published, 'weekday 0', '-6 days').
    "day": "substr(a.published, 1, 10)",
    "week": "a.week",
    "month": "substr(a.published, 1, 7) || '-01'",
}
OTHER = "Other"
UNKNOWN = "(unknown)"


def _where(since: datetime | None) -> tuple[str, list[Any]]:
    if since is None:
        return "", []
    return " WHERE a.published >= ?", [utc_iso(since)]


def _source(by: list[str]) -> tuple[str, list[str]]:
    """The table (aliased ``a``, with joins) and select expressions for the dimensions ``by``.

    Narratives without sub-narratives come from ``article_labels`` (one row per article and
    narrative, 'Other' when none, with the article's dimensions), which needs no join;
    sub-narratives join ``narratives``; the rest is ``articles`` alone."""
    for dim in by:
        if dim not in DIMENSIONS:
            raise ValueError(f"unknown dimension {dim!r}; choose from {', '.join(DIMENSIONS)}")
    if "narrative" in by and "subnarrative" not in by:
        exprs = ["a.label" if dim == "narrative" else f"COALESCE(a.{dim}, '{UNKNOWN}')" for dim in by]
        return "article_labels a", exprs
    joins, exprs = _joins(by)
    return f"articles a {' '.join(joins)}", exprs


def _joins(by: list[str]) -> tuple[list[str], list[str]]:
    """SQL joins and select expressions for the group-by dimensions ``by``."""
    joins, exprs = [], []
    for dim in by:
        if dim == "narrative":
            joins.append(
                "LEFT JOIN narratives nar ON nar.id = a.id AND nar.content_sha256 = a.content_sha256 "
                "AND nar.parent IS NULL"
            )
            exprs.append(f"COALESCE(nar.label, '{OTHER}')")
        elif dim == "subnarrative":
            parent = "sub.parent = nar.label" if "narrative" in by else "sub.parent IS NOT NULL"
            joins.append(
                "LEFT JOIN narratives sub ON sub.id = a.id AND sub.content_sha256 = a.content_sha256 "
                f"AND {parent}"
            )
            exprs.append(f"COALESCE(sub.label, '{OTHER}')")
        else:
            exprs.append(f"COALESCE(a.{dim}, '{UNKNOWN}')")
    return joins, exprs


def stats(
    store: CorpusStore, by: list[str], since: datetime | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Articles per combination of ``by`` values, with their share of all (filtered) articles.

    An article pushing two narratives counts once under each, so narrative shares can sum
    to more than 1; articles pushing none are counted under ``Other``.
    """
    where, params = _where(since)
    total = int(store.db.execute(f"SELECT COUNT(*) FROM articles a{where}", params).fetchone()[0])
    source, exprs = _source(by)
    cols = ", ".join(f"{e} AS d{i}" for i, e in enumerate(exprs))
    group = ", ".join(f"d{i}" for i in range(len(exprs)))
    sql = f"SELECT {cols}, COUNT(*) AS n FROM {source}{where} GROUP BY {group} ORDER BY n DESC, {group}"
    rows = []
    for record in store.db.execute(sql, params):
        row: dict[str, Any] = dict(zip(by, record[:-1], strict=True))
        row["articles"] = int(record[-1])
        row["share"] = round(record[-1] / total, 4) if total else 0.0
        rows.append(row)
    return total, rows


SPARSE_PERIOD = 5
"""A period with fewer dated articles than this is too thin to read a trend or a share from."""


@dataclass
class Trend:
    """Articles per period, and per label per period, for dated articles."""

    periods: list[str] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    series: dict[str, list[int]] = field(default_factory=dict)
    undated: int = 0

    @property
    def sparse(self) -> list[str]:
        """Periods with fewer than :data:`SPARSE_PERIOD` dated articles."""
        return [p for p, total in zip(self.periods, self.totals, strict=True) if total < SPARSE_PERIOD]

    def shares(self, label: str) -> list[float]:
        """``label``'s share of each period's dated articles (0 for an empty period)."""
        return [n / t if t else 0.0 for n, t in zip(self.series[label], self.totals, strict=True)]


def trend(
    store: CorpusStore,
    by: str = "narrative",
    over: str = "week",
    since: datetime | None = None,
    within: ArticleFilter | None = None,
) -> Trend:
    """Dated articles per period (and per ``by`` label), of all articles or those ``within``."""
    if over not in PERIODS:
        raise ValueError(f"unknown period {over!r}; choose from {', '.join(PERIODS)}")
    scope = within or ArticleFilter()
    if since is not None:
        scope = replace(scope, since=since)
    where, params = _article_where(scope, store.has_fts)
    dated = f"{where} AND" if where else " WHERE"
    period = PERIODS[over]
    source, exprs = _source([by])
    totals = dict(
        store.db.execute(
            f"SELECT {period} AS p, COUNT(*) FROM articles a{dated} {period} IS NOT NULL GROUP BY p",
            params,
        ).fetchall()
    )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    sql = (
        f"SELECT {period} AS p, {exprs[0]} AS label, COUNT(*) FROM {source}"
        f"{dated} {period} IS NOT NULL GROUP BY p, label"
    )
    for p, label, n in store.db.execute(sql, params):
        counts[label][p] = int(n)
    undated_where, undated_params = _article_where(replace(scope, since=None, until=None), store.has_fts)
    undated_sql = f"{undated_where} AND" if undated_where else " WHERE"
    no_date = store.db.execute(
        f"SELECT COUNT(*) FROM articles a{undated_sql} a.published IS NULL", undated_params
    ).fetchone()[0]
    periods = sorted(totals)
    return Trend(
        periods=periods,
        totals=[int(totals[p]) for p in periods],
        series={label: [c.get(p, 0) for p in periods] for label, c in sorted(counts.items())},
        undated=int(no_date),
    )


def undated(store: CorpusStore) -> int:
    """Stored articles without a publication date (left out of trends and date filters)."""
    return int(store.db.execute("SELECT COUNT(*) FROM articles WHERE published IS NULL").fetchone()[0])


ROLES = ("Protagonist", "Antagonist", "Innocent")


def _entity_scope(role: str | None, since: datetime | None, key: str | None = None) -> tuple[str, list[Any]]:
    """FROM/WHERE over entity rows of ``key``, ``role``, ``since`` (joined to their article only
    for ``since``: the join costs more than the rest of the query)."""
    sql = "FROM entities e WHERE 1"
    if since is not None:
        sql = "FROM entities e JOIN articles a ON a.id = e.id AND a.content_sha256 = e.content_sha256 WHERE 1"
    params: list[Any] = []
    for clause, value in (
        ("e.key = ?", key),
        ("e.main_role = ?", role),
        ("a.published >= ?", utc_iso(since)),
    ):
        if value is not None:
            sql += f" AND {clause}"
            params.append(value)
    return sql, params


def entities(
    store: CorpusStore, role: str | None, top: int = 20, since: datetime | None = None, examples: int = 5
) -> list[dict[str, Any]]:
    """Entities most often cast in ``role`` (any role if None), by number of articles.

    Names are grouped case-insensitively (``entity_key``); the most frequent spelling is
    shown. Each entry lists up to ``examples`` article ids that cast the entity so, and
    per role the sentence that shows it best (the most confident entity frame's evidence).
    The ranking is one GROUP BY in SQL; only the ``top`` entities are looked at further.
    """
    scope, params = _entity_scope(role, since)
    ranked = store.db.execute(
        f"SELECT e.key, COUNT(DISTINCT e.id) AS n, SUM(e.mentions) AS m {scope} "
        "GROUP BY e.key ORDER BY n DESC, m DESC, e.key LIMIT ?",
        [*params, top],
    ).fetchall()
    return [_entity_row(store, key, int(n), int(m), role, since, examples) for key, n, m in ranked]


def _entity_row(
    store: CorpusStore,
    key: str,
    n: int,
    mentions: int,
    role: str | None,
    since: datetime | None,
    examples: int,
) -> dict[str, Any]:
    scope, params = _entity_scope(role, since, key)
    db = store.db
    roles = db.execute(
        f"SELECT e.main_role, COUNT(*) AS c {scope} GROUP BY e.main_role ORDER BY c DESC, e.main_role", params
    ).fetchall()
    fine = db.execute(
        f"SELECT j.value, COUNT(*) AS c {scope.replace(' WHERE 1', ', json_each(e.fine_roles) j WHERE 1')} "
        "GROUP BY j.value ORDER BY c DESC, j.value",
        params,
    ).fetchall()
    shown = db.execute(
        f"SELECT s.id, t.title FROM (SELECT e.id, MIN(e.content_sha256) AS sha {scope} GROUP BY e.id "
        "ORDER BY e.id LIMIT ?) s JOIN articles t ON t.id = s.id AND t.content_sha256 = s.sha ORDER BY s.id",
        [*params, examples],
    ).fetchall()
    return {
        "entity": _spelling(store, key, scope, params),
        "articles": n,
        "mentions": mentions,
        "main_roles": {r: int(c) for r, c in roles},
        "fine_roles": {r: int(c) for r, c in fine},
        "examples": [{"id": i, "title": t} for i, t in shown],
        "evidence": _role_evidence(store, scope, params),
    }


def _spelling(store: CorpusStore, key: str, scope: str, params: list[Any]) -> str:
    row = store.db.execute(
        f"SELECT e.name, COUNT(*) AS c {scope} GROUP BY e.name ORDER BY c DESC, e.name LIMIT 1", params
    ).fetchone()
    return str(row[0]) if row else key


def _role_evidence(
    store: CorpusStore, scope: str, params: list[Any], per_role: int = 1
) -> dict[str, list[dict[str, Any]]]:
    """Per main role, up to ``per_role`` evidence sentences, most confident frame first."""
    found: dict[str, list[dict[str, Any]]] = {}
    sql = (
        "SELECT r.main_role, r.sentence, r.id, r.content_sha256, t.title, r.confidence FROM ("
        "SELECT e.main_role, e.evidence AS sentence, e.id, e.content_sha256, e.confidence, "
        "row_number() OVER (PARTITION BY e.main_role ORDER BY e.confidence DESC, e.id) AS k "
        f"{scope} AND e.evidence IS NOT NULL) r "
        "JOIN articles t ON t.id = r.id AND t.content_sha256 = r.content_sha256 WHERE r.k <= ? "
        "ORDER BY r.main_role, r.k"
    )
    for role, sentence, doc_id, sha, title, confidence in store.db.execute(sql, [*params, per_role]):
        found.setdefault(role, []).append(
            {"id": doc_id, "content_sha256": sha, "title": title, "sentence": sentence,
             "confidence": round(float(confidence), 4)}
        )  # fmt: skip
    return found


@dataclass(frozen=True)
class ArticleFilter:
    """Which stored articles to list; every field narrows the list, ``None`` means any.

    ``narrative`` matches a narrative or a sub-narrative label exactly (``Other``: articles
    pushing none); ``q`` is a full-text search of the title and text (every word must
    occur, case- and accent-insensitive, ``word*`` for a prefix; articles stored before
    store v4 have no text and match on their title only) or an exact article id;
    ``entity`` is a case-insensitive entity name, optionally cast in ``role``.
    """

    narrative: str | None = None
    language: str | None = None
    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None
    entity: str | None = None
    role: str | None = None


def fts_query(q: str) -> str:
    """User words as an FTS5 query: each word a quoted phrase (so operators and punctuation
    typed by a user are text, never syntax), all required; a trailing ``*`` is a prefix."""
    terms = []
    for word in q.split():
        prefix = word.endswith("*")
        word = word.strip("*").replace('"', '""')
        if word:
            terms.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(terms)


def _like(text: str) -> str:
    """A LIKE pattern for a substring; '%' and '_' typed by a user match themselves."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _article_where(f: ArticleFilter, fts: bool = True) -> tuple[str, list[Any]]:
    """WHERE clause of ``f``: values are always bound parameters, never pasted into SQL."""
    clauses: list[str] = []
    params: list[Any] = []
    if f.narrative == OTHER:
        clauses.append("a.other = 1")
    elif f.narrative:
        clauses.append(
            "EXISTS (SELECT 1 FROM narratives n WHERE n.id = a.id AND n.content_sha256 = a.content_sha256 "
            "AND n.label = ?)"
        )
        params.append(f.narrative)
    for column, value in (("language", f.language), ("outlet", f.outlet)):
        if value:
            clauses.append(f"a.{column} = ?")
            params.append(value)
    if f.since is not None:
        clauses.append("a.published >= ?")
        params.append(utc_iso(f.since))
    if f.until is not None:
        clauses.append("a.published <= ?")
        params.append(utc_iso(f.until))
    q = (f.q or "").strip()
    match = fts_query(q) if q and fts else ""
    if match:
        # The matching docids are built once (the IN subquery is not correlated); each
        # article left by the other filters is then one index probe. Measured faster than
        # joining the match back to (id, hash) pairs whenever a word is common.
        clauses.append(
            "(EXISTS (SELECT 1 FROM texts t WHERE t.id = a.id AND t.content_sha256 = a.content_sha256 "
            "AND t.docid IN (SELECT rowid FROM texts_fts WHERE texts_fts MATCH ?)) OR a.id = ?)"
        )
        params.extend([match, q])
    elif q:  # no FTS5 in this SQLite: a (slow) substring scan
        clauses.append(
            "(EXISTS (SELECT 1 FROM texts t WHERE t.id = a.id AND t.content_sha256 = a.content_sha256 "
            "AND (t.title LIKE ? ESCAPE '\\' OR t.text LIKE ? ESCAPE '\\')) OR a.id = ?)"
        )
        params.extend([_like(q), _like(q), q])
    if f.entity or f.role:
        # IN, not a correlated EXISTS: SQLite may probe EXISTS through the (key, role, …)
        # index, re-reading every row of the entity for each article (seconds on 20,000).
        sub = "SELECT e.id, e.content_sha256 FROM entities e WHERE 1"
        if f.entity:
            sub += " AND e.key = ?"
            params.append(entity_key(f.entity.strip()))
        if f.role:
            sub += " AND e.main_role = ?"
            params.append(f.role)
        clauses.append(f"(a.id, a.content_sha256) IN ({sub})")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_articles(
    store: CorpusStore, f: ArticleFilter, limit: int = 50, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """Stored articles matching ``f``, newest publication first (undated last), and their total.

    Each row has the article's key, title, language, outlet, dates, domain and its
    narrative labels (sub-narratives excluded).
    """
    where, params = _article_where(f, store.has_fts)
    total = int(store.db.execute(f"SELECT COUNT(*) FROM articles a{where}", params).fetchone()[0])
    sql = (
        "SELECT a.id, a.content_sha256, a.title, a.language, a.outlet, a.published, a.domain, a.other, "
        "a.profile, a.analysed_at, (SELECT group_concat(n.label, char(31)) FROM narratives n "
        "WHERE n.id = a.id AND n.content_sha256 = a.content_sha256 AND n.parent IS NULL) "
        f"FROM articles a{where} ORDER BY a.published IS NULL, a.published DESC, a.analysed_at DESC, a.id "
        "LIMIT ? OFFSET ?"
    )
    rows = []
    for record in store.db.execute(sql, [*params, limit, offset]):
        *head, labels = record
        row = dict(zip(_LIST_COLUMNS, head, strict=True))
        row["other"] = bool(row["other"])
        row["narratives"] = sorted(labels.split("\x1f")) if labels else []
        rows.append(row)
    return total, rows


_LIST_COLUMNS = (
    "id",
    "content_sha256",
    "title",
    "language",
    "outlet",
    "published",
    "domain",
    "other",
    "profile",
    "analysed_at",
)


def stored_analysis(store: CorpusStore, article_id: str, content_sha256: str | None = None) -> str | None:
    """The stored ``Analysis`` JSON of ``article_id`` (its latest analysis unless the content
    hash is given), or ``None``."""
    sql = "SELECT analysis FROM articles WHERE id = ?"
    params: list[Any] = [article_id]
    if content_sha256:
        sql += " AND content_sha256 = ?"
        params.append(content_sha256)
    row = store.db.execute(sql + " ORDER BY analysed_at DESC LIMIT 1", params).fetchone()
    return None if row is None else str(row[0])


def stored_text(store: CorpusStore, article_id: str, content_sha256: str) -> str | None:
    """The kept ``Article.content`` of a stored article (None for rows saved before store v4)."""
    row = store.db.execute(
        "SELECT text FROM texts WHERE id = ? AND content_sha256 = ?", (article_id, content_sha256)
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


_IN_NARRATIVE = "(SELECT n.id, n.content_sha256 FROM narratives n WHERE n.label = ?)"


def narrative_profile(store: CorpusStore, label: str, top: int = 10) -> dict[str, Any] | None:
    """One narrative (or sub-narrative) across the store, or None if no article pushes it.

    ``articles``: how many push it, of ``total``; ``parent`` for a sub-narrative;
    ``cooccurring``: the other narratives (not sub-narratives) pushed by those articles,
    with the number of articles pushing both; ``entities``: per main role, the ``top``
    entities most often cast so in those articles (by articles).
    """
    db = store.db
    row = db.execute(
        "SELECT COUNT(DISTINCT id || ':' || content_sha256), MAX(parent) FROM narratives WHERE label = ?",
        (label,),
    ).fetchone()
    if not row or not row[0]:
        return None
    total = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    cooccurring = db.execute(
        "SELECT o.label, COUNT(*) AS c FROM narratives o "
        f"WHERE (o.id, o.content_sha256) IN {_IN_NARRATIVE} AND o.parent IS NULL AND o.label != ? "
        "GROUP BY o.label ORDER BY c DESC, o.label",
        (label, row[1] or label),
    ).fetchall()
    cast = db.execute(
        "SELECT e.main_role, e.key, COUNT(DISTINCT e.id) AS c FROM entities e "
        f"WHERE (e.id, e.content_sha256) IN {_IN_NARRATIVE} GROUP BY e.main_role, e.key "
        "ORDER BY e.main_role, c DESC, e.key",
        (label,),
    ).fetchall()
    by_role: dict[str, list[tuple[str, int]]] = {r: [] for r in ROLES}
    for role, key, count in cast:
        if len(by_role.setdefault(role, [])) < top:
            by_role[role].append((key, int(count)))
    names = _spellings(store, {key for rows in by_role.values() for key, _ in rows})
    return {
        "label": label,
        "parent": row[1],
        "articles": int(row[0]),
        "total": total,
        "cooccurring": [{"narrative": o, "articles": int(c)} for o, c in cooccurring],
        "entities": {
            role: [{"entity": names.get(key, key), "articles": c} for key, c in rows]
            for role, rows in by_role.items()
        },
    }


def _spellings(store: CorpusStore, keys: set[str]) -> dict[str, str]:
    """The most frequent spelling of each entity key."""
    names: dict[str, str] = {}
    for key in keys:
        row = store.db.execute(
            "SELECT name, COUNT(*) AS c FROM entities WHERE key = ? GROUP BY name "
            "ORDER BY c DESC, name LIMIT 1",
            (key,),
        ).fetchone()
        names[key] = str(row[0]) if row else key
    return names


def entity_profile(store: CorpusStore, name: str, evidence: int = 3) -> dict[str, Any] | None:
    """One entity (names grouped case-insensitively) across the store, or None if unknown.

    ``roles``: per main role, the articles casting it so, its mentions, fine roles and up
    to ``evidence`` sentences that show the role (the most confident frames first);
    ``cooccurring``: narratives pushed by the articles that frame it, with, per role, how
    many of them cast it in that role.
    """
    key = entity_key(name.strip())
    scope, params = _entity_scope(None, None, key)
    db = store.db
    head = db.execute(f"SELECT COUNT(DISTINCT e.id), SUM(e.mentions) {scope}", params).fetchone()
    if not head or not head[0]:
        return None
    roles = []
    for role, n, mentions in db.execute(
        f"SELECT e.main_role, COUNT(DISTINCT e.id) AS c, SUM(e.mentions) {scope} "
        "GROUP BY e.main_role ORDER BY c DESC, e.main_role",
        params,
    ).fetchall():
        role_scope, role_params = _entity_scope(role, None, key)
        fine = db.execute(
            f"SELECT j.value, COUNT(*) AS c "
            f"{role_scope.replace(' WHERE 1', ', json_each(e.fine_roles) j WHERE 1')} "
            "GROUP BY j.value ORDER BY c DESC, j.value",
            role_params,
        ).fetchall()
        roles.append(
            {
                "role": role,
                "articles": int(n),
                "mentions": int(mentions),
                "fine_roles": {f: int(c) for f, c in fine},
                "evidence": _role_evidence(store, role_scope, role_params, evidence).get(role, []),
            }
        )
    cooccurring: dict[str, dict[str, Any]] = {}
    for label, role, count in db.execute(
        "SELECT n.label, e.main_role, COUNT(DISTINCT e.id) FROM entities e JOIN narratives n "
        "ON n.id = e.id AND n.content_sha256 = e.content_sha256 AND n.parent IS NULL "
        "WHERE e.key = ? GROUP BY n.label, e.main_role",
        (key,),
    ):
        entry = cooccurring.setdefault(label, {"narrative": label, "articles": 0, "roles": {}})
        entry["roles"][role] = int(count)
        entry["articles"] += int(count)  # an article casts an entity in one main role
    return {
        "entity": _spelling(store, key, scope, params),
        "key": key,
        "articles": int(head[0]),
        "mentions": int(head[1] or 0),
        "roles": roles,
        "cooccurring": sorted(cooccurring.values(), key=lambda r: (-r["articles"], r["narrative"])),
    }


def period_totals(store: CorpusStore, over: str = "week") -> dict[str, int]:
    """Dated articles per period in the whole store."""
    if over not in PERIODS:
        raise ValueError(f"unknown period {over!r}; choose from {', '.join(PERIODS)}")
    period = PERIODS[over]
    sql = f"SELECT {period} AS p, COUNT(*) FROM articles a WHERE {period} IS NOT NULL GROUP BY p"
    return {p: int(n) for p, n in store.db.execute(sql)}


def narrative_trend(store: CorpusStore, label: str, over: str = "week") -> tuple[dict[str, int], int]:
    """Dated articles pushing ``label`` per period, and how many of them are undated.

    A narrative is read from ``article_labels`` (an index range), a sub-narrative from
    ``narratives`` joined to its articles."""
    if over not in PERIODS:
        raise ValueError(f"unknown period {over!r}; choose from {', '.join(PERIODS)}")
    period = PERIODS[over]
    top = store.db.execute("SELECT 1 FROM article_labels WHERE label = ? LIMIT 1", (label,)).fetchone()
    source = (
        "article_labels a WHERE a.label = ?"
        if top
        else "narratives n JOIN articles a ON a.id = n.id AND a.content_sha256 = n.content_sha256 "
        "WHERE n.label = ?"
    )
    counts: dict[str, int] = {}
    undated = 0
    for p, n in store.db.execute(f"SELECT {period} AS p, COUNT(*) FROM {source} GROUP BY p", (label,)):
        if p is None:
            undated = int(n)
        else:
            counts[p] = int(n)
    return counts, undated


def entity_trend(store: CorpusStore, name: str, over: str = "week") -> Trend:
    """Dated articles framing the entity per period, in total and per main role."""
    if over not in PERIODS:
        raise ValueError(f"unknown period {over!r}; choose from {', '.join(PERIODS)}")
    period = PERIODS[over]
    key = entity_key(name.strip())
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    undated = 0
    for p, role, n in store.db.execute(
        f"SELECT {period} AS p, e.main_role, COUNT(DISTINCT e.id) FROM entities e JOIN articles a "
        "ON a.id = e.id AND a.content_sha256 = e.content_sha256 WHERE e.key = ? GROUP BY p, e.main_role",
        (key,),
    ):
        if p is None:
            undated += int(n)
            continue
        counts[role][p] += int(n)
        totals[p] += int(n)
    periods = sorted(totals)
    return Trend(
        periods=periods,
        totals=[totals[p] for p in periods],
        series={role: [c.get(p, 0) for p in periods] for role, c in sorted(counts.items())},
        undated=undated,
    )
