"""Settings → remote feedback forms: how many days a form sent to a client stays answerable."""

from __future__ import annotations

import dataclasses

import streamlit as st

from pages.settings import NOTICE
from pages.ui.notice import rerun_with_notice
from storage.journal import Journal

# a form answered weeks later no longer says much about that session; three months at most
MIN_DAYS, MAX_DAYS = 1, 90


def remote_forms(journal: Journal) -> None:
    """Draw the section: the days a feedback form stays open, saved on its own."""
    settings = journal.settings
    st.header("Remote feedback forms")
    st.caption(
        "A feedback form sent to a client seen by video or phone can be answered until it "
        "expires; an answer pasted after that is refused and nothing is recorded. A change "
        "applies to forms made from now on."
    )
    with st.form("remote_forms_form"):
        days = st.number_input(
            "Remote feedback forms stay open for (days)",
            min_value=MIN_DAYS,
            max_value=MAX_DAYS,
            value=min(max(settings.request_expiry_days, MIN_DAYS), MAX_DAYS),
            step=1,
            key="settings_request_expiry_days",
        )
        if st.form_submit_button("Save form settings"):
            journal.save_settings(dataclasses.replace(settings, request_expiry_days=int(days)))
            rerun_with_notice(NOTICE, "Remote feedback forms now stay open for " + _days(days))


def _days(days: float) -> str:
    return f"{int(days)} day." if int(days) == 1 else f"{int(days)} days."
