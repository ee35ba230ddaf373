"""Supervision → Shared with me: a supervisor's view of bundles from supervisees."""

from __future__ import annotations

import streamlit as st

from pages.supervision import shared_entry
from pages.ui import widgets
from sharing import exchange, report
from sharing.payload import SharedItem
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import PROCTOR_FUNCTIONS, Comment

COMMENTS = "sv_comments_bundle"


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
        with st.form(f"sv_comment_{item.id}", clear_on_submit=True):
            text = st.text_area("Your comment", key=f"sv_comment_text_{item.id}")
            functions = st.multiselect(
                "Proctor function",
                list(PROCTOR_FUNCTIONS),
                key=f"sv_comment_functions_{item.id}",
                help="Normative: standards and ethics. Formative: skills and understanding. "
                "Restorative: support for the practitioner.",
            )
            if st.form_submit_button("Add comment"):
                try:
                    exchange.add_comment(journal, supervisee, item.id, text, functions)
                except ValueError as error:
                    st.error(str(error))
                else:
                    st.session_state.pop(COMMENTS, None)
                    st.rerun()


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
