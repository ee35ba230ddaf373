"""The key slots of a journal: create it, unlock it, and rewrap its data key.

A journal's data key (DEK) is stored only wrapped, in two key slots (FORMAT.md): one
opened by the passphrase (Argon2id), one by the recovery key (HKDF). This module makes
a journal with both, opens it through either, and replaces a slot when the passphrase
or the recovery key changes; record blobs are never touched by any of it. The slot
rows themselves (layout, wrapping, unwrapping) are in `storage.vault`; the opened file
is a `storage.journal.Journal`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import sqlite_utils

from storage import crypto, vault
from storage.errors import DamagedJournal, WeakPassphrase
from storage.journal import (
    Journal,
    open_with_data_key,
    replace_data_key,
    store_slot,
    upgrade_format,
    wrap_data_key,
)
from storage.passphrase import (  # noqa: F401 - the screens import the rule from here
    MIN_PASSPHRASE_CHARS,
    PASSPHRASE_RULE,
    passphrase_problem,
)


def _refuse_weak(passphrase: str) -> None:
    problem = passphrase_problem(passphrase)
    if problem:
        raise WeakPassphrase(problem)


# ---- making and opening a journal ---------------------------------------------------------


def create(
    path: Path, passphrase: str, params: crypto.KdfParams | None = None
) -> tuple[Journal, str]:
    """A new journal at `path` (never over an existing file); returns it, open, and the
    recovery key text, to be shown once."""
    _refuse_weak(passphrase)
    params = params or crypto.calibrated_kdf_params()
    dek = crypto.new_key()
    recovery = crypto.new_key()
    slots = [vault.passphrase_slot(dek, passphrase, params), vault.recovery_slot(dek, recovery)]
    vault.create_file(path, dek, slots)
    journal = open_with_data_key(path, dek)
    return journal, crypto.format_recovery_key(recovery)


def unlock(path: Path, passphrase: str) -> Journal:
    """Open with the passphrase. Wrong passphrase or a bad file raise; nothing is written."""
    slot = read_slot(path, vault.PASSPHRASE_SLOT)
    # SQLite checks the file's pages while Argon2id derives the key: both leave the GIL
    with ThreadPoolExecutor(max_workers=1) as pool:
        pages = pool.submit(vault.check_pages, path)
        dek = vault.unwrap_with_passphrase(slot, passphrase)
        pages.result()
    return _opened_and_upgraded(path, dek, pages_checked=True)


def unlock_with_recovery_key(path: Path, recovery_text: str) -> Journal:
    """Open with the recovery key; the caller must then ask for a new passphrase
    (`needs_new_passphrase` is set)."""
    raw = crypto.parse_recovery_key(recovery_text)
    slot = read_slot(path, vault.RECOVERY_SLOT)
    dek = vault.unwrap_with_recovery_key(slot, raw)
    journal = _opened_and_upgraded(path, dek)
    journal.needs_new_passphrase = True
    return journal


def _opened_and_upgraded(path: Path, dek: bytes, pages_checked: bool = False) -> Journal:
    """Open with a key from the file's own slot; a format-1 file becomes format 2."""
    journal = open_with_data_key(path, dek, pages_checked=pages_checked)
    try:
        upgrade_format(journal)
    except BaseException:
        journal.lock()
        raise
    return journal


def read_slot(path: Path, slot_id: str) -> vault.Slot:
    """One key slot of a closed or open journal file, read without writing anything
    (a bad file raises DamagedJournal, NotAJournal and the like)."""
    vault.check_file(path)
    conn = vault.open_readonly(path)
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False)
        vault.read_meta(db, path.stem)
        return vault.read_slot(db, slot_id, path.stem)
    except vault.UNREADABLE as exc:
        raise DamagedJournal(path.stem, "SQLite cannot read it") from exc
    finally:
        conn.close()


# ---- changing the slots of an open journal ------------------------------------------------


def change_passphrase(
    journal: Journal, new_passphrase: str, params: crypto.KdfParams | None = None
) -> None:
    """Rewrap the passphrase slot only; every record blob stays byte-identical."""
    _refuse_weak(new_passphrase)
    params = params or crypto.calibrated_kdf_params()
    wrap = partial(vault.passphrase_slot, passphrase=new_passphrase, params=params)
    write_slot(journal, wrap_data_key(journal, wrap))
    journal.needs_new_passphrase = False


def new_recovery_key(journal: Journal) -> str:
    """Replace the recovery slot; the old recovery key stops working. Returns the text."""
    raw = crypto.new_key()
    write_slot(journal, wrap_data_key(journal, partial(vault.recovery_slot, recovery_key=raw)))
    return crypto.format_recovery_key(raw)


def write_slot(journal: Journal, slot: vault.Slot) -> None:
    """Replace one key slot in one transaction (old or new works, never neither)."""
    store_slot(journal, slot)


def rekey(
    journal: Journal,
    new_passphrase: str,
    progress: Callable[[int, int], None] | None = None,
    params: crypto.KdfParams | None = None,
) -> str:
    """Give the journal a new data key: every row re-encrypted in one transaction, new
    passphrase and recovery slots (SECURITY.md "Re-key"). Returns the new recovery key
    text, to be shown once. Old passphrases, recovery keys and backups open nothing
    written from now on; older backups still open with the old secrets.

    `progress(done, total)` is called as rows are re-encrypted. Crash-safe: the old key
    and slots, or the new ones, never neither.
    """
    _refuse_weak(new_passphrase)
    params = params or crypto.calibrated_kdf_params()
    dek, recovery = crypto.new_key(), crypto.new_key()
    slots = [vault.passphrase_slot(dek, new_passphrase, params), vault.recovery_slot(dek, recovery)]
    replace_data_key(journal, dek, slots, progress)
    journal.needs_new_passphrase = False
    journal.checkpoint()  # the old rows leave the file (secure_delete zeroes their pages)
    return crypto.format_recovery_key(recovery)


def check_passphrase(path: Path, passphrase: str) -> None:
    """Raise WrongPassphrase unless `passphrase` opens the journal's passphrase slot; reads
    the slot only (no records), writes nothing. For "type your current passphrase" checks."""
    vault.unwrap_with_passphrase(read_slot(path, vault.PASSPHRASE_SLOT), passphrase)
