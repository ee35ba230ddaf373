"""Whole journeys in Chromium against the server `make run` starts, each on a fresh data
folder, each ending with the canary sweep of SECURITY.md: the words typed in the journey
must be nowhere on disk in plain form (data folder, -wal, -shm, backups, temp files,
~/.streamlit; UTF-8, UTF-16, hex, base64).

`make screenshots` runs them with SCREENSHOT_DIR=docs/screenshots for the README."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from storage.journal import Journal
from storage.records import Client, Feedback, Reflection, Session
from tests.conftest import sweep_for_canary
from tests.e2e.harness import (
    Server,
    create_journal,
    form_with,
    go_to,
    new_journal,
    open_app,
    shot,
    unlock,
    wait_idle,
)

pytestmark = pytest.mark.browser
PASSPHRASE = "journey lamp river stone"


def reflect_on_session(page: Page, code: str, answer: str, new_client: bool) -> None:
    go_to(page, "Reflect")
    page.get_by_label("Client", exact=True).click()
    if new_client:
        page.get_by_role("option", name="New client…").click()
        wait_idle(page)
        page.get_by_label("Client code").fill(code)
        page.get_by_label("Client code").press("Enter")
        wait_idle(page)
        page.get_by_role("button", name="Add client").click()
    else:
        page.get_by_role("option", name=code).click()
    wait_idle(page)
    page.get_by_role("button", name="Save my read").click()
    wait_idle(page)
    box = page.locator("[data-testid='stTextArea'] textarea").first
    box.click()
    box.press_sequentially(answer, delay=2)
    page.get_by_role("textbox", name="Next step").fill("Ask how the pace feels.")
    page.get_by_role("button", name="Save reflection").click()
    wait_idle(page)


def kiosk_feedback(page: Page, code: str) -> None:
    go_to(page, "Client feedback")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name=code).click()
    wait_idle(page)
    try:
        page.get_by_role("button", name="Hand to client").click(timeout=8000)
    except Exception:
        page.screenshot(path="/tmp/fail.png", full_page=True)
        raise
    wait_idle(page)
    sliders = page.get_by_role("slider")
    sliders.nth(0).focus()
    page.keyboard.press("End")
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)
    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()


def test_first_run_to_trends_and_lock(page: Page, server: Server, tmp_path: Path) -> None:
    started = time.time()
    canary = "JOURNEYCANARY1hq7Kd"
    open_app(page, server)
    recovery_key = create_journal(page, PASSPHRASE)
    assert len(recovery_key.replace("-", "").replace(" ", "")) >= 40

    for number in range(1, 4):
        words = f"Session {number}: {canary} the pause before she answered."
        reflect_on_session(page, "C-301", words, new_client=number == 1)
        if number == 1:
            shot(page, "reflect", tmp_path)
    for _ in range(3):
        kiosk_feedback(page, "C-301")
        unlock(page, PASSPHRASE)  # the kiosk locks the journal when the client is done

    go_to(page, "Trends")
    page.get_by_role("combobox", name="Show").click()
    page.get_by_role("option", name="C-301").click()
    wait_idle(page)
    feedback_points = page.locator(
        '[role="graphics-symbol"][aria-label*="Whose rating: Client\'s feedback; Client: C-301; '
        'Session:"]'
    )
    expect(feedback_points).to_have_count(3)
    shot(page, "trends", tmp_path)

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Unlock", exact=True)).to_be_visible()
    journal = Journal.unlock(server.data_dir / "journal.journal", PASSPHRASE)
    try:
        assert len(journal.all(Reflection)) == 3 and len(journal.all(Feedback)) == 3
        assert {f.source for f in journal.all(Feedback)} == {"kiosk"}
    finally:
        journal.lock()
    sweep_for_canary(canary, [server.data_dir], started)


def test_three_wrong_passphrases_then_the_draft_is_intact(page: Page, server: Server) -> None:
    started = time.time()
    canary = "DRAFTCANARY7zQw2pL"
    new_journal(server.data_dir, PASSPHRASE).lock()
    open_app(page, server)
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    page.get_by_text("Free reflection (not about one session)").click()
    wait_idle(page)
    box = page.locator("[data-testid='stTextArea'] textarea").first
    box.click()
    box.press_sequentially(f"Unfinished: {canary}", delay=2)
    page.wait_for_timeout(2_500)  # the page commits typed text after a pause; it autosaves
    wait_idle(page)
    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)

    for attempt in range(3):
        unlock(page, f"not the passphrase {attempt}")
        expect(form_with(page, "Unlock")).to_be_visible()
        expect(page.get_by_text("Wrong passphrase", exact=False)).to_be_visible()
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    page.get_by_role("button", name="Resume draft").click()
    wait_idle(page)
    expect(page.locator("[data-testid='stTextArea'] textarea").first).to_have_value(
        f"Unfinished: {canary}"
    )
    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    sweep_for_canary(canary, [server.data_dir], started)


def test_backup_then_erase_a_client_then_restore_brings_them_back(
    page: Page, server: Server
) -> None:
    started = time.time()
    canary = "ERASEJOURNEYCANARY5x"
    journal = new_journal(server.data_dir, PASSPHRASE)
    for code in ("C-701", "C-702"):
        client = Client(code=code, alias=f"{canary} {code}" if code == "C-701" else "")
        session = Session(client_id=client.id, date=date(2026, 10, 5), number=1)
        journal.save_all(
            [
                client,
                session,
                Reflection(session_id=session.id, client_id=client.id, free_text=f"{code} note"),
            ]
        )
    journal.lock()
    open_app(page, server)
    unlock(page, PASSPHRASE)

    go_to(page, "Settings")
    page.get_by_role("button", name="Back up now").click()
    wait_idle(page)
    expect(page.get_by_text("It was checked and opens.")).to_be_visible()

    go_to(page, "Clients")
    erase = page.get_by_role("button", name="Erase client and 3 records")
    expect(erase).to_be_disabled()
    page.get_by_label("Type C-701 to confirm").fill("C-701")
    page.get_by_label("Type C-701 to confirm").press("Enter")
    wait_idle(page)
    erase.click()
    wait_idle(page)
    expect(page.get_by_text("C-701 erased: 3 records removed for good.")).to_be_visible()
    expect(page.get_by_role("gridcell", name="C-701")).to_have_count(0)

    go_to(page, "Settings")
    picker = page.get_by_role("combobox", name="Backup to restore")
    picker.scroll_into_view_if_needed()
    picker.click()
    backup_option = page.get_by_role("option", name="KB)")
    if not backup_option.count():  # a click while the page still scrolls can miss
        picker.press("ArrowDown")
    backup_option.click()
    page.get_by_text("Replace my journal with this backup").click()
    page.get_by_role("button", name="Restore from backup").click()
    wait_idle(page)
    expect(page.get_by_text("Restored the backup")).to_be_visible()
    go_to(page, "Clients")
    page.get_by_label("Client", exact=True).click()
    expect(page.get_by_role("option", name="C-701")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    restored = Journal.unlock(server.data_dir / "practice.journal", PASSPHRASE)
    try:
        assert restored.client_by_code("C-701") is not None
        assert restored.search("C-701 note") != []
    finally:
        restored.lock()
    sweep_for_canary(canary, [server.data_dir], started)
