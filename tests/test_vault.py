"""The journal file: paths, creating, checks before opening, wrong keys, damaged files,
newer formats, the KDF floor on stored slots, and failing closed without Argon2id."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from cryptography.exceptions import UnsupportedAlgorithm

from storage import crypto, paths, vault
from storage.errors import (
    DamagedJournal,
    InvalidJournalName,
    JournalError,
    JournalExists,
    JournalNotFound,
    KdfBelowFloor,
    KdfUnavailable,
    MalformedRecoveryKey,
    NewerFormat,
    NotAJournal,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
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

# ---- paths ---------------------------------------------------------------------------------


def test_the_data_folder_is_journal_data_dir_when_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "elsewhere"))
    assert paths.data_dir() == tmp_path / "elsewhere"
    assert paths.journal_path("practice") == tmp_path / "elsewhere" / "practice.journal"


def test_a_tilde_in_journal_data_dir_means_the_home_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(paths.ENV_DATA_DIR, "~/journals")
    assert paths.data_dir() == Path.home() / "journals"


def test_without_journal_data_dir_the_per_user_data_folder_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(paths.ENV_DATA_DIR, raising=False)
    assert paths.data_dir().name == "reflective-journal"
    assert paths.data_dir().is_absolute()


@pytest.mark.parametrize(
    "name", ["journal", "demo", "Practice 2025", "a", "x" * 40, "team_b-2", "  padded  "]
)
def test_a_valid_journal_name_gives_a_file_in_the_data_folder(name: str, tmp_path: Path) -> None:
    path = paths.journal_path(name, tmp_path)
    assert path.parent == tmp_path
    assert path.name == f"{name.strip()}.journal"


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "../escape",
        "a/b",
        "a\\b",
        ".hidden",
        "-leading-dash",
        "_leading",
        "x" * 41,
        "name.journal",
        "caf\u00e9",
        "nul\x00byte",
        "new\nline",
        "/etc/passwd",
        "~",
    ],
)
def test_an_invalid_journal_name_is_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidJournalName):
        paths.journal_path(name, tmp_path)


def test_listing_journals_shows_journal_files_only_alphabetically(tmp_path: Path) -> None:
    for name in ("zeta.journal", "alpha.journal", ".alpha.journal.creating-1a2b", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "folder.journal").mkdir()
    (tmp_path / "alpha.journal-wal").write_bytes(b"x")
    assert paths.list_journals(tmp_path) == ["alpha", "zeta"]


def test_listing_journals_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert paths.list_journals(tmp_path / "missing") == []


# ---- creating ------------------------------------------------------------------------------


def test_a_new_journal_is_a_wal_sqlite_file_marked_as_ours_with_two_slots(
    data_folder: Path,
) -> None:
    path = data_folder / "new.journal"
    journal, recovery_key = Journal.create(path, PASSPHRASE, floor_params())
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
    assert meta["format_version"] == b"1"
    assert slots == ["passphrase", "recovery"]
    assert len(crypto.parse_recovery_key(recovery_key)) == 32


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("synchronous", 2), ("secure_delete", 1), ("temp_store", 2)],
)
def test_an_open_journal_uses_the_durable_and_scrubbing_sqlite_settings(
    pragma: str, expected: object, journal
) -> None:
    """WAL, synchronous=FULL, secure_delete=ON, temp_store=MEMORY (SECURITY.md)."""
    assert journal._db.execute(f"PRAGMA {pragma}").fetchone()[0] == expected


def test_creating_over_an_existing_journal_raises_and_leaves_it_untouched(
    journal_path: Path,
) -> None:
    before = folder_state(journal_path.parent)
    with pytest.raises(JournalExists):
        Journal.create(journal_path, OTHER_PASSPHRASE, floor_params())
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


def test_a_weak_passphrase_creates_nothing(data_folder: Path) -> None:
    with pytest.raises(WeakPassphrase):
        Journal.create(data_folder / "weak.journal", "short", floor_params())
    assert list(data_folder.iterdir()) == []


# ---- wrong passphrase and recovery key -----------------------------------------------------


def test_a_wrong_passphrase_raises_wrong_passphrase_and_changes_no_file(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    before = folder_state(sample_path.parent)
    with pytest.raises(WrongPassphrase):
        Journal.unlock(sample_path, OTHER_PASSPHRASE)
    assert folder_state(sample_path.parent) == before  # same bytes, no -wal or -shm left
    journal = Journal.unlock(sample_path, sample_template.passphrase)
    assert journal.report.clean and journal.get(sample_template.ids["plain"])
    journal.lock()


def test_a_wrong_passphrase_while_another_session_has_the_journal_open_changes_nothing(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    other_session = sample_template.open(sample_path)
    names = sorted(p.name for p in sample_path.parent.iterdir())
    with pytest.raises(WrongPassphrase):
        Journal.unlock(sample_path, OTHER_PASSPHRASE)
    assert sorted(p.name for p in sample_path.parent.iterdir()) == names
    other_session.save(Reflection(free_text="still writable"))
    other_session.lock()
    assert sorted(p.name for p in sample_path.parent.iterdir()) == [sample_path.name]


def test_a_wrong_recovery_key_raises_wrong_recovery_key_and_changes_no_file(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    before = folder_state(sample_path.parent)
    with pytest.raises(WrongRecoveryKey):
        Journal.unlock_with_recovery_key(sample_path, crypto.format_recovery_key(bytes(32)))
    assert folder_state(sample_path.parent) == before
    journal = Journal.unlock_with_recovery_key(sample_path, sample_template.recovery_key)
    assert journal.needs_new_passphrase
    journal.lock()


def test_a_malformed_recovery_key_is_refused_before_reading_the_file(tmp_path: Path) -> None:
    with pytest.raises(MalformedRecoveryKey):
        Journal.unlock_with_recovery_key(tmp_path / "missing.journal", "not-a-key")


def test_unlocking_a_missing_journal_raises_journal_not_found(tmp_path: Path) -> None:
    with pytest.raises(JournalNotFound):
        Journal.unlock(tmp_path / "missing.journal", PASSPHRASE)
    assert list(tmp_path.iterdir()) == []


def test_a_passphrase_typed_in_decomposed_unicode_opens_a_journal_made_composed(
    data_folder: Path,
) -> None:
    composed = "\u00e9t\u00e9 caf\u00e9 \u00e0 la plage"
    decomposed = "e\u0301te\u0301 cafe\u0301 a\u0300 la plage"
    path = data_folder / "accents.journal"
    Journal.create(path, composed, floor_params())[0].lock()
    Journal.unlock(path, decomposed).lock()


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
        Journal.unlock(path, bulky_template.passphrase)
    assert isinstance(raised.value, JournalError) and "Nothing was changed" in str(raised.value)
    with pytest.raises((DamagedJournal, NotAJournal)):
        Journal.unlock_with_recovery_key(path, bulky_template.recovery_key)
    assert folder_state(data_folder) == before


@pytest.mark.parametrize(("kind", "error"), DAMAGE, ids=[d[0] for d in DAMAGE])
def test_creating_a_journal_over_a_damaged_file_is_refused(
    kind: str, error: type, bulky_template: JournalTemplate, data_folder: Path
) -> None:
    path = data_folder / "journal.journal"
    _damage(kind, bulky_template.path.read_bytes(), path)
    before = folder_state(data_folder)
    with pytest.raises(JournalExists):
        Journal.create(path, PASSPHRASE, floor_params())
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
    journal = Journal.unlock(path, bulky_template.passphrase)
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
        conn.execute("UPDATE meta SET value = ? WHERE name = 'format_version'", [b"2"])
    before = folder_state(sample_path.parent)
    with pytest.raises(NewerFormat, match="format 2"):
        Journal.unlock(sample_path, sample_template.passphrase)
    with pytest.raises(NewerFormat):
        Journal.unlock_with_recovery_key(sample_path, sample_template.recovery_key)
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
        Journal.unlock(journal_path, empty_template.passphrase)
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
            Journal.unlock(journal_path, empty_template.passphrase)
        else:
            Journal.unlock_with_recovery_key(journal_path, empty_template.recovery_key)
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
        Journal.unlock(journal_path, empty_template.passphrase)
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
        Journal.create(data_folder / "journal.journal", PASSPHRASE, floor_params())
    assert list(data_folder.iterdir()) == []


@pytest.mark.parametrize("stand_in", [None, NoArgon2idInThisBuild], ids=["missing", "unsupported"])
def test_without_argon2id_unlocking_fails_closed_and_changes_nothing(
    stand_in, journal_path: Path, empty_template: JournalTemplate, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = folder_state(journal_path.parent)
    monkeypatch.setattr(crypto, "Argon2id", stand_in)
    with pytest.raises(KdfUnavailable):
        Journal.unlock(journal_path, empty_template.passphrase)
    assert folder_state(journal_path.parent) == before


def test_a_journal_in_a_folder_whose_name_has_uri_characters_unlocks(
    empty_template: JournalTemplate, tmp_path: Path
) -> None:
    path = empty_template.copy_to(tmp_path / "notes #1? 100% mine")
    with pytest.raises(WrongPassphrase):
        Journal.unlock(path, OTHER_PASSPHRASE)
    Journal.unlock(path, empty_template.passphrase).lock()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
