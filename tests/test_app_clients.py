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


def test_a_client_is_added_on_clients_with_goals_and_instrument(two_clients: Path) -> None:
    at = open_clients()
    at.text_input(key="cl_new_code").input("C-503")
    at.text_area(key="cl_new_goals").input("Sleep through the night")
    at.selectbox(key="cl_new_instrument").set_value("srs")
    at = next(b for b in at.button if b.label == "Add client").click().run()
    assert at.success[0].value == "C-503 added."
    added = at.session_state["journal"].client_by_code("C-503")
    assert (added.goals, added.instrument) == ("Sleep through the night", "srs")


def test_a_used_code_is_refused_and_nothing_added(two_clients: Path) -> None:
    at = open_clients()
    at.text_input(key="cl_new_code").input("C-501")
    at = next(b for b in at.button if b.label == "Add client").click().run()
    assert "already used" in at.error[0].value
    assert len(at.session_state["journal"].all(Client)) == 2


def test_alias_goals_and_instrument_are_edited(two_clients: Path) -> None:
    at = open_clients()
    client = at.session_state["journal"].client_by_code("C-501")
    at.text_input(key=f"cl_alias_{client.id}").input("Wren")
    at.text_area(key=f"cl_goals_{client.id}").input("Return to work")
    at.selectbox(key=f"cl_instrument_{client.id}").set_value("srs")
    at = click(at, "Save changes")
    assert at.success[0].value == "C-501 saved."
    saved = at.session_state["journal"].client_by_code("C-501")
    assert (saved.alias, saved.goals, saved.instrument) == ("Wren", "Return to work", "srs")
    # the session already rated keeps its instrument
    assert at.session_state["journal"].all(Estimate)[0].instrument == "sac4"


def test_an_ended_client_is_marked_in_reflects_list(two_clients: Path) -> None:
    at = click(open_clients(), "End client")
    at = at.switch_page("pages/screens/reflect.py").run()
    assert "C-501 (ended)" in at.selectbox(key="rf_client").options
    assert "C-502" in at.selectbox(key="rf_client").options
