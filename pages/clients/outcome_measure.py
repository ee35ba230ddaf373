"""Clients → a client's outcome measure: the choice (your profession's measures first), and
under it the chosen measure's licence and attribution, or that it records scores only."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from pages.ui import widgets
from prompts.library import profession_group
from prompts.outcomes import OutcomeMeasure

NONE = ""  # a client without an outcome measure


def measure_order(measures: Mapping[str, OutcomeMeasure], profession: str) -> list[str]:
    """The measures' ids as offered: your profession's group first, then the ones for
    everyone (your own measures among them), then the rest; file order within each."""
    group = profession_group(profession)

    def rank(measure_id: str) -> int:
        measure = measures[measure_id]
        if measure.group == group and group != "all":
            return 0
        return 1 if measure.group == "all" else 2

    return sorted(measures, key=rank)


def measure_note(measure: OutcomeMeasure) -> str:
    """What the practitioner reads under the choice: scores only (ORS, your own) with the
    licence note, or the measure's attribution and licence."""
    if measure.scores_only:
        return f"Scores only. {measure.licence_note}"
    return " ".join(part for part in (measure.attribution, measure.licence) if part)


def measure_name(measures: Mapping[str, OutcomeMeasure], measure_id: str) -> str:
    """A client's measure as the Clients list shows it ("none" when they have none)."""
    if not measure_id:
        return "none"
    measure = measures.get(measure_id)
    return measure.name if measure is not None else "a removed measure"


def measure_choice(
    measures: Mapping[str, OutcomeMeasure], profession: str, current: str, key: str
) -> str:
    """The "Outcome measure" select ("None" first) and the chosen measure's note; returns
    the chosen id ("" for none)."""
    options = [NONE, *measure_order(measures, profession)]
    if current not in options:  # a measure removed from Settings: offer none, never fail
        current = NONE
    chosen = st.selectbox(
        "Outcome measure",
        options,
        index=options.index(current),
        format_func=lambda i: "None" if i == NONE else measures[i].name,
        key=key,
        help="Taken at the start of each session; the first score is the baseline.",
    )
    if chosen == NONE:
        st.caption("No outcome measure: only the alliance is tracked for this client.")
    else:
        st.caption(widgets.label(measure_note(measures[chosen])))
    return chosen
