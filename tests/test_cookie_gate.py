"""serve.LaunchSecret, the per-launch secret's gate, as ASGI middleware without a server;
and the launch codes of reflective_journal/launch_secret.py it checks.
(The running, installed command is checked in tests/e2e/test_launch_browser.py.)"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import serve
from reflective_journal import launch_secret

ROOT = Path(__file__).resolve().parents[1]
PORT = 8642
TOKEN = launch_secret.new_token()
COOKIE = f"{launch_secret.cookie_name(PORT)}={TOKEN}"


def _await(coroutine: Any) -> Any:
    """Run a coroutine on a thread of its own (browser tests may hold the main loop)."""
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def _scope(kind: str = "http", path: str = "/", query: str = "", **headers: str) -> dict:
    return {
        "type": kind,
        "path": path,
        "query_string": query.encode(),
        "server": ("127.0.0.1", PORT),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


def _run(gate: serve.LaunchSecret, scope: dict) -> tuple[list[dict], bool]:
    """What the gate sends for one request, and whether the app behind it ran."""
    sent: list[dict] = []
    reached: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"page"})

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    gate.app = app
    _await(gate(scope, receive, send))
    return sent, bool(reached)


def _gate(token: str | None = TOKEN, open_to_all: bool = False) -> serve.LaunchSecret:
    async def nothing(scope: Any, receive: Any, send: Any) -> None:
        return None

    return serve.LaunchSecret(nothing, token=token, open_to_all=open_to_all)


def _headers(message: dict) -> dict[bytes, bytes]:
    return dict(message["headers"])


def _assert_refused_page(sent: list[dict]) -> None:
    assert sent[0]["status"] == 403
    assert b"Open the journal from the window where you started it" in sent[1]["body"]
    assert b"set-cookie" not in _headers(sent[0])


@pytest.mark.parametrize("path", ["/", "/reflect", "/static/js/main.js", "/_stcore/host-config"])
def test_a_request_without_the_cookie_reaches_nothing(path: str) -> None:
    sent, reached = _run(_gate(), _scope(path=path))
    assert not reached
    _assert_refused_page(sent)


def test_a_websocket_without_the_cookie_is_closed_before_streamlit_sees_it() -> None:
    sent, reached = _run(_gate(), _scope("websocket", "/_stcore/stream"))
    assert not reached
    assert sent == [{"type": "websocket.close", "code": 1008}]


@pytest.mark.parametrize(
    "cookie",
    [
        f"{launch_secret.cookie_name(PORT)}=wrong",
        f"{launch_secret.cookie_name(PORT)}=",
        f"{launch_secret.cookie_name(PORT + 1)}={TOKEN}",  # another server's cookie name
        f"other={TOKEN}",
    ],
)
def test_a_wrong_cookie_reaches_nothing(cookie: str) -> None:
    assert not _run(_gate(), _scope(cookie=cookie))[1]
    assert not _run(_gate(), _scope("websocket", "/_stcore/stream", cookie=cookie))[1]


def test_the_right_cookie_passes_for_requests_and_the_websocket() -> None:
    _, reached = _run(_gate(), _scope(path="/reflect", cookie=f"_streamlit_xsrf=x; {COOKIE}"))
    assert reached
    assert _run(_gate(), _scope("websocket", "/_stcore/stream", cookie=COOKIE))[1]


def test_health_answers_without_the_cookie_and_is_the_only_path_that_does() -> None:
    assert _run(_gate(), _scope(path="/_stcore/health"))[1]
    assert not _run(_gate(), _scope(path="/_stcore/health/"))[1]
    assert not _run(_gate(), _scope("websocket", "/_stcore/health"))[1]


def test_a_launch_address_sets_the_cookie_and_redirects_to_the_clean_address() -> None:
    code = launch_secret.launch_code(TOKEN)
    sent, reached = _run(_gate(), _scope(query=f"{launch_secret.CODE_PARAM}={code}"))
    assert not reached
    headers = _headers(sent[0])
    assert sent[0]["status"] == 303
    assert headers[b"location"] == b"/"
    cookie = headers[b"set-cookie"].decode()
    assert cookie.startswith(f"{COOKIE};")
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {p.strip() for p in cookie.split(";")}
    assert headers[b"cache-control"] == b"no-store"  # the launch address is never cached


def test_the_redirect_keeps_the_path_and_other_query_parameters() -> None:
    code = launch_secret.launch_code(TOKEN)
    query = f"embed=true&{launch_secret.CODE_PARAM}={code}"
    sent, _ = _run(_gate(), _scope(path="/reflect", query=query))
    assert _headers(sent[0])[b"location"] == b"/reflect?embed=true"


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example", "///evil.example"])
def test_the_redirect_never_leaves_this_server(path: str) -> None:
    code = launch_secret.launch_code(TOKEN)
    sent, _ = _run(_gate(), _scope(path=path, query=f"launch={code}"))
    location = _headers(sent[0])[b"location"].decode()
    assert location.startswith("/") and not location.startswith(("//", "/\\"))


def test_a_launch_address_works_once() -> None:
    gate = _gate()
    query = f"launch={launch_secret.launch_code(TOKEN)}"
    assert _run(gate, _scope(query=query))[0][0]["status"] == 303
    sent, reached = _run(gate, _scope(query=query))
    assert not reached
    _assert_refused_page(sent)


def test_a_used_launch_address_only_tidies_the_address_for_the_browser_that_has_the_cookie() -> (
    None
):
    gate = _gate()
    query = f"launch={launch_secret.launch_code(TOKEN)}"
    _run(gate, _scope(query=query))
    sent, reached = _run(gate, _scope(query=query, cookie=COOKIE))
    assert not reached
    assert sent[0]["status"] == 303 and _headers(sent[0])[b"location"] == b"/"


@pytest.mark.parametrize(
    "code",
    [
        "",
        TOKEN,  # the token itself is never a launch code
        launch_secret.launch_code("another launch's token"),
        launch_secret.launch_code(TOKEN, now=1_000_000),  # long expired
        launch_secret.launch_code(TOKEN)[:-1] + "0",
        "1.2.3",
    ],
)
def test_a_wrong_or_expired_launch_address_is_refused(code: str) -> None:
    sent, reached = _run(_gate(), _scope(query=f"launch={code}"))
    assert not reached
    _assert_refused_page(sent)


def test_a_server_without_a_token_refuses_everything_but_health() -> None:
    gate = _gate(token="")
    assert not _run(gate, _scope())[1]
    assert not _run(gate, _scope(cookie=f"{launch_secret.cookie_name(PORT)}="))[1]
    assert not _run(gate, _scope(query="launch=1.2.3"))[1]
    assert not _run(gate, _scope("websocket", "/_stcore/stream"))[1]
    assert _run(gate, _scope(path="/_stcore/health"))[1]


def test_the_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(launch_secret.ENV_LAUNCH_TOKEN, TOKEN)
    monkeypatch.delenv(launch_secret.ENV_WITHOUT_SECRET, raising=False)
    gate = serve.LaunchSecret(_gate().app)
    assert _run(gate, _scope(cookie=COOKIE))[1]
    assert not _run(gate, _scope())[1]


def test_only_the_explicit_developer_setting_opens_a_server_without_a_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(launch_secret.ENV_LAUNCH_TOKEN, raising=False)
    for value in ("0", "true", "yes", ""):
        monkeypatch.setenv(launch_secret.ENV_WITHOUT_SECRET, value)
        assert not _run(serve.LaunchSecret(_gate().app), _scope())[1], value
    monkeypatch.setenv(launch_secret.ENV_WITHOUT_SECRET, "1")
    assert _run(serve.LaunchSecret(_gate().app), _scope())[1]


def test_lifespan_messages_pass_through() -> None:
    assert _run(_gate(), {"type": "lifespan"})[1]


def test_the_gate_sits_inside_the_origin_check_so_refusals_carry_the_safety_headers() -> None:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    _await(serve.OwnOrigin(_gate())(_scope(), receive, send))
    headers = _headers(sent[0])
    assert sent[0]["status"] == 403
    assert headers[b"x-frame-options"] == b"DENY"
    assert headers[b"cache-control"] == b"no-store"
    # and serve.app lists them in that order (the first listed is the outermost)
    listed = re.findall(r"Middleware\((\w+)", (ROOT / "serve.py").read_text().split("st.App(")[1])
    assert listed.index("OwnOrigin") < listed.index("LaunchSecret")


def test_launch_codes_expire_and_are_spent() -> None:
    codes = launch_secret.LaunchCodes(TOKEN)
    fresh = launch_secret.launch_code(TOKEN, now=10_000)
    assert not codes.accept(fresh, now=10_000 + launch_secret.CODE_SECONDS + 1)
    assert codes.accept(fresh, now=10_000 + 5)
    assert not codes.accept(fresh, now=10_000 + 6)


def test_launch_addresses_hold_a_code_never_the_token() -> None:
    url = launch_secret.launch_url(PORT, TOKEN)
    assert url.startswith(f"http://127.0.0.1:{PORT}/?launch=")
    assert TOKEN not in url
    assert launch_secret.code_in(url.split("?", 1)[1]) is not None
