"""Tampering with a closed journal, as someone holding the file could: flipped bytes in
record blobs and key slots, rows moved between ids, revisions and kinds (AAD), and rows
deleted, injected or rolled back (keyed set hash)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from practice import journal_checks
from storage import crypto, keyslots, vault
from storage.errors import (
    KdfBelowFloor,
    RecordNotFound,
    WrongPassphrase,
    WrongRecoveryKey,
)
from storage.journal import Journal
from storage.records import Reflection
from tests.conftest import (
    JournalTemplate,
    edit_db,
    flip_bit,
    floor_params,
    folder_state,
    make_template,
    record_rows,
)

NONCE, TAG = crypto.NONCE_LEN, 16


def _blob(path: Path, record_id: str, revision: int) -> bytes:
    return record_rows(path)[(record_id, revision)][2]


def _set_blob(path: Path, record_id: str, revision: int, blob: bytes) -> None:
    with edit_db(path) as conn:
        conn.execute(
            "UPDATE records SET blob = ? WHERE id = ? AND revision = ?", [blob, record_id, revision]
        )


def _quarantined(journal: Journal) -> set[tuple[str, int, str]]:
    return {(q.id, q.revision, q.kind) for q in journal.report.quarantined}


# ---- flipped bytes in a record blob --------------------------------------------------------

BLOB_REGIONS = {
    "nonce-first-byte": 0,
    "nonce-last-byte": NONCE - 1,
    "ciphertext-first-byte": NONCE,
    "ciphertext-middle": None,  # filled in per blob
    "ciphertext-last-byte": -TAG - 1,
    "tag-first-byte": -TAG,
    "tag-last-byte": -1,
}


@pytest.mark.parametrize("region", BLOB_REGIONS)
def test_a_flipped_byte_in_a_record_blob_quarantines_that_row_only(
    region: str, sample_path: Path, sample_template: JournalTemplate
) -> None:
    plain = sample_template.ids["plain"]
    blob = _blob(sample_path, plain, 1)
    index = BLOB_REGIONS[region]
    index = len(blob) // 2 if index is None else index
    tampered = flip_bit(blob, index)
    _set_blob(sample_path, plain, 1, tampered)
    journal = sample_template.open(sample_path)
    try:
        assert _quarantined(journal) == {(plain, 1, "reflection")}
        assert plain not in [r.id for r in journal.all(Reflection, include_trash=True)]
        with pytest.raises(RecordNotFound):
            journal.get(plain)
        assert journal.get(sample_template.ids["edited"]).free_text == "second version"
        assert not journal.report.clean  # test_journal_checks: then the screen says why
    finally:
        journal.lock()


def test_a_quarantined_row_is_never_overwritten_or_deleted(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    plain = sample_template.ids["plain"]
    tampered = flip_bit(_blob(sample_path, plain, 1), NONCE + 3)
    _set_blob(sample_path, plain, 1, tampered)
    journal = sample_template.open(sample_path)
    journal.save(Reflection(free_text="life goes on"))
    journal.save_draft("reflect", {"free_text": "and on"})
    journal.add_many([Reflection(free_text="batch")])
    journal.lock()
    assert _blob(sample_path, plain, 1) == tampered
    reopened = sample_template.open(sample_path)
    assert _quarantined(reopened) == {(plain, 1, "reflection")}
    reopened.lock()


def test_a_tampered_earlier_revision_is_left_out_of_the_history_and_reported(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    edited = sample_template.ids["edited"]
    _set_blob(sample_path, edited, 1, flip_bit(_blob(sample_path, edited, 1), NONCE + 5))
    journal = sample_template.open(sample_path)
    try:
        assert journal.get(edited).free_text == "second version"
        assert [e.revision for e in journal.history(edited)] == [2]
        assert _quarantined(journal) == {(edited, 1, "reflection")}
        journal.history(edited)  # asking again does not report it twice
        assert len(journal.report.quarantined) == 1
    finally:
        journal.lock()


# ---- key slots -----------------------------------------------------------------------------


def _slot(path: Path, slot_id: str) -> tuple[str, bytes]:
    with edit_db(path) as conn:
        return conn.execute("SELECT params, blob FROM slots WHERE id = ?", [slot_id]).fetchone()


def _set_slot(path: Path, slot_id: str, params: str, blob: bytes) -> None:
    with edit_db(path) as conn:
        conn.execute("UPDATE slots SET params = ?, blob = ? WHERE id = ?", [params, blob, slot_id])


@pytest.mark.parametrize(
    "index", [0, NONCE - 1, NONCE, NONCE + 16, -TAG - 1, -TAG, -1], ids=lambda i: f"byte{i}"
)
def test_a_flipped_byte_in_the_passphrase_slot_blob_fails_unlock_loudly(
    index: int, journal_path: Path, empty_template: JournalTemplate
) -> None:
    params, blob = _slot(journal_path, vault.PASSPHRASE_SLOT)
    _set_slot(journal_path, vault.PASSPHRASE_SLOT, params, flip_bit(blob, index))
    before = folder_state(journal_path.parent)
    with pytest.raises(WrongPassphrase):
        keyslots.unlock(journal_path, empty_template.passphrase)
    assert folder_state(journal_path.parent) == before


# Positions in '{"algorithm":"argon2id","iterations":3,"lanes":4,"memory_kib":65536,
# "salt":"..."}' and what flipping the low bit there does.
PARAM_EDITS = {
    "opening-brace": lambda p: p.replace("{", "z", 1),
    "algorithm-name": lambda p: p.replace("argon2id", "argon2ie"),
    "iterations-digit": lambda p: p.replace('"iterations":3', '"iterations":2'),
    "iterations-up": lambda p: p.replace('"iterations":3', '"iterations":4'),
    "lanes-digit": lambda p: p.replace('"lanes":4', '"lanes":5'),
    "lanes-huge": lambda p: p.replace('"lanes":4', '"lanes":99999'),
    "memory-first-digit": lambda p: p.replace('"memory_kib":65536', '"memory_kib":75536'),
    "memory-last-digit": lambda p: p.replace('"memory_kib":65536', '"memory_kib":65537'),
    "memory-below-floor": lambda p: p.replace('"memory_kib":65536', '"memory_kib":55536'),
    "memory-not-a-number": lambda p: p.replace('"memory_kib":65536', '"memory_kib":"65536"x'),
    "key-renamed": lambda p: p.replace('"salt"', '"sale"'),
    "salt-first-char": lambda p: p.replace('"salt":"', '"salt":"' + "A", 1)[:-3] + '="}',
    "salt-flipped": lambda p: _flip_salt(p),
    "salt-shortened": lambda p: _with(p, salt="AAAA"),
    "not-an-object": lambda p: "[" + p + "]",
    "empty": lambda p: "",
}


def _with(params: str, **changes: object) -> str:
    data = json.loads(params)
    data.update(changes)
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def _flip_salt(params: str) -> str:
    salt = json.loads(params)["salt"]
    swapped = salt[:5] + ("B" if salt[5] != "B" else "C") + salt[6:]
    return _with(params, salt=swapped)


@pytest.mark.parametrize("edit", PARAM_EDITS)
def test_an_edited_passphrase_slot_parameter_fails_unlock_loudly(
    edit: str, journal_path: Path, empty_template: JournalTemplate
) -> None:
    params, blob = _slot(journal_path, vault.PASSPHRASE_SLOT)
    edited = PARAM_EDITS[edit](params)
    assert edited != params
    _set_slot(journal_path, vault.PASSPHRASE_SLOT, edited, blob)
    before = folder_state(journal_path.parent)
    with pytest.raises((WrongPassphrase, KdfBelowFloor)):
        keyslots.unlock(journal_path, empty_template.passphrase)
    assert folder_state(journal_path.parent) == before


def test_the_recovery_slot_moved_into_the_passphrase_slot_fails_unlock_loudly(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    params, blob = _slot(journal_path, vault.RECOVERY_SLOT)
    _set_slot(journal_path, vault.PASSPHRASE_SLOT, params, blob)
    with pytest.raises((WrongPassphrase, KdfBelowFloor)):
        keyslots.unlock(journal_path, empty_template.passphrase)


@pytest.fixture(scope="module")
def recovery_slot(empty_template: JournalTemplate) -> tuple[str, bytes]:
    return _slot(empty_template.path, vault.RECOVERY_SLOT)


def test_every_flipped_byte_of_the_recovery_slot_blob_fails_unlock(
    recovery_slot: tuple[str, bytes], journal_path: Path, empty_template: JournalTemplate
) -> None:
    """The recovery slot needs no KDF, so every byte position is tried."""
    params, blob = recovery_slot
    for index in range(len(blob)):
        _set_slot(journal_path, vault.RECOVERY_SLOT, params, flip_bit(blob, index))
        with pytest.raises(WrongRecoveryKey):
            keyslots.unlock_with_recovery_key(journal_path, empty_template.recovery_key)


def test_every_flipped_byte_of_the_recovery_slot_parameters_fails_unlock(
    recovery_slot: tuple[str, bytes], journal_path: Path, empty_template: JournalTemplate
) -> None:
    params, blob = recovery_slot
    for index in range(len(params)):
        edited = params[:index] + chr(ord(params[index]) ^ 1) + params[index + 1 :]
        _set_slot(journal_path, vault.RECOVERY_SLOT, edited, blob)
        with pytest.raises((WrongRecoveryKey, KdfBelowFloor)):
            keyslots.unlock_with_recovery_key(journal_path, empty_template.recovery_key)


@pytest.mark.parametrize("params", ["", "[]", "{}", '{"salt": 5}', '{"salt": "zz"}'])
def test_unreadable_recovery_slot_parameters_give_a_typed_error(
    params: str,
    recovery_slot: tuple[str, bytes],
    journal_path: Path,
    empty_template: JournalTemplate,
) -> None:
    _set_slot(journal_path, vault.RECOVERY_SLOT, params, recovery_slot[1])
    with pytest.raises(KdfBelowFloor):
        keyslots.unlock_with_recovery_key(journal_path, empty_template.recovery_key)


# ---- AAD: rows moved to another id, revision, kind or format -------------------------------


@pytest.fixture
def two_reflections(journal: Journal, journal_path: Path) -> tuple[str, str]:
    """Two single-revision reflections in the (now closed) empty journal copy."""
    first, second = Reflection(free_text="first"), Reflection(free_text="second")
    journal.save(first)
    journal.save(second)
    journal.lock()
    return first.id, second.id


def test_swapping_the_blobs_of_two_rows_quarantines_both(
    two_reflections: tuple[str, str], journal_path: Path, empty_template: JournalTemplate
) -> None:
    first, second = two_reflections
    blob_1, blob_2 = _blob(journal_path, first, 1), _blob(journal_path, second, 1)
    _set_blob(journal_path, first, 1, blob_2)
    _set_blob(journal_path, second, 1, blob_1)
    journal = empty_template.open(journal_path)
    assert _quarantined(journal) == {(first, 1, "reflection"), (second, 1, "reflection")}
    assert journal.all(Reflection) == []
    journal.lock()


def test_a_blob_copied_over_another_row_quarantines_that_row(
    two_reflections: tuple[str, str], journal_path: Path, empty_template: JournalTemplate
) -> None:
    first, second = two_reflections
    _set_blob(journal_path, second, 1, _blob(journal_path, first, 1))
    journal = empty_template.open(journal_path)
    assert _quarantined(journal) == {(second, 1, "reflection")}
    assert [r.id for r in journal.all(Reflection)] == [first]
    journal.lock()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("revision", 2, lambda rid: (rid, 2, "reflection")),
        ("revision", 0, lambda rid: (rid, 0, "reflection")),
        ("kind", "client", lambda rid: (rid, 1, "client")),
        ("kind", "feedback", lambda rid: (rid, 1, "feedback")),
        ("format", 2, lambda rid: (rid, 1, "reflection")),
        ("id", "f" * 32, lambda rid: ("f" * 32, 1, "reflection")),
    ],
    ids=["revision-up", "revision-zero", "kind-client", "kind-feedback", "format", "id"],
)
def test_a_row_with_a_changed_plaintext_column_fails_to_decrypt(
    column: str,
    value: object,
    expected,
    two_reflections: tuple[str, str],
    journal_path: Path,
    empty_template: JournalTemplate,
) -> None:
    first, second = two_reflections
    with edit_db(journal_path) as conn:
        conn.execute(f"UPDATE records SET {column} = ? WHERE id = ?", [value, first])
    journal = empty_template.open(journal_path)
    try:
        assert _quarantined(journal) == {expected(first)}
        assert [r.id for r in journal.all(Reflection)] == [second]
    finally:
        journal.lock()


# ---- the set hash: deleted, injected and rolled-back rows ---------------------------------


def test_an_untouched_journal_passes_the_set_hash_check(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    journal = sample_template.open(sample_path)
    assert journal.report.set_hash_ok
    journal.lock()


def _delete_record(path: Path, ids: dict[str, str]) -> None:
    with edit_db(path) as conn:
        conn.execute("DELETE FROM records WHERE id = ?", [ids["plain"]])


def _delete_latest_revision(path: Path, ids: dict[str, str]) -> None:
    with edit_db(path) as conn:
        conn.execute("DELETE FROM records WHERE id = ? AND revision = 2", [ids["edited"]])


def _undelete_by_dropping_the_trash_revision(path: Path, ids: dict[str, str]) -> None:
    with edit_db(path) as conn:
        conn.execute("DELETE FROM records WHERE id = ? AND revision = 2", [ids["trashed"]])


def _inject_copy_under_new_id(path: Path, ids: dict[str, str]) -> None:
    with edit_db(path) as conn:
        conn.execute(
            "INSERT INTO records SELECT ?, revision, kind, format, blob FROM records WHERE id = ?",
            ["e" * 32, ids["plain"]],
        )


def _inject_copy_as_next_revision(path: Path, ids: dict[str, str]) -> None:
    with edit_db(path) as conn:
        conn.execute(
            "INSERT INTO records SELECT id, 2, kind, format, blob FROM records "
            "WHERE id = ? AND revision = 1",
            [ids["plain"]],
        )


def _older_blob_put_back(path: Path, ids: dict[str, str]) -> None:
    _set_blob(path, ids["edited"], 2, _blob(path, ids["edited"], 1))


def _nothing(ids: dict[str, str]) -> set:
    return set()


ROW_ATTACKS = {
    "deleted-record": (_delete_record, _nothing),
    "deleted-latest-revision": (_delete_latest_revision, _nothing),
    "trash-revision-deleted": (_undelete_by_dropping_the_trash_revision, _nothing),
    "row-copied-under-new-id": (_inject_copy_under_new_id, lambda ids: {("e" * 32, 1)}),
    "row-copied-as-next-revision": (_inject_copy_as_next_revision, lambda ids: {(ids["plain"], 2)}),
    "older-blob-put-back": (_older_blob_put_back, lambda ids: {(ids["edited"], 2)}),
}


@pytest.mark.parametrize("attack", ROW_ATTACKS)
def test_a_deleted_injected_or_rolled_back_row_is_reported_by_the_set_hash(
    attack: str, sample_path: Path, sample_template: JournalTemplate
) -> None:
    tamper, expected_quarantine = ROW_ATTACKS[attack]
    tamper(sample_path, sample_template.ids)
    journal = sample_template.open(sample_path)
    try:
        assert journal.report.set_hash_ok is False
        assert not journal.report.clean  # test_journal_checks: then the screen says why
        quarantined = {(q.id, q.revision) for q in journal.report.quarantined}
        assert quarantined == expected_quarantine(sample_template.ids)
    finally:
        journal.lock()


def test_rows_rolled_back_show_as_found(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    _delete_latest_revision(sample_path, sample_template.ids)
    journal = sample_template.open(sample_path)
    assert journal.get(sample_template.ids["edited"]).free_text == "first version"
    journal.lock()


def test_a_draft_rolled_back_to_an_older_row_is_reported_by_the_set_hash(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    """A draft keeps one row; an older copy of that row put back still decrypts (its id and
    revision match its AAD), so only the set hash can tell."""
    draft_id = sample_template.ids["draft"]
    old_row = record_rows(sample_path)[(draft_id, 1)]
    journal = sample_template.open(sample_path)
    journal.save_draft("reflect", {"free_text": "a newer half thought"})
    journal.lock()
    with edit_db(sample_path) as conn:
        conn.execute("DELETE FROM records WHERE id = ?", [draft_id])
        conn.execute(
            "INSERT INTO records (id, revision, kind, format, blob) VALUES (?, 1, ?, ?, ?)",
            [draft_id, *old_row],
        )
    reopened = sample_template.open(sample_path)
    try:
        assert reopened.report.quarantined == []
        assert reopened.draft("reflect").fields == {"free_text": "half a thought"}
        assert reopened.report.set_hash_ok is False
    finally:
        reopened.lock()


def test_a_set_hash_mismatch_is_not_healed_by_later_writes(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    _delete_record(sample_path, sample_template.ids)
    journal = sample_template.open(sample_path)
    journal.save(Reflection(free_text="a new entry"))
    journal.save_draft("reflect", {"free_text": "typing"})
    journal.lock()
    reopened = sample_template.open(sample_path)
    assert reopened.report.set_hash_ok is False
    reopened.lock()


def test_a_row_from_another_journal_is_quarantined_and_reported(
    sample_path: Path, sample_template: JournalTemplate, tmp_path: Path
) -> None:
    """Same id and revision, but sealed under another journal's key."""
    other_folder = tmp_path / "other"
    other_folder.mkdir()
    plain = sample_template.ids["plain"]

    def fill(journal: Journal) -> dict[str, str]:
        journal.save(Reflection(free_text="from elsewhere", id=plain))
        return {}

    other = make_template(other_folder, fill)
    _set_blob(sample_path, plain, 1, _blob(other.path, plain, 1))
    journal = sample_template.open(sample_path)
    try:
        assert _quarantined(journal) == {(plain, 1, "reflection")}
        assert journal.report.set_hash_ok is False
    finally:
        journal.lock()
    shutil.rmtree(other_folder)


# ---- SECURITY.md test 17: fixing the set hash up from two snapshots, pasting an old slot ----


def _meta(path: Path) -> dict[str, bytes]:
    with edit_db(path) as conn:
        return {name: bytes(value) for name, value in conn.execute("SELECT name, value FROM meta")}


def _subtract_share(live: Path, first: Path, second: Path) -> None:
    """What someone with two backups and no key can do: every meta value that differs
    between them is read as a number; the difference (what one row added) is taken off
    the live file's value."""
    before, after = _meta(first), _meta(second)
    changed = [name for name in after if before.get(name) != after[name]]
    assert changed, "the two backups should differ somewhere in meta"
    current = _meta(live)
    with edit_db(live) as conn:
        for name in changed:
            width = len(current[name])
            share = int.from_bytes(after[name], "big") - int.from_bytes(before[name], "big")
            fixed = (int.from_bytes(current[name], "big") - share) % 2 ** (8 * width)
            conn.execute(
                "UPDATE meta SET value = ? WHERE name = ?", [fixed.to_bytes(width, "big"), name]
            )


def test_a_revision_deleted_and_its_share_subtracted_using_two_backups_is_reported(
    sample_path: Path, sample_template: JournalTemplate, tmp_path: Path
) -> None:
    plain = sample_template.ids["plain"]
    journal = sample_template.open(sample_path)
    first = journal.backup(tmp_path / "backups")
    record = journal.get(plain)
    record.free_text = "revision two: what the attacker wants gone"
    journal.save(record)
    second = journal.backup(tmp_path / "backups")
    journal.save(Reflection(free_text="written after the second backup"))
    journal.lock()

    with edit_db(sample_path) as conn:
        conn.execute("DELETE FROM records WHERE id = ? AND revision = 2", [plain])
    _subtract_share(sample_path, first, second)

    reopened = sample_template.open(sample_path)
    try:
        assert not reopened.report.clean
        assert not reopened.verify().ok
    finally:
        reopened.lock()


def _paste_slot(live: Path, backup: Path, slot_id: str) -> None:
    params, blob = _slot(backup, slot_id)
    _set_slot(live, slot_id, params, blob)


def test_an_old_passphrase_slot_pasted_from_a_backup_is_reported(
    sample_path: Path, sample_template: JournalTemplate, tmp_path: Path
) -> None:
    """The old passphrase (known to someone) opens the live file again through the old
    slot: the journal must say its key slots were changed outside the app."""
    journal = sample_template.open(sample_path)
    old = journal.backup(tmp_path / "backups")
    keyslots.change_passphrase(journal, "a brand new passphrase nobody saw", floor_params())
    journal.lock()
    _paste_slot(sample_path, old, vault.PASSPHRASE_SLOT)

    reopened = keyslots.unlock(sample_path, sample_template.passphrase)
    try:
        assert not reopened.report.clean
        assert not reopened.verify().ok
    finally:
        reopened.lock()


def test_an_old_recovery_slot_pasted_from_a_backup_is_reported(
    sample_path: Path, sample_template: JournalTemplate, tmp_path: Path
) -> None:
    journal = sample_template.open(sample_path)
    old = journal.backup(tmp_path / "backups")
    keyslots.new_recovery_key(journal)
    journal.lock()
    _paste_slot(sample_path, old, vault.RECOVERY_SLOT)

    reopened = keyslots.unlock_with_recovery_key(sample_path, sample_template.recovery_key)
    try:
        assert not reopened.report.clean
    finally:
        reopened.lock()


def test_a_pasted_slot_stays_reported_after_later_writes_until_a_rekey(
    sample_path: Path, sample_template: JournalTemplate, tmp_path: Path
) -> None:
    journal = sample_template.open(sample_path)
    old = journal.backup(tmp_path / "backups")
    keyslots.new_recovery_key(journal)
    journal.lock()
    _paste_slot(sample_path, old, vault.RECOVERY_SLOT)
    journal = sample_template.open(sample_path)
    assert not journal.report.header_ok
    assert journal_checks.KEY_SLOTS_CHANGED in journal_checks.open_problems(journal.report)
    journal.save(Reflection(free_text="a later write"))
    keyslots.new_recovery_key(journal)  # a slot written by the app does not heal it either
    journal.lock()
    journal = sample_template.open(sample_path)
    assert not journal.report.header_ok and journal.report.set_hash_ok
    keyslots.rekey(journal, "a brand new passphrase nobody saw", params=floor_params())
    journal.lock()
    assert keyslots.unlock(sample_path, "a brand new passphrase nobody saw").report.clean


@pytest.mark.parametrize(
    "change",
    [
        "DELETE FROM meta WHERE name = 'integrity'",
        "UPDATE meta SET value = zeroblob(100) WHERE name = 'integrity'",
        "UPDATE meta SET value = x'00' || value WHERE name = 'journal_id'",
        "INSERT INTO meta (name, value) VALUES ('set_hash', zeroblob(32))",
        "INSERT INTO slots (id, kind, params, blob) VALUES ('extra', 'hkdf-sha256', '{}', x'00')",
    ],
    ids=[
        "integrity deleted",
        "integrity zeroed",
        "journal id changed",
        "raw sum added",
        "slot added",
    ],
)
def test_a_changed_meta_row_or_slot_is_reported(
    change: str, sample_path: Path, sample_template: JournalTemplate
) -> None:
    with edit_db(sample_path) as conn:
        conn.execute(change)
    journal = sample_template.open(sample_path)
    try:
        assert not journal.report.clean and not journal.verify().ok
    finally:
        journal.lock()


def test_the_stored_integrity_value_changes_with_every_write(
    journal: Journal, journal_path: Path
) -> None:
    seen = set()
    for text in ("one", "two", "two"):
        journal.save_draft("reflect", {"free_text": text})
        conn = sqlite3.connect(str(journal_path))  # beside the open journal, reading only
        try:
            query = "SELECT value FROM meta WHERE name = 'integrity'"
            seen.add(conn.execute(query).fetchone()[0])
        finally:
            conn.close()
    assert len(seen) == 3
