"""In Chromium: reflect on a session end to end; a draft typed without leaving the field
survives a closed tab and a lock, and is offered back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from storage import keyslots
from storage.records import Estimate, Reflection
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
PASSPHRASE = "reflect test lamp river"


@pytest.fixture
def practice(server: Server) -> Server:
    journal = new_journal(server.data_dir, PASSPHRASE)
    journal.lock()
    return server


def test_reflect_on_a_new_clients_session_end_to_end(page: Page, practice: Server) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    expect(page.get_by_role("heading", name="Reflect")).to_be_visible()

    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name="New client…").click()
    wait_idle(page)
    page.get_by_label("Client code").fill("C-201")
    page.get_by_label("Client code").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Add client").click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Save my read")).to_be_visible()
    expect(page.get_by_text("3. Client feedback")).to_have_count(0)

    # no score starts at a value: an untouched read is refused and says what is missing
    expect(score_rows(page).get_by_role("radio", checked=True)).to_have_count(0)
    page.get_by_role("button", name="Save my read").click()
    wait_idle(page)
    expect(page.get_by_text("Not answered yet: Bond, Goals, Tasks, Voice.")).to_be_visible()
    expect(page.get_by_text("3. Client feedback")).to_have_count(0)

    choose_scores(page, (6, 7, 0, 10, 4))  # the four items, then presence
    page.get_by_role("button", name="Save my read").click()
    wait_idle(page)
    expect(page.get_by_text("3. Client feedback")).to_be_visible()
    expect(page.get_by_text("Your read of session 1 is saved: 23 of 40.")).to_be_visible()
    answer = page.locator("[data-testid='stTextArea'] textarea:visible").first
    answer.click()
    answer.press_sequentially("The pause before she answered stayed with me.", delay=5)
    page.get_by_role("textbox", name="Next step").fill("Ask about the pause.")
    page.get_by_role("button", name="Save reflection").click()
    wait_idle(page)
    expect(page.get_by_text("Reflection saved.")).to_be_visible()

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    try:
        (reflection,) = journal.all(Reflection)
        (estimate,) = journal.all(Estimate)
        assert estimate.items == {"bond": 6, "goals": 7, "tasks": 0, "voice": 10}
        assert estimate.presence == 4
        assert reflection.answers[0].answer == "The pause before she answered stayed with me."
        assert reflection.next_step == "Ask about the pause."
    finally:
        journal.lock()


def test_text_typed_without_leaving_the_field_survives_a_closed_tab_and_a_lock(
    page: Page, practice: Server
) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    page.get_by_text("Free reflection (not about one session)").click()
    wait_idle(page)
    answer = page.locator("[data-testid='stTextArea'] textarea:visible").first
    answer.click()
    answer.press_sequentially("Words typed and never sent by a blur.", delay=5)
    # no blur, no Enter: the page commits after a pause in typing and the draft autosaves
    page.wait_for_timeout(3_000)
    wait_idle(page)

    page.close()  # the tab is closed: the browser session is gone
    page = page.context.new_page()
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    page.get_by_role("button", name="Resume draft").click()
    wait_idle(page)
    expect(page.locator("[data-testid='stTextArea'] textarea:visible").first).to_have_value(
        "Words typed and never sent by a blur."
    )

    # a lock keeps it too
    page.get_by_role("textbox", name="Next step").fill("Take this to supervision.")
    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    page.get_by_role("button", name="Resume draft").click()
    wait_idle(page)
    expect(page.get_by_role("textbox", name="Next step")).to_have_value("Take this to supervision.")
