"""Supervision → Comments: a supervisor's comments, next to the entries they are about."""

from __future__ import annotations

import streamlit as st

from pages.ui import widgets
from sharing import exchange, share
from storage.errors import JournalError, RecordNotFound
from storage.journal import Journal
from storage.records import Comment, Reflection


def show(journal: Journal) -> None:
    """Draw the section: import a comments bundle, then comments by entry."""
    _import(journal)
    grouped = exchange.received_comments(journal)
    if not grouped:
        st.info(
            "No comments yet. When your supervisor sends a comments bundle back, import "
            "it here: each comment appears next to the entry it is about."
        )
        return
    described = {c.id: c for c in share.candidates(journal, share.ShareFilter(flagged_only=False))}
    newest = sorted(grouped, key=lambda entry: grouped[entry][-1].written_at, reverse=True)
    for entry_id in newest:
        _entry(journal, described.get(entry_id), entry_id, grouped[entry_id])


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
    journal: Journal, candidate: share.Candidate | None, entry_id: str, comments: list[Comment]
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
        for comment in comments:
            tags = f" · {', '.join(comment.functions)}" if comment.functions else ""
            st.caption(
                widgets.plain(
                    f"{comment.author} · {comment.written_at.astimezone():%d %b %Y}{tags}"
                )
            )
            st.markdown(widgets.plain(comment.text))
