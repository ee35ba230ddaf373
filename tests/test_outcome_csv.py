"""Importing outcome scores from CSV: each row read on its client's outcome measure, every
problem named in words with its line, no session ever created, all saved or none."""

from __future__ import annotations

from datetime import date

import pytest

from practice import caseload
from practice.feedback_csv import RowProblem, read_csv
from practice.outcome_csv import ColumnMap, check_rows, guess_map, import_rows, measures_named
from practice.outcomes import record_outcome
from prompts.outcomes import builtin_measures
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Outcome, Session

TODAY = date(2026, 3, 1)
MEASURES = builtin_measures()
PHQ9, PSFS = MEASURES["phq9"], MEASURES["psfs"]
PHQ9_HEADER = "client,session,date," + ",".join(f"q{n}" for n in range(1, 10))
PHQ9_MAP = ColumnMap(
    client="client",
    session="session",
    date="date",
    items={"phq9": {f"q{n}": f"q{n}" for n in range(1, 10)}},
)


@pytest.fixture
def caseload_of_three(journal: Journal) -> Journal:
    """C-1 on the PHQ-9 (sessions 1 and 2), P-1 on the PSFS (session 1), N-1 without a
    measure (session 1)."""
    for code, measure, days in (
        ("C-1", "phq9", (date(2026, 1, 5), date(2026, 1, 12))),
        ("P-1", "psfs", (date(2026, 1, 6),)),
        ("N-1", "", (date(2026, 1, 7),)),
    ):
        client = caseload.add_client(journal, code, outcome_measure=measure)
        for number, day in enumerate(days, start=1):
            journal.save(Session(client_id=client.id, date=day, number=number))
    return journal


def check(journal: Journal, text: str, column_map: ColumnMap = PHQ9_MAP):
    return check_rows(read_csv(text.encode()), column_map, journal, MEASURES, today=TODAY)


def phq9_row(code: str, session: str, day: str, answers: list[str]) -> str:
    return ",".join([code, session, day, *answers]) + "\n"


def test_a_good_file_is_checked_then_saved_on_the_sessions_it_names(
    caseload_of_three: Journal,
) -> None:
    journal = caseload_of_three
    text = (
        PHQ9_HEADER
        + "\n"
        + phq9_row("C-1", "1", "", ["3", "3", "2", "2", "1", "1", "1", "1", "0"])
        # by date alone, day first; lower case code; a risk answer
        + phq9_row("c-1", "", "12/01/2026", ["1", "1", "1", "1", "0", "0", "0", "0", "1"])
    )
    rows, problems = check(journal, text)
    assert problems == []
    assert [(r.line, r.client_code, r.session_number, r.total) for r in rows] == [
        (2, "C-1", 1, 14),
        (3, "C-1", 2, 5),
    ]
    assert rows[1].risk_items == ("Better off dead or self-harm",)
    sessions_before = len(journal.all(Session))

    assert import_rows(journal, rows, MEASURES) == 2
    saved = sorted(journal.all(Outcome), key=lambda o: o.total)
    assert [(o.total, o.source, o.measure) for o in saved] == [
        (5, "csv", "phq9"),
        (14, "csv", "phq9"),
    ]
    assert saved[0].risk_items == ["q9"]  # the note for Home is raised as from the kiosk
    assert len(journal.all(Session)) == sessions_before


def test_bad_scores_are_each_named_with_their_line_and_nothing_is_offered(
    caseload_of_three: Journal,
) -> None:
    text = (
        PHQ9_HEADER
        + "\n"
        + phq9_row("C-1", "1", "", ["1", "1", "", "1", "4", "1", "1", "1", "0"])
        + phq9_row("C-1", "2", "", ["1", "x", "1", "1", "1", "1", "1.5", "1", "0"])
    )
    rows, problems = check(caseload_of_three, text)
    assert rows == []
    assert problems == [
        RowProblem(2, "Sleep: no answer."),
        RowProblem(2, "Appetite: 4 is outside PHQ-9's range, 0-3."),
        RowProblem(3, "The score 'x' for Down or hopeless is not a number."),
    ]


def test_a_half_point_on_a_whole_number_measure_is_named(caseload_of_three: Journal) -> None:
    text = PHQ9_HEADER + "\n" + phq9_row("C-1", "1", "", ["1"] * 6 + ["1.5", "1", "0"])
    _, problems = check(caseload_of_three, text)
    assert problems == [
        RowProblem(2, "Concentrating: 1.5 has more decimal places than PHQ-9 takes.")
    ]


def test_an_unknown_client_and_a_client_without_a_measure_are_named(
    caseload_of_three: Journal,
) -> None:
    answers = ["0"] * 9
    text = (
        PHQ9_HEADER + "\n" + phq9_row("C-9", "1", "", answers) + phq9_row("N-1", "1", "", answers)
    )
    rows, problems = check(caseload_of_three, text)
    assert rows == []
    assert problems == [
        RowProblem(2, "The client code 'C-9' is not in the journal (add the client first)."),
        RowProblem(3, "N-1 has no outcome measure: choose one for them on Clients first."),
    ]


def test_a_row_naming_a_session_not_in_the_journal_is_named_and_none_is_created(
    caseload_of_three: Journal,
) -> None:
    journal = caseload_of_three
    answers = ["0"] * 9
    text = (
        PHQ9_HEADER
        + "\n"
        + phq9_row("C-1", "5", "", answers)
        + phq9_row("C-1", "", "2026-02-02", answers)
        + phq9_row("C-1", "2", "2026-01-13", answers)
    )
    rows, problems = check(journal, text)
    assert rows == []
    assert [p.line for p in problems] == [2, 3, 4]
    assert problems[0].reason.startswith("Session 5 of C-1 is not in the journal: record")
    assert "never creates one" in problems[0].reason
    assert problems[1].reason.startswith("C-1 has no session on 2026-02-02 in the journal")
    assert problems[2].reason == (
        "Session 2 of C-1 is dated 2026-01-12 in the journal, not 2026-01-13."
    )
    assert len(journal.all(Session)) == 4


def test_a_session_twice_in_the_file_or_already_scored_is_named(
    caseload_of_three: Journal,
) -> None:
    journal = caseload_of_three
    client = journal.client_by_code("C-1")
    second = next(s for s in caseload.sessions_of(journal, client.id) if s.number == 2)
    record_outcome(journal, second.id, PHQ9, {f"q{n}": 0 for n in range(1, 10)})
    answers = ["1"] * 8 + ["0"]
    text = (
        PHQ9_HEADER
        + "\n"
        + phq9_row("C-1", "1", "", answers)
        + phq9_row("C-1", "", "05/01/2026", answers)
        + phq9_row("C-1", "2", "", answers)
    )
    rows, problems = check(journal, text)
    assert [r.line for r in rows] == [2]
    assert problems == [
        RowProblem(3, "Session 1 of C-1 is in the file twice (also line 2)."),
        RowProblem(4, "An outcome score for session 2 of C-1 (2026-01-12) is already recorded."),
    ]


def test_psfs_activities_are_read_with_their_names_and_scored_by_their_mean(
    caseload_of_three: Journal,
) -> None:
    journal = caseload_of_three
    header = ("client", "date", "Activity 1 name", "Activity 1", "Activity 2 name", "Activity 2")
    guessed = guess_map(header, [PSFS])
    assert guessed.items == {"psfs": {"activity1": "Activity 1", "activity2": "Activity 2"}}
    assert guessed.activities == {
        "psfs": {"activity1": "Activity 1 name", "activity2": "Activity 2 name"}
    }
    text = ",".join(header) + "\nP-1,06/01/2026,climbing stairs,3,lifting a kettle,6\n"
    rows, problems = check(journal, text, guessed)
    assert problems == []
    (row,) = rows
    assert row.total == 4.5
    assert row.activities == {"activity1": "climbing stairs", "activity2": "lifting a kettle"}
    import_rows(journal, rows, MEASURES)
    (saved,) = journal.all(Outcome)
    assert (saved.measure, saved.total, saved.source) == ("psfs", 4.5, "csv")
    assert saved.activities == row.activities


def test_a_psfs_rating_without_its_activity_is_named(caseload_of_three: Journal) -> None:
    header = ("client", "date", "Activity 1 name", "Activity 1", "Activity 2 name", "Activity 2")
    text = ",".join(header) + "\nP-1,06/01/2026,climbing stairs,3,,6\n"
    rows, problems = check(caseload_of_three, text, guess_map(header, [PSFS]))
    assert rows == []
    assert problems == [RowProblem(2, "Activity 2: the activity has no name.")]


def test_columns_are_guessed_by_item_label_or_id(caseload_of_three: Journal) -> None:
    labels = [item.label for item in PHQ9.items if item.scored]
    header = ["Client code", "Session number", *labels[:4], *(f"q{n}" for n in range(5, 10))]
    guessed = guess_map(header, [PHQ9])
    assert guessed.client == "Client code" and guessed.session == "Session number"
    assert guessed.items["phq9"] == {
        "q1": "Interest or pleasure",
        "q2": "Down or hopeless",
        "q3": "Sleep",
        "q4": "Tired",
        **{f"q{n}": f"q{n}" for n in range(5, 10)},
    }
    text = ",".join(header) + "\nC-1,1," + ",".join(["2"] * 8 + ["0"]) + "\n"
    rows, problems = check(caseload_of_three, text, guessed)
    assert problems == [] and rows[0].total == 16


def test_an_item_without_its_column_stops_the_check_on_line_1(
    caseload_of_three: Journal,
) -> None:
    partial = ColumnMap(
        client="client", session="session", items={"phq9": {"q1": "q1", "q2": "q2"}}
    )
    text = PHQ9_HEADER + "\n" + phq9_row("C-1", "1", "", ["0"] * 9)
    rows, problems = check(caseload_of_three, text, partial)
    assert rows == []
    assert problems[0] == RowProblem(1, "Choose the column that holds the score for Sleep (PHQ-9).")
    assert {p.line for p in problems} == {1}


def test_the_file_names_the_measures_whose_columns_are_asked_for(
    caseload_of_three: Journal,
) -> None:
    table = read_csv(b"client,session\nP-1,1\nC-1,1\nC-9,1\nN-1,1\n")
    named = measures_named(table, "client", caseload_of_three, MEASURES)
    assert [m.id for m in named] == ["psfs", "phq9"]


def test_a_score_recorded_meanwhile_stops_the_import_and_nothing_is_written(
    caseload_of_three: Journal,
) -> None:
    journal = caseload_of_three
    text = (
        PHQ9_HEADER
        + "\n"
        + phq9_row("C-1", "1", "", ["0"] * 9)
        + phq9_row("C-1", "2", "", ["1"] * 8 + ["0"])
    )
    rows, problems = check(journal, text)
    assert problems == []
    # another tab saves session 2's score between the check and the import
    record_outcome(journal, rows[1].session_id, PHQ9, {f"q{n}": 0 for n in range(1, 10)})
    with pytest.raises(InvalidRecord, match="line 3, session 2 of C-1: .*already has an outcome"):
        import_rows(journal, rows, MEASURES)
    assert len(journal.all(Outcome)) == 1  # only the other tab's


# ---- the screen's part (pages/client_feedback/outcome_csv.py) ------------------------------


def _import_screen() -> None:
    """A page holding only the import, on the journal the test put in the session."""
    import streamlit as st

    from pages.client_feedback import outcome_csv as screen

    screen.render(st.session_state["journal"])


def test_the_screen_maps_previews_then_imports_and_lists_problems_in_words(
    caseload_of_three: Journal,
) -> None:
    from streamlit.testing.v1 import AppTest

    journal = caseload_of_three
    at = AppTest.from_function(_import_screen, default_timeout=30)
    at.session_state["journal"] = journal
    at = at.run()
    bad = PHQ9_HEADER + "\n" + phq9_row("C-1", "1", "", ["0", "0", "0", "0", "9"] + ["0"] * 4)
    at.file_uploader(key="outcome_csv_file").set_value(("phq.csv", bad.encode(), "text/csv"))
    at = at.run()
    assert not at.exception
    assert at.selectbox(key="outcome_csv_item_phq9_q5").value == "q5"  # guessed by id
    assert [row["Problem"] for row in at.table[0].value.to_dict("records")] == [
        "Appetite: 9 is outside PHQ-9's range, 0-3."
    ]
    assert not [b for b in at.button if b.label.startswith("Import")]

    good = PHQ9_HEADER + "\n" + phq9_row("C-1", "1", "", ["1"] * 8 + ["2"])
    at.file_uploader(key="outcome_csv_file").set_value(("phq.csv", good.encode(), "text/csv"))
    at = at.run()
    preview = at.dataframe[0].value
    assert list(preview["Measure"]) == ["PHQ-9"] and list(preview["Total"]) == ["10"]
    assert "C-1" in at.warning[0].value  # the risk answer is said before importing
    at = next(b for b in at.button if b.label == "Import 1 row(s)").click().run()
    assert at.success[-1].value == "Imported outcome scores for 1 session(s)."
    (saved,) = journal.all(Outcome)
    assert (saved.total, saved.source, saved.risk_items) == (10, "csv", ["q9"])
