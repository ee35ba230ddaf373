"""Settings → "I think my passphrase or recovery key was seen": a new data key.

Changing the passphrase only rewraps the key: an old passphrase or recovery key with an
old backup still yields the key that reads later entries. This section re-keys instead
(storage.keyslots.rekey) and says plainly what that does not undo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pages.ui import journal_session
from pages.ui.notice import set_notice, show_notice
from storage import keyslots
from storage.errors import JournalError, WeakPassphrase
from storage.journal import Journal
from storage.keyslots import PASSPHRASE_RULE, passphrase_problem

NOTICE = "rekey_notice"
TITLE = "I think my passphrase or recovery key was seen"
BUTTON = "Give the journal a new key"
CONFIRM = "I understand: older backups still open with the old passphrase and recovery key"
OLD_BACKUPS = (
    "Backups made before now still open with the old passphrase and recovery key: delete "
    "them, or keep them where nobody else can reach them."
)
DONE = (
    "The journal has a new key. Use your new passphrase from the next unlock; the old "
    "passphrase and recovery key open nothing written from now on. " + OLD_BACKUPS
)


def rekey_section(journal: Journal) -> None:
    """The section: what re-keying does, the new passphrase twice, and the button."""
    st.header(TITLE)
    show_notice(NOTICE, section="rekey")
    st.caption(
        "Every entry, earlier versions included, is encrypted again under a new key; you "
        "choose a new passphrase and get a new recovery key, shown once. Changing the "
        "passphrase alone is not enough when someone may have seen it: the key stays the "
        "same. " + OLD_BACKUPS
    )
    # cleared on submit: no passphrase stays in a widget after it was used
    with st.form("rekey_form", clear_on_submit=True):
        current = st.text_input("Current passphrase", type="password", key="rekey_current")
        new = st.text_input("New passphrase", type="password", key="rekey_new")
        confirmation = st.text_input("Confirm new passphrase", type="password", key="rekey_confirm")
        st.caption(PASSPHRASE_RULE)
        understood = st.checkbox(CONFIRM, key="rekey_understood")
        if st.form_submit_button(BUTTON):
            _rekey(journal, current, new, confirmation, understood)


def _rekey(journal: Journal, current: str, new: str, confirmation: str, understood: bool) -> None:
    """Check everything first (nothing changes on an error), then re-key with progress and
    show the new recovery key once, as after creating a journal."""
    if not understood:
        st.error(f"Tick “{CONFIRM}” first. Nothing was changed.")
        return
    try:
        problem = passphrase_problem(new, confirmation)
        if problem:
            raise WeakPassphrase(problem)
        with st.spinner("Checking your current passphrase..."):
            keyslots.check_passphrase(journal.path, current)
        bar = st.progress(0.0, text="Encrypting every entry again...")
        recovery_key = keyslots.rekey(journal, new, progress=_progress_to(bar))
    except JournalError as error:
        st.error(str(error))
        return
    set_notice(NOTICE, DONE, section="rekey")
    # journal_app shows the recovery-key screen while this is set (as after create)
    st.session_state[journal_session.RECOVERY_KEY] = recovery_key
    st.rerun()


def _progress_to(bar: Any) -> Callable[[int, int], None]:
    """A progress callback for keyslots.rekey that moves `bar`."""

    def report(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Encrypted {done} of {total} rows...")

    return report
