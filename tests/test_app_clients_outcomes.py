"""AppTest of Clients → outcome measure: chosen when a client is added, changed or taken
away when edited, named in the list; the chosen measure's licence or "scores only" shown
under the choice, your profession's measures offered first."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.clients.outcome_measure import measure_order
from prompts.outcomes import builtin_measures
from storage.records import Client, Settings
from tests.apptest import app, click
from tests.conftest import PASSPHRASE, JournalTemplate

CLIENTS = "pages/screens/clients.py"
OWN = {
    "id": "low-mood-check",
    "name": "Low mood check",
    "min_score": 0,
    "max_score": 3,
    "decimals": 0,
    "higher_is_better": False,
    "reliable_change": 3,
    "items": [{"id": "sleep", "label": "Sleep"}, {"id": "mood", "label": "Mood"}],
}


@pytest.fixture
def practice(journal_path: Path, empty_template: JournalTemplate) -> Path:
    """A journal with one client and a measure of your own."""
    journal = empty_template.open(journal_path)
    journal.save(Client(code="C-601"))
    journal.save_settings(dataclasses.replace(journal.settings, custom_outcomes=[OWN]))
    journal.lock()
    return journal_path


def open_clients() -> AppTest:
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(CLIENTS).run()
    assert not at.exception
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def measure_column(at: AppTest) -> dict[str, str]:
    table = at.dataframe[0].value
    return dict(zip(table["Client"], table["Outcome measure"], strict=True))


def test_a_client_added_with_the_phq9_has_it_and_the_list_names_it(practice: Path) -> None:
    at = open_clients()
    assert measure_column(at) == {"C-601": "none"}
    at.text_input(key="cl_new_code").input("C-602")
    at = at.selectbox(key="cl_new_measure").set_value("phq9").run()
    # the licence is shown beside the choice before the client is added
    assert any("Pfizer" in c and "No permission required" in c for c in captions(at))
    at = click(at, "Add client")
    assert at.success[0].value == "C-602 added."
    added = at.session_state["journal"].client_by_code("C-602")
    assert added.outcome_measure == "phq9"
    assert measure_column(at) == {"C-601": "none", "C-602": "PHQ-9"}
    # the fields are empty again for the next client
    assert at.text_input(key="cl_new_code").value == ""
    assert at.selectbox(key="cl_new_measure").value == ""


def test_a_clients_measure_is_changed_to_none_then_to_core10(practice: Path) -> None:
    at = open_clients()
    journal = at.session_state["journal"]
    client = journal.client_by_code("C-601")
    at = at.selectbox(key=f"cl_measure_{client.id}").set_value("phq9").run()
    at = click(at, "Save changes")
    assert at.success[0].value == "C-601 saved."
    assert journal.client_by_code("C-601").outcome_measure == "phq9"

    at = at.selectbox(key=f"cl_measure_{client.id}").set_value("").run()
    at = click(at, "Save changes")
    assert journal.client_by_code("C-601").outcome_measure == ""
    assert measure_column(at) == {"C-601": "none"}

    at = at.selectbox(key=f"cl_measure_{client.id}").set_value("core10").run()
    assert any("CORE System Trust" in c for c in captions(at))
    at = click(at, "Save changes")
    assert journal.client_by_code("C-601").outcome_measure == "core10"
    assert measure_column(at) == {"C-601": "CORE-10"}


@pytest.mark.parametrize(
    ("measure", "note"),
    [
        ("ors", "Scores only. Item text is not reproduced here (licence)."),
        ("low-mood-check", "Scores only. Your own measure: only its scores are recorded."),
    ],
)
def test_the_ors_and_your_own_measures_are_said_to_be_scores_only(
    practice: Path, measure: str, note: str
) -> None:
    at = open_clients()
    at = at.selectbox(key="cl_new_measure").set_value(measure).run()
    assert any(c.startswith(note) for c in captions(at)), captions(at)


def test_the_choice_names_each_measure_and_never_shows_an_id(practice: Path) -> None:
    at = open_clients()
    options = at.selectbox(key="cl_new_measure").options
    assert options[0] == "None"
    assert {"PHQ-9", "CORE-10", "Low mood check", "Patient-Specific Functional Scale"} <= set(
        options
    )
    assert not {"phq9", "core10", "low-mood-check"} & set(options)


@pytest.mark.parametrize(
    ("profession", "first"),
    [
        ("psychotherapy/counselling", {"phq9", "gad7", "core10"}),
        ("physiotherapy", {"pain_nrs", "psfs"}),
    ],
)
def test_your_professions_measures_come_first(profession: str, first: set[str]) -> None:
    order = measure_order(builtin_measures(), profession)
    assert set(order[: len(first)]) == first
    assert sorted(order) == sorted(builtin_measures())


def test_the_choice_offers_your_own_measures_too() -> None:
    from prompts.outcomes import measures_for

    measures = measures_for(Settings(custom_outcomes=[OWN]))
    assert "low-mood-check" in measure_order(measures, "other")
