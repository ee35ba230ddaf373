"""In Chromium: a client with the PHQ-9 answers it on the device handed over, item 9 above
"not at all"; after Submit and the device back, the practitioner is told plainly to check
risk today, and the note stays on Home, page after page, until acknowledged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from practice import caseload
from storage import keyslots
from storage.records import Estimate, Feedback, Outcome, Session
from tests.e2e.harness import (
    Server,
    choose_scores,
    go_to,
    new_journal,
    open_app,
    shot,
    unlock,
    wait_idle,
)

pytestmark = pytest.mark.browser
PASSPHRASE = "risk test harbour lamp"
NOTE = "Check risk today with C-909"


@pytest.fixture
def practice(server: Server) -> Server:
    journal = new_journal(server.data_dir, PASSPHRASE)
    client = caseload.add_client(journal, "C-909", outcome_measure="phq9")
    session = Session(client_id=client.id, date=date(2026, 11, 20), number=1)
    estimate = Estimate("", "sac4", {"bond": 7, "goals": 7, "tasks": 7, "voice": 7})
    caseload.record_estimate(journal, session, estimate)
    journal.lock()
    return server


def question(page: Page, wording: str):
    """The answers of one question, found by its wording (the group's accessible name)."""
    return page.get_by_role("radiogroup", name=wording)


def go_home(page: Page) -> None:
    """Home is the default page ("/"), which `go_to` cannot wait for by its address."""
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name="What needs you today")).to_be_visible()
    wait_idle(page)


def test_a_risk_answer_is_shown_when_the_device_comes_back_and_stays_on_home_until_acknowledged(
    page: Page, practice: Server, tmp_path: Path
) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Client feedback")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name="C-909").click()
    wait_idle(page)
    page.get_by_role("button", name="Hand to client").click()
    wait_idle(page)

    # part 1, the PHQ-9 in its own words: eight answers with the mouse...
    expect(page.get_by_role("heading", name="How have you been?")).to_be_visible()
    expect(page.get_by_text("No permission required to reproduce")).to_be_visible()
    groups = page.locator("[data-testid='stRadio'] [role='radiogroup']")
    expect(groups).to_have_count(10)
    for index in range(8):
        groups.nth(index).get_by_text("Not at all", exact=True).click()
    # ...and item 9 with the keyboard: onto its first answer, one down, Space
    item9 = question(page, "Thoughts that you would be better off dead or of hurting yourself")
    item9.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(item9.get_by_role("radio", name="Several days")).to_be_checked()
    shot(page, "kiosk_outcome", tmp_path)
    page.get_by_role("button", name="Next").click()
    wait_idle(page)

    # part 2, the alliance as before; nothing about a risk or a score in the client's sight
    expect(page.get_by_role("heading", name="How was today's session?")).to_be_visible()
    expect(page.get_by_text("risk", exact=False)).to_have_count(0)
    choose_scores(page, (8, 8, 8, 8))
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)
    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_have_count(0)

    # the device comes back: the practitioner's first screen says it plainly
    page.get_by_role("button", name="I am the practitioner: show the unlock screen").click()
    wait_idle(page)
    unlock(page, PASSPHRASE)
    # the practitioner lands on Home, the note first under the journal's name
    expect(page.get_by_role("heading", name="What needs you today")).to_be_visible()
    note = page.locator("[data-testid='stAlert']").filter(has_text=NOTE)
    expect(note).to_be_visible()
    expect(note).to_contain_text("\u201cBetter off dead or self-harm\u201d")
    shot(page, "risk_note_back", tmp_path)

    go_to(page, "Trends")
    expect(note).to_have_count(0)
    go_home(page)
    expect(note).to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    wait_idle(page)
    expect(note).to_have_count(0)
    go_to(page, "Entries")
    go_home(page)
    expect(note).to_have_count(0)

    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    try:
        (outcome,) = journal.all(Outcome)
        assert (outcome.source, outcome.total, outcome.risk_items) == ("kiosk", 1, ["q9"])
        assert outcome.risk_acknowledged_at is not None
        (feedback,) = journal.all(Feedback)
        assert feedback.total == 32
    finally:
        journal.lock()
