"""Supervision → Comments: a supervisor's comments, next to the entries they are about,
with the replies in each thread and a bundle to send the replies back."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from pages.supervision import threads
from pages.ui import widgets
from sharing import comments, exchange, share
from sharing.keys import contacts
from storage.errors import JournalError, RecordNotFound
from storage.journal import Journal
from storage.records import Comment, Reflection

REPLIES = "sv_replies_bundle"  # (contact's fingerprint, bundle bytes) on offer


def show(journal: Journal) -> None:
    """Draw the section: import a comments bundle, the threads by entry, send replies."""
    _import(journal)
    grouped = comments.threads_by_entry(journal, own=True)
    if not grouped:
        st.info(
            "No comments yet. When your supervisor sends a comments bundle back, import "
            "it here: each comment appears next to the entry it is about, and you can reply."
        )
    if comments.threads_by_entry(journal, own=False):
        st.caption("Replies from your supervisees are under Shared with me, next to their entries.")
    described = {c.id: c for c in share.candidates(journal, share.ShareFilter(flagged_only=False))}
    newest = sorted(grouped, key=lambda entry: _last_written(grouped[entry]), reverse=True)
    widgets.commit_text_while_typing()  # replies autosave as they are typed
    for entry_id in newest:
        _entry(journal, described.get(entry_id), entry_id, grouped[entry_id])
    _send_replies(journal)


def _last_written(found: list[comments.Thread]) -> datetime:
    return max(c.written_at for t in found for c in (t.root, *t.replies))


def _import(journal: Journal) -> None:
    upload = st.file_uploader("Comments bundle", type=["rjshare"], key="sv_comments_file")
    if st.button("Import comments", disabled=upload is None, key="sv_import_comments"):
        try:
            done = exchange.import_comments(journal, upload.getvalue())
        except JournalError as error:
            st.error(str(error))
        else:
            (st.info if done.already else st.success)(done.message)


def _entry(
    journal: Journal,
    candidate: share.Candidate | None,
    entry_id: str,
    found: list[comments.Thread],
) -> None:
    with st.container(border=True):
        if candidate is None:
            try:
                reflection = journal.get(entry_id)
                label = "Entry in the trash"
            except RecordNotFound:
                reflection, label = None, "Entry no longer in the journal"
        else:
            reflection, label = candidate.reflection, share.describe(candidate)
        st.markdown(f"**{widgets.plain(label)}**")
        if isinstance(reflection, Reflection):
            with st.expander("Your entry"):
                for answer in reflection.answers:
                    st.markdown(f"**{widgets.plain(answer.prompt_text)}**")
                    st.markdown(widgets.plain(answer.answer))
                if reflection.free_text:
                    st.markdown(widgets.plain(reflection.free_text))
                if reflection.next_step:
                    st.markdown(f"**Next step:** {widgets.plain(reflection.next_step)}")
        for thread in found:
            threads.show(journal, thread, _author(thread.root))
        threads.show_notices(entry_id)


def _author(comment: Comment) -> str:
    return comment.author or "your supervisor"


def _send_replies(journal: Journal) -> None:
    """A comments bundle of the replies written here, to one supervisor."""
    written = comments.reply_contacts(journal)
    names = {c.fingerprint: c.name for c in contacts(journal) if c.fingerprint in written}
    if not names:
        return
    st.header("Send your replies back")
    st.caption(
        "One bundle with every reply you wrote to this supervisor (edits and deletions too), "
        "encrypted to them only. Sending again is safe: they get only what is new or changed."
    )
    to = st.selectbox("Send to", list(names), format_func=names.get, key="sv_replies_to")
    if st.button("Make replies bundle", key="sv_make_replies"):
        try:
            data = exchange.export_comments(journal, to)
        except JournalError as error:
            st.error(str(error))
        else:
            st.session_state[REPLIES] = (to, data)
    made = st.session_state.get(REPLIES)
    if made and made[0] == to:
        st.download_button(
            "Download replies bundle",
            made[1],
            "supervision-replies.rjshare",
            "application/octet-stream",
            key="sv_download_replies",
            on_click="ignore",
        )
