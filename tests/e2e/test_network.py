"""The running server, as `make run` starts it, talks to this computer only: it refuses
a foreign Host header (DNS rebinding) and a WebSocket from a foreign Origin, and makes no
outbound connection or DNS lookup while starting and serving. (That it listens on
127.0.0.1 only is tested in test_unlock_browser.py.)"""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.harness import Server, open_app, start_server, stop_server

pytestmark = pytest.mark.browser

# Loaded by the server's Python at start (PYTHONPATH): logs every connection or name
# lookup that leaves this computer, and says it was loaded so the test knows it ran.
WATCH = """
import os, socket
_LOG = os.environ["NET_WATCH_LOG"]
def _note(line):
    with open(_LOG, "a") as log:
        log.write(line + "\\n")
def _local(host):
    host = str(host)
    return host.startswith("127.") or host in ("::1", "localhost", "") or host.startswith("/")
_connect, _connect_ex, _lookup = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _note(f"connect {address[0]}")
    return _connect(self, address)
def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _note(f"connect {address[0]}")
    return _connect_ex(self, address)
def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _local(host if isinstance(host, str) else host.decode()):
        _note(f"lookup {host}")
    return _lookup(host, *args, **kwargs)
socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo = getaddrinfo
_note(f"watching {os.getpid()}")
"""


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """The app started with the network watch loaded into its Python."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(WATCH)
    log = tmp_path / "network.log"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    running = start_server(data_dir, {"PYTHONPATH": str(hook), "NET_WATCH_LOG": str(log)})
    yield running, log
    stop_server(running)


def request(server: Server, host: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", "/", headers={"Host": host, "Cookie": server.cookie})
        return connection.getresponse().status
    finally:
        connection.close()


def websocket_status(server: Server, origin: str | None, host: str | None = None) -> str:
    """The status line the server answers a WebSocket upgrade with (no Origin when None)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: {host or f'127.0.0.1:{server.port}'}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: streamlit\r\n"
                f"Cookie: {server.cookie}\r\n"
                + (f"Origin: {origin}\r\n" if origin is not None else "")
                + "\r\n"
            ).encode()
        )
        return sock.recv(200).split(b"\r\n")[0].decode()


def response_to(
    server: Server, method: str = "GET", path: str = "/", headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    """The server's response (status and headers read) to one plain HTTP request."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    # the launch's cookie, as the journal's own browser sends it: these tests are about
    # what else is refused (tests/e2e/test_launch_browser.py checks a request without it)
    connection.request(method, path, headers={"Cookie": server.cookie, **(headers or {})})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_a_foreign_host_header_is_refused(server: Server) -> None:
    assert request(server, f"127.0.0.1:{server.port}") == 200
    assert request(server, f"localhost:{server.port}") == 200
    assert request(server, "journal.attacker.example") == 400
    assert request(server, f"192.168.1.20:{server.port}") == 400


def test_a_websocket_from_a_foreign_origin_is_refused(server: Server) -> None:
    assert websocket_status(server, f"http://127.0.0.1:{server.port}").endswith(
        "101 Switching Protocols"
    )
    assert websocket_status(server, f"http://localhost:{server.port}").endswith(
        "101 Switching Protocols"
    )
    assert websocket_status(server, "http://attacker.example").endswith("403 Forbidden")
    assert websocket_status(
        server, f"http://127.0.0.1:{server.port}", host="attacker.example"
    ).endswith("400 Bad Request")


def test_no_outbound_connection_while_starting_and_serving(
    page: Page, watched: tuple[Server, Path]
) -> None:
    server, log = watched
    open_app(page, server)
    expect(page.get_by_role("button", name="Create journal")).to_be_visible()
    lines = log.read_text().splitlines()
    # the watch ran inside the journal's command and the server it started, and saw nothing
    assert len(lines) == 2 and all(line.startswith("watching ") for line in lines), lines


def test_a_websocket_from_another_local_port_or_with_no_origin_is_refused(server: Server) -> None:
    # any page the user opens on another local port (a dev server, a local tool) is not us
    assert websocket_status(server, f"http://127.0.0.1:{server.port + 1}").endswith("403 Forbidden")
    assert websocket_status(server, f"http://localhost:{server.port + 1}").endswith("403 Forbidden")
    assert websocket_status(server, f"https://127.0.0.1:{server.port}").endswith("403 Forbidden")
    assert websocket_status(server, None).endswith("403 Forbidden")
    assert websocket_status(server, "null").endswith("403 Forbidden")


def test_a_request_carrying_a_foreign_origin_is_refused(server: Server) -> None:
    same = response_to(server, headers={"Origin": f"http://127.0.0.1:{server.port}"})
    assert same.status == 200
    for origin in ("http://attacker.example", f"http://127.0.0.1:{server.port + 1}"):
        assert (
            response_to(server, "POST", "/_stcore/upload_file/x/y", {"Origin": origin}).status
            == 403
        )
        assert response_to(server, headers={"Origin": origin}).status == 403


def test_a_foreign_origin_makes_the_server_call_nobody(watched: tuple[Server, Path]) -> None:
    # Streamlit, asked by a foreign Origin, looks up this machine's public address outside
    server, log = watched
    for origin in (
        "http://attacker.example",
        "http://203.0.113.9",
        f"http://10.0.0.2:{server.port}",
    ):
        assert websocket_status(server, origin).endswith("403 Forbidden")
    time.sleep(3)  # a lookup would run in a background thread of the server
    lines = log.read_text().splitlines()
    assert len(lines) == 2 and all(line.startswith("watching ") for line in lines), lines


def test_pages_cannot_be_framed_or_kept_in_the_browser_cache(server: Server) -> None:
    page = response_to(server)
    assert page.status == 200
    assert "frame-ancestors 'none'" in (page.getheader("Content-Security-Policy") or "")
    assert page.getheader("X-Frame-Options") == "DENY"
    assert "no-store" in (page.getheader("Cache-Control") or "")
    health = response_to(server, path="/_stcore/health")
    assert "no-store" in (health.getheader("Cache-Control") or "")


def test_the_server_metrics_are_not_served(server: Server) -> None:
    # Streamlit's metrics list what this server is doing; nobody here needs them
    assert response_to(server, path="/_stcore/metrics").status == 404
    assert response_to(server, path="/_stcore/metrics?x=1").status == 404
