"""In Chromium: nothing typed on Reflect is lost (SECURITY.md test 24). Text and step state
survive a visit to every other page, a lock and unlock, and a server restart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from storage import keyslots
from storage.records import Client, Reflection, Session
from tests.e2e.harness import (
    Server,
    choose_scores,
    go_to,
    new_journal,
    open_app,
    score_rows,
    start_server,
    stop_server,
    unlock,
    wait_idle,
)

pytestmark = pytest.mark.browser
PASSPHRASE = "nothing lost test quay"
OTHER_PAGES = ("Client feedback", "Entries", "Clients", "Trends", "Supervision", "Settings")
FREE = "Free reflection (not about one session)"
FREE_WRITING = "Anything else (free writing)"


@pytest.fixture
def practice(server: Server) -> Server:
    journal = new_journal(server.data_dir, PASSPHRASE)
    journal.lock()
    return server


def _visit_every_other_page(page: Page) -> None:
    # Home's heading is the journal's name, so it is reached by its address instead
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name="practice", level=1)).to_be_visible()
    wait_idle(page)
    for title in OTHER_PAGES:
        go_to(page, title)
    go_to(page, "Reflect")


def _back_to_reflect(page: Page) -> None:
    """Open Reflect after an unlock; a draft offered back is resumed."""
    go_to(page, "Reflect")
    resume = page.get_by_role("button", name="Resume draft")
    if resume.count():
        resume.click()
        wait_idle(page)


def _survives_switch_lock_and_restart(
    page: Page, practice: Server, check: Callable[[Page], None]
) -> None:
    """`check` holds after every other page, after a lock and unlock, after a restart."""
    _visit_every_other_page(page)
    check(page)

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    unlock(page, PASSPHRASE)
    _back_to_reflect(page)
    check(page)

    stop_server(practice)
    restarted = start_server(practice.data_dir)
    try:
        open_app(page, restarted)
        unlock(page, PASSPHRASE)
        _back_to_reflect(page)
        check(page)
    finally:
        stop_server(restarted)


def test_free_reflection_survives_pages_lock_and_restart(page: Page, practice: Server) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    page.get_by_text(FREE).click()
    wait_idle(page)
    writing = page.get_by_role("textbox", name=FREE_WRITING)
    writing.fill("What stays with me after today's sessions.")
    writing.press("Tab")
    wait_idle(page)

    def check(page: Page) -> None:
        expect(page.get_by_label(FREE)).to_be_checked()
        expect(page.get_by_role("textbox", name=FREE_WRITING)).to_have_value(
            "What stays with me after today's sessions."
        )

    _survives_switch_lock_and_restart(page, practice, check)


def test_session_flow_survives_pages_lock_and_restart(page: Page, practice: Server) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name="New client…").click()
    wait_idle(page)
    page.get_by_label("Client code").fill("C-301")
    page.get_by_label("Client code").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Add client").click()
    wait_idle(page)
    choose_scores(page, (7, 3, 8, 2))
    page.get_by_role("button", name="Save my read").click()
    wait_idle(page)
    prompts = page.locator("[data-testid='stMain'] strong").all_inner_texts()
    answer = page.locator("[data-testid='stTextArea'] textarea:visible").first
    answer.fill("She went quiet when I mentioned the holiday.")
    answer.press("Tab")
    wait_idle(page)

    def check(page: Page) -> None:
        expect(page.get_by_text("Your read of session 1 is saved: 20 of 40.")).to_be_visible()
        expect(score_rows(page).first.get_by_role("radio", name="7", exact=True)).to_be_checked()
        expect(page.get_by_text("3. Client feedback")).to_be_visible()
        expect(page.get_by_role("combobox", name="Client")).to_have_value("C-301")
        expect(page.locator("[data-testid='stTextArea'] textarea:visible").first).to_have_value(
            "She went quiet when I mentioned the holiday."
        )
        assert page.locator("[data-testid='stMain'] strong").all_inner_texts() == prompts

    _survives_switch_lock_and_restart(page, practice, check)


def test_an_unanswered_score_stays_unanswered_over_pages_lock_and_restart(
    page: Page, practice: Server
) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name="New client…").click()
    wait_idle(page)
    page.get_by_label("Client code").fill("C-302")
    page.get_by_label("Client code").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Add client").click()
    wait_idle(page)
    choose_scores(page, (2,), first_row=1)  # Goals only

    def check(page: Page) -> None:
        rows = score_rows(page)
        expect(rows).to_have_count(5)  # four items and presence
        expect(rows.nth(1).get_by_role("radio", name="2", exact=True)).to_be_checked()
        # one score chosen in all: the others are still unanswered, never a middle value
        expect(rows.get_by_role("radio", checked=True)).to_have_count(1)

    _survives_switch_lock_and_restart(page, practice, check)


@pytest.fixture
def with_entry(practice: Server) -> Server:
    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    client = Client(code="C-404")
    session = Session(client.id, date(2026, 5, 11), 3)
    reflection = Reflection(session_id=session.id, client_id=client.id, free_text="As saved.")
    journal.save_all([client, session, reflection])
    journal.lock()
    return practice


def test_an_entry_being_edited_survives_pages_and_a_lock(page: Page, with_entry: Server) -> None:
    open_app(page, with_entry)
    unlock(page, PASSPHRASE)
    go_to(page, "Entries")
    page.get_by_role("button", name="C-404 · session 3 · 11 May 2026").click()
    wait_idle(page)
    page.get_by_test_id("stButtonGroup").get_by_text("Edit", exact=True).click()
    wait_idle(page)
    free_text = page.get_by_role("textbox", name="Free text")
    free_text.fill("Edited, not yet saved.")
    free_text.press("Tab")
    wait_idle(page)

    _visit_every_other_page(page)
    go_to(page, "Entries")
    expect(page.get_by_role("textbox", name="Free text")).to_have_value("Edited, not yet saved.")

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    unlock(page, PASSPHRASE)
    go_to(page, "Entries")
    page.get_by_role("button", name="C-404 · session 3 · 11 May 2026").click()
    wait_idle(page)
    page.get_by_test_id("stButtonGroup").get_by_text("Edit", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("textbox", name="Free text")).to_have_value("Edited, not yet saved.")
