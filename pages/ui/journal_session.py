"""This session's journal: unlocking into it, locking, activity, the idle lock, kiosk mode
and views derived from decrypted records.

The unlocked Journal (key and decrypted records) lives only in `st.session_state`,
one per browser session; nothing here uses `st.cache_*`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, MutableMapping
from typing import Any, TypeVar

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from pages.ui import idle, server_lock
from storage.errors import JournalError
from storage.journal import Journal

T = TypeVar("T")
JOURNAL = "journal"
LAST_JOURNAL = "last_journal"
NOTICE = "notice"
LAST_ACTIVITY = "last_activity"
RECOVERY_KEY = "recovery_key_to_show"
DEMO_PASSPHRASE = "demo_passphrase_to_show"  # noqa: S105 - a session_state key
KIOSK = "kiosk"
# after a kiosk Submit: a neutral screen until the practitioner asks for the unlock form
HANDED_BACK = "handed_back"
SEARCH_PREPARED = "search_prepared_for"  # the id() of the journal whose index is built
# Survive a lock: which journal was open, why it was locked, whether the client still
# holds the device. Nothing decrypted.
KEEP_ON_LOCK = frozenset({LAST_JOURNAL, NOTICE, HANDED_BACK})


def journal() -> Journal | None:
    """The unlocked journal of this browser session, or None when locked."""
    found = st.session_state.get(JOURNAL)
    return found if found is not None and found.is_open else None


def require_journal() -> Journal:
    """The unlocked journal; a page reached while locked renders nothing more."""
    found = journal()
    if found is None:
        st.info("The journal is locked.")
        st.stop()
    return found


def start_session(opened: Journal) -> None:
    """Keep a freshly unlocked journal in this session and count it as activity."""
    for key in [k for k in st.session_state if str(k).startswith("derived_")]:
        del st.session_state[key]  # views of another journal (a restore) must not show
    st.session_state[JOURNAL] = opened
    st.session_state[LAST_JOURNAL] = opened.name
    st.session_state.pop(NOTICE, None)
    touch()


def sync() -> None:
    """Show what another tab or window saved since this one last looked; a file that can
    no longer be read locks the journal instead of failing mid-page."""
    opened = journal()
    if opened is None:
        return
    try:
        opened.sync()
    except JournalError as error:
        lock(f"Locked: {error}")


def prepare_search() -> None:
    """Build the open journal's search index on a thread of its own, once per journal:
    it runs while the page just drawn is read. The index stays inside the journal."""
    opened = journal()
    if opened is None or st.session_state.get(SEARCH_PREPARED) == id(opened):
        return
    st.session_state[SEARCH_PREPARED] = id(opened)
    threading.Thread(target=opened.prepare_search, name="search-index", daemon=True).start()


def touch() -> None:
    """Record user activity now (for the idle lock)."""
    st.session_state[LAST_ACTIVITY] = time.time()


def lock(notice: str = "Locked.") -> None:
    """Close the journal and wipe every key and decrypted value from the session."""
    lock_state(st.session_state, notice)


def lock_for_hand_back(notice: str) -> None:
    """Lock after the client has answered on the device: until the practitioner asks for
    it, the screen shows `notice` and nothing about the journals on this computer."""
    lock_state(st.session_state, notice)
    st.session_state[HANDED_BACK] = True


def lock_state(state: MutableMapping[str, Any], notice: str) -> None:
    """Lock the journal of one session's state and wipe the state (also from the server's
    own lock thread, which holds that session's state rather than this run's)."""
    # Streamlit's session state itself (the server lock's) has no .get()
    opened = state[JOURNAL] if JOURNAL in state else None  # noqa: SIM401
    if opened is not None:
        opened.lock()
    for key in list(state):
        if key not in KEEP_ON_LOCK:
            del state[key]
    state[NOTICE] = notice


# One per server: it holds a session's state only until that session is locked.
SERVER_LOCK = server_lock.ServerLock(
    lock_state,
    (JOURNAL, LAST_ACTIVITY),
    lambda session_id: (
        bool(runtime.get_instance().is_active_session(session_id)) if runtime.exists() else None
    ),
)


def watch_on_server() -> None:
    """Let the server lock this session by itself when it is idle or its browser has gone."""
    context = get_script_run_ctx()
    if context is None or not runtime.exists():
        return  # no server around this run (AppTest): nothing to watch it
    # the session's own state: the wrapper the context holds is made anew for every run
    state = getattr(context.session_state, "_state", context.session_state)
    SERVER_LOCK.watch(context.session_id, state)


def start_kiosk(session_id: str, instrument_id: str) -> None:
    """From now until Submit (or a lock) the app shows only the client's questions."""
    st.session_state[KIOSK] = {"session_id": session_id, "instrument": instrument_id}


def in_kiosk() -> bool:
    """True while the device is with the client (kiosk mode)."""
    return st.session_state.get(KIOSK) is not None


def idle_minutes(opened: Journal) -> int:
    """Minutes without activity after which the journal locks itself."""
    return opened.settings.idle_minutes


def lock_if_idle() -> bool:
    """Lock when the session has been idle too long; True if it locked."""
    opened = journal()
    if opened is None:
        return False
    minutes = idle_minutes(opened)
    last = st.session_state.get(LAST_ACTIVITY, time.time())
    if idle.is_idle(last, time.time(), minutes):
        lock(idle.idle_notice(minutes))
        return True
    return False


def derived(name: str, opened: Journal, build: Callable[[], T]) -> T:
    """A view computed from decrypted records, kept in this session (never in a shared
    cache) until the journal changes."""
    key = f"derived_{name}"
    cached = st.session_state.get(key)
    stamp = (id(opened), opened.version)  # versions of two journals can coincide
    if cached is None or cached[0] != stamp:
        cached = (stamp, build())
        st.session_state[key] = cached
    return cached[1]
