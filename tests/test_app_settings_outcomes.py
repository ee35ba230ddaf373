"""AppTest of Settings → outcome measures: your own measure defined, refused with the field
named (nothing saved), edited, kept while a client uses it; the not-on-track session."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from practice import own_measures
from prompts.outcomes import measures_for
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Client, Draft
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate

SETTINGS = "pages/screens/settings.py"
NEW = "own_outcome_new"
OWN = {
    "id": "low-mood-check",
    "name": "Low mood check",
    "min_score": 0,
    "max_score": 3,
    "decimals": 0,
    "higher_is_better": False,
    "reliable_change": 3,
    "cutoff": 5,
    "items": [{"id": "sleep", "label": "Sleep"}, {"id": "mood", "label": "Mood"}],
}


@pytest.fixture
def with_own_measure(journal_path: Path, empty_template: JournalTemplate) -> Path:
    """A journal holding OWN, given to client C-801; C-802 has none."""
    journal = empty_template.open(journal_path)
    journal.save_settings(dataclasses.replace(journal.settings, custom_outcomes=[OWN]))
    journal.save_all([Client(code="C-801", outcome_measure=OWN["id"]), Client(code="C-802")])
    journal.lock()
    return journal_path


def open_settings() -> AppTest:
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(SETTINGS).run()
    assert not at.exception and at.title[0].value == "Settings"
    return at


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def type_measure(at: AppTest, prefix: str = NEW, **fields: object) -> AppTest:
    """Fill a measure's fields: name, items (one a line), range, direction, cutoff and
    reliable change."""
    values = {
        "name": "Low mood check",
        "items": "Sleep\nMood",
        "min": 0,
        "max": 3,
        "direction": False,
        "cutoff": 4.0,
        "reliable": 2.0,
    } | fields
    at.text_input(key=f"{prefix}_name").input(values["name"])
    at.text_area(key=f"{prefix}_items").input(values["items"])
    at.number_input(key=f"{prefix}_min").set_value(values["min"])
    at.number_input(key=f"{prefix}_max").set_value(values["max"])
    at.radio(key=f"{prefix}_direction").set_value(values["direction"])
    at.number_input(key=f"{prefix}_cutoff").set_value(values["cutoff"])
    at.number_input(key=f"{prefix}_reliable").set_value(values["reliable"])
    return at


def test_a_measure_of_your_own_is_defined_with_an_id_from_its_name(journal_path: Path) -> None:
    at = type_measure(open_settings(), direction=True, items="Sleep\nMood\nEnergy")
    at = click(at, "Add measure")
    assert errors(at) == []
    assert successes(at) == ["Measure 'Low mood check' added."]
    (data,) = journal_of(at).settings.custom_outcomes
    assert data["id"] == "low-mood-check"
    assert [i["label"] for i in data["items"]] == ["Sleep", "Mood", "Energy"]
    assert (data["higher_is_better"], data["cutoff"], data["reliable_change"]) == (True, 4, 2)
    measure = measures_for(journal_of(at).settings)["low-mood-check"]
    assert (measure.scores_only, measure.total_max) == (True, 9)
    # listed, and the fields empty for the next one
    assert any(
        "Low mood check: 3 items, 0-3 each, higher is better" in e.label for e in at.expander
    )
    assert at.text_input(key=f"{NEW}_name").value == ""
    assert journal_of(at).all(Draft) == []


def test_a_cutoff_outside_the_range_is_named_and_nothing_is_saved(journal_path: Path) -> None:
    at = click(type_measure(open_settings(), cutoff=20.0), "Add measure")
    assert errors(at) == ["Clinical cutoff: 20 is outside the total range 0-6. Nothing was saved."]
    assert journal_of(at).settings.custom_outcomes == []
    assert at.text_input(key=f"{NEW}_name").value == "Low mood check"  # kept to correct


def test_a_second_measure_with_the_same_name_is_refused(with_own_measure: Path) -> None:
    at = click(type_measure(open_settings()), "Add measure")
    assert errors(at) == [
        "Measure name: 'Low mood check' is already the name of a measure. Nothing was saved."
    ]
    assert len(journal_of(at).settings.custom_outcomes) == 1


def test_a_measure_is_edited_and_keeps_its_id(with_own_measure: Path) -> None:
    at = open_settings()
    prefix = f"own_outcome_{OWN['id']}"
    assert at.text_input(key=f"{prefix}_name").value == "Low mood check"
    assert at.text_area(key=f"{prefix}_items").value == "Sleep\nMood"
    at.text_input(key=f"{prefix}_name").input("Mood check")
    at.text_area(key=f"{prefix}_items").input("Sleep\nMood\nHope")
    at.number_input(key=f"{prefix}_cutoff").set_value(6.0)
    at = click(at, "Save measure")
    assert errors(at) == []
    (data,) = journal_of(at).settings.custom_outcomes
    assert (data["id"], data["name"], data["cutoff"]) == ("low-mood-check", "Mood check", 6)
    assert [i["id"] for i in data["items"]] == ["sleep", "mood", "hope"]


def test_an_edit_out_of_range_is_named_and_the_saved_measure_stays(
    with_own_measure: Path,
) -> None:
    at = open_settings()
    prefix = f"own_outcome_{OWN['id']}"
    at.number_input(key=f"{prefix}_reliable").set_value(9.0)
    at = click(at, "Save measure")
    assert errors(at) == ["Reliable change: is larger than the whole range (6). Nothing was saved."]
    assert journal_of(at).settings.custom_outcomes == [OWN]


def test_a_measure_a_client_uses_is_not_removed_and_the_client_is_named(
    with_own_measure: Path,
) -> None:
    at = click(open_settings(), "Remove measure")
    (message,) = errors(at)
    assert "C-801" in message and "C-802" not in message
    assert message.endswith("Nothing was saved.")
    assert journal_of(at).settings.custom_outcomes == [OWN]

    journal = journal_of(at)
    client = journal.client_by_code("C-801")
    journal.save(dataclasses.replace(client, outcome_measure=""))
    at = click(at.run(), "Remove measure")
    assert errors(at) == []
    assert journal_of(at).settings.custom_outcomes == []
    assert successes(at) == ["Measure 'Low mood check' removed."]


def test_the_not_on_track_session_is_saved(journal_path: Path) -> None:
    at = open_settings()
    assert at.number_input(key="not_on_track_session").value == 6
    at.number_input(key="not_on_track_session").set_value(8)
    at = click(at, "Save not-on-track setting")
    assert journal_of(at).settings.not_on_track_session == 8
    assert successes(at) == ["Not on track: no reliable improvement by session 8."]
    assert at.number_input(key="not_on_track_session").value == 8


@pytest.mark.parametrize("session", [1, 31])
def test_a_not_on_track_session_outside_2_to_30_is_refused(journal: Journal, session: int) -> None:
    with pytest.raises(InvalidRecord, match="from 2 to 30"):
        own_measures.set_not_on_track_session(journal, session)
    assert journal.settings.not_on_track_session == 6
