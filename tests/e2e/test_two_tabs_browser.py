"""In Chromium, two tabs on one journal edit the same entry at once: the last save wins,
the other's words stay in the history, and each tab then shows the other's saves."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from storage import keyslots
from storage.records import Client, Reflection, Session
from tests.e2e.harness import Server, go_to, new_journal, open_app, unlock, wait_idle

pytestmark = pytest.mark.browser
PASSPHRASE = "two tabs lamp river"
LABEL = "C-606 · session 2 · 4 Jun 2026"


@pytest.fixture
def practice(server: Server) -> Server:
    journal = new_journal(server.data_dir, PASSPHRASE)
    client = Client(code="C-606")
    session = Session(client.id, date(2026, 6, 4), 2)
    journal.save_all(
        [
            client,
            session,
            Reflection(session_id=session.id, client_id=client.id, free_text="As first written."),
        ]
    )
    journal.lock()
    return server


def open_edit(page: Page, server: Server) -> None:
    open_app(page, server)
    unlock(page, PASSPHRASE)
    go_to(page, "Entries")
    page.get_by_role("button", name=LABEL).click()
    wait_idle(page)
    page.get_by_test_id("stButtonGroup").get_by_text("Edit", exact=True).click()
    wait_idle(page)


def save_text(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="Free text").fill(text)
    page.get_by_role("button", name="Save changes").click()
    wait_idle(page)
    expect(page.get_by_text("Changes saved.")).to_be_visible()


def test_two_tabs_edit_one_entry_last_save_wins_and_nothing_is_lost(
    page: Page, practice: Server
) -> None:
    other = page.context.new_page()
    open_edit(page, practice)
    open_edit(other, practice)  # both forms open on revision 1

    save_text(page, "Edited in the first tab.")
    save_text(other, "Edited in the second tab.")

    # the first tab, on its next click, shows the second tab's words as current
    page.get_by_role("button", name="Back to the list").click()
    wait_idle(page)
    page.get_by_role("button", name=LABEL).click()
    wait_idle(page)
    expect(page.get_by_text("Edited in the second tab.")).to_be_visible()
    expect(page.get_by_text("Edited in the first tab.")).to_have_count(0)
    # and its history has all three revisions
    page.get_by_test_id("stButtonGroup").get_by_text("History", exact=True).click()
    wait_idle(page)
    page.get_by_label("Revision", exact=True).click()
    expect(page.get_by_role("option", name="Revision 2")).to_be_visible()
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    try:
        (entry,) = journal.all(Reflection)
        assert entry.free_text == "Edited in the second tab."
        texts = [e.record.free_text for e in journal.history(entry.id)]
        assert texts == [
            "As first written.",
            "Edited in the first tab.",
            "Edited in the second tab.",
        ]
        assert journal.verify().ok
    finally:
        journal.lock()
