"""Analyst feedback: storage and the corrected labels, the API and the article page's forms,
the SemEval export read back with the project's own readers, and ``train … --feedback``."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corpus_fixtures import make_analysis
from narrascope.cli.entry import run as run_cli
from narrascope.corpus import feedback
from narrascope.corpus.store import CorpusStore
from narrascope.eval.feedback import narrative_docs, role_data, with_corrections, with_role_corrections
from narrascope.eval.roles import mention_span, parse_mention_file, read_role_training
from narrascope.eval.semeval import LabelledDoc, read_label_file, read_training_folder
from narrascope.schema import (
    Analysis,
    EntityFrame,
    FeedbackItem,
    LabelScore,
    Mention,
    NarrativeScore,
)
from narrascope.server import ServerConfig, create_app

URW_WEST = "URW: Discrediting the West, Diplomacy"
URW_WEST_SUB = "URW: Discrediting the West, Diplomacy: The West is weak"
URW_FEARS = "URW: Amplifying war-related fears"
URW_FEARS_SUB = (
    "URW: Amplifying war-related fears: There is a real possibility that nuclear weapons will be employed"
)
TEXT = (
    "Talks stall as fears grow\r\n\r\n"
    "The Alliance keeps sending arms, officials in Varnia said. "
    "Mayor Ilse Brandt warned that the city's children are paying for the delay.\r\n"
    "Critics call the Alliance weak and divided."
)
SHA = hashlib.sha256(TEXT.encode()).hexdigest()


def frame(name: str, main: str, fine: list[str]) -> EntityFrame:
    start = TEXT.index(name)
    return EntityFrame(
        name=name,
        mentions=[Mention(start=start, end=start + len(name), text=name)],
        main_role=main,  # type: ignore[arg-type]
        fine_roles=fine,
        confidence=0.8,
        main_probabilities={main: 0.8},
    )


def article(article_id: str = "EN_UA_900001.txt") -> Analysis:
    """An analysis of TEXT as the pipeline would store it (one narrative, two entities)."""
    sub = LabelScore(label=URW_WEST_SUB, name="The West is weak", confidence=0.6)
    narrative = NarrativeScore(
        label=URW_WEST, name="Discrediting the West", confidence=0.7, subnarratives=[sub]
    )
    base = make_analysis(article_id, [URW_WEST])
    return base.model_copy(
        update={
            "narratives": [narrative],
            "content_sha256": SHA,
            "content_length": len(TEXT),
            "entities": [
                frame("Alliance", "Antagonist", ["Incompetent"]),
                frame("Ilse Brandt", "Protagonist", ["Guardian"]),
            ],
        }
    )


def item(kind: str, label: str, decision: str, **extra: object) -> FeedbackItem:
    return FeedbackItem.model_validate({"kind": kind, "label": label, "decision": decision, **extra})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CorpusStore]:
    with CorpusStore(tmp_path / "store.db") as s:
        s.save([article()])
        yield s


# --------------------------------------------------------------------------- corrected labels


def test_latest_decision_wins_and_history_is_kept(store: CorpusStore):
    a = article()
    feedback.record(store, a, [item("narrative", URW_WEST, "reject")], "Ana")
    feedback.record(store, a, [item("narrative", URW_WEST, "confirm")], "Ben")
    history = feedback.records(store, a.id, a.content_sha256)
    assert [(r.decision, r.author) for r in history] == [("reject", "Ana"), ("confirm", "Ben")]
    assert all(r.at.tzinfo is not None and r.at.utcoffset().total_seconds() == 0 for r in history)  # type: ignore[union-attr]
    current = feedback.in_force(history)
    assert [(r.decision, r.author) for r in current] == [("confirm", "Ben")]
    fixed = feedback.corrected_article(a, history)
    assert fixed.narratives == [URW_WEST] and fixed.subnarratives == [URW_WEST_SUB]


def test_rejecting_a_narrative_takes_its_subnarratives_and_adding_a_sub_adds_its_parent(store: CorpusStore):
    a = article()
    feedback.record(
        store, a, [item("narrative", URW_WEST, "reject"), item("subnarrative", URW_FEARS_SUB, "add")], "Ana"
    )
    fixed = feedback.corrected_article(a, feedback.records(store, a.id, SHA))
    assert fixed.narratives == [URW_FEARS] and fixed.subnarratives == [URW_FEARS_SUB]
    assert fixed.narratives_reviewed and not fixed.roles_reviewed
    # A narrative with no sub-narrative left gets '<narrative>: Other', as in the SemEval files.
    feedback.record(
        store, a, [item("narrative", URW_WEST, "add"), item("subnarrative", URW_WEST_SUB, "reject")], "Ana"
    )
    fixed = feedback.corrected_article(a, feedback.records(store, a.id, SHA))
    assert set(fixed.narratives) == {URW_FEARS, URW_WEST}
    assert set(fixed.subnarratives) == {URW_FEARS_SUB, f"{URW_WEST}: Other"}
    feedback.record(
        store, a, [item("narrative", URW_WEST, "reject"), item("narrative", URW_FEARS, "reject")], "Ana"
    )
    fixed = feedback.corrected_article(a, feedback.records(store, a.id, SHA))
    assert (fixed.narratives, fixed.subnarratives) == (["Other"], ["Other"])


def test_confirming_other_marks_an_article_without_narratives_reviewed(store: CorpusStore):
    nothing = article("nothing.txt").model_copy(update={"narratives": [], "other": True})
    store.save([nothing])
    assert not feedback.corrected_article(nothing, []).narratives_reviewed
    feedback.record(store, nothing, [item("narrative", "Other", "confirm")], "Ana")
    fixed = feedback.corrected_article(nothing, feedback.records(store, "nothing.txt", SHA))
    assert fixed.narratives_reviewed and (fixed.narratives, fixed.subnarratives) == (["Other"], ["Other"])
    with pytest.raises(feedback.FeedbackError, match="not rejected"):
        feedback.record(store, nothing, [item("narrative", "Other", "reject")], "Ana")


def test_role_decisions_reject_add_and_switch_main_role(store: CorpusStore):
    a = article()
    start = TEXT.index("Alliance")
    feedback.record(
        store,
        a,
        [
            item("role", "Incompetent", "reject", entity="Alliance"),  # span taken from the detected entity
            item("role", "Guardian", "add", entity="Alliance"),
            item("role", "Victim", "add", entity="children"),  # located in the text
        ],
        "Ana",
        TEXT,
    )
    fixed = feedback.corrected_article(a, feedback.records(store, a.id, SHA), TEXT)
    roles = {(e.name, e.start, e.main_role, tuple(e.fine_roles)) for e in fixed.entities}
    assert roles == {
        ("Alliance", start, "Protagonist", ("Guardian",)),
        ("Ilse Brandt", TEXT.index("Ilse"), "Protagonist", ("Guardian",)),
        ("children", TEXT.index("children"), "Innocent", ("Victim",)),
    }
    assert fixed.roles_reviewed and fixed.text == TEXT


def test_bad_decisions_are_refused_naming_the_field(store: CorpusStore):
    a = article()
    cases = [
        ([item("narrative", "URW: No such narrative", "add")], "Ana", None, "items.0.label"),
        ([item("role", "Hero of the day", "add", entity="Alliance")], "Ana", None, "items.0.label"),
        ([item("role", "Victim", "add", entity="Nobody Here")], "Ana", TEXT, "items.0.entity"),
        ([item("role", "Victim", "add", entity="x", start=5, end=9999)], "Ana", TEXT, "items.0.end"),
        ([item("narrative", URW_WEST, "confirm")], "   ", None, "author"),
        ([item("narrative", URW_WEST, "confirm")], "Ana", TEXT + "!", "text"),
    ]
    for items, author, text, field in cases:
        with pytest.raises(feedback.FeedbackError) as error:
            feedback.record(store, a, items, author, text)
        assert error.value.field == field
    assert feedback.records(store, a.id, SHA) == []  # nothing half-recorded


def test_feedback_survives_reanalysis_of_the_article(store: CorpusStore):
    feedback.record(store, article(), [item("narrative", URW_WEST, "confirm")], "Ana")
    store.save([article()])  # re-analysing replaces the article row
    assert len(feedback.records(store, "EN_UA_900001.txt", SHA)) == 1


# --------------------------------------------------------------------------- API and pages


def client_for(path: Path, **options: object) -> TestClient:
    config = ServerConfig(store=path, extra_hosts=("testserver",), **options)  # type: ignore[arg-type]
    return TestClient(create_app(config))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with CorpusStore(tmp_path / "api.db") as s:
        s.save([article(), article("EN/with slash.txt")])
    with client_for(tmp_path / "api.db") as c:
        yield c


def test_api_feedback_round_trip(client: TestClient):
    url = "/api/v1/articles/EN_UA_900001.txt/feedback"
    empty = client.get(url).json()
    assert empty["history"] == [] and empty["corrected"]["narratives"] == [URW_WEST]
    body = {
        "author": "Ana Petrova",
        "text": TEXT,
        "items": [
            {"kind": "narrative", "label": URW_WEST, "decision": "reject"},
            {"kind": "subnarrative", "label": URW_FEARS_SUB, "decision": "add"},
            {"kind": "role", "label": "Victim", "decision": "add", "entity": "children"},
        ],
    }
    posted = client.post(url, json=body)
    assert posted.status_code == 200, posted.text
    got = client.get(url, params={"sha256": SHA}).json()
    assert got == posted.json()
    assert [r["author"] for r in got["history"]] == ["Ana Petrova"] * 3
    assert got["corrected"]["narratives"] == [URW_FEARS] and got["corrected"]["text"] == TEXT
    assert {"name": "children", "main_role": "Innocent", "fine_roles": ["Victim"]}.items() <= got[
        "corrected"
    ]["entities"][-1].items()
    # The article itself is still served at its own path, and ids with a slash work.
    assert client.get("/api/v1/articles/EN_UA_900001.txt").json()["id"] == "EN_UA_900001.txt"
    narratives_only = {**body, "items": body["items"][:2], "text": None}
    slash = client.post("/api/v1/articles/EN/with%20slash.txt/feedback", json=narratives_only)
    assert slash.status_code == 200 and slash.json()["id"] == "EN/with slash.txt"
    assert "/api/v1/articles/{article_id}/feedback" in client.get("/openapi.json").json()["paths"]


def test_api_feedback_errors(client: TestClient):
    url = "/api/v1/articles/EN_UA_900001.txt/feedback"
    ok_item = {"kind": "narrative", "label": URW_WEST, "decision": "confirm"}
    assert (
        client.post("/api/v1/articles/nope/feedback", json={"author": "a", "items": [ok_item]}).status_code
        == 404
    )
    bad = client.post(url, json={"author": "a", "items": [{**ok_item, "label": "URW: Nope"}]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "items", 0, "label"]
    wrong = client.post(url, json={"author": "a", "items": [ok_item], "text": "another text"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "text"]
    for body in (
        {"items": [ok_item]},
        {"author": "a", "items": []},
        {"author": "a", "items": [{**ok_item, "decision": "maybe"}]},
    ):
        assert client.post(url, json=body).status_code == 422


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match
    return match.group(1)


def test_page_forms_record_and_show_decisions(client: TestClient):
    page = client.get("/articles/EN_UA_900001.txt")
    assert page.status_code == 200 and 'id="feedback-form"' in page.text
    csrf = csrf_of(page.text)
    form = {"csrf": csrf, "sha256": SHA, "author": "Ana"}
    url = "/articles/EN_UA_900001.txt/feedback"
    assert (
        client.post(url, data={**form, "csrf": "", "act": f"reject|narrative|{URW_WEST}"}).status_code == 403
    )
    assert (
        client.post(url, data={**form, "csrf": "0" * 64, "act": f"reject|narrative|{URW_WEST}"}).status_code
        == 403
    )
    cross = client.post(
        url, data={**form, "act": f"reject|narrative|{URW_WEST}"}, headers={"origin": "http://evil.example"}
    )
    assert cross.status_code == 403
    done = client.post(url, data={**form, "act": f"reject|narrative|{URW_WEST}"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(
        "/articles/EN_UA_900001.txt?sha256="
    )
    span = TEXT.index("Ilse Brandt")
    client.post(
        url, data={**form, "act": f"confirm|role|Guardian|{span}|{span + 11}|Ilse Brandt", "text": TEXT}
    )
    client.post(url, data={**form, "act": "add|label", "add_label": URW_FEARS})
    shown = client.get(done.headers["location"]).text
    link = r'<a href="[^"]*">'  # labels link to their narrative page
    assert re.search(r'class="narrative rejected"><td><b class="lbl">' + link + re.escape(URW_WEST), shown)
    assert "rejected by Ana at" in shown and "confirmed by Ana at" in shown
    dropped = (
        '<span class="lbl">↳ '
        + link
        + "The West is weak</a></span> "
        + re.escape('<span class="muted">(dropped with its narrative)')
    )
    assert re.search('class="sub rejected"><td>' + dropped, shown)
    assert re.search(r'<span class="badge">added</span> ' + re.escape(URW_FEARS), shown)
    assert 'value="Ana"' in shown  # the name is remembered for the next decision
    # With the text now kept, the stored article is shown marked again.
    assert 'id="article"' in shown
    bad = client.post(url, data={**form, "act": "add|label", "add_label": ""})
    assert bad.status_code == 422 and "choose a narrative" in bad.text
    bad = client.post(url, data={**form, "author": "", "act": f"confirm|narrative|{URW_WEST}"})
    assert bad.status_code == 422 and "author" in bad.text


def test_feedback_needs_the_token_when_one_is_set(tmp_path: Path):
    with CorpusStore(tmp_path / "t.db") as s:
        s.save([article()])
    token = "correct-horse-battery"
    body = {"author": "a", "items": [{"kind": "narrative", "label": URW_WEST, "decision": "confirm"}]}
    with client_for(tmp_path / "t.db", token=token) as c:
        url = "/api/v1/articles/EN_UA_900001.txt/feedback"
        assert c.post(url, json=body).status_code == 401
        assert c.get(url).status_code == 401
        assert c.post(url, json=body, headers={"authorization": f"Bearer {token}"}).status_code == 200
        form = c.post("/articles/EN_UA_900001.txt/feedback", data={"act": "x"}, follow_redirects=False)
        assert form.status_code == 303 and form.headers["location"] == "/login"


# --------------------------------------------------------------------------- export and training data


def reviewed_store(path: Path) -> Path:
    with CorpusStore(path) as s:
        a = article()
        s.save([a, article("unreviewed.txt")])
        feedback.record(
            s,
            a,
            [item("subnarrative", URW_FEARS_SUB, "add"), item("role", "Victim", "add", entity="children")],
            "Ana",
            TEXT,
        )
    return path


def test_export_round_trips_through_the_semeval_readers(tmp_path: Path):
    db = reviewed_store(tmp_path / "fb.db")
    narratives = tmp_path / "export" / "EN" / "subtask-2-annotations.txt"
    roles = tmp_path / "export" / "EN" / "subtask-1-annotations.txt"
    assert (
        run_cli(
            [
                "corpus",
                "feedback",
                "export",
                "--store",
                str(db),
                "--format",
                "semeval-narratives",
                "-o",
                str(narratives),
            ]
        )
        == 0
    )
    assert (
        run_cli(
            [
                "corpus",
                "feedback",
                "export",
                "--store",
                str(db),
                "--format",
                "semeval-roles",
                "-o",
                str(roles),
            ]
        )
        == 0
    )
    other = tmp_path / "export" / "BG" / "subtask-2-annotations.txt"
    args = ["corpus", "feedback", "export", "--store", str(db), "--format", "semeval-narratives"]
    assert run_cli([*args, "--language", "bg", "-o", str(other)]) == 0 and other.read_text() == ""
    labels = read_label_file(narratives)
    assert list(labels) == ["EN_UA_900001.txt"]  # only the reviewed article
    assert set(labels["EN_UA_900001.txt"].narratives) == {URW_WEST, URW_FEARS}
    assert set(labels["EN_UA_900001.txt"].subnarratives) == {URW_WEST_SUB, URW_FEARS_SUB}
    docs = read_training_folder(tmp_path / "export", ["EN"])
    assert [d.id for d in docs] == ["EN_UA_900001.txt"] and docs[0].text == TEXT  # \r\n kept
    lines = parse_mention_file(roles, with_roles=True).lines
    assert {(m.mention, m.main_role, m.fine_roles) for m in lines} == {
        ("Alliance", "Antagonist", ("Incompetent",)),
        ("Ilse Brandt", "Protagonist", ("Guardian",)),
        ("children", "Innocent", ("Victim",)),
    }
    mentions, texts, _ = read_role_training(tmp_path / "export", ["EN"])
    for m in mentions:  # offsets index the exported text exactly (end inclusive)
        assert TEXT[m.start : m.end + 1] == m.mention and mention_span(texts[m.article_id], m)[1]


def test_export_refuses_a_missing_store_and_says_when_texts_are_missing(tmp_path: Path, capsys):
    assert (
        run_cli(
            [
                "corpus",
                "feedback",
                "export",
                "--store",
                str(tmp_path / "none.db"),
                "--format",
                "semeval-roles",
                "-o",
                str(tmp_path / "x.txt"),
            ]
        )
        != 0
    )
    with CorpusStore(tmp_path / "s.db") as s:
        s.save([article()])
        feedback.record(s, article(), [item("narrative", URW_WEST, "confirm")], "Ana")  # no text given
    out = tmp_path / "o" / "a.txt"
    assert (
        run_cli(
            [
                "corpus",
                "feedback",
                "export",
                "--store",
                str(tmp_path / "s.db"),
                "--format",
                "semeval-narratives",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_text() == "" and "whose text is not in the store" in capsys.readouterr().err


def test_corrections_override_training_articles_by_id_or_text(tmp_path: Path):
    with CorpusStore(reviewed_store(tmp_path / "fb.db"), readonly=True) as s:
        corrected = feedback.corrected_articles(s)
    docs = narrative_docs(corrected)
    old = LabelledDoc("EN_UA_900001.txt", "EN", "older text", frozenset({"Other"}), frozenset({"Other"}))
    same_text = LabelledDoc("copy.txt", "EN", TEXT, frozenset({"Other"}), frozenset({"Other"}))
    keep = LabelledDoc("EN_UA_1.txt", "EN", "unrelated", frozenset({"Other"}), frozenset({"Other"}))
    merged = with_corrections([old, same_text, keep], docs)
    assert [d.id for d in merged] == ["EN_UA_1.txt", "EN_UA_900001.txt"] and URW_FEARS in merged[1].narratives
    mentions, texts, langs = role_data(corrected)
    assert (
        list(texts) == ["EN/EN_UA_900001.txt"]
        and langs == {"EN/EN_UA_900001.txt": "EN"}
        and len(mentions) == 3
    )
    base_m, base_t, _ = read_role_training(tmp_path)  # no data: empty
    assert base_m == [] and base_t == {}
    merged_roles = with_role_corrections(
        ([], {"EN/EN_UA_900001.txt": "old"}, {"EN/EN_UA_900001.txt": "EN"}), (mentions, texts, langs)
    )
    assert merged_roles[1] == texts


@pytest.mark.slow  # ~45 s: loads the embedding model and runs the salience CV
def test_train_roles_with_feedback_on_a_tiny_store(tmp_path: Path):
    """``train roles --feedback`` adds the corrected article to a one-article training folder."""
    pytest.importorskip("sklearn")
    data = tmp_path / "train" / "EN"
    (data / "raw-documents").mkdir(parents=True)
    lines = []
    for i, town in enumerate(["Varnia", "Ostrel", "Calda", "Miren", "Teplo"]):  # 5 articles: 5 CV folds
        other = f"Ministers of {town} praised the Rescue Teams who saved the Miners of {town}.\n"
        (data / "raw-documents" / f"EN_UA_{i}.txt").write_text(other, encoding="utf-8")
        for mention, main, fine in (
            ("Rescue Teams", "Protagonist", "Guardian"),
            ("Miners", "Innocent", "Victim"),
        ):
            start = other.index(mention)
            lines.append(f"EN_UA_{i}.txt\t{mention}\t{start}\t{start + len(mention) - 1}\t{main}\t{fine}\n")
    (data / "subtask-1-annotations.txt").write_text("".join(lines), encoding="utf-8")
    db = reviewed_store(tmp_path / "fb.db")
    out = tmp_path / "model"
    code = run_cli(
        [
            "train",
            "roles",
            "--data",
            str(tmp_path / "train"),
            "--out",
            str(out),
            "--folds",
            "0",
            "--cache",
            str(tmp_path / "emb.sqlite"),
            "--feedback",
            str(db),
        ]
    )
    assert code == 0
    import json

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["trained_on"]["corrected_articles"] == 1
    assert manifest["trained_on"]["mentions"] == 10 + 3 and manifest["trained_on"]["articles"] == 6
