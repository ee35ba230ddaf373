"""Reflect, step 2: your read of the session, saved before any feedback can be entered or
seen (blind), and your reactions."""

from __future__ import annotations

from datetime import date

import streamlit as st

from pages.reflect import draft as drafts
from pages.reflect.corrections import correction
from pages.reflect.form import estimate_from_form, session_from_form, unanswered_items
from pages.reflect.session_step import Chosen
from pages.ui import widgets
from practice import caseload
from practice.entries import INTENSITY_WORDS
from prompts.library import Instrument
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import REACTIONS, Client, Session


def your_read_step(journal: Journal, chosen: Chosen, instrument: Instrument) -> None:
    """Draw step 2: the estimate (locked once saved), markers and reactions; then either
    "Save my read" or what was saved."""
    st.header("2. Your read of the session")
    st.caption(
        f"{instrument.name}: how do you think your client experienced today? "
        f"{instrument.min_score} = {instrument.low_anchor}, "
        f"{instrument.max_score} = {instrument.high_anchor}. Saved before any feedback "
        "from your client for this session can be entered or seen."
    )
    client, session, estimate = chosen.client, chosen.session, chosen.estimate
    if estimate is None and chosen.feedback is not None:
        st.info(
            "Your client's feedback for this session is already in. Your read will be marked "
            "as given after it and left out of your calibration figures.",
            icon=":material/visibility:",
        )
    _estimate_fields(instrument, saved=estimate is not None)
    _reactions(expanded=estimate is None)
    if estimate is None:
        if st.button("Save my read", type="primary"):
            _save_read(journal, client, instrument, session)
    else:
        st.success(
            f"Your read of session {session.number} is saved: "
            f"{estimate.total} of {instrument.total_max}.",
            icon=":material/check:",
        )
        correction(journal, estimate, instrument)


def _estimate_fields(instrument: Instrument, saved: bool) -> None:
    for item in instrument.items:
        widgets.score(
            f"{item.label}: {item.practitioner}" if item.practitioner else item.label,
            instrument.min_score,
            instrument.max_score,
            key=f"rf_item_{item.id}",
            persist_state="session",
            disabled=saved,
        )
    widgets.score(
        "My own presence today (optional)",
        0,
        10,
        key="rf_presence",
        persist_state="session",
        disabled=saved,
    )
    markers_left, markers_right = st.columns(2)
    markers_left.multiselect(
        "Withdrawal markers I noticed",
        caseload.WITHDRAWAL_MARKERS,
        key="rf_withdrawal",
        persist_state="session",
        disabled=saved,
    )
    markers_right.multiselect(
        "Confrontation markers I noticed",
        caseload.CONFRONTATION_MARKERS,
        key="rf_confrontation",
        persist_state="session",
        disabled=saved,
    )


def _reactions(expanded: bool) -> None:
    with st.expander("My reactions (countertransference)", expanded=expanded):
        columns = st.columns(2)
        for index, reaction in enumerate(REACTIONS):
            # a reaction may start at "none": an intensity where none is a real answer, not a
            # score that a preset value would anchor
            st.session_state.setdefault(f"rf_reaction_{index}", 0)
            columns[index % 2].select_slider(
                reaction,
                options=list(INTENSITY_WORDS),
                format_func=INTENSITY_WORDS.get,
                key=f"rf_reaction_{index}",
                persist_state="session",
            )


def _save_read(
    journal: Journal, client: Client, instrument: Instrument, session: Session | None
) -> None:
    state = st.session_state
    unanswered = unanswered_items(state, instrument)
    if unanswered:
        st.error(widgets.not_answered(unanswered))
        return
    session = session or session_from_form(state, client.id)
    estimate = estimate_from_form(state, session.id, instrument)
    try:
        caseload.record_estimate(journal, session, estimate, today=date.today())
    except JournalError as error:
        st.error(str(error))
    else:
        state["rf_session_id"] = session.id
        drafts.autosave(journal, state)
        st.rerun()
