"""In Chromium: find an entry by searching, edit it, look at its history and restore the
earlier text; nothing is lost along the way."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from storage import keyslots
from storage.records import Answer, Client, Reflection, Session
from tests.e2e.harness import Server, go_to, new_journal, open_app, unlock, wait_idle

pytestmark = pytest.mark.browser
PASSPHRASE = "entries test lamp river"
FIRST_TEXT = "The lantern image helped us both slow down."
EDITED_TEXT = "On reflection I hurried the ending."


@pytest.fixture
def practice(server: Server) -> Server:
    journal = new_journal(server.data_dir, PASSPHRASE)
    client = Client(code="C-404")
    session = Session(client.id, date(2026, 5, 11), 3)
    other = Session(client.id, date(2026, 5, 18), 4)
    journal.save_all(
        [
            client,
            session,
            other,
            Reflection(
                session_id=session.id,
                client_id=client.id,
                answers=[Answer("p-1", "What did I notice?", "They arrived early.")],
                free_text=FIRST_TEXT,
            ),
            Reflection(session_id=other.id, client_id=client.id, free_text="A steady session."),
        ]
    )
    journal.lock()
    return server


def test_search_edit_history_and_restore(page: Page, practice: Server) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Entries")
    expect(page.get_by_role("heading", name="Entries")).to_be_visible()

    # search: only the matching entry is listed, the words highlighted
    search = page.get_by_role("textbox", name="Search")
    search.fill("lantern")
    search.press("Enter")
    wait_idle(page)
    expect(page.locator("mark", has_text="lantern")).to_be_visible()
    expect(page.get_by_role("button", name="C-404 · session 4 · 18 May 2026")).to_have_count(0)
    page.get_by_role("button", name="C-404 · session 3 · 11 May 2026").click()
    wait_idle(page)
    expect(page.get_by_text(FIRST_TEXT)).to_be_visible()

    # edit: a new revision is saved
    page.get_by_test_id("stButtonGroup").get_by_text("Edit", exact=True).click()
    wait_idle(page)
    page.get_by_role("textbox", name="Free text").fill(EDITED_TEXT)
    page.get_by_role("button", name="Save changes").click()
    wait_idle(page)
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.get_by_text(EDITED_TEXT)).to_be_visible()
    expect(page.get_by_text(FIRST_TEXT)).to_have_count(0)

    # history: both revisions; choose the first and restore it
    page.get_by_test_id("stButtonGroup").get_by_text("History", exact=True).click()
    wait_idle(page)
    restore = page.get_by_role("button", name="Restore this revision")
    expect(restore).to_be_disabled()
    page.get_by_label("Revision", exact=True).click()
    page.get_by_role("option", name="Revision 1").click()
    wait_idle(page)
    expect(page.get_by_text(FIRST_TEXT)).to_be_visible()
    expect(restore).to_be_enabled()
    restore.click()
    wait_idle(page)
    expect(page.get_by_text("Revision 1 restored as revision 3.")).to_be_visible()
    expect(page.get_by_text(FIRST_TEXT)).to_be_visible()

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    try:
        entry = next(r for r in journal.all(Reflection) if r.answers)
        assert journal.get(entry.id).free_text == FIRST_TEXT
        history = journal.history(entry.id)
        assert [e.revision for e in history] == [1, 2, 3]
        assert history[1].record.free_text == EDITED_TEXT
    finally:
        journal.lock()
