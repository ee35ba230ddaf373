"""The CSV import of client feedback: upload, map columns, check every row, import."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from pages.client_feedback.csv_upload import csv_table, show_problems
from practice import feedback_csv
from storage.errors import JournalError
from storage.journal import Journal

UPLOAD = "csv_file"
NOT_IN_FILE = "(not in the file)"
FROM_COLUMN = "__column__"
_KEPT = "csv_mapping_kept"  # the columns the user picked, by field, across uploads


def _column(
    label: str, header: list[str], guess: str | None, key: str, optional: bool
) -> str | None:
    options = ([NOT_IN_FILE] if optional else []) + header
    # a column chosen for an earlier file is kept for the next one that has it
    kept = st.session_state.get(_KEPT, {}).get(key)
    if kept in options and st.session_state.get(key) not in options:
        st.session_state[key] = kept
    index = options.index(guess) if guess in options else 0
    chosen = st.selectbox(label, options, index=index, key=key, on_change=_keep, args=(key,))
    return None if chosen == NOT_IN_FILE else chosen


def _keep(key: str) -> None:
    st.session_state.setdefault(_KEPT, {})[key] = st.session_state[key]


def csv_import(journal: Journal, instruments: Mapping) -> None:
    """Draw the import: nothing is written unless every row of the file checks out."""
    st.write(
        "Import your clients' ratings from a survey tool or spreadsheet (CSV). Every row "
        "is checked first; if any row has a problem, nothing is imported and each problem "
        "is listed with its line."
    )
    table = csv_table("CSV file", UPLOAD)
    if table is None:
        return
    column_map = _column_map(table, instruments)
    preview, problems = feedback_csv.check_rows(table, column_map, journal, instruments)
    if show_problems(problems):
        return
    _preview_and_import(journal, preview, instruments)


def _column_map(table: feedback_csv.Table, instruments: Mapping) -> feedback_csv.ColumnMap:
    """The instrument and, for each field, the column of the file it is read from."""
    header = list(table.header)
    names = {i: instruments[i].name for i in instruments}
    choice = st.selectbox(
        "Instrument",
        [FROM_COLUMN, *instruments],
        format_func=lambda i: "Named in a column of the file" if i == FROM_COLUMN else names[i],
        index=1,
        key="csv_instrument",
    )
    instrument = None if choice == FROM_COLUMN else instruments[choice]
    guess = feedback_csv.guess_map(table.header, instrument)
    left, middle, right = st.columns(3)
    client = _column("Client code column", header, guess.client, "csv_client", False)
    date = _column("Date column", header, guess.date, "csv_date", True)
    session = _column("Session number column", header, guess.session, "csv_session", True)
    instrument_column = None
    if instrument is None:
        instrument_column = _column(
            "Instrument column", header, guess.instrument_column, "csv_instrument_column", False
        )
    comment = _column("Comment column", header, guess.comment, "csv_comment", True)
    items = {}
    # with the instrument named per row, every instrument's items may appear in the file
    for shown in [instrument] if instrument is not None else list(instruments.values()):
        guessed = feedback_csv.guess_map(table.header, shown).items
        with st.expander(f"Columns for {shown.name}", expanded=instrument is not None):
            for item in shown.items:
                key = f"csv_item_{shown.id}_{item.id}"
                column = _column(item.label, header, guessed.get(item.id), key, True)
                if column:
                    items[item.id] = column
    return feedback_csv.ColumnMap(
        client=client,
        date=date,
        session=session,
        instrument_column=instrument_column,
        instrument=None if instrument is None else instrument.id,
        items=items,
        comment=comment,
    )


def _preview_and_import(
    journal: Journal, preview: list[feedback_csv.PreviewRow], instruments: Mapping
) -> None:
    """Every row as it will be imported, then the button that imports them all."""
    st.success(f"All {len(preview)} row(s) check out. Preview:")
    st.dataframe(
        [
            {
                "Line": r.line,
                "Client": r.client_code,
                "Session": r.session_number,
                "Date": r.date,
                "New session": r.new_session,
                "Instrument": instruments[r.instrument].name,
                "Total": r.total,
                "Comment": r.comment,
            }
            for r in preview
        ],
        hide_index=True,
    )
    if st.button(f"Import {len(preview)} row(s)", type="primary", key="csv_import"):
        try:
            count = feedback_csv.import_rows(journal, preview)
        except JournalError as error:
            st.error(str(error))
        else:
            st.success(f"Imported feedback for {count} session(s).")
