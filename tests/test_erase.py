"""Erasing a client: every record about them goes, with history and trash, from the file,
its write-ahead log and any backup made afterwards; nothing else is touched."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from practice import caseload, entries, erase
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import (
    Answer,
    Client,
    Comment,
    Estimate,
    Feedback,
    Reflection,
    Session,
)
from tests.conftest import record_rows, sweep_for_canary

CANARY = "ERASECANARY4417zq"


def client_with_everything(journal: Journal, code: str, canary: str) -> dict[str, str]:
    client = Client(code=code, alias=f"{canary} alias", goals=f"{canary} goals")
    session = Session(client_id=client.id, date=date(2026, 5, 4), number=1)
    reflection = Reflection(
        session_id=session.id,
        client_id=client.id,
        answers=[Answer("p-1", "What happened?", f"{canary} first answer")],
    )
    trashed = Reflection(client_id=client.id, free_text=f"{canary} trashed")
    comment = Comment(reflection.id, 1, f"{canary} comment", "AAAAA", received=True)
    journal.save_all(
        [
            client,
            session,
            Estimate(session.id, "sac4", {"goals": 5}),
            Feedback(session.id, "sac4", {"goals": 7}, comment=f"{canary} feedback"),
            reflection,
            trashed,
            comment,
        ]
    )
    reflection.answers[0].answer = f"{canary} second answer"
    journal.save(reflection)
    journal.delete(trashed.id)
    journal.save_draft("reflect", {"rf_client": client.id, "rf_free_text": f"{canary} draft"})
    return {"client": client.id, "session": session.id, "reflection": reflection.id}


def blobs_of(journal: Journal, ids: list[str]) -> list[bytes]:
    return [
        blob
        for (record_id, _), (_, _, blob) in record_rows(journal.path).items()
        if record_id in ids
    ]


def test_erasing_a_client_leaves_nothing_of_them_anywhere(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    started = time.time()
    kept = client_with_everything(journal, "C-900", "KEEPCANARY88xq")
    gone = client_with_everything(journal, "C-901", CANARY)
    ids = erase.client_records(journal, gone["client"])
    assert len(ids) == 8  # client, session, estimate, feedback, 2 reflections, comment, draft
    blobs = blobs_of(journal, ids)
    assert len(blobs) == 10  # the edited and the trashed reflection have two revisions each

    assert erase.erase_client(journal, gone["client"], "C-901") == 8
    assert journal.search(CANARY, include_trash=True) == []
    assert journal.search("KEEPCANARY88xq") != []
    assert caseload.sessions_of(journal, kept["client"]) != []
    assert journal.verify().ok
    backup = journal.backup(tmp_path / "backups")

    for path in [*journal_path.parent.iterdir(), backup]:
        data = path.read_bytes()
        assert not any(blob[12:60] in data for blob in blobs), path.name
    opened = journal.open_backup(backup)
    try:
        assert opened.search(CANARY, include_trash=True) == []
        assert opened.client_by_code("C-901") is None
        assert opened.client_by_code("C-900") is not None
    finally:
        opened.lock()
    journal.lock()
    sweep_for_canary(CANARY, [journal_path.parent, tmp_path / "backups"], started)


@pytest.mark.parametrize("typed", ["", "C-90", "c-901", "C-902"])
def test_erasing_needs_the_exact_code_and_erases_nothing_otherwise(
    journal: Journal, typed: str
) -> None:
    gone = client_with_everything(journal, "C-901", CANARY)
    version = journal.version
    with pytest.raises(InvalidRecord, match="exactly"):
        erase.erase_client(journal, gone["client"], typed)
    assert journal.version == version
    assert len(erase.client_records(journal, gone["client"])) == 8


def test_erasing_a_client_also_drops_unsaved_changes_to_their_entries(journal: Journal) -> None:
    gone = client_with_everything(journal, "C-901", CANARY)
    journal.save_draft(
        entries.EDIT_DRAFT, {"entry_id": gone["reflection"], "free_text": f"{CANARY} unsaved"}
    )
    erase.erase_client(journal, gone["client"], "C-901")
    assert journal.draft(entries.EDIT_DRAFT) is None
