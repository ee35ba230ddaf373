"""Entries → export: the listed or selected entries as Markdown, JSON or CSV, each with its
session's outcome score and your call on the client's course."""

from __future__ import annotations

from datetime import date

import streamlit as st

from insights.export import EXPORT_WARNING, frame_csv
from practice import entries, entry_export
from practice.entries import EntryIndex, FoundEntry
from storage.journal import Journal

SELECTED = "en_selected"


def _clear_selection() -> None:
    for key in [k for k in st.session_state if str(k).startswith("en_pick_")]:
        st.session_state[key] = False
    st.session_state[SELECTED] = set()


def export_entries(journal: Journal, index: EntryIndex, found: list[FoundEntry]) -> None:
    """Draw the Export panel: listed or selected entries as Markdown, JSON or CSV, made
    only when a button is pressed."""
    chosen = [i for i in st.session_state.get(SELECTED, set()) if i in index.by_id]
    with st.expander("Export", icon=":material/download:"):
        st.warning(EXPORT_WARNING, icon=":material/lock_open:")
        scope = st.radio(
            "Entries to export",
            ["listed", "selected"],
            format_func={
                "listed": f"All listed entries ({len(found)})",
                "selected": f"Selected entries ({len(chosen)})",
            }.get,
            horizontal=True,
            key="en_export_scope",
        )
        if scope == "selected":
            picked = set(chosen)
            ids = [r.id for r in index.rows if r.id in picked]  # newest first, as listed
        else:
            ids = [f.id for f in found]
        if not ids:
            st.caption("Nothing to export: tick entries in the list, or list some.")
        if chosen:
            st.button("Clear selection", key="en_clear_selection", on_click=_clear_selection)

        def views() -> list[entries.EntryView]:
            return entries.entry_views(journal, ids, index)

        def scores() -> dict[str, entry_export.SessionOutcome]:
            return entry_export.session_outcomes(journal)

        stamp = f"entries-{date.today():%Y-%m-%d}"
        formats = {
            "Markdown": (
                lambda: entry_export.to_markdown(views(), outcomes=scores()),
                "md",
                "text/markdown",
            ),
            "JSON": (
                lambda: entry_export.to_json(views(), outcomes=scores()),
                "json",
                "application/json",
            ),
            "CSV": (
                lambda: frame_csv(entry_export.to_csv_frame(views(), scores())),
                "csv",
                "text/csv",
            ),
        }
        for column, (label, (make, suffix, mime)) in zip(
            st.columns(3), formats.items(), strict=True
        ):
            column.download_button(
                label,
                make,
                f"{stamp}.{suffix}",
                mime,
                key=f"en_download_{suffix}",
                on_click="ignore",
                disabled=not ids,
                icon=":material/download:",
            )
