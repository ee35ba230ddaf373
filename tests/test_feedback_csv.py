"""Importing patients' feedback from CSV: read, map, check every row, import all or nothing."""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from practice.feedback_csv import (
    ColumnMap,
    CsvProblem,
    PreviewRow,
    RowProblem,
    Table,
    check_rows,
    guess_map,
    import_rows,
    read_csv,
)
from prompts.library import Instrument, InstrumentItem
from storage.errors import InvalidRecord, JournalError
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Session, to_plain
from tests.conftest import count_rows

TODAY = date(2026, 3, 1)


def instrument(
    instrument_id: str, name: str, items: tuple[InstrumentItem, ...], scores_only: bool = False
) -> Instrument:
    """An instrument of the library's own type, scored 0-10, no cutoff."""
    return Instrument(
        instrument_id, name, 0, 10, items, scores_only, None, "Not at all", "Completely"
    )


SAC4 = instrument(
    "sac4",
    "SAC-4",
    (
        InstrumentItem("bond", "Bond"),
        InstrumentItem("goals", "Goals"),
        InstrumentItem("tasks", "Tasks"),
        InstrumentItem("voice", "Voice"),
    ),
)
SRS = instrument(
    "srs",
    "SRS",
    (
        InstrumentItem("relationship", "Relationship"),
        InstrumentItem("goals_topics", "Goals and topics"),
        InstrumentItem("approach", "Approach or method"),
        InstrumentItem("overall", "Overall"),
    ),
    scores_only=True,
)
# paper SRS forms are measured to the millimetre: one decimal place
SRS = dataclasses.replace(SRS, decimals=1)
INSTRUMENTS = {"sac4": SAC4, "srs": SRS}

HEADER = ("client", "date", "session", "bond", "goals", "tasks", "voice", "comment")
SAC4_ITEMS = {"bond": "bond", "goals": "goals", "tasks": "tasks", "voice": "voice"}
MAP = ColumnMap(
    client="client",
    date="date",
    session="session",
    instrument="sac4",
    items=SAC4_ITEMS,
    comment="comment",
)
MIXED_HEADER = (
    "client",
    "date",
    "session",
    "instrument",
    "bond",
    "goals",
    "tasks",
    "voice",
    "relationship",
    "goals_topics",
    "approach",
    "overall",
    "comment",
)
MIXED_MAP = ColumnMap(
    client="client",
    date="date",
    session="session",
    instrument_column="instrument",
    items={**SAC4_ITEMS, **{i.id: i.id for i in SRS.items}},
    comment="comment",
)
# a new session of C-003 (no sessions yet), numbered 1 by the import
GOOD = {"client": "C-003", "date": "2026-02-10", "bond": "7", "goals": "8", "tasks": "6"}
GOOD = {**GOOD, "voice": "9", "comment": "felt heard"}


# ---- helpers ----------------------------------------------------------------------------


def csv_bytes(
    rows: list[dict[str, str]],
    header: tuple[str, ...] = HEADER,
    sep: str = ",",
    eol: str = "\n",
    bom: bool = False,
) -> bytes:
    """A CSV file as a spreadsheet writes it (quoting only where needed)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, lineterminator=eol)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def snapshot(journal: Journal) -> tuple[int, dict[str, list]]:
    """Stored row count and every record (trash included), to prove nothing was written."""
    count = count_rows(journal.path)
    records = {
        cls.KIND: sorted((r.id, to_plain(r)) for r in journal.all(cls, include_trash=True))
        for cls in (Client, Session, Estimate, Feedback)
    }
    return count, records


def import_like_the_screen(
    journal: Journal, data: bytes, column_map: ColumnMap = MAP, instruments=INSTRUMENTS
) -> tuple[list[PreviewRow], list[RowProblem], int]:
    """Read, check and import only when there is no problem: what the screen does."""
    table = read_csv(data)
    preview, problems = check_rows(table, column_map, journal, instruments, today=TODAY)
    written = 0 if problems else import_rows(journal, preview)
    return preview, problems, written


def session_of(journal: Journal, code: str, number: int) -> Session:
    client = journal.client_by_code(code)
    return next(s for s in journal.all(Session) if s.client_id == client.id and s.number == number)


def feedback_of(journal: Journal, session: Session) -> Feedback | None:
    return next((f for f in journal.all(Feedback) if f.session_id == session.id), None)


@pytest.fixture
def caseload(journal: Journal) -> Journal:
    """Clients and sessions the tests refer to (TODAY is 2026-03-01):

    - C-001: sessions 1 (2026-01-05, SAC-4 estimate and feedback), 2 (2026-01-12, SAC-4
      estimate, no feedback), 3 (2026-01-19, nothing recorded);
    - C-002: session 1 (2026-02-02, SRS estimate);
    - C-003: no sessions;
    - C-004: sessions 1 and 2, both on 2026-01-07.
    """
    c1, c2, c3, c4 = (Client(code=f"C-00{n}") for n in range(1, 5))
    s11 = Session(c1.id, date(2026, 1, 5), 1)
    s12 = Session(c1.id, date(2026, 1, 12), 2)
    s13 = Session(c1.id, date(2026, 1, 19), 3)
    s21 = Session(c2.id, date(2026, 2, 2), 1)
    s41 = Session(c4.id, date(2026, 1, 7), 1)
    s42 = Session(c4.id, date(2026, 1, 7), 2)
    scores = {"bond": 6, "goals": 6, "tasks": 6, "voice": 6}
    srs = {"relationship": 7, "goals_topics": 7, "approach": 7, "overall": 7}
    journal.save_all(
        [c1, c2, c3, c4, s11, s12, s13, s21, s41, s42]
        + [Estimate(s11.id, "sac4", scores), Estimate(s12.id, "sac4", scores)]
        + [Estimate(s21.id, "srs", srs), Feedback(s11.id, "sac4", scores, source="paper")]
    )
    return journal


# ---- a good file ------------------------------------------------------------------------


def test_a_good_file_imports_every_row_with_its_scores_totals_and_source_csv(
    caseload: Journal,
) -> None:
    rows = [
        {**GOOD, "client": "C-001", "date": "", "session": "2", "comment": "by number"},
        {**GOOD, "client": "c-001", "date": "19/01/2026", "comment": "by date, code any case"},
        {**GOOD, "date": "2026-02-10", "comment": "new session"},
        {**GOOD, "date": "2026-02-17", "bond": "10", "voice": "0", "comment": ""},
    ]
    before = snapshot(caseload)[0]
    preview, problems, written = import_like_the_screen(caseload, csv_bytes(rows))
    assert problems == []
    assert written == 4
    assert [(p.line, p.client_code, p.session_number, p.new_session) for p in preview] == [
        (2, "C-001", 2, False),
        (3, "C-001", 3, False),
        (4, "C-003", 1, True),
        (5, "C-003", 2, True),
    ]
    assert preview[0].items == {"bond": 7, "goals": 8, "tasks": 6, "voice": 9}
    assert preview[0].total == 30 and preview[3].total == 24
    assert preview[2].session_id is None and preview[0].session_id is not None

    first = feedback_of(caseload, session_of(caseload, "C-001", 2))
    assert (first.items, first.total, first.comment) == (preview[0].items, 30, "by number")
    assert first.source == "csv" and first.instrument == "sac4"
    assert first.recorded_at.tzinfo is not None
    assert feedback_of(caseload, session_of(caseload, "C-001", 3)).comment.startswith("by date")
    created = [session_of(caseload, "C-003", n) for n in (1, 2)]
    assert [s.date for s in created] == [date(2026, 2, 10), date(2026, 2, 17)]
    assert feedback_of(caseload, created[1]).items == {
        "bond": 10,
        "goals": 8,
        "tasks": 6,
        "voice": 0,
    }
    assert len([f for f in caseload.all(Feedback) if f.source == "csv"]) == 4
    assert snapshot(caseload)[0] == before + 6  # 4 feedback + 2 sessions, one transaction


@pytest.mark.parametrize("dated_row_first", [True, False], ids=["dated-first", "numbered-first"])
def test_new_sessions_are_numbered_after_the_highest_number_without_clashes_in_the_file(
    caseload: Journal, dated_row_first: bool
) -> None:
    dated = {**GOOD, "client": "C-001", "date": "2026-02-01"}  # gets the next free number
    numbered = {**GOOD, "client": "C-001", "date": "2026-02-08", "session": "4"}
    rows = [dated, numbered] if dated_row_first else [numbered, dated]
    preview, problems, written = import_like_the_screen(caseload, csv_bytes(rows))
    assert problems == [] and written == 2
    assert {p.date: p.session_number for p in preview} == {
        date(2026, 2, 1): 5,
        date(2026, 2, 8): 4,
    }
    assert session_of(caseload, "C-001", 5).date == date(2026, 2, 1)
    assert session_of(caseload, "C-001", 4).date == date(2026, 2, 8)


def test_an_instrument_column_lets_one_file_mix_instruments(caseload: Journal) -> None:
    rows = [
        {**GOOD, "client": "C-001", "session": "2", "date": "", "instrument": "SAC4"},
        {"client": "C-002", "session": "1", "instrument": "srs", "relationship": "9"}
        | {"goals_topics": "8", "approach": "7", "overall": "10", "comment": "by name below"},
        {"client": "C-003", "date": "2026-02-20", "instrument": "SRS", "relationship": "1"}
        | {"goals_topics": "2", "approach": "3", "overall": "4"},
    ]
    data = csv_bytes(rows, header=MIXED_HEADER)
    preview, problems, written = import_like_the_screen(caseload, data, MIXED_MAP)
    assert problems == [] and written == 3
    assert [p.instrument for p in preview] == ["sac4", "srs", "srs"]
    srs = feedback_of(caseload, session_of(caseload, "C-002", 1))
    assert srs.items == {"relationship": 9, "goals_topics": 8, "approach": 7, "overall": 10}
    assert srs.total == 34


def test_decimal_scores_are_kept_where_the_instrument_allows_one_place(
    caseload: Journal,
) -> None:
    rows = [
        {"client": "C-002", "session": "1", "instrument": "srs", "relationship": "9.4"}
        | {"goals_topics": "8,5", "approach": "7", "overall": "10.0", "comment": ""},
    ]
    data = csv_bytes(rows, header=MIXED_HEADER)
    preview, problems, written = import_like_the_screen(caseload, data, MIXED_MAP)
    assert problems == [] and written == 1
    srs = feedback_of(caseload, session_of(caseload, "C-002", 1))
    assert srs.items == {"relationship": 9.4, "goals_topics": 8.5, "approach": 7, "overall": 10}
    assert srs.total == 34.9


def test_two_decimal_places_are_refused_in_words(caseload: Journal) -> None:
    rows = [
        {"client": "C-002", "session": "1", "instrument": "srs", "relationship": "9.45"}
        | {"goals_topics": "8", "approach": "7", "overall": "10", "comment": ""},
    ]
    preview, problems, written = import_like_the_screen(
        caseload, csv_bytes(rows, header=MIXED_HEADER), MIXED_MAP
    )
    assert written == 0
    assert [p.reason for p in problems] == [
        "Relationship: 9.45 has more decimal places than SRS takes (one decimal place)."
    ]


def test_checking_rows_writes_nothing(caseload: Journal) -> None:
    before = snapshot(caseload)
    preview, problems = check_rows(read_csv(csv_bytes([GOOD])), MAP, caseload, INSTRUMENTS)
    assert len(preview) == 1 and problems == []
    assert snapshot(caseload) == before


# ---- bad rows: each reported with its line, nothing written -------------------------------


BAD_ROWS = [
    pytest.param(
        {"client": "C-999"}, "client code 'C-999' is not in the journal", id="unknown-client"
    ),
    pytest.param({"client": " "}, "There is no client code", id="no-client"),
    pytest.param(
        {"date": "", "session": ""}, "no date and no session number", id="no-date-no-session"
    ),
    pytest.param(
        {"date": "2026-13-01"}, "use YYYY-MM-DD (2025-03-14) or DD/MM/YYYY", id="bad-iso-date"
    ),
    pytest.param({"date": "31/02/2026"}, "'31/02/2026' is not a date", id="no-such-day"),
    pytest.param({"date": "Feb 10 2026"}, "is not a date: use YYYY-MM-DD", id="words-date"),
    pytest.param({"date": "02/25/2026"}, "looks like month first", id="us-date"),
    pytest.param({"date": "2026-03-02"}, "2026-03-02 is in the future", id="future-date"),
    pytest.param({"session": "0"}, "'0' is not a whole number of 1 or more", id="session-zero"),
    pytest.param({"session": "-2"}, "not a whole number of 1 or more", id="session-negative"),
    pytest.param({"session": "2.5"}, "not a whole number of 1 or more", id="session-fraction"),
    pytest.param({"session": "two"}, "not a whole number of 1 or more", id="session-word"),
    pytest.param({"voice": ""}, "The score for Voice is missing", id="missing-score"),
    pytest.param(
        {"bond": "7.5"},
        "Bond: 7.5 is not a whole number; SAC-4 takes whole numbers",
        id="score-fraction",
    ),
    pytest.param({"bond": "high"}, "score 'high' for Bond is not a number", id="score-word"),
    pytest.param(
        {"goals": "11"}, "Goals: 11 is above SAC-4's highest score, 10.", id="above-range"
    ),
    pytest.param({"tasks": "-1"}, "Tasks: -1 is below SAC-4's lowest score, 0.", id="below-range"),
    pytest.param(
        {"client": "C-001", "session": "1", "date": ""},
        "Feedback for session 1 of C-001 (2026-01-05) is already recorded",
        id="feedback-already-recorded",
    ),
    pytest.param(
        {"client": "C-001", "date": "2026-01-05"},
        "session 1 of C-001 (2026-01-05) is already recorded",
        id="already-recorded-matched-by-date",
    ),
    pytest.param(
        {"date": "2026-02-10"},
        "Session 1 of C-003 is in the file twice (also line 2)",
        id="duplicate-by-date",
    ),
    pytest.param(
        {"session": "1", "date": ""},
        "Session 1 of C-003 is in the file twice (also line 2)",
        id="duplicate-by-number",
    ),
    pytest.param(
        {"client": "C-004", "date": "2026-01-07"},
        "C-004 has 2 sessions on 2026-01-07: add the session number",
        id="two-sessions-that-day",
    ),
    pytest.param(
        {"client": "C-001", "session": "2", "date": "2026-01-13"},
        "Session 2 of C-001 is dated 2026-01-12 in the journal, not 2026-01-13",
        id="number-and-date-disagree",
    ),
    pytest.param(
        {"client": "C-001", "session": "9", "date": ""},
        "Session 9 of C-001 is not in the journal yet: add its date",
        id="new-session-without-date",
    ),
]


@pytest.mark.parametrize(("change", "reason"), BAD_ROWS)
def test_a_bad_row_is_reported_with_its_line_and_reason_and_nothing_is_written(
    caseload: Journal, change: dict[str, str], reason: str
) -> None:
    before = snapshot(caseload)
    # line 2 creates session 1 of C-003, line 3 session 2; line 4 is the bad row
    first, second = {**GOOD, "session": "1"}, {**GOOD, "date": "2026-02-24"}
    data = csv_bytes([first, second, {**GOOD, "date": "2026-02-25", **change}])
    preview, problems, written = import_like_the_screen(caseload, data)
    assert written == 0
    assert [p.line for p in problems] == [4], problems
    assert reason in problems[0].reason
    assert [p.line for p in preview] == [2, 3]  # the good rows are still shown
    assert snapshot(caseload) == before


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param(
            {"instrument": "phq9"}, "'phq9' is not known (known: sac4, srs)", id="unknown"
        ),
        pytest.param({"instrument": ""}, "There is no instrument", id="blank"),
        pytest.param(
            {"client": "C-001", "session": "2", "date": "", "instrument": "srs"}
            | {"relationship": "5", "goals_topics": "5", "approach": "5", "overall": "5"}
            | {"bond": "", "goals": "", "tasks": "", "voice": ""},
            "Your estimate for session 2 of C-001 used 'sac4', but this row is SRS",
            id="differs-from-the-estimate",
        ),
        pytest.param(
            {"overall": "3"},
            "The column 'overall' has a score, but 'overall' is not an item of SAC-4",
            id="score-of-another-instrument",
        ),
    ],
)
def test_a_bad_instrument_in_the_instrument_column_is_reported_and_nothing_is_written(
    caseload: Journal, change: dict[str, str], reason: str
) -> None:
    before = snapshot(caseload)
    good = {**GOOD, "instrument": "sac4"}
    data = csv_bytes([good, {**good, "date": "2026-02-25", **change}], header=MIXED_HEADER)
    preview, problems, written = import_like_the_screen(caseload, data, MIXED_MAP)
    assert written == 0
    assert [(p.line, reason in p.reason) for p in problems] == [(3, True)], problems
    assert [p.line for p in preview] == [2]
    assert snapshot(caseload) == before


@pytest.mark.parametrize(
    ("column_map", "reason"),
    [
        pytest.param(
            replace(MAP, comment="Notes"),
            "The column 'Notes' chosen for the comment is not in the file",
            id="comment-column-missing",
        ),
        pytest.param(
            replace(MAP, items={**SAC4_ITEMS, "voice": "Voice (0-10)"}),
            "The column 'Voice (0-10)' chosen for the score for Voice is not in the file",
            id="item-column-missing",
        ),
        pytest.param(
            replace(MAP, client="code"),
            "The column 'code' chosen for the client code is not in the file",
            id="client-column-missing",
        ),
        pytest.param(
            replace(MAP, client=""),
            "Choose the column that holds the client code",
            id="no-client-column",
        ),
        pytest.param(
            replace(MAP, date=None, session=""),
            "Choose a date column, a session number column, or both",
            id="no-date-or-session-column",
        ),
        pytest.param(
            replace(MAP, instrument=None),
            "Choose either a column that names each row's instrument, or one instrument",
            id="no-instrument",
        ),
        pytest.param(
            replace(MAP, instrument_column="comment"),
            "Choose either a column that names each row's instrument, or one instrument",
            id="both-instrument-choices",
        ),
        pytest.param(
            replace(MAP, instrument="phq9"),
            "The instrument 'phq9' is not known",
            id="unknown-fixed-instrument",
        ),
        pytest.param(
            replace(MAP, items={"bond": "bond", "goals": "goals"}),
            "Choose the column that holds the score for Tasks",
            id="item-not-mapped",
        ),
        pytest.param(
            replace(MAP, items={**SAC4_ITEMS, "tasks": "bond"}),
            "The column 'bond' is chosen for both the score for Bond and the score for Tasks",
            id="one-column-twice",
        ),
    ],
)
def test_a_mapping_problem_is_reported_on_the_header_line_and_nothing_is_written(
    caseload: Journal, column_map: ColumnMap, reason: str
) -> None:
    before = snapshot(caseload)
    preview, problems, written = import_like_the_screen(caseload, csv_bytes([GOOD]), column_map)
    assert written == 0 and preview == []
    assert any(p.line == 1 and reason in p.reason for p in problems), problems
    assert snapshot(caseload) == before


def test_every_bad_row_and_every_problem_of_a_row_is_reported_in_line_order(
    caseload: Journal,
) -> None:
    rows = [
        {**GOOD, "client": "C-999", "bond": "12"},  # line 2: two problems
        {**GOOD, "date": "2026-02-03"},  # line 3: fine
        {**GOOD, "date": "yesterday", "voice": ""},  # line 4: two problems
        {**GOOD, "date": "2026-02-03"},  # line 5: duplicate of line 3
        {**GOOD, "client": "C-001", "session": "1", "date": ""},  # line 6: already recorded
    ]
    before = snapshot(caseload)
    preview, problems, written = import_like_the_screen(caseload, csv_bytes(rows))
    assert written == 0 and snapshot(caseload) == before
    assert [p.line for p in problems] == [2, 2, 4, 4, 5, 6]
    assert [p.line for p in preview] == [3]
    text = " | ".join(p.reason for p in problems)
    for fragment in ("C-999", "Bond: 12", "yesterday", "Voice is missing", "also line 3"):
        assert fragment in text


def test_importing_the_same_file_again_reports_every_row_as_a_duplicate_and_writes_nothing(
    caseload: Journal,
) -> None:
    rows = [
        {**GOOD, "client": "C-001", "session": "2", "date": ""},
        {**GOOD, "date": "2026-02-10"},
        {**GOOD, "date": "2026-02-17"},
    ]
    data = csv_bytes(rows)
    assert import_like_the_screen(caseload, data)[2] == 3
    before = snapshot(caseload)
    preview, problems, written = import_like_the_screen(caseload, data)
    assert written == 0 and preview == []
    assert [p.line for p in problems] == [2, 3, 4]
    assert all("is already recorded" in p.reason for p in problems)
    assert snapshot(caseload) == before


# ---- import_rows checks again ---------------------------------------------------------------


def test_importing_an_empty_preview_is_refused(caseload: Journal) -> None:
    before = snapshot(caseload)
    with pytest.raises(InvalidRecord, match="no rows to import"):
        import_rows(caseload, [])
    assert snapshot(caseload) == before


def _record_feedback_meanwhile(journal: Journal) -> None:
    session = session_of(journal, "C-001", 2)
    journal.save(Feedback(session.id, "sac4", {"bond": 1}, source="kiosk"))


def _record_session_meanwhile(journal: Journal) -> None:
    journal.save(Session(journal.client_by_code("C-003").id, date(2026, 2, 10), 1))


def _remove_client_meanwhile(journal: Journal) -> None:
    journal.delete(journal.client_by_code("C-003").id)


@pytest.mark.parametrize(
    ("meanwhile", "reason"),
    [
        pytest.param(_record_feedback_meanwhile, "feedback was recorded meanwhile", id="feedback"),
        pytest.param(_record_session_meanwhile, "the session was recorded meanwhile", id="session"),
        pytest.param(_remove_client_meanwhile, "client is no longer in the journal", id="client"),
    ],
)
def test_a_change_between_check_and_import_is_refused_and_nothing_is_written(
    caseload: Journal, meanwhile, reason: str
) -> None:
    rows = [{**GOOD, "client": "C-001", "session": "2", "date": ""}, GOOD]
    preview, problems = check_rows(read_csv(csv_bytes(rows)), MAP, caseload, INSTRUMENTS)
    assert problems == [] and len(preview) == 2
    meanwhile(caseload)
    before = snapshot(caseload)
    with pytest.raises(JournalError, match=reason):
        import_rows(caseload, preview)
    assert snapshot(caseload) == before


def test_a_preview_holding_one_session_twice_is_refused(caseload: Journal) -> None:
    preview, _ = check_rows(read_csv(csv_bytes([GOOD])), MAP, caseload, INSTRUMENTS)
    before = snapshot(caseload)
    with pytest.raises(InvalidRecord, match="in the import twice"):
        import_rows(caseload, preview * 2)
    assert snapshot(caseload) == before


# ---- reading files ------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
@pytest.mark.parametrize("sep", [",", ";"], ids=["comma", "semicolon"])
@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_bom_semicolons_line_endings_and_quoted_fields_all_read_the_same(
    bom: bool, sep: str, eol: str
) -> None:
    rows = [
        {**GOOD, "comment": 'commas, semicolons; and "quotes"'},
        {**GOOD, "comment": "two\nlines"},
        {**GOOD, "comment": "  spaces kept  "},
    ]
    table = read_csv(csv_bytes(rows, sep=sep, eol=eol, bom=bom))
    assert table.header == HEADER
    assert [r[-1] for r in table.rows] == [
        'commas, semicolons; and "quotes"',
        "two\nlines",
        "  spaces kept  ",
    ]
    assert table.lines == (2, 3, 5)  # the quoted line break moves the next row down


def test_old_mac_line_endings_read_too() -> None:
    table = read_csv(b"client;date\rC-1;2026-01-05\r\rC-2;2026-01-06\r")
    assert table.rows == (("C-1", "2026-01-05"), ("C-2", "2026-01-06"))
    assert table.lines == (2, 4)


def test_blank_lines_and_empty_trailing_rows_are_skipped_and_line_numbers_follow_the_file(
    caseload: Journal,
) -> None:
    good = ",".join(GOOD.get(n, "") for n in HEADER)
    bad = good.replace("C-003", "C-999")
    data = f"\n{','.join(HEADER)}\n\n{good}\n,,,,,,,\n{bad}\n\n".encode()
    table = read_csv(data)
    assert table.lines == (4, 6)
    _, problems = check_rows(table, MAP, caseload, INSTRUMENTS, today=TODAY)
    assert [p.line for p in problems] == [6]


def test_header_names_are_trimmed_and_a_hand_made_table_counts_lines_from_two(
    caseload: Journal,
) -> None:
    table = read_csv(b" client ; date ;session;bond;goals;tasks;voice;comment\nx;;;;;;;\n")
    assert table.header == HEADER
    hand_made = Table(header=HEADER, rows=table.rows * 2)
    _, problems = check_rows(hand_made, MAP, caseload, INSTRUMENTS, today=TODAY)
    assert {p.line for p in problems} == {2, 3}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            "client,comment\nC-1,caf\xe9\n".encode("latin-1"),
            "line 2 holds bytes that are not UTF-8",
            id="latin-1",
        ),
        pytest.param("client,comment\n".encode("utf-16"), "UTF-16", id="utf-16"),
        pytest.param(b"", "The file is empty", id="empty"),
        pytest.param(b"\xef\xbb\xbf \r\n\n", "The file is empty", id="only-bom-and-blank-lines"),
        pytest.param(b"client,date\n", "header line but no rows", id="header-only"),
        pytest.param(b"client,,date\nC-1,,2026-01-01\n", "Column 2 of the header", id="blank-name"),
        pytest.param(
            b"client,Date,date\nC-1,x,y\n", "names the column 'date' twice", id="duplicate-name"
        ),
        pytest.param(
            b"C-001,2026-01-05,7\nC-002,2026-01-06,8\n", "looks like a row of data", id="no-header"
        ),
        pytest.param(b"1,2,3\n4,5,6\n", "looks like a row of data", id="numbers-only"),
        pytest.param(
            b"client,date\nC-1,x\nC-2\n", "Line 3 has 1 field(s), but the header has 2", id="ragged"
        ),
        pytest.param(
            b"client,date\nC-1\nC-2,x,y\nC-3,z\n",
            "Lines 2, 3 do not have the same",
            id="ragged-lines",
        ),
        pytest.param(b'client,date\n"C-1,x\nC-2,y\n', "is never closed", id="unclosed-quote"),
        pytest.param(
            b'client,date\n"C-1"x,y\n',
            'Line 2 has a quote (") in the wrong place',
            id="text-after-quote",
        ),
        pytest.param(b"client,date\nC-1,\x00\n", "Line 2 holds a NUL character", id="nul"),
    ],
)
def test_a_file_that_is_not_one_readable_table_gives_a_plain_csv_problem(
    data: bytes, message: str
) -> None:
    with pytest.raises(CsvProblem) as caught:
        read_csv(data)
    assert message in str(caught.value)
    assert str(caught.value).endswith("Nothing was imported.")
    assert isinstance(caught.value, JournalError)


def test_a_file_too_large_or_with_too_many_rows_is_refused() -> None:
    data = csv_bytes([GOOD] * 30)
    with pytest.raises(CsvProblem, match="larger than 0.5 MB"):
        read_csv(data + b" " * 500_000, max_bytes=500_000)
    with pytest.raises(CsvProblem, match="more than 20 rows"):
        read_csv(data, max_rows=20)
    assert len(read_csv(data, max_rows=30).rows) == 30
    with pytest.raises(CsvProblem, match="larger than 5 MB"):
        read_csv(data + b" " * (5_000_001 - len(data)))  # the default limit


# ---- guessing the mapping ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "instrument", "expected"),
    [
        pytest.param(
            ("Client code", "Session date", "Session #", "Bond (0-10)", "GOALS", "tasks", "Voice")
            + ("Comments",),
            SAC4,
            ColumnMap(
                client="Client code",
                date="Session date",
                session="Session #",
                instrument="sac4",
                items={"bond": "Bond (0-10)", "goals": "GOALS", "tasks": "tasks", "voice": "Voice"},
                comment="Comments",
            ),
            id="labels-and-notes",
        ),
        pytest.param(
            ("Code", "Date", "Relationship", "Goals and topics", "approach", "Overall", "Note"),
            SRS,
            ColumnMap(
                client="Code",
                date="Date",
                instrument="srs",
                items={
                    "relationship": "Relationship",
                    "goals_topics": "Goals and topics",
                    "approach": "approach",
                    "overall": "Overall",
                },
                comment="Note",
            ),
            id="ids-or-labels-no-session",
        ),
        pytest.param(
            ("client", "session", "instrument", "bond", "other"),
            SAC4,
            ColumnMap(
                client="client",
                session="session",
                instrument_column="instrument",
                items={"bond": "bond"},
            ),
            id="instrument-column",
        ),
        pytest.param(("a", "b"), SAC4, ColumnMap(client="", instrument="sac4"), id="nothing-found"),
    ],
)
def test_guess_map_matches_column_names_case_insensitively(
    header: tuple[str, ...], instrument: Instrument, expected: ColumnMap
) -> None:
    assert guess_map(header, instrument) == expected


def test_the_real_instruments_work_from_guess_to_import(caseload: Journal) -> None:
    from prompts.library import builtin_library  # tests may use the library; storage may not

    instruments = builtin_library().instruments
    header = ("Client", "Date", *(f"Item {n}" for n in range(1, 13)), "Comment")
    row = ["C-003", "14/02/2026", *(str(1 + n % 5) for n in range(12)), "thanks"]
    data = (",".join(header) + "\r\n" + ",".join(row) + "\r\n").encode()
    column_map = guess_map(read_csv(data).header, instruments["wai_sr"])
    assert column_map.items == {f"item{n}": f"Item {n}" for n in range(1, 13)}
    preview, problems, written = import_like_the_screen(caseload, data, column_map, instruments)
    assert problems == [] and written == 1
    assert preview[0].total == sum(1 + n % 5 for n in range(12))
    assert preview[0].date == date(2026, 2, 14)


# ---- nothing crashes -----------------------------------------------------------------------


CSV_ALPHABET = st.sampled_from(list(',;"\n\r \t\x00\ufeff\u2028aéZ0123456789-/:'))


def test_arbitrary_bytes_give_a_table_or_a_csv_problem_never_a_crash() -> None:
    runs = {"examples": 0, "tables": 0}

    @settings(max_examples=400, deadline=None)
    @given(
        st.one_of(
            st.binary(max_size=300),
            st.text(CSV_ALPHABET, max_size=200).map(lambda t: t.encode("utf-8")),
            st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        )
    )
    def run(data: bytes) -> None:
        runs["examples"] += 1
        try:
            table = read_csv(data)
        except CsvProblem:
            return
        runs["tables"] += 1
        assert table.rows and all(len(r) == len(table.header) for r in table.rows)
        assert list(table.lines) == sorted(set(table.lines)) and table.lines[0] >= 2

    run()
    print(f"read_csv: {runs['examples']} examples, {runs['tables']} read as tables")
    assert runs["examples"] >= 100 and runs["tables"] > 0


HEADER_NAME = st.text("abcdefghij ", min_size=1, max_size=8).filter(str.strip)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], str, str, int]:
    """A header of distinct names, rows of any text, and how a spreadsheet writes them."""
    names = draw(
        st.lists(HEADER_NAME, min_size=1, max_size=5, unique_by=lambda n: n.strip().casefold())
    )
    header = [n.strip() for n in names]
    sep = draw(st.sampled_from([",", ";"]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    # Python's writer quotes only the characters of its own line ending: with "\n" it
    # would leave a "\r" unquoted, which no reader could tell from a line break
    unsafe = "\x00\r" if (eol, quoting) == ("\n", csv.QUOTE_MINIMAL) else "\x00"
    cell = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=unsafe))
    row = st.lists(cell.map(lambda c: c[:12]), min_size=len(header), max_size=len(header))
    rows = draw(st.lists(row.filter(lambda r: any(c.strip() for c in r)), min_size=1, max_size=8))
    return header, rows, sep, eol, quoting


def test_any_table_a_spreadsheet_writes_reads_back_cell_for_cell() -> None:
    runs = {"examples": 0}

    @settings(max_examples=300, deadline=None)
    @given(tables())
    def run(case: tuple[list[str], list[list[str]], str, str, int]) -> None:
        runs["examples"] += 1
        header, rows, sep, eol, quoting = case
        out = io.StringIO(newline="")
        writer = csv.writer(out, delimiter=sep, lineterminator=eol, quoting=quoting)
        writer.writerows([header, *rows])
        table = read_csv(out.getvalue().encode("utf-8"))
        assert table.header == tuple(header)
        assert table.rows == tuple(tuple(r) for r in rows)

    run()
    print(f"round trip: {runs['examples']} examples")
    assert runs["examples"] >= 100


def test_arbitrary_cell_text_never_crashes_check_rows_and_no_row_is_silently_dropped(
    caseload: Journal,
) -> None:
    runs = {"examples": 0, "previews": 0, "problems": 0}
    cell = st.one_of(
        st.text(max_size=15),
        st.sampled_from(
            ["", "C-001", "c-003", "C-004", "1", "2", "9", "0", "-3", "10", "11", "sac4", "SRS"]
            + ["2026-01-05", "07/01/2026", "2026-02-30", "2099-01-01", "31/12/2025", "1e3", " 7 "]
        ),
    )
    width = len(MIXED_HEADER)
    sac4 = {**GOOD, "instrument": "sac4"}
    srs = {"instrument": "srs", "relationship": "5", "goals_topics": "6", "approach": "7"}
    srs = {**srs, "overall": "8", "comment": "ok"}
    templates = [
        [row.get(name, "") for name in MIXED_HEADER]
        for row in (
            sac4,  # a new session of C-003
            {**sac4, "client": "C-001", "date": "", "session": "2"},
            {**sac4, "client": "C-001", "date": "2026-01-19"},
            {**sac4, "client": "C-001", "date": "2026-02-14", "session": "4"},
            {**srs, "client": "C-002", "date": "2026-02-02"},
            {**srs, "client": "C-004", "session": "3", "date": "2026-02-01"},
        )
    ]

    @st.composite
    def row(draw: st.DrawFn) -> list[str]:
        """Mostly a valid row with a few cells changed, so matching and duplicates run too."""
        if draw(st.booleans()):
            return draw(st.lists(cell, min_size=width, max_size=width))
        cells = list(draw(st.sampled_from(templates)))
        for index in draw(st.sets(st.integers(0, width - 1), max_size=3)):
            cells[index] = draw(cell)
        return cells

    @settings(max_examples=300, deadline=None)
    @given(st.lists(row(), min_size=1, max_size=8))
    def run(cells: list[list[str]]) -> None:
        runs["examples"] += 1
        table = Table(header=MIXED_HEADER, rows=tuple(tuple(r) for r in cells))
        preview, problems = check_rows(table, MIXED_MAP, caseload, INSTRUMENTS, today=TODAY)
        lines = {table.line_of(i) for i in range(len(cells))}
        reported = {p.line for p in problems}
        shown = [p.line for p in preview]
        assert reported <= lines and set(shown) <= lines
        assert len(shown) == len(set(shown))
        assert set(shown) | reported == lines  # every row is either previewed or explained
        assert not set(shown) & reported
        runs["previews"] += len(preview)
        runs["problems"] += len(problems)

    before = snapshot(caseload)
    run()
    assert snapshot(caseload) == before
    print(
        f"check_rows: {runs['examples']} examples, {runs['previews']} rows previewed, "
        f"{runs['problems']} problems"
    )
    assert runs["examples"] >= 100
