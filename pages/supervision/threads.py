"""A comment thread on a shared entry, as both the supervisor and the supervisee see it:
each comment with who wrote it, Edit and Delete on one's own, and a reply box.

Every change is saved at once and goes to the other party with the next comments
bundle; what is typed in a reply or an edit is kept as an encrypted draft until saved.
"""

from __future__ import annotations

import streamlit as st

from pages.ui import kept_text, when, widgets
from pages.ui.notice import set_notice, show_notice
from sharing import comments
from sharing.comments import Thread
from storage.journal import Journal
from storage.records import Comment

NOTICE = "sv_thread_notice_"  # + the entry's id: what was just done in its threads
PROBLEM = "sv_thread_problem_"  # + the entry's id
EDITING = "sv_editing_"  # + the comment's id: its edit box is open
DELETING = "sv_deleting"  # the id of the comment whose deletion waits for a yes
DELETED_ROOT = "Comment deleted by its author."
# comments bundles made before a change no longer carry everything: offered no more
STALE_BUNDLES = ("sv_comments_bundle", "sv_replies_bundle")


def show(journal: Journal, thread: Thread, other: str) -> None:
    """Draw one thread; `other` names the other party in what the screen says."""
    with st.container(border=True, key=f"sv_thread_{thread.key}"):
        if thread.open:
            _comment(journal, thread, thread.root, other)
        else:
            st.caption(DELETED_ROOT)
        for reply in thread.replies:
            _comment(journal, thread, reply, other)
        if thread.open:
            _reply_box(journal, thread, other)


def confirm_done(entry_id: str, text: str) -> None:
    """Say, on the next run, under the entry's threads, that something was done (a bundle
    made before it is withdrawn)."""
    for key in STALE_BUNDLES:
        st.session_state.pop(key, None)
    set_notice(f"{NOTICE}{entry_id}", text)


def refuse(entry_id: str, text: str) -> None:
    """Say, on the next run, under the entry's threads, why nothing was done."""
    st.session_state[f"{PROBLEM}{entry_id}"] = text


def show_notices(entry_id: str) -> None:
    """What was just done in the entry's threads (a confirmation or a problem), once."""
    show_notice(f"{NOTICE}{entry_id}", icon=":material/check_circle:")
    if problem := st.session_state.pop(f"{PROBLEM}{entry_id}", None):
        st.error(problem)


def byline(comment: Comment) -> str:
    """Who wrote it, when, its Proctor functions, and whether it was edited."""
    who = "You" if comments.is_mine(comment) else (comment.author or "Your contact")
    parts = [who, when.moment(comment.written_at)]
    if comment.functions:
        parts.append(", ".join(comment.functions))
    if comment.edited_at is not None:
        parts.append(f"edited {when.moment(comment.edited_at)}")
    return " · ".join(parts)


def _comment(journal: Journal, thread: Thread, comment: Comment, other: str) -> None:
    st.caption(widgets.plain(byline(comment)))
    if not comments.is_mine(comment):
        st.markdown(widgets.plain(comment.text))
        return
    draft = f"sv_edit_{comment.id}"
    if st.session_state.get(f"{EDITING}{comment.id}") or journal.draft(draft) is not None:
        _edit_box(journal, thread, comment, draft)
        return
    st.markdown(widgets.plain(comment.text))
    edit, delete, _ = st.columns([1, 1, 6])
    edit.button(
        "Edit",
        key=f"sv_edit_button_{comment.id}",
        type="tertiary",
        icon=":material/edit:",
        on_click=_start_editing,
        args=(comment.id,),
    )
    if delete.button(
        "Delete", key=f"sv_delete_button_{comment.id}", type="tertiary", icon=":material/delete:"
    ):
        st.session_state[DELETING] = comment.id
    if st.session_state.get(DELETING) == comment.id:
        question = (
            "Delete this comment? It goes from your journal now, and from "
            f"{widgets.plain(other)}'s with your next comments bundle. Replies to it stay."
        )
        if widgets.confirm(DELETING, question, "Delete comment", f"sv_delete_{comment.id}"):
            _delete(journal, thread, comment)


def _start_editing(comment_id: str) -> None:
    st.session_state[f"{EDITING}{comment_id}"] = True


def _edit_box(journal: Journal, thread: Thread, comment: Comment, draft: str) -> None:
    key = f"sv_edit_text_{comment.id}"
    saved = {key: comment.text}
    kept_text.restore(journal, draft, saved)
    st.text_area("Change the comment", key=key, persist_state=kept_text.KEEP)
    save, cancel, _ = st.columns([2, 1, 5])
    save.button(
        "Save comment",
        key=f"sv_save_edit_{comment.id}",
        type="primary",
        on_click=_save_edit,
        args=(journal, thread, comment, draft),
    )
    cancel.button(
        "Cancel",
        key=f"sv_cancel_edit_{comment.id}",
        on_click=_stop_editing,
        args=(journal, comment, draft),
    )
    kept_text.autosave_edit(journal, draft, saved)


def _stop_editing(journal: Journal, comment: Comment, draft: str) -> None:
    st.session_state.pop(f"{EDITING}{comment.id}", None)
    kept_text.forget(journal, draft, [f"sv_edit_text_{comment.id}"])


def _save_edit(journal: Journal, thread: Thread, comment: Comment, draft: str) -> None:
    """Button callback: save the changed text as the comment's next revision."""
    try:
        comments.edit_comment(journal, comment.id, st.session_state[f"sv_edit_text_{comment.id}"])
    except ValueError as error:  # shown in the thread; the box keeps what was typed
        refuse(comment.entry_id, str(error))
        return
    _stop_editing(journal, comment, draft)
    confirm_done(comment.entry_id, "Comment changed. The change goes with your next bundle.")


def _delete(journal: Journal, thread: Thread, comment: Comment) -> None:
    try:
        comments.delete_comment(journal, comment.id)
    except ValueError as error:
        refuse(comment.entry_id, str(error))
    else:
        confirm_done(comment.entry_id, "Comment deleted. The deletion goes with your next bundle.")
    st.rerun()


def _reply_box(journal: Journal, thread: Thread, other: str) -> None:
    # plain widgets, not a form: what is typed reaches the server and is kept as a draft
    draft, key = f"sv_reply_{thread.key}", f"sv_reply_text_{thread.key}"
    kept_text.restore(journal, draft, {key: ""})
    st.text_area("Your reply", key=key, persist_state=kept_text.KEEP)
    st.button(
        "Reply",
        key=f"sv_reply_button_{thread.key}",
        on_click=_reply,
        args=(journal, thread, other),
    )
    kept_text.autosave(journal, draft, {key: ""})


def _reply(journal: Journal, thread: Thread, other: str) -> None:
    """Button callback: save the reply, then forget its draft and empty the box."""
    key = f"sv_reply_text_{thread.key}"
    try:
        comments.add_reply(journal, thread, st.session_state[key])
    except ValueError as error:
        refuse(thread.root.entry_id, str(error))
        return
    kept_text.forget(journal, f"sv_reply_{thread.key}", [key])
    confirm_done(
        thread.root.entry_id, f"Reply added. It goes to {other} with your next comments bundle."
    )
