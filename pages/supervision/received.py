"""Supervision → Shared with me: a supervisor's view of bundles from supervisees, with
the comment threads on each entry (the supervisee's replies come in comments bundles)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from insights.chart_data.alliance import SUPERVISEE_ESTIMATE
from pages.supervision import shared_entry, threads
from pages.ui import kept_text, widgets
from sharing import comments, exchange, report
from sharing.payload import SharedCourse, SharedItem
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import PROCTOR_FUNCTIONS

COMMENTS = "sv_comments_bundle"
DRAFT = "sv_comment_"  # + the entry's id: the draft of a comment being written
PROBLEM = "sv_comment_problem_"


def show(journal: Journal) -> None:
    """Draw the section: import, then each supervisee's entries with comments."""
    _import(journal)
    groups = exchange.shared_with_me(journal)
    if not groups:
        st.info(
            "Nothing shared with you yet. When a supervisee sends you a bundle, pin their "
            "key card (Supervision → Keys), then import the bundle here."
        )
        return
    names = {fp: bundles[0].sender_name for fp, bundles in groups.items()}
    supervisee = st.selectbox(
        "Supervisee",
        list(groups),
        format_func=lambda fp: f"{names[fp]} ({fp})",
        key="sv_supervisee",
    )
    bundles = groups[supervisee]
    entries = exchange.latest_entries(bundles)
    st.caption(
        f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} in {len(bundles)} "
        f"bundle{'' if len(bundles) == 1 else 's'}. Shared entries are read-only."
    )
    series = exchange.latest_series(bundles)
    if series:
        widgets.chart(
            report.shared_alliance_chart(series, SUPERVISEE_ESTIMATE),
            report.series_table(series, SUPERVISEE_ESTIMATE),
            f"shared_{supervisee[:5]}",
            "Your supervisee's estimate against the client's feedback by session, per client.",
        )
    courses = exchange.latest_outcomes(bundles)
    if courses:
        _outcomes(courses, f"outcomes_{supervisee[:5]}")
    widgets.commit_text_while_typing()  # comments autosave as they are typed
    for item in entries:
        _entry(journal, supervisee, names[supervisee], item)
    _send_back(journal, supervisee, names[supervisee])


def _outcomes(courses: tuple[SharedCourse, ...], name: str) -> None:
    """Each client's outcome course: the chart, then each course in words and a small table."""
    st.subheader(report.OUTCOMES_TITLE)
    st.caption(report.OUTCOMES_NOTE)
    widgets.chart(
        report.shared_outcome_chart(courses),
        report.outcomes_table(courses),
        name,
        report.OUTCOME_CHART_ALT,
    )
    st.caption(report.OUTCOME_CHART_KEY)
    for course in courses:
        st.markdown(f"**{widgets.plain(report.course_label(course))}**")
        if course.not_on_track:
            st.warning(
                f"Not on track: {widgets.plain(course.not_on_track)}", icon=":material/flag:"
            )
        facts = report.course_facts(course, supervisee=True)
        st.markdown(
            "  \n".join(
                f"{widgets.plain(key)}: {widgets.plain(value)}"
                for key, value in facts
                if not (course.not_on_track and key == "Not on track")  # the warning says it
            )
        )
        st.dataframe(report.course_table(course), hide_index=True)


def _import(journal: Journal) -> None:
    with st.expander(
        "Import a bundle from a supervisee", expanded=not exchange.shared_with_me(journal)
    ):
        st.caption("A bundle of shared entries, or of their replies to your comments.")
        upload = st.file_uploader("Bundle file", type=["rjshare"], key="sv_entries_file")
        passphrase = st.text_input(
            "Bundle passphrase (only if the bundle was locked with one)",
            type="password",
            key="sv_entries_phrase",
        )
        if st.button("Import bundle", disabled=upload is None, key="sv_import_entries"):
            try:
                done = exchange.import_any(journal, upload.getvalue(), passphrase or None)
            except JournalError as error:
                st.error(str(error))
            else:
                (st.info if done.already else st.success)(done.message)


def _entry(journal: Journal, supervisee: str, name: str, item: SharedItem) -> None:
    found = comments.threads(journal, item.id, supervisee)
    count = sum(thread.open + len(thread.replies) for thread in found)
    label = shared_entry.title(item) + (
        f" · {count} comment{'s' if count != 1 else ''}" if count else ""
    )
    # keyed: the expander stays open when its label changes (a comment added)
    with st.expander(label, key=f"sv_entry_{item.id}"):
        shared_entry.show(item)
        st.divider()
        for thread in found:
            threads.show(journal, thread, name)
        _write_comment(journal, supervisee, name, item.id)
        threads.show_notices(item.id)


def _comment_keys(entry_id: str) -> dict[str, Any]:
    """The comment's widgets and what each starts from."""
    return {f"sv_comment_text_{entry_id}": "", f"sv_comment_functions_{entry_id}": []}


def _write_comment(journal: Journal, supervisee: str, name: str, entry_id: str) -> None:
    # plain widgets, not a form: what is typed reaches the server and is kept as a draft
    draft, keys = f"{DRAFT}{entry_id}", _comment_keys(entry_id)
    text_key, functions_key = keys
    kept_text.restore(journal, draft, keys)
    st.text_area("Your comment", key=text_key, persist_state=kept_text.KEEP)
    st.multiselect(
        "Proctor function",
        list(PROCTOR_FUNCTIONS),
        key=functions_key,
        persist_state=kept_text.KEEP,
        help="Normative: standards and ethics. Formative: skills and understanding. "
        "Restorative: support for the practitioner.",
    )
    st.button(
        "Add comment",
        key=f"sv_add_comment_{entry_id}",
        on_click=_add_comment,
        args=(journal, supervisee, name, entry_id),
    )
    if problem := st.session_state.pop(f"{PROBLEM}{entry_id}", None):
        st.error(problem)
    kept_text.autosave(journal, draft, keys)


def _add_comment(journal: Journal, supervisee: str, name: str, entry_id: str) -> None:
    """Button callback: save the comment, then forget its draft, empty the fields and say
    it was added."""
    text_key, functions_key = keys = _comment_keys(entry_id)
    state = st.session_state
    try:
        exchange.add_comment(journal, supervisee, entry_id, state[text_key], state[functions_key])
    except ValueError as error:  # shown under the fields, which keep what was typed
        state[f"{PROBLEM}{entry_id}"] = str(error)
        return
    state.pop(COMMENTS, None)
    kept_text.forget(journal, f"{DRAFT}{entry_id}", keys)
    threads.confirm_done(
        entry_id,
        f"Comment added. It goes to {name} with your next comments bundle "
        "(Make comments bundle, below).",
    )


def _send_back(journal: Journal, supervisee: str, name: str) -> None:
    st.header("Send comments back")
    st.caption(
        f"One bundle with every comment and reply you wrote on {widgets.plain(name)}'s entries "
        "(edits and deletions too), encrypted to them only. Sending again is safe: they get "
        "only what is new or changed. Their replies come back in a comments bundle: import it "
        "above."
    )
    if st.button("Make comments bundle", key="sv_make_comments"):
        try:
            data = exchange.export_comments(journal, supervisee)
        except JournalError as error:
            st.error(str(error))
        else:
            st.session_state[COMMENTS] = (supervisee, data)
    made = st.session_state.get(COMMENTS)
    if made and made[0] == supervisee:
        st.download_button(
            "Download comments bundle",
            made[1],
            "supervision-comments.rjshare",
            "application/octet-stream",
            key="sv_download_comments",
            on_click="ignore",
        )
