"""Browser tests: the journal's own command (`python -m reflective_journal`, what
`reflective-journal` runs), driven by Playwright in Chromium. The command keeps its
per-launch secret in the data folder's private lock file; the harness reads it there and
hands the browser the cookie a launch address would have set.

Chromium is Debian's (`/usr/bin/chromium`, or `$CHROMIUM_PATH`); Playwright's own browser
download is never used. A missing browser fails the run: browser tests never skip.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from reflective_journal import instance_lock, launch_secret

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SHOT_MAX_HEIGHT = 1800
# assertions wait as long as actions do: a busy CI machine can take seconds per rerun
expect.set_options(timeout=20_000)


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(path).exists():
        pytest.fail(
            f"Chromium not found at {path}: run `make test` (installs Debian's chromium "
            "as root) or set CHROMIUM_PATH. Browser tests never skip.",
            pytrace=False,
        )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """The journal's command serving one data folder on its own port."""

    url: str
    port: int
    data_dir: Path
    process: subprocess.Popen
    token: str = ""

    @property
    def cookie(self) -> str:
        """The Cookie header a browser of this launch sends."""
        return f"{launch_secret.cookie_name(self.port)}={self.token}"


def start_server(data_dir: Path, extra_env: dict[str, str] | None = None) -> Server:
    """Start the journal's command on a free port, as a user does (no browser), and wait
    until its lock file names the server and the server is healthy."""
    port = free_port()
    env = {**os.environ, **(extra_env or {})}
    env.pop("JOURNAL_DEV_WITHOUT_LAUNCH_SECRET", None)  # the real gate, always
    log = (data_dir.parent / f"journal-{port}.log").open("wb")
    command = [sys.executable, "-m", "reflective_journal", "--no-browser"]
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [*command, "--port", str(port), "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its server is its child: stopped together
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the journal's command exited early; see {log.name}")
        info = instance_lock.read(instance_lock.lock_path(data_dir))
        if info is not None and info.port == port:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:  # noqa: S310
                    if response.read() == b"ok":
                        return Server(url, port, data_dir, process, info.token)
            except OSError:
                pass
        time.sleep(0.2)
    _stop(process)
    raise RuntimeError("the journal did not become healthy within 60 s")


def _stop(process: subprocess.Popen) -> None:
    # Ctrl+C, as a user stops it: the command stops its server and removes its lock
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def stop_server(server: Server) -> None:
    _stop(server.process)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The app on a fresh, empty data folder."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    running = start_server(data_dir)
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright for the whole run: its sync API cannot be started twice in a thread."""
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    # a UK practitioner's browser: dates read "4 Jun 2026" (the app follows the locale)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/London"
    )
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    report = getattr(request.node, "call_report", None)
    if report is not None and report.failed:
        # what the browser showed when the test failed, for whoever reads the CI log
        folder = ROOT / "test-artifacts"
        folder.mkdir(exist_ok=True)
        target = folder / f"{request.node.name}.png"
        with contextlib.suppress(Exception):
            opened.screenshot(path=str(target), full_page=True)
            print(f"screenshot of the failure: {target}")
    context.close()


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(150)
    idle = page.locator(APP_IDLE)
    # a run that ends in st.rerun() is idle for a moment before the next run starts,
    # so the app counts as idle only when it still is a little later
    deadline = time.monotonic() + 30
    while True:
        expect(idle).to_be_attached(timeout=30_000)
        page.wait_for_timeout(200)
        if idle.count() or time.monotonic() > deadline:
            return


def open_app(page: Page, server: Server, path: str = "") -> None:
    """Open the journal in `page`'s browser profile, which gets the launch's cookie first
    (what the command's launch address sets in the browser it opens)."""
    name = launch_secret.cookie_name(server.port)
    page.context.add_cookies(
        [
            {
                "name": name,
                "value": server.token,
                "url": server.url,
                "httpOnly": True,
                "sameSite": "Strict",
            }
        ]
    )
    page.goto(f"{server.url}/{path}")
    wait_idle(page)


def form_with(page: Page, button: str):
    """The form whose submit button is labelled `button`."""
    return page.locator("[data-testid='stForm']").filter(
        has=page.get_by_role("button", name=button, exact=True)
    )


def create_journal(page: Page, passphrase: str) -> str:
    """Fill the create form, tick the recovery-key box, continue; returns the recovery key."""
    form = form_with(page, "Create journal")
    form.get_by_label("Passphrase", exact=True).fill(passphrase)
    form.get_by_label("Confirm passphrase").fill(passphrase)
    form.get_by_role("button", name="Create journal").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Recovery key")).to_be_visible()
    recovery_key = page.locator("code").first.inner_text()
    continue_button = page.get_by_role("button", name="Continue")
    expect(continue_button).to_be_disabled()
    page.get_by_text("I have stored my recovery key").click()
    wait_idle(page)
    continue_button.click()
    wait_idle(page)
    return recovery_key


def unlock(page: Page, passphrase: str) -> None:
    """Type the passphrase into the unlock form and submit it."""
    form = form_with(page, "Unlock")
    form.get_by_label("Passphrase").fill(passphrase)
    form.get_by_role("button", name="Unlock", exact=True).click()
    wait_idle(page)


def go_to(page: Page, title: str) -> None:
    """Click a page of the top navigation and wait for it to render."""
    page.get_by_role("link", name=title, exact=True).click()
    # the address changes first: only then is what follows on the new page, not the old
    slug = title.lower().replace(" ", "_")
    expect(page).to_have_url(re.compile(rf"/{slug}(\?.*)?$"))
    expect(page.get_by_role("heading", name=title, level=1, exact=True)).to_be_visible()
    wait_idle(page)


def score_rows(page: Page):
    """The screen's score rows (pages.ui.widgets.score): one radio group each, in order."""
    return page.locator("[class*='st-key-score_'] [role='radiogroup']")


def choose_scores(page: Page, scores: tuple[int, ...], first_row: int = 0) -> None:
    """Choose `scores` in the score rows from `first_row` on with the keyboard, as a keyboard
    user would (focus the row, arrow keys to the score, Space), and wait until each shows."""
    rows = score_rows(page)
    for index, score in enumerate(scores):
        row = rows.nth(first_row + index)
        chosen = row.get_by_role("radio", name=str(score), exact=True)
        # outside a form a choice reruns the page: keys pressed while it redraws can be
        # lost, so check and press again
        for _ in range(5):
            wait_idle(page)
            if chosen.is_checked():
                break
            lowest = row.get_by_role("radio").first
            lowest.focus()
            for _ in range(score - int(lowest.inner_text())):
                page.keyboard.press("ArrowRight")
            page.keyboard.press("Space")
            page.wait_for_timeout(300)
        expect(chosen).to_be_checked()
        wait_idle(page)


def new_journal(data_dir: Path, passphrase: str, name: str = "practice"):
    """An unlocked journal in the server's data folder (KDF at the floor, never lower)."""
    import os

    from storage import crypto, keyslots

    params = crypto.KdfParams(salt=os.urandom(16), memory_kib=65536, iterations=3, lanes=4)
    journal, _ = keyslots.create(data_dir / f"{name}.journal", passphrase, params)
    return journal


def shot(page: Page, name: str, tmp_path: Path) -> None:
    """A full-page screenshot: into docs/ for `make screenshots`, else the test's folder."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls inside its main block, so a full-page shot needs a taller window
    size = page.viewport_size or {"width": 1280, "height": 900}
    content = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]')?.scrollHeight ?? 0"
    )
    height = min(max(size["height"], content + 60), SHOT_MAX_HEIGHT)
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(600)  # charts lay themselves out again
    page.screenshot(path=str(folder / f"{name}.png"))
    page.set_viewport_size(size)
    wait_idle(page)
