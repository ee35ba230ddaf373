"""serve.py's checks as pure functions and as ASGI middleware, without a running server.
(The running server is attacked in tests/e2e/test_network.py.)"""

from __future__ import annotations

import asyncio
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request

import serve

ROOT = Path(__file__).resolve().parents[1]
SERVER = ("127.0.0.1", 8642)


def _await(coroutine: Any) -> Any:
    """Run a coroutine to its end on a thread of its own (Playwright's browser tests leave
    an event loop running on the main thread of the test process)."""
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def _scope(kind: str = "http", path: str = "/", **headers: str) -> dict[str, Any]:
    return {
        "type": kind,
        "path": path,
        "server": SERVER,
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


def _run(scope: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """What the middleware sends for one request, and whether the app behind it ran."""
    sent: list[dict[str, Any]] = []
    reached = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"page"})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    _await(serve.OwnOrigin(app)(scope, receive, send))
    return sent, bool(reached)


def test_only_this_servers_own_address_is_its_origin() -> None:
    assert serve.own_origins(_scope()) == {"http://127.0.0.1:8642", "http://localhost:8642"}
    assert serve.own_origins({"type": "http", "server": None}) == frozenset()


@pytest.mark.parametrize(
    "origin",
    [None, "null", "http://127.0.0.1:8643", "https://127.0.0.1:8642", "http://evil.example"],
)
def test_a_websocket_not_from_this_server_is_closed_before_streamlit_sees_it(
    origin: str | None,
) -> None:
    scope = _scope("websocket") if origin is None else _scope("websocket", origin=origin)
    sent, reached = _run(scope)
    assert not reached
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_a_websocket_from_this_server_reaches_streamlit() -> None:
    _, reached = _run(_scope("websocket", origin="http://localhost:8642"))
    assert reached


def test_a_request_with_a_foreign_origin_is_refused_in_plain_words() -> None:
    sent, reached = _run(_scope(origin="http://127.0.0.1:9999"))
    assert not reached
    assert sent[0]["status"] == 403
    assert b"Open the journal from its own address" in sent[1]["body"]


def test_a_page_request_without_an_origin_is_served_with_the_safety_headers() -> None:
    sent, reached = _run(_scope())
    headers = dict(sent[0]["headers"])
    assert reached
    assert headers[b"content-security-policy"] == b"frame-ancestors 'none'"
    assert headers[b"x-frame-options"] == b"DENY"
    assert headers[b"cache-control"] == b"no-store"


def test_static_assets_may_be_cached_but_not_framed() -> None:
    headers = dict(_run(_scope(path="/static/js/index.abc123.js"))[0][0]["headers"])
    assert b"cache-control" not in headers
    assert headers[b"x-frame-options"] == b"DENY"


def test_streamlit_metrics_are_not_served() -> None:
    sent, reached = _run(_scope(path="/_stcore/metrics"))
    assert not reached and sent[0]["status"] == 404


def test_the_upload_limit_is_the_one_streamlit_enforces() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == serve.UPLOAD_LIMIT_MB


def test_an_upload_at_the_limit_stays_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    made = []
    original = tempfile.TemporaryFile

    def recording(*args: Any, **kwargs: Any) -> Any:
        made.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryFile", recording)
    content = b"client,score\n" + b"C-001,36\n" * (serve.UPLOAD_LIMIT_MB * 1024 * 1024 // 9)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + content + b"\r\n--b--\r\n"
    )

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def parse() -> bytes:
        scope = _scope(content_type="multipart/form-data; boundary=b")
        form = await Request(scope, receive).form()
        return await form["file"].read()

    assert _await(parse()) == content
    assert made == []  # nothing of the upload was written to a temporary file


def test_every_screens_modules_are_imported_ahead_but_no_screen_is_run() -> None:
    """The server imports what the screens use before their first visit (the Supervision
    screen's modules took 0.9 s); a screen itself draws when imported, so none is."""
    import sys

    names = serve.warm_imports()
    assert {"pages.supervision.share", "pages.entries.listing", "pages.reflect.form"} <= set(names)
    assert not [n for n in names if n.startswith("pages.screens")]
    assert not [n for n in sys.modules if n.startswith("pages.screens.")]
