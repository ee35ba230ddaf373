"""Importing patients' feedback from a CSV file (a survey tool's export or a spreadsheet).

Three steps, so the screen can show what will happen before anything is written:

1. `read_csv(bytes) -> Table`: the file as text cells; a file that cannot be read as one
   table raises `CsvProblem` with a plain message.
2. `check_rows(table, ColumnMap, journal, instruments) -> (previews, problems)`: every row
   is checked and every problem is reported with the line the user sees in the file
   (the header is line 1). Read-only.
3. `import_rows(journal, previews)`: only when there were no problems; writes the new
   sessions and the feedback in one transaction (all or nothing).

Instruments are passed in (id -> `prompts.library.Instrument`, the journal's custom ones
included). Exception messages never quote cell contents (they may be logged);
`RowProblem.reason` may quote a short cell, since it is only shown to the user.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from practice import scores
from prompts.library import Instrument
from storage.errors import InvalidRecord, JournalError
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Session, now

MAX_BYTES = 5_000_000
MAX_ROWS = 20_000
DELIMITERS: tuple[str, ...] = (",", ";")
DATE_FORMATS = "YYYY-MM-DD (2025-03-14) or DD/MM/YYYY (14/03/2025)"
SOURCE = "csv"
_SNIFF_RECORDS = 20
_SHOWN_CHARS = 40
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_POSITIVE = re.compile(r"\d{1,9}")
_NUMBERISH = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


class CsvProblem(JournalError):
    """The file cannot be read as one table; `str()` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason} Nothing was imported.")


@dataclass(frozen=True)
class Table:
    """A CSV file as text: header names (stripped) and rows of raw cells.

    `lines[i]` is the line of the file where `rows[i]` starts (the header is line 1 when
    the file starts with it); blank rows are left out. When `lines` is empty (a table
    made by hand), row i is taken to be on line i + 2.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...] = ()

    def line_of(self, index: int) -> int:
        return self.lines[index] if self.lines else index + 2


@dataclass(frozen=True)
class ColumnMap:
    """Which column holds what. Column names are header names exactly as in `Table`.

    At least one of `date` and `session`; exactly one of `instrument_column` (a column
    holding each row's instrument id or name) and `instrument` (one instrument id for
    the whole file). `items` maps item id -> column.
    """

    client: str
    date: str | None = None
    session: str | None = None
    instrument_column: str | None = None
    instrument: str | None = None
    items: dict[str, str] = field(default_factory=dict)
    comment: str | None = None


@dataclass(frozen=True)
class RowProblem:
    """Why one line of the file cannot be imported (line 1 is the header)."""

    line: int
    reason: str


@dataclass(frozen=True)
class PreviewRow:
    """One row as it will be imported."""

    line: int
    client_code: str
    client_id: str
    session_number: int
    date: date
    session_id: str | None  # None: the session will be created
    new_session: bool
    instrument: str
    items: dict[str, float]
    total: int
    comment: str


# ---- reading the file --------------------------------------------------------------------


def read_csv(data: bytes, max_bytes: int = MAX_BYTES, *, max_rows: int = MAX_ROWS) -> Table:
    """The file as a Table: UTF-8 (with or without BOM), comma or semicolon separated,
    quoted fields and any line ending. Raises CsvProblem for anything else."""
    if len(data) > max_bytes:
        raise CsvProblem(
            f"The file is larger than {_megabytes(max_bytes)} MB, the most that can be "
            "imported at once. Split it into smaller files."
        )
    text = _decode(bytes(data))
    if not text.strip():
        raise CsvProblem("The file is empty.")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CsvProblem(
            f"Line {line} holds a NUL character, so this is not a plain-text CSV file. "
            "Save it from your spreadsheet as 'CSV UTF-8'."
        )
    return _parse(text, _sniff(text), max_rows)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".rstrip("0").rstrip(".")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            detail = "it is saved as UTF-16 ('Unicode text')"
        else:
            line = data.count(b"\n", 0, exc.start) + 1
            detail = f"line {line} holds bytes that are not UTF-8"
        raise CsvProblem(
            f"The file is not UTF-8 text ({detail}). Save it from your spreadsheet or survey "
            "tool as 'CSV UTF-8'."
        ) from None


def _sniff(text: str) -> str:
    """Comma or semicolon: the one that splits the header into more than one column, then
    the one most of the first records agree with, then the one giving more columns; a
    comma when nothing tells them apart."""
    best: tuple[tuple[bool, float, int], str] | None = None
    for delimiter in DELIMITERS:
        counts: list[int] = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for record in reader:
                if record:  # a row of separators only still shows which one splits
                    counts.append(len(record))
                    if len(counts) >= _SNIFF_RECORDS:
                        break
        except csv.Error:
            pass  # judged on the records read so far; the real parse reports the error
        if not counts:
            continue
        agree = sum(c == counts[0] for c in counts) / len(counts)
        score = (counts[0] > 1, agree, counts[0])
        if best is None or score > best[0]:
            best = (score, delimiter)
    return best[1] if best else DELIMITERS[0]


def _parse(text: str, delimiter: str, max_rows: int) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: tuple[str, ...] | None = None
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []
    ragged: list[tuple[int, int]] = []
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines and spreadsheets' empty trailing rows
            if header is None:
                header = _check_header(record, start)
                continue
            if len(rows) + len(ragged) >= max_rows:
                raise CsvProblem(
                    f"The file has more than {max_rows:,} rows. Split it into smaller files."
                )
            if len(record) != len(header):
                ragged.append((start, len(record)))
                continue
            rows.append(tuple(record))
            lines.append(start)
    except csv.Error as exc:
        raise CsvProblem(_csv_error(exc, reader.line_num)) from None
    if header is None:  # pragma: no cover - a blank file is caught before
        raise CsvProblem("The file is empty.")
    if ragged:
        raise CsvProblem(_ragged_message(ragged, len(header)))
    if not rows:
        raise CsvProblem("The file has a header line but no rows of feedback.")
    return Table(header=header, rows=tuple(rows), lines=tuple(lines))


def _csv_error(exc: csv.Error, line: int) -> str:
    message = str(exc)
    if "field limit" in message:
        return f"Line {line} has a field longer than {csv.field_size_limit():,} characters."
    if "end of data" in message:
        return (
            f'A quoted field that starts on or before line {line} is never closed (a " is missing).'
        )
    return (
        f'Line {line} has a quote (") in the wrong place: text follows a closing quote. '
        'Inside a quoted field, write a quote as "".'
    )


def _ragged_message(ragged: list[tuple[int, int]], width: int) -> str:
    if len(ragged) == 1:
        line, count = ragged[0]
        return (
            f"Line {line} has {count} field(s), but the header has {width} columns. "
            "Check for a missing or extra separator, or a separator inside an unquoted field."
        )
    shown = ", ".join(str(line) for line, _ in ragged[:10])
    more = f" and {len(ragged) - 10} more" if len(ragged) > 10 else ""
    return (
        f"Lines {shown}{more} do not have the same number of fields as the header "
        f"({width} columns). Check for missing or extra separators, or separators inside "
        "unquoted fields."
    )


def _check_header(record: list[str], line: int) -> tuple[str, ...]:
    names = tuple(cell.strip() for cell in record)
    for position, name in enumerate(names, start=1):
        if not name:
            raise CsvProblem(
                f"Column {position} of the header (line {line}) has no name. Every column "
                "needs a name in the first line."
            )
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise CsvProblem(
                f"The header (line {line}) names the column {_show(name)} twice. "
                "Column names must be different."
            )
        seen.add(name.casefold())
    if any(_parse_date(n) is not None for n in names) or all(
        _NUMBERISH.fullmatch(n) for n in names
    ):
        raise CsvProblem(
            f"The first line (line {line}) looks like a row of data, not a header. The first "
            "line must name the columns, for example: client, date, session, bond, goals."
        )
    return names


# ---- guessing the mapping ----------------------------------------------------------------


def _words(name: str) -> tuple[str, ...]:
    """Lower-case words of a column or item name, bracketed notes left out:
    'Bond (0-10)' -> ('bond',), 'goals_topics' -> ('goals', 'topics')."""
    name = re.sub(r"[(\[][^)\]]*[)\]]", " ", name)
    return tuple(re.findall(r"[^\W_]+", name.casefold()))


def guess_map(header: Sequence[str], instrument: Instrument | None) -> ColumnMap:
    """A best-effort first mapping for the screen to show and the user to correct.

    Matches names case-insensitively: "client"/"code", "date", "session", "instrument",
    "comment"/"note", and each item's id or label. The instrument is a column when the
    file has one named like "instrument", otherwise `instrument` for the whole file.
    """
    words = {name: _words(name) for name in header}
    used: set[str] = set()

    def pick(exact: set[tuple[str, ...]], contains: set[str]) -> str | None:
        for test in (lambda w: w in exact, lambda w: bool(contains & set(w))):
            for name in header:
                if name not in used and test(words[name]):
                    used.add(name)
                    return name
        return None

    client = pick(
        {("client",), ("client", "code"), ("code",), ("client", "id")}, {"client", "code"}
    )
    when = pick({("date",), ("session", "date")}, {"date"})
    session = pick(
        {("session",), ("session", "number"), ("session", "no"), ("session", "nr")}, {"session"}
    )
    instrument_column = pick(
        {("instrument",), ("instrument", "id"), ("scale",), ("measure",)}, set()
    )
    comment = pick({("comment",), ("comments",)}, {"comment", "comments", "note", "notes"})
    items: dict[str, str] = {}
    for item in instrument.items if instrument is not None else ():
        targets = {_words(item.id), _words(item.label)}
        column = next((n for n in header if n not in used and words[n] in targets), None)
        if column is not None:
            used.add(column)
            items[item.id] = column
    return ColumnMap(
        client=client or "",
        date=when,
        session=session,
        instrument_column=instrument_column,
        instrument=None if instrument_column or instrument is None else instrument.id,
        items=items,
        comment=comment,
    )


# ---- checking the rows -------------------------------------------------------------------


@dataclass
class _Row:
    """One row while it is being checked."""

    line: int
    client: Client | None = None
    number: int | None = None
    day: date | None = None
    date_given: bool = False
    instrument: Instrument | None = None
    items: dict[str, float] = field(default_factory=dict)
    comment: str = ""
    failed: bool = False
    session: Session | None = None  # the journal's session it matched
    new_session: bool = False


class _Checker:
    """The state of one `check_rows` call."""

    def __init__(
        self,
        table: Table,
        column_map: ColumnMap,
        journal: Journal,
        instruments: Mapping[str, Instrument],
        today: date,
    ) -> None:
        self.table = table
        self.map = column_map
        self.instruments = instruments
        self.today = today
        self.problems: list[RowProblem] = []
        self.index = {name: i for i, name in enumerate(table.header)}
        self.by_name: dict[str, Instrument] = {}
        for key, inst in instruments.items():
            self.by_name.setdefault(inst.name.strip().casefold(), inst)
            self.by_name[key.casefold()] = inst
        self.clients = {c.code.strip().casefold(): c for c in journal.all(Client)}
        self.by_number: dict[tuple[str, int], Session] = {}
        self.on_day: dict[tuple[str, date], list[Session]] = {}
        # client id -> highest session number in the journal, the file, or given out
        self.highest: dict[str, int] = {}
        for s in journal.all(Session):
            self.by_number[(s.client_id, s.number)] = s
            self.on_day.setdefault((s.client_id, s.date), []).append(s)
            self.highest[s.client_id] = max(self.highest.get(s.client_id, 0), s.number)
        self.fed_back = {f.session_id for f in journal.all(Feedback)}
        self.estimates = {e.session_id: e.instrument for e in journal.all(Estimate)}
        # (client id, session number) -> line of the row that took it
        self.taken: dict[tuple[str, int], int] = {}
        # client id -> {date: [session numbers the file creates on that date]}
        self.created: dict[str, dict[date, list[int]]] = {}

    def report(self, row: _Row | int, reason: str) -> None:
        line = row if isinstance(row, int) else row.line
        if isinstance(row, _Row):
            row.failed = True
        self.problems.append(RowProblem(line, reason))

    def cell(self, values: tuple[str, ...], column: str | None) -> str:
        return values[self.index[column]].strip() if column is not None else ""

    # -- the mapping ---------------------------------------------------------------------

    def check_map(self) -> bool:
        """Problems of the mapping itself, reported on line 1; True when it is usable."""
        m = self.map
        before = len(self.problems)
        if not (m.client or "").strip():
            self.report(1, "Choose the column that holds the client code.")
        if m.date is None and m.session is None:
            self.report(1, "Choose a date column, a session number column, or both.")
        if (m.instrument_column is None) == (m.instrument is None):
            self.report(
                1,
                "Choose either a column that names each row's instrument, or one instrument "
                "for the whole file (one of the two).",
            )
        fixed = None
        if m.instrument is not None:
            fixed = self.instruments.get(m.instrument)
            if fixed is None:
                self.report(1, f"The instrument {_show(m.instrument)} is not known.")
        known_items = {
            item.id
            for inst in ([fixed] if fixed else self.instruments.values())
            for item in inst.items
        }
        for item_id in m.items:
            if item_id not in known_items:
                where = f"of {fixed.name}" if fixed else "of any instrument"
                self.report(1, f"{_show(item_id)} is not an item {where}.")
        if fixed is not None:
            for item in fixed.items:
                if not m.items.get(item.id):
                    self.report(1, f"Choose the column that holds the score for {item.label}.")
        roles: dict[str, str] = {}
        for role, column in self.roles():
            if column not in self.index:
                self.report(1, f"The column {_show(column)} chosen for {role} is not in the file.")
            elif column in roles:
                self.report(
                    1, f"The column {_show(column)} is chosen for both {roles[column]} and {role}."
                )
            else:
                roles[column] = role
        return len(self.problems) == before

    def roles(self) -> list[tuple[str, str]]:
        m = self.map
        labels = {i.id: i.label for inst in self.instruments.values() for i in inst.items}
        found = [
            ("the client code", m.client),
            ("the date", m.date),
            ("the session number", m.session),
            ("the instrument", m.instrument_column),
            ("the comment", m.comment),
        ]
        found += [(f"the score for {labels.get(k, k)}", c) for k, c in m.items.items()]
        return [(role, column) for role, column in found if column]

    # -- one row on its own --------------------------------------------------------------

    def read_row(self, index: int) -> _Row:
        values = self.table.rows[index]
        m = self.map
        row = _Row(line=self.table.line_of(index))
        code = self.cell(values, m.client)
        if not code:
            self.report(row, "There is no client code.")
        else:
            row.client = self.clients.get(code.casefold())
            if row.client is None:
                self.report(
                    row,
                    f"The client code {_show(code)} is not in the journal (add the client first).",
                )
        number_text = self.cell(values, m.session)
        date_text = self.cell(values, m.date)
        row.date_given = bool(date_text)
        if not number_text and not date_text:
            self.report(row, "There is no date and no session number.")
        if number_text:
            if _POSITIVE.fullmatch(number_text) and int(number_text) > 0:
                row.number = int(number_text)
            else:
                self.report(
                    row,
                    f"The session number {_show(number_text)} is not a whole number of 1 or more.",
                )
        if date_text:
            row.day = self.read_date(row, date_text)
        row.instrument = self.read_instrument(row, values)
        if row.instrument is not None:
            self.read_items(row, values, row.instrument)
        row.comment = self.cell(values, m.comment)
        return row

    def read_date(self, row: _Row, text: str) -> date | None:
        day = _parse_date(text)
        if day is None:
            reason = f"The date {_show(text)} is not a date: use {DATE_FORMATS}."
            swapped = _DMY_DATE.fullmatch(text)
            if swapped and _parse_date(f"{swapped[2]}/{swapped[1]}/{swapped[3]}"):
                reason += " It looks like month first (US style); this import reads day first."
            self.report(row, reason)
        elif day > self.today:
            self.report(row, f"The date {day.isoformat()} is in the future.")
            return None
        return day

    def read_instrument(self, row: _Row, values: tuple[str, ...]) -> Instrument | None:
        m = self.map
        if m.instrument is not None:
            return self.instruments[m.instrument]
        text = self.cell(values, m.instrument_column)
        if not text:
            self.report(row, "There is no instrument.")
            return None
        found = self.by_name.get(text.casefold())
        if found is None:
            known = ", ".join(sorted(self.instruments)) or "none"
            self.report(row, f"The instrument {_show(text)} is not known (known: {known}).")
        return found

    def read_items(self, row: _Row, values: tuple[str, ...], inst: Instrument) -> None:
        ours = {item.id for item in inst.items}
        for item in inst.items:
            column = self.map.items.get(item.id)
            if not column:
                self.report(
                    row, f"No column is chosen for the score for {item.label} ({inst.name})."
                )
                continue
            text = self.cell(values, column)
            value = scores.parse(text) if text else None
            if not text:
                self.report(row, f"The score for {item.label} is missing.")
            elif value is None:
                self.report(row, f"The score {_show(text)} for {item.label} is not a number.")
            elif (reason := scores.problem(item.label, value, inst)) is not None:
                self.report(row, reason)
            else:
                row.items[item.id] = scores.stored(value)
        for item_id, column in self.map.items.items():
            if item_id not in ours and self.cell(values, column):
                self.report(
                    row,
                    f"The column {_show(column)} has a score, but {_show(item_id)} is not an "
                    f"item of {inst.name}.",
                )

    # -- which session each row is about -------------------------------------------------

    def next_free(self, client_id: str) -> int:
        number = self.highest.get(client_id, 0) + 1
        self.highest[client_id] = number
        return number

    def claim(self, row: _Row, number: int) -> bool:
        """Take (client, session number) for this row; False (reported) when another row of
        the file already took it."""
        client = row.client
        assert client is not None
        row.number = number
        other = self.taken.get((client.id, number))
        if other is not None:
            self.report(
                row,
                f"Session {number} of {client.code} is in the file twice (also line {other}).",
            )
            return False
        self.taken[(client.id, number)] = row.line
        return True

    def check_recorded(self, row: _Row, session: Session) -> None:
        """A row about a session of the journal: no feedback yet, the estimate's instrument."""
        assert row.client is not None
        row.session, row.day = session, session.date
        about = f"session {session.number} of {row.client.code}"
        if session.id in self.fed_back:
            self.report(
                row, f"Feedback for {about} ({session.date.isoformat()}) is already recorded."
            )
        estimated = self.estimates.get(session.id)
        if row.instrument is not None and estimated not in (None, row.instrument.id):
            self.report(
                row,
                f"Your estimate for {about} used {_show(estimated)}, but this row is "
                f"{row.instrument.name}: both must use the same instrument.",
            )

    def create(self, row: _Row, number: int, day: date) -> None:
        assert row.client is not None
        row.new_session, row.day = True, day
        self.created.setdefault(row.client.id, {}).setdefault(day, []).append(number)

    def match_by_number(self, row: _Row) -> None:
        client, number = row.client, row.number
        assert client is not None and number is not None
        if not self.claim(row, number):
            return
        session = self.by_number.get((client.id, number))
        if session is not None:
            if row.day is not None and row.day != session.date:
                self.report(
                    row,
                    f"Session {number} of {client.code} is dated {session.date.isoformat()} in "
                    f"the journal, not {row.day.isoformat()}.",
                )
            self.check_recorded(row, session)
        elif row.day is not None:
            self.create(row, number, row.day)
        elif not row.date_given:  # a date that did not parse is reported already
            self.report(
                row,
                f"Session {number} of {client.code} is not in the journal yet: add its date so "
                "it can be created.",
            )

    def match_by_date(self, row: _Row) -> None:
        client, day = row.client, row.day
        assert client is not None and day is not None
        known = self.on_day.get((client.id, day), [])
        made = self.created.get(client.id, {}).get(day, [])
        if len(known) + len(made) > 1:
            self.report(
                row,
                f"{client.code} has {len(known) + len(made)} sessions on {day.isoformat()}: add "
                "the session number to say which one.",
            )
        elif known:
            if self.claim(row, known[0].number):
                self.check_recorded(row, known[0])
        elif made:
            self.claim(row, made[0])  # always taken: by the row that creates that session
        else:
            number = self.next_free(client.id)
            self.claim(row, number)
            self.create(row, number, day)

    def preview(self, row: _Row) -> PreviewRow:
        assert row.client and row.number and row.day and row.instrument
        return PreviewRow(
            line=row.line,
            client_code=row.client.code,
            client_id=row.client.id,
            session_number=row.number,
            date=row.day,
            session_id=row.session.id if row.session else None,
            new_session=row.new_session,
            instrument=row.instrument.id,
            items=dict(row.items),
            total=sum(row.items.values()),
            comment=row.comment,
        )

    def run(self) -> tuple[list[PreviewRow], list[RowProblem]]:
        if not self.check_map():
            return [], self.problems
        rows = [self.read_row(i) for i in range(len(self.table.rows))]
        for row in rows:  # numbers the file gives are not free for rows matched by date
            if row.client is not None and row.number is not None:
                client_id = row.client.id
                self.highest[client_id] = max(self.highest.get(client_id, 0), row.number)
        # rows with a session number first, so a row matched by date also sees the
        # sessions the file creates, whatever the order of the lines
        for row in rows:
            if row.client is not None and row.number is not None:
                self.match_by_number(row)
        for row in rows:
            if row.client is not None and row.number is None and row.day is not None:
                self.match_by_date(row)
        previews = [self.preview(row) for row in rows if not row.failed]
        problems = sorted(self.problems, key=lambda p: p.line)  # stable: row order kept
        return previews, problems


def check_rows(
    table: Table,
    column_map: ColumnMap,
    journal: Journal,
    instruments: Mapping[str, Instrument],
    *,
    today: date | None = None,
) -> tuple[list[PreviewRow], list[RowProblem]]:
    """Check every row; returns the rows that can be imported and every problem found.

    Read-only. Import only when the problems list is empty. Mapping problems (a column
    not in the file, no instrument chosen, ...) are reported on line 1 and stop the
    check there, since no row can be read until the mapping is fixed.
    """
    column_map = _tidy(column_map)
    checker = _Checker(table, column_map, journal, instruments, today or date.today())
    return checker.run()


# ---- importing ---------------------------------------------------------------------------


def import_rows(journal: Journal, preview: list[PreviewRow]) -> int:
    """Write the checked rows: new sessions and feedback (source "csv") in one transaction.

    Call it only when `check_rows` found no problems. Checks again that nothing changed
    meanwhile (a client removed, a session or feedback recorded in another tab) and then
    raises InvalidRecord without writing anything. Returns the number of feedback records.
    """
    if not preview:
        raise InvalidRecord("Feedback import", "there are no rows to import")
    clients = {c.id for c in journal.all(Client)}
    sessions = {s.id: s for s in journal.all(Session)}
    numbers = {(s.client_id, s.number) for s in sessions.values()}
    fed_back = {f.session_id for f in journal.all(Feedback)}
    seen: set[tuple[str, int]] = set()
    records: list[Session | Feedback] = []
    stamp = now()
    for row in preview:
        where = f"line {row.line}, session {row.session_number} of {row.client_code}"
        key = (row.client_id, row.session_number)
        if row.client_id not in clients:
            raise InvalidRecord(
                "Feedback import", f"{where}: the client is no longer in the journal"
            )
        if key in seen:
            raise InvalidRecord("Feedback import", f"{where}: the session is in the import twice")
        seen.add(key)
        if row.session_id is None:
            if key in numbers:
                raise InvalidRecord(
                    "Feedback import", f"{where}: the session was recorded meanwhile; check again"
                )
            session = Session(client_id=row.client_id, date=row.date, number=row.session_number)
            records.append(session)
            session_id = session.id
        else:
            if row.session_id not in sessions:
                raise InvalidRecord(
                    "Feedback import", f"{where}: the session is no longer in the journal"
                )
            if row.session_id in fed_back:
                raise InvalidRecord(
                    "Feedback import", f"{where}: feedback was recorded meanwhile; check again"
                )
            session_id = row.session_id
        records.append(
            Feedback(
                session_id=session_id,
                instrument=row.instrument,
                items=dict(row.items),
                comment=row.comment,
                source=SOURCE,
                recorded_at=stamp,
            )
        )
    journal.save_all(records)
    return len(preview)


# ---- small helpers -----------------------------------------------------------------------


def _tidy(column_map: ColumnMap) -> ColumnMap:
    """Blank choices (a screen's empty select box) mean "no column"."""

    def chosen(value: str | None) -> str | None:
        return value if value and value.strip() else None

    return ColumnMap(
        client=chosen(column_map.client) or "",
        date=chosen(column_map.date),
        session=chosen(column_map.session),
        instrument_column=chosen(column_map.instrument_column),
        instrument=chosen(column_map.instrument),
        items={k: v for k, v in column_map.items.items() if chosen(v)},
        comment=chosen(column_map.comment),
    )


def _parse_date(text: str) -> date | None:
    """ISO YYYY-MM-DD or DD/MM/YYYY (day first); None when it is neither or no real date."""
    text = text.strip()
    if found := _ISO_DATE.fullmatch(text):
        year, month, day = found[1], found[2], found[3]
    elif found := _DMY_DATE.fullmatch(text):
        day, month, year = found[1], found[2], found[3]
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _show(value: str) -> str:
    """A cell or name quoted for a message, cut short."""
    value = " ".join(value.split())
    if len(value) > _SHOWN_CHARS:
        value = value[: _SHOWN_CHARS - 1] + "…"
    return f"'{value}'"
