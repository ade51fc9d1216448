"""The workspace server through FastAPI's test client: API contract, limits, security, store.

Analyses use the fast profile (lexical narratives, ~10 ms an article once loaded) so the
module stays quick; the default profile is exercised by the browser test.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from fastapi.testclient import TestClient

from corpus_fixtures import make_analysis, write_jsonl_corpus
from narrascope.cli.analyze import demo_article
from narrascope.cli.entry import run as run_cli
from narrascope.corpus.queries import stats as query_stats
from narrascope.corpus.store import CorpusStore
from narrascope.schema import Analysis
from narrascope.server import ServerConfig, create_app
from narrascope.server.config import ConfigError, is_loopback

URW_A = "URW: Discrediting the West, Diplomacy"
URW_B = "URW: Amplifying war-related fears"
NATO_SENTENCE = "NATO pushed the region to the brink, the minister claimed."
DEMO = demo_article().content
FAST = {"profile": "fast"}


def client_for(store: Path, **options: object) -> TestClient:
    config = ServerConfig(store=store, extra_hosts=("testserver",), **options)  # type: ignore[arg-type]
    return TestClient(create_app(config))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with client_for(tmp_path / "store.db") as c:
        yield c


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[TestClient]:
    """A store of six hand-made analyses: two outlets, two languages, dated and undated."""
    rows = [
        make_analysis("a1", [URW_A], outlet="Herald", published=datetime(2024, 3, 4, 9), title="Gas deal"),
        make_analysis("a2", [URW_A, URW_B], outlet="Herald", published=datetime(2024, 3, 6, 9)),
        make_analysis("a3", [], language="bg", outlet="Courier", published=datetime(2024, 3, 7, 23)),
        make_analysis(
            "a4", [URW_B], outlet="Courier", published=datetime(2024, 3, 11, 9),
            entities=[("NATO", "Antagonist", ["Instigator"]), ("Children", "Innocent", ["Victim"])],
            evidence={"NATO": NATO_SENTENCE, "Children": "Children in the village had no water."},
        ),
        make_analysis("a5", [URW_A], language="bg", outlet="Courier", published=datetime(2024, 3, 18, 9),
                      entities=[("nato", "Antagonist", ["Conspirator"])]),
        make_analysis("EN/a6", [URW_A], outlet=None, published=None, title="100% sure_thing"),
    ]  # fmt: skip
    texts = {  # a1 and a3 are kept without text, as rows stored before store v4 are
        ("a2", "sha-a2"): "Réfugiés at the border\n\nVolunteers met families who had walked for days.",
        ("a4", "sha-a4"): f"Alliance talks\n\n{NATO_SENTENCE} Children in the village had no water.",
        ("a5", "sha-a5"): "Сделка по газу\n\nПравительство заявило, что запасов газа хватит до весны.",
    }
    with CorpusStore(tmp_path / "filled.db") as store:
        store.save(rows, texts)
    with client_for(tmp_path / "filled.db") as c:
        yield c


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "form has no CSRF field"
    return match.group(1)


def detail_locs(response: object) -> list[list[str]]:
    return [d["loc"] for d in response.json()["detail"]]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- analyse


def test_analyse_json_returns_the_cli_model_and_keeps_it_in_the_store(client: TestClient):
    response = client.post("/api/v1/analyse", json={"text": DEMO, **FAST})
    assert response.status_code == 200
    analysis = Analysis.model_validate(response.json())
    assert analysis.provenance.profile == "fast"
    assert analysis.title == DEMO.splitlines()[0]  # untitled text: first line, as for a .txt
    assert URW_A in [n.label for n in analysis.narratives]
    assert analysis.narrative_decision is not None and analysis.narrative_decision.sensitivity == "balanced"

    listed = client.get("/api/v1/articles").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == analysis.id
    stored = client.get(f"/api/v1/articles/{analysis.id}").json()
    assert Analysis.model_validate(stored) == analysis


def test_analyse_json_with_metadata_and_sensitivity(client: TestClient):
    body = {
        "text": DEMO,
        "title": "Given title",
        "id": "mine-1",
        "outlet": "Herald",
        "published": "2024-05-01T10:00:00Z",
        "language": "en-GB",
        "sensitivity": "high",
        **FAST,
    }
    analysis = Analysis.model_validate(client.post("/api/v1/analyse", json=body).json())
    assert (analysis.id, analysis.title, analysis.outlet) == ("mine-1", "Given title", "Herald")
    assert analysis.language.code == "en" and not analysis.language.detected
    assert analysis.narrative_decision is not None and analysis.narrative_decision.sensitivity == "high"
    listed = client.get("/api/v1/articles", params={"outlet": "Herald", "since": "2024-05-01"}).json()
    assert [item["id"] for item in listed["items"]] == ["mine-1"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "   \n "}, "text"),
        ({"title": "no text"}, "text"),
        ({"text": "x", "profile": "slow"}, "profile"),
        ({"text": "x", "sensitivity": "max"}, "sensitivity"),
        ({"text": "x", "language": "english!"}, "language"),
        ({"text": "x", "published": "yesterday"}, "published"),
    ],
)
def test_malformed_json_is_422_naming_the_field(client: TestClient, body: dict[str, str], field: str):
    response = client.post("/api/v1/analyse", json=body)
    assert response.status_code == 422
    assert ["body", field] in detail_locs(response)


def test_upload_txt_json_and_html(client: TestClient):
    txt = client.post(
        "/api/v1/analyse/file", files={"file": ("dir/../story.txt", DEMO.encode(), "text/plain")}, data=FAST
    )
    assert txt.status_code == 200
    assert txt.json()["id"] == "story.txt"  # the name is only an id: no folder part survives
    record = json.dumps({"id": "r1", "title": "Headline", "text": "Body of the record."}).encode()
    rec = client.post(
        "/api/v1/analyse/file", files={"file": ("r.json", record, "application/json")}, data=FAST
    )
    assert rec.status_code == 200 and rec.json()["title"] == "Headline"
    page = (
        "<html><head><title>Page title</title></head><body><article><h1>Page title</h1>"
        + "".join(f"<p>{line}</p>" for line in DEMO.splitlines()[1:] if line.strip())
        + "</article></body></html>"
    ).encode()
    html = client.post("/api/v1/analyse/file", files={"file": ("p.html", page, "text/html")}, data=FAST)
    assert html.status_code == 200, html.text
    assert html.json()["title"] == "Page title"
    assert client.get("/api/v1/articles").json()["total"] == 3


def test_upload_errors_415_422(client: TestClient):
    pdf = client.post("/api/v1/analyse/file", files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert pdf.status_code == 415 and ".pdf" in pdf.json()["detail"]
    empty = client.post("/api/v1/analyse/file", files={"file": ("a.txt", b"", "text/plain")})
    assert empty.status_code == 422 and detail_locs(empty) == [["body", "file"]]
    binary = client.post(
        "/api/v1/analyse/file", files={"file": ("a.txt", bytes(range(256)) * 4, "text/plain")}
    )
    assert binary.status_code == 422 and detail_locs(binary) == [["body", "file"]]
    many = json.dumps([{"id": "1", "text": "a"}, {"id": "2", "text": "b"}]).encode()
    two = client.post("/api/v1/analyse/file", files={"file": ("m.json", many, "application/json")})
    assert two.status_code == 422 and "2 articles" in two.json()["detail"][0]["msg"]
    missing = client.post("/api/v1/analyse/file", data=FAST)
    assert missing.status_code == 422 and ["body", "file"] in detail_locs(missing)


def test_body_over_the_limit_is_413_announced_or_streamed(tmp_path: Path):
    with client_for(tmp_path / "s.db", max_upload=1000) as c:
        big = c.post("/api/v1/analyse/file", files={"file": ("a.txt", b"word " * 400, "text/plain")})
        assert big.status_code == 413
        streamed = c.post(
            "/api/v1/analyse",
            content=(chunk for chunk in [b'{"text": "', b"x" * 800, b"y" * 800, b'"}']),
            headers={"content-type": "application/json"},
        )
        assert streamed.status_code == 413
        assert c.post("/api/v1/analyse", json={"text": "short text", **FAST}).status_code == 200


def test_article_too_long_is_413(client: TestClient, monkeypatch: pytest.MonkeyPatch):
    import narrascope.pipeline.analyzer as analyzer

    monkeypatch.setattr(analyzer, "MAX_ARTICLE_CHARS", 100)
    response = client.post("/api/v1/analyse", json={"text": "word " * 50, **FAST})
    assert response.status_code == 413 and "at most" in response.json()["detail"]


# --------------------------------------------------------------------------- corpus queries


def test_list_filters_and_pagination(filled: TestClient):
    def ids(**params: object) -> list[str]:
        return [item["id"] for item in filled.get("/api/v1/articles", params=params).json()["items"]]

    assert ids() == ["a5", "a4", "a3", "a2", "a1", "EN/a6"]  # newest first, undated last
    assert ids(narrative=URW_B) == ["a4", "a2"]
    assert ids(narrative="Other") == ["a3"]
    assert ids(language="bg") == ["a5", "a3"]
    assert ids(outlet="Herald") == ["a2", "a1"]
    assert ids(since="2024-03-06", until="2024-03-11T23:59:59") == ["a4", "a3", "a2"]
    assert ids(q="gas") == ["a1"]  # a title (a1 has no stored text)
    assert ids(q="100%") == ["EN/a6"] and ids(q="%") == []  # punctuation is not a word
    assert ids(entity="NATO", role="Antagonist") == ["a5", "a4"]
    assert ids(role="Innocent") == ["a4"]
    page = filled.get("/api/v1/articles", params={"limit": 2, "offset": 4}).json()
    assert (page["total"], [i["id"] for i in page["items"]]) == (6, ["a1", "EN/a6"])
    assert filled.get("/api/v1/articles", params={"limit": 0}).status_code == 422
    assert filled.get("/api/v1/articles", params={"role": "Villain"}).status_code == 422


def test_full_text_search_of_title_and_text(filled: TestClient):
    def ids(q: str, **params: object) -> list[str]:
        response = filled.get("/api/v1/articles", params={"q": q, **params})
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids("volunteers") == ["a2"]  # a word of the text, not of the title
    assert ids("refugies") == ["a2"] and ids("RÉFUGIÉS") == ["a2"]  # case and accents folded
    assert ids("volunt*") == ["a2"] and ids("volunt") == []  # prefix only when asked
    assert ids("brink children") == ["a4"] and ids("brink volunteers") == []  # every word must occur
    assert ids("газа") == ["a5"]  # Cyrillic words are words
    assert ids("brink", outlet="Herald") == []  # search combines with the other filters
    assert ids("EN/a6") == ["EN/a6"]  # an exact article id
    for hostile in ('"unbalanced', "NEAR(a b", "a OR b AND", "title:x", "-brink", "*"):
        ids(hostile)  # FTS syntax typed by a user is text, never a 500


def test_narrative_page_api_and_csv(filled: TestClient):
    api = filled.get(f"/api/v1/narratives/{URW_B}").json()
    assert (api["label"], api["parent"], api["articles"], api["total"]) == (URW_B, None, 2, 6)
    assert api["cooccurring"] == [{"narrative": URW_A, "articles": 1, "roles": {}}]  # a2 pushes both
    assert api["entities"]["Antagonist"] == [{"entity": "NATO", "articles": 1}]
    assert api["entities"]["Innocent"] == [{"entity": "Children", "articles": 1}]
    assert api["trend"]["periods"] == ["2024-03-04", "2024-03-11", "2024-03-18"]
    assert api["trend"]["series"] == {URW_B: [1, 1, 0]} and api["trend"]["totals"] == [3, 1, 1]
    assert filled.get("/api/v1/narratives/No such narrative").status_code == 404

    page = filled.get("/corpus/narrative", params={"label": URW_B})
    assert page.status_code == 200 and "2 matching articles" in page.text
    assert 'href="/corpus/entity?name=NATO"' in page.text and "<svg" in page.text
    assert f'href="/corpus/narrative?label={quote_plus(URW_A)}"' in page.text  # co-occurring, linked
    rows = list(
        csv.reader(io.StringIO(filled.get("/corpus/narrative/data/trend.csv", params={"label": URW_B}).text))
    )
    assert rows[0] == ["week", "narrative", "articles", "dated_articles_that_week"]
    assert ["2024-03-11", URW_B, "1", "1"] in rows
    ranked = filled.get("/corpus/narrative/data/entities.csv", params={"label": URW_B}).text
    assert f"{URW_B},Antagonist,NATO,1" in ranked
    cooc = filled.get("/corpus/narrative/data/cooccurring.csv", params={"label": URW_B}).text
    assert cooc.splitlines()[1] == f'{URW_B},"{URW_A}",1'
    assert filled.get("/corpus/narrative", params={"label": "nothing"}).status_code == 404
    assert filled.get("/corpus/narrative/data/x.csv", params={"label": URW_B}).status_code == 404
    dashboard = filled.get("/corpus").text  # the dashboard links narratives and entities to their pages
    assert (
        f"/corpus/narrative?label={quote_plus(URW_B)}" in dashboard
        and "/corpus/entity?name=NATO" in dashboard
    )


def test_entity_page_api_and_csv_show_the_sentence_of_each_role(filled: TestClient):
    api = filled.get("/api/v1/entities/Nato").json()  # any case finds the entity
    assert (api["entity"], api["articles"], api["key"]) == ("NATO", 2, "nato")
    (antagonist,) = api["roles"]
    assert antagonist["role"] == "Antagonist" and antagonist["articles"] == 2
    assert antagonist["fine_roles"] == {"Conspirator": 1, "Instigator": 1}
    assert [e["sentence"] for e in antagonist["evidence"]] == [NATO_SENTENCE]  # a5 stored none
    assert antagonist["evidence"][0]["id"] == "a4"
    assert {r["narrative"]: r["roles"] for r in api["cooccurring"]} == {
        URW_A: {"Antagonist": 1},
        URW_B: {"Antagonist": 1},
    }
    assert api["trend"]["series"] == {"Antagonist": [1, 1]} and api["trend"]["periods"] == [
        "2024-03-11",
        "2024-03-18",
    ]
    assert filled.get("/api/v1/entities/Nobody").status_code == 404
    top = filled.get("/api/v1/entities", params={"role": "Antagonist"}).json()
    assert top[0]["evidence"]["Antagonist"][0]["sentence"] == NATO_SENTENCE

    page = filled.get("/corpus/entity", params={"name": "nato"})
    assert page.status_code == 200 and NATO_SENTENCE in page.text and "2 matching articles" in page.text
    assert 'href="/articles/a4?sha256=sha-a4"' in page.text
    evidence = list(
        csv.reader(io.StringIO(filled.get("/corpus/entity/data/evidence.csv", params={"name": "NATO"}).text))
    )
    assert evidence[0][-1] == "sentence" and evidence[1][-1] == NATO_SENTENCE
    roles = filled.get("/corpus/entity/data/roles.csv", params={"name": "NATO"}).text
    assert "NATO,Antagonist,2,2,Conspirator (1); Instigator (1)" in roles
    for chart in ("cooccurring", "trend"):
        assert filled.get(f"/corpus/entity/data/{chart}.csv", params={"name": "NATO"}).status_code == 200
    assert filled.get("/corpus/entity", params={"name": "Nobody"}).status_code == 404


def test_stored_article_page_shows_the_kept_text_and_links(tmp_path: Path):
    with client_for(tmp_path / "s.db") as c:
        analysis = c.post("/api/v1/analyse", json={"text": DEMO, **FAST}).json()
        page = c.get(f"/articles/{analysis['id']}")
        assert page.status_code == 200 and 'id="marked"' in page.text  # text kept, so shown marked
        for n in analysis["narratives"]:
            assert f"/corpus/narrative?label={quote_plus(n['label'])}" in page.text
        word = DEMO.split("\n")[2].split()[3].strip(".,")
        found = c.get("/api/v1/articles", params={"q": word}).json()["items"]
        assert [i["id"] for i in found] == [analysis["id"]]


def test_get_article_by_id_with_slash_and_unknown_ids(filled: TestClient):
    assert filled.get("/api/v1/articles/EN/a6").json()["id"] == "EN/a6"
    assert filled.get("/api/v1/articles/a1", params={"sha256": "sha-a1"}).status_code == 200
    assert filled.get("/api/v1/articles/a1", params={"sha256": "other"}).status_code == 404
    # An id is looked up in the store, never opened as a file.
    assert filled.get("/api/v1/articles/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_stats_trend_entities_match_the_corpus_commands(filled: TestClient, tmp_path: Path, capsys):
    api = filled.get("/api/v1/stats", params={"by": ["narrative", "language"]}).json()
    with CorpusStore(tmp_path / "filled.db", readonly=True) as store:
        total, rows = query_stats(store, ["narrative", "language"])
    assert api == {"articles": total, "by": ["narrative", "language"], "rows": rows}
    assert (
        run_cli(
            [
                "corpus",
                "stats",
                "--by",
                "narrative,language",
                "--json",
                "--store",
                str(tmp_path / "filled.db"),
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == api
    trend = filled.get("/api/v1/trend", params={"over": "week"}).json()
    assert trend["periods"] == ["2024-03-04", "2024-03-11", "2024-03-18"] and trend["undated"] == 1
    assert trend["series"][URW_A] == [2, 0, 1]
    assert trend["sparse_below"] == 5 and trend["sparse_periods"] == trend["periods"]
    top = filled.get("/api/v1/entities", params={"role": "Antagonist"}).json()
    assert top[0]["entity"] == "NATO" and top[0]["articles"] == 2
    assert filled.get("/api/v1/stats", params={"by": "colour"}).status_code == 422


def test_taxonomy_and_openapi(client: TestClient):
    domains = client.get("/api/v1/taxonomy").json()
    assert {"URW", "CC"} <= {d["code"] for d in domains}
    schema = client.get("/openapi.json").json()
    assert "/api/v1/analyse" in schema["paths"] and "Analysis" in schema["components"]["schemas"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert not re.search(r"(src|href)=\"https?://", docs.text)  # no CDN: Swagger UI is served locally
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


# --------------------------------------------------------------------------- security


def test_every_response_has_a_strict_csp(client: TestClient):
    for path in ("/", "/corpus", "/healthz", "/api/v1/articles"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"


def test_script_payloads_are_shown_escaped(client: TestClient):
    payload = 'Headline <script>alert("t")</script>\n\nBody <img src=x onerror=alert(1)> and <b>bold</b>.'
    form = client.get("/")
    page = client.post(
        "/analyse",
        data={"csrf": csrf_of(form.text), "text": payload, "title": "<script>x()</script>", **FAST},
    )
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<script>x()" not in page.text
    assert "<img src=x" not in page.text and "<b>bold" not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "&lt;script&gt;x()&lt;/script&gt;" in page.text
    # The stored article page and the corpus list escape the stored title too.
    corpus = client.get("/corpus").text
    assert "<script>x()" not in corpus and "&lt;script&gt;x()&lt;/script&gt;" in corpus


def test_forms_need_the_csrf_token_and_same_origin(client: TestClient):
    assert client.post("/analyse", data={"text": DEMO, **FAST}).status_code == 403
    assert client.post("/analyse", data={"csrf": "0" * 64, "text": DEMO, **FAST}).status_code == 403
    cross = client.post(
        "/api/v1/analyse", json={"text": DEMO, **FAST}, headers={"origin": "http://evil.example"}
    )
    assert cross.status_code == 403
    same = client.post(
        "/api/v1/analyse", json={"text": DEMO, **FAST}, headers={"origin": "http://testserver"}
    )
    assert same.status_code == 200


def test_unknown_host_header_is_refused(tmp_path: Path):
    # A DNS-rebinding page reaches 127.0.0.1 under its own name: the Host header gives it away.
    with TestClient(create_app(ServerConfig(store=tmp_path / "s.db")), base_url="http://evil.example") as c:
        assert c.get("/api/v1/articles").status_code == 400
    with TestClient(create_app(ServerConfig(store=tmp_path / "s.db")), base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/v1/articles").status_code == 200


def test_public_address_needs_a_token(tmp_path: Path):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    with pytest.raises(ConfigError, match="token"):
        ServerConfig(store=tmp_path / "s.db", host="0.0.0.0")
    with pytest.raises(ConfigError, match="16 characters"):
        ServerConfig(store=tmp_path / "s.db", token="fifteen-chars!!")
    assert run_cli(["serve", "--host", "0.0.0.0", "--store", str(tmp_path / "s.db")]) == 2


def test_token_protects_api_and_pages(tmp_path: Path):
    token = "correct-horse-battery"
    with client_for(tmp_path / "s.db", token=token) as c:
        assert c.get("/healthz").status_code == 200  # probes need no token
        assert c.get("/api/v1/articles").status_code == 401
        assert c.get("/api/v1/articles", headers={"authorization": "Bearer wrong-token"}).status_code == 401
        ok = c.get("/api/v1/articles", headers={"authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        assert c.get("/corpus", follow_redirects=False).headers["location"] == "/login"
        login = c.get("/login")
        assert c.post("/login", data={"csrf": csrf_of(login.text), "token": "nope"}).status_code == 401
        done = c.post("/login", data={"csrf": csrf_of(login.text), "token": token}, follow_redirects=False)
        assert done.status_code == 303
        cookie = done.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and token not in cookie
        assert c.get("/corpus").status_code == 200  # the cookie now opens pages and the API
        assert c.get("/api/v1/articles").status_code == 200


# --------------------------------------------------------------------------- reliability


def test_healthz_answers_while_an_analysis_runs(client: TestClient, monkeypatch: pytest.MonkeyPatch):
    worker = client.app.state.worker  # type: ignore[attr-defined]
    started, release = threading.Event(), threading.Event()
    real_run = worker._run

    def slow_run(*args: object) -> Analysis:
        started.set()
        release.wait(10)
        return real_run(*args)

    monkeypatch.setattr(worker, "_run", slow_run)
    results: list[int] = []
    thread = threading.Thread(
        target=lambda: results.append(client.post("/api/v1/analyse", json={"text": DEMO, **FAST}).status_code)
    )
    thread.start()
    try:
        assert started.wait(10), "the analysis never started"
        t0 = time.perf_counter()
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/v1/articles").status_code == 200
        assert time.perf_counter() - t0 < 1.0  # the event loop was not blocked by the analysis
        assert results == []  # and the analysis was indeed still running
    finally:
        release.set()
        thread.join(30)
    assert results == [200]


def test_store_is_wal_and_shared_with_a_concurrent_batch(client: TestClient, tmp_path: Path):
    store = tmp_path / "store.db"
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl_corpus(corpus, 40)
    proc = subprocess.Popen(
        [sys.executable, "-m", "narrascope", "batch", str(corpus), "--out", str(tmp_path / "out.jsonl"),
         "--store", str(store), "--fast", "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        posted = 0
        while proc.poll() is None and posted < 30:
            text = f"Article {posted}\n\nWestern governments keep sending weapons, a columnist wrote."
            response = client.post("/api/v1/analyse", json={"text": text, "id": f"web-{posted}", **FAST})
            assert response.status_code == 200, response.text
            assert client.get("/api/v1/articles", params={"limit": 5}).status_code == 200
            posted += 1
        _, stderr = proc.communicate(timeout=600)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr
    assert posted > 0
    db = sqlite3.connect(store)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 40 + posted


# --------------------------------------------------------------------------- pages


def test_dashboard_charts_csv_and_stored_article_pages(filled: TestClient):
    page = filled.get("/corpus", params={"language": "bg"})
    assert page.status_code == 200
    assert page.text.count("<svg") >= 5 and "2 matching articles" in page.text
    narratives = filled.get("/corpus/data/narratives.csv")
    assert narratives.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(narratives.text)))[:2] == [["narrative", "articles"], [URW_A, "4"]]
    trend = list(csv.reader(io.StringIO(filled.get("/corpus/data/trend.csv").text)))
    assert trend[0] == ["week", "narrative", "articles", "dated_articles_that_week"]
    assert ["2024-03-04", URW_A, "2", "3"] in trend
    assert filled.get("/corpus/data/..%2Fstore.csv").status_code == 404  # a chart name, never a file
    stored = filled.get("/articles/EN/a6")
    assert stored.status_code == 200 and "100% sure_thing" in stored.text
    assert filled.get("/articles/missing").status_code == 404
    assert filled.get("/corpus", params={"since": "not a date"}).status_code == 422


def test_dashboard_trend_counts_or_shares(filled: TestClient):
    counts = filled.get("/corpus").text
    assert "articles per week" in counts and "2 of 3 articles</title>" in counts
    assert "measure=shares" in counts  # the toggle
    shares = filled.get("/corpus", params={"measure": "shares"}).text
    assert "share of each week" in shares and "2 of 3 articles (67%)</title>" in shares
    assert "measure=counts" in shares
    assert "(3 of 3 weeks)" in counts  # every week of the small store is called thin


def test_ui_upload_and_errors_are_shown_on_the_form(client: TestClient):
    csrf = csrf_of(client.get("/").text)
    upload = client.post(
        "/analyse", data={"csrf": csrf, **FAST}, files={"file": ("demo.txt", DEMO.encode(), "text/plain")}
    )
    assert upload.status_code == 200 and "Western Weapons Vanish" in upload.text
    wrong = client.post("/analyse", data={"csrf": csrf, **FAST}, files={"file": ("a.exe", b"MZ", "x/y")})
    assert wrong.status_code == 415 and "unsupported file type .exe" in wrong.text and "<form" in wrong.text
    empty = client.post("/analyse", data={"csrf": csrf, "text": "  ", **FAST})
    assert empty.status_code == 422 and "paste an article" in empty.text


def test_stored_article_page_shows_the_explanation_escaped(tmp_path: Path):
    from narrascope.schema import Evidence, Explanation

    explanation = Explanation(
        narrative=URW_B,
        text="The text says that “<b>war</b> is near”.",
        language="en",
        evidence=[Evidence(start=0, end=3, text="war", score=0.5)],
        method="extractive",
    )
    analysis = make_analysis("x1", [URW_B]).model_copy(update={"explanation": explanation})
    with CorpusStore(tmp_path / "x.db") as store:
        store.save([analysis])
    with client_for(tmp_path / "x.db") as c:
        page = c.get("/articles/x1")
    assert page.status_code == 200
    assert f"Why {URW_B}" in page.text and "quoted from the article" in page.text
    assert "&lt;b&gt;war&lt;/b&gt; is near" in page.text and "<b>war</b>" not in page.text
