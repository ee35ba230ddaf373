"""Settings → rupture flags: the thresholds Reflect and Trends flag a possible rupture by."""

from __future__ import annotations

import dataclasses

import streamlit as st

from insights import ruptures
from pages.settings import NOTICE
from pages.ui.notice import rerun_with_notice
from storage.journal import Journal

SRS_INCLUSIVE = (
    "SRS cutoff: a total at the cutoff (36) counts as low (sources differ: <= 36 or < 36)"
)


def rupture_flags(journal: Journal) -> None:
    """Draw the section: one field per threshold; save them, or go back to the defaults."""
    settings = journal.settings
    st.header("Rupture flags")
    st.caption(
        "When Reflect and Trends flag a possible rupture. Defaults follow the published rules "
        "on the SAC-4 scale (items 0-10, total 0-40); other instruments use the same share of "
        "their range. Flags prompt reflection; they never diagnose."
    )
    current = ruptures.Thresholds.from_settings(
        settings.rupture_thresholds, settings.srs_cutoff_inclusive
    ).as_dict()
    with st.form("thresholds_form"):
        chosen = {}
        columns = st.columns(2)
        for position, (name, help_text) in enumerate(ruptures.THRESHOLD_HELP.items()):
            whole = float(current[name]).is_integer()
            chosen[name] = columns[position % 2].number_input(
                help_text,
                value=int(current[name]) if whole else float(current[name]),
                step=1 if whole else 0.5,
                key=f"threshold_{name}",
            )
        inclusive = st.checkbox(
            SRS_INCLUSIVE, value=settings.srs_cutoff_inclusive, key="threshold_srs_inclusive"
        )
        save_col, reset_col = st.columns(2)
        if save_col.form_submit_button("Save rupture settings"):
            _save(journal, chosen, inclusive)
        if reset_col.form_submit_button("Back to the defaults"):
            journal.save_settings(
                dataclasses.replace(settings, rupture_thresholds={}, srs_cutoff_inclusive=True)
            )
            rerun_with_notice(NOTICE, "Rupture settings back to the defaults.")


def _save(journal: Journal, chosen: dict[str, float], inclusive: bool) -> None:
    """Store the thresholds if they make sense together; otherwise say why and save nothing."""
    try:
        ruptures.Thresholds.from_settings(chosen, inclusive)
    except ValueError as error:
        st.error(f"{error}. Nothing was saved.")
        return
    journal.save_settings(
        dataclasses.replace(
            journal.settings, rupture_thresholds=chosen, srs_cutoff_inclusive=inclusive
        )
    )
    rerun_with_notice(NOTICE, "Rupture settings saved.")
