"""In Chromium: a journal whose browser tab is closed without pressing Lock is locked by
the server itself about a minute later: its file closed, its key and records dropped,
and nothing of it left on disk in plaintext."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from storage.records import Reflection
from tests.conftest import sweep_for_canary
from tests.e2e.harness import Server, new_journal, open_app, unlock

pytestmark = pytest.mark.browser
PASSPHRASE = "closed tab kettle morning"


def _tree(root: int) -> set[int]:
    """`root` and its descendants: the journal's command and the server it started."""
    tree, added = {root}, True
    while added:
        added = False
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) in tree:
                continue
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent in tree:
                tree.add(int(entry.name))
                added = True
    return tree


def open_files(pid: int, folder: Path) -> list[str]:
    """Open file descriptors of the command's processes that point into `folder`."""
    found = []
    for process in _tree(pid):
        with contextlib.suppress(OSError):  # a process gone while we looked
            for fd in Path(f"/proc/{process}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue  # closed while we looked
                if target.startswith(str(folder)):
                    found.append(target)
    return found


def test_a_closed_tab_is_locked_by_the_server(
    browser: Browser, server: Server, canary: str
) -> None:
    started = time.time()
    journal = new_journal(server.data_dir, PASSPHRASE)
    journal.save(Reflection(free_text=f"what stayed with me {canary}"))
    journal.lock()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_app(page, server)
    unlock(page, PASSPHRASE)
    expect(page.get_by_role("button", name="Lock", exact=True)).to_be_visible()
    assert open_files(server.process.pid, server.data_dir), "the unlocked journal is open"

    context.close()  # the tab goes away without a Lock

    deadline = time.monotonic() + 120
    while open_files(server.process.pid, server.data_dir) and time.monotonic() < deadline:
        time.sleep(2)
    assert open_files(server.process.pid, server.data_dir) == []
    sweep_for_canary(canary, [server.data_dir], started)
