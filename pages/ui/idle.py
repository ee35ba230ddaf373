"""The idle auto-lock rule, kept pure so it can be tested without a browser."""

from __future__ import annotations

DEFAULT_IDLE_MINUTES = 10
WATCHDOG_SECONDS = 10


def is_idle(last_activity: float, now: float, idle_minutes: int) -> bool:
    """True when nothing has happened for `idle_minutes` (0 or less turns the lock off)."""
    if idle_minutes <= 0:
        return False
    return now - last_activity >= idle_minutes * 60


def seconds_left(last_activity: float, now: float, idle_minutes: int) -> float:
    """Seconds until the idle lock would fire (for the sidebar hint)."""
    return max(0.0, idle_minutes * 60 - (now - last_activity))


def idle_notice(idle_minutes: int) -> str:
    """What the unlock screen says after the idle lock fired."""
    unit = "minute" if idle_minutes == 1 else "minutes"
    return f"Locked after {idle_minutes} idle {unit}. Everything saved is safe."
