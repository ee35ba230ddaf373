"""In Chromium, two journals keep a comment thread going both ways: the supervisor adds
comments (each one confirmed on screen), edits one and deletes another; the supervisee
imports them and replies; the reply reaches the supervisor, who replies in the thread;
the supervisee sees the whole thread. Then a group supervision session is logged and
edited."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from sharing import exchange, keys, share
from storage.journal import Journal
from storage.records import Answer, Client, Reflection, Session
from tests.conftest import sweep_for_canary
from tests.e2e.harness import (
    Server,
    go_to,
    new_journal,
    open_app,
    start_server,
    stop_server,
    unlock,
    wait_idle,
)
from tests.sharing_caseload import INSTRUMENTS, decide_all

pytestmark = pytest.mark.browser
SUPERVISEE_PASSPHRASE = "thread supervisee copper fern"
SUPERVISOR_PASSPHRASE = "thread supervisor harbour kite"
ENTRY = "Client A · session 1"
FIRST = "What did the fee stir in you?"
EDITED = "What did the fee conversation stir in you?"
SECOND = "A second thought I will take back."
REPLY = "Shame, I think: I undercharge. THREADCANARY51xQ"
ANSWER = "Let us look at what undercharging protects."


def _entry_bundle(supervisee: Journal, supervisor: Journal) -> bytes:
    """Both journals pin each other; the supervisee shares one flagged reflection."""
    mine, theirs = keys.my_card(supervisee, "Sam"), keys.my_card(supervisor, "Dr Vale")
    keys.pin_contact(supervisee, theirs.to_text(), theirs.fingerprint, "supervisor", "Dr Vale")
    keys.pin_contact(supervisor, mine.to_text(), mine.fingerprint, "supervisee", "Sam")
    client = Client(code="C-101")
    session = Session(client_id=client.id, date=date(2026, 11, 2), number=1)
    reflection = Reflection(
        session_id=session.id,
        client_id=client.id,
        answers=[Answer("p-1", "What did I notice?", "Quiet at the fee.")],
        flagged_for_supervision=True,
    )
    supervisee.save_all([client, session, reflection])
    review = share.review(supervisee, share.candidates(supervisee))
    content = share.payload(supervisee, review, decide_all(review), INSTRUMENTS)
    return exchange.send_entries(supervisee, content, to=keys.contacts(supervisee, "supervisor"))


@pytest.fixture
def pair(server: Server, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """(supervisee's server, supervisor's server): the entry already shared and imported."""
    folder = tmp_path / "supervisor"
    folder.mkdir()
    supervisee = new_journal(server.data_dir, SUPERVISEE_PASSPHRASE)
    supervisor = new_journal(folder, SUPERVISOR_PASSPHRASE)
    exchange.import_entries(supervisor, _entry_bundle(supervisee, supervisor))
    supervisee.lock()
    supervisor.lock()
    other = start_server(folder)
    yield server, other
    stop_server(other)


def _section(page: Page, name: str) -> None:
    page.get_by_test_id("stButtonGroup").get_by_text(name, exact=True).click()
    wait_idle(page)


def _download(page: Page, button: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    target = folder / f"{time.monotonic_ns()}-{info.value.suggested_filename}"
    info.value.save_as(target)
    return target


def _thread(page: Page, text: str) -> Locator:
    """The thread (a bordered box) that shows `text`."""
    return page.locator("[class*='st-key-sv_thread_']").filter(has_text=text)


def _upload(page: Page, path: Path, button: str) -> None:
    page.locator("input[type='file']").first.set_input_files(str(path))
    wait_idle(page)
    page.get_by_role("button", name=button, exact=True).click()
    wait_idle(page)


def _type(box: Locator, text: str) -> None:
    box.fill(text)
    box.press("Tab")  # a text area's value reaches the server on blur


def _open_entry(page: Page) -> None:
    """Open the shared entry's expander (it stays open across reruns once opened)."""
    if not page.get_by_role("textbox", name="Your comment").is_visible():
        page.get_by_text(ENTRY).first.click()
        wait_idle(page)
    expect(page.get_by_role("textbox", name="Your comment")).to_be_visible()


def _logged(page: Page) -> Locator:
    """The log's picker of a session: it names the chosen one."""
    return page.get_by_role("combobox", name="Supervision session")


def _comment(page: Page, text: str) -> None:
    _type(page.get_by_role("textbox", name="Your comment"), text)
    wait_idle(page)
    page.get_by_role("button", name="Add comment").click()
    wait_idle(page)


def test_a_thread_goes_both_ways_and_a_group_session_is_logged_and_edited(
    page: Page, browser: Browser, pair: tuple[Server, Server], tmp_path: Path
) -> None:
    started = time.time()
    supervisee, supervisor = pair
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = context.new_page()
    other.set_default_timeout(20_000)

    # the supervisor comments twice; each comment is confirmed and the entry stays open
    open_app(other, supervisor)
    unlock(other, SUPERVISOR_PASSPHRASE)
    go_to(other, "Supervision")
    _section(other, "Shared with me")
    _open_entry(other)
    _comment(other, FIRST)
    expect(other.get_by_text("Comment added. It goes to Sam")).to_be_visible()
    expect(_thread(other, FIRST)).to_be_visible()
    _comment(other, SECOND)
    expect(other.get_by_text("Comment added. It goes to Sam")).to_be_visible()
    expect(_thread(other, SECOND)).to_be_visible()
    expect(other.get_by_role("textbox", name="Your comment")).to_have_value("")

    # edits the first, deletes the second
    _thread(other, FIRST).get_by_role("button", name="Edit").click()
    wait_idle(other)
    _type(other.get_by_role("textbox", name="Change the comment"), EDITED)
    wait_idle(other)
    other.get_by_role("button", name="Save comment").click()
    wait_idle(other)
    expect(other.get_by_text("Comment changed.")).to_be_visible()
    expect(_thread(other, EDITED)).to_contain_text("edited")
    expect(other.get_by_text(FIRST, exact=True)).to_have_count(0)
    _thread(other, SECOND).get_by_role("button", name="Delete").click()
    wait_idle(other)
    other.get_by_role("button", name="Delete comment").click()
    wait_idle(other)
    expect(other.get_by_text("Comment deleted.")).to_be_visible()
    expect(other.get_by_text(SECOND)).to_have_count(0)
    other.get_by_role("button", name="Make comments bundle").click()
    wait_idle(other)
    comments = _download(other, "Download comments bundle", tmp_path)

    # the supervisee reads the edited comment (not the deleted one) and replies
    open_app(page, supervisee)
    unlock(page, SUPERVISEE_PASSPHRASE)
    go_to(page, "Supervision")
    _section(page, "Comments")
    _upload(page, comments, "Import comments")
    expect(page.get_by_text("Imported 1 new comment (0 updated) from Dr Vale.")).to_be_visible()
    expect(_thread(page, EDITED)).to_be_visible()
    expect(page.get_by_text(SECOND)).to_have_count(0)
    _type(_thread(page, EDITED).get_by_role("textbox", name="Your reply"), REPLY)
    wait_idle(page)
    page.get_by_role("button", name="Reply", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Reply added. It goes to Dr Vale")).to_be_visible()
    expect(_thread(page, EDITED)).to_contain_text(REPLY)
    page.get_by_role("button", name="Make replies bundle").click()
    wait_idle(page)
    replies = _download(page, "Download replies bundle", tmp_path)

    # the reply reaches the supervisor, who sees the thread and answers in it
    _section(other, "Shared with me")
    other.get_by_text("Import a bundle from a supervisee").click()
    wait_idle(other)
    _upload(other, replies, "Import bundle")
    expect(other.get_by_text("Imported 1 new comment (0 updated) from Sam.")).to_be_visible()
    _open_entry(other)
    thread = _thread(other, EDITED)
    expect(thread).to_contain_text(REPLY)
    expect(thread.get_by_text("Sam ·")).to_be_visible()  # the reply's author
    _type(thread.get_by_role("textbox", name="Your reply"), ANSWER)
    wait_idle(other)
    thread.get_by_role("button", name="Reply", exact=True).click()
    wait_idle(other)
    expect(other.get_by_text("Reply added. It goes to Sam")).to_be_visible()
    other.get_by_role("button", name="Make comments bundle").click()
    wait_idle(other)
    answer = _download(other, "Download comments bundle", tmp_path)

    # the supervisee sees the whole thread, in order
    _upload(page, answer, "Import comments")
    expect(page.get_by_text("Imported 1 new comment (0 updated) from Dr Vale.")).to_be_visible()
    shown = _thread(page, EDITED).inner_text()
    assert shown.index(EDITED) < shown.index(REPLY) < shown.index(ANSWER), shown

    # a group supervision session, logged then edited
    _section(page, "Supervision log")
    page.get_by_label("Minutes").first.fill("60")
    page.get_by_label("Minutes").first.press("Tab")
    wait_idle(page)
    page.get_by_text("Group", exact=True).first.click()
    wait_idle(page)
    page.get_by_role("button", name="Save supervision session").click()
    wait_idle(page)
    expect(page.get_by_text("saved (60 minutes)")).to_be_visible()
    expect(_logged(page)).to_have_value(re.compile(r", 60 min, group, Dr Vale$"))
    page.get_by_role("button", name="Edit supervision session").click()
    wait_idle(page)
    form = page.locator(".st-key-sv_log_edit_form")
    form.get_by_label("Minutes").fill("75")
    form.get_by_label("Minutes").press("Tab")
    wait_idle(page)
    _type(form.get_by_role("textbox", name="Notes"), "Peer case discussion, four of us.")
    wait_idle(page)
    form.get_by_role("button", name="Save changes").click()
    wait_idle(page)
    expect(page.get_by_text("changed.")).to_be_visible()
    expect(_logged(page)).to_have_value(re.compile(r", 75 min, group, Dr Vale$"))
    expect(form).to_have_count(0)
    context.close()
    sweep_for_canary("THREADCANARY51xQ", [supervisee.data_dir, supervisor.data_dir], started)
