"""Stories: assignment mechanics (with a stand-in embedder), the store, the commands, the metrics.

The embedder here is a deterministic stand-in (a vector per event word), so these tests check
the mechanics — threshold, time window, copies, incremental runs, ordering — and not the
quality of e5; quality is measured in benchmarks/stories_dev.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from narrascope.corpus import stories
from narrascope.corpus.store import CorpusStore
from narrascope.corpus.stories import StoryConfig, StoryIndex, StoryInput, anchors, assign, transliterate
from narrascope.eval.stories import score_clusters

EVENTS = ("flood", "election", "strike", "vaccine")
T0 = datetime(2025, 3, 1, 8)
RAW = StoryConfig(threshold=0.9, window_days=3, center=False, cross_language=0.0)
"""Plain cosines: the stand-in vectors have no common component to remove."""


def fake_embed(texts: Sequence[str]) -> np.ndarray:
    """One axis per event word found in the text, plus a little text-specific noise."""
    out = []
    for text in texts:
        v = np.array([1.0 if e in text.lower() else 0.0 for e in EVENTS] + [0.0] * 4)
        seed = sum(map(ord, text)) % 1000
        v[len(EVENTS) :] = np.random.default_rng(seed).normal(0, 0.05, 4)
        out.append(v / np.linalg.norm(v))
    return np.asarray(out, dtype=np.float32)


def item(doc: str, title: str, hours: float, language: str = "en") -> StoryInput:
    return StoryInput(doc, f"sha-{doc}", title, "", language, T0 + timedelta(hours=hours))


def groups(assignments: Sequence[stories.Assignment]) -> dict[str, str]:
    return {a.id: a.story for a in assignments}


def test_same_event_joins_other_events_start_stories() -> None:
    items = [
        item("a", "River flood closes roads", 0),
        item("b", "Flood waters rise in the valley", 2),
        item("c", "Election called for May", 3),
        item("d", "Dock strike halts exports", 4),
        item("e", "Second day of flood", 20),
    ]
    got = groups(assign(items, fake_embed, RAW))
    assert got["a"] == got["b"] == got["e"]
    assert len({got["a"], got["c"], got["d"]}) == 3


def test_a_closed_story_takes_no_more_articles() -> None:
    items = [item("a", "River flood closes roads", 0), item("b", "Flood again in the valley", 24 * 10)]
    got = groups(assign(items, fake_embed, replace(RAW, window_days=3)))
    assert got["a"] != got["b"]
    got = groups(assign(items, fake_embed, replace(RAW, window_days=30)))
    assert got["a"] == got["b"]


def test_order_of_input_does_not_matter() -> None:
    items = [item(str(i), f"{EVENTS[i % 4]} report number {i}", i * 5) for i in range(24)]
    forward = groups(assign(items, fake_embed, RAW))
    backward = groups(assign(list(reversed(items)), fake_embed, RAW))
    assert forward == backward


def test_near_copies_are_marked_in_the_same_language_only() -> None:
    text = "Dock strike halts exports at the northern port for a third day, unions say"
    items = [
        item("orig", text, 0),
        item("copy", text + ".", 1),
        item("other-lang", text, 2, language="fr"),
        item("different", "Dock strike ends after pay deal", 3),
    ]
    by_id = {a.id: a for a in assign(items, fake_embed, RAW)}
    assert by_id["copy"].copy_of == ("orig", "sha-orig")
    assert by_id["orig"].copy_of is None and by_id["other-lang"].copy_of is None
    assert by_id["different"].copy_of is None


def test_anchors_tell_numbers_and_names_apart() -> None:
    numbers, names = anchors("Quake of magnitude 6,1 hits southern Перу near Arequipa")
    assert "6.1" in numbers and {"peru", "arequ"} <= names
    assert transliterate("Киев") == "kiev"
    config = StoryConfig()
    same = stories.anchor_adjustment(anchors("Quake of 6.1 in Peru"), anchors("Sismo de 6,1 en Perú"), config)
    other = stories.anchor_adjustment(
        anchors("Quake of 6.1 in Peru"), anchors("Quake of 5.8 in Turkey"), config
    )
    assert same > 0 > other


def test_centering_uses_the_shipped_title_mean() -> None:
    mean = stories.title_mean()
    assert mean.shape == (384,) and 0.5 < float(np.linalg.norm(mean)) < 1.0  # e5 is anisotropic


def test_index_stays_bounded_by_the_window() -> None:
    index = StoryIndex(replace(RAW, window_days=1))
    for i in range(60):
        doc = item(str(i), f"{EVENTS[i % 4]} day {i}", i * 12)
        index.add(doc, fake_embed([doc.text])[0])
    assert index.active <= 8  # four events, at most two windows' worth, not 60 articles


def _store_with(tmp_path: Path, items: Sequence[StoryInput]) -> CorpusStore:
    from corpus_fixtures import make_analysis

    store = CorpusStore(tmp_path / "s.db")
    rows = []
    for it in items:
        a = make_analysis(it.id, [], published=it.published, title=it.title)
        rows.append(a.model_copy(update={"content_sha256": it.content_sha256}))
    store.save(rows)
    return store


def test_incremental_runs_keep_earlier_stories(tmp_path: Path) -> None:
    first = [item("a", "River flood closes roads", 0), item("b", "Election called for May", 1)]
    later = [item("c", "Flood waters rise in the valley", 5), item("d", "Vaccine rollout starts", 6)]
    with _store_with(tmp_path, first) as store:
        done = stories.assign_pending(store, fake_embed, RAW)
        assert len(done) == 2 and stories.pending_count(store) == 0
        before = dict(stories.assignments(store))
        store.save([])  # nothing new: nothing to do
        assert stories.assign_pending(store, fake_embed, RAW) == []
    with _store_with(tmp_path, later) as store:  # same file: the new articles join it
        stories.assign_pending(store, fake_embed, RAW)
        after = dict(stories.assignments(store))
    assert {k: after[k] for k in before} == before
    assert after["c"] == after["a"] and after["d"] not in (after["a"], after["b"])
    # Assigning everything at once gives the same grouping.
    assert groups(assign(first + later, fake_embed, RAW)) == after


def test_summaries_and_timeline(tmp_path: Path) -> None:
    items = [
        item("a", "River flood closes roads", 0),
        item("b", "Flood waters rise in the valley", 2),
        item("c", "Election called for May", 3),
    ]
    with _store_with(tmp_path, items) as store:
        stories.assign_pending(store, fake_embed, RAW)
        rows = stories.story_summaries(store, top=5)
        assert [r["articles"] for r in rows] == [2, 1]
        assert rows[0]["first"]["id"] == "a"  # type: ignore[index]
        timeline = stories.story_timeline(store, str(rows[0]["story"]))
        assert [m.id for m in timeline] == ["a", "b"]
        assert stories.story_timeline(store, "S-none") == []


def test_bcubed_and_pairwise_by_hand() -> None:
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    s = score_clusters(gold, pred)
    # precision: a,b: 2/2; c: 1/2; d: 1/2 -> 3/4. recall: a,b: 2/3; c: 1/3; d: 1 -> 2/3.
    assert s.bcubed_precision == pytest.approx(0.75) and s.bcubed_recall == pytest.approx(2 / 3)
    assert s.pairwise_precision == pytest.approx(0.5) and s.pairwise_recall == pytest.approx(1 / 3)
    perfect = score_clusters(gold, {"a": "p", "b": "p", "c": "p", "d": "q"})
    assert perfect.bcubed_f1 == 1.0 and perfect.pairwise_f1 == 1.0
    with pytest.raises(ValueError, match="no article"):
        score_clusters(gold, {"z": "1"})


def test_cli_stories_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from narrascope.cli.entry import run as run_cli
    from narrascope.nlp import embed

    monkeypatch.setattr(embed.Embedder, "embed", lambda self, texts: fake_embed(texts))
    # The shipped mean is of real e5 title vectors; the stand-in vectors share nothing with it.
    monkeypatch.setattr(stories, "title_mean", lambda: np.zeros(8, dtype=np.float32))
    records = [
        {"id": "a", "title": "River flood closes roads", "published": "2025-03-01T08:00:00Z"},
        {"id": "b", "title": "Flood waters rise in the valley", "published": "2025-03-01T10:00:00Z"},
        {"id": "c", "title": "Election called for May", "published": "2025-03-02T10:00:00Z"},
    ]
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps({**r, "text": r["title"]}) + "\n" for r in records), "utf-8")
    db = tmp_path / "s.db"
    assert (
        run_cli(["batch", str(corpus), "--fast", "--out", str(tmp_path / "o.jsonl"), "--store", str(db)]) == 0
    )
    pred = tmp_path / "pred.tsv"
    assert run_cli(["corpus", "stories", "--store", str(db), "--assignments", str(pred)]) == 0
    lines = dict(line.split("\t") for line in pred.read_text().splitlines())
    assert lines["a"] == lines["b"] != lines["c"]
    with CorpusStore(db) as store:  # the worker's story vectors were kept with the analyses
        kept = dict(store.db.execute("SELECT id, vector FROM story_vectors").fetchall())
    assert sorted(kept) == ["a", "b", "c"]
    for r in records:
        assert np.allclose(stories.vector_of(kept[r["id"]]), fake_embed([r["title"]])[0], atol=1e-2)
    assert (
        run_cli(["corpus", "story", lines["a"], "--store", str(db), "--plot", str(tmp_path / "t.png")]) == 0
    )
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"
    assert run_cli(["corpus", "story", "S000", "--store", str(db)]) == 2


def test_api_lists_stories_and_timelines(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from narrascope.server import ServerConfig, create_app

    items = [
        item("a", "River flood closes roads", 0),
        item("b", "Flood waters rise in the valley", 2),
        item("c", "Election called for May", 3),
    ]
    with _store_with(tmp_path, items) as store:
        stories.assign_pending(store, fake_embed, RAW)
    config = ServerConfig(store=tmp_path / "s.db", extra_hosts=("testserver",))
    with TestClient(create_app(config)) as client:
        listed = client.get("/api/v1/stories", params={"top": 5}).json()
        assert [s["articles"] for s in listed] == [2, 1]
        timeline = client.get(f"/api/v1/stories/{listed[0]['story']}").json()
        assert [m["id"] for m in timeline] == ["a", "b"] and timeline[0]["similarity"] == 1.0
        assert client.get("/api/v1/stories/S-unknown").status_code == 404


def test_workspace_assigns_stories_after_an_analysis(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from narrascope.server import ServerConfig, create_app

    config = ServerConfig(store=tmp_path / "w.db", extra_hosts=("testserver",))
    with TestClient(create_app(config)) as client:
        text = "Flood closes river roads\n\nThe river rose overnight and closed three roads."
        assert client.post("/api/v1/analyse", json={"text": text, "profile": "fast"}).status_code == 200
        client.app.state.worker.wait_for_stories()  # type: ignore[attr-defined]
        listed = client.get("/api/v1/stories").json()
        assert [s["articles"] for s in listed] == [1] and listed[0]["title"] == "Flood closes river roads"


def test_stories_pages(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from narrascope.server import ServerConfig, create_app

    items = [
        item("a", "River flood closes roads", 0),
        item("b", "Flood waters rise <script>alert(1)</script>", 2),
        item("c", "Election called for May", 3),
    ]
    with _store_with(tmp_path, items) as store:
        stories.assign_pending(store, fake_embed, RAW)
        story = stories.assignments(store)[0][1]
    config = ServerConfig(store=tmp_path / "s.db", extra_hosts=("testserver",))
    with TestClient(create_app(config)) as client:
        listed = client.get("/stories")
        assert listed.status_code == 200 and f'href="/stories/{story}"' in listed.text
        assert "Election called for May" in listed.text and "<script>alert(1)" not in listed.text
        shown = client.get(f"/stories/{story}")
        assert shown.status_code == 200 and 'class="chart story-timeline"' in shown.text
        assert "<script>alert(1)" not in shown.text and "&lt;script&gt;" in shown.text
        assert 'href="/articles/a?sha256=sha-a"' in shown.text
        assert client.get("/stories/S-none").status_code == 404
        assert client.get("/stories", params={"since": "soon"}).status_code == 422
        assert client.get("/stories", params={"language": "fr"}).text.count('href="/stories/S') == 0


def test_stored_story_vectors_are_used_instead_of_embedding(tmp_path: Path) -> None:
    items = [
        item("a", "River flood closes roads", 0),
        item("b", "Flood waters rise", 1),
        item("c", "Strike ends", 2),
    ]
    with _store_with(tmp_path, items) as store:
        # The analysing worker saved every article's story vector with its analysis.
        vectors = {(i.id, i.content_sha256): stories.vector_bytes(fake_embed([i.text])[0]) for i in items}
        store.save([], story_vectors=vectors)

        def no_embedding(texts: Sequence[str]) -> np.ndarray:
            raise AssertionError(f"embedded {list(texts)} although their vectors are stored")

        done = groups(stories.assign_pending(store, no_embedding, RAW))
    assert done == groups(assign(items, fake_embed, RAW))
    assert done["a"] == done["b"] != done["c"]


def test_only_articles_without_a_stored_vector_are_embedded(tmp_path: Path) -> None:
    items = [item("a", "River flood closes roads", 0), item("b", "Flood waters rise", 1)]
    embedded: list[str] = []

    def counting(texts: Sequence[str]) -> np.ndarray:
        embedded.extend(texts)
        return fake_embed(texts)

    with _store_with(tmp_path, items) as store:
        store.save([], story_vectors={("a", "sha-a"): stories.vector_bytes(fake_embed([items[0].text])[0])})
        stories.assign_pending(store, counting, RAW)
    assert embedded == [items[1].text]


def test_a_title_only_record_costs_no_extra_embedding_for_its_story_vector() -> None:
    """The worker embeds the story text right after the analysis, with the analyzer's
    embedder: a record whose text is its title was embedded as the first sentence."""
    from narrascope.corpus.runner import Outcome, with_story_vectors
    from narrascope.nlp.embed import Embedder
    from narrascope.pipeline import Analyzer
    from narrascope.schema import Article

    computed: list[str] = []

    def fake_compute(texts: list[str]) -> np.ndarray:
        computed.extend(texts)
        return np.stack([_unit_vector(t) for t in texts])

    embedder = Embedder()
    embedder._compute = fake_compute  # type: ignore[method-assign]
    analyzer = Analyzer("narratives", embedder=embedder)
    title = "Flood waters close the river road for a second day"
    article = Article(id="t1", title=title, content=f"{title}\n\n{title}")
    analysis = analyzer.analyze(article)
    before = len(computed)
    outcomes = with_story_vectors(
        analyzer, [article], [Outcome("t1", None, analysis=analysis.model_dump_json())]
    )
    assert before > 0 and len(computed) == before  # served from the embedder's memory
    vector = stories.vector_of(outcomes[0].story_vector or b"")
    assert np.allclose(vector, _unit_vector(title), atol=1e-2)
    assert stories.story_text(title, article.content) == title


def _unit_vector(text: str) -> np.ndarray:
    v = np.random.default_rng(sum(map(ord, text))).normal(size=384).astype(np.float32)
    return v / np.linalg.norm(v)
