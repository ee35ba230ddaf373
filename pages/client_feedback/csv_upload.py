"""Client feedback → what both CSV imports (alliance feedback, outcome scores) share: the
uploader that reads the file, and the list of the rows' problems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from pages.ui import widgets
from practice import feedback_csv
from practice.feedback_csv import Table
from storage.errors import JournalError


def csv_table(label: str, base: str) -> Table | None:
    """The chosen CSV file as a table; None while no file is chosen (the last refusal is
    shown) or when the file cannot be read at all (it is dropped, with the reason)."""
    upload = st.file_uploader(label, type=["csv"], key=widgets.uploader_key(base))
    if upload is None:
        if refused := widgets.refusal(base):
            st.error(refused)
        return None
    widgets.forget_refusal(base)
    try:
        return feedback_csv.read_csv(upload.getvalue())
    except JournalError as error:
        widgets.drop_upload(upload, base, str(error))  # unreadable whole: nothing to map
        return None


def show_problems(problems: Sequence[Any]) -> bool:
    """List every row's problem with its line; True when there is one (nothing imports)."""
    if not problems:
        return False
    st.error(
        f"{len(problems)} problem(s) found: nothing will be imported until each is fixed "
        "in the file or the mapping."
    )
    # a table, not a grid: a long reason wraps instead of being cut off
    st.table([{"Line": p.line, "Problem": p.reason} for p in problems])
    return True
