"""The guard in front of every request: allowed hosts, same origin, token, body size, headers.

One ASGI middleware so each rule is applied in a fixed order before any route runs:
1. the Host header must be one this server answers to (DNS-rebinding guard);
2. a state-changing request that names an ``Origin`` must come from this server's pages
   (cross-site form posts to 127.0.0.1 are refused);
3. with a token configured, a request needs ``Authorization: Bearer <token>`` or the
   session cookie set by ``/login`` (pages redirect there, the API answers 401);
4. a body larger than the upload limit is refused with 413, whether it announces its
   length or streams it;
5. every response gets a strict Content-Security-Policy and related headers.
``/healthz`` and ``/static`` are open so probes and the login page work without a token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from narrascope.server.config import ServerConfig

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "narrascope_session"
OPEN_PATHS = ("/healthz", "/login", "/static/")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Scripts and styles only from this server; no inline script, no frames, no plugins.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# Swagger UI sets style attributes from its own script; scripts stay 'self' only.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class Secrets:
    """Values derived from a per-process key: the session cookie and the CSRF form token."""

    def __init__(self, key: bytes, token: str | None) -> None:
        self._key = key
        self.token = token

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    @property
    def session(self) -> str:
        return self._mac("session:" + (self.token or ""))

    @property
    def csrf(self) -> str:
        return self._mac("csrf")

    def check_token(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def check_csrf(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.csrf.encode())


class Guard:
    """The middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, config: ServerConfig, secrets: Secrets) -> None:
        self.app = app
        self.config = config
        self.secrets = secrets
        self.hosts = {h.lower() for h in config.allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await refusal(send, scope["path"])
            return
        await self._forward(scope, receive, _with_headers(send, scope["path"]))

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> _Responder | None:
        host = _host_name(headers.get("host", ""))
        if "*" not in self.hosts and host not in self.hosts:
            return _Responder(400, "unknown Host header")
        if scope["method"] in UNSAFE_METHODS and not _same_origin(headers):
            return _Responder(403, "cross-origin request refused")
        if self.secrets.token and not _is_open(scope["path"]) and not self._authorised(headers):
            if _is_api(scope["path"]):
                return _Responder(401, "missing or wrong bearer token", {"www-authenticate": "Bearer"})
            return _Responder(303, "log in first", {"location": "/login"})
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.config.max_upload:
            return _Responder(413, f"request body over the limit of {self.config.max_upload} bytes")
        return None

    def _authorised(self, headers: dict[str, str]) -> bool:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self.secrets.check_token(given.strip()):
            return True
        cookie = _cookies(headers.get("cookie", "")).get(SESSION_COOKIE, "")
        return hmac.compare_digest(cookie.encode(), self.secrets.session.encode())

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; a body without a declared length is read first, up to the limit.

        Why buffer: an exception raised from ``receive`` mid-body is caught by FastAPI's
        body parsing and turned into a 400, so the limit must be decided before the app
        runs. Chunked bodies are rare (browsers and curl send a length) and capped anyway.
        """
        if scope["method"] not in UNSAFE_METHODS or "content-length" in _headers(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.config.max_upload:
                await _Responder(413, f"request body over the limit of {self.config.max_upload} bytes")(
                    send, scope["path"]
                )
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class _Responder:
    """A plain refusal: JSON ``{"detail": ...}`` like FastAPI's own errors."""

    def __init__(self, status: int, detail: str, extra: dict[str, str] | None = None) -> None:
        self.status, self.detail, self.extra = status, detail, extra or {}

    async def __call__(self, send: Send, path: str) -> None:
        body = json.dumps({"detail": self.detail}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *((k.encode(), v.encode()) for k, v in self.extra.items()),
        ]
        await _with_headers(send, path)(
            {"type": "http.response.start", "status": self.status, "headers": headers}
        )
        await send({"type": "http.response.body", "body": body})


def _with_headers(send: Send, path: str) -> Send:
    csp = DOCS_CSP if path == "/docs" else CSP

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers += [
                (b"content-security-policy", csp.encode()),
                (b"x-content-type-options", b"nosniff"),
                # Not 'no-referrer': with it Chromium sends 'Origin: null' on our own form posts.
                (b"referrer-policy", b"same-origin"),
                (b"x-frame-options", b"DENY"),
                (b"cross-origin-opener-policy", b"same-origin"),
            ]
            message["headers"] = headers
        await send(message)

    return wrapped


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _host_name(host: str) -> str:
    """``Host`` without its port; IPv6 keeps its brackets (``[::1]``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if ":" in host else host


def _same_origin(headers: dict[str, str]) -> bool:
    """True when there is no ``Origin`` (non-browser clients) or it names this server."""
    origin = headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


def _cookies(header: str) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in header.split(";"))
    return {name: value for name, _, value in pairs if name}


def _is_open(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in OPEN_PATHS)


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path in ("/openapi.json", "/docs")
