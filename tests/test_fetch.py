"""Analyse a URL: the fetcher against pages served on 127.0.0.1, its refusals, the CLI and the API.

Every page here is written for these tests. The server binds to loopback only, so the
fetches that should succeed run with private addresses allowed, and the default policy
is shown to refuse the very same URL.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narrascope.cli.entry import run as run_cli
from narrascope.io import FetchPolicy, InputError, fetch_article, is_url
from narrascope.io.fetch import blocked_reason
from narrascope.server import ServerConfig, create_app

PAGE = (
    b"<html><head><title>Harbour closes before the storm</title>"
    b'<meta property="og:site_name" content="The Westmoor Ledger"></head><body><article>'
    b"<h1>Harbour closes before the storm</h1>"
    b"<p>The council of Westmoor closed the old harbour on Monday after forecasters warned of a "
    b"storm surge. Mayor Ellen Park said the decision protected the fishing crews and their families.</p>"
    b"<p>Opposition members called the closure a panic move that would ruin the town, and claimed the "
    b"officials had exaggerated the danger to justify new spending on the sea wall.</p>"
    b"</article></body></html>"
)
PLAIN = "Quiet week at the port\n\nNo ships came in; the café by the quay stayed open.\n"
ALLOW = FetchPolicy(allow_private=True, timeout=5)


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/page.html": (200, "text/html; charset=utf-8", PAGE),
            "/plain.txt": (200, "text/plain; charset=iso-8859-1", PLAIN.encode("latin-1")),
            "/data.bin": (200, "application/octet-stream", b"\x00\x01\x02"),
            "/big.html": (200, "text/html", b"<p>" + b"x" * 200_000 + b"</p>"),
        }
        if self.path in routes:
            status, kind, body = routes[self.path]
            self._send(status, {"Content-Type": kind}, body)
        elif self.path == "/gzip-bomb.html":
            self._send(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                       gzip.compress(b"<p>" + b"a" * 5_000_000))  # fmt: skip
        elif self.path == "/redirect":
            self._send(302, {"Location": "/page.html"}, b"")
        elif self.path == "/to-file":
            self._send(302, {"Location": "file:///etc/passwd"}, b"")
        elif self.path == "/loop":
            self._send(302, {"Location": "/loop"}, b"")
        elif self.path == "/slow.html":
            time.sleep(2)
            self._send(200, {"Content-Type": "text/html"}, PAGE)
        else:
            self._send(404, {"Content-Type": "text/plain"}, b"not here")

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # The client may give up first: the size and time limits do that on purpose.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_is_url() -> None:
    assert is_url("https://example.org/a") and is_url("HTTP://x")
    assert not is_url("article.txt") and not is_url("ftp://example.org/a") and not is_url("-")


def test_html_page_becomes_an_article(site: str) -> None:
    article = fetch_article(f"{site}/page.html", ALLOW)
    assert article.title == "Harbour closes before the storm"
    assert "Mayor Ellen Park" in article.content and "<p>" not in article.content
    assert article.outlet == "The Westmoor Ledger"
    assert article.url and article.url.endswith("/page.html")


def test_plain_text_in_its_declared_charset(site: str) -> None:
    article = fetch_article(f"{site}/plain.txt", ALLOW)
    assert article.title == "Quiet week at the port"
    assert "café" in article.content


def test_loopback_refused_by_default(site: str) -> None:
    with pytest.raises(InputError, match=r"refused: 127\.0\.0\.1 resolves to a loopback address"):
        fetch_article(f"{site}/page.html")


def test_redirects_followed_and_checked(site: str) -> None:
    assert "Mayor Ellen Park" in fetch_article(f"{site}/redirect", ALLOW).content
    with pytest.raises(InputError, match=r"only http and https URLs can be fetched \(redirected to file"):
        fetch_article(f"{site}/to-file", ALLOW)
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch_article(f"{site}/loop", ALLOW)


def test_limits(site: str) -> None:
    small = FetchPolicy(allow_private=True, max_bytes=100_000)
    with pytest.raises(InputError, match="page too large"):
        fetch_article(f"{site}/big.html", small)
    with pytest.raises(InputError, match="page too large"):  # inflated, not declared, size
        fetch_article(f"{site}/gzip-bomb.html", small)
    with pytest.raises(InputError, match="timed out"):
        fetch_article(f"{site}/slow.html", FetchPolicy(allow_private=True, timeout=0.5))


def test_unusable_responses(site: str) -> None:
    with pytest.raises(InputError, match="HTTP 404"):
        fetch_article(f"{site}/missing", ALLOW)
    with pytest.raises(InputError, match="unsupported content type application/octet-stream"):
        fetch_article(f"{site}/data.bin", ALLOW)
    with pytest.raises(InputError, match="only http and https"):
        fetch_article("ftp://example.org/a.txt", ALLOW)
    with pytest.raises(InputError, match="no host"):
        fetch_article("http:///nothing", ALLOW)


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.10", True),
        ("169.254.169.254", True),  # cloud metadata
        ("::1", True),
        ("::ffff:127.0.0.1", True),  # IPv4-mapped loopback
        ("fd00::1", True),
        ("0.0.0.0", True),
        ("93.184.215.14", False),
        ("2606:4700::1111", False),
    ],
)
def test_blocked_addresses(address: str, blocked: bool) -> None:
    assert (blocked_reason(address) is not None) == blocked


def test_a_name_with_one_private_address_is_refused() -> None:
    # A name answering with a public and a private address (DNS rebinding) never connects.
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "10.0.0.5"]

    with pytest.raises(InputError, match=r"resolves to a private or reserved address \(10.0.0.5\)"):
        fetch_article("http://news.example/story", resolver=resolver)


def test_cli_analyze_url(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"{site}/page.html"
    assert run_cli(["analyze", "--fast", "--json", "--allow-private-urls", url]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["id"] == url and result["url"] == url and result["title"].startswith("Harbour")

    assert run_cli(["analyze", "--fast", url]) == 2
    assert "refused" in capsys.readouterr().err


def test_api_analyse_url(site: str, tmp_path: Path) -> None:
    def client(**options: object) -> TestClient:
        config = ServerConfig(store=tmp_path / "s.db", extra_hosts=("testserver",), **options)  # type: ignore[arg-type]
        return TestClient(create_app(config))

    with client(allow_private_urls=True) as c:
        ok = c.post("/api/v1/analyse/url", json={"url": f"{site}/page.html", "profile": "fast"})
        assert ok.status_code == 200, ok.text
        assert ok.json()["title"].startswith("Harbour")
        stored = c.get("/api/v1/articles", params={"limit": 5}).json()
        assert stored["total"] == 1
        missing = c.post("/api/v1/analyse/url", json={"url": f"{site}/missing", "profile": "fast"})
        assert missing.status_code == 502 and "HTTP 404" in missing.json()["detail"]
    with client() as c:
        refused = c.post("/api/v1/analyse/url", json={"url": f"{site}/page.html", "profile": "fast"})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "url"]
        bad = c.post("/api/v1/analyse/url", json={"url": "file:///etc/passwd"})
        assert bad.status_code == 422 and "http" in bad.json()["detail"][0]["msg"]
