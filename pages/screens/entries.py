"""Entries (being built in this change)."""

from __future__ import annotations

import streamlit as st

from pages import ui

journal = ui.require_journal()
st.title("Entries")
st.info("Being built.")
