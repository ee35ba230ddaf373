"""Canary sweep of the storage layer: a unique string written through every storage
feature must never reach the disk in a readable form (journal, -wal, -shm, backups,
the temp folder, ~/.streamlit), in UTF-8, UTF-16 or Base64."""

from __future__ import annotations

import base64
import os
import time
from datetime import date
from pathlib import Path

import pytest

from storage import keyslots, paths
from storage.journal import Journal, open_with_data_key
from storage.records import Answer, Client, Feedback, Reflection, Session, Settings
from tests.conftest import (
    PASSPHRASE,
    Reporter,
    assert_no_canary,
    data_key,
    find_canary,
    floor_params,
    fork_and_kill,
    sweep_for_canary,
)


def _write_everything(journal: Journal, canary: str) -> None:
    """The canary through every storage feature that takes text."""
    client = Client(code="C-901", alias=canary, goals=f"goals {canary}")
    journal.save(client)
    session = Session(client_id=client.id, date=date(2025, 6, 1), number=1)
    journal.save(session)
    journal.save(Feedback(session_id=session.id, instrument="srs", items={"a": 9}, comment=canary))
    reflection = Reflection(
        session_id=session.id,
        client_id=client.id,
        answers=[Answer("p-1", f"prompt {canary}", f"answer {canary}")],
        free_text=canary,
        next_step=f"next {canary}",
        tags=[canary],
    )
    journal.save(reflection)
    reflection.free_text = f"{canary} edited"  # a new revision
    journal.save(reflection)
    assert journal.search(canary)  # the in-memory index
    journal.delete(reflection.id)  # to the trash
    journal.restore(reflection.id)
    journal.restore_revision(reflection.id, 1)
    journal.delete(reflection.id)
    journal.save_draft("reflect", {"free_text": canary})
    journal.save_draft("reflect", {"free_text": f"{canary} more"})
    journal.discard_draft("reflect")
    journal.save_draft("feedback", {"comment": canary})  # kept
    journal.save_settings(Settings(custom_prompts=[{"id": "mine", "text": canary}]))
    journal.add_many([Reflection(free_text=f"{canary} batch {i}") for i in range(5)])


def _crash_writer(path: Path, dek: bytes, canary: str):
    def work(report: Reporter) -> None:
        journal = open_with_data_key(path, dek)
        report.ready()
        step = 0
        while True:
            step += 1
            journal.save(Reflection(free_text=f"{canary} {step} " + "y" * 3000))
            journal.save_draft("reflect", {"free_text": f"{canary} {step}"})
            report({"step": step})

    return work


def test_a_canary_written_through_every_storage_feature_never_reaches_the_disk(
    canary: str, data_folder: Path
) -> None:
    started = time.time()
    path = paths.journal_path("canary")
    backups = data_folder / "backups"
    journal, _ = keyslots.create(path, PASSPHRASE, floor_params())
    _write_everything(journal, canary)
    journal.backup(backups)
    assert Path(f"{path}-wal").stat().st_size > 0 and Path(f"{path}-shm").exists()
    sweep_for_canary(canary, [data_folder], started)  # open: -wal and -shm in use
    journal.lock()
    dek = data_key(path, PASSPHRASE)
    sweep_for_canary(canary, [data_folder], started)

    reports = fork_and_kill(_crash_writer(path, dek, canary), 0.03)
    assert reports and Path(f"{path}-wal").stat().st_size > 0, "the kill hit no write"
    sweep_for_canary(canary, [data_folder], started)  # the crash image, before recovery

    reopened = keyslots.unlock(path, PASSPHRASE)
    assert reopened.report.clean and reopened.search(canary)
    reopened.backup(backups)
    reopened.lock()
    assert len(list(backups.iterdir())) == 2
    sweep_for_canary(canary, [data_folder], started)


# ---- the sweep itself can fail --------------------------------------------------------------


def _encodings(canary: str, shift: int) -> dict[str, bytes]:
    raw = canary.encode()
    padding = b"\x00" * shift
    return {
        "utf-8": raw,
        "utf-16-le": canary.encode("utf-16-le"),
        "utf-16-be": canary.encode("utf-16-be"),
        "base64": base64.b64encode(padding + raw),
        "base64url": base64.urlsafe_b64encode(padding + raw),
        "hex": raw.hex().encode(),
    }


@pytest.mark.parametrize("shift", [0, 1, 2])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be", "base64", "base64url"])
def test_the_sweep_finds_a_canary_in_every_encoding_and_alignment(
    encoding: str, shift: int, canary: str, tmp_path: Path
) -> None:
    leaked = tmp_path / "deep" / "folder" / "leak.bin"
    leaked.parent.mkdir(parents=True)
    leaked.write_bytes(os.urandom(1000 + shift) + _encodings(canary, shift)[encoding] + b"\n")
    hits = find_canary([tmp_path], canary)
    assert hits and all(hit[0] == leaked for hit in hits)
    assert any(hit[1].startswith(encoding.split("-")[0]) for hit in hits)
    with pytest.raises(AssertionError, match="leak.bin") as failure:
        assert_no_canary([tmp_path], canary)
    assert canary not in str(failure.value)  # the report never repeats the canary


def test_the_sweep_finds_a_canary_across_a_read_boundary(canary: str, tmp_path: Path) -> None:
    leaked = tmp_path / "big.bin"
    leaked.write_bytes(b"z" * ((1 << 20) - 5) + canary.encode() + b"z" * 10)
    assert find_canary([leaked], canary) == [(leaked, "utf-8", (1 << 20) - 5)]


def test_the_temp_sweep_still_reads_a_new_file_whose_modification_time_was_set_back(
    canary: str, tmp_path: Path
) -> None:
    """Copying with preserved times (cp -p, shutil.copy2) must not hide a leak."""
    leaked = tmp_path / "old-looking.txt"
    leaked.write_text(canary)
    os.utime(leaked, (time.time() - 3600, time.time() - 3600))
    assert find_canary([tmp_path], canary, modified_since=time.time() - 60)


def test_the_sweep_finds_nothing_where_there_is_nothing(canary: str, tmp_path: Path) -> None:
    (tmp_path / "other.txt").write_text("canary" + "0" * 24)
    assert find_canary([tmp_path, tmp_path / "missing"], canary) == []
