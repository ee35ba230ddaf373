"""Supervision → Supervision log: sessions with a supervisor (individual or group), hours
per month, the target; a logged session can be edited (its earlier version is kept) or
moved to the trash."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from typing import Any

import streamlit as st

from insights import supervision
from pages.ui import kept_text, when, widgets
from pages.ui.notice import rerun_with_notice, set_notice, show_notice
from sharing.keys import contacts
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import PROCTOR_FUNCTIONS, SUPERVISION_TYPES, SupervisionMeeting

NOTICE = "sv_log_notice"
DRAFT = "sv_log"  # the draft of the supervision session being added
PROBLEM = "sv_log_problem"
KEEP = kept_text.KEEP
DELETING = "sv_log_deleting"
EDITING = "sv_log_editing"  # the id of the session whose edit form is open
EDIT_DRAFT = "sv_log_edit_"  # + the session's id: the draft of an edit being typed
EDIT_PROBLEM = "sv_log_edit_problem"
TYPE_LABELS = {"individual": "Individual", "group": "Group"}
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
        "sv_log_type": "individual",
        "sv_log_name": "",
        "sv_log_functions": [],
        "sv_log_notes": "",
    }
    if pinned:
        fields["sv_log_supervisor"] = pinned[0]
    return fields


def _add(journal: Journal) -> None:
    st.header("Add a supervision session")
    pinned = [c.name for c in contacts(journal, "supervisor") if c.name]
    keys = _fields(pinned)
    # plain widgets, not a form: what is typed reaches the server and is kept as a draft
    kept_text.restore(journal, DRAFT, keys)
    if pinned and st.session_state["sv_log_supervisor"] not in [*pinned, SOMEONE_ELSE]:
        st.session_state["sv_log_supervisor"] = pinned[0]  # a supervisor unpinned since
    widgets.commit_text_while_typing()
    left, right = st.columns(2)
    left.date_input("Date", format=when.input_format(), key="sv_log_date", persist_state=KEEP)
    right.number_input(
        "Minutes",
        1,
        supervision.MAX_MINUTES,
        step=5,
        placeholder="e.g. 60",
        key="sv_log_minutes",
        persist_state=KEEP,
    )
    _type("sv_log_type")
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
            kind=state["sv_log_type"],
        )
    except InvalidRecord as error:  # shown under the fields, which keep what was typed
        state[PROBLEM] = str(error)
        return
    journal.save(meeting)
    kept_text.forget(journal, DRAFT, keys)
    set_notice(
        NOTICE,
        f"Supervision session of {when.day(meeting.date)} saved ({meeting.minutes} minutes).",
    )


def _type(key: str) -> None:
    st.radio(
        "Type",
        SUPERVISION_TYPES,
        format_func=TYPE_LABELS.get,
        horizontal=True,
        key=key,
        persist_state=KEEP,
        help="Group supervision: one supervisor with several supervisees.",
    )


def _hours(journal: Journal) -> None:
    st.header("Hours per month")
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
    st.header("Log")
    meetings = supervision.newest_first(journal.all(SupervisionMeeting))
    if not meetings:
        st.info("No supervision sessions logged yet. Add one above.")
        return
    st.dataframe(
        supervision.log_rows(meetings),
        hide_index=True,
        # dates as the browser's locale writes them; notes wide enough to read
        column_config={
            "Date": st.column_config.DateColumn(format="localized"),
            "Notes": st.column_config.TextColumn(width="large"),
        },
    )
    by_id = {m.id: m for m in meetings}
    labels = {m.id: _label(m) for m in meetings}
    # a new key once a label changes (an edit): the picker would show the old label
    names = hashlib.sha256("\n".join(labels.values()).encode()).hexdigest()[:8]
    picked = st.selectbox(
        "Supervision session", list(by_id), format_func=labels.get, key=f"sv_log_pick_{names}"
    )
    edit, delete = st.columns(2)
    if edit.button("Edit supervision session", key="sv_log_edit_button"):
        st.session_state[EDITING] = picked
        st.session_state.pop(DELETING, None)
    if delete.button("Delete supervision session", key="sv_log_delete"):
        st.session_state[DELETING] = picked
        st.session_state.pop(EDITING, None)
    _edit(journal, by_id)
    deleting = by_id.get(st.session_state.get(DELETING))
    if deleting is None:
        return
    question = (
        f"Move the session of {widgets.plain(_label(deleting))} to the trash? It will no longer "
        "count towards your monthly hours."
    )
    if widgets.confirm(DELETING, question, "Move to trash", "sv_log"):
        journal.delete(deleting.id)
        _done(f"Supervision session of {when.day(deleting.date)} moved to the trash.")


def _label(meeting: SupervisionMeeting) -> str:
    who = f", {meeting.supervisor}" if meeting.supervisor else ""
    group = ", group" if meeting.type == "group" else ""
    return f"{when.day(meeting.date)}, {meeting.minutes} min{group}{who}"


def _edit_fields(meeting: SupervisionMeeting) -> dict[str, Any]:
    """The edit form's widgets and what each starts from: the session as saved."""
    return {
        "sv_log_edit_id": meeting.id,  # not a widget: which session the draft is about
        "sv_log_edit_date": meeting.date,
        "sv_log_edit_minutes": meeting.minutes,
        "sv_log_edit_type": meeting.type if meeting.type in SUPERVISION_TYPES else "individual",
        "sv_log_edit_supervisor": meeting.supervisor,
        "sv_log_edit_functions": list(meeting.functions),
        "sv_log_edit_notes": meeting.notes,
    }


def _editing(journal: Journal, by_id: dict[str, SupervisionMeeting]) -> SupervisionMeeting | None:
    """The session being edited: chosen on this screen, or one whose edit was left as a
    draft (a lock, a restart)."""
    chosen = by_id.get(st.session_state.get(EDITING))
    if chosen is None:
        chosen = next((m for m in by_id.values() if journal.draft(f"{EDIT_DRAFT}{m.id}")), None)
        if chosen is not None:
            st.session_state[EDITING] = chosen.id
    return chosen


def _edit(journal: Journal, by_id: dict[str, SupervisionMeeting]) -> None:
    meeting = _editing(journal, by_id)
    if meeting is None:
        return
    saved, draft = _edit_fields(meeting), f"{EDIT_DRAFT}{meeting.id}"
    if st.session_state.get("sv_log_edit_id", meeting.id) != meeting.id:
        for key in saved:  # another session's edit: its draft stays, its widgets go
            st.session_state.pop(key, None)
    kept_text.restore(journal, draft, saved)
    with st.container(border=True, key="sv_log_edit_form"):
        st.markdown(f"**Edit the session of {widgets.plain(_label(meeting))}**")
        left, right = st.columns(2)
        left.date_input(
            "Date", format=when.input_format(), key="sv_log_edit_date", persist_state=KEEP
        )
        right.number_input(
            "Minutes",
            1,
            supervision.MAX_MINUTES,
            step=5,
            key="sv_log_edit_minutes",
            persist_state=KEEP,
        )
        _type("sv_log_edit_type")
        st.text_input(
            "Supervisor",
            max_chars=supervision.MAX_SUPERVISOR_CHARS,
            key="sv_log_edit_supervisor",
            persist_state=KEEP,
        )
        st.multiselect(
            "Proctor functions",
            PROCTOR_FUNCTIONS,
            help=FUNCTION_HELP,
            key="sv_log_edit_functions",
            persist_state=KEEP,
        )
        st.text_area("Notes", key="sv_log_edit_notes", persist_state=KEEP)
        save, cancel = st.columns(2)
        save.button(
            "Save changes",
            type="primary",
            key="sv_log_edit_save",
            on_click=_save_edit,
            args=(journal, meeting, saved),
        )
        cancel.button(
            "Cancel",
            key="sv_log_edit_cancel",
            on_click=_forget_edit,
            args=(journal, meeting, saved),
        )
        st.caption("Saving keeps the earlier version of this session in the journal's history.")
        if problem := st.session_state.pop(EDIT_PROBLEM, None):
            st.error(problem)
    kept_text.autosave_edit(journal, draft, saved)


def _forget_edit(journal: Journal, meeting: SupervisionMeeting, saved: dict[str, Any]) -> None:
    """Close the edit form: no draft, and the widgets start from what is saved next time."""
    st.session_state.pop(EDITING, None)
    kept_text.forget(journal, f"{EDIT_DRAFT}{meeting.id}", saved)


def _save_edit(journal: Journal, meeting: SupervisionMeeting, saved: dict[str, Any]) -> None:
    """Button callback: save the edited session as its next revision."""
    state = st.session_state
    try:
        changed = supervision.new_meeting(
            state["sv_log_edit_date"],
            state["sv_log_edit_minutes"],
            state["sv_log_edit_supervisor"],
            state["sv_log_edit_functions"],
            state["sv_log_edit_notes"],
            date.today(),
            kind=state["sv_log_edit_type"],
        )
    except InvalidRecord as error:  # shown in the form, which keeps what was typed
        state[EDIT_PROBLEM] = str(error)
        return
    journal.save(supervision.edited_meeting(meeting, changed))
    _forget_edit(journal, meeting, saved)
    set_notice(NOTICE, f"Supervision session of {when.day(changed.date)} changed.")
