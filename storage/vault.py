"""The journal file: SQLite layout, checks before opening, and the key slots.

A journal is one SQLite file (FORMAT.md). This module knows its tables and pragmas,
refuses anything that is not a healthy journal before writing a byte, never creates
over an existing file, and wraps/unwraps the data key (DEK) in key slots. Creating,
unlocking and rewrapping a journal use these through `storage.keyslots`.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage import crypto, paths
from storage.errors import (
    DamagedJournal,
    JournalExists,
    JournalNotFound,
    KdfBelowFloor,
    NewerFormat,
    NotAJournal,
    WrongPassphrase,
    WrongRecoveryKey,
)

FORMAT_VERSION = 2  # what this code writes; it reads 1 and 2 (1 is upgraded on unlock)
SLOT_FORMAT = 1  # the version in a key slot's AAD: still 1 in format 2 (FORMAT.md 4)
RECORD_FORMAT = 1  # the `format` column of record rows: still 1 in format 2 (FORMAT.md 5)
APPLICATION_ID = 0x524A4E4C  # "RJNL" in the SQLite header: marks the file as a journal
SQLITE_MAGIC = b"SQLite format 3\x00"
PASSPHRASE_SLOT = "passphrase"  # noqa: S105 - a slot id, not a secret
RECOVERY_SLOT = "recovery"
RECOVERY_INFO = b"reflective-journal recovery slot v1"
RECORD_KEY_INFO = b"reflective-journal records v1"
SET_HASH_KEY_INFO = b"reflective-journal set hash v1"
INTEGRITY_KEY_INFO = b"reflective-journal integrity v2"
KEY_ID_INFO = b"reflective-journal key id v2"
INTEGRITY = "integrity"  # meta row: the sealed set hash (format 2)
KEY_ID = "key_id"  # meta row: which data key the rows are under (format 2)
SET_HASH_V1 = "set_hash"  # meta row of format 1: the raw sum, never written any more

SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE slots (id TEXT PRIMARY KEY, kind TEXT NOT NULL, params TEXT NOT NULL,
                    blob BLOB NOT NULL);
CREATE TABLE records (id TEXT NOT NULL, revision INTEGER NOT NULL, kind TEXT NOT NULL,
                      format INTEGER NOT NULL, blob BLOB NOT NULL,
                      UNIQUE (id, revision));
"""


# SQLite's errors; a damaged schema can also make its message undecodable (UnicodeDecodeError)
UNREADABLE = (sqlite3.DatabaseError, UnicodeDecodeError)


def connect(path: Path) -> sqlite_utils.Database:
    """One connection for one session, usable from Streamlit's script threads.

    Writes are serialised by the Journal's lock and BEGIN IMMEDIATE. The folder, the
    file and its -wal and -shm are tightened to this user first (`paths.tighten_journal`).
    """
    paths.tighten_journal(path)  # SQLite gives a new -wal and -shm the file's own mode
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False)
        # WAL must be switched on outside a transaction, so before anything else
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA temp_store=MEMORY")
        paths.tighten_journal(path)  # a -wal or -shm another connection made in between
    except BaseException:
        conn.close()  # a refused file keeps no connection (and no -wal) behind
        raise
    return db


def check_file(path: Path) -> None:
    """Refuse, without writing anything, a path that is not a healthy journal of ours.

    Order: exists, non-empty, SQLite header, our application id, page-aligned size.
    """
    name = path.stem
    if not path.exists():
        raise JournalNotFound(name)
    size = path.stat().st_size
    if size == 0:
        raise DamagedJournal(name, "the file is empty (0 bytes)")
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotAJournal(name, "it is not an SQLite database")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise NotAJournal(name, "it is an SQLite database made by another program")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or size % page_size:
        raise DamagedJournal(name, "the file is truncated")


def read_meta(db: sqlite_utils.Database, name: str) -> dict[str, bytes]:
    """The meta table, after checking the format version is one this code reads."""
    try:
        meta = {row[0]: row[1] for row in db.execute("SELECT name, value FROM meta")}
    except UNREADABLE as exc:
        raise DamagedJournal(name, "its tables are unreadable") from exc
    try:
        found = int(meta.get("format_version", b"0"))
    except (TypeError, ValueError) as exc:
        raise DamagedJournal(name, "its format version is unreadable") from exc
    if found > FORMAT_VERSION:
        raise NewerFormat(name, found, FORMAT_VERSION)
    if found < 1:
        raise DamagedJournal(name, "the format version is missing")
    return meta


def integrity_check(db: sqlite_utils.Database | sqlite3.Connection, name: str) -> None:
    """SQLite's own check of every page; a damaged file is refused, never repaired."""
    try:
        result = [row[0] for row in db.execute("PRAGMA integrity_check")]
    except UNREADABLE as exc:
        raise DamagedJournal(name, "SQLite reports the file is malformed") from exc
    if result != ["ok"]:
        raise DamagedJournal(name, "SQLite's integrity check failed")


def check_pages(path: Path) -> None:
    """`integrity_check` on a read-only connection of its own, which another thread may
    run while the key is derived (SQLite and Argon2id both release the GIL)."""
    conn = open_readonly(path)
    try:
        integrity_check(conn, path.stem)
    finally:
        conn.close()


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection for checks: a bad file gets no -wal or -shm written beside it.

    `mode=ro` alone on a WAL journal creates -wal and -shm and, being read-only, cannot
    remove them on close. When neither exists (no connection is open and no crash left a
    WAL), the main file is the whole journal: `immutable=1` reads it creating nothing.
    Otherwise the existing WAL must be read, so plain `mode=ro`.
    """
    uri = path.absolute().as_uri()  # percent-encodes '?', '#', '%' in folder names
    if not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists():
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    return sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)


# ---- key slots ------------------------------------------------------------------------


@dataclass
class Slot:
    """A wrapped copy of the DEK, openable with a passphrase or the recovery key."""

    id: str
    kind: str
    params: str
    blob: bytes

    def aad(self) -> bytes:
        return f"slot|{self.id}|{SLOT_FORMAT}|{self.params}".encode()


def passphrase_slot(dek: bytes, passphrase: str, params: crypto.KdfParams) -> Slot:
    """Wrap the DEK under an Argon2id key from the passphrase."""
    slot = Slot(PASSPHRASE_SLOT, "argon2id", params.to_json(), b"")
    kek = crypto.derive_passphrase_key(passphrase, params)
    slot.blob = crypto.seal(kek, dek, slot.aad())
    return slot


def recovery_slot(dek: bytes, recovery_key: bytes) -> Slot:
    """Wrap the DEK under an HKDF key from the 32-byte recovery key."""
    salt = os.urandom(crypto.SALT_LEN)
    params = json.dumps({"algorithm": "hkdf-sha256", "salt": salt.hex()}, sort_keys=True)
    slot = Slot(RECOVERY_SLOT, "hkdf-sha256", params, b"")
    kek = crypto.hkdf(recovery_key, RECOVERY_INFO, salt)
    slot.blob = crypto.seal(kek, dek, slot.aad())
    return slot


def read_slot(db: sqlite_utils.Database, slot_id: str, name: str) -> Slot:
    try:
        row = db.execute(
            "SELECT id, kind, params, blob FROM slots WHERE id = ?", [slot_id]
        ).fetchone()
    except UNREADABLE as exc:
        raise DamagedJournal(name, "its key slots are unreadable") from exc
    if row is None:
        raise DamagedJournal(name, f"its {slot_id} key slot is missing")
    if not (isinstance(row[2], str) and isinstance(row[3], bytes)):
        raise DamagedJournal(name, f"its {slot_id} key slot is damaged")
    return Slot(*row)


def unwrap_with_passphrase(slot: Slot, passphrase: str) -> bytes:
    """The DEK, or WrongPassphrase; parameters below the floor are refused before deriving."""
    try:
        params = crypto.KdfParams.from_json(slot.params)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # JSON but not an object
        raise KdfBelowFloor("the stored key settings are unreadable") from exc
    try:
        kek = crypto.derive_passphrase_key(passphrase, params)
    except ValueError as exc:  # Argon2id refuses the combination, e.g. lanes > memory / 8
        raise KdfBelowFloor("the stored key settings are out of range") from exc
    try:
        return crypto.open_sealed(AESGCM(kek), slot.blob, slot.aad())
    except InvalidTag as exc:
        raise WrongPassphrase() from exc


def unwrap_with_recovery_key(slot: Slot, recovery_key: bytes) -> bytes:
    """The DEK, or WrongRecoveryKey; unreadable slot settings raise KdfBelowFloor."""
    try:
        salt = bytes.fromhex(json.loads(slot.params)["salt"])
    except (ValueError, KeyError, TypeError) as exc:
        raise KdfBelowFloor("the stored recovery key settings are unreadable") from exc
    kek = crypto.hkdf(recovery_key, RECOVERY_INFO, salt)
    try:
        return crypto.open_sealed(AESGCM(kek), slot.blob, slot.aad())
    except InvalidTag as exc:
        raise WrongRecoveryKey() from exc


def header_digest(db: sqlite_utils.Database) -> bytes:
    """The digest of every meta row but `integrity` and every key slot (FORMAT.md 6.2)."""
    meta = _typed_rows(db, "meta", ["name", "value"])
    slots = _typed_rows(db, "slots", ["id", "kind", "params", "blob"])
    return crypto.header_digest(meta, slots)


def _typed_rows(db: sqlite_utils.Database, table: str, columns: list[str]) -> list[list]:
    """Each column as (typeof, bytes): text that is not UTF-8 any more still reads."""
    select = ", ".join(f"typeof({c}), CAST({c} AS BLOB)" for c in columns)
    rows = db.execute(f"SELECT {select} FROM {table}").fetchall()  # noqa: S608 - our names
    return [[(row[i], row[i + 1]) for i in range(0, len(row), 2)] for row in rows]


# ---- the sealed set hash and the key id (format 2) ----------------------------------------


def format_of(meta: dict[str, bytes]) -> int:
    """The format version of a file whose meta `read_meta` accepted."""
    return int(meta["format_version"])


def key_id(dek: bytes) -> bytes:
    """A public name of a data key: tells a writer holding another key to stop."""
    return crypto.hkdf(dek, KEY_ID_INFO)


def integrity_key(dek: bytes) -> bytes:
    """The key that seals the set hash, the write counter and the header digest."""
    return crypto.hkdf(dek, INTEGRITY_KEY_INFO)


def integrity_aad(journal_id: object) -> bytes:
    """Binds the sealed value to this journal and format: not movable to another file."""
    ident = journal_id if isinstance(journal_id, bytes) else b""
    return b"integrity|" + ident + b"|2"


def open_integrity(meta: dict[str, bytes], dek_integrity_key: bytes) -> crypto.Integrity | None:
    """The sealed value of a format-2 file, or None when it was changed outside the app."""
    aad = integrity_aad(meta.get("journal_id"))
    return crypto.open_integrity(dek_integrity_key, meta.get(INTEGRITY), aad)


def write_integrity_meta(db: sqlite_utils.Database, dek: bytes, counter: int, total: int) -> None:
    """Make the meta rows those of format 2 under `dek`: version, key id, no raw sum, and
    the sealed value over the header as it now is (callers hold a write transaction)."""
    upsert = "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)"
    db.execute(upsert, ["format_version", str(FORMAT_VERSION).encode()])
    db.execute(upsert, [KEY_ID, key_id(dek)])
    db.execute("DELETE FROM meta WHERE name = ?", [SET_HASH_V1])
    journal_id = db.execute("SELECT value FROM meta WHERE name = 'journal_id'").fetchone()
    value = crypto.Integrity(counter, total, header_digest(db))
    sealed = crypto.seal_integrity(
        integrity_key(dek), value, integrity_aad(journal_id[0] if journal_id else None)
    )
    db.execute(upsert, [INTEGRITY, sealed])


def write_slot(db: sqlite_utils.Database, slot: Slot) -> None:
    """Insert or replace one slot row (callers hold a write transaction)."""
    db.execute(
        "INSERT OR REPLACE INTO slots (id, kind, params, blob) VALUES (?, ?, ?, ?)",
        [slot.id, slot.kind, slot.params, slot.blob],
    )


# ---- creating a journal ---------------------------------------------------------------


def create_file(path: Path, dek: bytes, slots: list[Slot]) -> None:
    """Build a new journal beside `path` and link it into place only if `path` is free.

    os.link fails when the target exists, so two creators can never clobber a journal.
    """
    if path.exists():
        raise JournalExists(path.stem)
    paths.private_folder(path.parent)
    tmp = path.with_name(f".{path.name}.creating-{secrets.token_hex(4)}")
    paths.new_private_file(tmp)  # 0600 before a byte is written; the link keeps the mode
    conn = sqlite3.connect(str(tmp))
    try:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("PRAGMA secure_delete=ON")
        conn.executescript(SCHEMA)
        db = sqlite_utils.Database(conn, execute_plugins=False)
        with db.atomic():
            for name, value in {
                "magic": b"reflective-practice-journal",
                "journal_id": secrets.token_hex(16).encode(),
            }.items():
                db.execute("INSERT INTO meta (name, value) VALUES (?, ?)", [name, value])
            for slot in slots:
                write_slot(db, slot)
            write_integrity_meta(db, dek, counter=0, total=0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.close()
        os.link(tmp, path)
    except FileExistsError as exc:
        raise JournalExists(path.stem) from exc
    finally:
        conn.close()
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
