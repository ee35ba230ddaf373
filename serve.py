"""The server `make run` starts: the journal app behind checks Streamlit does not make.

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
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import streamlit as st
from starlette.formparsers import MultiPartParser
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

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


app = st.App(
    "journal_app.py",
    middleware=[
        Middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_HOSTS),
        Middleware(OwnOrigin),
    ],
)
