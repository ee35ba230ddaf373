"""Dates and times for the screen in the browser's locale and time zone (st.context)."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from practice import dates


def day(when: date) -> str:
    """A date as this browser's locale writes it."""
    return dates.day(when, st.context.locale)


def moment(when: datetime) -> str:
    """A stored moment as this browser's local date and time."""
    return dates.moment(when, st.context.locale, st.context.timezone)


def input_format() -> str:
    """The format for st.date_input in this browser's locale."""
    return dates.date_input_format(st.context.locale)
