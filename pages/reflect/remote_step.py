"""Reflect, step 3 at a distance: for a client seen by video or phone, "Send a feedback
form" (one self-contained HTML file to attach to the call's chat or an email) and "Paste
the client's answer". Drawn only once your read is saved and while the session has no
feedback, so the blind order holds."""

from __future__ import annotations

import streamlit as st

from pages.client_feedback.remote_answers import NOTICE, paste_answer
from pages.ui import when, widgets
from pages.ui.notice import show_notice
from practice import remote_feedback
from prompts.library import Library
from prompts.outcomes import measures_for
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Session

# the form made in this browser session, by session id: (request id, expires at, HTML).
# The HTML is built in memory and offered from there: never written to a file here.
MADE = "reflect_remote_made"
SECTION = "reflect_remote"  # the keys of the answer import, and its notice's section
FILE_NAME = "session-feedback-form.html"
# modalities where the client is not in the room: the form is offered open
AT_A_DISTANCE = ("video", "phone")


def remote_feedback_step(journal: Journal, session: Session, library: Library) -> None:
    """Draw the two ways of feedback at a distance for a session whose read is saved."""
    distant = session.modality in AT_A_DISTANCE
    with st.expander("Send a feedback form", expanded=distant, icon=":material/outgoing_mail:"):
        _send_form(journal, session, library)
    with st.expander(
        "Paste the client's answer", expanded=distant, icon=":material/move_to_inbox:"
    ):
        paste_answer(journal, key=SECTION)


def imported_notice() -> None:
    """Say what an answer pasted in Reflect recorded, once, after the run that imported it
    (that run's session now shows its feedback instead of the import)."""
    show_notice(NOTICE, section=SECTION, icon=":material/move_to_inbox:", toast=True)


def _send_form(journal: Journal, session: Session, library: Library) -> None:
    st.caption(
        "For a client seen by video or phone: the journal makes one feedback form as a "
        "file your client opens in any browser, on a phone or a computer, even offline. "
        "It asks the same questions as the device would, and nothing in it names your "
        "client or you. Their answer comes back encrypted, for this journal alone."
    )
    greeting = st.text_input(
        "Greeting (optional)",
        key=f"reflect_remote_greeting_{session.id}",
        max_chars=300,
        placeholder="Thank you for today's session.",
    )
    st.caption(
        "The greeting travels in clear in the file, readable by anyone who sees it: "
        "write no names, no details of the session."
    )
    if st.button("Make the feedback form", key="reflect_remote_make"):
        _make(journal, session, library, greeting)
    made = st.session_state.get(MADE, {}).get(session.id)
    if made is None:
        _sent_before(journal, session)
        return
    _request_id, expires_at, page = made
    st.success(
        f"Feedback form made. It can be answered until {when.moment(expires_at)}.",
        icon=":material/check:",
    )
    st.download_button(
        "Download the feedback form",
        page.encode("utf-8"),
        file_name=FILE_NAME,
        mime="text/html",
        key="reflect_remote_download",
        icon=":material/download:",
        on_click="ignore",
    )
    st.markdown(
        "**How to send it:** attach the file to the video call's chat, or to an email to "
        "your client. They open it, answer, and press **Finish**. Their answer comes back "
        "as a short block of text (or a small answer file) by the same chat or email: "
        "paste it under **Paste the client's answer**, here or on Client feedback."
    )


def _sent_before(journal: Journal, session: Session) -> None:
    """A form for this session still waiting for its answer (made in another browser
    session: its file is not kept, so only its dates are said)."""
    waiting = [
        row
        for row in remote_feedback.requests(journal)
        if row.session_id == session.id and row.status == "open"
    ]
    if waiting:
        st.info(
            f"A form for this session was made {when.moment(waiting[0].created_at)} and can "
            f"be answered until {when.moment(waiting[0].expires_at)}. Paste its answer "
            "below when it comes, or make a new form: the first answer imported is taken.",
            icon=":material/schedule:",
        )


def _make(journal: Journal, session: Session, library: Library, greeting: str) -> None:
    """Create the request and keep its page in this browser session, or say why not."""
    try:
        request, page = remote_feedback.create_request(
            journal, session.id, library, measures_for(journal.settings), greeting=greeting
        )
    except JournalError as error:
        st.error(widgets.plain(str(error)))
        return
    st.session_state.setdefault(MADE, {})[session.id] = (
        request.request_id,
        request.expires_at,
        page,
    )
