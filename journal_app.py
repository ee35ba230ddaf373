"""Reflective Practice Journal: the entry point. A router and a lock, nothing more.

While locked only the unlock page exists; once unlocked the journal's pages are
registered. Every run checks the idle lock before anything is drawn; the server locks a
session by itself when it is idle or its browser has gone (pages/ui/server_lock.py).
"""

from __future__ import annotations

import streamlit as st

from pages.ui import idle, journal_session, widgets
from prompts.library import LibraryError, builtin_library


def _page(file: str, title: str, icon: str, default: bool = False) -> st.Page:
    # Screens sit in pages/screens/, out of sight of Streamlit's legacy scan of pages/*.py,
    # which would otherwise run a screen directly and skip this lock gate.
    return st.Page(
        f"pages/screens/{file}.py", title=title, icon=icon, url_path=file, default=default
    )


def _pages() -> list[st.Page]:
    journal = journal_session.journal()
    if journal is None:
        return [_page("unlock", "Unlock", ":material/lock:", default=True)]
    if journal.needs_new_passphrase:
        return [_page("new_passphrase", "New passphrase", ":material/key:", default=True)]
    if st.session_state.get(journal_session.RECOVERY_KEY):
        return [_page("recovery_key", "Recovery key", ":material/key:", default=True)]
    if journal_session.in_kiosk():
        return [_page("client_feedback", "Client feedback", ":material/reviews:", default=True)]
    return [
        _page("home", "Home", ":material/home:", default=True),
        _page("reflect", "Reflect", ":material/edit_note:"),
        _page("client_feedback", "Client feedback", ":material/reviews:"),
        _page("entries", "Entries", ":material/search:"),
        _page("clients", "Clients", ":material/group:"),
        _page("trends", "Trends", ":material/monitoring:"),
        _page("supervision", "Supervision", ":material/supervisor_account:"),
        _page("settings", "Settings", ":material/settings:"),
    ]


@st.fragment(run_every=idle.WATCHDOG_SECONDS)
def _idle_watchdog() -> None:
    """Locks a screen left open: fragment reruns are not user activity. A journal the
    server has locked meanwhile (pages/ui/server_lock.py) is redrawn as locked too."""
    if journal_session.lock_if_idle() or journal_session.journal() is None:
        st.rerun(scope="app")


def _sidebar() -> None:
    journal = journal_session.journal()
    if journal is None or journal_session.in_kiosk():
        return
    with st.sidebar:
        st.markdown(f"**{journal.name}**")
        if st.button("Lock", icon=":material/lock:", use_container_width=True):
            journal_session.lock()
            st.rerun()
        minutes = journal_session.idle_minutes(journal)
        st.caption(f"Locks itself after {minutes} idle minute{'' if minutes == 1 else 's'}.")


def run() -> None:
    """Draw one run of the app."""
    locked = journal_session.lock_if_idle() or journal_session.journal() is None
    if not locked:
        journal_session.touch()
        journal_session.sync()
    st.set_page_config(
        page_title="Reflective Practice Journal",
        page_icon=":material/edit_note:",
        initial_sidebar_state="collapsed" if locked else "expanded",
    )
    widgets.app_styles()
    try:
        builtin_library()  # every prompt and instrument file is checked at start-up
    except LibraryError as error:
        st.error(f"The prompt library cannot be used: {error}")
        st.stop()
    # the client holding the device in kiosk mode sees no way to other pages
    page = st.navigation(_pages(), position="hidden" if journal_session.in_kiosk() else "top")
    # the page first: it autosaves its draft before a Lock pressed in this run wipes state
    page.run()
    _sidebar()
    if journal_session.journal() is not None:
        _idle_watchdog()  # also in kiosk mode: a device left with a client still locks
        journal_session.watch_on_server()  # and a closed tab, which runs no watchdog
        journal_session.prepare_search()  # while the page is read, not at the first search


run()
