"""Supervision: share de-identified entries, read comments back, keep the log, swap keys."""

from __future__ import annotations

import streamlit as st

from pages.supervision import comments as supervision_comments
from pages.supervision import keys as supervision_keys
from pages.supervision import log as supervision_log
from pages.supervision import received as supervision_received
from pages.supervision import share as supervision_share
from pages.ui import journal_session

journal = journal_session.require_journal()
st.title("Supervision")

SECTIONS = {
    "Share": supervision_share.show,
    "Comments": supervision_comments.show,
    "Shared with me": supervision_received.show,
    "Supervision log": supervision_log.show,
    "Keys": supervision_keys.show,
}
section = st.segmented_control(
    "Section",
    list(SECTIONS),
    default="Share",
    required=True,  # clicking the open section again must not close it
    key="sv_section",
    label_visibility="collapsed",
    persist_state="session",  # back from another page, the section being written in is open
)
SECTIONS[section or "Share"](journal)
