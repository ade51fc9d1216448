"""The workspace in a real headless Chromium: ``narrascope serve`` on a free loopback port.

Pastes the demo article (default profile, every layer), checks the marks, narratives,
legend and layer toggles, then opens the dashboard, a narrative page and an entity page
(through the dashboard's links) and the API docs, with no console error on any page (a
CSP violation is one). Screenshots go to the test's tmp folder, and
also to ``$NARRASCOPE_SCREENSHOTS`` when set (that is how docs/img/ is made).
Skips with a message when Debian's ``chromium`` or the ``playwright`` package is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from corpus_fixtures import make_analysis
from narrascope.cli.analyze import demo_article
from narrascope.corpus.store import CorpusStore
from narrascope.taxonomy.techniques import persuasion_techniques

pytestmark = pytest.mark.browser  # ≈ 20 s on 2 cores: under the 30 s that would make it "slow"

CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no network: without these Chromium keeps trying to reach its services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NARRATIVES = [
    "URW: Discrediting the West, Diplomacy",
    "URW: Blaming the war on others rather than the invader",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fill_store(path: Path) -> None:
    """Eight weeks of hand-made analyses so the dashboard has a trend to draw."""
    start = datetime(2024, 1, 1, 9)
    rows = [
        make_analysis(
            f"s{i:02d}",
            [NARRATIVES[i % 2]] if i % 5 else [],
            language="en" if i % 3 else "bg",
            outlet=["Herald", "Courier", "Gazette"][i % 3],
            published=start + timedelta(days=3 * i),
            entities=[("NATO", "Antagonist", ["Instigator"]), ("Civilians", "Innocent", ["Victim"])],
            title=f"Stored article {i}",
            evidence={"NATO": f"NATO moved troops closer to the border again, column {i} claimed."},
        )
        for i in range(20)
    ]
    with CorpusStore(path) as store:
        store.save(rows)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    store = tmp_path / "workspace.db"
    fill_store(store)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "narrascope", "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read() if proc.stdout else ""
                    pytest.fail(f"narrascope serve did not start: {output}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def save(page: object, tmp_path: Path, name: str, **options: object) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), **options)  # type: ignore[attr-defined]
    extra = os.environ.get("NARRASCOPE_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / name)
    return path


def test_workspace_in_headless_chromium(server: str, tmp_path: Path):
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

        # Analyse: paste the demo article with every layer.
        page.goto(f"{server}/")
        page.fill("#text", demo_article().content)
        page.select_option("select[name=profile]", "default")
        # The click waits for the page that follows: a default-profile analysis (models loaded on
        # first use) can take longer than the 30 s default on a loaded 2-core machine.
        page.click("#analyse-button", timeout=180_000)
        page.wait_for_selector("#marked", timeout=180_000)
        assert page.locator("#narratives").inner_text().count("Discrediting the West") >= 1
        assert page.locator("#narratives meter").count() >= 2
        assert page.locator("#article .t").count() > 0, "no technique span highlighted"
        assert page.locator("#technique-segments tr").count() >= 2, "no technique finding per sentence"
        assert "span-crf-en" in page.locator("#techniques").inner_text()
        assert page.locator("#article .e").count() > 0, "no entity mention highlighted"
        assert page.locator("#article .s").count() > 0, "no source cue highlighted"
        legend = page.locator("#legend").inner_text()
        families = [f.name for f in persuasion_techniques().families]
        for name in [*families, "Protagonist", "Antagonist", "Innocent", "vague source"]:
            assert name in legend, f"legend does not name {name!r}"
        # The article view links its narratives and entities to their corpus pages.
        assert page.locator("#narratives a[href^='/corpus/narrative?label=']").count() >= 1
        assert page.locator("#entities a[href^='/corpus/entity?name=']").count() >= 1
        save(page, tmp_path, "workspace-article.png")
        page.locator("#techniques").evaluate("el => el.scrollIntoView()")
        save(page, tmp_path, "workspace-techniques.png")
        page.locator("#marked").evaluate("el => el.scrollIntoView()")  # toggles and legend on top
        save(page, tmp_path, "workspace-marked.png")

        # Layer toggles repaint without reloading; evidence quotes link into the text.
        first_t = page.locator("#article .t").first
        painted = first_t.evaluate("el => getComputedStyle(el).backgroundColor")
        page.uncheck("#layer-toggles input[data-layer=t]")
        assert "hide-t" in (page.get_attribute("#article", "class") or "")
        assert first_t.evaluate("el => getComputedStyle(el).backgroundColor") != painted
        page.check("#layer-toggles input[data-layer=t]")
        page.locator("#narratives blockquote a").first.click()
        assert "#ev-" in page.url

        # Submit a correction: reject a narrative, confirm an entity role, add a narrative.
        page.fill("#feedback-author", "Test Analyst")
        rejected = page.locator("#narratives tr.narrative b.lbl").first.inner_text()
        page.locator("#narratives tr.narrative button.no").first.click()
        page.wait_for_selector("#narratives tr.narrative.rejected")
        row = page.locator("#narratives tr.narrative.rejected").first
        assert rejected in row.inner_text() and "rejected by Test Analyst at" in row.inner_text()
        struck = row.locator(".lbl").evaluate("el => getComputedStyle(el).textDecorationLine")
        assert "line-through" in struck
        page.locator("#entities button.ok").first.click()
        page.wait_for_selector("#entities .fb-confirm")
        assert "confirmed by Test Analyst" in page.locator("#entities").inner_text()
        page.select_option("#add-label", "URW: Amplifying war-related fears")
        page.click("#add-label-button")
        page.wait_for_selector("#added-findings")
        assert "URW: Amplifying war-related fears" in page.locator("#added-findings").inner_text()
        assert page.locator("#article .t").count() > 0, "the reviewed article lost its marked text"
        page.locator("#narratives").evaluate("el => el.scrollIntoView()")
        save(page, tmp_path, "workspace-feedback-findings.png")
        page.locator("#review").evaluate("el => el.scrollIntoView()")
        save(page, tmp_path, "workspace-feedback.png")

        # Dashboard: charts drawn, the demo article listed, CSV offered.
        page.goto(f"{server}/corpus")
        assert page.locator("#chart-trend svg polyline").count() >= 2
        assert page.locator("#chart-narratives svg rect").count() >= 3
        assert page.locator("#chart-antagonists").inner_text().count("NATO") == 1
        assert page.locator("#articles").inner_text().count("Western Weapons Vanish") == 1
        assert page.locator("a.csv").count() == 6
        save(page, tmp_path, "workspace-dashboard.png")

        # A filter narrows the list.
        page.select_option("select[name=language]", "bg")
        page.click("form.filters button")
        assert "language=bg" in page.url
        assert "Western Weapons Vanish" not in page.locator("#articles").inner_text()

        # The list links each article's narratives to their pages.
        assert page.locator("#articles a[href^='/corpus/narrative?']").count() >= 1

        # A narrative page, reached from the dashboard's narrative chart.
        page.goto(f"{server}/corpus")
        page.locator(f"#chart-narratives svg a:has-text('{NARRATIVES[0][5:]}')").first.click()
        page.wait_for_url("**/corpus/narrative?label=*")
        assert page.locator("h1").inner_text() == NARRATIVES[0]
        assert page.locator("#chart-trend svg polyline").count() == 1
        assert "NATO" in page.locator("#chart-entities").inner_text()
        assert page.locator("#articles tbody tr").count() >= 7  # 8 stored articles push it
        assert page.locator("a.csv").count() == 3
        save(page, tmp_path, "workspace-narrative.png", full_page=True)

        # An entity page, reached from the narrative page: roles, the sentence of each, trend.
        page.locator("#chart-entities a", has_text="NATO").first.click()
        page.wait_for_url("**/corpus/entity?name=NATO")
        roles = page.locator("#roles").inner_text()
        assert "Antagonist" in roles and "NATO moved troops closer to the border" in roles
        assert page.locator("#chart-trend svg polyline").count() >= 1
        assert NARRATIVES[1] in page.locator("#chart-cooccurring").inner_text()
        save(page, tmp_path, "workspace-entity.png", full_page=True)
        quoted = page.locator("#roles blockquote").first.inner_text().strip("“”")
        page.locator("#roles blockquote + p a").first.click()  # the article that sentence is from
        page.wait_for_url("**/articles/*")
        assert quoted in page.locator("#entities").inner_text()

        # The API docs load Swagger UI from this server under the CSP.
        page.goto(f"{server}/docs")
        page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
        browser.close()
    assert errors == [], f"console errors: {errors}"
