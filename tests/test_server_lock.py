"""The server's own lock: a session idle past its limit, or whose browser has gone for a
minute, is locked without any browser (pages/ui/server_lock.py)."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from pages.ui.server_lock import GONE_GRACE_SECONDS, GONE_NOTICE, ServerLock, lock_reason

JOURNAL, ACTIVITY = "journal", "last_activity"


def test_an_active_connected_session_stays_open() -> None:
    assert lock_reason(1000.0, 1000.0 + 9 * 60, 10, gone_since=None) is None


def test_a_session_idle_past_its_limit_is_locked_even_with_its_browser_there() -> None:
    assert lock_reason(1000.0, 1000.0 + 10 * 60, 10, None) == (
        "Locked after 10 idle minutes. Everything saved is safe."
    )


def test_a_session_whose_browser_is_gone_is_locked_after_the_grace_only() -> None:
    assert lock_reason(1000.0, 1030.0, 10, gone_since=1000.0) is None
    assert lock_reason(1000.0, 1000.0 + GONE_GRACE_SECONDS, 10, 1000.0) == GONE_NOTICE


def test_an_idle_lock_turned_off_still_locks_a_gone_session() -> None:
    assert lock_reason(0.0, 10_000.0, 0, gone_since=None) is None
    assert lock_reason(0.0, 10_000.0, 0, gone_since=0.0) == GONE_NOTICE


class FakeJournal:
    def __init__(self, idle_minutes: int = 10) -> None:
        self.is_open = True
        self.settings = type("S", (), {"idle_minutes": idle_minutes})()


class State(dict):
    """A session's state (weakly referenceable, as Streamlit's is)."""


@pytest.fixture
def clock() -> list[float]:
    return [1000.0]


def make(clock: list[float], connected: dict[str, bool]) -> tuple[ServerLock, list[Any]]:
    locked: list[Any] = []

    def lock_state(state: Any, reason: str) -> None:
        state[JOURNAL].is_open = False
        state.clear()
        state["notice"] = reason
        locked.append(reason)

    server = ServerLock(
        lock_state,
        (JOURNAL, ACTIVITY),
        lambda sid: connected.get(sid, False),
        lambda: clock[0],
        background=False,
    )
    return server, locked


def test_a_closed_tab_is_locked_a_minute_after_it_went(clock: list[float]) -> None:
    connected = {"a": True}
    server, locked = make(clock, connected)
    state = State({JOURNAL: FakeJournal(), ACTIVITY: 1000.0})
    server.watch("a", state)
    assert server.sweep() == []
    connected["a"] = False
    clock[0] += 5
    assert server.sweep() == []  # gone since now: the grace starts
    clock[0] += GONE_GRACE_SECONDS - 1
    assert server.sweep() == []
    clock[0] += 1
    assert server.sweep() == ["a"]
    assert locked == [GONE_NOTICE] and state == {"notice": GONE_NOTICE}
    assert server.watching() == 0


def test_a_reconnected_tab_starts_its_grace_again(clock: list[float]) -> None:
    connected = {"a": False}
    server, locked = make(clock, connected)
    server.watch("a", State({JOURNAL: FakeJournal(), ACTIVITY: 1000.0}))
    server.sweep()
    clock[0] += 50
    connected["a"] = True
    server.sweep()
    connected["a"] = False
    clock[0] += 50
    assert server.sweep() == [] and locked == []


def test_an_idle_session_is_locked_and_a_busy_one_is_not(clock: list[float]) -> None:
    server, locked = make(clock, {"idle": True, "busy": True})
    idle_state = State({JOURNAL: FakeJournal(1), ACTIVITY: 1000.0})
    busy_state = State({JOURNAL: FakeJournal(1), ACTIVITY: 1000.0})
    server.watch("idle", idle_state)
    server.watch("busy", busy_state)
    clock[0] += 60
    busy_state[ACTIVITY] = clock[0] - 1
    assert server.sweep() == ["idle"]
    assert "Locked after 1 idle minute." in locked[0]
    assert busy_state[JOURNAL].is_open


def test_a_session_locked_by_its_own_button_is_dropped(clock: list[float]) -> None:
    server, locked = make(clock, {})
    state = State({JOURNAL: FakeJournal(), ACTIVITY: 1000.0})
    server.watch("a", state)
    state[JOURNAL].is_open = False
    assert server.sweep() == [] and locked == []
    assert server.watching() == 0


def test_a_session_streamlit_has_forgotten_is_still_locked(clock: list[float]) -> None:
    server, locked = make(clock, {})  # no longer known to the runtime: never connected
    state = State({JOURNAL: FakeJournal(), ACTIVITY: 1000.0})
    server.watch("a", state)
    journal = state[JOURNAL]
    del state
    gc.collect()
    server.sweep()
    clock[0] += GONE_GRACE_SECONDS
    assert server.sweep() == ["a"] and not journal.is_open


def test_with_no_server_to_ask_nothing_is_locked_or_counted_as_gone(clock: list[float]) -> None:
    answers: dict[str, bool | None] = {"a": None}
    locked: list[str] = []
    server = ServerLock(
        lambda state, reason: locked.append(reason),
        (JOURNAL, ACTIVITY),
        answers.get,
        lambda: clock[0],
        background=False,
    )
    server.watch("a", State({JOURNAL: FakeJournal(), ACTIVITY: clock[0]}))
    clock[0] += 10 * GONE_GRACE_SECONDS
    assert server.sweep() == [] and locked == [] and server.watching() == 1
