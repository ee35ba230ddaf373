"""In Chromium: hand the device to the client, who submits; the journal locks; after
unlocking, the client's score is on the Trends chart."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from practice import caseload
from storage import keyslots
from storage.records import Estimate, Feedback, Session
from tests.e2e.harness import (
    Server,
    choose_scores,
    go_to,
    new_journal,
    open_app,
    score_rows,
    unlock,
    wait_idle,
)

pytestmark = pytest.mark.browser
PASSPHRASE = "kiosk test lamp river"


@pytest.fixture
def practice(server: Server) -> Server:
    journal = new_journal(server.data_dir, PASSPHRASE)
    client = caseload.add_client(journal, "C-808")
    session = Session(client_id=client.id, date=date(2026, 11, 20), number=1)
    estimate = Estimate("", "sac4", {"bond": 7, "goals": 7, "tasks": 7, "voice": 7})
    caseload.record_estimate(journal, session, estimate)
    journal.lock()
    return server


def hand_over(page: Page, practice: Server) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Client feedback")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name="C-808").click()
    wait_idle(page)
    page.get_by_role("button", name="Hand to client").click()
    wait_idle(page)


def test_kiosk_feedback_locks_the_app_and_lands_on_the_chart(page: Page, practice: Server) -> None:
    hand_over(page, practice)

    expect(page.get_by_role("heading", name="How was today's session?")).to_be_visible()
    expect(page.get_by_role("link", name="Reflect", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Lock", exact=True)).to_have_count(0)
    expect(score_rows(page)).to_have_count(4)
    choose_scores(page, (10, 5, 5, 0))
    page.get_by_role("textbox").fill("More time at the end, please.")
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)

    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="How was today's session?")).to_have_count(0)
    # the client may still hold the device: nothing about the journals on this computer
    for hidden in ("Unlock", "Create journal", "Try with demo data"):
        expect(page.get_by_role("button", name=hidden, exact=True)).to_have_count(0)
    expect(page.get_by_text("Journals are kept in")).to_have_count(0)
    expect(page.get_by_text("practice", exact=True)).to_have_count(0)
    page.get_by_role("button", name="I am the practitioner: show the unlock screen").click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Unlock", exact=True)).to_be_visible()

    unlock(page, PASSPHRASE)
    go_to(page, "Trends")
    page.get_by_role("combobox", name="Show").click()
    page.get_by_role("option", name="C-808").click()
    wait_idle(page)
    # 10 + 5 + 5 + 0: the client's total is drawn as a point of the alliance chart
    feedback_point = "Score (SAC-4, 0\u201340): 20; Whose rating: Client's feedback"
    expect(page.locator(f'[aria-label*="{feedback_point}"]').first).to_be_attached()
    estimate_point = "Score (SAC-4, 0\u201340): 28; Whose rating: Your estimate"
    expect(page.locator(f'[aria-label*="{estimate_point}"]').first).to_be_attached()
    # Streamlit's own unwarned chart exports are hidden; ours sit behind a warning
    expect(page.get_by_role("button", name="Download as PNG")).to_have_count(0)

    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    try:
        (feedback,) = journal.all(Feedback)
        assert feedback.items == {"bond": 10, "goals": 5, "tasks": 5, "voice": 0}
        assert feedback.source == "kiosk"
    finally:
        journal.lock()


def test_an_untouched_kiosk_submit_saves_nothing_and_names_the_questions(
    page: Page, practice: Server
) -> None:
    hand_over(page, practice)
    page.set_viewport_size({"width": 360, "height": 740})  # the device handed over: a phone
    rows = score_rows(page)
    expect(rows).to_have_count(4)
    expect(rows.get_by_role("radio", checked=True)).to_have_count(0)  # nothing preselected
    for index in range(4):  # each 0-10 row fits the phone's width in one line, 10 in sight
        box = rows.nth(index).get_by_role("radio", name="10", exact=True).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 360
        assert rows.nth(index).bounding_box()["height"] < 2 * box["height"]
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)
    shown = page.locator("[data-testid='stAlert']").filter(has_text="Not answered yet")
    expect(shown).to_contain_text("\u201cWe agree on what we are trying to achieve together\u201d")
    expect(shown).to_contain_text("Choose a score for each, nothing was saved.")
    expect(page.get_by_role("heading", name="How was today's session?")).to_be_visible()

    choose_scores(page, (7, 7, 7))  # the last question still unanswered
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)
    expect(shown).to_contain_text("Not answered yet: \u201cIf something wasn't working for me")
    expect(shown).not_to_contain_text("We agree")
    expect(page.get_by_role("button", name="Unlock", exact=True)).to_have_count(0)

    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    try:
        assert journal.all(Feedback) == []
    finally:
        journal.lock()
