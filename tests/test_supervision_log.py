"""Supervision hours per month against a target, months without supervision included."""

from __future__ import annotations

from datetime import date

import pytest

from insights.supervision import monthly_hours
from storage.records import SupervisionMeeting


def meeting(day: date, minutes: int) -> SupervisionMeeting:
    return SupervisionMeeting(date=day, minutes=minutes, supervisor="S", functions=["formative"])


def test_hours_add_up_per_month_and_gaps_count_as_zero() -> None:
    table = monthly_hours(
        [
            meeting(date(2026, 1, 5), 60),
            meeting(date(2026, 1, 20), 45),
            meeting(date(2026, 3, 2), 90),
        ],
        until=date(2026, 4, 30),
    )
    assert [m.strftime("%Y-%m") for m in table["month"]] == [
        "2026-01", "2026-02", "2026-03", "2026-04",
    ]  # fmt: skip
    assert list(table["hours"]) == [1.75, 0.0, 1.5, 0.0]
    assert list(table["meetings"]) == [2, 0, 1, 0]
    assert list(table["met"]) == [True, False, True, False]


@pytest.mark.parametrize(("target", "met"), [(1.5, True), (2.0, False)])
def test_the_target_is_the_users_own(target: float, met: bool) -> None:
    table = monthly_hours([meeting(date(2026, 5, 1), 90)], target, until=date(2026, 5, 31))
    assert bool(table["met"].iloc[0]) is met
    assert table["target"].iloc[0] == target


def test_no_meetings_give_an_empty_table_with_its_columns() -> None:
    table = monthly_hours([])
    assert table.empty
    assert list(table.columns) == ["month", "hours", "meetings", "target", "met"]
