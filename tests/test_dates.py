"""Dates and times as the browser's locale writes them (practice/dates.py): one format
everywhere, local time, never a crash on an unknown locale or time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from practice import dates

DAY = date(2026, 6, 4)
MOMENT = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tag", "day", "input_format"),
    [
        ("en-GB", "4 Jun 2026", "DD/MM/YYYY"),
        ("en-US", "Jun 4, 2026", "MM/DD/YYYY"),
        ("fr-FR", "4 juin 2026", "DD/MM/YYYY"),
        ("es-ES", "4 jun 2026", "DD/MM/YYYY"),
        (None, "4 Jun 2026", "DD/MM/YYYY"),  # no locale known: the UK form
        ("xx-QQ", "4 Jun 2026", "DD/MM/YYYY"),  # one CLDR lacks: the same
    ],
)
def test_a_day_is_written_as_the_locale_writes_it(
    tag: str | None, day: str, input_format: str
) -> None:
    assert dates.day(DAY, tag) == day
    assert dates.date_input_format(tag) == input_format


def test_a_moment_is_shown_in_the_users_time_zone() -> None:
    assert dates.moment(MOMENT, "en-GB", "Europe/Paris") == "3 Dec 2026, 15:05"
    assert dates.moment(MOMENT, "en-US", "America/New_York") == "Dec 3, 2026, 9:05\u202fAM"
    assert dates.moment(MOMENT, "en-GB", "Not/AZone") == "3 Dec 2026, 14:05"  # UTC
