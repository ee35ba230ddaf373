"""AppTest of client feedback: the kiosk shows only the questions and locks after Submit;
scores typed from paper are checked; the blind order holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.widgets import plain
from practice import caseload
from prompts.library import builtin_library
from storage.journal import Journal
from storage.records import Estimate, Feedback, Session
from tests.apptest import app, click, errors, unlocked
from tests.conftest import PASSPHRASE

KIOSK = "pages/screens/client_feedback.py"
SAC4 = builtin_library().instruments["sac4"]


def unlock(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    return click(at, "Unlock")


def seed_session(journal: Journal, code: str = "C-5", number: int = 1) -> Session:
    client = journal.client_by_code(code) or caseload.add_client(journal, code)
    session = Session(client_id=client.id, date=date(2026, 11, number), number=number)
    estimate = Estimate("", "sac4", {"bond": 8, "goals": 8, "tasks": 7, "voice": 8})
    caseload.record_estimate(journal, session, estimate)
    return session


@pytest.fixture
def prepared(journal_path: Path, journal: Journal) -> Session:
    session = seed_session(journal)
    journal.lock()
    return session


def hand_over(at: AppTest, session: Session) -> AppTest:
    at = at.switch_page(KIOSK).run()
    client_id = session.client_id
    at = at.selectbox(key="kiosk_client").set_value(client_id).run()
    at = at.selectbox(key="kiosk_session").set_value(session.id).run()
    return click(at, "Hand to client")


def test_the_kiosk_shows_only_the_clients_questions(prepared: Session) -> None:
    at = hand_over(unlock(app()), prepared)
    assert at.title[0].value == "How was today's session?"
    questions = [m.value for m in at.markdown if m.value.startswith("## ")]
    assert questions == [f"## {plain(item.patient)}" for item in SAC4.items]  # as written
    assert not any(b.label == "Lock" for b in at.button)  # no sidebar, no way out but Submit
    shown = " ".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.success])
    assert "of 40" not in shown and "estimate" not in shown.lower()  # no past scores
    assert "C-5" in at.caption[0].value


def test_submit_saves_the_feedback_and_locks_the_journal(prepared: Session) -> None:
    at = hand_over(unlock(app()), prepared)
    journal = at.session_state["journal"]
    for item, score in {"bond": 9, "goals": 4, "tasks": 6, "voice": 0}.items():
        at.button_group(key=f"kiosk_item_{item}").set_value(score)
    at.text_area(key="kiosk_comment").input("Slower please.")
    at = click(at, "Submit")
    assert not unlocked(at)
    assert not journal.is_open
    # the client still holds the device: a neutral screen, no journal names, no way in
    shown = " ".join(m.value for m in [*at.markdown, *at.caption, *at.title])
    assert "Thank you. Your answers are saved." in shown
    assert "Journals are kept in" not in shown and "practice" not in shown
    assert not at.selectbox and not any(
        b.label in ("Unlock", "Try with demo data") for b in at.button
    )
    assert not any("Create" in e.label for e in at.expander)
    at = click(at, "I am the practitioner: show the unlock screen")
    assert any(b.label == "Unlock" for b in at.button)

    at = unlock(at)
    (feedback,) = at.session_state["journal"].all(Feedback)
    assert feedback.session_id == prepared.id
    assert feedback.items == {"bond": 9, "goals": 4, "tasks": 6, "voice": 0}  # 0 is an answer
    assert feedback.comment == "Slower please."
    assert feedback.source == "kiosk"


def question(item_id: str) -> str:
    """An item as the kiosk names it: the client's wording, quoted, without its full stop."""
    return next(f"\u201c{i.patient.rstrip('.')}\u201d" for i in SAC4.items if i.id == item_id)


@pytest.mark.parametrize(
    ("chosen", "unanswered"),
    [({}, ["bond", "goals", "tasks", "voice"]), ({"bond": 10, "tasks": 0}, ["goals", "voice"])],
)
def test_a_submit_with_an_unanswered_question_records_nothing_and_names_it(
    prepared: Session, chosen: dict[str, int], unanswered: list[str]
) -> None:
    at = hand_over(unlock(app()), prepared)
    journal = at.session_state["journal"]
    scores = [at.button_group(key=f"kiosk_item_{item.id}") for item in SAC4.items]
    assert [s.value for s in scores] == [None] * 4  # no question starts at a value
    assert all(s.options == [str(n) for n in range(11)] for s in scores)
    for item, score in chosen.items():
        at.button_group(key=f"kiosk_item_{item}").set_value(score)
    at.text_area(key="kiosk_comment").input("Kept for a second try.")
    at = click(at, "Submit")
    named = ", ".join(question(item) for item in unanswered)
    assert errors(at) == [f"Not answered yet: {named}. Choose a score for each, nothing was saved."]
    assert journal.is_open and unlocked(at)  # still with the client, not locked
    assert journal.all(Feedback) == []
    assert at.title[0].value == "How was today's session?"
    assert at.text_area(key="kiosk_comment").value == "Kept for a second try."
    for item in SAC4.items:
        assert at.button_group(key=f"kiosk_item_{item.id}").value == chosen.get(item.id)


def test_only_sessions_with_your_read_saved_can_be_handed_over(
    journal_path: Path, journal: Journal
) -> None:
    client = caseload.add_client(journal, "C-6")
    journal.save(Session(client_id=client.id, date=date(2026, 11, 2), number=1))
    journal.lock()
    at = unlock(app()).switch_page(KIOSK).run()
    at = at.selectbox(key="kiosk_client").set_value(client.id).run()
    assert at.info[0].value.startswith("No session of this client is waiting for feedback")
    assert not any(b.label == "Hand to client" for b in at.button)


def upload_csv(at: AppTest, text: str) -> AppTest:
    at = at.switch_page(KIOSK).run()
    at.file_uploader(key="csv_file").set_value(("ratings.csv", text.encode(), "text/csv"))
    return at.run()


def test_a_good_csv_is_previewed_then_imported(prepared: Session) -> None:
    at = upload_csv(
        unlock(app()),
        "client,session,bond,goals,tasks,voice,comment\nC-5,1,9,8,7,6,Good pace\n",
    )
    assert at.success[0].value.startswith("All 1 row(s) check out")
    at = click(at, "Import 1 row(s)")
    (feedback,) = at.session_state["journal"].all(Feedback)
    assert (feedback.session_id, feedback.total, feedback.source) == (prepared.id, 30, "csv")
    assert feedback.comment == "Good pace"


def test_a_csv_with_bad_rows_lists_each_problem_and_imports_nothing(prepared: Session) -> None:
    at = upload_csv(
        unlock(app()),
        "client,session,bond,goals,tasks,voice\nC-5,1,9,8,7,16\nC-404,1,9,8,7,6\n",
    )
    assert "2 problem(s) found" in errors(at)[0]
    problems = at.table[0].value  # a table wraps long reasons; a grid cuts them off
    assert list(problems["Line"]) == [2, 3]
    assert problems["Problem"].iloc[0] == (
        "Voice: 16 is above Session Alliance Check (SAC-4)'s highest score, 10."
    )
    assert "C-404" in problems["Problem"].iloc[1]
    # the CSV import's own button ("Import N rows"); other tabs have imports of their own
    assert not any(b.label.startswith("Import") and "row" in b.label for b in at.button)
    assert at.session_state["journal"].all(Feedback) == []


def test_a_refused_file_is_dropped_from_memory_and_the_reason_stays(prepared: Session) -> None:
    # more rows than an import takes: the whole file is refused before any row is read
    rows = "".join(f"C-5,{n},9,8,7,6\n" for n in range(20_001))
    at = upload_csv(unlock(app()), "client,session,bond,goals,tasks,voice\n" + rows)
    assert any("more than 20,000 rows" in e for e in errors(at))
    # the alliance import's uploader (the other tabs have uploaders of their own)
    (uploader,) = [u for u in at.get("file_uploader") if u.key.startswith("csv_file")]
    assert uploader.key != "csv_file" and not uploader.value  # a fresh, empty uploader
    at = at.run()
    assert any("more than 20,000 rows" in e for e in errors(at))  # still says why
    assert at.session_state["journal"].all(Feedback) == []


def test_the_column_mapping_survives_a_new_upload(prepared: Session) -> None:
    header = "who,session,b,g,t,v,notes\n"
    at = upload_csv(unlock(app()), header + "C-5,1,9,8,7,16,x\n")
    at.selectbox(key="csv_client").set_value("who")
    at.selectbox(key="csv_item_sac4_bond").set_value("b")
    at.selectbox(key="csv_item_sac4_goals").set_value("g")
    at.selectbox(key="csv_item_sac4_tasks").set_value("t")
    at = at.selectbox(key="csv_item_sac4_voice").set_value("v").run()
    assert "Voice: 16 is above" in at.table[0].value["Problem"].iloc[0]
    # the file is removed, fixed and chosen again: the mapping is the one picked before
    at.file_uploader(key="csv_file").set_value(None)
    at = at.run()
    at.file_uploader(key="csv_file").set_value(
        ("ratings.csv", (header + "C-5,1,9,8,7,6,x\n").encode(), "text/csv")
    )
    at = at.run()
    assert at.selectbox(key="csv_item_sac4_voice").value == "v"
    assert at.success[0].value.startswith("All 1 row(s) check out")
