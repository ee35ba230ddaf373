"""Client feedback → Remote answers: paste (or upload) a client's answer to a feedback form
sent by video call chat or email, and the forms sent so far, each open one withdrawable.

`paste_answer` is shared with Reflect's step 3, which offers the same import."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from pages.ui import when, widgets
from pages.ui.notice import rerun_with_notice, show_notice
from practice import remote_feedback
from prompts.library import library_for
from prompts.outcomes import measures_for
from storage.errors import JournalError
from storage.journal import Journal

NOTICE = "remote_answers_notice"
SECTION = "cf_remote"  # this tab's keys and notices
WITHDRAWING = "remote_withdrawing"  # the request waiting for "Yes, withdraw"
# how each status reads in the list
STATUS_WORDS: dict[str, str] = {
    "open": "Open: waiting for the answer",
    "answered": "Answered",
    "expired": "Expired without an answer",
    "withdrawn": "Withdrawn",
}
# an answer block is a few kilobytes; its file is refused beyond this before it is read
_MOST_BYTES = 256 * 1024


def remote_answers(journal: Journal) -> None:
    """Draw the tab: the answer import, then every form sent and its status."""
    st.write(
        "A client seen by video or phone answers the feedback form you sent them (made in "
        "Reflect, after your read) and sends back a short block of text. Paste it here, or "
        "choose the answer file they saved."
    )
    show_notice(NOTICE, section=SECTION, icon=":material/check:")
    paste_answer(journal, key=SECTION)
    _requests(journal)


def paste_answer(journal: Journal, key: str) -> None:
    """The answer's text area, its file and "Import answer": the answer is decrypted,
    checked and recorded for its session, or refused with the reason and nothing written.
    After an import the page runs again with NOTICE set for section `key`: the caller
    shows it where it is always drawn (the import itself may no longer be)."""
    text = st.text_area(
        "Paste the client's answer",
        key=f"{key}_text",
        height=140,
        placeholder="-----BEGIN REFLECTIVE JOURNAL ANSWER----- …",
        help="The whole block, from its BEGIN line to its END line, as your client sent it.",
    )
    base = f"{key}_file"
    upload = st.file_uploader(
        "Or choose the answer file",
        key=_uploader_key(base),
        help="The file your client saved with “Save answer file”.",
    )
    if upload is None and (refused := widgets.refusal(base)):
        st.error(refused)
    elif upload is not None:
        widgets.forget_refusal(base)
    if not st.button("Import answer", type="primary", key=f"{key}_import"):
        return
    answer = _answer_text(text, upload, base)
    if answer is None:
        return
    measures = measures_for(journal.settings)
    try:
        imported = remote_feedback.import_answer(
            journal, answer, library_for(journal.settings), measures
        )
    except JournalError as error:  # the answer's own words say why and that nothing was kept
        if upload is not None:
            widgets.drop_upload(upload, base, str(error))
        st.error(widgets.plain(str(error)))
        return
    # the pasted block and the file are done with: the next answer starts from empty boxes
    st.session_state.pop(f"{key}_text", None)
    if upload is not None:
        _forget_upload(upload, base)
    rerun_with_notice(NOTICE, _imported_words(imported, measures), section=key)


def _answer_text(text: str, upload: UploadedFile | None, base: str) -> str | None:
    """The answer to import, from the box or the file (not both); None after saying why."""
    if upload is not None and text.strip():
        st.error(
            "Both a pasted answer and an answer file are given: clear one of them, then "
            "import again. Nothing was imported."
        )
        return None
    if upload is None:
        if not text.strip():
            st.error("Paste your client's answer, or choose its file, first.")
            return None
        return text
    data = upload.getvalue()
    try:
        if len(data) > _MOST_BYTES:
            raise UnicodeError
        return data.decode("utf-8-sig")
    except UnicodeError:
        widgets.drop_upload(
            upload,
            base,
            "this is not an answer file (it is not a short text). Nothing was imported.",
        )
    return None


def _uploader_key(base: str) -> str:
    """The answer file's uploader: a fresh one after each refusal and each import."""
    return f"{widgets.uploader_key(base)}_{st.session_state.get(f'{base}__imported', 0)}"


def _forget_upload(upload: UploadedFile, base: str) -> None:
    """Take an imported answer file out of the server's memory and empty the uploader."""
    context = get_script_run_ctx()
    if context is not None:
        context.uploaded_file_mgr.remove_file(context.session_id, upload.file_id)
    st.session_state[f"{base}__imported"] = st.session_state.get(f"{base}__imported", 0) + 1


def _imported_words(imported: remote_feedback.Imported, measures: Mapping) -> str:
    """What was recorded, in one line (a client code is shown as typed)."""
    where = widgets.plain(f"{imported.client_code}, session {imported.session_number}")
    saved = "your client's feedback"
    if imported.outcome is not None:
        measure = measures.get(imported.outcome.measure)
        saved += f" and their {measure.name if measure else 'outcome'} score"
    return f"Answer imported: {saved} for {where}, from a feedback form."


def _requests(journal: Journal) -> None:
    """Every form sent, newest first, with its status in words; an open one can be
    withdrawn (after a yes), so an answer to it is refused from then on."""
    st.header("Forms sent")
    rows = remote_feedback.requests(journal)
    if not rows:
        st.info("No feedback form sent yet: make one in Reflect, after saving your read.")
        return
    st.dataframe(
        [
            {
                "Client": row.client_code,
                "Session": row.session_number,
                "Sent": when.moment(row.created_at),
                "Open until": when.moment(row.expires_at),
                "Status": STATUS_WORDS.get(row.status, row.status),
            }
            for row in rows
        ],
        hide_index=True,
    )
    open_rows = {row.record_id: row for row in rows if row.status == "open"}
    if not open_rows:
        return
    picked = st.selectbox(
        "Open form",
        list(open_rows),
        format_func=lambda i: _label(open_rows[i]),
        key="cf_remote_pick",
    )
    if st.button("Withdraw", key="cf_remote_withdraw"):
        st.session_state[WITHDRAWING] = picked
    withdrawing = open_rows.get(st.session_state.get(WITHDRAWING))
    if withdrawing is None:
        return
    question = (
        f"Withdraw the form sent for {widgets.plain(_label(withdrawing))}? An answer to it "
        "will be refused from then on. You can send a new form for that session."
    )
    if widgets.confirm(WITHDRAWING, question, "Yes, withdraw", "cf_remote"):
        try:
            remote_feedback.withdraw(journal, withdrawing.record_id)
        except JournalError as error:
            st.error(widgets.plain(str(error)))
            return
        done = f"Form for {widgets.plain(_label(withdrawing))} withdrawn."
        rerun_with_notice(NOTICE, done, section=SECTION)


def _label(row: remote_feedback.RequestRow) -> str:
    return f"{row.client_code}, session {row.session_number}, sent {when.moment(row.created_at)}"
