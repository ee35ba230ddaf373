"""Supervision hours per month against a target, months without supervision included."""

from __future__ import annotations

from datetime import date

import pytest

from insights.supervision import (
    log_rows,
    monthly_hours,
    new_meeting,
    summary,
    supervision_chart,
)
from storage.errors import InvalidRecord
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


# ---- checking a new session, the summary and the chart -----------------------------------

TODAY = date(2026, 5, 20)


def test_a_checked_session_keeps_the_functions_in_proctors_order() -> None:
    made = new_meeting(TODAY, 60, "  Dr Example ", ["restorative", "normative"], " notes ", TODAY)
    assert (made.date, made.minutes, made.supervisor, made.notes) == (
        TODAY, 60, "Dr Example", "notes",
    )  # fmt: skip
    assert made.functions == ["normative", "restorative"]


@pytest.mark.parametrize(
    ("day", "minutes", "functions", "named"),
    [
        (date(2026, 5, 21), 60, [], "Date 21 May 2026 is in the future"),
        (None, 60, [], "Date is missing"),
        (TODAY, None, [], "Minutes is missing"),
        (TODAY, 0, [], "Minutes must be between 1 and 600, not 0"),
        (TODAY, 601, [], "Minutes must be between 1 and 600, not 601"),
        (TODAY, 60, ["supportive"], "Proctor function supportive"),
    ],
)
def test_a_bad_session_is_refused_naming_the_field(
    day: date | None, minutes: int | None, functions: list[str], named: str
) -> None:
    with pytest.raises(InvalidRecord, match=named):
        new_meeting(day, minutes, "", functions, "", TODAY)


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InvalidRecord) as raised:
        new_meeting(date(2026, 6, 1), 0, "", [], "", TODAY)
    assert "Date" in str(raised.value) and "Minutes" in str(raised.value)


def test_the_log_reads_newest_first() -> None:
    rows = log_rows([meeting(date(2026, 1, 5), 60), meeting(date(2026, 3, 2), 90)])
    assert [r["Date"] for r in rows] == [date(2026, 3, 2), date(2026, 1, 5)]
    assert rows[0]["Functions"] == "formative"


def test_the_summary_counts_hours_sessions_and_months_met() -> None:
    table = monthly_hours(
        [
            meeting(date(2026, 1, 5), 60),
            meeting(date(2026, 1, 20), 45),
            meeting(date(2026, 3, 2), 90),
        ],
        until=date(2026, 4, 30),
    )
    assert summary(table) == (
        "Last 4 months: 3.25 hours in 3 sessions; target met in 2 of 4 months."
    )
    assert summary(table, months=1) == (
        "Last 1 month: 0 hours in 0 sessions; target met in 0 of 1 month."
    )
    assert summary(monthly_hours([])) == "No supervision sessions logged yet."


def _layers(spec: dict, mark: str) -> list[tuple[dict, list[dict]]]:
    """Each layer with that mark, and the rows embedded for it."""
    return [
        (layer, spec["datasets"][layer["data"]["name"]])
        for layer in spec["layer"]
        if layer["mark"]["type"] == mark
    ]


def test_the_chart_shows_months_as_bars_against_the_target() -> None:
    table = monthly_hours(
        [meeting(date(2026, 1, 5), 120), meeting(date(2026, 3, 2), 30)],
        2.0,
        until=date(2026, 3, 31),
    )
    spec = supervision_chart(table).to_dict()
    ((bars, rows),) = _layers(spec, "bar")
    ((_, target),) = _layers(spec, "rule")
    assert [(r["month"], r["hours"], r["status"]) for r in rows] == [
        ("2026-01", 2.0, "Target met"),
        ("2026-02", 0.0, "Below target"),
        ("2026-03", 0.5, "Below target"),
    ]
    assert [r["tick"] for r in rows] == ["✓", "", ""]  # not colour alone
    assert bars["encoding"]["color"]["field"] == "status"
    assert target == [{"target": 2.0, "label": "Target 2 hours"}]
    assert [rows for _, rows in _layers(spec, "text")][-1] == target  # the target is labelled
    assert "target" not in rows[0] and "met" not in rows[0]  # only what is drawn is embedded


def test_the_chart_without_sessions_says_so() -> None:
    spec = supervision_chart(monthly_hours([])).to_dict()
    assert spec["mark"]["type"] == "text"
    (row,) = next(iter(spec["datasets"].values()))
    assert row == {"message": "No supervision sessions logged yet"}
