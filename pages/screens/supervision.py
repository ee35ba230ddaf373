"""Supervision: share de-identified entries, read comments back, keep the log, swap keys."""

from __future__ import annotations

import streamlit as st

from pages import (
    supervision_comments,
    supervision_keys,
    supervision_log,
    supervision_received,
    supervision_share,
    ui,
)

journal = ui.require_journal()
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
)
SECTIONS[section or "Share"](journal)
