"""Crash safety: a writer process killed with SIGKILL at random moments.

The writer is a child forked from the test process after imports and key derivation,
holding the already-derived data key, so no KDF runs per child. It opens its own
connection, writes, and reports each write on a pipe only after `save()` (or the like)
returned. After every kill the files as the kill left them (journal, -wal, -shm) are
copied and checked: SQLite's integrity check passes, the journal opens, the set hash
matches and every reported write decrypts. The live journal is then handed to the next
child, so recovery after a crash is itself crashed into.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage import crypto, keyslots, vault
from storage.errors import WrongPassphrase
from storage.journal import Journal, open_with_data_key
from storage.records import Reflection
from tests.conftest import (
    OTHER_PASSPHRASE,
    JournalTemplate,
    Reporter,
    current_entries,
    floor_params,
    fork_and_kill,
)

pytestmark = pytest.mark.slow

RUNS = 200
LINEAGE = 50  # crashes in a row on one journal before starting from a fresh copy
SIZES = [0, 40, 400, 4000, 16000]  # up to 4 pages per write


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _copy_crash_image(path: Path, folder: Path) -> Path:
    """The journal and its -wal/-shm exactly as the kill left them, in a fresh folder."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            shutil.copy(source, folder / f"{path.name}{suffix}")
    return folder / path.name


def _integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def _writer(path: Path, dek: bytes, seed: int):
    """A child that writes a random mix of saves, edits, deletes, restores, drafts and
    batches for ever, reporting each write once it returned."""

    def work(report: Reporter) -> None:
        journal = open_with_data_key(path, dek)
        rng = random.Random(seed)
        report.ready()
        step = 0
        while True:
            step += 1
            text = f"{seed}:{step}:" + "x" * rng.choice(SIZES)
            live = [r.id for r in journal.all(Reflection)]
            trashed = [e.record.id for e in journal.trash() if e.record.KIND == "reflection"]
            op = rng.choices(
                ["new", "edit", "delete", "restore", "draft", "batch"], [3, 3, 1, 1, 2, 1]
            )[0]
            if op == "edit" and live:
                record = journal.get(rng.choice(live))
                record.free_text = text
                entries = [journal.save(record)]
            elif op == "delete" and live:
                entries = [journal.delete(rng.choice(live))]
            elif op == "restore" and trashed:
                entries = [journal.restore(rng.choice(trashed))]
            elif op == "draft":
                draft = journal.save_draft("crash", {"free_text": text})
                entries = [journal.entry(draft.id)]
            elif op == "batch":
                batch = [Reflection(free_text=f"{text}:{i}") for i in range(3)]
                journal.add_many(batch)
                entries = [journal.entry(r.id) for r in batch]
            else:
                entries = [journal.save(Reflection(free_text=text))]
            for entry in entries:
                record = entry.record
                content = record.fields["free_text"] if record.KIND == "draft" else record.free_text
                report(
                    {
                        "id": record.id,
                        "kind": record.KIND,
                        "revision": entry.revision,
                        "sha": _sha(content),
                        "deleted": entry.deleted_at is not None,
                    }
                )

    return work


def _content(record) -> str:
    return record.fields["free_text"] if record.KIND == "draft" else record.free_text


def _check_reports(journal: Journal, reports: list[dict], latest: dict[str, dict]) -> None:
    """Every write reported in this run is there and decrypts to what was written; and no
    record is behind its last reported write (`latest`, updated here with this run's)."""
    for item in reports:
        if item["kind"] != "draft":  # a draft keeps only its newest row: checked below
            kept = {e.revision: e for e in journal.history(item["id"])}[item["revision"]]
            assert _sha(_content(kept.record)) == item["sha"]
            assert (kept.deleted_at is not None) == item["deleted"]
        latest[item["id"]] = item
    for record_id, item in latest.items():
        entry = journal.entry(record_id)  # RecordNotFound fails the test
        # the last reported write, or later ones that were in flight at a kill
        assert entry.revision >= item["revision"]
        if entry.revision == item["revision"]:
            assert _sha(_content(entry.record)) == item["sha"]
            assert (entry.deleted_at is not None) == item["deleted"]


def _check_live(live: Path, dek: bytes, latest: dict[str, dict]) -> None:
    """The live journal itself, after its run of crashes: every kept revision decrypts."""
    assert _integrity(live) == ["ok"]
    journal = open_with_data_key(live, dek)
    try:
        assert journal.report.clean
        for record_id in current_entries(journal):
            journal.history(record_id)
        assert journal.report.quarantined == []
        _check_reports(journal, [], latest)
    finally:
        journal.lock()


def test_a_writer_killed_at_random_moments_never_loses_a_committed_record(
    sample_template: JournalTemplate, tmp_path: Path
) -> None:
    dek = sample_template.dek
    rng = random.Random(20250304)
    reported = hot_wal = 0
    for run in range(RUNS):
        if run % LINEAGE == 0:  # a fresh journal now and then keeps the file small (fast)
            live = sample_template.copy_to(tmp_path / f"live-{run}")
            latest: dict[str, dict] = {}
        during_open = run % 10 == 9  # some kills land while the child opens or recovers
        reports = fork_and_kill(
            _writer(live, dek, seed=run),
            rng.uniform(0, 0.008 if during_open else 0.02),
            after_ready=not during_open,
        )
        wal = Path(f"{live}-wal")
        hot_wal += wal.exists() and wal.stat().st_size > 0
        reported += len(reports)
        image = _copy_crash_image(live, tmp_path / "image")
        # opening runs PRAGMA integrity_check and raises DamagedJournal unless it is "ok"
        journal = open_with_data_key(image, dek)
        try:
            assert journal.report.set_hash_ok, f"run {run}"
            assert journal.report.quarantined == [], f"run {run}"
            _check_reports(journal, reports, latest)
        finally:
            journal.lock()
        if run % LINEAGE == LINEAGE - 1:
            _check_live(live, dek, latest)
    assert reported > RUNS, "the writer hardly wrote: the kills proved nothing"
    assert hot_wal > RUNS // 2, "few kills left a WAL behind: they did not hit writes"


# ---- passphrase changes ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_slots(empty_template: JournalTemplate):
    """Two precomputed passphrase slots for the template's DEK and their KEKs (4 KDF runs,
    once, instead of 2 per crash)."""
    dek = empty_template.dek
    slots, keks = [], []
    for passphrase in (empty_template.passphrase, OTHER_PASSPHRASE):
        params = floor_params()
        slots.append(vault.passphrase_slot(dek, passphrase, params))
        keks.append(crypto.derive_passphrase_key(passphrase, params))
    return slots, keks


def _opens(kek: bytes, slot: vault.Slot) -> bool:
    try:
        crypto.open_sealed(AESGCM(kek), slot.blob, slot.aad())
    except Exception:
        return False
    return True


def _slot_switcher(path: Path, dek: bytes, slots: list[vault.Slot], start: int):
    def work(report: Reporter) -> None:
        journal = open_with_data_key(path, dek)
        report.ready()
        step = start
        while True:
            keyslots.write_slot(journal, slots[step % 2])
            report({"slot": step % 2})
            step += 1

    return work


def test_a_passphrase_change_killed_at_random_leaves_the_old_or_the_new_passphrase_working(
    empty_template: JournalTemplate, two_slots, tmp_path: Path
) -> None:
    slots, keks = two_slots
    dek = empty_template.dek
    live = empty_template.copy_to(tmp_path / "live")
    journal = open_with_data_key(live, dek)
    keyslots.write_slot(journal, slots[0])
    journal.lock()
    rng = random.Random(7)
    current, changes = 0, 0
    for run in range(RUNS):
        reports = fork_and_kill(
            _slot_switcher(live, dek, slots, start=current + 1), rng.uniform(0, 0.01)
        )
        changes += len(reports)
        image = _copy_crash_image(live, tmp_path / "image")
        slot = keyslots.read_slot(image, vault.PASSPHRASE_SLOT)
        assert (slot.params, slot.blob) in [(s.params, s.blob) for s in slots], f"run {run}"
        works = [i for i, kek in enumerate(keks) if _opens(kek, slot)]
        assert len(works) == 1, f"run {run}: the stored slot opens with {len(works)} passphrases"
        which = works[0]
        assert _integrity(image) == ["ok"]
        current = which
    assert changes > RUNS, "the slot was hardly rewritten: the kills proved nothing"


def _changer(path: Path, dek: bytes):
    def work(report: Reporter) -> None:
        journal = open_with_data_key(path, dek)
        report.ready()
        keyslots.change_passphrase(journal, OTHER_PASSPHRASE, floor_params())
        report({"changed": True})

    return work


@pytest.mark.parametrize("run", range(5))
def test_the_real_change_passphrase_killed_midway_leaves_exactly_one_passphrase_working(
    run: int, empty_template: JournalTemplate, tmp_path: Path
) -> None:
    live = empty_template.copy_to(tmp_path / "live")
    delay = random.Random(run).uniform(0.05, 0.4)  # the KDF takes ~0.1-0.25 s, then a commit
    reports = fork_and_kill(_changer(live, empty_template.dek), delay)
    image = _copy_crash_image(live, tmp_path / "image")
    working = []
    for passphrase in (empty_template.passphrase, OTHER_PASSPHRASE):
        try:
            keyslots.unlock(image, passphrase).lock()
            working.append(passphrase)
        except WrongPassphrase:
            pass
    assert len(working) == 1
    if reports:
        assert working == [OTHER_PASSPHRASE]
