"""Key slots: creating a journal, unlocking it with the passphrase or the recovery key,
changing the passphrase and replacing the recovery key (record blobs never change)."""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage import crypto, keyslots, vault
from storage.errors import (
    JournalNotFound,
    KeyChanged,
    MalformedRecoveryKey,
    RekeyRefused,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)
from storage.journal import open_with_data_key, wrap_data_key
from storage.records import Reflection
from tests.conftest import (
    OTHER_PASSPHRASE,
    PASSPHRASE,
    JournalTemplate,
    data_key,
    edit_db,
    flip_bit,
    floor_params,
    folder_state,
    fork_and_kill,
    make_template,
    record_rows,
    sweep_for_canary,
)

# ---- the passphrase rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "passphrase",
    ["amber window slow river", "quiet orchard seven lanterns", "correct horse battery staple"],
)
def test_unrelated_words_make_an_acceptable_passphrase(passphrase: str) -> None:
    assert keyslots.passphrase_problem(passphrase) is None
    assert keyslots.passphrase_problem(passphrase, passphrase) is None


@pytest.mark.parametrize("passphrase", ["", "short", "eleven char", "two words"])
def test_a_short_passphrase_is_refused_with_the_rule(passphrase: str) -> None:
    problem = keyslots.passphrase_problem(passphrase)
    assert problem is not None and problem.startswith("That passphrase is too short.")
    assert keyslots.PASSPHRASE_RULE in problem


def test_a_passphrase_of_too_few_distinct_characters_is_refused() -> None:
    problem = keyslots.passphrase_problem("aaaabbbbaaaabbbb")
    assert problem is not None and "repeats too few characters" in problem


def test_a_confirmation_that_differs_is_refused_before_anything_else() -> None:
    assert keyslots.passphrase_problem("short", "other") == "The two passphrases do not match."


# ---- creating ------------------------------------------------------------------------------


def test_a_weak_passphrase_creates_nothing(data_folder: Path) -> None:
    with pytest.raises(WeakPassphrase):
        keyslots.create(data_folder / "weak.journal", "short", floor_params())
    assert list(data_folder.iterdir()) == []


def test_a_new_journal_is_calibrated_to_this_computer_and_opens_with_its_passes(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "_time_derivation", lambda _: crypto.KDF_TARGET_SECONDS / 2)
    path = tmp_path / "j.journal"
    keyslots.create(path, "correct horse battery staple")[0].lock()
    slot = keyslots.read_slot(path, "passphrase")
    assert crypto.KdfParams.from_json(slot.params).iterations == 6
    keyslots.unlock(path, "correct horse battery staple").lock()


def test_the_data_key_reaches_a_slot_maker_but_is_never_handed_out(
    journal, journal_path: Path
) -> None:
    """`wrap_data_key` passes the key to a slot maker and refuses one that returns the key."""
    with pytest.raises(TypeError, match="not the key"):
        wrap_data_key(journal, lambda key: key)
    raw = crypto.new_key()
    slot = wrap_data_key(journal, lambda key: vault.recovery_slot(key, raw))
    assert slot.id == vault.RECOVERY_SLOT
    keyslots.write_slot(journal, slot)
    journal.lock()
    keyslots.unlock_with_recovery_key(journal_path, crypto.format_recovery_key(raw)).lock()


def test_reading_a_slot_writes_nothing(sample_path: Path) -> None:
    before = folder_state(sample_path.parent)
    slot = keyslots.read_slot(sample_path, vault.RECOVERY_SLOT)
    assert slot.id == vault.RECOVERY_SLOT and slot.kind == "hkdf-sha256"
    assert folder_state(sample_path.parent) == before


# ---- unlocking: wrong passphrase and recovery key --------------------------------------------


def test_a_wrong_passphrase_raises_wrong_passphrase_and_changes_no_file(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    before = folder_state(sample_path.parent)
    with pytest.raises(WrongPassphrase):
        keyslots.unlock(sample_path, OTHER_PASSPHRASE)
    assert folder_state(sample_path.parent) == before  # same bytes, no -wal or -shm left
    journal = keyslots.unlock(sample_path, sample_template.passphrase)
    assert journal.report.clean and journal.get(sample_template.ids["plain"])
    journal.lock()


def test_a_wrong_passphrase_while_another_session_has_the_journal_open_changes_nothing(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    other_session = sample_template.open(sample_path)
    names = sorted(p.name for p in sample_path.parent.iterdir())
    with pytest.raises(WrongPassphrase):
        keyslots.unlock(sample_path, OTHER_PASSPHRASE)
    assert sorted(p.name for p in sample_path.parent.iterdir()) == names
    other_session.save(Reflection(free_text="still writable"))
    other_session.lock()
    assert sorted(p.name for p in sample_path.parent.iterdir()) == [sample_path.name]


def test_a_wrong_recovery_key_raises_wrong_recovery_key_and_changes_no_file(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    before = folder_state(sample_path.parent)
    with pytest.raises(WrongRecoveryKey):
        keyslots.unlock_with_recovery_key(sample_path, crypto.format_recovery_key(bytes(32)))
    assert folder_state(sample_path.parent) == before
    journal = keyslots.unlock_with_recovery_key(sample_path, sample_template.recovery_key)
    assert journal.needs_new_passphrase
    journal.lock()


def test_a_malformed_recovery_key_is_refused_before_reading_the_file(tmp_path: Path) -> None:
    with pytest.raises(MalformedRecoveryKey):
        keyslots.unlock_with_recovery_key(tmp_path / "missing.journal", "not-a-key")


def test_unlocking_a_missing_journal_raises_journal_not_found(tmp_path: Path) -> None:
    with pytest.raises(JournalNotFound):
        keyslots.unlock(tmp_path / "missing.journal", PASSPHRASE)
    assert list(tmp_path.iterdir()) == []


def test_a_passphrase_typed_in_decomposed_unicode_opens_a_journal_made_composed(
    data_folder: Path,
) -> None:
    composed = "\u00e9t\u00e9 caf\u00e9 \u00e0 la plage"
    decomposed = "e\u0301te\u0301 cafe\u0301 a\u0300 la plage"
    path = data_folder / "accents.journal"
    keyslots.create(path, composed, floor_params())[0].lock()
    keyslots.unlock(path, decomposed).lock()


# ---- changing the passphrase and the recovery key ------------------------------------------


@pytest.fixture
def changed(sample_path: Path, sample_template: JournalTemplate):
    """The sample journal after change_passphrase(OTHER_PASSPHRASE); returns the rows
    before the change (the change itself runs the KDF once)."""
    rows_before = record_rows(sample_path)
    journal = keyslots.unlock(sample_path, sample_template.passphrase)
    keyslots.change_passphrase(journal, OTHER_PASSPHRASE, floor_params())
    journal.lock()
    return rows_before


def test_changing_the_passphrase_leaves_every_record_blob_byte_identical(
    changed, sample_path: Path
) -> None:
    assert record_rows(sample_path) == changed


def test_after_a_passphrase_change_the_old_passphrase_fails(
    changed, sample_path: Path, sample_template: JournalTemplate
) -> None:
    with pytest.raises(WrongPassphrase):
        keyslots.unlock(sample_path, sample_template.passphrase)


def test_after_a_passphrase_change_the_new_passphrase_opens_the_same_records(
    changed, sample_path: Path, sample_template: JournalTemplate
) -> None:
    journal = keyslots.unlock(sample_path, OTHER_PASSPHRASE)
    assert journal.report.clean
    assert journal.get(sample_template.ids["edited"]).free_text == "second version"
    journal.lock()


def test_after_a_passphrase_change_the_recovery_key_still_works(
    changed, sample_path: Path, sample_template: JournalTemplate
) -> None:
    keyslots.unlock_with_recovery_key(sample_path, sample_template.recovery_key).lock()


def test_a_weak_new_passphrase_is_refused_and_the_old_one_still_works(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    slot_before = keyslots.read_slot(sample_path, vault.PASSPHRASE_SLOT)
    journal = sample_template.open(sample_path)
    with pytest.raises(WeakPassphrase):
        keyslots.change_passphrase(journal, "short", floor_params())
    journal.lock()
    assert keyslots.read_slot(sample_path, vault.PASSPHRASE_SLOT) == slot_before


def test_the_recovery_key_opens_the_journal_and_asks_for_a_new_passphrase(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    journal = keyslots.unlock_with_recovery_key(sample_path, sample_template.recovery_key)
    assert journal.needs_new_passphrase
    assert journal.report.clean
    keyslots.change_passphrase(journal, OTHER_PASSPHRASE, floor_params())
    assert not journal.needs_new_passphrase
    journal.lock()
    keyslots.unlock(sample_path, OTHER_PASSPHRASE).lock()


def test_a_new_recovery_key_replaces_the_old_one(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    rows_before = record_rows(sample_path)
    journal = sample_template.open(sample_path)
    new_key = keyslots.new_recovery_key(journal)
    journal.lock()
    assert new_key != sample_template.recovery_key
    with pytest.raises(WrongRecoveryKey):
        keyslots.unlock_with_recovery_key(sample_path, sample_template.recovery_key)
    keyslots.unlock_with_recovery_key(sample_path, new_key).lock()
    assert record_rows(sample_path) == rows_before


# ---- SECURITY.md test 18: re-keying, so old secrets and old backups read nothing new -------


def _dek_from_backup_with_recovery_key(backup: Path, recovery_text: str) -> bytes:
    """What someone holding an old backup and the old recovery key computes: the DEK."""
    slot = keyslots.read_slot(backup, vault.RECOVERY_SLOT)
    return vault.unwrap_with_recovery_key(slot, crypto.parse_recovery_key(recovery_text))


def _readable_rows(path: Path, dek: bytes) -> set[tuple[str, int]]:
    """Every row of the file that decrypts under `dek`, tried without the app."""
    cipher = AESGCM(crypto.hkdf(dek, vault.RECORD_KEY_INFO))
    readable = set()
    for (record_id, revision), (kind, fmt, blob) in record_rows(path).items():
        aad = f"{kind}|{record_id}|{revision}|{fmt}".encode()
        try:
            crypto.open_sealed(cipher, blob, aad)
        except InvalidTag:
            continue
        readable.add((record_id, revision))
    return readable


def test_an_old_recovery_key_with_an_old_backup_cannot_read_entries_written_after_a_rekey(
    sample_path: Path, sample_template: JournalTemplate, tmp_path: Path
) -> None:
    journal = sample_template.open(sample_path)
    old_backup = journal.backup(tmp_path / "backups")
    new_recovery = keyslots.rekey(journal, OTHER_PASSPHRASE, params=floor_params())
    secret = Reflection(free_text="written after the re-key")
    journal.save(secret)
    journal.lock()

    old_dek = _dek_from_backup_with_recovery_key(old_backup, sample_template.recovery_key)
    assert _readable_rows(old_backup, old_dek)  # the old backup still opens with old secrets
    assert _readable_rows(sample_path, old_dek) == set()  # but nothing in the live file
    with pytest.raises(WrongRecoveryKey):
        keyslots.unlock_with_recovery_key(sample_path, sample_template.recovery_key)
    with pytest.raises(WrongPassphrase):
        keyslots.unlock(sample_path, sample_template.passphrase)
    reopened = keyslots.unlock_with_recovery_key(sample_path, new_recovery)
    try:
        assert reopened.report.clean and reopened.verify().ok
        assert reopened.get(secret.id).free_text == "written after the re-key"
    finally:
        reopened.lock()


def test_a_rekey_re_encrypts_every_revision_keeps_every_record_and_reports_progress(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    rows_before = record_rows(sample_path)
    journal = sample_template.open(sample_path)
    history_before = [e.record for e in journal.history(sample_template.ids["edited"])]
    calls: list[tuple[int, int]] = []
    keyslots.rekey(
        journal, OTHER_PASSPHRASE, progress=lambda *c: calls.append(c), params=floor_params()
    )
    rows_after = record_rows(sample_path)
    assert rows_after.keys() == rows_before.keys()
    assert all(rows_after[k][2] != rows_before[k][2] for k in rows_before)  # every blob anew
    assert calls and calls[-1] == (len(rows_before), len(rows_before))
    assert journal.report.clean and journal.verify().ok  # the same object goes on working
    journal.save(Reflection(free_text="after"))
    journal.lock()
    reopened = keyslots.unlock(sample_path, OTHER_PASSPHRASE)
    try:
        assert reopened.report.clean and reopened.verify().ok
        assert [e.record for e in reopened.history(sample_template.ids["edited"])] == history_before
        assert len(reopened.trash()) == 1
    finally:
        reopened.lock()


def test_a_rekey_leaves_no_plaintext_on_disk(
    data_folder: Path, empty_template: JournalTemplate, canary: str
) -> None:
    started = time.time()
    journal = empty_template.open(empty_template.copy_to(data_folder, "practice"))
    first = Reflection(free_text=f"before the re-key {canary}")
    journal.save(first)
    first.free_text = f"edited before the re-key {canary}"
    journal.save(first)
    keyslots.rekey(journal, OTHER_PASSPHRASE, params=floor_params())
    journal.save(Reflection(free_text=f"after the re-key {canary}"))
    journal.checkpoint()
    journal.lock()
    sweep_for_canary(canary, [data_folder], started)


def _file_contents(path: Path) -> tuple:
    """Every row of the records, slots and meta tables (a closed journal's content)."""
    with edit_db(path) as conn:
        return tuple(
            sorted(conn.execute(f"SELECT * FROM {table}").fetchall())  # noqa: S608
            for table in ("records", "slots", "meta")
        )


def test_a_rekey_with_a_weak_passphrase_changes_nothing(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    before = _file_contents(sample_path)
    journal = sample_template.open(sample_path)
    with pytest.raises(WeakPassphrase):
        keyslots.rekey(journal, "short", params=floor_params())
    journal.lock()
    assert _file_contents(sample_path) == before


def test_a_rekey_that_fails_midway_leaves_the_old_key_and_every_row(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    """The progress callback raising stands for any failure inside the transaction."""
    rows_before = record_rows(sample_path)
    journal = sample_template.open(sample_path)

    def stop(done: int, total: int) -> None:
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        keyslots.rekey(journal, OTHER_PASSPHRASE, progress=stop, params=floor_params())
    journal.save(Reflection(free_text="the old key still writes"))
    journal.lock()
    assert {k: v for k, v in record_rows(sample_path).items() if k in rows_before} == rows_before
    reopened = keyslots.unlock(sample_path, sample_template.passphrase)
    assert reopened.report.clean
    reopened.lock()


def test_a_rekey_is_refused_while_a_row_does_not_decrypt_and_changes_nothing(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    plain = sample_template.ids["plain"]
    with edit_db(sample_path) as conn:
        blob = conn.execute("SELECT blob FROM records WHERE id = ?", [plain]).fetchone()[0]
        conn.execute("UPDATE records SET blob = ? WHERE id = ?", [flip_bit(blob, 20), plain])
    before = _file_contents(sample_path)
    journal = sample_template.open(sample_path)
    with pytest.raises(RekeyRefused, match="do not decrypt"):
        keyslots.rekey(journal, OTHER_PASSPHRASE, params=floor_params())
    journal.lock()
    assert _file_contents(sample_path) == before
    keyslots.unlock(sample_path, sample_template.passphrase).lock()


def test_another_tab_holding_the_old_key_is_stopped_and_writes_nothing(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    journal = sample_template.open(sample_path)
    other_tab = sample_template.open(sample_path)
    keyslots.rekey(journal, OTHER_PASSPHRASE, params=floor_params())
    rows = record_rows(sample_path)
    with pytest.raises(KeyChanged):
        other_tab.save(Reflection(free_text="under the old key"))
    with pytest.raises(KeyChanged):
        keyslots.new_recovery_key(other_tab)
    with pytest.raises(KeyChanged):
        other_tab.sync()  # the screen then locks with this message
    other_tab.lock()
    journal.lock()
    assert record_rows(sample_path) == rows
    reopened = keyslots.unlock(sample_path, OTHER_PASSPHRASE)
    assert reopened.report.clean
    reopened.lock()


def test_an_old_passphrase_slot_pasted_back_after_a_rekey_opens_nothing(
    sample_path: Path, sample_template: JournalTemplate, tmp_path: Path
) -> None:
    journal = sample_template.open(sample_path)
    old = journal.backup(tmp_path / "backups")
    keyslots.rekey(journal, OTHER_PASSPHRASE, params=floor_params())
    journal.lock()
    with edit_db(old) as conn:
        params, blob = conn.execute(
            "SELECT params, blob FROM slots WHERE id = 'passphrase'"
        ).fetchone()
    with edit_db(sample_path) as conn:
        conn.execute(
            "UPDATE slots SET params = ?, blob = ? WHERE id = 'passphrase'", [params, blob]
        )
    with pytest.raises(KeyChanged):
        keyslots.unlock(sample_path, sample_template.passphrase)


def test_a_version_1_journal_re_keyed_is_version_2(tmp_path: Path) -> None:
    from tests.test_journal import GOLDEN, GOLDEN_PASSPHRASE

    copy = tmp_path / "golden.journal"
    copy.write_bytes(GOLDEN.read_bytes())
    journal = open_with_data_key(copy, data_key(copy, GOLDEN_PASSPHRASE))  # still format 1
    recovery = keyslots.rekey(journal, OTHER_PASSPHRASE, params=floor_params())
    journal.lock()
    reopened = keyslots.unlock_with_recovery_key(copy, recovery)
    try:
        assert reopened.report.clean and reopened.verify().ok
    finally:
        reopened.lock()
    with edit_db(copy) as conn:
        assert (
            conn.execute("SELECT value FROM meta WHERE name = 'format_version'").fetchone()[0]
            == b"2"
        )


# ---- a re-key killed at random moments: the old key or the new one, never neither ----------

NEW_DEK = bytes(range(32))


def _rekeyer(path: Path, dek: bytes):
    def work(report) -> None:
        crypto.new_key = lambda: NEW_DEK  # the child's own module: the parent knows the key
        journal = open_with_data_key(path, dek)
        report.ready()
        keyslots.rekey(journal, OTHER_PASSPHRASE, params=floor_params())
        report({"rekeyed": True})

    return work


def _opens_clean(path: Path, dek: bytes) -> bool:
    try:
        journal = open_with_data_key(path, dek)
    except KeyChanged:
        return False
    try:
        return journal.report.clean and journal.verify().ok
    finally:
        journal.lock()


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> JournalTemplate:
    """3000 rows: a re-key takes long enough for the kills to land inside it."""

    def fill(journal) -> dict[str, str]:
        journal.add_many([Reflection(free_text="x" * 400) for _ in range(3000)])
        return {}

    return make_template(tmp_path_factory.mktemp("big-template"), fill)


@pytest.mark.slow
@pytest.mark.parametrize("run", range(10))
def test_a_rekey_killed_at_random_leaves_the_old_key_or_the_new_one_working(
    run: int, big_template: JournalTemplate, tmp_path: Path
) -> None:
    live = big_template.copy_to(tmp_path / "live")
    # the KDF of the new slot takes ~0.1-0.25 s, then the transaction
    delay = random.Random(run).uniform(0.1, 0.8)
    reports = fork_and_kill(_rekeyer(live, big_template.dek), delay)
    image = tmp_path / "image"
    image.mkdir()
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{live}{suffix}").exists():
            shutil.copy(f"{live}{suffix}", image / f"{live.name}{suffix}")
    opened = [_opens_clean(image / live.name, key) for key in (big_template.dek, NEW_DEK)]
    assert opened.count(True) == 1, opened
    if reports:
        assert opened == [False, True]
