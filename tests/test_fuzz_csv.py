"""Fuzzing the CSV import of feedback as the screen runs it: read, guess the mapping, check,
and import only when no row has a problem.

Inputs: random bytes; random text in many encodings, separators, quotes and line endings;
and near-valid files, spreadsheet exports of good rows for a known caseload with cells,
rows, the header, the encoding or single bytes changed. Every file ends in a `CsvProblem`
with a readable message, or in a table whose every row is either previewed or explained by
a problem on its own line. Checking writes nothing; a file with any problem imports
nothing; a file without problems imports exactly its rows.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from practice.feedback_csv import (
    MAX_BYTES,
    MAX_ROWS,
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
from prompts.library import builtin_library
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Session
from tests import figures
from tests.conftest import JournalTemplate, count_rows

TODAY = date(2026, 3, 1)
INSTRUMENTS = dict(builtin_library().instruments)
_NOISE = ("Traceback", "Error(", "Exception(", " object at 0x", "b'", 'b"')
# a reason quotes cells as 'text': a cell "b" shows as 'b', which looks like bytes' repr
_QUOTED_NOISE = ("Traceback", "Error(", "Exception(", " object at 0x")
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def assert_readable(message: str, source: str = "", noise: tuple[str, ...] = _NOISE) -> None:
    """A sentence for the screen: not empty, not huge, no Python repr noise (unless the
    file itself holds that text, which a message may quote)."""
    assert isinstance(message, str) and message.strip(), "the message is empty"
    assert len(message) <= 600, f"the message has {len(message)} characters"
    start = message[0]
    assert start.isupper() or start.isdigit() or start in "'\"", f"not a sentence: {message[:80]!r}"
    for pattern in noise:
        assert pattern not in message or pattern in source, f"{pattern!r} in: {message!r}"


# ---- the caseload and the screen's steps ------------------------------------------------


@pytest.fixture(scope="module")
def caseload_file(
    tmp_path_factory: pytest.TempPathFactory, empty_template: JournalTemplate
) -> Path:
    """A closed journal (TODAY is 2026-03-01):

    - C-001: sessions 1 (2026-01-05, SAC-4 estimate and feedback), 2 (2026-01-12, SAC-4
      estimate), 3 (2026-01-19, nothing recorded);
    - C-002: session 1 (2026-02-02, SRS estimate);
    - C-003: no sessions;
    - C-004: sessions 1 and 2, both on 2026-01-07.
    """
    path = empty_template.copy_to(tmp_path_factory.mktemp("csv-caseload"), "caseload")
    journal = empty_template.open(path)
    c1, c2, c3, c4 = (Client(code=f"C-00{n}") for n in range(1, 5))
    s11 = Session(c1.id, date(2026, 1, 5), 1)
    s12 = Session(c1.id, date(2026, 1, 12), 2)
    s13 = Session(c1.id, date(2026, 1, 19), 3)
    s21 = Session(c2.id, date(2026, 2, 2), 1)
    s41 = Session(c4.id, date(2026, 1, 7), 1)
    s42 = Session(c4.id, date(2026, 1, 7), 2)
    sac4 = {"bond": 6, "goals": 6, "tasks": 6, "voice": 6}
    srs = {"relationship": 7, "goals_topics": 7, "approach": 7, "overall": 7}
    journal.save_all(
        [c1, c2, c3, c4, s11, s12, s13, s21, s41, s42]
        + [Estimate(s11.id, "sac4", sac4), Estimate(s12.id, "sac4", sac4)]
        + [Estimate(s21.id, "srs", srs), Feedback(s11.id, "sac4", sac4, source="paper")]
    )
    journal.lock()
    return path


@pytest.fixture
def fresh(caseload_file: Path, empty_template: JournalTemplate, tmp_path: Path) -> Iterator[Any]:
    """`fresh()`: a new copy of the caseload, opened (the previous one is locked)."""
    opened: list[Journal] = []

    def open_copy() -> Journal:
        for journal in opened:
            journal.lock()
        target = tmp_path / "work.journal"
        shutil.copy(caseload_file, target)
        opened.append(empty_template.open(target))
        return opened[-1]

    yield open_copy
    for journal in opened:
        journal.lock()


def state(journal: Journal) -> tuple[int, int, int, int]:
    rows = count_rows(journal.path)
    return journal.version, rows, len(journal.all(Session)), len(journal.all(Feedback))


def screen_map(header: tuple[str, ...], choice: str | None) -> ColumnMap:
    """The mapping the screen shows before the user changes anything (its default picks)."""
    instrument = None if choice is None else INSTRUMENTS[choice]
    guess = guess_map(header, instrument)

    def required(name: str | None) -> str:  # a select box without "(not in the file)"
        return name if name in header else header[0]

    items: dict[str, str] = {}
    for shown in [instrument] if instrument is not None else INSTRUMENTS.values():
        items.update(guess_map(header, shown).items)
    return ColumnMap(
        client=required(guess.client),
        date=guess.date,
        session=guess.session,
        instrument_column=required(guess.instrument_column) if instrument is None else None,
        instrument=choice,
        items=items,
        comment=guess.comment,
    )


def file_lines(data: bytes) -> int:
    """The most lines a reader can count in the file (any line ending)."""
    text = data.decode("utf-8-sig", "replace")
    return len(re.split(r"\r\n|\r|\n", text))


def check_problems(
    table: Table, preview: list[PreviewRow], problems: list[RowProblem], data: bytes
) -> None:
    source = data.decode("latin-1")
    lines = {table.line_of(i) for i in range(len(table.rows))}
    for problem in problems:
        assert 1 <= problem.line <= file_lines(data), f"problem on line {problem.line}"
        assert_readable(problem.reason, source + data.decode("utf-8", "replace"), _QUOTED_NOISE)
    shown = [row.line for row in preview]
    assert len(shown) == len(set(shown)), "a row is previewed twice"
    if any(p.line == 1 for p in problems) and not preview:
        return  # the mapping itself is not usable: no row was read
    reported = {p.line for p in problems}
    assert set(shown) | reported == lines, "a row is neither previewed nor explained"
    assert not set(shown) & reported, "a row is both previewed and reported"


def check_import(journal: Journal, preview: list[PreviewRow]) -> None:
    """Exactly the previewed rows are written: feedback from the file, new sessions."""
    version, rows, sessions, feedback = state(journal)
    new_sessions = sum(row.new_session for row in preview)
    assert import_rows(journal, preview) == len(preview)
    after = state(journal)
    assert after[1] == rows + len(preview) + new_sessions, "rows written besides the import"
    assert after[2:] == (sessions + new_sessions, feedback + len(preview))
    by_session = {f.session_id: f for f in journal.all(Feedback)}
    for row in preview:
        (session,) = [
            s
            for s in journal.all(Session)
            if s.client_id == row.client_id and s.number == row.session_number
        ]
        assert session.date == row.date
        found = by_session[session.id]
        assert (found.instrument, found.items, found.comment, found.source) == (
            row.instrument,
            row.items,
            row.comment,
            "csv",
        )
        assert sum(found.items.values()) == row.total


def like_the_screen(journal: Journal, data: bytes, choice: str | None, runs: dict) -> None:
    """Read, map, check, import when clean; every outcome checked."""
    runs["cases"] += 1
    before = state(journal)
    try:
        table = read_csv(data)
    except CsvProblem as problem:
        assert_readable(str(problem), data.decode("latin-1"))
        assert state(journal) == before
        runs["unreadable"] += 1
        return
    assert table.rows and all(len(row) == len(table.header) for row in table.rows)
    preview, problems = check_rows(
        table, screen_map(table.header, choice), journal, INSTRUMENTS, today=TODAY
    )
    assert state(journal) == before, "checking the rows wrote to the journal"
    check_problems(table, preview, problems, data)
    if problems:
        runs["refused"] += 1
        return
    try:
        check_import(journal, preview)
    except JournalError as error:  # check_rows passed it, so the import must write it
        pytest.fail(f"a file without problems did not import: {error}")
    runs["imported"] += 1
    runs["rows"] += len(preview)


def counters() -> dict[str, int]:
    return dict.fromkeys(("cases", "unreadable", "refused", "imported", "rows"), 0)


def summary(name: str, runs: dict[str, int]) -> str:
    return (
        f"fuzz, CSV import ({name}): {runs['cases']} cases, {runs['imported']} imported "
        f"({runs['rows']} rows), {runs['refused']} refused with problems listed by line, "
        f"{runs['unreadable']} unreadable with a message"
    )


# ---- random files -----------------------------------------------------------------------

CSV_CHARS = list(',;"\t|\n\r \x00\ufeff\u2028aéZ0123456789-/:C')
ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"]


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, "replace")


def big_field(size: int) -> bytes:
    return b'client,date\nC-001,"' + b"x" * size + b'"\n'


@pytest.mark.parametrize("choice", ["sac4", None], ids=["one instrument", "instrument column"])
def test_random_files_are_refused_with_a_message_or_explained_row_by_row(
    fresh: Any, choice: str | None
) -> None:
    runs = counters()
    journal = fresh()

    @settings(max_examples=150, **SETTINGS)
    @given(
        st.one_of(
            st.binary(max_size=400),
            st.tuples(
                st.text(st.sampled_from(CSV_CHARS), max_size=200), st.sampled_from(ENCODINGS)
            ).map(lambda t: encode(*t)),
            st.tuples(st.text(max_size=120), st.sampled_from(ENCODINGS)).map(lambda t: encode(*t)),
        )
    )
    @example(b"")
    @example(b"\xef\xbb\xbf")
    @example(b"\x00")
    @example(b"client,date\n")  # a header and no rows
    @example("client,date\nC-003,2026-02-10\n".encode("utf-16"))
    @example(b"client;date\r\nC-003;10/02/2026\r\n")
    @example(b"client,date\rC-003,2026-02-10\r")  # old Mac line ends
    @example(b'client,date\nC-003,"2026-02-10\n')  # a quote never closed
    @example(b'client,date\nC-003,"2026"-02-10\n')  # text after a closing quote
    @example(big_field(131_073))  # beyond csv.field_size_limit()
    @example(b"a" * (MAX_BYTES + 1))
    @example(b"client,date\n" + b"C-003,2026-02-10\n" * (MAX_ROWS + 1))
    @example(b"2026-01-01,C-001\nC-003,2026-02-10\n")  # data where the header should be
    @example(b"client,Client\nC-003,x\n")  # one name twice
    @example(b"client,,date\nC-003,,2026-02-10\n")  # a column without a name
    def run(data: bytes) -> None:
        like_the_screen(journal, data, choice, runs)

    try:
        run()
    finally:
        figures.report(summary(f"random files, {choice or 'instrument column'}", runs))
    assert runs["unreadable"] and runs["refused"]


# ---- near-valid files -------------------------------------------------------------------

SAC4_HEADER = ("client", "date", "session", "bond", "goals", "tasks", "voice", "comment")
HEADERS = {
    "sac4": [
        SAC4_HEADER,
        (
            "Client code",
            "Session date",
            "Session no",
            "Bond (0-10)",
            "Goals",
            "Tasks",
            "Voice",
            "Notes",
        ),
        ("CLIENT", "DATE", "BOND", "GOALS", "TASKS", "VOICE"),
    ],
    None: [
        (
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
    ],
}
SAC4_ROW = {"bond": "7", "goals": "8", "tasks": "6", "voice": "9", "comment": "felt heard"}
SRS_ROW = {"relationship": "5", "goals_topics": "6", "approach": "7", "overall": "8"}
# rows that import into the caseload, by the canonical column names above
GOOD_ROWS = [
    {"client": "C-003", "date": "2026-02-10", **SAC4_ROW},  # a new session
    {"client": "C-003", "date": "17/02/2026", **SAC4_ROW, "comment": ""},
    {"client": "c-001", "date": "", "session": "2", **SAC4_ROW},  # by number, any case
    {"client": "C-001", "date": "2026-01-19", **SAC4_ROW},  # by date
    {"client": "C-001", "date": "2026-02-14", "session": "4", **SAC4_ROW},  # new, numbered
    {"client": "C-004", "date": "2026-02-01", "session": "3", **SAC4_ROW},
]
GOOD_SRS_ROWS = [
    {"client": "C-002", "date": "2026-02-02", "instrument": "srs", **SRS_ROW, "comment": "ok"},
    {"client": "C-003", "date": "2026-02-20", "instrument": "SRS", **SRS_ROW},
]
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "C-001", "C-002", "c-003", "C-004", "C-009", "0", "1", "2", "3", "10", "11"]
        + ["-1", "+5", "7.5", "1e3", " 7 ", "٣", "sac4", "srs", "wai_sr", "SAC-4", "nope"]
        + ["2026-01-05", "07/01/2026", "01/13/2026", "2026-02-30", "2099-01-01", "0000-01-01"]
        + ['"quoted"', "semi;colon", "com,ma", "line\nbreak", "\r", "=1+1"]
    ),
)


SPELLED = {
    "Client code": "client",
    "Session date": "date",
    "Session no": "session",
    "Bond (0-10)": "bond",
    "Notes": "comment",
}


def canonical(name: str) -> str:
    """The GOOD_ROWS key a header name stands for."""
    return SPELLED.get(name, name.lower())


@st.composite
def near_valid(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A spreadsheet export of good rows, then a few cells, rows or bytes changed."""
    choice = draw(st.sampled_from(["sac4", "sac4", None]))
    header = list(draw(st.sampled_from(HEADERS[choice])))
    pool = GOOD_ROWS + (GOOD_SRS_ROWS if choice is None else [])
    chosen = st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=4, unique=True)
    picked = [pool[i] for i in draw(chosen)]
    rows = [
        [
            ({**row, "instrument": "sac4"} if choice is None else row).get(canonical(n), "")
            for n in header
        ]
        for row in picked
    ]
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):  # cell changes
        row = draw(st.integers(0, len(rows) - 1))
        rows[row][draw(st.integers(0, len(header) - 1))] = draw(CELLS)
    shape = draw(st.sampled_from(["as is"] * 9 + ["row twice", "short row", "long row"]))
    if shape == "row twice":
        rows.append(list(rows[0]))
    elif shape == "short row":
        rows[-1] = rows[-1][:-1]
    elif shape == "long row":
        rows[-1] = [*rows[-1], "extra"]
    header_change = draw(
        st.sampled_from(["none"] * 12 + ["upper", "padded", "drop column", "twice"])
    )
    if header_change == "upper":
        header = [n.upper() for n in header]
    elif header_change == "padded":
        header = [f"  {n} " for n in header]
    elif header_change == "drop column":
        header = header[1:]
    elif header_change == "twice":
        header = [*header, header[0]]
    out = io.StringIO(newline="")
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", ",", ";", "\t"])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    )
    writer.writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8"] * 8 + ["utf-8-sig", "utf-16", "latin-1"]))
    data = bytearray(encode(out.getvalue(), encoding))
    for _ in range(draw(st.sampled_from([0] * 7 + [1, 2]))):  # byte changes
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=3))
        elif at < len(data):
            if action == "flip":
                data[at] ^= draw(st.integers(1, 255))
            else:
                del data[at]
    return bytes(data), choice


def test_near_valid_files_import_every_row_or_explain_each_problem_and_write_nothing(
    fresh: Any,
) -> None:
    runs = counters()

    @settings(max_examples=250, **SETTINGS)
    @given(near_valid())
    @example((b"client,date,bond,goals,tasks,voice\nC-003,2026-02-10,7,8,6,9\n", "sac4"))
    @example((b"client,date,bond,goals,tasks,voice\nC-003,2026-02-10,7,8,6,9\n" * 2, "sac4"))
    @example((b"client,session,bond,goals,tasks,voice\nC-001,1,7,8,6,9\n", "sac4"))  # has feedback
    @example((b"client,date,bond,goals,tasks,voice\nC-004,07/01/2026,7,8,6,9\n", "sac4"))
    @example(
        (
            b"client,date,session,instrument,relationship,goals_topics,approach,overall\n"
            b"C-001,,2,srs,1,2,3,4\n",
            None,
        )
    )  # the estimate used another instrument
    def run(case: tuple[bytes, str | None]) -> None:
        like_the_screen(fresh(), case[0], case[1], runs)

    try:
        run()
    finally:
        figures.report(summary("near-valid files", runs))
    assert runs["imported"] and runs["refused"] and runs["unreadable"]
