"""The server locks journals by itself: no browser has to be there to ask.

The idle watchdog fragment runs in the browser, so a closed tab, a sleeping laptop or a
lost connection left the journal open in the server (file open, key and records in
memory). A thread of the server looks at every unlocked session every few seconds and
locks the one idle past its limit, or whose browser has been gone for a minute.

The registry holds each unlocked session's state (Streamlit's session state cannot be
weakly referenced) only until that session is locked, by anyone: a session Streamlit
forgets is locked and dropped here within a minute, so nothing decrypted outlives it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from pages.ui import idle

GONE_GRACE_SECONDS = 60
CHECK_SECONDS = 5
GONE_NOTICE = "Locked: the journal's window was closed or lost its connection."


def lock_reason(
    last_activity: float,
    now: float,
    idle_minutes: int,
    gone_since: float | None,
    grace_seconds: float = GONE_GRACE_SECONDS,
) -> str | None:
    """Why a session must be locked now, in plain words; None while it may stay open."""
    if idle.is_idle(last_activity, now, idle_minutes):
        return idle.idle_notice(idle_minutes)
    if gone_since is not None and now - gone_since >= grace_seconds:
        return GONE_NOTICE
    return None


def _value(state: MutableMapping[str, Any], key: str, default: Any = None) -> Any:
    # Streamlit's session state has no .get() below its proxy
    return state[key] if key in state else default  # noqa: SIM401


@dataclass
class _Watched:
    state: MutableMapping[str, Any]
    gone_since: float | None = None


class ServerLock:
    """Every unlocked session of this server, checked on a background thread."""

    def __init__(
        self,
        lock_state: Callable[[MutableMapping[str, Any], str], None],
        session_keys: tuple[str, str],
        is_connected: Callable[[str], bool | None],
        clock: Callable[[], float] = time.time,
        background: bool = True,
    ) -> None:
        self._lock_state = lock_state
        self._journal_key, self._activity_key = session_keys
        self._is_connected = is_connected
        self._clock = clock
        self._watched: dict[str, _Watched] = {}
        self._guard = threading.Lock()
        self._background = background  # tests drive `sweep` themselves
        self._thread: threading.Thread | None = None

    def watch(self, session_id: str, state: MutableMapping[str, Any]) -> None:
        """Keep an eye on this session (called on every run of an unlocked session)."""
        with self._guard:
            watched = self._watched.get(session_id)
            if watched is None or watched.state is not state:
                self._watched[session_id] = _Watched(state)
            if self._background and self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="journal-server-lock", daemon=True
                )
                self._thread.start()

    def sweep(self) -> list[str]:
        """Lock every session that must be locked now; returns their ids."""
        now = self._clock()
        locked = []
        with self._guard:
            watched = list(self._watched.items())
        for session_id, entry in watched:
            state = entry.state
            journal = _value(state, self._journal_key)
            if journal is None or not journal.is_open:
                self._forget(session_id)
                continue
            connected = self._is_connected(session_id)
            if connected is None:
                continue  # no server to ask (it is stopping, or a test runs the app)
            if connected:
                entry.gone_since = None
            elif entry.gone_since is None:
                entry.gone_since = now
            reason = lock_reason(
                _value(state, self._activity_key, now),
                now,
                journal.settings.idle_minutes,
                entry.gone_since,
            )
            if reason is not None:
                self._lock_state(state, reason)
                self._forget(session_id)
                locked.append(session_id)
        return locked

    def watching(self) -> int:
        """How many unlocked sessions are watched now."""
        with self._guard:
            return len(self._watched)

    def _forget(self, session_id: str) -> None:
        with self._guard:
            self._watched.pop(session_id, None)

    def _run(self) -> None:
        while True:
            time.sleep(CHECK_SECONDS)
            self.sweep()
