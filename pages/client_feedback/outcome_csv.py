"""The CSV import of outcome scores: upload, map columns, check every row, import.

Each row adds the score of its client's outcome measure to a session already in the
journal; nothing is written unless every row of the file checks out.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from pages.client_feedback.csv_upload import csv_table, show_problems
from pages.ui import widgets
from practice import feedback_csv, outcome_csv, scores
from prompts.outcomes import OutcomeMeasure, measures_for
from storage.errors import JournalError
from storage.journal import Journal

UPLOAD = "outcome_csv_file"
NOT_IN_FILE = "(not in the file)"
_KEPT = "outcome_csv_mapping_kept"  # the columns the user picked, by field, across uploads


def render(journal: Journal, measures: Mapping[str, OutcomeMeasure] | None = None) -> None:
    """Draw the import (`measures`: the journal's outcome measures, shipped and your own;
    read from its Settings when not given)."""
    measures = measures_for(journal.settings) if measures is None else measures
    st.write(
        "Import your clients' outcome scores (for example PHQ-9 or CORE-10 answers from a "
        "survey tool or spreadsheet) as CSV: one row a session, with the client code, the "
        "session number or date, and one column per item of the client's outcome measure. "
        "Scores are added to sessions already in the journal; no session is created. "
        "Every row is checked first; if any row has a problem, nothing is imported and "
        "each problem is listed with its line."
    )
    table = csv_table("CSV file of outcome scores", UPLOAD)
    if table is None:
        return
    column_map = _column_map(table, journal, measures)
    rows, problems = outcome_csv.check_rows(table, column_map, journal, measures)
    if show_problems(problems):
        return
    _preview_and_import(journal, rows, measures)


def _column(
    label: str, header: list[str], guess: str | None, key: str, optional: bool
) -> str | None:
    options = ([NOT_IN_FILE] if optional else []) + header
    # a column chosen for an earlier file is kept for the next one that has it
    kept = st.session_state.get(_KEPT, {}).get(key)
    if kept in options and st.session_state.get(key) not in options:
        st.session_state[key] = kept
    index = options.index(guess) if guess in options else 0
    chosen = st.selectbox(
        widgets.label(label), options, index=index, key=key, on_change=_keep, args=(key,)
    )
    return None if chosen == NOT_IN_FILE else chosen


def _keep(key: str) -> None:
    st.session_state.setdefault(_KEPT, {})[key] = st.session_state[key]


def _column_map(
    table: feedback_csv.Table, journal: Journal, measures: Mapping[str, OutcomeMeasure]
) -> outcome_csv.ColumnMap:
    """For each field, and each item of the measures the file's clients use, the column of
    the file it is read from."""
    header = list(table.header)
    guess = outcome_csv.guess_map(table.header, measures.values())
    left, middle, right = st.columns(3)
    with left:
        client = _column("Client code column", header, guess.client, "outcome_csv_client", False)
    with middle:
        date = _column("Date column", header, guess.date, "outcome_csv_date", True)
    with right:
        session = _column(
            "Session number column", header, guess.session, "outcome_csv_session", True
        )
    items: dict[str, dict[str, str]] = {}
    activities: dict[str, dict[str, str]] = {}
    for measure in outcome_csv.measures_named(table, client, journal, measures):
        with st.expander(widgets.label(f"Columns for {measure.name}"), expanded=True):
            for item in measure.items:
                if measure.named_items:
                    named = _column(
                        f"{item.label}: the activity's name",
                        header,
                        guess.activities.get(measure.id, {}).get(item.id),
                        f"outcome_csv_name_{measure.id}_{item.id}",
                        True,
                    )
                    if named:
                        activities.setdefault(measure.id, {})[item.id] = named
                column = _column(
                    item.label if item.scored else f"{item.label} (not counted in the total)",
                    header,
                    guess.items.get(measure.id, {}).get(item.id),
                    f"outcome_csv_item_{measure.id}_{item.id}",
                    True,
                )
                if column:
                    items.setdefault(measure.id, {})[item.id] = column
    return outcome_csv.ColumnMap(
        client=client or "", date=date, session=session, items=items, activities=activities
    )


def _preview_and_import(
    journal: Journal, rows: list[outcome_csv.OutcomeRow], measures: Mapping[str, OutcomeMeasure]
) -> None:
    """Every row as it will be imported, then the button that imports them all."""
    st.success(f"All {len(rows)} row(s) check out. Preview:")
    st.dataframe(
        [
            {
                "Line": r.line,
                "Client": r.client_code,
                "Session": r.session_number,
                "Date": r.date,
                "Measure": measures[r.measure].name,
                "Total": scores.shown(r.total),
                "Risk item above 0": ", ".join(r.risk_items) or "–",
            }
            for r in rows
        ],
        hide_index=True,
    )
    risky = sorted({r.client_code for r in rows if r.risk_items})
    if risky:
        st.warning(
            f"A risk item is answered above “not at all” for {', '.join(risky)}: after the "
            "import, Home asks you to check risk with them until you acknowledge it."
        )
    if st.button(f"Import {len(rows)} row(s)", type="primary", key="outcome_csv_import"):
        try:
            count = outcome_csv.import_rows(journal, rows, measures)
        except JournalError as error:
            st.error(str(error))
        else:
            st.success(f"Imported outcome scores for {count} session(s).")
