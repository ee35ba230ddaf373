"""Entries: search and filter your reflections, read one, edit it (with its history),
move it to the trash, export."""

from __future__ import annotations

import html
from datetime import date

import streamlit as st

from insights.export import EXPORT_WARNING, frame_csv
from pages.ui import journal_session, widgets
from pages.entries import trash as entries_trash
from pages.entries import view as entries_view
from practice import entries
from practice import entry_export
from practice.entries import EntryFilter, EntryIndex, FoundEntry
from storage.journal import Journal
from storage.records import DOMAINS, REACTIONS

PAGE_SIZE = 20
SELECTED = "en_selected"
LISTED_FOR = "en_listed_for"

journal = journal_session.require_journal()
index = journal_session.derived("entries", journal, lambda: entries.build_index(journal))
state = st.session_state

st.title("Entries")


def _filter(index: EntryIndex) -> EntryFilter:
    codes = {c.id: c.code for c in index.clients}
    with st.expander("Filters", icon=":material/filter_list:"):
        left, middle, right = st.columns(3)
        clients = left.multiselect(
            "Client", list(codes), format_func=lambda c: codes.get(c, "?"), key="en_clients"
        )
        period = middle.date_input(
            "Sessions between", value=(), key="en_period", format="DD/MM/YYYY"
        )
        domains = right.multiselect("Focus", DOMAINS, key="en_domains")
        left, middle, right = st.columns(3)
        tags = left.multiselect("Tag", index.tags, key="en_tags")
        reactions = middle.multiselect("Reaction", REACTIONS, key="en_reactions")
        flagged = right.checkbox("Flagged for supervision", key="en_flagged")
    return EntryFilter(
        client_ids=frozenset(clients),
        start=period[0] if len(period) > 0 else None,
        end=period[1] if len(period) > 1 else None,
        domains=frozenset(domains),
        tags=frozenset(tags),
        reactions=frozenset(reactions),
        flagged_only=flagged,
    )


def _highlighted(excerpt: entries.Excerpt) -> str:
    text = "".join(
        f"<mark>{html.escape(part)}</mark>" if matched else html.escape(part)
        for part, matched in excerpt.parts
    )
    more = f" ({excerpt.matches} matches)" if excerpt.matches > 1 else ""
    return f"<div><small>{html.escape(excerpt.where + more)}:</small> {text}</div>"


def _open(reflection_id: str) -> None:
    state[entries_view.OPEN] = reflection_id
    state[entries_view.MODE] = "View"


def _toggle(reflection_id: str) -> None:
    chosen = state.setdefault(SELECTED, set())
    chosen.symmetric_difference_update({reflection_id})


def _clear_selection() -> None:
    for key in [k for k in state if str(k).startswith("en_pick_")]:
        state[key] = False
    state[SELECTED] = set()


def _row(found: FoundEntry, query: str) -> None:
    row = found.row
    with st.container(border=True):
        pick, body = st.columns([1, 24])
        pick.checkbox(
            f"Select {widgets.plain(row.label())} for export",
            value=row.id in state.get(SELECTED, set()),
            key=f"en_pick_{row.id}",
            on_change=_toggle,
            args=(row.id,),
            label_visibility="collapsed",
        )
        body.button(
            widgets.plain(row.label()),
            key=f"en_open_{row.id}",
            on_click=_open,
            args=(row.id,),
            type="tertiary",
            help="Open this entry",
        )
        notes = row.notes()
        if notes:
            body.caption(" · ".join(notes))
        if query:
            body.html("".join(_highlighted(e) for e in found.excerpts()))
        else:
            body.caption(widgets.plain(row.gist()))


def _page(found: list[FoundEntry], signature: tuple) -> list[FoundEntry]:
    pages = max(1, -(-len(found) // PAGE_SIZE))
    if state.get(LISTED_FOR) != signature:  # a new search or filter starts at page 1
        state[LISTED_FOR] = signature
        state["en_page"] = 1
    if pages > 1:
        state["en_page"] = min(state.get("en_page", 1), pages)
        st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, key="en_page")
    return entries.page_of(found, state.get("en_page", 1), PAGE_SIZE)


def _export(journal: Journal, index: EntryIndex, found: list[FoundEntry]) -> None:
    chosen = [i for i in state.get(SELECTED, set()) if i in index.by_id]
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

        stamp = f"entries-{date.today():%Y-%m-%d}"
        formats = {
            "Markdown": (lambda: entry_export.to_markdown(views()), "md", "text/markdown"),
            "JSON": (lambda: entry_export.to_json(views()), "json", "application/json"),
            "CSV": (lambda: frame_csv(entry_export.to_csv_frame(views())), "csv", "text/csv"),
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


def show_list(journal: Journal, index: EntryIndex) -> None:
    """Search, filters, the matching entries a page at a time, and export."""
    search, trash = st.columns([4, 1], vertical_alignment="bottom")
    query = search.text_input(
        "Search",
        key="en_query",
        placeholder="Words in your reflections, clients' feedback or supervisors' comments",
    ).strip()
    include_trash = trash.checkbox("Include trash", key="en_include_trash")
    chosen = _filter(index)
    if not index.rows:
        st.info("No reflections yet. Write one on Reflect and it will be listed here.")
        return
    found = entries.find_entries(journal, query, chosen, include_trash, index=index)
    if not found:
        st.info("No entries match. Try other words, or clear a filter.")
    else:
        st.caption(f"{len(found)} entr{'y' if len(found) == 1 else 'ies'}, newest first.")
        for item in _page(found, (query, chosen, include_trash)):
            _row(item, query)
    _export(journal, index, found)


section = st.segmented_control(
    "Section",
    ["Entries", "Trash"],
    default="Entries",
    required=True,
    key="en_section",
    label_visibility="collapsed",
)
if notice := state.pop(entries_view.NOTICE, None):
    st.success(notice, icon=":material/check:")
if problem := state.pop(entries_view.PROBLEM, None):
    st.error(problem)
if section == "Trash":
    entries_trash.show(journal, index)
elif state.get(entries_view.OPEN) in index.by_id:
    entries_view.show(journal, index, state[entries_view.OPEN])
else:
    state.pop(entries_view.OPEN, None)
    show_list(journal, index)
