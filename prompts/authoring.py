"""Turning what a practitioner types in Settings into custom instrument data."""

from __future__ import annotations

import re
from typing import Any

from prompts.library import LibraryError, custom_instrument

OWN_LICENCE_NOTE = "Your own instrument: scores typed in by you."


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return slug or fallback


def instrument_from_form(
    name: str,
    min_score: int,
    max_score: int,
    items_text: str,
    existing_ids: set[str],
    cutoff: int | None = None,
    low_anchor: str = "Not at all",
    high_anchor: str = "Completely",
) -> dict[str, Any]:
    """A custom instrument dict from the Settings form; raises LibraryError naming the field.

    `items_text` has one item a line: `label`, or `label | your wording | client's wording`.
    With no wording on any line the instrument is scores-only (typed in from paper).
    """
    lines = [line.strip() for line in items_text.splitlines() if line.strip()]
    if not lines:
        raise LibraryError("custom instrument, field 'items': write one item a line")
    items, worded = [], False
    for number, line in enumerate(lines, start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (1, 3):
            raise LibraryError(
                f"custom instrument, item {number}, field 'items': use `label` or "
                "`label | your wording | client's wording`"
            )
        item = {"id": f"{_slug(parts[0], 'item')}-{number}", "label": parts[0]}
        if len(parts) == 3:
            item["practitioner"], item["patient"] = parts[1], parts[2]
            worded = True
        items.append(item)
    instrument_id = _slug(name, "instrument")
    base, suffix = instrument_id, 2
    while instrument_id in existing_ids:
        instrument_id, suffix = f"{base}-{suffix}", suffix + 1
    data: dict[str, Any] = {
        "id": instrument_id,
        "name": name.strip(),
        "min_score": int(min_score),
        "max_score": int(max_score),
        "items": items,
        "scores_only": not worded,
        "low_anchor": low_anchor,
        "high_anchor": high_anchor,
    }
    if not worded:
        data["licence_note"] = OWN_LICENCE_NOTE
    if cutoff is not None:
        data["cutoff"] = int(cutoff)
    custom_instrument(data)  # the same checks as a shipped instrument
    return data
