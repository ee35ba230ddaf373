"""AppTest of Clients: the list, ending and reopening a client, erasing one after typing
its code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage.records import Client, Estimate, Reflection, Session
from tests.apptest import app, click
from tests.conftest import PASSPHRASE, JournalTemplate

CLIENTS = "pages/screens/clients.py"


@pytest.fixture
def two_clients(journal_path: Path, empty_template: JournalTemplate) -> Path:
    journal = empty_template.open(journal_path)
    for code, day in (("C-501", date(2026, 2, 2)), ("C-502", date(2026, 2, 3))):
        client = Client(code=code)
        session = Session(client_id=client.id, date=day, number=1)
        journal.save_all(
            [
                client,
                session,
                Estimate(session.id, "sac4", {"goals": 6}),
                Reflection(session_id=session.id, client_id=client.id, free_text=f"{code} note"),
            ]
        )
    journal.lock()
    return journal_path


def open_clients() -> AppTest:
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    return click(at, "Unlock").switch_page(CLIENTS).run()


def erase_button(at: AppTest):
    return next(b for b in at.button if b.label.startswith("Erase client and"))


def test_the_list_shows_each_client_with_sessions_and_latest_scores(two_clients: Path) -> None:
    at = open_clients()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Client"]) == ["C-501", "C-502"]
    assert list(table["Sessions"]) == [1, 1]
    assert list(table["Latest estimate"]) == ["6", "6"]


def test_ending_then_reopening_a_client(two_clients: Path) -> None:
    at = open_clients()
    at = click(at, "End client")
    assert at.success[0].value == "C-501 ended."
    assert list(at.dataframe[0].value["Client"]) == ["C-502", "C-501"]
    ended = at.session_state["journal"].client_by_code("C-501")
    at = at.selectbox(key="cl_client").set_value(ended.id).run()
    at = click(at, "Reopen client")
    assert at.success[0].value == "C-501 reopened."


def test_erasing_waits_for_the_exact_code_then_removes_the_client(two_clients: Path) -> None:
    at = open_clients()
    assert erase_button(at).label == "Erase client and 4 records"
    assert erase_button(at).disabled
    confirm = next(t for t in at.text_input if t.label == "Type C-501 to confirm")
    at = confirm.input("c-501").run()
    assert erase_button(at).disabled
    confirm = next(t for t in at.text_input if t.label == "Type C-501 to confirm")
    at = confirm.input("C-501").run()
    at = erase_button(at).click().run()
    assert at.success[0].value == "C-501 erased: 4 records removed for good."
    journal = at.session_state["journal"]
    assert journal.client_by_code("C-501") is None
    assert journal.search("C-501 note", include_trash=True) == []
    assert list(at.dataframe[0].value["Client"]) == ["C-502"]
