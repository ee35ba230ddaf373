"""Importing clients' outcome scores (PHQ-9, CORE-10, your own measure, ...) from a CSV file.

The same three steps as the feedback import (`practice.feedback_csv`), so the screen can
show what will happen before anything is written:

1. `feedback_csv.read_csv(bytes) -> Table`: the file as text cells.
2. `check_rows(table, ColumnMap, journal, measures) -> (rows, problems)`: every row is
   read on its client's outcome measure and checked with `practice.outcomes.
   answer_problems`; every problem is reported in words with the line the user sees in
   the file (the header is line 1). Read-only.
3. `import_rows(journal, rows, measures)`: only when there were no problems; saves each
   score through `record_outcome(..., source="csv")`, all in one transaction.

A row names its client by code and its session by number, by date, or both. The import
adds scores to sessions already in the journal and never creates one: a row naming a
session the journal does not hold is a problem. Exception messages never quote cells;
`RowProblem.reason` may quote a short cell, since it is only shown to the user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from practice import scores
from practice.feedback_csv import (
    _DMY_DATE,
    DATE_FORMATS,
    RowProblem,
    Table,
    _parse_date,
    _show,
    _words,
)
from practice.outcomes import answer_problems, record_outcome
from prompts.outcomes import OutcomeMeasure
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Client, Outcome, Session

SOURCE = "csv"
_POSITIVE = re.compile(r"\d{1,9}")


@dataclass(frozen=True)
class ColumnMap:
    """Which column holds what; column names exactly as in the `Table` header.

    At least one of `date` and `session`. `items` maps measure id -> item id -> the column
    with that item's score; `activities` (measures whose items the client names, the PSFS)
    maps measure id -> item id -> the column with the activity's name. One column may
    serve several measures (a file of PHQ-9 and GAD-7 clients with columns q1, q2, ...).
    """

    client: str
    date: str | None = None
    session: str | None = None
    items: dict[str, dict[str, str]] = field(default_factory=dict)
    activities: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class OutcomeRow:
    """One row as it will be saved: a session of the journal and the client's answers."""

    line: int
    client_code: str
    session_id: str
    session_number: int
    date: date
    measure: str
    answers: dict[str, float]
    activities: dict[str, str]
    total: float
    risk_items: tuple[str, ...]  # the labels of risk items answered above 0


# ---- guessing the mapping ----------------------------------------------------------------


def guess_map(header: Sequence[str], measures: Iterable[OutcomeMeasure]) -> ColumnMap:
    """A best-effort first mapping for the screen to show and the user to correct.

    Matches names case-insensitively: "client"/"code", "date", "session", and for each
    measure each item's label or id ("Sleep", "q3"); a named activity's score also as
    "<label> score" and its name as "<label> name".
    """
    words = {name: _words(name) for name in header}

    def pick(exact: set[tuple[str, ...]], contains: set[str], used: set[str]) -> str | None:
        for test in (lambda w: w in exact, lambda w: bool(contains & set(w))):
            for name in header:
                if name not in used and test(words[name]):
                    used.add(name)
                    return name
        return None

    used: set[str] = set()
    client = pick({("client",), ("client", "code"), ("code",), ("client", "id")}, set(), used)
    client = client or pick(set(), {"client", "code"}, used)
    when = pick({("date",), ("session", "date")}, set(), used) or pick(set(), {"date"}, used)
    session = pick(
        {("session",), ("session", "number"), ("session", "no"), ("session", "nr")},
        set(),
        used,
    ) or pick(set(), {"session"}, used)
    items: dict[str, dict[str, str]] = {}
    activities: dict[str, dict[str, str]] = {}
    for measure in measures:
        taken = set(used)  # columns may serve several measures, never two items of one
        for item in measure.items:
            names = {_words(item.id), _words(item.label)}
            score_names = names | {(*n, "score") for n in names} | {(*n, "rating") for n in names}
            column = pick(score_names, set(), taken)
            if column is not None:
                items.setdefault(measure.id, {})[item.id] = column
            if measure.named_items:
                named = pick({(*n, "name") for n in names}, set(), taken)
                if named is not None:
                    activities.setdefault(measure.id, {})[item.id] = named
    return ColumnMap(
        client=client or "",
        date=when,
        session=session,
        items=items,
        activities=activities,
    )


def measures_named(
    table: Table,
    client_column: str | None,
    journal: Journal,
    measures: Mapping[str, OutcomeMeasure],
) -> list[OutcomeMeasure]:
    """The outcome measures of the journal's clients the file names, in the order the file
    first names them: the ones whose columns the screen asks for."""
    if not client_column or client_column not in table.header:
        return []
    column = table.header.index(client_column)
    by_code = {c.code.strip().casefold(): c for c in journal.all(Client)}
    found: dict[str, OutcomeMeasure] = {}
    for row in table.rows:
        client = by_code.get(row[column].strip().casefold())
        if client is not None and client.outcome_measure in measures:
            found.setdefault(client.outcome_measure, measures[client.outcome_measure])
    return list(found.values())


# ---- checking the rows -------------------------------------------------------------------


@dataclass
class _Row:
    """One row while it is being checked."""

    line: int
    client: Client | None = None
    measure: OutcomeMeasure | None = None
    number: int | None = None
    day: date | None = None
    session: Session | None = None
    answers: dict[str, float | None] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)
    failed: bool = False


class _Checker:
    """The state of one `check_rows` call."""

    def __init__(
        self,
        table: Table,
        column_map: ColumnMap,
        journal: Journal,
        measures: Mapping[str, OutcomeMeasure],
        today: date,
    ) -> None:
        self.table = table
        self.map = column_map
        self.measures = measures
        self.today = today
        self.problems: list[RowProblem] = []
        self.index = {name: i for i, name in enumerate(table.header)}
        self.clients = {c.code.strip().casefold(): c for c in journal.all(Client)}
        self.by_number: dict[tuple[str, int], Session] = {}
        self.on_day: dict[tuple[str, date], list[Session]] = {}
        for s in journal.all(Session):
            self.by_number[(s.client_id, s.number)] = s
            self.on_day.setdefault((s.client_id, s.date), []).append(s)
        self.scored = {o.session_id for o in journal.all(Outcome)}
        # session id -> line of the row that took it
        self.taken: dict[str, int] = {}

    def report(self, row: _Row | int, reason: str) -> None:
        line = row if isinstance(row, int) else row.line
        if isinstance(row, _Row):
            row.failed = True
        self.problems.append(RowProblem(line, reason))

    def cell(self, values: tuple[str, ...], column: str | None) -> str:
        return values[self.index[column]].strip() if column is not None else ""

    # -- the mapping ---------------------------------------------------------------------

    def client_of(self, values: tuple[str, ...]) -> Client | None:
        return self.clients.get(self.cell(values, self.map.client).casefold())

    def check_map(self) -> bool:
        """Problems of the mapping itself, reported on line 1; True when it is usable."""
        m = self.map
        before = len(self.problems)
        if not m.client:
            self.report(1, "Choose the column that holds the client code.")
        if m.date is None and m.session is None:
            self.report(1, "Choose a date column, a session number column, or both.")
        shared = [("the client code", m.client), ("the date", m.date), ("the session", m.session)]
        roles: dict[str, str] = {}
        for role, column in shared:
            if column and self.column_ok(column, role, roles):
                roles[column] = role
        for measure_id in set(m.items) | set(m.activities):
            measure = self.measures.get(measure_id)
            if measure is None:
                self.report(1, f"{_show(measure_id)} is not an outcome measure of the journal.")
                continue
            own = dict(roles)  # one column may serve several measures, not two roles in one
            for role, column in self.measure_roles(measure):
                if self.column_ok(column, role, own):
                    own[column] = role
        if len(self.problems) > before or not m.client or m.client not in self.index:
            return False
        needed = {
            client.outcome_measure
            for values in self.table.rows
            if (client := self.client_of(values)) is not None
        }
        for measure_id, measure in self.measures.items():
            if measure_id in needed:
                self.check_measure_columns(measure)
        return len(self.problems) == before

    def column_ok(self, column: str, role: str, roles: Mapping[str, str]) -> bool:
        if column not in self.index:
            self.report(1, f"The column {_show(column)} chosen for {role} is not in the file.")
            return False
        if column in roles:
            self.report(
                1, f"The column {_show(column)} is chosen for both {roles[column]} and {role}."
            )
            return False
        return True

    def measure_roles(self, measure: OutcomeMeasure) -> list[tuple[str, str]]:
        labels = {item.id: item.label for item in measure.items}
        found = []
        for item_id, column in self.map.items.get(measure.id, {}).items():
            if item_id not in labels:
                self.report(1, f"{_show(item_id)} is not an item of {measure.name}.")
                continue
            found.append((f"the score for {labels[item_id]} ({measure.name})", column))
        for item_id, column in self.map.activities.get(measure.id, {}).items():
            if item_id not in labels or not measure.named_items:
                self.report(1, f"{measure.name} has no activity {_show(item_id)} to name.")
                continue
            found.append((f"the name of {labels[item_id]} ({measure.name})", column))
        return found

    def check_measure_columns(self, measure: OutcomeMeasure) -> None:
        """Every scored item of a measure the file's clients use has its column (a named
        activity: its score and its name, at least one activity)."""
        scored = self.map.items.get(measure.id, {})
        named = self.map.activities.get(measure.id, {})
        if measure.named_items:
            if not scored:
                first = measure.items[0].label
                self.report(
                    1, f"Choose the column that holds the score for {first} ({measure.name})."
                )
            for item in measure.items:
                if item.id in scored and item.id not in named:
                    self.report(
                        1,
                        f"Choose the column that holds the name of {item.label} ({measure.name}).",
                    )
            return
        for item in measure.scored_items:
            if item.id not in scored:
                self.report(
                    1, f"Choose the column that holds the score for {item.label} ({measure.name})."
                )

    # -- one row -------------------------------------------------------------------------

    def read_row(self, index: int) -> _Row:
        values = self.table.rows[index]
        row = _Row(line=self.table.line_of(index))
        code = self.cell(values, self.map.client)
        if not code:
            self.report(row, "There is no client code.")
        else:
            row.client = self.client_of(values)
            if row.client is None:
                self.report(
                    row,
                    f"The client code {_show(code)} is not in the journal (add the client first).",
                )
            elif not row.client.outcome_measure:
                self.report(
                    row,
                    f"{row.client.code} has no outcome measure: choose one for them on "
                    "Clients first.",
                )
            elif row.client.outcome_measure not in self.measures:
                self.report(
                    row,
                    f"{row.client.code}'s outcome measure is no longer in the journal: "
                    "choose another for them on Clients.",
                )
            else:
                row.measure = self.measures[row.client.outcome_measure]
        self.read_session(row, values)
        if row.measure is not None:
            self.read_answers(row, values, row.measure)
        return row

    def read_session(self, row: _Row, values: tuple[str, ...]) -> None:
        number_text = self.cell(values, self.map.session)
        date_text = self.cell(values, self.map.date)
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
        if row.client is None or row.failed:
            return
        if row.number is not None:
            self.match_by_number(row, row.client)
        elif row.day is not None:
            self.match_by_date(row, row.client, row.day)

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

    def match_by_number(self, row: _Row, client: Client) -> None:
        number = row.number
        assert number is not None
        session = self.by_number.get((client.id, number))
        if session is None:
            self.report(
                row,
                f"Session {number} of {client.code} is not in the journal: record the session "
                "first (this import adds scores to sessions, it never creates one).",
            )
        elif row.day is not None and row.day != session.date:
            self.report(
                row,
                f"Session {number} of {client.code} is dated {session.date.isoformat()} in the "
                f"journal, not {row.day.isoformat()}.",
            )
        else:
            self.claim(row, client, session)

    def match_by_date(self, row: _Row, client: Client, day: date) -> None:
        found = self.on_day.get((client.id, day), [])
        if not found:
            self.report(
                row,
                f"{client.code} has no session on {day.isoformat()} in the journal: record the "
                "session first (this import adds scores to sessions, it never creates one).",
            )
        elif len(found) > 1:
            self.report(
                row,
                f"{client.code} has {len(found)} sessions on {day.isoformat()}: add the session "
                "number to say which one.",
            )
        else:
            self.claim(row, client, found[0])

    def claim(self, row: _Row, client: Client, session: Session) -> None:
        """Take the session for this row, unless it has a score or another row took it."""
        about = f"session {session.number} of {client.code}"
        if session.id in self.scored:
            self.report(
                row,
                f"An outcome score for {about} ({session.date.isoformat()}) is already recorded.",
            )
        elif (other := self.taken.get(session.id)) is not None:
            self.report(
                row, f"{about[0].upper()}{about[1:]} is in the file twice (also line {other})."
            )
        else:
            self.taken[session.id] = row.line
            row.session, row.number, row.day = session, session.number, session.date

    def read_answers(self, row: _Row, values: tuple[str, ...], measure: OutcomeMeasure) -> None:
        columns = self.map.items.get(measure.id, {})
        names = self.map.activities.get(measure.id, {})
        wrong = False
        for item in measure.items:
            text = self.cell(values, columns.get(item.id))
            value = scores.parse(text) if text else None
            if text and value is None:
                self.report(row, f"The score {_show(text)} for {item.label} is not a number.")
                wrong = True
                continue
            row.answers[item.id] = value
            if item.id in names and (name := self.cell(values, names[item.id])):
                row.activities[item.id] = name
        if not wrong:
            for reason in answer_problems(measure, row.answers, row.activities):
                self.report(row, reason)

    def outcome_row(self, row: _Row) -> OutcomeRow:
        assert row.client and row.measure and row.session
        measure = row.measure
        answers = {k: scores.stored(v) for k, v in row.answers.items() if v is not None}
        labels = {item.id: item.label for item in measure.items}
        return OutcomeRow(
            line=row.line,
            client_code=row.client.code,
            session_id=row.session.id,
            session_number=row.session.number,
            date=row.session.date,
            measure=measure.id,
            answers=answers,
            activities=dict(row.activities),
            total=measure.total(answers),
            risk_items=tuple(labels[i] for i in measure.risk_items if answers.get(i, 0) > 0),
        )

    def run(self) -> tuple[list[OutcomeRow], list[RowProblem]]:
        if not self.check_map():
            return [], self.problems
        rows = [self.read_row(i) for i in range(len(self.table.rows))]
        found = [self.outcome_row(row) for row in rows if not row.failed]
        problems = sorted(self.problems, key=lambda p: p.line)  # stable: row order kept
        return found, problems


def check_rows(
    table: Table,
    column_map: ColumnMap,
    journal: Journal,
    measures: Mapping[str, OutcomeMeasure],
    *,
    today: date | None = None,
) -> tuple[list[OutcomeRow], list[RowProblem]]:
    """Check every row; returns the rows that can be saved and every problem found.

    Read-only. Import only when the problems list is empty. Mapping problems (a column not
    in the file, an item of a measure the file's clients use without its column, ...) are
    reported on line 1 and stop the check there, since no row can be read until the
    mapping is fixed.
    """
    checker = _Checker(table, _tidy(column_map), journal, measures, today or date.today())
    return checker.run()


# ---- importing ---------------------------------------------------------------------------


class _Held:
    """The journal as `record_outcome` sees it, its writes held back: each score is
    checked and made by `record_outcome`, then all are saved in one transaction."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.held: list[Outcome] = []

    def get(self, record_id: str) -> Any:
        return self.journal.get(record_id)

    def all(self, cls: type) -> list[Any]:
        return [*self.journal.all(cls), *(r for r in self.held if isinstance(r, cls))]

    def save(self, record: Outcome) -> None:
        self.held.append(record)


def import_rows(
    journal: Journal, rows: list[OutcomeRow], measures: Mapping[str, OutcomeMeasure]
) -> int:
    """Save the checked rows' scores (source "csv"), all or none; returns how many.

    Call it only when `check_rows` found no problems. Each score goes through
    `record_outcome`, which checks again that nothing changed meanwhile (a session
    removed, a score recorded in another tab); then InvalidRecord names the line and
    nothing is written.
    """
    if not rows:
        raise InvalidRecord("Outcome import", "there are no rows to import")
    held = _Held(journal)
    for row in rows:
        where = f"line {row.line}, session {row.session_number} of {row.client_code}"
        measure = measures.get(row.measure)
        if measure is None:
            raise InvalidRecord("Outcome import", f"{where}: the measure is no longer known")
        try:
            record_outcome(
                held,  # type: ignore[arg-type]  # reads and held writes: see _Held
                row.session_id,
                measure,
                dict(row.answers),
                dict(row.activities),
                source=SOURCE,
            )
        except InvalidRecord as error:
            reason = str(error).removesuffix(" Nothing was saved.").rstrip(".")
            raise InvalidRecord("Outcome import", f"{where}: {reason}") from None
    journal.save_all(list(held.held))
    return len(held.held)


# ---- small helpers -----------------------------------------------------------------------


def _tidy(column_map: ColumnMap) -> ColumnMap:
    """Blank choices (a screen's empty select box) mean "no column"."""

    def chosen(value: str | None) -> str | None:
        return value if value and value.strip() else None

    def kept(by_measure: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        tidy = {m: {i: c for i, c in cols.items() if chosen(c)} for m, cols in by_measure.items()}
        return {m: cols for m, cols in tidy.items() if cols}

    return ColumnMap(
        client=chosen(column_map.client) or "",
        date=chosen(column_map.date),
        session=chosen(column_map.session),
        items=kept(column_map.items),
        activities=kept(column_map.activities),
    )
