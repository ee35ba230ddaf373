"""Whole journeys in Chromium against the server `make run` starts, each on a fresh data
folder, each ending with the canary sweep of SECURITY.md: the words typed in the journey
must be nowhere on disk in plain form (data folder, -wal, -shm, backups, temp files,
~/.streamlit; UTF-8, UTF-16, hex, base64).

`make screenshots` runs them with SCREENSHOT_DIR=docs/screenshots for the README."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from storage import keyslots
from storage.records import Client, Estimate, Feedback, Reflection, Session
from tests.conftest import sweep_for_canary
from tests.e2e.harness import (
    Server,
    choose_scores,
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


def reflect_on_session(
    page: Page,
    code: str,
    answer: str,
    new_client: bool,
    estimate: tuple[int, ...] = (),
    before_save: Callable[[], None] | None = None,
) -> None:
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
    choose_scores(page, estimate)
    page.get_by_role("button", name="Save my read").click()
    wait_idle(page)
    box = page.locator("[data-testid='stTextArea'] textarea:visible").first
    box.click()
    box.press_sequentially(answer, delay=2)
    page.get_by_role("textbox", name="Next step").fill("Ask how the pace feels.")
    if before_save is not None:
        before_save()
    page.get_by_role("button", name="Save reflection").click()
    wait_idle(page)


def kiosk_feedback(page: Page, code: str, scores: tuple[int, ...] = (10, 10, 10, 10)) -> None:
    """The client rates the latest session still waiting for feedback."""
    go_to(page, "Client feedback")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name=code).click()
    wait_idle(page)
    page.get_by_role("button", name="Hand to client").click()
    wait_idle(page)
    choose_scores(page, scores)
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)
    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()
    page.get_by_role("button", name="I am the practitioner: show the unlock screen").click()
    wait_idle(page)


def test_first_run_to_trends_and_lock(page: Page, server: Server, tmp_path: Path) -> None:
    started = time.time()
    canary = "JOURNEYCANARY1hq7Kd"
    open_app(page, server)
    recovery_key = create_journal(page, PASSPHRASE)
    assert len(recovery_key.replace("-", "").replace(" ", "")) >= 40

    for number in range(1, 4):
        words = f"Session {number}: {canary} the pause before she answered."
        reflect_on_session(
            page,
            "C-301",
            words,
            new_client=number == 1,
            estimate=(8, 8, 8, 8),
            before_save=(lambda: shot(page, "reflect", tmp_path)) if number == 1 else None,
        )
    # The kiosk offers the latest session first: sessions 3, 2, 1 get 26, 36, 36. The fall
    # at session 3, which the estimate of 32 missed, is a possible rupture.
    for scores in [(9, 9, 4, 4), (9, 9, 9, 9), (9, 9, 9, 9)]:
        kiosk_feedback(page, "C-301", scores)
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
    labels = [feedback_points.nth(i).get_attribute("aria-label") or "" for i in range(3)]
    scores = {
        int(re.search(r"Session: (\d+)", label)[1]): int(re.search(r"0\u201340\): (\d+)", label)[1])
        for label in labels
    }
    assert scores == {1: 36, 2: 36, 3: 26}
    expect(page.get_by_role("heading", name="Possible ruptures")).to_be_visible()
    shot(page, "trends", tmp_path)

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Unlock", exact=True)).to_be_visible()
    journal = keyslots.unlock(server.data_dir / "journal.journal", PASSPHRASE)
    try:
        assert len(journal.all(Reflection)) == 3 and len(journal.all(Feedback)) == 3
        assert {f.source for f in journal.all(Feedback)} == {"kiosk"}
        assert [e.total for e in journal.all(Estimate)] == [32, 32, 32]
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
    box = page.locator("[data-testid='stTextArea'] textarea:visible").first
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
    expect(page.locator("[data-testid='stTextArea'] textarea:visible").first).to_have_value(
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
    restored = keyslots.unlock(server.data_dir / "practice.journal", PASSPHRASE)
    try:
        assert restored.client_by_code("C-701") is not None
        assert restored.search("C-701 note") != []
    finally:
        restored.lock()
    sweep_for_canary(canary, [server.data_dir], started)


def test_the_demo_journals_outcomes_view(page: Page, server: Server, tmp_path: Path) -> None:
    """The Outcomes view of the demo journal: a client's course against the cutoff and the
    band of no reliable change, and, for all clients, whose early read predicts progress."""
    open_app(page, server)
    page.get_by_role("button", name="Try with demo data", exact=True).click()
    wait_idle(page)
    page.get_by_text("I have stored my recovery key", exact=True).click()
    page.get_by_role("button", name="Continue", exact=True).click()
    wait_idle(page)
    go_to(page, "Trends")
    page.get_by_role("tab", name="Outcomes").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Whose read predicts progress")).to_be_visible()
    # the demo's invented caseload shows both reads with their intervals
    for read in ("Your clients' own early ratings: ", "Your early estimates: "):
        expect(page.locator("p").filter(has_text=read)).to_be_visible()
    shot(page, "outcomes-caseload", tmp_path)
    page.get_by_role("combobox", name="Show").click()
    page.get_by_role("option").nth(1).click()
    wait_idle(page)
    page.get_by_role("tab", name="Outcomes").click()
    wait_idle(page)
    expect(page.get_by_text(" over sessions", exact=False).first).to_be_visible()
    shot(page, "outcomes", tmp_path)
