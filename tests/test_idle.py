"""The idle auto-lock rule, pure (AppTest cannot fire `run_every`, so it is tested here)."""

from __future__ import annotations

import pytest

from pages.ui import idle


@pytest.mark.parametrize(
    ("idle_for", "minutes", "expected"),
    [(0, 10, False), (599, 10, False), (600, 10, True), (10_000, 0, False), (61, 1, True)],
)
def test_idle_rule(idle_for: int, minutes: int, expected: bool) -> None:
    assert idle.is_idle(1000.0, 1000.0 + idle_for, minutes) is expected


@pytest.mark.parametrize(
    ("idle_for", "minutes", "left"),
    [(0, 10, 600.0), (599.5, 10, 0.5), (600, 10, 0.0), (10_000, 1, 0.0)],
)
def test_seconds_left_count_down_to_the_lock_and_stop_at_zero(
    idle_for: float, minutes: int, left: float
) -> None:
    assert idle.seconds_left(1000.0, 1000.0 + idle_for, minutes) == pytest.approx(left)
