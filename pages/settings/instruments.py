"""Settings → your own instruments: the scales added to the built-in ones."""

from __future__ import annotations

import dataclasses

import streamlit as st

from pages.settings import NOTICE
from pages.ui import widgets
from pages.ui.notice import rerun_with_notice
from prompts.authoring import instrument_from_form
from prompts.library import LibraryError, library_for
from storage.journal import Journal


def your_own_instruments(journal: Journal) -> None:
    """Draw the section: the instruments added so far and a form to add one."""
    settings = journal.settings
    st.subheader("Your own instruments")
    st.caption(
        "Add a scale you use (for example one you hold a licence for: type only its item "
        "labels, never its wording). Clients can then be rated on it in Reflect."
    )
    for data in settings.custom_instruments:
        st.markdown(
            f"- **{widgets.plain(str(data['name']))}**: {len(data['items'])} items, "
            f"{data['min_score']}-{data['max_score']} each"
        )
    with st.form("add_instrument_form"):
        name = st.text_input("Instrument name", key="instrument_name")
        low, high, cutoff_column = st.columns(3)
        min_score = low.number_input("Lowest score", 0, 100, 0, key="instrument_min")
        max_score = high.number_input("Highest score", 1, 100, 10, key="instrument_max")
        cutoff = cutoff_column.number_input(
            "Total cutoff (optional)", 0, 4000, None, key="instrument_cutoff"
        )
        items_text = st.text_area(
            "Items, one a line: `label` or `label | your wording | client's wording`",
            key="instrument_items",
        )
        if st.form_submit_button("Add instrument"):
            existing = set(library_for(settings).instruments)
            try:
                data = instrument_from_form(
                    name, int(min_score), int(max_score), items_text, existing, cutoff
                )
            except LibraryError as error:
                st.error(str(error))
            else:
                instruments = [*settings.custom_instruments, data]
                journal.save_settings(dataclasses.replace(settings, custom_instruments=instruments))
                rerun_with_notice(NOTICE, f"Instrument '{data['name']}' added.")
