"""Settings → passphrase and recovery key, backups and restore, verify journal."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import streamlit as st

from pages.ui import journal_session, when, widgets
from pages.ui.notice import rerun_with_notice, show_notice
from practice import journal_checks
from storage import backups, keyslots
from storage.errors import JournalError, WeakPassphrase
from storage.journal import Journal
from storage.keyslots import PASSPHRASE_RULE, passphrase_problem

NOTICE = "safety_notice"  # shown under the section that set it, after a rerun
CONFIRM_RECOVERY = "I understand the old recovery key stops working"
CONFIRM_RESTORE = "Replace my journal with this backup"


def show(journal: Journal) -> None:
    """Draw the three sections: keys, backups (with restore), verify."""
    _keys(journal)
    _backups(journal)
    _verify(journal)


def _done(section: str, message: str, ok: bool = True) -> None:
    rerun_with_notice(NOTICE, message, ok=ok, section=section)


def _when(moment: datetime) -> str:
    return when.moment(moment)


# ---- passphrase and recovery key ------------------------------------------------------------


def _keys(journal: Journal) -> None:
    st.header("Passphrase and recovery key")
    show_notice(NOTICE, section="keys")
    # cleared on submit: no passphrase stays in a widget after it was used
    with st.form("change_passphrase_form", clear_on_submit=True):
        current = st.text_input("Current passphrase", type="password", key="change_current")
        new = st.text_input("New passphrase", type="password", key="change_new")
        confirmation = st.text_input(
            "Confirm new passphrase", type="password", key="change_confirm"
        )
        st.caption(PASSPHRASE_RULE)
        if st.form_submit_button("Change passphrase"):
            _change_passphrase(journal, current, new, confirmation)

    st.caption(
        "A new recovery key replaces the old one at once: the old key no longer opens this "
        "journal (backups made before now still open with it). It is shown once."
    )
    with st.form("new_recovery_key_form"):
        understood = st.checkbox(CONFIRM_RECOVERY, key="new_recovery_confirm")
        if st.form_submit_button("Show a new recovery key"):
            if not understood:
                st.error(f"Tick “{CONFIRM_RECOVERY}” first. Nothing was changed.")
            else:
                # journal_app shows the recovery-key screen while this is set (as after create)
                st.session_state[journal_session.RECOVERY_KEY] = keyslots.new_recovery_key(journal)
                st.rerun()


def _change_passphrase(journal: Journal, current: str, new: str, confirmation: str) -> None:
    """Check the new passphrase, then the current one, then rewrap; errors change nothing."""
    try:
        problem = passphrase_problem(new, confirmation)
        if problem:
            raise WeakPassphrase(problem)
        with st.spinner("Checking your current passphrase..."):
            keyslots.unlock(journal.path, current).lock()
        with st.spinner("Protecting the key..."):
            keyslots.change_passphrase(journal, new)
    except JournalError as error:
        st.error(str(error))
        return
    _done(
        "keys",
        "Passphrase changed: use the new one from the next unlock. Your recovery key still "
        "works. Backups made before now still open with the old passphrase.",
    )


# ---- backups and restore ----------------------------------------------------------------------


def _backups(journal: Journal) -> None:
    st.header("Backups")
    show_notice(NOTICE, section="backups")
    settings = journal.settings
    folder = backups.folder_for(settings)
    st.caption(
        "A backup is an encrypted copy of the whole journal. It opens with the passphrase "
        "and recovery key the journal had when the backup was made. Keep one on a drive "
        "that is not this computer."
    )
    with st.form("backup_settings_form"):
        typed = st.text_input(
            "Backup folder",
            value=settings.backup_folder,
            placeholder=str(backups.default_folder()),
            key="backup_folder",
        )
        st.caption(f"Leave empty for the default folder: {backups.default_folder()}")
        keep = st.number_input(
            "Keep the last N backups",
            min_value=1,
            max_value=backups.MAX_KEEP,
            value=min(max(settings.backup_keep, 1), backups.MAX_KEEP),
            step=1,
            key="backup_keep",
        )
        if st.form_submit_button("Save backup settings"):
            problem = journal_checks.backup_folder_problem(typed)
            if problem:
                st.error(problem)
            else:
                changed = dataclasses.replace(
                    settings, backup_folder=typed.strip(), backup_keep=int(keep)
                )
                journal.save_settings(changed)
                _done("backups", "Backup settings saved.")

    st.markdown(f"Backups go to {widgets.plain(str(folder))}")
    if st.button("Back up now", type="primary", key="back_up_now"):
        try:
            with st.spinner("Backing up and checking the backup..."):
                made = backups.back_up(journal)
        except JournalError as error:
            st.error(str(error))
        else:
            _done("backups", f"Backed up to {made.name}. It was checked and opens.")

    found = backups.backups(folder, journal.name)
    if found:
        rows = [
            {
                "Made at": _when(b.made_at),
                "Size": journal_checks.size_in_words(b.size),
                "File": b.name,
            }
            for b in found
        ]
        st.dataframe(rows, hide_index=True)
    else:
        st.caption("No backups of this journal in that folder yet.")
    _restore_form(journal, found)


def _restore_form(journal: Journal, found: list[backups.BackupFile]) -> None:
    st.markdown("**Restore from backup**")
    st.caption(
        "Replaces this journal with a backup, after checking that the backup opens with "
        "this journal's key and is whole. Entries written since the backup are not in it; "
        "the current file is kept beside the journal, not deleted."
    )
    labels = {
        str(b.path): f"{_when(b.made_at)} ({journal_checks.size_in_words(b.size)})" for b in found
    }
    with st.form("restore_form"):
        choice = st.selectbox(
            "Backup to restore",
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder="Choose a backup",
            key="restore_choice",
        )
        typed = st.text_input("Or the full path of a backup file", key="restore_path")
        confirmed = st.checkbox(CONFIRM_RESTORE, key="restore_confirm")
        if st.form_submit_button("Restore from backup"):
            if confirmed:
                _restore(journal, choice, typed)
            else:
                st.error(f"Tick “{CONFIRM_RESTORE}” to go ahead. Nothing was changed.")


def _restore(journal: Journal, choice: str | None, typed: str) -> None:
    """Restore, then start this session afresh on the restored journal."""
    try:
        source = backups.source_from(choice, typed)
        changed = backups.slots_changed(journal, source)
        with st.spinner("Checking the backup, then restoring it..."):
            restored = backups.restore(journal, source)
    except backups.RestoreFailed as error:
        _after_failed_restore(error)
        return
    except JournalError as error:
        st.error(str(error))
        return
    kept = backups.kept_aside(restored.path)
    # like a fresh unlock: no view or widget of the replaced journal survives
    journal_session.lock()
    journal_session.start_session(restored)
    _done("backups", _restored_message(source, kept[0] if kept else None, changed))


def _after_failed_restore(error: backups.RestoreFailed) -> None:
    """The journal passed in is locked by now: carry on with the one put back, if open."""
    if error.journal is None:
        journal_session.lock(str(error))
        st.rerun()
    journal_session.lock()
    journal_session.start_session(error.journal)
    _done("backups", str(error), ok=False)


def _restored_message(source: Path, kept: Path | None, changed: list[str]) -> str:
    lines = [f"Restored the backup {source.name}."]
    if kept is not None:
        lines.append(f"Your previous journal file was kept as {kept}.")
    if "passphrase" in changed:
        lines.append(
            "The passphrase changed since this backup was made: from now on the journal "
            "opens with the passphrase it had then, not your newer one."
        )
    if "recovery" in changed:
        lines.append("The recovery key is also the one the journal had then.")
    return " ".join(lines)


# ---- verify ---------------------------------------------------------------------------------


def _verify(journal: Journal) -> None:
    st.header("Verify journal")
    st.caption(
        "Reads every stored row, every revision included: each must decrypt, and none may "
        "have been added, removed or rolled back outside the app. Changes nothing."
    )
    if not st.button("Verify journal", key="verify_journal"):
        return
    with st.spinner("Checking every stored row..."):
        result = journal.verify()
    verdict, *details = journal_checks.verification_summary(result)
    (st.success if result.ok else st.error)(verdict)
    st.markdown("\n".join(f"- {widgets.plain(line)}" for line in details))
    if result.quarantined:
        rows = [
            {"id": q.id, "revision": q.revision, "kind": q.kind, "reason": q.reason}
            for q in result.quarantined
        ]
        st.dataframe(rows, hide_index=True)
