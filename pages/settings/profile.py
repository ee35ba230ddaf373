"""Settings → you and this journal: profession and the idle lock."""

from __future__ import annotations

import dataclasses

import streamlit as st

from pages.settings import NOTICE
from pages.ui.notice import rerun_with_notice
from storage.journal import Journal
from storage.records import PROFESSIONS


def you_and_this_journal(journal: Journal) -> None:
    """Draw the section: profession and idle minutes, saved together."""
    settings = journal.settings
    st.header("You and this journal")
    with st.form("settings_form"):
        profession = st.selectbox(
            "Profession",
            PROFESSIONS,
            index=PROFESSIONS.index(settings.profession),
            key="settings_profession",
        )
        idle_minutes = st.number_input(
            "Lock after this many idle minutes",
            min_value=1,
            max_value=240,
            value=settings.idle_minutes,
            step=1,
        )
        if st.form_submit_button("Save settings", type="primary"):
            journal.save_settings(
                dataclasses.replace(settings, profession=profession, idle_minutes=int(idle_minutes))
            )
            rerun_with_notice(NOTICE, "Settings saved.")
