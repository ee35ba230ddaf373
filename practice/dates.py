"""Dates and times written the way the user's browser locale writes them (CLDR data via
Babel): one format everywhere, times in the user's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

# a browser that names no locale (or one CLDR lacks) gets day-month-year, as in the UK
FALLBACK = "en_GB"


def locale_of(tag: str | None) -> Locale:
    """The CLDR locale of a browser's language tag ("en-US", "fr", "es-ES")."""
    try:
        return Locale.parse((tag or FALLBACK).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK)


def zone_of(name: str | None) -> tzinfo:
    """The user's time zone by IANA name; UTC when it is unknown."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def medium_day(when: date) -> str:
    """A date in the fallback locale ("3 Dec 2026"), where no browser locale is known."""
    return day(when, None)


def day(when: date, tag: str | None) -> str:
    """A date in the locale's medium form: "3 Dec 2026", "Dec 3, 2026", "3 déc. 2026"."""
    return format_date(when, "medium", locale=locale_of(tag))


def moment(when: datetime, tag: str | None, zone: str | None) -> str:
    """A stored moment (UTC) as the user's local date and time: "3 Dec 2026, 14:05"."""
    local = when.astimezone(zone_of(zone)) if when.tzinfo else when
    place = locale_of(tag)
    return (
        f"{format_date(local, 'medium', locale=place)}, {format_time(local, 'short', locale=place)}"
    )


def date_input_format(tag: str | None) -> str:
    """The order a date input shows for the locale: "MM/DD/YYYY" for the US, else
    "DD/MM/YYYY" (the only orders st.date_input takes that match people's habits)."""
    place = locale_of(tag)
    pattern = place.date_formats["short"].pattern
    return "MM/DD/YYYY" if pattern.index("M") < pattern.index("d") else "DD/MM/YYYY"
