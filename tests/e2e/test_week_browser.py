"""A practitioner's week in Chromium, on a fresh journal: two clients, five sessions over
five days, kiosk and paper feedback (a typing slip named, then fixed), a correction, a
search, Home's list of what waits; it ends locked, with the canary sweep of SECURITY.md
finding none of the week's words on disk."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sharing import exchange, keys, share
from storage import keyslots
from storage.journal import Journal
from storage.records import Estimate, Feedback, Reflection
from tests.conftest import sweep_for_canary
from tests.e2e.harness import (
    Server,
    choose_scores,
    create_journal,
    go_to,
    new_journal,
    open_app,
    start_server,
    stop_server,
    unlock,
    wait_idle,
)
from tests.e2e.test_journeys import kiosk_feedback
from tests.e2e.test_supervision_thread_browser import (
    _comment,
    _download,
    _section,
    _thread,
    _type,
    _upload,
)
from tests.sharing_caseload import INSTRUMENTS, decide_all

pytestmark = pytest.mark.browser
PASSPHRASE = "weekly harbour lamp kettle"
SUPERVISOR_PASSPHRASE = "weekly supervisor quill meadow"
COMMENT = "What made the silence patient this time?"
REPLY = "I stopped filling it. WEEKCANARY4rT9xQ2m"
CANARY = "WEEKCANARY4rT9xQ2m"
ITEMS = ("Bond", "Goals", "Tasks", "Voice")


def _day(days_ago: int) -> date:
    return date.today() - timedelta(days=days_ago)


def _type_date(page: Page, day: date) -> None:
    """Type a date into the session's date field, segment by segment (day, month, year in
    the en-GB browser), as a person types it."""
    field = page.get_by_role("group", name="Date", exact=True)
    field.get_by_role("spinbutton").first.click()
    page.keyboard.type(day.strftime("%d%m%Y"))
    page.keyboard.press("Tab")
    wait_idle(page)


def _new_session(page: Page, code: str, days_ago: int, read: tuple[int, ...]) -> None:
    """Reflect: pick the client, a new session on that day, save the read."""
    go_to(page, "Reflect")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name=code, exact=True).click()
    wait_idle(page)
    _type_date(page, _day(days_ago))
    choose_scores(page, read)
    page.get_by_role("button", name="Save my read").click()
    wait_idle(page)
    expect(page.get_by_text("Your read of session", exact=False)).to_be_visible()


def _write_and_save(page: Page, words: str) -> None:
    box = page.locator("[data-testid='stTextArea'] textarea:visible").first
    box.click()
    box.press_sequentially(words, delay=2)
    page.get_by_role("textbox", name="Next step").fill("Check the pace early on.")
    page.get_by_role("button", name="Save reflection").click()
    wait_idle(page)
    expect(page.get_by_text("Reflection saved.")).to_be_visible()


def _paper(page: Page, scores: tuple[int, ...]) -> None:
    page.get_by_text("Type scores from paper").click()
    for item, score in zip(ITEMS, scores, strict=True):
        page.get_by_label(item, exact=True).fill(str(score))
    page.get_by_role("button", name="Save feedback").click()
    wait_idle(page)


def _kiosk(page: Page, code: str, scores: tuple[int, ...]) -> None:
    """The client answers on the device; the practitioner unlocks again."""
    kiosk_feedback(page, code, scores)
    unlock(page, PASSPHRASE)


def test_a_week_of_sessions(page: Page, browser: Browser, server: Server, tmp_path: Path) -> None:
    started = time.time()
    open_app(page, server)
    create_journal(page, PASSPHRASE)

    # Monday: a new client added on Clients, a session, the client answers on the device
    go_to(page, "Clients")
    page.get_by_label("Client code").fill("C-101")
    page.get_by_label("Goals (optional)").fill("Sleep through the night")
    page.get_by_role("button", name="Add client").click()
    wait_idle(page)
    expect(page.get_by_text("C-101 added.")).to_be_visible()
    _new_session(page, "C-101", 4, (8, 8, 8, 8))
    _write_and_save(page, f"Monday {CANARY}: she arrived early and sat by the window.")
    _kiosk(page, "C-101", (9, 9, 9, 9))

    # Tuesday: a second client added in Reflect; paper feedback with a slip, named in words
    go_to(page, "Reflect")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name="New client…").click()
    wait_idle(page)
    page.get_by_label("Client code").fill("C-102")
    page.get_by_role("button", name="Add client").click()
    wait_idle(page)
    _type_date(page, _day(3))
    choose_scores(page, (7, 7, 7, 7))
    page.get_by_role("button", name="Save my read").click()
    wait_idle(page)
    _paper(page, (8, 12, 8, 8))
    expect(page.get_by_text("Goals: 12 is above", exact=False)).to_be_visible()
    page.get_by_label("Goals", exact=True).fill("8")
    page.get_by_role("button", name="Save feedback").click()
    wait_idle(page)
    expect(page.get_by_text("Your client's rating: 32 of 40", exact=False)).to_be_visible()
    _write_and_save(page, "Tuesday: the silence felt companionable, not heavy.")

    # Wednesday and Thursday
    _new_session(page, "C-101", 2, (8, 8, 8, 8))
    _write_and_save(page, "Wednesday: she spoke about her sister for the first time.")
    _kiosk(page, "C-101", (9, 8, 9, 9))
    _new_session(page, "C-102", 1, (7, 7, 7, 7))
    _paper(page, (6, 6, 6, 2))
    # a score copied wrongly from the paper form: corrected, the slip kept in the history
    page.get_by_text("Correct your client's scores").click()
    form = (
        page.locator("[data-testid='stForm']")
        .filter(has=page.get_by_role("button", name="Save correction"))
        .last
    )
    form.get_by_label("Voice (corrected)", exact=True).fill("6")
    form.get_by_role("button", name="Save correction").click()
    wait_idle(page)
    expect(page.get_by_text("Corrected: total now 24.")).to_be_visible()
    _write_and_save(page, "Thursday: patient silence, then the words came.")

    # Friday: a session whose feedback is still to come
    _new_session(page, "C-101", 0, (8, 8, 8, 8))
    _write_and_save(page, "Friday: a quieter hour; she asked about the holidays.")

    # Home lists what waits; a search finds both words in any order
    page.get_by_role("link", name="Home", exact=True).click()  # the default page: "/"
    expect(page.get_by_role("heading", name="What needs you today")).to_be_visible()
    wait_idle(page)
    expect(page.get_by_text("C-101, session 3", exact=False)).to_be_visible()
    go_to(page, "Entries")
    search = page.get_by_role("textbox", name="Search")
    search.fill("silence patient")
    search.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("Thursday: patient silence", exact=False)).to_be_visible()
    expect(page.get_by_text("Tuesday: the silence", exact=False)).to_have_count(0)

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    journal = keyslots.unlock(server.data_dir / "journal.journal", PASSPHRASE)
    supervisor_folder = tmp_path / "supervisor"
    supervisor_folder.mkdir()
    supervisor = new_journal(supervisor_folder, SUPERVISOR_PASSPHRASE)
    try:
        assert len(journal.all(Reflection)) == 5 and len(journal.all(Estimate)) == 5
        feedback = sorted(journal.all(Feedback), key=lambda f: f.recorded_at)
        assert [f.source for f in feedback] == ["kiosk", "paper", "kiosk", "paper"]
        assert feedback[-1].total == 24
        assert len(journal.history(feedback[-1].id)) == 2  # the slip is kept
        _share_thursday(journal, supervisor)
    finally:
        journal.lock()
        supervisor.lock()

    # Friday evening: supervision by bundle, a comment thread both ways
    other_server = start_server(supervisor_folder)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/London"
    )
    try:
        _thread_both_ways(page, context.new_page(), server, other_server, tmp_path)
    finally:
        context.close()
        stop_server(other_server)
    sweep_for_canary(CANARY, [server.data_dir, supervisor_folder], started)


def _share_thursday(supervisee: Journal, supervisor: Journal) -> None:
    """Keys exchanged once, out of band; Thursday's reflection shared with the supervisor
    (the share screen itself has its own journey: test_supervision_browser)."""
    mine, theirs = keys.my_card(supervisee, "Sam"), keys.my_card(supervisor, "Dr Vale")
    keys.pin_contact(supervisee, theirs.to_text(), theirs.fingerprint, "supervisor", "Dr Vale")
    keys.pin_contact(supervisor, mine.to_text(), mine.fingerprint, "supervisee", "Sam")
    everything = share.candidates(supervisee, share.ShareFilter(flagged_only=False))
    thursday = [c for c in everything if "Thursday" in c.reflection.text()]
    review = share.review(supervisee, thursday)
    content = share.payload(supervisee, review, decide_all(review), INSTRUMENTS)
    bundle = exchange.send_entries(supervisee, content, to=keys.contacts(supervisee, "supervisor"))
    exchange.import_entries(supervisor, bundle)


def _thread_both_ways(page: Page, other: Page, mine: Server, theirs: Server, folder: Path) -> None:
    other.set_default_timeout(20_000)
    open_app(other, theirs)
    unlock(other, SUPERVISOR_PASSPHRASE)
    go_to(other, "Supervision")
    _section(other, "Shared with me")
    other.get_by_text("session 2").first.click()
    wait_idle(other)
    _comment(other, COMMENT)
    expect(other.get_by_text("Comment added. It goes to Sam")).to_be_visible()
    other.get_by_role("button", name="Make comments bundle").click()
    wait_idle(other)
    comments = _download(other, "Download comments bundle", folder)

    open_app(page, mine)
    unlock(page, PASSPHRASE)
    go_to(page, "Supervision")
    _section(page, "Comments")
    _upload(page, comments, "Import comments")
    expect(_thread(page, COMMENT)).to_be_visible()
    _type(_thread(page, COMMENT).get_by_role("textbox", name="Your reply"), REPLY)
    wait_idle(page)
    page.get_by_role("button", name="Reply", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Reply added. It goes to Dr Vale")).to_be_visible()
    page.get_by_role("button", name="Make replies bundle").click()
    wait_idle(page)
    replies = _download(page, "Download replies bundle", folder)

    _section(other, "Shared with me")
    other.get_by_text("Import a bundle from a supervisee").click()
    wait_idle(other)
    _upload(other, replies, "Import bundle")
    expect(other.get_by_text("Imported 1 new comment (0 updated) from Sam.")).to_be_visible()
    other.get_by_text("session 2").first.click()
    wait_idle(other)
    expect(_thread(other, COMMENT)).to_contain_text(REPLY)
    for one in (page, other):
        one.get_by_role("button", name="Lock", exact=True).click()
        wait_idle(one)
