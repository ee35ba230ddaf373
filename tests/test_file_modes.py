"""File modes (SECURITY.md test 19): every folder and file the app writes is private to
the user: folders 0700, files 0600, existing ones tightened when a journal opens.

Run under umask 022, the common default, which on its own gives 0755 folders and 0644
files that any other user of the computer can read. POSIX only: on Windows the data
folder sits in the per-user profile, whose ACLs keep other users out.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from practice import demo
from storage import backups, keyslots
from storage.journal import Journal
from storage.records import Reflection
from tests.conftest import PASSPHRASE, JournalTemplate, floor_params

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def common_umask() -> Iterator[None]:
    """The usual umask 022: without it the test would pass on a strict machine only."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_journal_its_data_folder_wal_and_shm_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "new data folder"
    journal, _ = keyslots.create(folder / "practice.journal", PASSPHRASE, floor_params())
    try:
        journal.save(Reflection(free_text="something to write"))
        assert mode(folder) == 0o700
        assert mode(journal.path) == 0o600
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{journal.path}{suffix}")) == 0o600
    finally:
        journal.lock()


def test_the_demo_journal_is_private(tmp_path: Path) -> None:
    journal, _ = demo.build_demo(
        tmp_path / "demo" / "demo.journal", PASSPHRASE, sessions=2, params=floor_params()
    )
    try:
        assert mode(journal.path.parent) == 0o700
        assert mode(journal.path) == 0o600
    finally:
        journal.lock()


def test_an_existing_journal_is_tightened_when_it_opens(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    folder = journal_path.parent
    leftovers = [Path(f"{journal_path}-wal"), Path(f"{journal_path}-shm")]
    for leftover in leftovers:  # as a crash under an older version would leave them
        leftover.write_bytes(b"")
        leftover.chmod(0o644)
    journal_path.chmod(0o644)
    folder.chmod(0o755)
    journal = empty_template.open(journal_path)
    try:
        assert mode(folder) == 0o700
        assert mode(journal_path) == 0o600
        assert [mode(p) for p in leftovers] == [0o600, 0o600]
    finally:
        journal.lock()


def test_backups_and_their_default_folder_are_private(sample_journal: Journal) -> None:
    made = backups.back_up(sample_journal)
    assert made.parent == backups.default_folder()
    assert mode(made.parent) == 0o700
    assert mode(made) == 0o600


def test_an_existing_default_backup_folder_is_tightened(sample_journal: Journal) -> None:
    backups.default_folder().mkdir(mode=0o755)
    backups.back_up(sample_journal)
    assert mode(backups.default_folder()) == 0o700


def test_a_backup_in_a_chosen_folder_is_private(sample_journal: Journal, tmp_path: Path) -> None:
    chosen = tmp_path / "usb" / "journal backups"
    made = backups.back_up(sample_journal, chosen)
    assert mode(chosen) == 0o700
    assert mode(made) == 0o600
    existing = tmp_path / "shared-but-mine"
    existing.mkdir(mode=0o755)
    assert mode(backups.back_up(sample_journal, existing)) == 0o600


def test_a_restored_journal_and_the_copy_kept_aside_are_private(
    sample_journal: Journal, tmp_path: Path
) -> None:
    made = backups.back_up(sample_journal, tmp_path / "b")
    made.chmod(0o644)  # a backup copied back from a drive that keeps no modes
    restored = backups.restore(sample_journal, made)
    try:
        assert mode(restored.path) == 0o600
        (aside,) = backups.kept_aside(restored.path)
        assert mode(aside) == 0o600
        restored.save(Reflection(free_text="after the restore"))
        assert mode(Path(f"{restored.path}-wal")) == 0o600
    finally:
        restored.lock()
