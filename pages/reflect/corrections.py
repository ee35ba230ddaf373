"""Reflect → correcting a score typed wrongly, with what it was before."""

from __future__ import annotations

import streamlit as st

from pages.ui import when
from pages.ui.notice import set_notice, show_notice
from practice import corrections, scores
from prompts.library import Instrument
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Estimate, Feedback

NOTICE = "reflect_correction_notice"


def correction(journal: Journal, record: Estimate | Feedback, instrument: Instrument) -> None:
    """An expander to correct `record`'s scores, and its earlier values."""
    mine = isinstance(record, Estimate)
    title = "Correct your read" if mine else "Correct your client's scores"
    prefix = f"fix_{record.id}_"
    show_notice(NOTICE, section=record.id, icon=":material/check:")
    with st.expander(title):
        for earlier in corrections.score_history(journal, record.id):
            st.caption(
                f"Until {when.moment(earlier.saved_at)}: "
                + ", ".join(
                    f"{item.label} {scores.shown(earlier.items.get(item.id, 0))}"
                    for item in instrument.items
                )
                + f" (total {scores.shown(earlier.total)})."
            )
        whole = mine or instrument.decimals == 0
        with st.form(f"{prefix}form"):
            for item in instrument.items:
                # a name of its own: the paper form's boxes on the same screen say "Bond"
                st.number_input(
                    f"{item.label} (corrected)",
                    value=record.items.get(item.id),
                    step=1 if whole else 0.1,
                    format="%d" if whole else "%.1f",
                    key=f"{prefix}{item.id}",
                )
            st.caption(
                "The earlier scores are kept in the history; the order in which your read "
                "and the feedback were recorded is unchanged."
            )
            st.form_submit_button(
                "Save correction", on_click=_save, args=(journal, record, instrument, prefix)
            )


def _save(
    journal: Journal, record: Estimate | Feedback, instrument: Instrument, prefix: str
) -> None:
    """Runs before the widgets are drawn, so the screen shows the corrected scores."""
    state = st.session_state
    typed = {item.id: state.get(f"{prefix}{item.id}") for item in instrument.items}
    try:
        corrected = corrections.correct(journal, record, instrument, typed)
    except JournalError as error:
        set_notice(NOTICE, str(error), ok=False, section=record.id)
        return
    if isinstance(corrected, Estimate):
        for item_id, value in corrected.items.items():
            state[f"rf_item_{item_id}"] = value
    set_notice(NOTICE, f"Corrected: total now {scores.shown(corrected.total)}.", section=record.id)
