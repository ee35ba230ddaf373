"""Settings → outcome measures: when a client counts as not on track, and your own
measures (scores only) beside the shipped ones."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.settings import NOTICE
from pages.ui import kept_text, widgets
from pages.ui.notice import rerun_with_notice, set_notice
from practice import own_measures
from practice.own_measures import MeasureForm
from storage.errors import InvalidRecord
from storage.journal import Journal

NEW = "own_outcome_new"  # the prefix of the new measure's widgets
DRAFT = "settings_new_outcome"  # the draft of the measure being added
PROBLEM = "settings_new_outcome_problem"
EDIT_DRAFT = "settings_edit_outcome_"  # + the measure's id: an edit not yet saved
EDIT_PROBLEM = "settings_edit_outcome_problem_"  # + the measure's id
_DIRECTIONS = {False: "Higher is worse", True: "Higher is better"}
_DECIMALS = {0: "Whole numbers", 1: "One decimal place"}


def outcome_measures(journal: Journal) -> None:
    """Draw the section: the not-on-track session, your own measures to edit or remove,
    and the fields to add one."""
    st.header("Outcome measures")
    st.caption(
        "Clients get an outcome measure on Clients; its first score is their baseline. "
        "Flags prompt reflection; they never diagnose, and clients never see them."
    )
    _not_on_track(journal)
    st.markdown("**Your own outcome measures**")
    st.caption(
        "For a measure you use that the journal does not ship. Only its scores are "
        "recorded: type the item labels, never the wording of a licensed form."
    )
    for data in journal.settings.custom_outcomes:
        with st.expander(widgets.label(_summary(data))):
            _edit_fields(journal, data)
    _add_fields(journal)


def _not_on_track(journal: Journal) -> None:
    settings = journal.settings
    low, high = own_measures.NOT_ON_TRACK_RANGE
    with st.form("not_on_track_form"):
        session = st.number_input(
            "Not on track when there is no reliable improvement by session",
            min_value=low,
            max_value=high,
            value=settings.not_on_track_session,
            step=1,
            key="not_on_track_session",
        )
        st.caption("Reliable deterioration at any session is not on track too.")
        if st.form_submit_button("Save not-on-track setting"):
            try:
                own_measures.set_not_on_track_session(journal, int(session))
            except InvalidRecord as error:
                st.error(str(error))
            else:
                rerun_with_notice(
                    NOTICE, f"Not on track: no reliable improvement by session {int(session)}."
                )


def _summary(data: dict[str, Any]) -> str:
    """One measure in a line: "Low mood check: 4 items, 0-3 each, higher is worse"."""
    count = len(data["items"])
    direction = "higher is better" if data.get("higher_is_better") else "higher is worse"
    return (
        f"{data['name']}: {count} item{'s' if count != 1 else ''}, "
        f"{data['min_score']}-{data['max_score']} each, {direction}"
    )


def _defaults(prefix: str, form: MeasureForm) -> dict[str, Any]:
    """The widgets of one measure and what each starts from (MeasureForm's order)."""
    return {
        f"{prefix}_name": form.name,
        f"{prefix}_items": form.items,
        f"{prefix}_min": form.min_score,
        f"{prefix}_max": form.max_score,
        f"{prefix}_decimals": form.decimals,
        f"{prefix}_direction": form.higher_is_better,
        f"{prefix}_cutoff": form.cutoff,
        f"{prefix}_reliable": form.reliable_change,
    }


def _form_from_state(prefix: str) -> MeasureForm:
    state = st.session_state
    return MeasureForm(
        name=state[f"{prefix}_name"],
        items=state[f"{prefix}_items"],
        min_score=int(state[f"{prefix}_min"]),
        max_score=int(state[f"{prefix}_max"]),
        decimals=int(state[f"{prefix}_decimals"]),
        higher_is_better=bool(state[f"{prefix}_direction"]),
        cutoff=state[f"{prefix}_cutoff"],
        reliable_change=state[f"{prefix}_reliable"],
    )


def _measure_fields(prefix: str) -> None:
    """Widgets for one measure, kept across pages; they start from the session's state
    (kept_text.restore sets it first)."""
    keep = kept_text.KEEP
    st.text_input("Measure name", key=f"{prefix}_name", persist_state=keep)
    st.text_area(
        "Items, one label a line (the wording stays on your own form)",
        key=f"{prefix}_items",
        persist_state=keep,
    )
    low, high, places = st.columns(3)
    low.number_input("Lowest item score", 0, 100, key=f"{prefix}_min", persist_state=keep)
    high.number_input("Highest item score", 1, 100, key=f"{prefix}_max", persist_state=keep)
    places.radio(
        "Scores typed as",
        list(_DECIMALS),
        format_func=_DECIMALS.get,
        key=f"{prefix}_decimals",
        persist_state=keep,
    )
    direction, cutoff, reliable = st.columns(3)
    direction.radio(
        "Direction",
        list(_DIRECTIONS),
        format_func=_DIRECTIONS.get,
        key=f"{prefix}_direction",
        persist_state=keep,
    )
    cutoff.number_input(
        "Clinical cutoff on the total (optional)",
        min_value=0.0,
        max_value=4000.0,
        step=1.0,
        format="%g",
        key=f"{prefix}_cutoff",
        persist_state=keep,
        help="The first total in the clinical range; where higher is better, the first "
        "total outside it.",
    )
    reliable.number_input(
        "Reliable change (points on the total)",
        min_value=0.0,
        max_value=4000.0,
        step=1.0,
        format="%g",
        key=f"{prefix}_reliable",
        persist_state=keep,
        help="A change from the baseline at least this large counts as reliable.",
    )


def _add_fields(journal: Journal) -> None:
    # plain widgets, not a form: what is typed reaches the server and is kept as a draft
    defaults = _defaults(NEW, MeasureForm(name="", items=""))
    kept_text.restore(journal, DRAFT, defaults)
    widgets.commit_text_while_typing()
    _measure_fields(NEW)
    st.button("Add measure", key="add_outcome_measure", on_click=_add, args=(journal,))
    if problem := st.session_state.pop(PROBLEM, None):
        st.error(problem)
    kept_text.autosave(journal, DRAFT, defaults)


def _add(journal: Journal) -> None:
    """Button callback: add the measure, then forget its draft and empty the fields."""
    try:
        data = own_measures.add_own_measure(journal, _form_from_state(NEW))
    except InvalidRecord as error:  # shown under the fields, which keep what was typed
        st.session_state[PROBLEM] = str(error)
        return
    kept_text.forget(journal, DRAFT, _defaults(NEW, MeasureForm(name="", items="")))
    set_notice(NOTICE, f"Measure '{data['name']}' added.")


def _edit_keys(data: dict[str, Any]) -> dict[str, Any]:
    return _defaults(f"own_outcome_{data['id']}", own_measures.form_of(data))


def _edit_fields(journal: Journal, data: dict[str, Any]) -> None:
    """A saved measure's fields, kept as a draft of its own until saved or removed."""
    measure_id, keys = data["id"], _edit_keys(data)
    kept_text.restore(journal, f"{EDIT_DRAFT}{measure_id}", keys)
    _measure_fields(f"own_outcome_{measure_id}")
    save, remove = st.columns(2)
    save.button(
        "Save measure",
        key=f"save_outcome_{measure_id}",
        on_click=_save_edit,
        args=(journal, measure_id),
    )
    remove.button(
        "Remove measure",
        key=f"remove_outcome_{measure_id}",
        on_click=_remove,
        args=(journal, measure_id),
    )
    if problem := st.session_state.pop(f"{EDIT_PROBLEM}{measure_id}", None):
        st.error(problem)
    kept_text.autosave_edit(journal, f"{EDIT_DRAFT}{measure_id}", keys)


def _saved(journal: Journal, measure_id: str) -> dict[str, Any] | None:
    return next((d for d in journal.settings.custom_outcomes if d["id"] == measure_id), None)


def _save_edit(journal: Journal, measure_id: str) -> None:
    """Button callback: store the edited measure, then forget its draft (the fields start
    from what was saved)."""
    data = _saved(journal, measure_id)
    if data is None:  # removed meanwhile (another tab)
        return
    keys = _edit_keys(data)
    try:
        own_measures.update_own_measure(
            journal, measure_id, _form_from_state(f"own_outcome_{measure_id}")
        )
    except InvalidRecord as error:  # the fields keep what was typed
        st.session_state[f"{EDIT_PROBLEM}{measure_id}"] = str(error)
        return
    kept_text.forget(journal, f"{EDIT_DRAFT}{measure_id}", keys)
    set_notice(NOTICE, "Saved.")


def _remove(journal: Journal, measure_id: str) -> None:
    """Button callback: remove the measure (refused while a client uses it), its draft
    and its fields' state."""
    data = _saved(journal, measure_id)
    if data is None:
        return
    try:
        own_measures.remove_own_measure(journal, measure_id)
    except InvalidRecord as error:
        st.session_state[f"{EDIT_PROBLEM}{measure_id}"] = str(error)
        return
    kept_text.forget(journal, f"{EDIT_DRAFT}{measure_id}", _edit_keys(data))
    set_notice(NOTICE, f"Measure '{data['name']}' removed.")
