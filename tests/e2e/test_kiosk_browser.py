"""In Chromium: hand the device to the client, who submits; the journal locks; after
unlocking, the client's score is on the Trends chart."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from practice import caseload
from storage import keyslots
from storage.records import Estimate, Feedback, Session
from tests.e2e.harness import Server, go_to, new_journal, open_app, unlock, wait_idle

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


def test_kiosk_feedback_locks_the_app_and_lands_on_the_chart(page: Page, practice: Server) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Client feedback")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name="C-808").click()
    wait_idle(page)
    page.get_by_role("button", name="Hand to client").click()
    wait_idle(page)

    expect(page.get_by_role("heading", name="How was today's session?")).to_be_visible()
    expect(page.get_by_role("link", name="Reflect", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Lock", exact=True)).to_have_count(0)
    sliders = page.get_by_role("slider")
    expect(sliders).to_have_count(4)
    sliders.nth(0).focus()
    page.keyboard.press("End")  # 10
    sliders.nth(3).focus()
    page.keyboard.press("Home")  # 0
    page.get_by_role("textbox").fill("More time at the end, please.")
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)

    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Unlock", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="How was today's session?")).to_have_count(0)

    unlock(page, PASSPHRASE)
    go_to(page, "Trends")
    page.get_by_role("combobox", name="Show").click()
    page.get_by_role("option", name="C-808").click()
    wait_idle(page)
    # 10 + 5 + 5 + 0: the client's total is drawn as a point of the alliance chart
    feedback_point = "Score (sac4, 0\u201340): 20; Whose rating: Client's feedback"
    expect(page.locator(f'[aria-label*="{feedback_point}"]').first).to_be_attached()
    estimate_point = "Score (sac4, 0\u201340): 28; Whose rating: Your estimate"
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
