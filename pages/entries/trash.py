"""Entries → Trash: deleted entries, restored or deleted for good, always on request."""

from __future__ import annotations

import streamlit as st

from pages.entries import view as entries_view
from pages.ui import when, widgets
from practice import entries
from storage.journal import Journal

SHOWN_AT_MOST = 100
CONFIRM_PURGE = "en_confirm_purge"
CONFIRM_EMPTY = "en_confirm_empty"


def _ask(key: str, value: object) -> None:
    st.session_state[key] = value


def _cancel(key: str) -> None:
    st.session_state.pop(key, None)


def _purge(journal: Journal, reflection_id: str) -> None:
    def purge() -> str:
        entries.purge_entry(journal, reflection_id)
        return "Deleted for good, with its earlier revisions."

    entries_view.attempt(purge)
    _cancel(CONFIRM_PURGE)


def _empty(journal: Journal) -> None:
    def empty() -> str:
        gone = entries.empty_old_trash(journal)
        return f"Deleted {gone} entr{'y' if gone == 1 else 'ies'} for good."

    entries_view.attempt(empty)
    _cancel(CONFIRM_EMPTY)


def _empty_old(journal: Journal, due: int) -> None:
    days = entries.TRASH_DAYS
    if not st.session_state.get(CONFIRM_EMPTY):
        st.button(
            f"Empty items older than {days} days",
            key="en_empty",
            on_click=_ask,
            args=(CONFIRM_EMPTY, True),
        )
        return
    st.warning(
        f"Delete the {due} entr{'y' if due == 1 else 'ies'} in the trash for more than "
        f"{days} days for good, with their earlier revisions? This cannot be undone.",
        icon=":material/delete_forever:",
    )
    yes, no = st.columns(2)
    yes.button(
        "Yes, empty them", type="primary", key="en_empty_yes", on_click=_empty, args=(journal,)
    )
    no.button("Cancel", key="en_empty_no", on_click=_cancel, args=(CONFIRM_EMPTY,))


def _item(journal: Journal, trashed: entries.TrashedEntry) -> None:
    row = trashed.row
    with st.container(border=True):
        st.markdown(f"**{widgets.plain(row.label(when.day))}**")
        moved = f"Moved to the trash on {when.moment(trashed.deleted_at)}"
        if trashed.due:
            moved += f" · due for purging (in the trash more than {entries.TRASH_DAYS} days)"
        st.caption(moved)
        st.caption(widgets.plain(row.gist()))
        if st.session_state.get(CONFIRM_PURGE) == row.id:
            st.warning(
                "Delete this entry for good, with every earlier revision? This cannot be undone.",
                icon=":material/delete_forever:",
            )
            yes, no = st.columns(2)
            yes.button(
                "Yes, delete for good",
                type="primary",
                key=f"en_purge_yes_{row.id}",
                on_click=_purge,
                args=(journal, row.id),
            )
            no.button(
                "Cancel", key=f"en_purge_no_{row.id}", on_click=_cancel, args=(CONFIRM_PURGE,)
            )
            return
        left, right = st.columns(2)
        left.button(
            "Restore",
            key=f"en_restore_{row.id}",
            on_click=entries_view.restore_from_trash,
            args=(journal, row.id),
        )
        right.button(
            "Delete for good",
            key=f"en_purge_{row.id}",
            on_click=_ask,
            args=(CONFIRM_PURGE, row.id),
        )


def show(journal: Journal, index: entries.EntryIndex) -> None:
    """Trashed entries, most recently deleted first, with Restore and Delete for good."""
    trashed = entries.trashed_entries(journal, index=index)
    if not trashed:
        st.info("The trash is empty.")
        return
    st.caption(
        "Deleted entries wait here, with their history, until you delete them for good. "
        f"Those in the trash for more than {entries.TRASH_DAYS} days are marked as due for "
        "purging; nothing is deleted unless you press a button."
    )
    due = sum(t.due for t in trashed)
    if due:
        _empty_old(journal, due)
    if len(trashed) > SHOWN_AT_MOST:
        st.caption(
            f"{len(trashed)} entries in the trash; the {SHOWN_AT_MOST} deleted last are listed."
        )
    for item in trashed[:SHOWN_AT_MOST]:
        _item(journal, item)
