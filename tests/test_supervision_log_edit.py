"""The supervision log: group supervision is a type of session, and a logged session can
be edited (the earlier version kept), both as functions and on the screen (AppTest)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.supervision import edited_meeting, log_rows, new_meeting
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import SupervisionMeeting, from_plain, to_plain
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate

SUPERVISION = "pages/screens/supervision.py"
TODAY = date(2026, 5, 20)


def test_a_group_session_is_checked_and_kept_as_a_group() -> None:
    made = new_meeting(TODAY, 90, "Dr Group", ["formative"], "", TODAY, kind="group")
    assert made.type == "group"
    assert new_meeting(TODAY, 60, "", [], "", TODAY).type == "individual"
    with pytest.raises(InvalidRecord, match="Type peer is not one of individual, group"):
        new_meeting(TODAY, 60, "", [], "", TODAY, kind="peer")


def test_the_log_says_which_sessions_were_group_supervision() -> None:
    rows = log_rows(
        [
            new_meeting(TODAY, 90, "", [], "", TODAY, kind="group"),
            new_meeting(TODAY - timedelta(days=7), 60, "", [], "", TODAY),
        ]
    )
    assert [r["Type"] for r in rows] == ["group", "individual"]


def test_a_session_logged_before_types_existed_reads_as_individual() -> None:
    plain = to_plain(SupervisionMeeting(date=TODAY, minutes=60))
    del plain["type"]
    assert from_plain("supervision", "m1", json.loads(json.dumps(plain))).type == "individual"


def test_an_edited_session_is_the_next_revision_of_the_same_entry(journal: Journal) -> None:
    meeting = new_meeting(TODAY, 60, "Dr Example", [], "first notes", TODAY)
    journal.save(meeting)
    changed = new_meeting(TODAY, 75, "Dr Example", ["restorative"], "notes", TODAY, kind="group")
    journal.save(edited_meeting(meeting, changed))
    (stored,) = journal.all(SupervisionMeeting)
    assert (stored.id, stored.minutes, stored.type) == (meeting.id, 75, "group")
    assert [e.record.notes for e in journal.history(meeting.id)] == ["first notes", "notes"]


# --- on the screen --------------------------------------------------------------------------


def open_log(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(SUPERVISION).run()
    return at.segmented_control(key="sv_section").set_value("Supervision log").run()


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


@pytest.fixture
def logged(journal_path: Path, empty_template: JournalTemplate) -> SupervisionMeeting:
    """A journal with one individual session, 60 minutes, a week ago."""
    journal = empty_template.open(journal_path)
    meeting = SupervisionMeeting(
        date=date.today() - timedelta(days=7), minutes=60, supervisor="Dr Example"
    )
    journal.save(meeting)
    journal.lock()
    return meeting


def test_a_group_session_is_added_from_the_form(journal_path: Path) -> None:
    at = open_log(app())
    at.number_input(key="sv_log_minutes").set_value(120)
    at.radio(key="sv_log_type").set_value("group")
    at.text_input(key="sv_log_name").input("Dr Group")
    at = click(at, "Save supervision session")
    assert not at.exception and not errors(at)
    (meeting,) = journal_of(at).all(SupervisionMeeting)
    assert (meeting.type, meeting.minutes) == ("group", 120)
    assert list(at.dataframe[0].value["Type"]) == ["group"]
    assert at.radio(key="sv_log_type").value == "individual"  # the form starts afresh


def test_a_logged_session_is_edited_and_its_earlier_version_kept(
    logged: SupervisionMeeting,
) -> None:
    at = click(open_log(app()), "Edit supervision session")
    assert at.text_area(key="sv_log_edit_notes").value == ""
    assert at.number_input(key="sv_log_edit_minutes").value == 60
    at.number_input(key="sv_log_edit_minutes").set_value(90)
    at.radio(key="sv_log_edit_type").set_value("group")
    at.text_area(key="sv_log_edit_notes").input("Group case discussion.")
    at = click(at, "Save changes")
    assert not at.exception and not errors(at)
    assert any("changed" in s.value for s in at.success)
    journal = journal_of(at)
    (stored,) = journal.all(SupervisionMeeting)
    assert (stored.id, stored.minutes, stored.type, stored.notes) == (
        logged.id,
        90,
        "group",
        "Group case discussion.",
    )
    assert [e.record.minutes for e in journal.history(logged.id)] == [60, 90]
    assert list(at.dataframe[0].value["Minutes"]) == [90]
    assert not [t for t in at.text_area if t.key == "sv_log_edit_notes"]  # the form closed


def test_an_edit_with_a_bad_field_is_refused_and_keeps_what_was_typed(
    logged: SupervisionMeeting,
) -> None:
    at = click(open_log(app()), "Edit supervision session")
    at.date_input(key="sv_log_edit_date").set_value(date.today() + timedelta(days=3))
    at.text_area(key="sv_log_edit_notes").input("kept on screen")
    at = click(at, "Save changes")
    (error,) = errors(at)
    assert "in the future" in error and "Nothing was saved" in error
    (stored,) = journal_of(at).all(SupervisionMeeting)
    assert stored.date == logged.date and len(journal_of(at).history(logged.id)) == 1
    assert at.text_area(key="sv_log_edit_notes").value == "kept on screen"


def test_an_edit_being_typed_survives_a_new_browser_session(logged: SupervisionMeeting) -> None:
    at = click(open_log(app()), "Edit supervision session")
    at.text_area(key="sv_log_edit_notes").input("Typed before the lock.")
    at = at.run()
    # a lock or a closed tab: a new session unlocks the same journal
    again = open_log(app())
    assert again.text_area(key="sv_log_edit_notes").value == "Typed before the lock."
    again = click(again, "Cancel")
    assert not [t for t in again.text_area if t.key == "sv_log_edit_notes"]
    assert journal_of(again).all(SupervisionMeeting)[0].notes == ""
