"""Settings → your own instruments: the scales added to the built-in ones."""

from __future__ import annotations

import dataclasses

import streamlit as st

from pages.settings import NOTICE
from pages.ui import kept_text, widgets
from pages.ui.notice import set_notice
from prompts.authoring import instrument_from_form
from prompts.library import LibraryError, library_for
from storage.journal import Journal

DRAFT = "settings_new_instrument"  # the draft of the instrument being added
PROBLEM = "settings_new_instrument_problem"
KEEP = kept_text.KEEP
# the new instrument's widgets and what each starts from
FIELDS = {
    "instrument_name": "",
    "instrument_min": 0,
    "instrument_max": 10,
    "instrument_cutoff": None,
    "instrument_items": "",
}


def your_own_instruments(journal: Journal) -> None:
    """Draw the section: the instruments added so far and a form to add one."""
    settings = journal.settings
    st.header("Your own instruments")
    st.caption(
        "Add a scale you use (for example one you hold a licence for: type only its item "
        "labels, never its wording). Clients can then be rated on it in Reflect."
    )
    for data in settings.custom_instruments:
        st.markdown(
            f"- **{widgets.plain(str(data['name']))}**: {len(data['items'])} items, "
            f"{data['min_score']}-{data['max_score']} each"
        )
    _add_fields(journal)


def _add_fields(journal: Journal) -> None:
    # plain widgets, not a form: what is typed reaches the server and is kept as a draft
    kept_text.restore(journal, DRAFT, FIELDS)
    widgets.commit_text_while_typing()
    st.text_input("Instrument name", key="instrument_name", persist_state=KEEP)
    low, high, cutoff_column = st.columns(3)
    low.number_input("Lowest score", 0, 100, key="instrument_min", persist_state=KEEP)
    high.number_input("Highest score", 1, 100, key="instrument_max", persist_state=KEEP)
    cutoff_column.number_input(
        "Total cutoff (optional)", 0, 4000, key="instrument_cutoff", persist_state=KEEP
    )
    st.text_area(
        "Items, one a line: `label` or `label | your wording | client's wording`",
        key="instrument_items",
        persist_state=KEEP,
    )
    st.button("Add instrument", key="add_instrument", on_click=_add, args=(journal,))
    if problem := st.session_state.pop(PROBLEM, None):
        st.error(problem)
    kept_text.autosave(journal, DRAFT, FIELDS)


def _add(journal: Journal) -> None:
    """Button callback: add the instrument, then forget its draft and empty the fields."""
    state, settings = st.session_state, journal.settings
    existing = set(library_for(settings).instruments)
    try:
        data = instrument_from_form(
            state["instrument_name"],
            int(state["instrument_min"]),
            int(state["instrument_max"]),
            state["instrument_items"],
            existing,
            state["instrument_cutoff"],
        )
    except LibraryError as error:  # shown under the fields, which keep what was typed
        state[PROBLEM] = str(error)
        return
    instruments = [*settings.custom_instruments, data]
    journal.save_settings(dataclasses.replace(settings, custom_instruments=instruments))
    kept_text.forget(journal, DRAFT, FIELDS)
    set_notice(NOTICE, f"Instrument '{data['name']}' added.")
