"""The installed `reflective-journal` command, as a clinician starts it, in Chromium.

The wheel is built and installed into a fresh virtual environment (its dependencies are
the test environment's own pinned ones, reached through a .pth file, so nothing is
downloaded); the command runs from an unrelated folder and "opens the browser" through
`BROWSER`, a script that hands the address to Playwright. Then: the launch address lands
on the unlock screen at a clean address; a browser without the cookie, a raw request and
a raw WebSocket reach nothing; a second start opens the running server; the token is
nowhere but the private lock file; Ctrl+C stops the server and removes the lock.
(`make wheel-check` does the same without a browser on Python 3.12 and 3.13.)
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from reflective_journal import instance_lock, launch_secret
from tests.e2e.harness import free_port, wait_idle
from tools import wheel_check

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
REFUSAL = "Open the journal from the window where you started it"
LAUNCH_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/\?launch=\S+")
# Stands in for the default browser: webbrowser runs `$BROWSER URL`; this writes it down.
RECORDER = """#!{python}
import sys
with open({log!r}, "a") as log:
    log.write(sys.argv[1] + "\\n")
"""


@dataclass
class Launched:
    """A running `reflective-journal` command and what it has printed so far."""

    process: subprocess.Popen
    port: int
    data_dir: Path
    opened: Path
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def opened_urls(self) -> list[str]:
        return self.opened.read_text().split() if self.opened.exists() else []

    def lock(self) -> instance_lock.LockInfo:
        info = instance_lock.read(instance_lock.lock_path(self.data_dir))
        assert info is not None
        return info


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed in a fresh virtual environment: its `reflective-journal`."""
    work = tmp_path_factory.mktemp("installed")
    wheel = wheel_check.build_wheel(work / "dist")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-qq", "--no-deps"]
        + ["--no-index", str(wheel)],
        check=True,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the pinned dependencies of this test run, after the wheel's own packages
    Path(purelib, "test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "reflective-journal"


def _start(command: Path, work: Path, *args: str) -> Launched:
    """The command in a session of its own, from an unrelated folder, output collected."""
    opened = work / "opened.txt"
    recorder = work / "record-url"
    recorder.write_text(RECORDER.format(python=sys.executable, log=str(opened)))
    recorder.chmod(0o700)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env |= {"BROWSER": str(recorder), "PYTHONUNBUFFERED": "1"}
    data_dir = work / "data"
    process = subprocess.Popen(
        [str(command), "--data-dir", str(data_dir), *args],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    launched = Launched(process, 0, data_dir, opened)
    threading.Thread(target=_collect, args=(launched,), daemon=True).start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if any("Keep this window open" in line for line in launched.output):
            launched.port = launched.lock().port
            return launched
        if process.poll() is not None:
            break
        time.sleep(0.2)
    _interrupt(process)
    raise RuntimeError("reflective-journal did not start:\n" + "".join(launched.output))


def _collect(launched: Launched) -> None:
    assert launched.process.stdout is not None
    for line in launched.process.stdout:
        launched.output.append(line)


def _interrupt(process: subprocess.Popen) -> int:
    """Ctrl+C in the command's terminal: SIGINT to its whole process group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


@pytest.fixture(scope="module")
def launched(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launched]:
    """The installed command started as a clinician would: it opens "the browser"."""
    running = _start(installed, tmp_path_factory.mktemp("launch"))
    yield running
    _interrupt(running.process)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser profile of its own: no cookie from another test."""
    made = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    made.set_default_timeout(20_000)
    yield made
    made.close()


def _get(port: int, path: str = "/", cookie: str | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _websocket_status(port: int, cookie: str | None) -> str:
    """The answer to an upgrade to Streamlit's stream, from the server's own Origin."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: streamlit\r\n"
                + (f"Cookie: {cookie}\r\n" if cookie else "")
                + "\r\n"
            ).encode()
        )
        return sock.recv(200).split(b"\r\n")[0].decode()


def test_the_launch_address_opens_the_unlock_screen_at_a_clean_address(
    launched: Launched, context: BrowserContext
) -> None:
    [url] = launched.opened_urls()  # the command opened "the browser" once
    assert url.startswith(f"{launched.url}/?launch=")
    page = context.new_page()
    page.goto(url)
    wait_idle(page)
    expect(page).to_have_url(f"{launched.url}/")
    expect(page.get_by_role("button", name="Create journal")).to_be_visible()
    name = launch_secret.cookie_name(launched.port)
    [cookie] = [c for c in context.cookies() if c["name"] == name]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # with its cookie the page's own WebSocket is let through
    pair = f"{cookie['name']}={cookie['value']}"
    assert _websocket_status(launched.port, pair).endswith("101 Switching Protocols")


def test_a_browser_without_the_cookie_reaches_not_even_the_unlock_screen(
    launched: Launched, context: BrowserContext
) -> None:
    used = launched.opened_urls()[0]
    _get(launched.port, used.removeprefix(launched.url))  # spent, if no other test did
    page = context.new_page()
    for address in (f"{launched.url}/", f"{launched.url}/home", used):
        response = page.goto(address)  # the last: a launch address already used
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", name=REFUSAL)).to_be_visible()
        expect(page.locator("[data-testid='stApp']")).to_have_count(0)
    assert not [c for c in context.cookies() if c["name"].startswith("reflective_journal")]


def test_a_request_and_a_websocket_without_the_cookie_reach_nothing(launched: Launched) -> None:
    assert _get(launched.port, "/_stcore/health") == 200  # says "ok", nothing more
    for path in ("/", "/_stcore/host-config", "/static/index.html"):
        assert _get(launched.port, path) == 403, path
    wrong = f"{launch_secret.cookie_name(launched.port)}=not-the-token"
    assert _get(launched.port, "/", wrong) == 403
    assert _websocket_status(launched.port, None).endswith("403 Forbidden")
    assert _websocket_status(launched.port, wrong).endswith("403 Forbidden")


def test_a_second_start_opens_the_running_server(
    launched: Launched, installed: Path, context: BrowserContext
) -> None:
    second = subprocess.run(
        [str(installed), "--no-browser", "--data-dir", str(launched.data_dir)],
        cwd=launched.data_dir.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"already running (port {launched.port})" in second.stdout
    found = LAUNCH_URL.search(second.stdout)
    assert found is not None and int(found.group(1)) == launched.port
    page = context.new_page()
    page.goto(found.group(0))
    wait_idle(page)
    expect(page).to_have_url(f"{launched.url}/")
    expect(page.get_by_role("button", name="Create journal")).to_be_visible()


def test_the_token_is_only_in_the_private_lock_file(launched: Launched) -> None:
    lock = instance_lock.lock_path(launched.data_dir)
    token = launched.lock().token
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    assert token not in "".join(launched.output)  # the terminal shows launch codes only
    assert not any(token in url for url in launched.opened_urls())
    for pid in _process_tree(launched.process.pid):
        # other users of the computer can list command lines
        assert token not in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    others = [p for p in launched.data_dir.rglob("*") if p != lock and p.is_file()]
    assert not [p for p in others if token in p.read_text(errors="replace")]


def _process_tree(root: int) -> list[int]:
    """`root` and its descendants, read from /proc."""
    tree, added = {root}, True
    while added:
        added = False
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent in tree and int(entry.name) not in tree:
                tree.add(int(entry.name))
                added = True
    assert len(tree) >= 2, "the command and its server"
    return sorted(tree)


def test_ctrl_c_stops_the_server_and_removes_the_lock(installed: Path, tmp_path: Path) -> None:
    port = free_port()
    running = _start(installed, tmp_path, "--no-browser", "--port", str(port))
    assert running.port == port
    assert running.opened_urls() == []  # --no-browser: printed, not opened
    assert any(LAUNCH_URL.search(line) for line in running.output)
    status = _interrupt(running.process)
    assert status in (0, 130), "".join(running.output)
    assert not instance_lock.lock_path(running.data_dir).exists()
    with pytest.raises(OSError):
        _get(port, "/_stcore/health")


def test_a_test_harness_can_hand_its_browser_the_launch_cookie(
    context: BrowserContext, tmp_path: Path
) -> None:
    # what tests/e2e/harness.py can do for every browser test: start the command as
    # `make run` does (python -m reflective_journal from the source folder), read the
    # token from the lock file, and give the browser profile the cookie directly
    port = free_port()
    data_dir = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "reflective_journal", "--no-browser", "--port", str(port)]
        + ["--data-dir", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        info = _wait_for_lock_and_health(data_dir, process)
        context.add_cookies(
            [
                {
                    "name": launch_secret.cookie_name(info.port),
                    "value": info.token,
                    "url": f"http://127.0.0.1:{info.port}",
                    "httpOnly": True,
                    "sameSite": "Strict",
                }
            ]
        )
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{info.port}/home")
        wait_idle(page)
        expect(page.get_by_role("button", name="Create journal")).to_be_visible()
    finally:
        _interrupt(process)
    assert not instance_lock.lock_path(data_dir).exists()


def _wait_for_lock_and_health(data_dir: Path, process: subprocess.Popen) -> instance_lock.LockInfo:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        info = instance_lock.read(instance_lock.lock_path(data_dir))
        if info is not None:
            try:
                if _get(info.port, "/_stcore/health") == 200:
                    return info
            except OSError:
                pass
        time.sleep(0.2)
    raise RuntimeError("python -m reflective_journal did not start")
