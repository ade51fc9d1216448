"""Fetch one web page as an ``Article``, without letting a URL reach what it should not.

A URL typed by an analyst (or posted to the workspace) is untrusted: it may point at the
server's own loopback services, a cloud metadata address, or redirect there. So every
hop is checked before it is requested: the scheme is http or https, the host resolves
only to public addresses (unless the operator allows private ones), and the connection
goes to the very address that was checked (no second DNS lookup an attacker could
answer differently). Time, size and redirects are bounded, and the page is extracted
by the same reader that ``batch`` uses for saved pages, so a fetched article and a
saved one give the same text and offsets.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from narrascope.io.corpus_sources import article_from_html
from narrascope.io.readers import MAX_BYTES, InputError, article_from_text, decode_bytes
from narrascope.schema import Article

SCHEMES = ("http", "https")
USER_AGENT = "narrascope (article analysis; +https://pypi.org/project/narrascope/)"
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 65_536

Resolver = Callable[[str, int], list[str]]
"""Host and port → the IP addresses to try (a seam for tests)."""


@dataclass(frozen=True)
class FetchPolicy:
    """Bounds of one fetch. ``timeout`` covers the whole fetch, redirects included."""

    timeout: float = 15.0
    max_bytes: int = MAX_BYTES
    max_redirects: int = 5
    allow_private: bool = False


@dataclass(frozen=True)
class Page:
    """A fetched response body and what the server said it is."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


def is_url(spec: str) -> bool:
    """Whether an input argument names a web page rather than a file."""
    return spec[:8].lower().startswith(("http://", "https://"))


def fetch_article(
    url: str, policy: FetchPolicy | None = None, *, resolver: Resolver | None = None
) -> Article:
    """The article of the page at ``url``; every failure is an :class:`InputError` naming the URL."""
    page = fetch(url, policy or FetchPolicy(), resolver=resolver)
    if page.content_type in ("text/html", "application/xhtml+xml"):
        article = article_from_html(page.body, id=url, source=url)
        return article if article.url else article.model_copy(update={"url": page.url})
    if page.content_type == "text/plain":
        text = _plain_text(page, url)
        return article_from_text(text, id=url, source=url).model_copy(update={"url": page.url})
    kind = page.content_type or "(none)"
    raise InputError(url, f"unsupported content type {kind}: need an HTML page or text")


def fetch(url: str, policy: FetchPolicy, *, resolver: Resolver | None = None) -> Page:
    """GET ``url`` following at most ``policy.max_redirects`` checked redirects."""
    resolve = resolver or _resolve
    deadline = time.monotonic() + policy.timeout
    current = url
    for _hop in range(policy.max_redirects + 1):
        scheme, host, port, target = _checked_parts(current, url)
        address = _public_address(host, port, policy, resolve, url)
        status, headers, body = _get(scheme, host, port, address, target, policy, deadline, url)
        if status in _REDIRECTS:
            location = headers.get("Location")
            if not location:
                raise InputError(url, f"HTTP {status} redirect without a Location")
            current = urljoin(current, location.strip())
            continue
        if status >= 400:
            raise InputError(url, f"HTTP {status} from {host}")
        if status != 200:
            raise InputError(url, f"HTTP {status} from {host}: expected 200 with the page")
        message = Message()
        message["Content-Type"] = headers.get("Content-Type", "")
        return Page(
            url=current,
            content_type=message.get_content_type() if headers.get("Content-Type") else "",
            charset=message.get_content_charset(),
            body=body,
        )
    raise InputError(url, f"more than {policy.max_redirects} redirects")


def _checked_parts(current: str, original: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(current)
        port = parts.port
    except ValueError as error:
        raise InputError(original, f"invalid URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        where = "" if current == original else f" (redirected to {scheme or 'no'} scheme)"
        raise InputError(original, f"only http and https URLs can be fetched{where}")
    if not parts.hostname:
        raise InputError(original, "URL has no host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), target


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def blocked_reason(address: str) -> str | None:
    """Why ``address`` must not be fetched without the operator's leave (None: it is public)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        return "a private or reserved address"
    if not ip.is_global:
        return "a non-public address"
    return None


def _public_address(host: str, port: int, policy: FetchPolicy, resolve: Resolver, url: str) -> str:
    """The address to connect to; every address the name resolves to must be allowed."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as error:
        raise InputError(url, f"cannot resolve {host}: {getattr(error, 'strerror', None) or error}") from None
    if not addresses:
        raise InputError(url, f"cannot resolve {host}")
    if not policy.allow_private:
        # All of them: a name answering with one public and one private address is refused.
        for address in addresses:
            reason = blocked_reason(address)
            if reason:
                raise InputError(
                    url,
                    f"refused: {host} resolves to {reason} ({address}); "
                    "the operator can allow private addresses",
                )
    return addresses[0]


def _get(
    scheme: str,
    host: str,
    port: int,
    address: str,
    target: str,
    policy: FetchPolicy,
    deadline: float,
    url: str,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = _connection(scheme, host, port, address, _remaining(deadline, url))
    try:
        conn.request(
            "GET",
            target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "gzip, identity",
            },
        )
        response = conn.getresponse()
        if response.status in _REDIRECTS:
            return response.status, response.headers, b""
        body = _read_body(response, policy.max_bytes, deadline, url)
        return response.status, response.headers, body
    except TimeoutError:
        raise InputError(url, f"timed out after {policy.timeout:g} s") from None
    except ssl.SSLError as error:
        raise InputError(url, f"TLS error: {error.reason or error}") from None
    except (OSError, http.client.HTTPException) as error:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise InputError(url, f"fetch failed: {reason}") from None
    finally:
        conn.close()


def _remaining(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise InputError(url, "timed out")
    return left


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked address, with the URL's host in the Host header."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The HTTPS variant: the certificate is checked against the host name, not the address."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def _connection(
    scheme: str, host: str, port: int, address: str, timeout: float
) -> http.client.HTTPConnection:
    if scheme == "https":
        return _PinnedHTTPSConnection(host, port, address, timeout)
    return _PinnedHTTPConnection(host, port, address, timeout)


def _read_body(response: http.client.HTTPResponse, limit: int, deadline: float, url: str) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise InputError(url, f"page too large ({int(declared)} bytes > limit {limit})")
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise InputError(url, f"unsupported content encoding {encoding!r}")
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding != "identity" else None
    chunks: list[bytes] = []
    size = 0
    while True:
        _remaining(deadline, url)
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        if inflate is not None:
            # Bounded: a small gzip bomb must not inflate past the limit in memory.
            chunk = inflate.decompress(chunk, limit + 1 - size)
        size += len(chunk)
        if size > limit:
            raise InputError(url, f"page too large (over the limit of {limit} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def _plain_text(page: Page, url: str) -> str:
    charset = (page.charset or "utf-8").lower()
    if charset in ("utf-8", "utf8", "us-ascii", "ascii"):
        return decode_bytes(page.body, url)
    try:
        text = page.body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise InputError(url, f"text is not valid {charset}") from None
    return decode_bytes(text.encode("utf-8"), url)
