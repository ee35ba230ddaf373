"""The running server, as `make run` starts it, talks to this computer only: it refuses
a foreign Host header (DNS rebinding) and a WebSocket from a foreign Origin, and makes no
outbound connection or DNS lookup while starting and serving. (That it listens on
127.0.0.1 only is tested in test_unlock_browser.py.)"""

from __future__ import annotations

import http.client
import socket
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
_note("watching")
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
        connection.request("GET", "/", headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def websocket_status(server: Server, origin: str, host: str | None = None) -> str:
    """The status line the server answers a WebSocket upgrade with."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: {host or f'127.0.0.1:{server.port}'}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: streamlit\r\n"
                f"Origin: {origin}\r\n\r\n"
            ).encode()
        )
        return sock.recv(200).split(b"\r\n")[0].decode()


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
    assert lines[0] == "watching"  # the watch ran inside the server
    assert lines[1:] == []
