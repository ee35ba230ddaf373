"""AppTest of Supervision → Supervision log: add a session, the monthly target and chart,
moving a session to the trash."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from sharing import keys
from sharing.identity import new_identity
from storage.journal import Journal
from storage.records import SupervisionMeeting
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate

SUPERVISION = "pages/screens/supervision.py"
SAVE = "Save supervision session"
SUPERVISOR = "Dr Quillon Example"


def open_log(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(SUPERVISION).run()
    return at.segmented_control(key="sv_section").set_value("Supervision log").run()


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


def widget(elements, label: str):
    return next(w for w in elements if w.label == label)


def fill_form(
    at: AppTest,
    day: date | None = None,
    minutes: int | None = 60,
    supervisor: str = "",
    functions: tuple[str, ...] = (),
    notes: str = "",
) -> AppTest:
    widget(at.date_input, "Date").set_value(day or date.today())
    widget(at.number_input, "Minutes").set_value(minutes)
    name_box = next(t for t in at.text_input if t.label.startswith("Supervisor's name"))
    name_box.input(supervisor)
    widget(at.multiselect, "Proctor functions").set_value(list(functions))
    widget(at.text_area, "Notes").input(notes)
    return click(at, SAVE)


def chart_data(at: AppTest) -> list[pd.DataFrame]:
    """The datasets of the hours chart, as the browser receives them."""
    (chart,) = at.get("vega_lite_chart")
    return [pa.ipc.open_stream(io.BytesIO(d.data.data)).read_pandas() for d in chart.proto.datasets]


def test_a_saved_session_is_stored_and_listed_newest_first(journal_path: Path) -> None:
    at = open_log(app())
    older = date.today() - timedelta(days=40)
    at = fill_form(at, older, 50, "Dr Older Example", ("normative",), "caseload review")
    at = fill_form(at, date.today(), 90, SUPERVISOR, ("formative", "restorative"), "ruptures")
    assert not at.exception and not errors(at)
    assert "saved (90 minutes)" in at.success[0].value

    stored = sorted(journal_of(at).all(SupervisionMeeting), key=lambda m: m.date)
    assert [(m.date, m.minutes, m.supervisor) for m in stored] == [
        (older, 50, "Dr Older Example"),
        (date.today(), 90, SUPERVISOR),
    ]
    assert stored[1].functions == ["formative", "restorative"]
    assert stored[1].notes == "ruptures"

    table = at.dataframe[0].value
    assert list(table["Supervisor"]) == [SUPERVISOR, "Dr Older Example"]
    assert list(table["Minutes"]) == [90, 50]
    assert table["Functions"].iloc[0] == "formative, restorative"
    # the form starts empty again for the next session
    assert widget(at.number_input, "Minutes").value is None


@pytest.mark.parametrize(
    ("day", "minutes", "field"),
    [
        (date.today() + timedelta(days=1), 60, "Date"),
        (None, None, "Minutes"),
        (None, 0, "Minutes"),
    ],
    ids=["future date", "no minutes", "zero minutes"],
)
def test_a_bad_field_is_named_and_nothing_is_written(
    journal_path: Path, day: date | None, minutes: int | None, field: str
) -> None:
    at = open_log(app())
    at = fill_form(at, day, minutes, SUPERVISOR, notes="kept on screen")
    (error,) = errors(at)
    assert field in error and "Nothing was saved" in error
    assert journal_of(at).all(SupervisionMeeting) == []
    assert widget(at.text_area, "Notes").value == "kept on screen"  # nothing typed is lost


@pytest.fixture
def with_supervisor(journal_path: Path, empty_template: JournalTemplate) -> Path:
    journal = empty_template.open(journal_path)
    card = new_identity().public_card(SUPERVISOR)
    keys.pin_contact(journal, card.to_text(), card.fingerprint, "supervisor", SUPERVISOR)
    journal.lock()
    return journal_path


def test_a_pinned_supervisor_can_be_picked_by_name(with_supervisor: Path) -> None:
    at = open_log(app())
    picker = widget(at.selectbox, "Supervisor")
    assert picker.value == SUPERVISOR
    at = fill_form(at, minutes=60)
    (meeting,) = journal_of(at).all(SupervisionMeeting)
    assert meeting.supervisor == SUPERVISOR


def test_a_typed_name_with_a_pinned_supervisor_chosen_is_refused(with_supervisor: Path) -> None:
    at = open_log(app())
    at = fill_form(at, minutes=60, supervisor="Dr Other Example")
    (error,) = errors(at)
    assert error.startswith("Supervisor:")
    assert journal_of(at).all(SupervisionMeeting) == []


def test_the_target_is_saved_and_drawn(journal_path: Path) -> None:
    at = open_log(app())
    at = fill_form(at, minutes=100)  # 1.67 hours: meets the default 1.5
    bars, rule = chart_data(at)
    assert list(bars["status"]) == ["Target met"] and list(rule["target"]) == [1.5]

    at.number_input(key="sv_target").set_value(2.0)
    at = click(at, "Save target")
    assert journal_of(at).settings.supervision_target_hours == 2.0
    bars, rule = chart_data(at)
    assert list(rule["target"]) == [2.0]
    assert list(bars["status"]) == ["Below target"]
    assert "target met in 0 of 1 month" in at.markdown[0].value


def test_without_sessions_the_chart_says_so(journal_path: Path) -> None:
    at = open_log(app())
    (message,) = chart_data(at)
    assert list(message["message"]) == ["No supervision sessions logged yet"]


@pytest.mark.parametrize(("answer", "trashed"), [("Move to trash", True), ("Cancel", False)])
def test_deleting_asks_first_then_moves_the_session_to_the_trash(
    journal_path: Path, answer: str, trashed: bool
) -> None:
    at = open_log(app())
    at = fill_form(at, minutes=45, supervisor=SUPERVISOR)
    (meeting,) = journal_of(at).all(SupervisionMeeting)
    at = click(at, "Delete supervision session")
    assert journal_of(at).all(SupervisionMeeting) == [meeting]  # not before the answer
    assert "to the trash?" in at.warning[0].value
    at = click(at, answer)
    assert not at.exception
    journal = journal_of(at)
    assert (journal.all(SupervisionMeeting) == []) is trashed
    assert ([e.record.id for e in journal.trash()] == [meeting.id]) is trashed
    assert not at.warning
