"""The server `reflective-journal` (and `make run`) starts: the journal app behind checks
Streamlit does not make.

- Streamlit's `server.allowedHosts` guards only its WebSocket, so a page fetched under a
  foreign Host name (DNS rebinding) would still be served: Starlette's
  TrustedHostMiddleware refuses any request whose Host is not this computer.
- Streamlit accepts a WebSocket with no Origin or from any other local port, and a
  foreign Origin makes it look up this machine's public address from an outside service.
  `OwnOrigin` refuses, before Streamlit sees it, a WebSocket whose Origin is not exactly
  this server's, and any request carrying another Origin; Streamlit's metrics are not
  served at all.
- Uploads stay in memory, never in a temporary file.
- Every response forbids framing by another site; pages are never kept in the browser's
  cache (back/forward included), where decrypted text could outlive a lock.
- `LaunchSecret` lets through only the browser the `reflective-journal` command opened
  (reflective_journal/launch_secret.py): every other request and WebSocket, from another
  browser profile or another user of the computer, reaches nothing, not even the unlock
  screen. A server started without a token refuses everything unless
  `JOURNAL_DEV_WITHOUT_LAUNCH_SECRET=1` says it is a developer's.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.formparsers import MultiPartParser
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from reflective_journal import launch_secret

LOCAL_HOSTS = ["localhost", "127.0.0.1"]
# server.maxUploadSize in .streamlit/config.toml: a year of CSV feedback or a large
# supervision bundle is well under it. Starlette spools an upload over 1 MB to a
# temporary file on disk, in plaintext: uploads, bounded by this limit, stay in memory.
UPLOAD_LIMIT_MB = 10
MultiPartParser.spool_max_size = (UPLOAD_LIMIT_MB + 1) * 1024 * 1024
# Streamlit's own JavaScript and fonts: content-hashed names, no journal data in them.
CACHEABLE_PREFIX = "/static/"
REFUSED = b"This page is not the journal. Open the journal from its own address."
# Streamlit's own counters of what the server is doing: no one here needs them served.
UNSERVED_PATHS = frozenset({"/_stcore/metrics"})
# Answers "ok" and nothing else: the command and the tests wait on it before a cookie exists.
HEALTH_PATH = "/_stcore/health"
NOT_LAUNCHED = (
    b"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    b"<title>Reflective Practice Journal</title><style>body{font-family:system-ui,sans-serif;"
    b"max-width:38em;margin:3em auto;padding:0 1em;line-height:1.5}</style></head><body>"
    b"<h1>Open the journal from the window where you started it</h1>"
    b"<p>This journal opens only in the browser window that its own command opened. "
    b"Run <code>reflective-journal</code> again: it opens the journal that is already "
    b"running.</p></body></html>"
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def own_origins(scope: Scope) -> frozenset[str]:
    """The only origins a page of this server can have: its scheme, a local name, its port."""
    server = scope.get("server")
    if not server or server[1] is None:
        return frozenset()
    return frozenset(f"http://{host}:{server[1]}" for host in LOCAL_HOSTS)


def header(scope: Scope, name: bytes) -> str | None:
    """One request header's value, or None when it is absent."""
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def response_headers(path: str) -> list[tuple[bytes, bytes]]:
    """Headers every response carries: no framing, and no caching outside static assets."""
    headers = [
        (b"content-security-policy", b"frame-ancestors 'none'"),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]
    if not path.startswith(CACHEABLE_PREFIX):
        headers.append((b"cache-control", b"no-store"))
    return headers


class OwnOrigin:
    """Refuses requests from pages that are not this app, and adds the safety headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        origin = header(scope, b"origin")
        allowed = own_origins(scope)
        if scope["type"] == "websocket":
            # closing before accepting answers the upgrade with 403 Forbidden
            if origin not in allowed:
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if origin is not None and origin not in allowed:
            await self._refuse(send, 403, REFUSED)
            return
        if scope.get("path", "").rstrip("/") in UNSERVED_PATHS:
            await self._refuse(send, 404, b"Not found.")
            return
        await self.app(scope, receive, self._with_headers(send, scope.get("path", "")))

    @staticmethod
    async def _refuse(send: Send, status: int, text: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")] + response_headers(""),
            }
        )
        await send({"type": "http.response.body", "body": text})

    @staticmethod
    def _with_headers(send: Send, path: str) -> Send:
        extra = response_headers(path)
        names = {name for name, _ in extra}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + extra
            await send(message)

        return sending


def cookie_value(scope: Scope, name: str) -> str | None:
    """The value of one cookie the request carries, or None."""
    for cookie_header in (v for k, v in scope.get("headers", ()) if k.lower() == b"cookie"):
        for pair in cookie_header.decode("latin-1").split(";"):
            key, _, value = pair.strip().partition("=")
            if key == name:
                return value
    return None


class LaunchSecret:
    """Refuses every request and WebSocket without this launch's cookie; a launch address
    (a fresh launch code) sets the cookie and redirects to the same address without it."""

    def __init__(self, app: ASGIApp, token: str | None = None, open_to_all: bool = False) -> None:
        self.app = app
        self.token = token if token is not None else os.environ.get(launch_secret.ENV_LAUNCH_TOKEN)
        # a deliberate developer's choice, never a default: no token means refuse everything
        self.open_to_all = open_to_all or os.environ.get(launch_secret.ENV_WITHOUT_SECRET) == "1"
        self.codes = launch_secret.LaunchCodes(self.token) if self.token else None
        if not self.token and not self.open_to_all:
            print(
                "No launch secret: this server refuses every request. Start the journal "
                f"with `reflective-journal`, or set {launch_secret.ENV_WITHOUT_SECRET}=1 "
                "for development.",
                file=sys.stderr,
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket") or self.open_to_all:
            await self.app(scope, receive, send)
            return
        if kind == "http" and scope.get("path") == HEALTH_PATH:
            await self.app(scope, receive, send)
            return
        name = self._cookie_name(scope)
        given = cookie_value(scope, name) if name else None
        known = bool(self.token and given and launch_secret.same_secret(given, self.token))
        if kind == "websocket":
            if known:
                await self.app(scope, receive, send)
            else:  # closing before accepting answers the upgrade with 403 Forbidden
                await send({"type": "websocket.close", "code": 1008})
            return
        query = scope.get("query_string", b"").decode("latin-1")
        code = launch_secret.code_in(query)
        if code is None and known:
            await self.app(scope, receive, send)
            return
        # the code is spent even when the cookie is already there: no address opens twice
        if code is not None and name and self.codes and (self.codes.accept(code) or known):
            location = launch_secret.clean_location(scope.get("path", "/"), query)
            await self._redirect(send, location, f"{name}={self.token}")
            return
        await self._refuse(send)

    @staticmethod
    def _cookie_name(scope: Scope) -> str | None:
        """This server's cookie name (it holds the port), or None when the port is unknown."""
        server = scope.get("server")
        if not server or server[1] is None:
            return None
        return launch_secret.cookie_name(server[1])

    @staticmethod
    async def _redirect(send: Send, location: str, cookie: str) -> None:
        headers = [
            (b"location", location.encode("latin-1")),
            (b"set-cookie", f"{cookie}; Path=/; HttpOnly; SameSite=Strict".encode("latin-1")),
            (b"content-type", b"text/plain; charset=utf-8"),
        ]
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": headers + response_headers(""),
            }
        )
        await send({"type": "http.response.body", "body": b"Opening the journal."})

    @staticmethod
    async def _refuse(send: Send) -> None:
        headers = [(b"content-type", b"text/html; charset=utf-8")] + response_headers("")
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": NOT_LAUNCHED})


def warm_imports(root: Path = Path(__file__).parent) -> list[str]:
    """Import the modules behind every screen (pages/, but not the screens themselves,
    which draw when imported), so no first visit waits for them: Supervision's alone
    took 0.9 s (PDF fonts, de-identification lists). Code only, never journal data.
    Returns the modules imported."""
    names = sorted(
        ".".join(path.relative_to(root).with_suffix("").parts)
        for path in (root / "pages").rglob("*.py")
        if "screens" not in path.parts and path.name != "__init__.py"
    )
    for name in names:
        importlib.import_module(name)
    return names


# in the background: the unlock screen is served at once, the rest arrives meanwhile
threading.Thread(target=warm_imports, name="warm-imports", daemon=True).start()

app = st.App(
    "journal_app.py",
    middleware=[
        Middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_HOSTS),
        Middleware(OwnOrigin),
        Middleware(LaunchSecret),
    ],
)
