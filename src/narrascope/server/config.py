"""How one server runs: store, address, token and limits, checked before anything starts."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

TOKEN_ENV = "NARRASCOPE_TOKEN"
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024
"""Largest request body accepted (an upload or a JSON article), in bytes."""

MIN_TOKEN = 16
"""Shortest token accepted: a bearer token is a password that scripts keep, so it can be long."""

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


class ConfigError(ValueError):
    """A server configuration that must not start (e.g. a public address without a token)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host.strip("[]") in ("localhost", *LOOPBACK_NAMES):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


@dataclass(frozen=True)
class ServerConfig:
    """Settings of one server. ``token`` None means no authentication (loopback only)."""

    store: Path
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    # Host headers accepted besides the loopback names and ``host``: a guard against DNS
    # rebinding, where a web page makes the browser talk to 127.0.0.1 under its own name.
    extra_hosts: tuple[str, ...] = field(default=())
    # Whether "analyse a URL" may reach loopback/private addresses: off, so a page or a
    # user cannot make the server probe its own network (SSRF).
    allow_private_urls: bool = False
    fetch_timeout: float = 15.0

    def __post_init__(self) -> None:
        if self.token is not None and len(self.token) < MIN_TOKEN:
            raise ConfigError(
                f"the token must have at least {MIN_TOKEN} characters (e.g. from 'openssl rand -hex 16')"
            )
        if not is_loopback(self.host) and not self.token:
            raise ConfigError(
                f"binding {self.host} exposes the workspace to the network: give --token or set {TOKEN_ENV}"
            )
        if self.max_upload < 1:
            raise ConfigError("the upload limit must be positive")

    @property
    def allowed_hosts(self) -> list[str]:
        if not is_loopback(self.host):
            return ["*"]  # any name may reach a public address; the token guards it
        return sorted({*LOOPBACK_NAMES, self.host, *self.extra_hosts})

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"http://{host}:{self.port}/"


def token_from_env(explicit: str | None) -> str | None:
    """``--token`` if given, else ``NARRASCOPE_TOKEN`` if set and non-empty."""
    return explicit or os.environ.get(TOKEN_ENV) or None
