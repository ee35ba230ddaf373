"""Backups: made, checked, pruned, listed, refused when damaged or foreign, restored."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import backups, keyslots
from storage.backups import (
    BackupRefused,
    RestoreFailed,
    back_up,
    check_backup,
    default_folder,
    kept_aside,
    restore,
    slots_changed,
)
from storage.errors import BackupError, RecordNotFound, WrongPassphrase
from storage.journal import Journal
from storage.records import Reflection
from tests.conftest import (
    OTHER_PASSPHRASE,
    PASSPHRASE,
    JournalTemplate,
    edit_db,
    find_canary,
    flip_bit,
    floor_params,
    folder_state,
    record_rows,
)

OTHER_JOURNAL = "another journal or was made with a different key"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hidden_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def damage_a_record(path: Path) -> None:
    """Flip one bit inside a stored record's ciphertext, in place."""
    data = path.read_bytes()
    blob = next(iter(record_rows(path).values()))[2]
    at = data.index(blob)
    path.write_bytes(flip_bit(data, at + len(blob) // 2))


def journal_id(path: Path) -> bytes:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT value FROM meta WHERE name = 'journal_id'").fetchone()[0]
    finally:
        conn.close()


# ---- making backups -------------------------------------------------------------------------


def test_a_backup_is_encrypted_and_opens_alone_in_a_fresh_data_folder(
    sample_journal: Journal,
    data_folder: Path,
    tmp_path: Path,
    canary: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written = sample_journal.save(Reflection(free_text=f"before the backup {canary}"))
    made = back_up(sample_journal)
    assert made.parent == data_folder / "backups" == default_folder()
    assert made.name.startswith("journal-backup-") and made.suffix == ".journal"
    assert find_canary([made.parent], canary) == []
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.setenv("JOURNAL_DATA_DIR", str(fresh))
    alone = fresh / "journal.journal"
    shutil.copy(made, alone)
    opened = keyslots.unlock(alone, PASSPHRASE)
    try:
        assert opened.verify().ok
        assert opened.get(written.record.id).free_text.endswith(canary)
    finally:
        opened.lock()


def test_backing_up_leaves_one_self_contained_file_and_no_working_copies(
    sample_journal: Journal, data_folder: Path
) -> None:
    sample_journal.save(Reflection(free_text="in the WAL only"))
    before = sorted(p.name for p in data_folder.iterdir())
    made = back_up(sample_journal)
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]
    assert made.read_bytes()[18:20] == b"\x01\x01"  # checked through a copy: still rollback mode
    assert sorted(p.name for p in data_folder.iterdir()) == sorted([*before, "backups"])


def test_keep_prunes_only_this_journals_oldest_backups(
    sample_journal: Journal, tmp_path: Path
) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    foreign = [
        "other-backup-20000101-000000-000000.journal",
        "journalx-backup-20000101-000000-000000.journal",
        "journal-backup-20000101.journal",
        "notes.txt",
    ]
    for name in foreign:
        (folder / name).write_bytes(b"not ours")
    ancient = folder / "journal-backup-20000101-000000-000000.journal"
    back_up(sample_journal, folder, keep=2).rename(ancient)  # a real backup, long ago
    made = [back_up(sample_journal, folder, keep=2) for _ in range(3)]
    assert [b.path for b in backups.backups(folder, "journal")] == made[::-1][:2]
    assert not ancient.exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(foreign + [p.name for p in made[1:]])


def test_pruning_keeps_what_is_named_like_a_backup_but_is_not_one_of_ours(
    sample_journal: Journal, tmp_path: Path
) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    impostors = [
        folder / "journal-backup-20000101-000000-000000.journal",  # a file of someone else's
        folder / "journal-backup-20000102-000000-000000.journal",  # a link to our journal
    ]
    impostors[0].write_bytes(b"named like a backup of this journal, but it is not")
    impostors[1].symlink_to(sample_journal.path)
    made = [back_up(sample_journal, folder, keep=1) for _ in range(2)]
    assert all(p.is_file() for p in impostors)
    assert not made[0].exists() and made[1].exists()


def test_pruning_keeps_the_backups_of_another_journal_of_the_same_name(
    sample_journal: Journal,
    empty_template: JournalTemplate,
    tmp_path: Path,
) -> None:
    # two journals called "journal" in two data folders, backed up to one USB drive
    other = empty_template.open(empty_template.copy_to(tmp_path / "other data folder"))
    folder = tmp_path / "usb"
    try:
        theirs = [back_up(other, folder, keep=1)]
        ours = [back_up(sample_journal, folder, keep=1) for _ in range(2)]
        theirs.append(back_up(other, folder, keep=1))
    finally:
        other.lock()
    assert not ours[0].exists() and ours[1].exists()
    assert not theirs[0].exists() and theirs[1].exists()


@pytest.mark.parametrize("folder", ["/", "/etc", "/usr/share", "~"])
def test_a_system_folder_gets_no_backup(
    sample_journal: Journal, folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def tripwire(_: Path) -> Path:  # a failing check must not leave a file in /etc
        raise AssertionError("a backup was written into a system folder")

    monkeypatch.setattr(sample_journal, "backup", tripwire)
    with pytest.raises(BackupError, match="cannot be used"):
        back_up(sample_journal, Path(folder).expanduser())


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_other_users_can_write_to_gets_no_backup(
    sample_journal: Journal, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    for folder in (shared, shared / "journal"):
        with pytest.raises(BackupError, match="other users"):
            back_up(sample_journal, folder)
    assert list(shared.iterdir()) == []


def test_keep_and_folder_come_from_the_settings(sample_journal: Journal, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    settings = sample_journal.settings
    settings.backup_folder, settings.backup_keep = str(folder), 1
    sample_journal.save_settings(settings)
    first = back_up(sample_journal)
    second = back_up(sample_journal)
    assert first.parent == folder and not first.exists()
    assert list(folder.iterdir()) == [second]


@pytest.mark.parametrize("keep", [0, -1, 101])
def test_a_keep_out_of_range_is_refused_before_anything_is_written(
    sample_journal: Journal, tmp_path: Path, keep: int
) -> None:
    with pytest.raises(BackupError, match="between 1 and 100"):
        back_up(sample_journal, tmp_path / "b", keep=keep)
    assert not (tmp_path / "b").exists()


def test_backups_never_go_into_the_journals_own_folder(
    sample_journal: Journal, data_folder: Path
) -> None:
    before = folder_state(data_folder)
    with pytest.raises(BackupError, match="other than the one the journal itself is in"):
        back_up(sample_journal, data_folder)
    assert folder_state(data_folder) == before


def test_backups_are_listed_newest_first_with_the_time_from_their_name(tmp_path: Path) -> None:
    for name, size in [
        ("journal-backup-20250102-030405-000006.journal", 10),
        ("journal-backup-20260101-000000-000000.journal", 2048),
        ("journal-backup-20241231-235959-999999.journal", 3),
        ("journal-backup-20241399-000000-000000.journal", 4),  # no such date: file time
        ("practice-backup-20270101-000000-000000.journal", 5),
        ("journal.journal", 6),
    ]:
        (tmp_path / name).write_bytes(b"x" * size)
    undated = datetime(2020, 5, 6, tzinfo=UTC).timestamp()
    os.utime(tmp_path / "journal-backup-20241399-000000-000000.journal", (undated, undated))
    found = backups.backups(tmp_path, "journal")
    assert [b.name[15:23] for b in found[:3]] == ["20260101", "20250102", "20241231"]
    assert found[0].made_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert found[0].size == 2048  # test_journal_checks: shown as "2.0 KB"
    assert len(found) == 4 and found[3].name.startswith("journal-backup-20241399")
    assert found[3].made_at == datetime(2020, 5, 6, tzinfo=UTC)
    assert backups.backups(tmp_path / "missing", "journal") == []


def test_a_backup_that_does_not_check_out_is_deleted(
    sample_journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made_by_sqlite = Journal.backup

    def damaged_backup(self: Journal, folder: Path) -> Path:
        path = made_by_sqlite(self, folder)
        damage_a_record(path)
        return path

    monkeypatch.setattr(Journal, "backup", damaged_backup)
    with pytest.raises(BackupError, match="did not check out and was deleted"):
        back_up(sample_journal, tmp_path / "b")
    assert list((tmp_path / "b").iterdir()) == []
    assert hidden_files(sample_journal.path.parent) == []


def test_a_journal_with_a_damaged_row_can_still_be_backed_up_as_it_is(
    sample_path: Path, sample_template: JournalTemplate, tmp_path: Path
) -> None:
    damage_a_record(sample_path)
    damaged = sample_template.open(sample_path)
    try:
        assert damaged.report.quarantined
        made = back_up(damaged, tmp_path / "b")
        assert backups.backups(tmp_path / "b", "journal")[0].path == made
        with pytest.raises(BackupRefused, match="damaged"):
            check_backup(damaged, made)
    finally:
        damaged.lock()


# ---- checking backups -----------------------------------------------------------------------


def test_checking_a_good_backup_verifies_it_and_changes_nothing(
    sample_journal: Journal, tmp_path: Path
) -> None:
    made = back_up(sample_journal, tmp_path / "b")
    before = folder_state(tmp_path / "b")
    found = check_backup(sample_journal, made)
    assert found.ok and found.rows == found.decrypted > 0
    assert folder_state(tmp_path / "b") == before
    assert hidden_files(sample_journal.path.parent) == []


def test_the_journal_itself_and_a_missing_file_are_not_backups(sample_journal: Journal) -> None:
    with pytest.raises(BackupRefused, match="journal file itself"):
        check_backup(sample_journal, sample_journal.path)
    with pytest.raises(BackupRefused, match="no backup file"):
        check_backup(sample_journal, sample_journal.path.parent / "nowhere.journal")


# ---- restoring ------------------------------------------------------------------------------


DAMAGES = {
    "a flipped bit in a record": damage_a_record,
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2 + 100]),
    "empty": lambda p: p.write_bytes(b""),
    "a text file": lambda p: p.write_bytes(b"my shopping list\n" * 100),
    "a flipped bit in the header": lambda p: p.write_bytes(flip_bit(p.read_bytes(), 70)),
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_backup_is_refused_and_nothing_is_replaced(
    sample_journal: Journal, sample_template: JournalTemplate, data_folder: Path, damage
) -> None:
    made = back_up(sample_journal)
    damage(made)
    before = folder_state(data_folder), folder_state(made.parent)
    with pytest.raises(BackupRefused, match="Your journal was not changed"):
        restore(sample_journal, made)
    assert (folder_state(data_folder), folder_state(made.parent)) == before
    assert sample_journal.is_open
    assert sample_journal.get(sample_template.ids["edited"]).free_text == "second version"


@pytest.mark.parametrize("other_has", ["records", "no records", "this journal's id"])
def test_a_backup_from_another_journal_is_refused(
    sample_journal: Journal, data_folder: Path, tmp_path: Path, other_has: str
) -> None:
    other, _ = keyslots.create(tmp_path / "other" / "journal.journal", PASSPHRASE, floor_params())
    if other_has != "no records":
        other.save(Reflection(free_text="someone else's journal"))
    made = other.backup(tmp_path / "other-backups")
    other.lock()
    if other_has == "this journal's id":  # same id, different key: only decryption tells
        with edit_db(made) as conn:
            conn.execute(
                "UPDATE meta SET value = ? WHERE name = 'journal_id'",
                [journal_id(sample_journal.path)],
            )
    before = folder_state(data_folder)
    with pytest.raises(BackupRefused, match=OTHER_JOURNAL):
        check_backup(sample_journal, made)
    with pytest.raises(BackupRefused, match=OTHER_JOURNAL):
        restore(sample_journal, made)
    assert folder_state(data_folder) == before
    assert sample_journal.is_open


def test_restore_brings_back_the_backup_and_keeps_the_previous_file_aside(
    sample_journal: Journal, sample_template: JournalTemplate, data_folder: Path, canary: str
) -> None:
    made = back_up(sample_journal)
    backup_digest = digest(made)
    late = sample_journal.save(Reflection(free_text=f"after the backup {canary}")).record
    restored = restore(sample_journal, made)
    try:
        assert not sample_journal.is_open
        assert restored.path == sample_journal.path and restored.verify().ok
        assert restored.get(sample_template.ids["edited"]).free_text == "second version"
        assert restored.search(canary) == []
        with pytest.raises(RecordNotFound):
            restored.get(late.id)
        (aside,) = kept_aside(restored.path)
        assert aside.name.startswith("journal.journal.before-restore-")
        previous = restored.open_backup(aside)
        try:
            assert previous.get(late.id).free_text.endswith(canary)
        finally:
            previous.lock()
        assert digest(made) == backup_digest
        assert hidden_files(data_folder) == []
        assert find_canary([data_folder], canary) == []
    finally:
        restored.lock()
    keyslots.unlock(sample_journal.path, PASSPHRASE).lock()


def test_a_restored_journal_opens_with_the_passphrase_of_its_backup(
    sample_journal: Journal,
) -> None:
    made = back_up(sample_journal)
    assert slots_changed(sample_journal, made) == []
    keyslots.change_passphrase(sample_journal, OTHER_PASSPHRASE, floor_params())
    assert slots_changed(sample_journal, made) == ["passphrase"]
    restore(sample_journal, made).lock()
    keyslots.unlock(sample_journal.path, PASSPHRASE).lock()
    with pytest.raises(WrongPassphrase):
        keyslots.unlock(sample_journal.path, OTHER_PASSPHRASE)


def test_restore_stops_while_another_tab_has_the_journal_open(
    sample_journal: Journal, sample_template: JournalTemplate, sample_path: Path
) -> None:
    other_tab = sample_template.open(sample_path)
    made = back_up(sample_journal)
    try:
        with pytest.raises(RestoreFailed, match="another window or tab") as failed:
            restore(sample_journal, made)
        reopened = failed.value.journal
        assert reopened is not None and reopened.is_open
        assert reopened.get(sample_template.ids["plain"]).next_step == "rest"
        assert kept_aside(sample_path) == [] and hidden_files(sample_path.parent) == []
        reopened.lock()
    finally:
        other_tab.lock()


def test_the_previous_file_is_put_back_when_the_backup_cannot_be_put_in_place(
    sample_journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = sample_journal.save(Reflection(free_text="written after the backup")).record
    made = back_up(sample_journal)
    sample_journal.save(Reflection(free_text="after the backup too"))
    replace = os.replace

    def failing_replace(source: os.PathLike, target: os.PathLike) -> None:
        if ".restoring-" in str(source):
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(RestoreFailed, match="put back as it was") as failed:
        restore(sample_journal, made)
    reopened = failed.value.journal
    try:
        assert reopened is not None and reopened.verify().ok
        assert len(reopened.search("after the backup")) == 2 and reopened.get(late.id)
        assert kept_aside(reopened.path) == [] and hidden_files(reopened.path.parent) == []
    finally:
        reopened.lock()


# ---- small rules ----------------------------------------------------------------------------


def test_the_typed_path_wins_over_the_chosen_backup(tmp_path: Path) -> None:
    assert backups.source_from("/a/chosen.journal", "") == Path("/a/chosen.journal")
    assert backups.source_from("/a/chosen.journal", f" {tmp_path} ") == tmp_path
    with pytest.raises(BackupRefused, match="full path"):
        backups.source_from(None, "backups/x.journal")
    with pytest.raises(BackupRefused, match="Choose a backup"):
        backups.source_from(None, "  ")
