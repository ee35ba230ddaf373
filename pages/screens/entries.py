"""Entries: search and filter your reflections, read one, edit it (with its history),
move it to the trash, export."""

from __future__ import annotations

import streamlit as st

from pages.entries import trash as entries_trash
from pages.entries import view as entries_view
from pages.entries.listing import entry_list
from pages.ui import journal_session
from pages.ui.notice import show_notice
from practice import entries

journal = journal_session.require_journal()
index = journal_session.derived("entries", journal, lambda: entries.build_index(journal))
state = st.session_state

st.title("Entries")
section = st.segmented_control(
    "Section",
    ["Entries", "Trash"],
    default="Entries",
    required=True,
    key="en_section",
    label_visibility="collapsed",
)
show_notice(entries_view.NOTICE, icon=":material/check:")
show_notice(entries_view.PROBLEM)
if section == "Trash":
    entries_trash.show(journal, index)
elif state.get(entries_view.OPEN) in index.by_id:
    entries_view.show(journal, index, state[entries_view.OPEN])
else:
    state.pop(entries_view.OPEN, None)
    entry_list(journal, index)
