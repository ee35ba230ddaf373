"""In Chromium: once a client's feedback falls well below their usual, Reflect says
"Possible rupture" in plain words, with the rule, the client's usual score and today's,
and shows the client's comment beside it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from storage.records import Client, Estimate, Feedback, Session
from tests.e2e.harness import Server, choose_scores, go_to, new_journal, open_app, unlock, wait_idle

pytestmark = pytest.mark.browser
PASSPHRASE = "rupture lamp river stone"
ITEMS = ("bond", "goals", "tasks", "voice")


@pytest.fixture
def practice(server: Server) -> Server:
    journal = new_journal(server.data_dir, PASSPHRASE)
    client = Client(code="C-404")
    records: list = [client]
    for n, total in enumerate((36, 37, 38, 38), start=1):
        session = Session(client.id, date(2026, 10, 1) + timedelta(weeks=n), n)
        scores = dict.fromkeys(ITEMS, total // 4) | {"bond": total // 4 + total % 4}
        records += [
            session,
            Estimate(session.id, "sac4", scores),
            Feedback(session.id, "sac4", scores),
        ]
    journal.save_all(records)
    journal.lock()
    return server


def test_a_possible_rupture_in_plain_words_with_the_usual_score_and_the_comment(
    page: Page, practice: Server
) -> None:
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    go_to(page, "Reflect")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name="C-404").click()
    wait_idle(page)
    choose_scores(page, (9, 9, 9, 9))
    page.get_by_role("button", name="Save my read").click()
    wait_idle(page)
    page.get_by_text("Type scores from paper").click()
    for item, score in zip(("Bond", "Goals", "Tasks", "Voice"), (8, 7, 7, 7), strict=True):
        page.get_by_label(item, exact=True).fill(str(score))
    page.get_by_label("Client's comment (optional)").fill("I felt rushed at the end")
    page.get_by_role("button", name="Save feedback").click()
    wait_idle(page)
    said = page.get_by_text("Possible rupture: their rating dropped below their recent average")
    expect(said).to_be_visible()
    expect(page.get_by_text("usually 37-38, today 29 (out of 40)")).to_be_visible()
    expect(page.get_by_text("I felt rushed at the end")).to_be_visible()
    expect(page.get_by_text("null")).to_have_count(0)
