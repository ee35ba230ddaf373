"""Entries → the list: search, filters, the matching entries a page at a time, selection
for export."""

from __future__ import annotations

import html

import streamlit as st

from pages.entries import view as entries_view
from pages.entries.export import SELECTED, export_entries
from pages.ui import when, widgets
from practice import entries
from practice.entries import EntryFilter, EntryIndex, FoundEntry
from prompts.library import domain_in_words
from storage.journal import Journal
from storage.records import DOMAINS, REACTIONS

PAGE_SIZE = 20
LISTED_FOR = "en_listed_for"


def _filter(index: EntryIndex) -> EntryFilter:
    codes = {c.id: c.code for c in index.clients}
    with st.expander("Filters", icon=":material/filter_list:"):
        left, middle, right = st.columns(3)
        clients = left.multiselect(
            "Client", list(codes), format_func=lambda c: codes.get(c, "?"), key="en_clients"
        )
        period = middle.date_input(
            "Sessions between", value=(), key="en_period", format=when.input_format()
        )
        domains = right.multiselect("Focus", DOMAINS, format_func=domain_in_words, key="en_domains")
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
    st.session_state[entries_view.OPEN] = reflection_id
    st.session_state[entries_view.MODE] = "View"


def _toggle(reflection_id: str) -> None:
    chosen = st.session_state.setdefault(SELECTED, set())
    chosen.symmetric_difference_update({reflection_id})


def _row(found: FoundEntry, query: str) -> None:
    # five elements a row (a page lists twenty): each one costs the browser drawing time
    row = found.row
    with st.container(border=True, horizontal=True):
        st.checkbox(
            f"Select {row.label(when.day)} for export",  # hidden: only its accessible name
            value=row.id in st.session_state.get(SELECTED, set()),
            key=f"en_pick_{row.id}",
            on_change=_toggle,
            args=(row.id,),
            label_visibility="collapsed",
        )
        with st.container(gap=None):
            st.button(
                widgets.plain(row.label(when.day)),
                key=f"en_open_{row.id}",
                on_click=_open,
                args=(row.id,),
                type="tertiary",
                help="Open this entry",
            )
            notes = " · ".join(row.notes())
            if query:
                said = f"<div><small>{html.escape(notes)}</small></div>" if notes else ""
                st.html(said + "".join(_highlighted(e) for e in found.excerpts()))
            else:
                st.caption("  \n".join([*([notes] if notes else []), widgets.plain(row.gist())]))


def _page(found: list[FoundEntry], signature: tuple) -> list[FoundEntry]:
    pages = max(1, -(-len(found) // PAGE_SIZE))
    if st.session_state.get(LISTED_FOR) != signature:  # a new search or filter starts at page 1
        st.session_state[LISTED_FOR] = signature
        st.session_state["en_page"] = 1
    if pages > 1:
        st.session_state["en_page"] = min(st.session_state.get("en_page", 1), pages)
        st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, key="en_page")
    return entries.page_of(found, st.session_state.get("en_page", 1), PAGE_SIZE)


def entry_list(journal: Journal, index: EntryIndex) -> None:
    """Search, filters, the matching entries a page at a time, and export."""
    search, trash = st.columns([4, 1], vertical_alignment="bottom")
    query = search.text_input(
        "Search",
        key="en_query",
        placeholder="Words in your reflections, clients' feedback or supervisors' comments",
        help='Finds entries holding every word, in any order; put "an exact phrase" in quotes.',
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
        order = "best matches first" if query else "newest first"
        st.caption(f"{len(found)} entr{'y' if len(found) == 1 else 'ies'}, {order}.")
        for item in _page(found, (query, chosen, include_trash)):
            _row(item, query)
    export_entries(journal, index, found)
