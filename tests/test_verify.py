"""Verify journal: every row decrypted, SQLite's integrity check, the set hash; and the
batch purge that erasing a client relies on."""

from __future__ import annotations

from pathlib import Path

from storage.journal import Journal
from storage.records import Reflection
from tests.conftest import JournalTemplate, count_rows, edit_db, find_canary, flip_bit, record_rows


def test_a_whole_journal_verifies_with_every_revision_counted(
    sample_journal: Journal,
) -> None:
    result = sample_journal.verify()
    assert result.ok and result.integrity == [] and result.quarantined == []
    rows = count_rows(sample_journal.path)
    assert result.rows == rows == result.decrypted


def test_a_changed_earlier_revision_is_found_and_listed(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    edited = sample_template.ids["edited"]
    with edit_db(sample_path) as db:
        blob = db.execute(
            "SELECT blob FROM records WHERE id = ? AND revision = 1", [edited]
        ).fetchone()[0]
        db.execute(
            "UPDATE records SET blob = ? WHERE id = ? AND revision = 1",
            [flip_bit(blob, 20), edited],
        )
    journal = sample_template.open(sample_path)
    try:
        assert journal.report.quarantined == []  # open reads only the current revision
        result = journal.verify()
        assert not result.ok
        assert [(q.id, q.revision) for q in result.quarantined] == [(edited, 1)]
    finally:
        journal.lock()


def test_a_deleted_row_breaks_the_set_hash(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    with edit_db(sample_path) as db:
        db.execute("DELETE FROM records WHERE id = ?", [sample_template.ids["plain"]])
    journal = sample_template.open(sample_path)
    try:
        result = journal.verify()
        assert not result.set_hash_ok and not result.ok
    finally:
        journal.lock()


def test_purge_many_erases_every_revision_and_checkpoint_empties_the_wal(
    journal: Journal, journal_path: Path
) -> None:
    canary = "PURGECANARY5528xq"
    first = Reflection(free_text=f"{canary} one")
    second = Reflection(free_text="two")
    journal.save_all([first, second])
    first.free_text = f"{canary} edited"
    journal.save(first)
    blobs = [
        blob
        for (record_id, _), (_, _, blob) in record_rows(journal_path).items()
        if record_id in (first.id, second.id)
    ]
    assert len(blobs) == 3
    journal.purge_many([first.id, second.id])
    journal.checkpoint()
    assert journal.all(Reflection) == []
    assert journal.verify().ok
    journal.lock()
    assert find_canary([journal_path.parent], canary) == []
    # the ciphertext itself is gone from every file of the folder (secure_delete zeroed it)
    for path in journal_path.parent.iterdir():
        data = path.read_bytes()
        assert not any(blob[12:60] in data for blob in blobs), path.name
