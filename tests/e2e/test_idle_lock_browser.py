"""In Chromium: a screen left alone locks itself (the watchdog fragment), with a notice."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from storage.records import Settings
from tests.e2e.harness import Server, new_journal, open_app, unlock

pytestmark = pytest.mark.browser
PASSPHRASE = "idle test lamp river"


def test_an_idle_screen_locks_itself_within_the_watchdog_interval(
    page: Page, server: Server
) -> None:
    journal = new_journal(server.data_dir, PASSPHRASE)
    journal.save_settings(Settings(idle_minutes=1))
    journal.lock()

    open_app(page, server)
    unlock(page, PASSPHRASE)
    expect(page.get_by_role("button", name="Lock", exact=True)).to_be_visible()
    expect(page.get_by_text("Locks itself after 1 idle minute.")).to_be_visible()

    # nobody touches the page: the watchdog must lock it after 60 s (+ one 10 s tick)
    expect(page.get_by_role("button", name="Unlock", exact=True)).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Locked after 1 idle minute.")).to_be_visible()
    expect(page.get_by_role("button", name="Lock", exact=True)).to_have_count(0)
