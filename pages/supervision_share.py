"""Supervision screen, section "share" (being built)."""

from __future__ import annotations

import streamlit as st

from storage.journal import Journal


def show(journal: Journal) -> None:
    """Draw this section."""
    st.info("Coming in this change.")
