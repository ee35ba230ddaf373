"""Supervision → Shared with me: a supervisor's view of bundles from supervisees."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.supervision import shared_entry
from pages.ui import kept_text, widgets
from sharing import exchange, report
from sharing.payload import SharedItem
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import PROCTOR_FUNCTIONS, Comment

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
            report.shared_alliance_chart(series),
            [point.to_json() for point in series],
            f"shared_{supervisee[:5]}",
            "Practitioner's estimate against the client's feedback by session, per client.",
        )
    widgets.commit_text_while_typing()  # comments autosave as they are typed
    for item in entries:
        _entry(journal, supervisee, item)
    _send_back(journal, supervisee, names[supervisee])


def _import(journal: Journal) -> None:
    with st.expander(
        "Import a bundle from a supervisee", expanded=not exchange.shared_with_me(journal)
    ):
        upload = st.file_uploader("Bundle file", type=["rjshare"], key="sv_entries_file")
        passphrase = st.text_input(
            "Bundle passphrase (only if the bundle was locked with one)",
            type="password",
            key="sv_entries_phrase",
        )
        if st.button("Import bundle", disabled=upload is None, key="sv_import_entries"):
            try:
                done = exchange.import_entries(journal, upload.getvalue(), passphrase or None)
            except JournalError as error:
                st.error(str(error))
            else:
                (st.info if done.already else st.success)(done.message)


def _entry(journal: Journal, supervisee: str, item: SharedItem) -> None:
    mine = [c for c in exchange.comments_on(journal, item.id) if not c.received]
    label = shared_entry.title(item) + (
        f" · {len(mine)} comment{'s' if len(mine) != 1 else ''}" if mine else ""
    )
    with st.expander(label):
        shared_entry.show(item)
        st.divider()
        for comment in mine:
            _comment(comment)
        _write_comment(journal, supervisee, item.id)


def _comment_keys(entry_id: str) -> dict[str, Any]:
    """The comment's widgets and what each starts from."""
    return {f"sv_comment_text_{entry_id}": "", f"sv_comment_functions_{entry_id}": []}


def _write_comment(journal: Journal, supervisee: str, entry_id: str) -> None:
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
        args=(journal, supervisee, entry_id),
    )
    if problem := st.session_state.pop(f"{PROBLEM}{entry_id}", None):
        st.error(problem)
    kept_text.autosave(journal, draft, keys)


def _add_comment(journal: Journal, supervisee: str, entry_id: str) -> None:
    """Button callback: save the comment, then forget its draft and empty the fields."""
    text_key, functions_key = keys = _comment_keys(entry_id)
    state = st.session_state
    try:
        exchange.add_comment(journal, supervisee, entry_id, state[text_key], state[functions_key])
    except ValueError as error:  # shown under the fields, which keep what was typed
        state[f"{PROBLEM}{entry_id}"] = str(error)
        return
    state.pop(COMMENTS, None)
    kept_text.forget(journal, f"{DRAFT}{entry_id}", keys)


def _comment(comment: Comment) -> None:
    tags = f" · {', '.join(comment.functions)}" if comment.functions else ""
    st.caption(f"{comment.written_at.astimezone():%d %b %Y}{tags}")
    st.markdown(widgets.plain(comment.text))


def _send_back(journal: Journal, supervisee: str, name: str) -> None:
    st.subheader("Send comments back")
    st.caption(
        f"One bundle with every comment you wrote on {widgets.plain(name)}'s entries, encrypted "
        "to them only. Sending again is safe: they get only what is new or changed."
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
