"""Supervision → Supervision log: sessions with a supervisor, hours per month, the target."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import streamlit as st

from insights import supervision
from pages.ui import kept_text, widgets
from pages.ui.notice import rerun_with_notice, set_notice, show_notice
from sharing.keys import contacts
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import PROCTOR_FUNCTIONS, SupervisionMeeting

NOTICE = "sv_log_notice"
DRAFT = "sv_log"  # the draft of the supervision session being added
PROBLEM = "sv_log_problem"
KEEP = kept_text.KEEP
DELETING = "sv_log_deleting"
SOMEONE_ELSE = "Someone else (type the name below)"
FUNCTION_HELP = (
    "Proctor's three functions of supervision. Normative: standards, ethics and "
    "accountability. Formative: learning, skills and understanding of the work. "
    "Restorative: support for you, the person doing the work."
)
TARGET_NOTE = (
    "For comparison: BACP asks its accredited counsellors for at least 1.5 hours of "
    "supervision each month. Other professional bodies and employers set their own figure."
)


def show(journal: Journal) -> None:
    """Draw the section: add a session, hours per month against the target, the log."""
    show_notice(NOTICE)
    _add(journal)
    _hours(journal)
    _log(journal)


def _done(message: str) -> None:
    rerun_with_notice(NOTICE, message)


def _fields(pinned: list[str]) -> dict[str, Any]:
    """The add form's widgets and what each starts from."""
    fields: dict[str, Any] = {
        "sv_log_date": date.today(),
        "sv_log_minutes": None,
        "sv_log_name": "",
        "sv_log_functions": [],
        "sv_log_notes": "",
    }
    if pinned:
        fields["sv_log_supervisor"] = pinned[0]
    return fields


def _add(journal: Journal) -> None:
    st.subheader("Add a supervision session")
    pinned = [c.name for c in contacts(journal, "supervisor") if c.name]
    keys = _fields(pinned)
    # plain widgets, not a form: what is typed reaches the server and is kept as a draft
    kept_text.restore(journal, DRAFT, keys)
    if pinned and st.session_state["sv_log_supervisor"] not in [*pinned, SOMEONE_ELSE]:
        st.session_state["sv_log_supervisor"] = pinned[0]  # a supervisor unpinned since
    widgets.commit_text_while_typing()
    left, right = st.columns(2)
    left.date_input("Date", format="DD/MM/YYYY", key="sv_log_date", persist_state=KEEP)
    right.number_input(
        "Minutes",
        1,
        supervision.MAX_MINUTES,
        step=5,
        placeholder="e.g. 60",
        key="sv_log_minutes",
        persist_state=KEEP,
    )
    if pinned:
        st.selectbox(
            "Supervisor", [*pinned, SOMEONE_ELSE], key="sv_log_supervisor", persist_state=KEEP
        )
    st.text_input(
        "Supervisor's name" if not pinned else "Supervisor's name, if someone else",
        max_chars=supervision.MAX_SUPERVISOR_CHARS,
        key="sv_log_name",
        persist_state=KEEP,
    )
    st.multiselect(
        "Proctor functions",
        PROCTOR_FUNCTIONS,
        help=FUNCTION_HELP,
        key="sv_log_functions",
        persist_state=KEEP,
    )
    st.text_area("Notes", key="sv_log_notes", persist_state=KEEP)
    st.button(
        "Save supervision session", type="primary", on_click=_save, args=(journal, list(keys))
    )
    if problem := st.session_state.pop(PROBLEM, None):
        st.error(problem)
    kept_text.autosave(journal, DRAFT, keys)


def _save(journal: Journal, keys: list[str]) -> None:
    """Button callback: save the session, then forget its draft and empty the fields."""
    state = st.session_state
    chosen, typed = state.get("sv_log_supervisor", SOMEONE_ELSE), state["sv_log_name"]
    if chosen != SOMEONE_ELSE and typed.strip():
        state[PROBLEM] = (
            f"Supervisor: you chose {widgets.plain(chosen)} and also typed a name. Choose "
            f"'{SOMEONE_ELSE}' to use the typed name, or clear it. Nothing was saved."
        )
        return
    try:
        meeting = supervision.new_meeting(
            state["sv_log_date"],
            state["sv_log_minutes"],
            typed if chosen == SOMEONE_ELSE else chosen,
            state["sv_log_functions"],
            state["sv_log_notes"],
            date.today(),
        )
    except InvalidRecord as error:  # shown under the fields, which keep what was typed
        state[PROBLEM] = str(error)
        return
    journal.save(meeting)
    kept_text.forget(journal, DRAFT, keys)
    set_notice(
        NOTICE, f"Supervision session of {meeting.date:%d %b %Y} saved ({meeting.minutes} minutes)."
    )


def _hours(journal: Journal) -> None:
    st.subheader("Hours per month")
    settings = journal.settings
    monthly = supervision.monthly_hours(
        journal.all(SupervisionMeeting), settings.supervision_target_hours
    )
    st.write(supervision.summary(monthly))
    widgets.chart(
        supervision.supervision_chart(monthly),
        monthly,
        name="supervision_hours",
        description="Hours of supervision in each month as bars, against your monthly "
        "target as a dashed line; months that met the target are marked with a tick.",
    )
    with st.form("sv_target_form"):
        target = st.number_input(
            "Monthly target (hours)",
            min_value=0.0,
            max_value=40.0,
            value=min(max(float(settings.supervision_target_hours), 0.0), 40.0),
            step=0.25,
            format="%.2f",
            key="sv_target",
        )
        st.caption(TARGET_NOTE)
        if st.form_submit_button("Save target"):
            journal.save_settings(
                dataclasses.replace(settings, supervision_target_hours=float(target))
            )
            _done(f"Monthly target set to {float(target):g} hours.")


def _log(journal: Journal) -> None:
    st.subheader("Log")
    meetings = supervision.newest_first(journal.all(SupervisionMeeting))
    if not meetings:
        st.info("No supervision sessions logged yet. Add one above.")
        return
    st.dataframe(
        supervision.log_rows(meetings),
        hide_index=True,
        column_config={"Date": st.column_config.DateColumn(format="DD MMM YYYY")},
    )
    by_id = {m.id: m for m in meetings}
    picked = st.selectbox(
        "Supervision session",
        list(by_id),
        format_func=lambda i: _label(by_id[i]),
        key="sv_log_pick",
    )
    if st.button("Delete supervision session", key="sv_log_delete"):
        st.session_state[DELETING] = picked
    deleting = by_id.get(st.session_state.get(DELETING))
    if deleting is None:
        return
    question = (
        f"Move the session of {widgets.plain(_label(deleting))} to the trash? It will no longer "
        "count towards your monthly hours."
    )
    if widgets.confirm(DELETING, question, "Move to trash", "sv_log"):
        journal.delete(deleting.id)
        _done(f"Supervision session of {deleting.date:%d %b %Y} moved to the trash.")


def _label(meeting: SupervisionMeeting) -> str:
    who = f", {meeting.supervisor}" if meeting.supervisor else ""
    return f"{meeting.date:%d %b %Y}, {meeting.minutes} min{who}"
