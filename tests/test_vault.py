"""The journal file: paths, creating, checks before opening, wrong keys, damaged files,
newer formats, the KDF floor on stored slots, and failing closed without Argon2id."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from cryptography.exceptions import UnsupportedAlgorithm

from storage import crypto, keyslots, vault
from storage.errors import (
    DamagedJournal,
    JournalError,
    JournalExists,
    KdfBelowFloor,
    KdfUnavailable,
    NewerFormat,
    NotAJournal,
    WrongPassphrase,
)
from storage.journal import Journal
from storage.records import Reflection
from tests.conftest import (
    OTHER_PASSPHRASE,
    PASSPHRASE,
    Argon2idTripwire,
    JournalTemplate,
    edit_db,
    floor_params,
    folder_state,
    make_template,
)

# ---- creating ------------------------------------------------------------------------------


def test_a_new_journal_is_a_wal_sqlite_file_marked_as_ours_with_two_slots(
    data_folder: Path,
) -> None:
    path = data_folder / "new.journal"
    journal, recovery_key = keyslots.create(path, PASSPHRASE, floor_params())
    journal.lock()
    assert sorted(p.name for p in data_folder.iterdir()) == ["new.journal"]
    header = path.read_bytes()[:100]
    assert header.startswith(vault.SQLITE_MAGIC)
    assert int.from_bytes(header[68:72], "big") == vault.APPLICATION_ID
    assert header[18:20] == b"\x02\x02"  # WAL
    with edit_db(path) as conn:
        tables = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master"))
        meta = dict(conn.execute("SELECT name, value FROM meta"))
        slots = sorted(r[0] for r in conn.execute("SELECT id FROM slots"))
    assert [t for t in tables if not t.startswith("sqlite_autoindex")] == [
        "meta",
        "records",
        "slots",
    ]
    assert meta["format_version"] == b"2"
    # format 2: the set hash is sealed, never stored as a raw sum (SECURITY.md test 17)
    assert sorted(meta) == ["format_version", "integrity", "journal_id", "key_id", "magic"]
    assert slots == ["passphrase", "recovery"]
    assert len(crypto.parse_recovery_key(recovery_key)) == 32


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("synchronous", 2), ("secure_delete", 1), ("temp_store", 2)],
)
def test_an_open_journal_uses_the_durable_and_scrubbing_sqlite_settings(
    pragma: str,
    expected: object,
    journal_path: Path,
    empty_template: JournalTemplate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """WAL, synchronous=FULL, secure_delete=ON, temp_store=MEMORY (SECURITY.md), asked of
    the very connection the journal opened (the settings but WAL are per connection)."""
    connections = []

    def connect(path: Path):
        db = real_connect(path)
        connections.append(db)
        return db

    real_connect = vault.connect
    monkeypatch.setattr(vault, "connect", connect)
    journal = empty_template.open(journal_path)
    try:
        (db,) = connections
        assert db.execute(f"PRAGMA {pragma}").fetchone()[0] == expected
    finally:
        journal.lock()


def test_creating_over_an_existing_journal_raises_and_leaves_it_untouched(
    journal_path: Path,
) -> None:
    before = folder_state(journal_path.parent)
    with pytest.raises(JournalExists):
        keyslots.create(journal_path, OTHER_PASSPHRASE, floor_params())
    assert folder_state(journal_path.parent) == before


def test_a_journal_appearing_while_creating_is_not_overwritten(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exists() check can race with another creator; the final link refuses anyway."""
    before = folder_state(journal_path.parent)
    real_exists = Path.exists
    monkeypatch.setattr(Path, "exists", lambda p: p != journal_path and real_exists(p))
    dek = crypto.new_key()
    with pytest.raises(JournalExists):
        vault.create_file(journal_path, dek, [vault.recovery_slot(dek, crypto.new_key())])
    monkeypatch.undo()
    assert folder_state(journal_path.parent) == before  # and no temporary file is left


# ---- damaged files -------------------------------------------------------------------------


def _sqlite_of_another_program(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('shopping list')")
    conn.commit()
    conn.close()


def _damage(kind: str, good: bytes, path: Path) -> None:
    page = 4096
    if kind == "zero-length":
        path.write_bytes(b"")
    elif kind == "random-bytes":
        path.write_bytes(os.urandom(3 * page))
    elif kind == "text-file":
        path.write_text("Dear diary,\r\nthis is not a journal file.\n" * 50)
    elif kind == "other-sqlite":
        _sqlite_of_another_program(path)
    elif kind == "truncated-mid-page":
        path.write_bytes(good[: len(good) - 1000])
    elif kind == "truncated-to-header":
        path.write_bytes(good[:100])
    elif kind == "truncated-to-50-bytes":
        path.write_bytes(good[:50])
    elif kind == "truncated-to-first-page":
        path.write_bytes(good[:page])
    elif kind == "truncated-to-half":
        path.write_bytes(good[: len(good) // 2 // page * page])
    elif kind == "last-page-zeroed":
        path.write_bytes(good[:-page] + bytes(page))
    elif kind == "a-page-overwritten":
        path.write_bytes(good[: 2 * page] + os.urandom(page) + good[3 * page :])
    else:
        raise AssertionError(kind)


DAMAGE = [
    ("zero-length", DamagedJournal),
    ("random-bytes", NotAJournal),
    ("text-file", NotAJournal),
    ("other-sqlite", NotAJournal),
    ("truncated-mid-page", DamagedJournal),
    ("truncated-to-header", (DamagedJournal, NotAJournal)),
    ("truncated-to-50-bytes", NotAJournal),
    ("truncated-to-first-page", DamagedJournal),
    ("truncated-to-half", DamagedJournal),
    ("last-page-zeroed", DamagedJournal),
    ("a-page-overwritten", DamagedJournal),
]


@pytest.fixture(scope="module")
def bulky_template(tmp_path_factory: pytest.TempPathFactory) -> JournalTemplate:
    """A journal of several dozen pages, so truncating and overwriting pages hurts."""

    def fill(journal: Journal) -> dict[str, str]:
        journal.add_many([Reflection(free_text=f"reflection {i} " * 30) for i in range(150)])
        return {}

    return make_template(tmp_path_factory.mktemp("bulky"), fill)


@pytest.mark.parametrize(("kind", "error"), DAMAGE, ids=[d[0] for d in DAMAGE])
def test_a_damaged_file_gives_a_typed_error_and_is_left_exactly_as_it_was(
    kind: str, error: type, bulky_template: JournalTemplate, data_folder: Path
) -> None:
    path = data_folder / "journal.journal"
    _damage(kind, bulky_template.path.read_bytes(), path)
    before = folder_state(data_folder)
    with pytest.raises(error) as raised:
        keyslots.unlock(path, bulky_template.passphrase)
    assert isinstance(raised.value, JournalError) and "Nothing was changed" in str(raised.value)
    with pytest.raises((DamagedJournal, NotAJournal)):
        keyslots.unlock_with_recovery_key(path, bulky_template.recovery_key)
    assert folder_state(data_folder) == before


@pytest.mark.parametrize(("kind", "error"), DAMAGE, ids=[d[0] for d in DAMAGE])
def test_creating_a_journal_over_a_damaged_file_is_refused(
    kind: str, error: type, bulky_template: JournalTemplate, data_folder: Path
) -> None:
    path = data_folder / "journal.journal"
    _damage(kind, bulky_template.path.read_bytes(), path)
    before = folder_state(data_folder)
    with pytest.raises(JournalExists):
        keyslots.create(path, PASSPHRASE, floor_params())
    assert folder_state(data_folder) == before


@pytest.fixture(scope="module")
def journal_with_wal(tmp_path_factory: pytest.TempPathFactory, bulky_template: JournalTemplate):
    """A copy of a journal taken while open: the main file plus a -wal holding 12 separate
    commits that were never checkpointed. Returns (folder, texts in commit order)."""
    live = tmp_path_factory.mktemp("live")
    path = bulky_template.copy_to(live)
    journal = bulky_template.open(path)
    texts = [f"committed {i} " + "w" * 3000 for i in range(12)]
    for text in texts:
        journal.save(Reflection(free_text=text))
    image = tmp_path_factory.mktemp("wal-image")
    shutil.copy(path, image / path.name)
    shutil.copy(f"{path}-wal", image / f"{path.name}-wal")
    journal.lock()
    return image, texts


@pytest.mark.parametrize("keep", [1.0, 0.9, 0.5, 0.1, 0.01, 0.0])
def test_a_truncated_wal_opens_to_a_state_of_whole_transactions_only(
    keep: float, journal_with_wal, bulky_template: JournalTemplate, data_folder: Path
) -> None:
    """SQLite ignores the frames after the last complete commit in the WAL, so a truncated
    WAL is a crash image: it must open with some prefix of the commits, each whole, the
    set hash consistent and nothing quarantined (never a half-written record)."""
    image, texts = journal_with_wal
    path = data_folder / "journal.journal"
    shutil.copy(image / path.name, path)
    wal = (image / f"{path.name}-wal").read_bytes()
    Path(f"{path}-wal").write_bytes(wal[: int(len(wal) * keep)])
    journal = keyslots.unlock(path, bulky_template.passphrase)
    try:
        found = {r.free_text for r in journal.all(Reflection) if r.free_text.startswith("commit")}
        assert found == set(texts[: len(found)])  # the first k commits, whole
        assert journal.report.clean
        if keep == 1.0:
            assert found == set(texts)
        if keep == 0.5:
            assert 0 < len(found) < len(texts)
    finally:
        journal.lock()


# ---- format versions and stored slots ------------------------------------------------------


def test_a_journal_from_a_newer_format_version_is_refused_and_nothing_is_written(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    with edit_db(sample_path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE name = 'format_version'", [b"3"])
    before = folder_state(sample_path.parent)
    with pytest.raises(NewerFormat, match="format 3"):
        keyslots.unlock(sample_path, sample_template.passphrase)
    with pytest.raises(NewerFormat):
        keyslots.unlock_with_recovery_key(sample_path, sample_template.recovery_key)
    with pytest.raises(NewerFormat):
        sample_template.open(sample_path)
    assert folder_state(sample_path.parent) == before


def test_a_journal_without_a_format_version_is_refused_as_damaged(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    with edit_db(journal_path) as conn:
        conn.execute("DELETE FROM meta WHERE name = 'format_version'")
    before = folder_state(journal_path.parent)
    with pytest.raises(DamagedJournal):
        keyslots.unlock(journal_path, empty_template.passphrase)
    assert folder_state(journal_path.parent) == before


@pytest.mark.parametrize("slot_id", [vault.PASSPHRASE_SLOT, vault.RECOVERY_SLOT])
def test_a_missing_key_slot_is_reported_as_damage(
    slot_id: str, journal_path: Path, empty_template: JournalTemplate
) -> None:
    with edit_db(journal_path) as conn:
        conn.execute("DELETE FROM slots WHERE id = ?", [slot_id])
    before = folder_state(journal_path.parent)
    with pytest.raises(DamagedJournal, match="key slot is missing"):
        if slot_id == vault.PASSPHRASE_SLOT:
            keyslots.unlock(journal_path, empty_template.passphrase)
        else:
            keyslots.unlock_with_recovery_key(journal_path, empty_template.recovery_key)
    assert folder_state(journal_path.parent) == before


def _set_slot_params(path: Path, **changes: int) -> None:
    with edit_db(path) as conn:
        (text,) = conn.execute("SELECT params FROM slots WHERE id = 'passphrase'").fetchone()
        params = crypto.KdfParams.from_json(text)
        weaker = crypto.KdfParams(**{**params.__dict__, **changes})
        conn.execute("UPDATE slots SET params = ? WHERE id = 'passphrase'", [weaker.to_json()])


@pytest.mark.parametrize(
    "changes",
    [
        {"memory_kib": 65535},
        {"memory_kib": 1024},
        {"iterations": 2},
        {"iterations": 1},
    ],
    ids=["memory-65535", "memory-1024", "iterations-2", "iterations-1"],
)
def test_slot_parameters_edited_below_the_floor_are_refused_before_deriving(
    changes: dict,
    journal_path: Path,
    empty_template: JournalTemplate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _set_slot_params(journal_path, **changes)
    before = folder_state(journal_path.parent)
    monkeypatch.setattr(crypto, "Argon2id", Argon2idTripwire)
    with pytest.raises(KdfBelowFloor):
        keyslots.unlock(journal_path, empty_template.passphrase)
    assert folder_state(journal_path.parent) == before


# ---- failing closed without Argon2id -------------------------------------------------------


class NoArgon2idInThisBuild:
    """What cryptography raises when its OpenSSL/backend has no Argon2id."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise UnsupportedAlgorithm("Argon2id is not supported by this version of OpenSSL.")


@pytest.mark.parametrize("stand_in", [None, NoArgon2idInThisBuild], ids=["missing", "unsupported"])
def test_without_argon2id_creating_fails_closed_and_writes_no_file(
    stand_in, data_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "Argon2id", stand_in)
    with pytest.raises(KdfUnavailable):
        keyslots.create(data_folder / "journal.journal", PASSPHRASE, floor_params())
    assert list(data_folder.iterdir()) == []


@pytest.mark.parametrize("stand_in", [None, NoArgon2idInThisBuild], ids=["missing", "unsupported"])
def test_without_argon2id_unlocking_fails_closed_and_changes_nothing(
    stand_in, journal_path: Path, empty_template: JournalTemplate, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = folder_state(journal_path.parent)
    monkeypatch.setattr(crypto, "Argon2id", stand_in)
    with pytest.raises(KdfUnavailable):
        keyslots.unlock(journal_path, empty_template.passphrase)
    assert folder_state(journal_path.parent) == before


def test_a_journal_in_a_folder_whose_name_has_uri_characters_unlocks(
    empty_template: JournalTemplate, tmp_path: Path
) -> None:
    path = empty_template.copy_to(tmp_path / "notes #1? 100% mine")
    with pytest.raises(WrongPassphrase):
        keyslots.unlock(path, OTHER_PASSPHRASE)
    keyslots.unlock(path, empty_template.passphrase).lock()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
