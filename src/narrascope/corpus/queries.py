"""Aggregate questions about the corpus store: counts and shares, trends, entity roles.

Owns the SQL over the store's tables (see ``store``); returns plain rows that the CLI
prints as a table, CSV or JSON, and that ``plot`` draws. Group-by dimensions come from
a fixed list, never from user text pasted into SQL.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from narrascope.corpus.store import CorpusStore, utc_iso

DIMENSIONS = ("narrative", "subnarrative", "language", "outlet", "domain")
PERIODS = {
    "day": "date(a.published)",
    # SQLite: 'weekday 0' moves to the next Sunday (or stays), -6 days is that week's Monday.
    "week": "date(a.published, 'weekday 0', '-6 days')",
    "month": "strftime('%Y-%m-01', a.published)",
}
OTHER = "Other"
UNKNOWN = "(unknown)"


def _where(since: datetime | None) -> tuple[str, list[Any]]:
    if since is None:
        return "", []
    return " WHERE a.published >= ?", [utc_iso(since)]


def _joins(by: list[str]) -> tuple[list[str], list[str]]:
    """SQL joins and select expressions for the group-by dimensions ``by``."""
    joins, exprs = [], []
    for dim in by:
        if dim not in DIMENSIONS:
            raise ValueError(f"unknown dimension {dim!r}; choose from {', '.join(DIMENSIONS)}")
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
    joins, exprs = _joins(by)
    cols = ", ".join(f"{e} AS d{i}" for i, e in enumerate(exprs))
    group = ", ".join(f"d{i}" for i in range(len(exprs)))
    sql = (
        f"SELECT {cols}, COUNT(*) AS n FROM articles a {' '.join(joins)}{where} "
        f"GROUP BY {group} ORDER BY n DESC, {group}"
    )
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
    store: CorpusStore, by: str = "narrative", over: str = "week", since: datetime | None = None
) -> Trend:
    if over not in PERIODS:
        raise ValueError(f"unknown period {over!r}; choose from {', '.join(PERIODS)}")
    where, params = _where(since)
    dated = f"{where} AND" if where else " WHERE"
    period = PERIODS[over]
    joins, exprs = _joins([by])
    totals = dict(
        store.db.execute(
            f"SELECT {period} AS p, COUNT(*) FROM articles a{dated} a.published IS NOT NULL GROUP BY p",
            params,
        ).fetchall()
    )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    sql = (
        f"SELECT {period} AS p, {exprs[0]} AS label, COUNT(*) FROM articles a {' '.join(joins)}"
        f"{dated} a.published IS NOT NULL GROUP BY p, label"
    )
    for p, label, n in store.db.execute(sql, params):
        counts[label][p] = int(n)
    periods = sorted(totals)
    return Trend(
        periods=periods,
        totals=[int(totals[p]) for p in periods],
        series={label: [c.get(p, 0) for p in periods] for label, c in sorted(counts.items())},
        undated=undated(store),
    )


def undated(store: CorpusStore) -> int:
    """Stored articles without a publication date (left out of trends and date filters)."""
    return int(store.db.execute("SELECT COUNT(*) FROM articles WHERE published IS NULL").fetchone()[0])


def entities(
    store: CorpusStore, role: str | None, top: int = 20, since: datetime | None = None, examples: int = 5
) -> list[dict[str, Any]]:
    """Entities most often cast in ``role`` (any role if None), by number of articles.

    Names are grouped case-insensitively; the most frequent spelling is shown. Each entry
    lists up to ``examples`` article ids that cast the entity so.
    """
    where, params = _where(since)
    clause = f"{where} AND" if where else " WHERE"
    sql = (
        "SELECT e.name, e.main_role, e.fine_roles, e.mentions, a.id, a.title FROM entities e "
        "JOIN articles a ON a.id = e.id AND a.content_sha256 = e.content_sha256"
    )
    if role:
        sql += f"{clause} e.main_role = ?"
        params = [*params, role]
    elif where:
        sql += where
    sql += " ORDER BY a.id"
    groups: dict[str, dict[str, Any]] = {}
    for name, main_role, fine, mentions, article_id, title in store.db.execute(sql, params):
        g = groups.setdefault(
            name.casefold(),
            {
                "spellings": Counter(),
                "articles": {},
                "mentions": 0,
                "fine_roles": Counter(),
                "roles": Counter(),
            },
        )
        g["spellings"][name] += 1
        g["articles"].setdefault(article_id, title)
        g["mentions"] += int(mentions)
        g["fine_roles"].update(json.loads(fine))
        g["roles"][main_role] += 1
    ranked = sorted(groups.values(), key=lambda g: (-len(g["articles"]), -g["mentions"], _name(g)))
    return [
        {
            "entity": _name(g),
            "articles": len(g["articles"]),
            "mentions": g["mentions"],
            "main_roles": dict(g["roles"].most_common()),
            "fine_roles": dict(g["fine_roles"].most_common()),
            "examples": [{"id": i, "title": t} for i, t in list(g["articles"].items())[:examples]],
        }
        for g in ranked[:top]
    ]


def _name(group: dict[str, Any]) -> str:
    spellings: Counter[str] = group["spellings"]
    return sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


@dataclass(frozen=True)
class ArticleFilter:
    """Which stored articles to list; every field narrows the list, ``None`` means any.

    ``narrative`` matches a narrative or a sub-narrative label exactly (``Other``: articles
    pushing none); ``q`` is a case-insensitive substring of the title or the id (the store
    keeps no article text, so there is no search inside it); ``entity`` is a
    case-insensitive entity name, optionally cast in ``role``.
    """

    narrative: str | None = None
    language: str | None = None
    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None
    entity: str | None = None
    role: str | None = None


def _article_where(f: ArticleFilter) -> tuple[str, list[Any]]:
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
    if f.q:
        # LIKE with an escape character so '%' and '_' typed by a user match themselves.
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(a.title LIKE ? ESCAPE '\\' OR a.id LIKE ? ESCAPE '\\')")
        params.extend([pattern, pattern])
    if f.entity or f.role:
        sub = "SELECT 1 FROM entities e WHERE e.id = a.id AND e.content_sha256 = a.content_sha256"
        if f.entity:
            sub += " AND lower(e.name) = lower(?)"
            params.append(f.entity)
        if f.role:
            sub += " AND e.main_role = ?"
            params.append(f.role)
        clauses.append(f"EXISTS ({sub})")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_articles(
    store: CorpusStore, f: ArticleFilter, limit: int = 50, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """Stored articles matching ``f``, newest publication first (undated last), and their total.

    Each row has the article's key, title, language, outlet, dates, domain and its
    narrative labels (sub-narratives excluded).
    """
    where, params = _article_where(f)
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
