"""The corpus store (schema, migrations, transactions) and the queries behind ``corpus``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from corpus_fixtures import make_analysis
from narrascope.corpus.queries import ArticleFilter, entities, list_articles, stats, stored_text, trend
from narrascope.corpus.store import MIGRATIONS, STORE_VERSION, CorpusStore, StoreError

URW_A = "URW: Discrediting the West, Diplomacy"
URW_B = "URW: Amplifying war-related fears"


def fill(path: Path) -> None:
    """Six dated articles from two outlets over two weeks, one undated."""
    rows = [
        make_analysis("a1", [URW_A], outlet="Herald", published=datetime(2024, 3, 4, 9)),
        make_analysis("a2", [URW_A, URW_B], outlet="Herald", published=datetime(2024, 3, 6, 9)),
        make_analysis("a3", [], language="bg", outlet="Courier", published=datetime(2024, 3, 7, 23)),
        make_analysis("a4", [URW_B], outlet="Courier", published=datetime(2024, 3, 11, 9)),
        # 2024-03-18T00:30+02:00 is still Sunday 17th in UTC: it belongs to the week of the 11th.
        make_analysis(
            "a5", [URW_A], language="bg", outlet="Courier",
            published=datetime.fromisoformat("2024-03-18T00:30:00+02:00"),
        ),
        make_analysis("a6", [URW_A], outlet=None, published=None),
    ]  # fmt: skip
    with CorpusStore(path) as store:
        store.save(rows)


def test_new_store_is_at_the_current_version(tmp_path: Path):
    with CorpusStore(tmp_path / "s.db") as store:
        assert store.version == STORE_VERSION == len(MIGRATIONS)
        assert store.count() == 0


def test_v1_store_is_migrated_and_entities_are_backfilled(tmp_path: Path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    analysis = make_analysis("x", [URW_A], entities=[("NATO", "Antagonist", ["Conspirator"])])
    db.execute(
        "INSERT INTO articles VALUES (?, ?, '', NULL, NULL, NULL, NULL, 'en', 'URW', 0, 'fast', '0.0', '', "
        "?)",
        ("x", analysis.content_sha256, analysis.model_dump_json()),
    )
    db.close()
    with CorpusStore(path) as store:
        assert store.version == STORE_VERSION
        assert entities(store, "Antagonist")[0]["entity"] == "NATO"


def test_v3_store_is_migrated_to_v4_and_stays_searchable_by_title(tmp_path: Path):
    path = tmp_path / "v3.db"
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:3]:
        step(db)
    db.execute("PRAGMA user_version = 3")
    sentence = "Ökonomen blamed the Émigré Bank for the crash."
    analysis = make_analysis(
        "old", [URW_A], entities=[("Émigré Bank", "Antagonist", ["Saboteur"])],
        title="Old headline about tariffs", evidence={"Émigré Bank": sentence},
    )  # fmt: skip
    db.execute(
        "INSERT INTO articles VALUES (?, ?, ?, NULL, NULL, 'Herald', '2024-03-04T09:00:00', 'en', 'URW', 0, "
        "'fast', '0.0', '', ?, 'fp')",
        ("old", analysis.content_sha256, analysis.title, analysis.model_dump_json()),
    )
    db.execute("INSERT INTO narratives VALUES ('old', ?, ?, NULL, 0.8)", (analysis.content_sha256, URW_A))
    db.execute(
        "INSERT INTO entities VALUES ('old', ?, 'Émigré Bank', 'Antagonist', '[\"Saboteur\"]', 1, 0.9)",
        (analysis.content_sha256,),
    )
    db.close()
    with CorpusStore(path) as store:
        assert store.version == STORE_VERSION == 9 and store.has_fts
        # The title is indexed, the text is unknown (NULL) until a later save keeps it.
        assert [r["id"] for r in list_articles(store, ArticleFilter(q="tariffs"))[1]] == ["old"]
        assert list_articles(store, ArticleFilter(q="crash"))[0] == 0
        assert stored_text(store, "old", analysis.content_sha256) is None
        # Entities are re-read from the stored JSON: key (case-folded, beyond ASCII) and evidence.
        assert store.db.execute("SELECT key, evidence FROM entities").fetchall() == [
            ("émigré bank", sentence)
        ]
        top = entities(store, "Antagonist")
        assert (
            top[0]["entity"] == "Émigré Bank" and top[0]["evidence"]["Antagonist"][0]["sentence"] == sentence
        )
        assert list_articles(store, ArticleFilter(entity="ÉMIGRÉ BANK"))[0] == 1
        store.keep_texts({("old", analysis.content_sha256): "Old headline about tariffs\n\n" + sentence})
        assert list_articles(store, ArticleFilter(q="crash"))[0] == 1
        # A re-save without text keeps the text; deleting the article drops it from the index.
        store.save([analysis])
        assert list_articles(store, ArticleFilter(q="crash"))[0] == 1
        with store.transaction():
            store.db.execute("DELETE FROM articles")
        assert list_articles(store, ArticleFilter(q="tariffs"))[0] == 0
        assert store.db.execute("SELECT COUNT(*) FROM texts").fetchone()[0] == 0
        indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"articles_order", "entities_role_key", "narratives_cover"} <= indexes


def test_search_falls_back_to_like_without_fts5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import narrascope.corpus.store as store_module

    monkeypatch.setattr(store_module, "has_fts5", lambda db: False)
    with CorpusStore(tmp_path / "s.db") as store:
        assert not store.has_fts
        store.save(
            [make_analysis("x", [URW_A], title="Plain title")], {("x", "sha-x"): "Plain title\n\n50% off"}
        )
        assert list_articles(store, ArticleFilter(q="50%"))[0] == 1
        assert list_articles(store, ArticleFilter(q="title"))[0] == 1
        assert list_articles(store, ArticleFilter(q="nothing"))[0] == 0


def test_newer_store_is_refused(tmp_path: Path):
    path = tmp_path / "future.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {STORE_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        CorpusStore(path)


def test_save_replaces_instead_of_duplicating_and_failed_batch_leaves_nothing(tmp_path: Path):
    path = tmp_path / "s.db"
    fill(path)
    fill(path)
    with CorpusStore(path) as store:
        assert store.count() == 6
        n_narr = store.db.execute("SELECT COUNT(*) FROM narratives").fetchone()[0]
        assert n_narr == 6  # a1, a2 x2, a4, a5, a6

        def broken():
            yield make_analysis("new-1", [URW_A])
            raise RuntimeError("worker died")

        with pytest.raises(RuntimeError):
            store.save(broken())
        assert store.count() == 6


def test_stats_by_narrative_language_outlet_and_since(tmp_path: Path):
    path = tmp_path / "s.db"
    fill(path)
    with CorpusStore(path) as store:
        total, rows = stats(store, ["narrative"])
        assert total == 6
        assert {r["narrative"]: r["articles"] for r in rows} == {URW_A: 4, URW_B: 2, "Other": 1}
        assert rows[0] == {"narrative": URW_A, "articles": 4, "share": round(4 / 6, 4)}
        _, rows = stats(store, ["outlet"])
        assert {r["outlet"]: r["articles"] for r in rows} == {"Herald": 2, "Courier": 3, "(unknown)": 1}
        total, rows = stats(store, ["narrative", "language"], since=datetime(2024, 3, 7))
        assert total == 3  # a3, a4, a5: undated articles are not 'since' anything
        assert {(r["narrative"], r["language"]): r["articles"] for r in rows} == {
            ("Other", "bg"): 1,
            (URW_B, "en"): 1,
            (URW_A, "bg"): 1,
        }
        with pytest.raises(ValueError, match="unknown dimension"):
            stats(store, ["narrative; DROP TABLE articles"])


def test_trend_by_week_uses_monday_weeks_in_utc(tmp_path: Path):
    path = tmp_path / "s.db"
    fill(path)
    with CorpusStore(path) as store:
        t = trend(store, "narrative", "week")
    assert t.periods == ["2024-03-04", "2024-03-11"]
    assert t.totals == [3, 2]
    assert t.series[URW_A] == [2, 1] and t.series[URW_B] == [1, 1] and t.series["Other"] == [1, 0]
    assert t.undated == 1


def test_entities_by_role_with_articles(tmp_path: Path):
    path = tmp_path / "s.db"
    rows = [
        make_analysis(
            "e1", entities=[("NATO", "Antagonist", ["Instigator"]), ("Kyiv", "Innocent", ["Victim"])]
        ),
        make_analysis(
            "e2", entities=[("nato", "Antagonist", ["Conspirator"]), ("EU", "Antagonist", ["Saboteur"])]
        ),
        make_analysis("e3", entities=[("NATO", "Protagonist", ["Guardian"])], title="A friendly piece"),
    ]
    with CorpusStore(path) as store:
        store.save(rows)
        top = entities(store, "Antagonist", top=20)
        assert [(r["entity"], r["articles"]) for r in top] == [("NATO", 2), ("EU", 1)]
        assert [e["id"] for e in top[0]["examples"]] == ["e1", "e2"]
        assert top[0]["fine_roles"] == {"Conspirator": 1, "Instigator": 1}
        assert entities(store, "Protagonist")[0]["examples"] == [{"id": "e3", "title": "A friendly piece"}]
        assert len(entities(store, None)) == 3


def test_one_actor_across_languages_is_one_corpus_entity(tmp_path: Path):
    rows = [
        make_analysis("r1", language="ru", entities=[("Россия", "Antagonist", ["Instigator"])]),
        make_analysis("r2", language="ru", entities=[("Российская Федерация", "Antagonist", ["Saboteur"])]),
        make_analysis("p1", language="pt", entities=[("Rússia", "Antagonist", ["Instigator"])]),
        make_analysis("b1", language="bg", entities=[("Русия", "Protagonist", ["Guardian"])]),
        make_analysis("e1", entities=[("Russell", "Antagonist", ["Instigator"])]),
    ]
    with CorpusStore(tmp_path / "s.db") as store:
        store.save(rows)
        top = entities(store, None)
        assert [(r["articles"], sorted(r["main_roles"])) for r in top] == [
            (4, ["Antagonist", "Protagonist"]),
            (1, ["Antagonist"]),
        ]
        # Whichever spelling a user types finds every article of the actor.
        assert list_articles(store, ArticleFilter(entity="Russia"))[0] == 4
        assert list_articles(store, ArticleFilter(entity="РФ"))[0] == 4


def keys_after_opening(path: Path, version: int, names: Sequence[str]) -> dict[str, str]:
    """A store at ``version`` holding entities keyed the pre-alias way (name case-folded),
    opened (so migrated to the current version): each name's key afterwards."""
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        step(db)
    db.execute(f"PRAGMA user_version = {version}")
    for name in names:
        db.execute(
            "INSERT INTO entities (id, content_sha256, name, main_role, fine_roles, mentions, confidence, "
            "key) VALUES ('a', 'h', ?, 'Antagonist', '[]', 1, 0.5, ?)",
            (name, name.casefold()),
        )
    db.close()
    with CorpusStore(path) as store:
        return dict(store.db.execute("SELECT name, key FROM entities").fetchall())


def test_v7_store_rekeys_known_actors(tmp_path: Path):
    keys = keys_after_opening(tmp_path / "v7.db", 7, ("России", "Ucrânia", "Kremlin"))
    assert keys == {"России": "russia", "Ucrânia": "ukraine", "Kremlin": "kremlin"}


def test_v8_store_rekeys_names_the_alias_table_learned_later(tmp_path: Path):
    names = ("ДНР", "Донецкой народной республики", "Вашингтон", "Kremlin")
    keys = keys_after_opening(tmp_path / "v8.db", 8, names)
    assert keys == {
        "ДНР": "donetsk people's republic",
        "Донецкой народной республики": "donetsk people's republic",
        "Вашингтон": "united states",
        "Kremlin": "kremlin",
    }


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "narrascope", *args], capture_output=True, text=True, timeout=300
    )


def test_corpus_commands_on_a_store(tmp_path: Path):
    path = tmp_path / "s.db"
    fill(path)
    proc = run_cli(
        "corpus", "stats", "--by", "narrative,language", "--by", "outlet", "--store", str(path), "--csv"
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "narrative,language,outlet,articles,share"
    assert f'"{URW_A}",en,Herald,2,0.3333' in lines
    proc = run_cli(
        "corpus", "stats", "--by", "outlet", "--since", "2024-03-10", "--store", str(path), "--json"
    )
    assert json.loads(proc.stdout)["articles"] == 2
    proc = run_cli("corpus", "stats", "--by", "outlet", "--store", str(path))
    assert proc.returncode == 0 and "Courier" in proc.stdout
    assert (
        run_cli("corpus", "stats", "--by", "outlet", "--since", "soon", "--store", str(path)).returncode == 2
    )
    assert run_cli("corpus", "stats", "--by", "colour", "--store", str(path)).returncode == 2
    assert run_cli("corpus", "stats", "--by", "outlet", "--store", str(tmp_path / "none.db")).returncode == 2
    png = tmp_path / "trend.png"
    proc = run_cli(
        "corpus", "plot", "--by", "narrative", "--over", "week", "-o", str(png), "--store", str(path)
    )
    assert proc.returncode == 0, proc.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Every week of this tiny store is too thin to read a trend from, and the run says so.
    assert "have fewer than 5 dated articles" in proc.stderr
    proc = run_cli("corpus", "plot", "--shares", "-o", str(tmp_path / "s.svg"), "--store", str(path))
    assert proc.returncode == 0 and "%" in (tmp_path / "s.svg").read_text()
    proc = run_cli("corpus", "entities", "--role", "antagonist", "--top", "5", "--store", str(path), "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout) == []


def test_corpus_entities_shows_the_sentence_of_each_role(tmp_path: Path):
    path = tmp_path / "s.db"
    long = "The Council " + "kept delaying the vote and " * 12 + "blamed everyone else."
    rows = [
        make_analysis("e1", entities=[("Council", "Antagonist", ["Saboteur"])], evidence={"Council": long}),
        make_analysis("e2", entities=[("council", "Innocent", ["Victim"])],
                      evidence={"council": "Hackers hit the council website."}),
    ]  # fmt: skip
    with CorpusStore(path) as store:
        store.save(rows)
    proc = run_cli("corpus", "entities", "--store", str(path), "--json")
    (row,) = json.loads(proc.stdout)
    assert row["evidence"]["Antagonist"][0]["sentence"] == long  # whole in JSON
    assert row["evidence"]["Innocent"][0]["id"] == "e2"
    proc = subprocess.run(
        [sys.executable, "-m", "narrascope", "corpus", "entities", "--store", str(path)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "250"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    flat = " ".join(proc.stdout.split())
    assert "Hackers hit the council website." in flat and "Innocent:" in flat and "Antagonist:" in flat
    assert "blamed everyone else" not in flat and "…" in flat  # the long one is cut in the terminal
    proc = run_cli("corpus", "entities", "--role", "Innocent", "--store", str(path))
    assert "Hackers hit" in " ".join(proc.stdout.split()) and "kept delaying" not in proc.stdout


def test_plot_draws_leading_narratives(tmp_path: Path):
    from narrascope.corpus.plot import draw

    path = tmp_path / "s.db"
    fill(path)
    with CorpusStore(path) as store:
        data = trend(store, "narrative", "week", since=datetime(2024, 1, 1, tzinfo=UTC))
    drawn = draw(data, tmp_path / "t.svg", by="narrative", over="week", top=1)
    assert drawn == [URW_A]
    svg = (tmp_path / "t.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "articles per week" in svg
    assert data.sparse == data.periods  # a handful of articles: every week is thin
    assert all(0.0 <= share <= 1.0 for share in data.shares(URW_A))
