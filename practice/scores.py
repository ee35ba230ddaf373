"""Scores typed by hand (paper forms, CSV cells, corrections), checked against their
instrument with the reason in words: a score outside the range, or with more decimal
places than the instrument's paper form gives, is named, never silently dropped."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from prompts.library import Instrument

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_PLACES = {0: "whole numbers", 1: "one decimal place", 2: "two decimal places"}


def places(value: float) -> int:
    """Decimal places a typed score carries (7 → 0, 7.5 → 1, 7.25 → 2)."""
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def shown(value: float) -> str:
    """A score as a person writes it: 7, 7.5 (never 7.0 or 7.499999)."""
    return f"{round(float(value), 2):g}"


def stored(value: float) -> int | float:
    """A score as it is kept: a whole number as an int, else rounded to one place."""
    return int(value) if float(value).is_integer() else round(float(value), 1)


def problem(label: str, value: float, instrument: Instrument) -> str | None:
    """Why `value` cannot be `label`'s score on `instrument`, or None when it can."""
    if math.isnan(value) or math.isinf(value):
        return f"{label}: not a number."
    if value < instrument.min_score:
        return (
            f"{label}: {shown(value)} is below {instrument.name}'s lowest score, "
            f"{instrument.min_score}."
        )
    if value > instrument.max_score:
        return (
            f"{label}: {shown(value)} is above {instrument.name}'s highest score, "
            f"{instrument.max_score}."
        )
    if places(value) > 0 and instrument.decimals == 0:
        return (
            f"{label}: {shown(value)} is not a whole number; {instrument.name} takes whole numbers."
        )
    if places(value) > instrument.decimals:
        return (
            f"{label}: {shown(value)} has more decimal places than {instrument.name} takes "
            f"({_PLACES.get(instrument.decimals, 'whole numbers')})."
        )
    return None


def problems(instrument: Instrument, scores: Mapping[str, float | None]) -> list[str]:
    """Every item left empty or out of range, in item order, in words."""
    found = []
    for item in instrument.items:
        value = scores.get(item.id)
        if value is None:
            found.append(f"{item.label}: no score typed.")
        elif (reason := problem(item.label, float(value), instrument)) is not None:
            found.append(reason)
    return found


def parse(text: str) -> float | None:
    """A typed score ("7", "7.5", "7,5") as a number, None when it is not one."""
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned):
        return None
    return float(cleaned.replace(",", "."))
