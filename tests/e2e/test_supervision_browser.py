"""In Chromium, two journals on one machine run the whole supervision loop: swap and pin
key cards, share a reviewed entry, import it as the supervisor, comment, send the
comments back, and read them next to the entry."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from storage.records import Answer, Client, Estimate, Reflection, Session
from tests.conftest import sweep_for_canary
from tests.e2e.harness import (
    Server,
    go_to,
    new_journal,
    open_app,
    shot,
    start_server,
    stop_server,
    unlock,
    wait_idle,
)

pytestmark = pytest.mark.browser
SUPERVISEE_PASSPHRASE = "supervisee lamp river stone"
SUPERVISOR_PASSPHRASE = "supervisor maple cloud nine"
ALIAS = "Wrenna"
CANARY = "SUPERVISIONCANARY93kdQ"


@pytest.fixture
def supervisee(server: Server) -> Server:
    journal = new_journal(server.data_dir, SUPERVISEE_PASSPHRASE)
    client = Client(code="C-101", alias=ALIAS)
    session = Session(client_id=client.id, date=date(2026, 11, 2), number=1)
    journal.save_all(
        [
            client,
            session,
            Estimate(session.id, "sac4", {"bond": 6, "goals": 7, "tasks": 5, "voice": 6}),
            Reflection(
                session_id=session.id,
                client_id=client.id,
                framework="gibbs",
                answers=[Answer("p-1", "What did I notice?", f"{ALIAS} went quiet at the fee.")],
                next_step=f"Ask about the quiet. {CANARY}",
                flagged_for_supervision=True,
            ),
        ]
    )
    journal.lock()
    return server


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Server]:
    data_dir = tmp_path / "supervisor"
    data_dir.mkdir()
    new_journal(data_dir, SUPERVISOR_PASSPHRASE).lock()
    running = start_server(data_dir)
    yield running
    stop_server(running)


def second_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    return opened


def section(page: Page, name: str) -> None:
    page.get_by_test_id("stButtonGroup").get_by_text(name, exact=True).click()
    wait_idle(page)


def my_card(page: Page) -> tuple[str, str]:
    """The card text and fingerprint shown under Keys."""
    section(page, "Keys")
    card = page.locator("[data-testid='stCode'] code").first.inner_text()
    fingerprint = page.get_by_test_id("stMetric").filter(has_text="Your fingerprint")
    value = fingerprint.get_by_test_id("stMetricValue").inner_text()
    return card, value.strip()


def pin(page: Page, card: str, fingerprint: str, name: str, role: str) -> None:
    section(page, "Keys")
    page.get_by_role("textbox", name="Their key card").fill(card)
    page.get_by_role("textbox", name="Their name").fill(name)
    page.get_by_text(role, exact=True).click()
    page.get_by_role("textbox", name="Fingerprint as they read it to you").fill(fingerprint)
    wait_idle(page)
    page.get_by_role("button", name="Pin contact").click()
    wait_idle(page)
    expect(page.get_by_text(f"{name} pinned as")).to_be_visible()


def download(page: Page, button: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_the_supervision_loop_between_two_journals(
    page: Page, browser: Browser, supervisee: Server, supervisor: Server, tmp_path: Path
) -> None:
    started = time.time()
    other = second_page(browser)
    open_app(page, supervisee)
    unlock(page, SUPERVISEE_PASSPHRASE)
    go_to(page, "Supervision")
    open_app(other, supervisor)
    unlock(other, SUPERVISOR_PASSPHRASE)
    go_to(other, "Supervision")

    # swap cards and compare fingerprints
    their_card, their_fingerprint = my_card(other)
    my_card_text, my_fingerprint = my_card(page)
    pin(page, their_card, their_fingerprint, "Dr Vale", "My supervisor")
    pin(other, my_card_text, my_fingerprint, "Sam", "My supervisee")

    # share one reviewed entry
    section(page, "Share")
    page.get_by_text("C-101 · session 1").click()
    wait_idle(page)
    expect(page.locator("mark", has_text=ALIAS)).to_be_visible()
    shot(page, "supervision", tmp_path)
    make = page.get_by_role("button", name="Make bundle")
    expect(make).to_be_disabled()
    page.get_by_role("button", name="Redact all undecided").click()
    wait_idle(page)
    expect(make).to_be_enabled()
    expect(page.get_by_text("A bundle cannot be recalled once it is sent")).to_be_visible()
    make.click()
    wait_idle(page)
    bundle = download(page, "Download bundle", tmp_path)

    # the supervisor imports it (twice: the second changes nothing) and comments
    section(other, "Shared with me")
    other.locator("input[type='file']").set_input_files(str(bundle))
    wait_idle(other)
    other.get_by_role("button", name="Import bundle").click()
    wait_idle(other)
    expect(other.get_by_text("Imported 1 entry from Sam.")).to_be_visible()
    other.get_by_text("Client A · session 1").click()
    expect(other.get_by_text("[alias] went quiet at the fee.")).to_be_visible()
    expect(other.get_by_text(ALIAS)).to_have_count(0)
    other.get_by_label("Your comment").fill("What did the fee stir in you?")
    other.get_by_role("button", name="Add comment").click()
    wait_idle(other)
    other.get_by_role("button", name="Make comments bundle").click()
    wait_idle(other)
    comments = download(other, "Download comments bundle", tmp_path)

    # the comments come back next to the entry
    section(page, "Comments")
    page.locator("input[type='file']").set_input_files(str(comments))
    wait_idle(page)
    page.get_by_role("button", name="Import comments").click()
    wait_idle(page)
    expect(page.get_by_text("Imported 1 new comment (0 updated) from Dr Vale.")).to_be_visible()
    expect(page.get_by_text("C-101 · session 1 · 02 Nov 2026")).to_be_visible()
    expect(page.get_by_text("What did the fee stir in you?")).to_be_visible()
    other.context.close()
    sweep_for_canary(CANARY, [supervisee.data_dir, supervisor.data_dir], started)
