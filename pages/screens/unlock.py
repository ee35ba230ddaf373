"""Locked screen: unlock a journal, use the recovery key, create one, or try the demo."""

from __future__ import annotations

import streamlit as st

from pages.ui import journal_session
from practice import demo
from storage import keyslots, paths
from storage.errors import JournalError, WeakPassphrase
from storage.journal import Journal
from storage.keyslots import PASSPHRASE_RULE, passphrase_problem

if st.session_state.get(journal_session.HANDED_BACK):
    # the client may still hold the device: no journal names, folder, or ways in
    st.title("Thank you")
    st.write(st.session_state.get(journal_session.NOTICE, ""))
    if st.button("I am the practitioner: show the unlock screen", key="hand_back_done"):
        del st.session_state[journal_session.HANDED_BACK]
        st.session_state.pop(journal_session.NOTICE, None)
        st.rerun()
    st.stop()

st.title("Reflective Practice Journal")
st.caption("Private, encrypted notes after each session. Nothing leaves this computer.")

notice = st.session_state.get(journal_session.NOTICE)
if notice:
    st.info(notice, icon=":material/lock:")

folder = paths.data_dir()
journals = paths.list_journals(folder)


def _open(action, *args) -> None:
    """Run an unlock or create action; show its error in plain words, or start the session."""
    try:
        opened = action(*args)
    except JournalError as error:
        st.error(str(error))
        return
    journal_session.start_session(opened)
    st.rerun()


def _create(name: str, passphrase: str, confirmation: str) -> Journal:
    problem = passphrase_problem(passphrase, confirmation)
    if problem:
        raise WeakPassphrase(problem)
    opened, recovery_key = keyslots.create(paths.journal_path(name, folder), passphrase)
    st.session_state[journal_session.RECOVERY_KEY] = recovery_key
    return opened


def _create_demo() -> Journal:
    name = demo.free_demo_name(folder)
    passphrase = demo.memorable_passphrase()
    opened, recovery_key = demo.build_demo(
        paths.journal_path(name, folder), passphrase, sessions=demo.APP_DEMO_SESSIONS
    )
    st.session_state[journal_session.RECOVERY_KEY] = recovery_key
    st.session_state[journal_session.DEMO_PASSPHRASE] = passphrase
    return opened


def _unlock_form() -> None:
    last = st.session_state.get(journal_session.LAST_JOURNAL)
    index = journals.index(last) if last in journals else 0
    name = st.selectbox("Journal", journals, index=index, key="unlock_journal")
    with st.form("unlock_form"):
        passphrase = st.text_input("Passphrase", type="password", key="unlock_passphrase")
        if st.form_submit_button("Unlock", type="primary"):
            _open(keyslots.unlock, paths.journal_path(name, folder), passphrase)
    if st.toggle("Use recovery key", key="use_recovery_key"):
        st.caption(
            "Lost your passphrase? The recovery key opens the journal; "
            "then you set a new passphrase."
        )
        with st.form("recovery_form"):
            key_text = st.text_input("Recovery key", type="password", key="recovery_key_input")
            if st.form_submit_button("Unlock with recovery key"):
                _open(keyslots.unlock_with_recovery_key, paths.journal_path(name, folder), key_text)


def _create_form() -> None:
    default_name = paths.DEFAULT_NAME if paths.DEFAULT_NAME not in journals else ""
    with st.form("create_form"):
        name = st.text_input("Journal name", value=default_name, key="create_name")
        passphrase = st.text_input("Passphrase", type="password", key="create_passphrase")
        confirmation = st.text_input("Confirm passphrase", type="password", key="create_confirm")
        st.caption(PASSPHRASE_RULE)
        st.caption(
            "There is no way to reset a forgotten passphrase: you will get a recovery key "
            "to store somewhere safe. Without both, the journal cannot be opened by anyone."
        )
        if st.form_submit_button("Create journal", type="primary"):
            _open(_create, name, passphrase, confirmation)


def _demo_button() -> None:
    st.caption(
        "A separate journal filled with invented clients and sessions, to look around. "
        "Its passphrase is shown on screen."
    )
    if st.button("Try with demo data", key="try_demo"):
        with st.spinner("Writing an invented caseload..."):
            _open(_create_demo)


if journals:
    _unlock_form()
    with st.expander("Create another journal"):
        _create_form()
    with st.expander("Try with demo data"):
        _demo_button()
else:
    st.header("Create journal")
    _create_form()
    st.divider()
    _demo_button()
st.caption(f"Journals are kept in {folder}")
