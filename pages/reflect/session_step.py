"""Reflect, step 1: pick or add the client, then the session's date, number and modality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from pages.reflect.outlook import Outlook, skip_key
from pages.ui import when, widgets
from pages.ui.notice import set_notice, show_notice
from practice import caseload, outcomes
from prompts.library import Library
from prompts.outcomes import measures_for
from sharing import deidentify
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import MODALITIES, Client, Estimate, Feedback, Session

NEW_CLIENT = "__new__"
NEW_SESSION = "__new_session__"
CLIENT_ERROR = "reflect_client_error"


@dataclass(frozen=True)
class Chosen:
    """What step 1 settled: a free reflection or not, the client, the saved session."""

    free: bool
    client: Client | None
    session: Session | None
    estimate: Estimate | None = None  # the session's saved read, looked up once a run
    feedback: Feedback | None = None
    # the client's outcome course, blind to this session's score until your call
    outlook: Outlook | None = None

    @property
    def read_saved(self) -> bool:
        """Your read of the chosen session is saved (the later steps may open)."""
        return self.estimate is not None

    @property
    def about_a_session(self) -> bool:
        """A client is chosen and this is not a free reflection."""
        return self.client is not None and not self.free


def session_step(journal: Journal, library: Library) -> Chosen:
    """Draw step 1; returns what is chosen so far."""
    state = st.session_state
    st.header("1. Session")
    free = st.toggle(
        "Free reflection (not about one session)", key="rf_free", persist_state="session"
    )
    codes = {c.id: caseload.client_label(c) for c in caseload.clients_by_code(journal)}
    client_id = st.selectbox(
        "Client",
        [*codes, NEW_CLIENT],
        format_func=lambda cid: "New client…" if cid == NEW_CLIENT else codes[cid],
        key="rf_client",
        persist_state="session",
        index=None,
        placeholder="Choose a client",
        disabled=bool(state.get("rf_session_id")),
    )
    if client_id == NEW_CLIENT:
        _new_client(journal, library)
    client = journal.get(client_id) if client_id not in (None, NEW_CLIENT) else None
    session = journal.get(state["rf_session_id"]) if state.get("rf_session_id") else None
    estimate = caseload.estimate_for(journal, session.id) if session else None
    feedback = caseload.feedback_for(journal, session.id) if session else None
    outlook = _outlook(journal, client, session) if client is not None and not free else None
    chosen = Chosen(free, client, session, estimate, feedback, outlook)
    if chosen.about_a_session:
        _which_session(journal, chosen)
        if session is None:
            _date_and_number(journal, chosen.client)
    return chosen


def _outlook(journal: Journal, client: Client, session: Session | None) -> Outlook:
    """The client's outcome course and your call at this session (looked up once a run)."""
    settings = journal.settings
    course = outcomes.course_of(journal, client, measures_for(settings))
    return Outlook(
        course=course,
        session=session,
        has_measure=bool(client.outcome_measure),
        prediction=outcomes.prediction_for(journal, session.id) if session else None,
        skipped=bool(session and st.session_state.get(skip_key(session.id))),
        on_track_by=settings.not_on_track_session,
    )


def _which_session(journal: Journal, chosen: Chosen) -> None:
    """A new session, or one already in the journal (yesterday's, one a CSV import made)."""
    state, session = st.session_state, chosen.session
    known = {s.id: s for s in reversed(caseload.sessions_of(journal, chosen.client.id))}
    if session is not None and session.id in known:
        # set before the widget is drawn: the list shows the session being worked on
        state["rf_open_session"] = session.id
    elif state.get("rf_open_session") not in (None, NEW_SESSION, *known):
        state["rf_open_session"] = NEW_SESSION
    st.selectbox(
        "Session",
        [NEW_SESSION, *known],
        format_func=lambda sid: (
            "A new session" if sid == NEW_SESSION else session_label(known[sid])
        ),
        key="rf_open_session",
        persist_state="session",
        on_change=_open_session,
        args=(journal,),
    )
    if session is not None:
        st.caption(holds(chosen))


def session_label(session: Session) -> str:
    """ "Session 7 · 2 Dec 2026" (what it holds is said below: a label that changed as the
    read or the feedback is saved would reset the list)."""
    return f"Session {session.number} · {when.day(session.date)}"


def holds(chosen: Chosen) -> str:
    """What the chosen session holds so far, in words."""
    has_read, has_feedback = chosen.estimate is not None, chosen.feedback is not None
    outlook = chosen.outlook
    if not (has_read or has_feedback) and outlook and outlook.course and outlook.scored:
        # taken at the start of the session (its score stays hidden until your call)
        return f"Your client's {outlook.course.measure.name} is in; no read of yours yet."
    return {
        (True, True): "Your read and your client's feedback are in.",
        (True, False): "Your read is saved; no feedback from your client yet.",
        (False, True): "Your client's feedback is in; no read of yours yet.",
        (False, False): "Nothing recorded for this session yet.",
    }[(has_read, has_feedback)]


def _open_session(journal: Journal) -> None:
    """Runs before the widgets are drawn: the form shows the session picked and its read."""
    state = st.session_state
    picked = state.get("rf_open_session")
    if picked in (None, NEW_SESSION):
        state["rf_session_id"] = None
        return
    session = journal.get(picked)
    state["rf_session_id"] = session.id
    state["rf_date"], state["rf_number"] = session.date, session.number
    state["rf_modality"] = session.modality
    estimate = caseload.estimate_for(journal, session.id)
    if estimate is not None:
        for item, value in estimate.items.items():
            state[f"rf_item_{item}"] = value
        state["rf_presence"] = estimate.presence
        state["rf_withdrawal"] = list(estimate.withdrawal_markers)
        state["rf_confrontation"] = list(estimate.confrontation_markers)


def _new_client(journal: Journal, library: Library) -> None:
    with st.container(border=True):
        code = st.text_input(
            "Client code", key="rf_new_code", persist_state="session", placeholder="e.g. C-014"
        )
        alias = st.text_input(
            "Private alias (optional)", key="rf_new_alias", persist_state="session"
        )
        chosen = st.selectbox(
            "Instrument",
            list(library.instruments),
            format_func=lambda i: library.instruments[i].name,
            key="rf_new_instrument",
            persist_state="session",
        )
        if chosen in library.instruments and library.instruments[chosen].note:
            st.caption(widgets.plain(library.instruments[chosen].note))
        if caseload.looks_like_full_name(code) or caseload.looks_like_full_name(alias):
            st.warning(
                "That looks like a person's full name. Use a code (e.g. C-014) and keep "
                "names out of the journal: reflections can be ordered by a court."
            )
        if alias.strip() and deidentify.ordinary_words([alias]):
            st.caption(
                f"“{widgets.plain(alias.strip())}” is also an ordinary word: when you share "
                "entries, every use of it as a word is flagged as this client's alias. A less "
                "common alias avoids that."
            )
        st.button("Add client", on_click=_add_client, args=(journal,))
        show_notice(CLIENT_ERROR)


def _add_client(journal: Journal) -> None:
    """Runs before the widgets are drawn, so the new client can be selected at once."""
    state = st.session_state
    try:
        added = caseload.add_client(
            journal,
            state.get("rf_new_code", ""),
            state.get("rf_new_alias", ""),
            state.get("rf_new_instrument", "sac4"),
        )
    except JournalError as error:
        set_notice(CLIENT_ERROR, str(error), ok=False)
    else:
        state["rf_client"] = added.id


def _date_and_number(journal: Journal, client: Client) -> None:
    state = st.session_state
    # the next number is offered once per client, so a number typed by hand stays
    if "rf_number" not in state or state.get("rf_number_for") != client.id:
        state["rf_number"] = caseload.next_session_number(journal, client.id)
        state["rf_number_for"] = client.id
    left, middle, right = st.columns(3)
    # any date can be typed: one after today is refused on save with the reason, not
    # silently put back
    left.date_input(
        "Date",
        key="rf_date",
        persist_state="session",
        max_value=date.today() + timedelta(days=366),
        format=when.input_format(),
    )
    middle.number_input(
        "Session number", key="rf_number", persist_state="session", min_value=1, step=1
    )
    right.selectbox("Modality", MODALITIES, key="rf_modality", persist_state="session")
