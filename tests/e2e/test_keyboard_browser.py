"""In Chromium, with the keyboard only (Tab, Shift+Tab, arrows, Space, Enter, typing; no
click, no mouse, no programmatic focus): unlock, write and save a reflection on Reflect,
then hand the device over on Client feedback, answer the kiosk and Submit."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from practice import caseload
from storage import keyslots
from storage.records import Estimate, Feedback, Reflection, Session
from tests.e2e.harness import Server, new_journal, open_app, wait_idle

pytestmark = pytest.mark.browser
PASSPHRASE = "keyboard lamp river stone"
MOST_TABS = 150  # more stops than any screen here has: a target never reached fails


@pytest.fixture
def practice(server: Server) -> Server:
    """A journal with client C-808, whose session 1 has a saved read and no feedback."""
    journal = new_journal(server.data_dir, PASSPHRASE)
    client = caseload.add_client(journal, "C-808")
    session = Session(client_id=client.id, date=date(2026, 11, 20), number=1)
    estimate = Estimate("", "sac4", {"bond": 7, "goals": 7, "tasks": 7, "voice": 7})
    caseload.record_estimate(journal, session, estimate)
    journal.lock()
    return server


def has_focus(target: Locator) -> bool:
    """The keyboard focus is on `target` or inside it (read only: nothing is focused)."""
    if target.count() == 0:
        return False
    return target.first.evaluate("node => node.contains(document.activeElement)")


def focused(page: Page) -> str:
    """What has the focus, for a failure message."""
    return page.evaluate(
        "() => { const node = document.activeElement; return node ? node.outerHTML.slice(0, 200)"
        " : 'nothing'; }"
    )


def tab_to(page: Page, target: Locator, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focus is on `target`, as a keyboard user would."""
    wait_idle(page)
    for _ in range(MOST_TABS):
        if has_focus(target):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {target}; the focus is on {focused(page)}")


def press(page: Page, key: str) -> None:
    """Press `key`, then wait for the rerun it may start."""
    page.keyboard.press(key)
    wait_idle(page)


def choose_option(page: Page, combobox: Locator, option: str) -> None:
    """Pick `option` of a select box: Tab to it, type to filter, arrow down, Enter."""
    tab_to(page, combobox)
    page.keyboard.type(option, delay=20)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    press(page, "Enter")
    expect(combobox).to_have_value(option)


def score_by_keyboard(page: Page, row: Locator, score: int) -> None:
    """Tab into a score row (its first button takes the focus), arrow right to `score`, Space."""
    chosen = row.get_by_role("radio", name=str(score), exact=True)
    tab_to(page, row)
    for _ in range(score - int(row.get_by_role("radio").first.inner_text())):
        page.keyboard.press("ArrowRight")
    expect(chosen).to_be_focused()
    press(page, "Space")
    expect(chosen).to_be_checked()


def unlock_by_keyboard(page: Page, server: Server) -> None:
    open_app(page, server)
    tab_to(page, page.get_by_label("Passphrase", exact=True))
    page.keyboard.type(PASSPHRASE)
    press(page, "Enter")
    expect(page.get_by_role("button", name="Lock", exact=True)).to_be_visible()


def go_to_by_keyboard(page: Page, title: str) -> None:
    tab_to(page, page.get_by_role("link", name=title, exact=True))
    press(page, "Enter")
    expect(page.get_by_role("heading", name=title, level=1, exact=True)).to_be_visible()


def test_a_reflection_is_written_and_saved_with_the_keyboard_only(
    page: Page, practice: Server
) -> None:
    unlock_by_keyboard(page, practice)
    go_to_by_keyboard(page, "Reflect")
    choose_option(page, page.get_by_role("combobox", name="Client"), "C-808")

    rows = page.locator("[class*='st-key-score_rf_'] [role='radiogroup']")
    expect(rows).to_have_count(5)  # the four items, then presence
    for index, score in enumerate((6, 7, 0, 10, 4)):
        score_by_keyboard(page, rows.nth(index), score)
    tab_to(page, page.get_by_role("button", name="Save my read"))
    press(page, "Enter")
    expect(page.get_by_text("Your read of session 2 is saved: 23 of 40.")).to_be_visible()

    tab_to(page, page.get_by_role("textbox", name="Your answer").first)
    page.keyboard.type("The pause before she answered stayed with me.", delay=5)
    tab_to(page, page.get_by_role("textbox", name="Next step"))
    page.keyboard.type("Ask about the pause.", delay=5)
    tab_to(page, page.get_by_role("button", name="Save reflection"))
    press(page, "Enter")
    expect(page.get_by_text("Reflection saved.")).to_be_visible()

    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    try:
        (reflection,) = journal.all(Reflection)
        estimate = caseload.estimate_for(journal, reflection.session_id)
        assert estimate.items == {"bond": 6, "goals": 7, "tasks": 0, "voice": 10}
        assert estimate.presence == 4
        assert reflection.answers[0].answer == "The pause before she answered stayed with me."
        assert reflection.next_step == "Ask about the pause."
    finally:
        journal.lock()


def test_the_kiosk_is_handed_over_answered_and_submitted_with_the_keyboard_only(
    page: Page, practice: Server
) -> None:
    unlock_by_keyboard(page, practice)
    go_to_by_keyboard(page, "Client feedback")
    choose_option(page, page.get_by_role("combobox", name="Client"), "C-808")
    tab_to(page, page.get_by_role("button", name="Hand to client"))
    press(page, "Enter")
    expect(page.get_by_role("heading", name="How was today's session?")).to_be_visible()

    rows = page.locator("[class*='st-key-score_kiosk_'] [role='radiogroup']")
    expect(rows).to_have_count(4)
    for index, score in enumerate((10, 5, 5, 0)):
        score_by_keyboard(page, rows.nth(index), score)
    # and back again: Shift+Tab reaches an earlier answer, which can still be changed
    tab_to(page, rows.nth(1), backwards=True)
    page.keyboard.press("ArrowRight")
    press(page, "Space")
    expect(rows.nth(1).get_by_role("radio", name="6", exact=True)).to_be_checked()
    tab_to(page, page.get_by_role("textbox"))
    page.keyboard.type("More time at the end, please.", delay=5)
    tab_to(page, page.get_by_role("button", name="Submit"))
    press(page, "Enter")
    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()

    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    try:
        (feedback,) = journal.all(Feedback)
        assert feedback.items == {"bond": 10, "goals": 6, "tasks": 5, "voice": 0}
        assert feedback.comment == "More time at the end, please."
        assert feedback.source == "kiosk"
    finally:
        journal.lock()
