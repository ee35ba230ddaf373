"""AppTest of Reflect with sessions already in the journal: one a CSV import made (feedback,
no read), yesterday's (read saved); and a date after today refused with its reason."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from practice import caseload, dates
from storage.records import Estimate, Feedback, Session
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate
from tests.test_app_reflect import MIDDLES, choose, journal_of, open_reflect, subheaders

READ = {"bond": 8, "goals": 7, "tasks": 6, "voice": 9}


def _journal_with_sessions(path: Path, template: JournalTemplate) -> dict[str, str]:
    journal = template.open(path)
    client = caseload.add_client(journal, "C-201")
    yesterday = Session(client.id, date.today() - timedelta(days=1), 2)
    caseload.record_estimate(journal, yesterday, Estimate(yesterday.id, "sac4", READ))
    # what a CSV import writes: the session and the client's feedback, no read of yours
    imported = Session(client.id, date.today() - timedelta(days=8), 1)
    journal.save_all([imported, Feedback(imported.id, "sac4", READ, source="csv")])
    journal.lock()
    return {"client": client.id, "yesterday": yesterday.id, "imported": imported.id}


def _reflect_on(ids: dict[str, str]):
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = open_reflect(click(at, "Unlock"))
    return at.selectbox(key="rf_client").set_value(ids["client"]).run()


def test_the_session_list_names_each_session_and_what_it_holds(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = _journal_with_sessions(journal_path, empty_template)
    at = _reflect_on(ids)
    shown = at.selectbox(key="rf_open_session").options  # the labels as shown
    yesterday = date.today() - timedelta(days=1)
    assert shown[:2] == ["A new session", f"Session 2 · {dates.day(yesterday, None)}"]
    assert shown[2].startswith("Session 1 · ")
    at = at.selectbox(key="rf_open_session").set_value(ids["yesterday"]).run()
    assert "Your read is saved; no feedback from your client yet." in [c.value for c in at.caption]
    at = at.selectbox(key="rf_open_session").set_value(ids["imported"]).run()
    assert "Your client's feedback is in; no read of yours yet." in [c.value for c in at.caption]


def test_yesterdays_session_opens_with_its_saved_read(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = _journal_with_sessions(journal_path, empty_template)
    at = _reflect_on(ids).selectbox(key="rf_open_session").set_value(ids["yesterday"]).run()
    assert at.session_state["rf_session_id"] == ids["yesterday"]
    assert any("Your read of session 2 is saved: 30 of 40" in s.value for s in at.success)
    assert "3. Client feedback" in subheaders(at)
    # no second session was made
    assert len(caseload.sessions_of(journal_of(at), ids["client"])) == 2


def test_a_session_from_a_csv_import_takes_a_read_marked_as_seen_first(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = _journal_with_sessions(journal_path, empty_template)
    at = _reflect_on(ids).selectbox(key="rf_open_session").set_value(ids["imported"]).run()
    assert any("feedback for this session is already in" in i.value for i in at.info)
    assert "3. Client feedback" not in subheaders(at)
    at = click(choose(at, MIDDLES), "Save my read")
    journal = journal_of(at)
    estimate = caseload.estimate_for(journal, ids["imported"])
    assert estimate is not None and estimate.total == 20
    assert len(caseload.sessions_of(journal, ids["client"])) == 2
    assert any(s.startswith("4.") for s in subheaders(at))


def test_a_date_after_today_is_refused_with_the_reason(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = _journal_with_sessions(journal_path, empty_template)
    at = _reflect_on(ids)
    at = at.date_input(key="rf_date").set_value(date.today() + timedelta(days=1)).run()
    at = click(choose(at, MIDDLES), "Save my read")
    assert any("Date: that day is after today" in e for e in errors(at))
    assert len(caseload.sessions_of(journal_of(at), ids["client"])) == 2


def _paper(at, typed: dict[str, float]):
    at = click(choose(at, MIDDLES), "Save my read")
    for item, value in typed.items():
        at.number_input(key=f"paper_item_{item}").set_value(value)
    return click(at, "Save feedback")


def test_paper_feedback_out_of_range_is_named_in_words_and_nothing_saved(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = _journal_with_sessions(journal_path, empty_template)
    at = _paper(_reflect_on(ids), {"bond": 12, "goals": 7, "tasks": 7, "voice": -1})
    (message,) = errors(at)
    assert "Bond: 12 is above Session Alliance Check (SAC-4)'s highest score, 10." in message
    assert "Voice: -1 is below" in message and message.startswith("Nothing was saved.")
    assert len(journal_of(at).all(Feedback)) == 1  # only the imported session's


def test_paper_feedback_saved_clears_the_form(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = _journal_with_sessions(journal_path, empty_template)
    at = _paper(_reflect_on(ids), {"bond": 7, "goals": 7, "tasks": 7, "voice": 7})
    assert not errors(at)
    assert all(f"paper_item_{i}" not in at.session_state for i in MIDDLES)


def test_paper_srs_scores_take_one_decimal_place(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    journal = empty_template.open(journal_path)
    client = caseload.add_client(journal, "C-301", instrument="srs")
    journal.lock()
    at = _reflect_on({"client": client.id})
    srs = {"relationship": 9, "goals_topics": 9, "approach": 9, "overall": 9}
    at = click(choose(at, srs), "Save my read")
    typed = {"relationship": 7.5, "goals_topics": 8.2, "approach": 9, "overall": 10}
    for item, value in typed.items():
        at.number_input(key=f"paper_item_{item}").set_value(value)
    at = click(at, "Save feedback")
    assert not errors(at)
    (feedback,) = journal_of(at).all(Feedback)
    assert feedback.items == {
        "relationship": 7.5,
        "goals_topics": 8.2,
        "approach": 9,
        "overall": 10,
    }
    assert any("Your client's rating: 34.7 of 40" in w.value for w in [*at.info, *at.warning])


def test_a_read_and_a_feedback_score_are_corrected_with_the_earlier_values_shown(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = _journal_with_sessions(journal_path, empty_template)
    at = _reflect_on(ids).selectbox(key="rf_open_session").set_value(ids["yesterday"]).run()
    estimate = caseload.estimate_for(journal_of(at), ids["yesterday"])
    at.number_input(key=f"fix_{estimate.id}_bond").set_value(3)
    at = click(at, "Save correction")
    assert any("Corrected: total now 25" in s.value for s in at.success)
    assert caseload.estimate_for(journal_of(at), ids["yesterday"]).items["bond"] == 3
    assert at.button_group(key="rf_item_bond").value == 3  # the read on screen follows
    assert any("Bond 8, Goals 7, Tasks 6, Voice 9 (total 30)" in c.value for c in at.caption)

    # the session's feedback, typed from paper, then corrected
    for item, value in {"bond": 7, "goals": 7, "tasks": 7, "voice": 1}.items():
        at.number_input(key=f"paper_item_{item}").set_value(value)
    at = click(at, "Save feedback")
    feedback = caseload.feedback_for(journal_of(at), ids["yesterday"])
    at.number_input(key=f"fix_{feedback.id}_voice").set_value(7)
    # the second form: your read's correction comes first on the screen
    at = [b for b in at.button if b.label == "Save correction"][1].click().run()
    assert caseload.feedback_for(journal_of(at), ids["yesterday"]).total == 28
    assert any("Voice 1 (total 22)" in c.value for c in at.caption)


def test_a_correction_out_of_range_is_refused_in_words(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = _journal_with_sessions(journal_path, empty_template)
    at = _reflect_on(ids).selectbox(key="rf_open_session").set_value(ids["yesterday"]).run()
    estimate = caseload.estimate_for(journal_of(at), ids["yesterday"])
    at.number_input(key=f"fix_{estimate.id}_goals").set_value(14)
    at = click(at, "Save correction")
    assert any("Goals: 14 is above" in e for e in errors(at))
    assert caseload.estimate_for(journal_of(at), ids["yesterday"]).items["goals"] == 7
