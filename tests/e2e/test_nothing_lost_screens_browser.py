"""In Chromium: nothing typed is lost on the other screens that take text (README's promise).

A supervisor's comment on a shared entry, the notes of a supervision session, a new prompt,
an edit of an existing prompt and a new instrument in Settings: each survives a visit to
every other page, a lock and unlock and a server restart, and once it is saved its draft
is gone (the fields start empty again, the edited prompt shows what was saved).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from prompts.library import PHASES, new_custom_prompt_id
from sharing import exchange, keys, share
from storage import keyslots
from storage.records import DOMAINS, Answer, Client, Draft, Reflection, Session
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
PASSPHRASE = "nothing lost screens fern"
ENTRY = "Client A · session 1"
COMMENT = "What did the fee stir in you?"
NOTES = "Ruptures, and the fee conversation."
PROMPT = "What did my hands notice before my mind did?"
INSTRUMENT = "Hands-on check"
ITEMS = "Comfort | My patient felt comfortable. | I felt comfortable."
OWN = "What did I want from this client today?"  # a custom prompt already saved
EDITED = "What did I want from this client that I did not say?"
OTHER_PAGES = (
    "Reflect",
    "Client feedback",
    "Entries",
    "Clients",
    "Trends",
    "Supervision",
    "Settings",
)


def _own_prompt(text: str) -> dict:
    """A custom prompt as Settings stores it."""
    return {
        "id": new_custom_prompt_id(text, set()),
        "domain": DOMAINS[0],
        "text": text,
        "phase": PHASES[0],
        "professions": ["all"],
        "proctor": ["formative"],
        "follow_ups": [],
    }


def _shared_entry_bundle(tmp_path: Path, supervisor) -> bytes:
    """A bundle of one flagged entry from a supervisee whose card the supervisor pinned."""
    folder = tmp_path / "supervisee"
    folder.mkdir()
    supervisee = new_journal(folder, "supervisee passphrase oak")
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
    shared = share.review(supervisee, share.candidates(supervisee))
    content = share.payload(supervisee, shared, decide_all(shared), INSTRUMENTS)
    data = exchange.send_entries(supervisee, content, to=keys.contacts(supervisee, "supervisor"))
    supervisee.lock()
    return data


@pytest.fixture
def supervisor(server: Server, tmp_path: Path) -> Server:
    journal = new_journal(server.data_dir, PASSPHRASE)
    exchange.import_entries(journal, _shared_entry_bundle(tmp_path, journal))
    journal.save_settings(dataclasses.replace(journal.settings, custom_prompts=[_own_prompt(OWN)]))
    journal.lock()
    return server


def _section(page: Page, name: str) -> None:
    page.get_by_test_id("stButtonGroup").get_by_text(name, exact=True).click()
    wait_idle(page)


def _type(page: Page, label: str, text: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Tab")  # a text area's value reaches the server on blur
    wait_idle(page)


def _open_entry(page: Page) -> None:
    go_to(page, "Supervision")
    _section(page, "Shared with me")
    page.get_by_text(ENTRY).first.click()
    wait_idle(page)


def _own_prompt_box(page: Page, text: str):
    """The text box of the saved prompt `text` (its expander opened when it is shut)."""
    title = f"{DOMAINS[0]}: {text}"
    expander = page.get_by_test_id("stExpander").filter(has_text=title)
    box = expander.get_by_role("textbox", name="Prompt", exact=True)
    if not box.is_visible():
        expander.locator("summary").click()
        expect(box).to_be_visible()
    return box


def _new_prompt_box(page: Page):
    """The text box of the prompt being added (below every saved prompt's)."""
    return page.get_by_role("textbox", name="Prompt", exact=True).last


def _type_into(page: Page, box, text: str) -> None:
    box.fill(text)
    box.press("Tab")
    wait_idle(page)


def _type_everything(page: Page) -> None:
    _open_entry(page)
    _type(page, "Your comment", COMMENT)
    _section(page, "Supervision log")
    _type(page, "Notes", NOTES)
    go_to(page, "Settings")
    _type_into(page, _own_prompt_box(page, OWN), EDITED)
    _type_into(page, _new_prompt_box(page), PROMPT)
    _type(page, "Instrument name", INSTRUMENT)
    _type(page, "Items, one a line: `label` or `label | your wording | client's wording`", ITEMS)


def _items(page: Page):
    return page.get_by_role("textbox", name="Items, one a line", exact=False)


def _everything_is_there(page: Page, blank: bool = False) -> None:
    """Each screen shows what was typed (or, once saved, starts empty)."""

    def shows(box, text: str) -> None:
        expect(box).to_have_value("" if blank else text)

    _open_entry(page)
    shows(page.get_by_role("textbox", name="Your comment"), COMMENT)
    _section(page, "Supervision log")
    shows(page.get_by_role("textbox", name="Notes"), NOTES)
    go_to(page, "Settings")
    # the edit is kept until saved; once saved, the prompt shows what was saved
    expect(_own_prompt_box(page, EDITED if blank else OWN)).to_have_value(EDITED)
    shows(_new_prompt_box(page), PROMPT)
    shows(page.get_by_role("textbox", name="Instrument name"), INSTRUMENT)
    shows(_items(page), ITEMS)


def _lock_and_unlock(page: Page) -> None:
    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    unlock(page, PASSPHRASE)


def _save_everything(page: Page, fill_minutes: Callable[[Page], None]) -> None:
    _open_entry(page)
    page.get_by_role("button", name="Add comment").click()
    wait_idle(page)
    _section(page, "Supervision log")
    fill_minutes(page)
    page.get_by_role("button", name="Save supervision session").click()
    wait_idle(page)
    expect(page.get_by_text("saved (60 minutes)")).to_be_visible()
    go_to(page, "Settings")
    _own_prompt_box(page, OWN)
    page.get_by_role("button", name="Save changes").click()
    wait_idle(page)
    # saved: the prompt's title now reads the edit (the one-run "Saved." notice can be
    # gone before the browser looks, when the edited box's own rerun follows at once)
    edited = page.get_by_test_id("stExpander").filter(has_text=f"{DOMAINS[0]}: {EDITED}")
    expect(edited).to_have_count(1)
    page.get_by_role("button", name="Add prompt").click()
    wait_idle(page)
    expect(page.get_by_text("Prompt added.")).to_be_visible()
    page.get_by_role("button", name="Add instrument").click()
    wait_idle(page)
    expect(page.get_by_text(f"Instrument '{INSTRUMENT}' added.")).to_be_visible()


def _visit_every_other_page(page: Page) -> None:
    # Home's heading is the journal's name, so it is reached by its link and that heading
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name="practice", level=1)).to_be_visible()
    wait_idle(page)
    for title in OTHER_PAGES:
        go_to(page, title)


def _restart(page: Page, server: Server) -> Server:
    """Stop the server, start it again on the same data folder, open the app and unlock."""
    stop_server(server)
    restarted = start_server(server.data_dir)
    open_app(page, restarted)
    unlock(page, PASSPHRASE)
    return restarted


def _minutes(page: Page) -> None:
    box = page.get_by_role("spinbutton", name="Minutes")
    box.fill("60")
    box.press("Tab")
    wait_idle(page)


def test_text_on_every_screen_survives_pages_a_lock_and_a_restart_until_saved(
    page: Page, supervisor: Server
) -> None:
    open_app(page, supervisor)
    unlock(page, PASSPHRASE)
    _type_everything(page)

    _visit_every_other_page(page)  # a page switch drops the state of widgets not kept
    _everything_is_there(page)

    _lock_and_unlock(page)  # a lock wipes the session: the drafts bring the text back
    _everything_is_there(page)

    restarted = _restart(page, supervisor)  # so does a server restart
    try:
        _everything_is_there(page)
        _save_everything(page, _minutes)
        _lock_and_unlock(page)
        _everything_is_there(page, blank=True)
        page.get_by_role("button", name="Lock", exact=True).click()
        wait_idle(page)
    finally:
        stop_server(restarted)
    journal = keyslots.unlock(supervisor.data_dir / "practice.journal", PASSPHRASE)
    try:
        assert [(d.key, d.fields) for d in journal.all(Draft)] == []
        assert [p["text"] for p in journal.settings.custom_prompts] == [EDITED, PROMPT]
    finally:
        journal.lock()
