"""The Journal: the one door from the screens to the data.

An unlocked Journal holds the data key and the decrypted records of one browser
session (it lives in `st.session_state`, never in a cache). Reads come from memory;
every write is one SQLite transaction that adds an encrypted row and updates the keyed
set hash in constant time.
"""

from __future__ import annotations

import gc
import json
import json.scanner
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage import crypto, paths, vault
from storage.errors import (
    BackupError,
    DamagedJournal,
    InvalidRecord,
    KeyChanged,
    RecordNotFound,
    RekeyRefused,
)
from storage.records import (
    RECORD_TYPES,
    Client,
    Comment,
    Draft,
    Feedback,
    Reflection,
    Settings,
    decoders,
    from_plain,
    now,
    to_plain,
)
from storage.search import Term, parse_query, term_counts, term_spans, words_of

T = TypeVar("T")
# Kinds whose earlier revisions are not worth keeping: a draft is replaced in place.
UNVERSIONED_KINDS = frozenset({Draft.KIND})
REKEY_BATCH = 500  # rows re-encrypted between two progress reports


@dataclass(slots=True)
class Entry:
    """A record as stored: the record, its revision and when it was saved or trashed."""

    record: Any
    revision: int
    saved_at: datetime
    deleted_at: datetime | None = None


@dataclass
class QuarantinedRow:
    """A row that failed to decrypt: kept untouched, reported, never overwritten."""

    id: str
    revision: int
    kind: str
    reason: str


@dataclass
class OpenReport:
    """What the checks at open found."""

    set_hash_ok: bool = True
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    header_ok: bool = True  # key slots and meta rows as the app last wrote them

    @property
    def clean(self) -> bool:
        return self.set_hash_ok and self.header_ok and not self.quarantined


@dataclass
class Verification:
    """What "Verify journal" found: every row of the file, not only current records."""

    integrity: list[str] = field(default_factory=list)
    rows: int = 0
    decrypted: int = 0
    records: int = 0
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    set_hash_ok: bool = False
    header_ok: bool = True  # key slots and meta rows as the app last wrote them

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.quarantined and self.set_hash_ok and self.header_ok


@dataclass
class SearchHit:
    """One record holding every term of a search, and how often each occurs."""

    record: Any
    terms: tuple[Term, ...]
    counts: tuple[int, ...]  # occurrences of each term, in the order of `terms`

    @property
    def text(self) -> str:
        return searchable_text(self.record)

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Where the terms occur in `text` as whole words; computed when shown."""
        return term_spans(self.text, self.terms)


_SCAN_JSON = json.scanner.make_scanner(json.JSONDecoder())


def _parse_json(plain: bytes) -> dict[str, Any]:
    """json.loads for our own UTF-8 JSON objects, calling the C scanner directly.

    Opening a journal parses every record: json.loads' encoding detection and wrappers
    cost a third as much again as the parse itself.
    """
    text = plain.decode("utf-8")
    try:
        value, end = _SCAN_JSON(text, 0)
    except StopIteration as exc:
        raise ValueError("not JSON") from exc
    if end != len(text) or not isinstance(value, dict):
        raise ValueError("not a single JSON object")
    return value


def _entry(plain: bytes, build: Callable[..., Any], record_id: str, revision: int) -> Entry:
    """A decrypted envelope as an entry; `build(data, record_id)` makes its record."""
    envelope = _parse_json(plain)
    deleted = envelope.get("deleted_at")
    return Entry(
        build(envelope["data"], record_id),
        revision,
        datetime.fromisoformat(envelope["saved_at"]),
        datetime.fromisoformat(deleted) if deleted else None,
    )


def _envelope(record: Any, deleted_at: datetime | None) -> bytes:
    data = {"v": 1, "data": to_plain(record), "saved_at": now().isoformat()}
    data["deleted_at"] = deleted_at.isoformat() if deleted_at else None
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _stored_hash(value: object) -> int:
    """The set hash kept in meta; -1 (never a real total) when it is not bytes."""
    return int.from_bytes(value, "big") if isinstance(value, bytes) else -1


def _malformed(
    record_id: object, revision: object, kind: object, fmt: object, blob: object
) -> QuarantinedRow | None:
    """A row no writer of ours could have made: wrong types, or a revision below 1."""
    well_typed = (
        isinstance(record_id, str)
        and isinstance(kind, str)
        and isinstance(fmt, int)
        and isinstance(blob, bytes)
        and isinstance(revision, int)
    )
    if well_typed and revision >= 1:
        return None
    return QuarantinedRow(
        str(record_id)[:64],
        revision if isinstance(revision, int) else -1,
        str(kind)[:32],
        "not a row this app writes (changed outside it)",
    )


def record_aad(kind: str, record_id: str, revision: int, fmt: int = vault.RECORD_FORMAT) -> bytes:
    """AAD binds a blob to its row: moved, re-kinded or re-numbered, it fails to open."""
    return f"{kind}|{record_id}|{revision}|{fmt}".encode()


class Journal:
    """An unlocked journal. Made by storage.keyslots: `create`, `unlock` or
    `unlock_with_recovery_key`; key slots themselves are changed there too."""

    def __init__(self, path: Path, db: Any, dek: bytes) -> None:
        self.path = path
        self.name = path.stem
        self._db = db
        self._use_key(dek)
        self._lock = threading.RLock()
        self._entries: dict[str, Entry] = {}
        self._by_kind: dict[str, dict[str, Entry]] = {kind: {} for kind in RECORD_TYPES}
        self._search_text: dict[str, str] = {}  # record id → its words (storage.search)
        self.report = OpenReport()
        self.needs_new_passphrase = False
        self.version = 0  # goes up with every change seen by this session: keys derived views
        self._data_version = 0  # SQLite's count of commits by other connections

    # ---- opening and closing ----------------------------------------------------------

    def _use_key(self, dek: bytes) -> None:
        """Derive the subkeys of a data key (at open, and after a re-key)."""
        self._dek = dek
        self._record_key = crypto.hkdf(dek, vault.RECORD_KEY_INFO)
        self._cipher = AESGCM(self._record_key)
        self._set_key = crypto.hkdf(dek, vault.SET_HASH_KEY_INFO)
        self._integrity_key = vault.integrity_key(dek)
        self._key_id = vault.key_id(dek)

    def _check_key(self, meta: dict[str, bytes]) -> None:
        """Refuse to read or write a format-2 file whose rows are under another key."""
        if vault.format_of(meta) >= 2 and meta.get(vault.KEY_ID) != self._key_id:
            raise KeyChanged(self.name)

    def _check_integrity(self, meta: dict[str, bytes], total: int) -> tuple[bool, bool]:
        """(the rows match the set hash, the header matches) for the file's format."""
        if vault.format_of(meta) == 1:  # a raw sum: rows only, and fixable by subtraction
            return total == _stored_hash(meta.get(vault.SET_HASH_V1)), True
        sealed = vault.open_integrity(meta, self._integrity_key)
        if sealed is None:  # the sealed value itself was changed, moved or deleted
            return False, False
        return sealed.total == total, sealed.header == vault.header_digest(self._db)

    def _load(self, meta: dict[str, bytes]) -> None:
        """Decrypt the newest revision of every record and check the set hash."""
        collecting = gc.isenabled()
        gc.disable()  # json.loads of every record would trigger many full collections
        try:
            total = self._load_rows()
            # The records live until the lock: out of the collector's sight, or the first
            # allocation after this walks them all (0.15 s at 10k), and every full
            # collection after it again
            gc.freeze()
        except vault.UNREADABLE as exc:
            raise DamagedJournal(self.name, "its records are unreadable") from exc
        finally:
            if collecting:
                gc.enable()
        self.report.set_hash_ok, self.report.header_ok = self._check_integrity(meta, total)

    def _load_rows(self) -> int:
        """One pass over the rows in storage order; returns their set hash.

        A row newer than what was seen for its id replaces it, so memory holds only the
        current records (edited records cost an extra decrypt of the earlier revision).
        Rows of the expected shape take a path with every lookup done once (what `_admit`
        does, inline); anything else, or any failure, goes through `_admit` to be judged.
        """
        tags = []
        seen: dict[str, int] = {}
        failed: dict[str, QuarantinedRow] = {}
        decrypt, decode = self._cipher.decrypt, decoders()
        entries, by_kind = self._entries, self._by_kind
        shortest, nonce = crypto.NONCE_LEN + 16, crypto.NONCE_LEN
        inline = not self._search_text  # an index being kept needs `_remember`
        for record_id, revision, kind, fmt, blob in self._db.execute(
            "SELECT id, revision, kind, format, blob FROM records"
        ):
            well_typed = (
                type(blob) is bytes
                and type(record_id) is str
                and type(kind) is str
                and type(fmt) is int
                and type(revision) is int
            )
            tags.append(crypto.blob_tag(blob if isinstance(blob, bytes) else b""))
            if not (well_typed and revision >= 1):
                malformed = _malformed(record_id, revision, kind, fmt, blob)
                if malformed is not None:  # e.g. a newest revision renumbered to roll it back
                    self.report.quarantined.append(malformed)
                    continue
            previous = seen.get(record_id)
            if previous is not None and revision <= previous:
                continue
            seen[record_id] = revision
            build = decode.get(kind)
            if inline and well_typed and build is not None and len(blob) >= shortest:
                try:
                    aad = record_aad(kind, record_id, revision, fmt)
                    plain = decrypt(blob[:nonce], blob[nonce:], aad)
                    entry = _entry(plain, build, record_id, revision)
                except Exception:  # noqa: BLE001 - judged again, and reported, by _admit
                    entry = None
                if entry is not None:
                    self.version += 1
                    entries[record_id] = by_kind[kind][record_id] = entry
                    failed.pop(record_id, None)
                    continue
            problem = self._admit(record_id, revision, kind, fmt, blob)
            if problem is None:
                failed.pop(record_id, None)
            else:
                failed[record_id] = problem
                self._forget(record_id)
        self.report.quarantined.extend(failed.values())
        return crypto.set_hash_total(self._set_key, b"".join(tags))

    def _admit(
        self, record_id: str, revision: int, kind: str, fmt: int, blob: bytes
    ) -> QuarantinedRow | None:
        """Decrypt one row into memory; returns why it must be quarantined, if it must."""
        opened = self._decrypt_row(record_id, revision, kind, fmt, blob)
        if isinstance(opened, QuarantinedRow):
            return opened
        self._remember(opened)
        return None

    def _decrypt_row(
        self, record_id: str, revision: int, kind: str, fmt: int, blob: bytes
    ) -> Entry | QuarantinedRow:
        """The row as a typed entry, or why it must be quarantined."""
        try:
            plain = crypto.open_sealed(
                self._cipher, blob, record_aad(kind, record_id, revision, fmt)
            )
            return self._entry_from(kind, record_id, revision, plain)
        except InvalidTag:
            return QuarantinedRow(record_id, revision, kind, "does not decrypt (changed or moved)")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = f"unreadable content ({type(exc).__name__})"
            return QuarantinedRow(record_id, revision, kind, reason)

    def _remember(self, entry: Entry) -> None:
        self.version += 1
        record = entry.record
        self._entries[record.id] = entry
        self._by_kind[record.KIND][record.id] = entry
        if self._search_text:
            self._index(record.id, entry)

    def _forget(self, record_id: str) -> None:
        self.version += 1
        entry = self._entries.pop(record_id, None)
        if entry is not None:
            self._by_kind[entry.record.KIND].pop(record_id, None)
        self._search_text.pop(record_id, None)

    def _quarantine(self, record_id: str, revision: int, kind: str, reason: str) -> None:
        if any(q.id == record_id and q.revision == revision for q in self.report.quarantined):
            return  # history() may meet the same row again
        self.report.quarantined.append(QuarantinedRow(record_id, revision, kind, reason))

    @staticmethod
    def _entry_from(kind: str, record_id: str, revision: int, plain: bytes) -> Entry:
        return _entry(plain, lambda data, rid: from_plain(kind, rid, data), record_id, revision)

    def _file_version(self) -> int:
        # fetchall: a cursor left open would hold a read snapshot and hide others' commits
        return self._db.execute("PRAGMA data_version").fetchall()[0][0]

    def sync(self) -> bool:
        """Take in what another window or tab saved to the file since this one last
        looked (a re-read of every record); True when something had changed."""
        with self._lock:
            current = self._file_version()
            if current == self._data_version:
                return False
            self._data_version = current
            meta = vault.read_meta(self._db, self.name)
            self._check_key(meta)  # re-keyed in another tab: this key reads nothing any more
            self._entries.clear()
            for kind_entries in self._by_kind.values():
                kind_entries.clear()
            self._search_text.clear()
            self.report = OpenReport()
            self._load(meta)
            self.version += 1
            return True

    @property
    def is_open(self) -> bool:
        return self._db is not None

    @property
    def holds_keys(self) -> bool:
        """Whether this object still holds any key material (never once it is locked)."""
        keys = (self._dek, self._record_key, self._set_key, self._integrity_key, self._key_id)
        return any(keys) or self._cipher is not None

    def lock(self) -> None:
        """Close the file and drop the key and every decrypted record from this object."""
        with self._lock:
            if self._db is not None:
                self._db.conn.close()
            self._db = None
            self._entries.clear()
            for entries in self._by_kind.values():
                entries.clear()
            self._search_text.clear()
            self._dek = self._record_key = self._set_key = b""
            self._integrity_key = self._key_id = b""
            self._cipher = None
        gc.unfreeze()  # what the open froze is garbage now, cycles included

    # ---- reading ----------------------------------------------------------------------

    def all(self, cls: type[T], include_trash: bool = False) -> list[T]:
        """Current records of one type, in no particular order (sort by their dates)."""
        entries = self._by_kind[cls.KIND].values()
        return [e.record for e in entries if include_trash or e.deleted_at is None]

    def get(self, record_id: str) -> Any:
        """The current revision of a record (trashed ones included)."""
        return self.entry(record_id).record

    def entry(self, record_id: str) -> Entry:
        try:
            return self._entries[record_id]
        except KeyError:
            raise RecordNotFound(record_id) from None

    def history(self, record_id: str) -> list[Entry]:
        """Every kept revision of a record, oldest first."""
        self.entry(record_id)
        rows = self._db.execute(
            "SELECT revision, kind, format, blob FROM records WHERE id = ? ORDER BY revision",
            [record_id],
        ).fetchall()
        entries = []
        for revision, kind, fmt, blob in rows:
            aad = record_aad(kind, record_id, revision, fmt)
            try:  # an earlier revision is only decrypted here: quarantine it, like at open
                plain = crypto.open_sealed(self._cipher, blob, aad)
                entries.append(self._entry_from(kind, record_id, revision, plain))
            except InvalidTag:
                self._quarantine(record_id, revision, kind, "does not decrypt (changed or moved)")
            except (ValueError, KeyError, TypeError) as exc:
                self._quarantine(
                    record_id, revision, kind, f"unreadable content ({type(exc).__name__})"
                )
        return entries

    def trash(self) -> list[Entry]:
        """Trashed records, most recently deleted first."""
        trashed = [e for e in self._entries.values() if e.deleted_at is not None]
        return sorted(trashed, key=lambda e: e.deleted_at, reverse=True)

    @property
    def settings(self) -> Settings:
        found = self.all(Settings)
        return found[0] if found else Settings()

    def draft(self, key: str) -> Draft | None:
        """The autosaved draft of a screen, if any."""
        return next((d for d in self.all(Draft) if d.key == key), None)

    def client_by_code(self, code: str) -> Client | None:
        wanted = code.strip().casefold()
        return next((c for c in self.all(Client) if c.code.casefold() == wanted), None)

    def search(self, query: str, include_trash: bool = False) -> list[SearchHit]:
        """Records holding every word and "quoted phrase" of `query` as whole words,
        ignoring case and accents (storage.search says how a query reads)."""
        terms = parse_query(query)
        if not terms:
            return []
        self.prepare_search()
        # the longest term first: it is the likeliest to rule a record out
        first, *rest = sorted((t.needle for t in terms), key=len, reverse=True)
        hits = []
        for record_id, words in self._search_text.items():
            if first in words and (not rest or all(needle in words for needle in rest)):
                entry = self._entries[record_id]
                if entry.deleted_at is None or include_trash:
                    hits.append(SearchHit(entry.record, terms, term_counts(words, terms)))
        return hits

    def prepare_search(self) -> None:
        """Build the index of every record's words, if it is not built yet: the first
        search waits for it otherwise (0.4 s at 10k sessions). Safe from another thread:
        a search or a save meanwhile waits, and sees the whole index or none."""
        with self._lock:
            if self._search_text or self._db is None:
                return
            for record_id, entry in self._entries.items():
                self._index(record_id, entry)

    def _index(self, record_id: str, entry: Entry) -> None:
        text = searchable_text(entry.record)
        if text:
            self._search_text[record_id] = words_of(text)
        else:
            self._search_text.pop(record_id, None)

    # ---- writing ----------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One IMMEDIATE transaction: rows and the set hash change together or not at all."""
        with self._lock:
            if self._db is None:
                raise InvalidRecord("journal", "the journal is locked")
            conn = self._db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                with self._db.atomic():
                    yield
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def _adjust_set_hash(self, delta: int, slot: vault.Slot | None = None) -> None:
        """Inside a write transaction: add `delta` to the set hash (and store `slot`), in
        time independent of the journal's size. A value changed outside the app is left
        as found, so it stays reported: later writes never heal it."""
        meta = vault.read_meta(self._db, self.name)
        if vault.format_of(meta) == 1:  # until the next unlock upgrades it (a restored backup)
            self._adjust_v1(meta, delta, slot)
            return
        self._check_key(meta)
        sealed = vault.open_integrity(meta, self._integrity_key)
        header = sealed.header if sealed else b""
        if slot is not None:
            whole = sealed is not None and header == vault.header_digest(self._db)
            vault.write_slot(self._db, slot)
            header = vault.header_digest(self._db) if whole else header
        if sealed is None:
            return
        value = crypto.Integrity(sealed.counter + 1, crypto.combine(sealed.total, delta), header)
        aad = vault.integrity_aad(meta.get("journal_id"))
        self._db.execute(
            "UPDATE meta SET value = ? WHERE name = ?",
            [crypto.seal_integrity(self._integrity_key, value, aad), vault.INTEGRITY],
        )

    def _adjust_v1(self, meta: dict[str, bytes], delta: int, slot: vault.Slot | None) -> None:
        """Format 1: the raw sum, as version 1 of the app kept it."""
        if slot is not None:
            vault.write_slot(self._db, slot)
        current = _stored_hash(meta.get(vault.SET_HASH_V1))
        if current < 0:
            return  # unreadable: left as found
        new = crypto.combine(current, delta).to_bytes(32, "big")
        self._db.execute("UPDATE meta SET value = ? WHERE name = ?", [new, vault.SET_HASH_V1])

    def _write(self, record: Any, deleted_at: datetime | None) -> Entry:
        return self._write_all([(record, deleted_at)])[0]

    def _write_all(self, changes: list[tuple[Any, datetime | None]]) -> list[Entry]:
        """Store each record as its next revision, all in one transaction."""
        written = []
        with self._writing():
            delta = 0
            for record, deleted_at in changes:
                row, plain, change = self._next_revision(record, deleted_at)
                delta += change
                written.append((row, plain))
            self._adjust_set_hash(delta)
        entries = [self._entry_from(kind, rid, rev, plain) for (rid, rev, kind), plain in written]
        for entry in entries:
            self._remember(entry)
        return entries

    def _next_revision(
        self, record: Any, deleted_at: datetime | None
    ) -> tuple[tuple[str, int, str], bytes, int]:
        """Insert one row (inside a write transaction); returns it and its set-hash change."""
        kind, record_id = record.KIND, record.id
        rows = self._db.execute(
            "SELECT revision, kind, format, blob FROM records WHERE id = ?", [record_id]
        ).fetchall()
        if any(row[1] != kind for row in rows):
            raise InvalidRecord(kind, "that id belongs to another kind of record")
        if not rows and record_id in self._entries and kind not in UNVERSIONED_KINDS:
            # known here but gone from the file: deleted for good in another tab
            raise InvalidRecord(kind, "it was deleted for good in another window or tab")
        revision = max((row[0] for row in rows), default=0) + 1
        plain = _envelope(record, deleted_at)
        blob = crypto.seal(self._record_key, plain, record_aad(kind, record_id, revision))
        delta = crypto.set_hash_element(self._set_key, crypto.blob_tag(blob))
        if kind in UNVERSIONED_KINDS:
            for row in rows:
                delta -= crypto.set_hash_element(self._set_key, crypto.blob_tag(row[3]))
            self._db.execute("DELETE FROM records WHERE id = ?", [record_id])
        self._db.execute(
            "INSERT INTO records (id, revision, kind, format, blob) VALUES (?, ?, ?, ?, ?)",
            [record_id, revision, kind, vault.RECORD_FORMAT, blob],
        )
        return (record_id, revision, kind), plain, delta

    def save(self, record: Any) -> Entry:
        """Add a record, or keep the old revision and store this one as the next."""
        return self._write(record, deleted_at=None)

    def save_all(self, records: list[Any]) -> list[Entry]:
        """Save several records together: all of them are stored, or none."""
        return self._write_all([(record, None) for record in records])

    def add_many(self, records: list[Any]) -> None:
        """Add new records in one transaction (imports, the demo generator).

        Every record must be new to the journal; one failure writes nothing.
        """
        rows, entries, delta = [], {}, 0
        fmt = vault.RECORD_FORMAT
        for record in records:
            if record.id in self._entries or record.id in entries:
                raise InvalidRecord(record.KIND, "add_many takes only new records")
            plain = _envelope(record, None)
            blob = crypto.seal(self._record_key, plain, record_aad(record.KIND, record.id, 1))
            delta += crypto.set_hash_element(self._set_key, crypto.blob_tag(blob))
            rows.append((record.id, 1, record.KIND, fmt, blob))
            entries[record.id] = self._entry_from(record.KIND, record.id, 1, plain)
        try:
            with self._writing():
                self._db.conn.executemany(
                    "INSERT INTO records (id, revision, kind, format, blob) VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
                self._adjust_set_hash(delta)
        except sqlite3.IntegrityError as exc:  # an id held by a quarantined row
            raise InvalidRecord("import", "an id is already used in this journal") from exc
        for entry in entries.values():
            self._remember(entry)

    def delete(self, record_id: str) -> Entry:
        """Move a record to the trash (a new revision marked deleted; undoable)."""
        entry = self.entry(record_id)
        return self._write(entry.record, deleted_at=now())

    def restore(self, record_id: str) -> Entry:
        """Take a record out of the trash."""
        entry = self.entry(record_id)
        return self._write(entry.record, deleted_at=None)

    def restore_revision(self, record_id: str, revision: int) -> Entry:
        """Make an earlier revision current again (as a new revision; nothing is lost)."""
        old = next((e for e in self.history(record_id) if e.revision == revision), None)
        if old is None:
            raise RecordNotFound(f"{record_id} revision {revision}")
        return self._write(old.record, deleted_at=None)

    def purge(self, record_id: str) -> None:
        """Erase every revision of a record for good (secure_delete overwrites the pages)."""
        self.purge_many([record_id])

    def purge_many(self, record_ids: list[str]) -> None:
        """Erase every revision of several records, in one transaction (all or none)."""
        for record_id in record_ids:
            self.entry(record_id)
        with self._writing():
            delta = 0
            for record_id in record_ids:
                rows = self._db.execute(
                    "SELECT blob FROM records WHERE id = ?", [record_id]
                ).fetchall()
                delta -= sum(
                    crypto.set_hash_element(self._set_key, crypto.blob_tag(r[0])) for r in rows
                )
                self._db.execute("DELETE FROM records WHERE id = ?", [record_id])
            self._adjust_set_hash(delta)
        for record_id in record_ids:
            self._forget(record_id)

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the file and empty it, so erased pages leave the
        -wal too (secure_delete has already zeroed them in the file)."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def save_draft(self, key: str, fields: dict[str, Any]) -> Draft:
        """Autosave a screen's unsaved fields (replaces the previous draft of that screen)."""
        draft = self.draft(key) or Draft(key=key)
        draft.fields = dict(fields)
        draft.saved_at = now()
        self.save(draft)
        return draft

    def discard_draft(self, key: str) -> None:
        draft = self.draft(key)
        if draft is not None:
            self.purge(draft.id)

    def save_settings(self, settings: Settings) -> None:
        current = self.all(Settings)
        if current:
            settings.id = current[0].id
        self.save(settings)

    # ---- verifying ----------------------------------------------------------------------

    def verify(self) -> Verification:
        """Check the whole file: SQLite's integrity check, every revision of every record
        decrypted, and the set hash recomputed over all rows. Changes nothing."""
        with self._lock:
            integrity = [row[0] for row in self._db.execute("PRAGMA integrity_check")]
            result = Verification(integrity=[] if integrity == ["ok"] else integrity)
            tags = []
            for record_id, revision, kind, fmt, blob in self._db.execute(
                "SELECT id, revision, kind, format, blob FROM records ORDER BY id, revision"
            ):
                result.rows += 1
                tags.append(crypto.blob_tag(blob if isinstance(blob, bytes) else b""))
                opened = _malformed(record_id, revision, kind, fmt, blob) or self._decrypt_row(
                    record_id, revision, kind, fmt, blob
                )
                if isinstance(opened, QuarantinedRow):
                    result.quarantined.append(opened)
                else:
                    result.decrypted += 1
            meta = vault.read_meta(self._db, self.name)
            self._check_key(meta)
            total = crypto.set_hash_total(self._set_key, b"".join(tags))
            result.set_hash_ok, result.header_ok = self._check_integrity(meta, total)
        result.records = len({q.id for q in result.quarantined} | set(self._entries))
        return result

    def _rows_total(self) -> int:
        """The set hash of every row now in the file (one pass over the tags)."""
        blobs = self._db.execute("SELECT blob FROM records").fetchall()
        tags = b"".join(crypto.blob_tag(b if isinstance(b, bytes) else b"") for (b,) in blobs)
        return crypto.set_hash_total(self._set_key, tags)

    def _rows_after(self, rowid: int) -> list[tuple]:
        """The next batch of rows in storage order, for a re-key (inside its transaction)."""
        return self._db.execute(
            "SELECT rowid, kind, id, revision, format, blob FROM records WHERE rowid > ? "
            "ORDER BY rowid LIMIT ?",
            [rowid, REKEY_BATCH],
        ).fetchall()

    def _plain_of(
        self, kind: object, record_id: object, revision: object, fmt: object, blob: object
    ) -> bytes:
        """A row's plaintext for a re-key; RekeyRefused for a row that does not decrypt."""
        broken = _malformed(record_id, revision, kind, fmt, blob)
        if broken is None:
            try:
                return crypto.open_sealed(
                    self._cipher, blob, record_aad(kind, record_id, revision, fmt)
                )
            except InvalidTag:
                pass
        raise RekeyRefused(
            "some stored rows do not decrypt (Verify journal lists them) and would be lost. "
            "Restore a backup first, or keep this file for recovery."
        )

    def open_backup(self, path: Path) -> Journal:
        """Open another file made from this journal (a backup) with this journal's key,
        to check or restore it. Raises DamagedJournal and the like, as unlocking does."""
        return open_with_data_key(path, self._dek)

    # ---- backups ----------------------------------------------------------------------

    def backup(self, folder: Path) -> Path:
        """An encrypted copy made with SQLite's backup API; never overwrites a file."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(f"the folder cannot be made ({exc.strerror})") from exc
        stamp = now().strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"{self.name}-backup-{stamp}.journal"
        try:
            paths.new_private_file(target)  # 0600 from the start; never over an existing file
        except FileExistsError as exc:
            raise BackupError(f"{target.name} already exists") from exc
        except OSError as exc:
            raise BackupError(f"the backup file cannot be made ({exc.strerror})") from exc
        try:
            with self._lock:
                out = sqlite3.connect(str(target))
                try:
                    self._db.conn.backup(out)
                    out.execute("PRAGMA journal_mode=DELETE")
                finally:
                    out.close()
        except (sqlite3.Error, OSError) as exc:
            target.unlink(missing_ok=True)
            raise BackupError(str(exc.__class__.__name__)) from exc
        return target


# ---- the ways in for storage.keyslots ---------------------------------------------------


def open_with_data_key(path: Path, data_key: bytes, *, pages_checked: bool = False) -> Journal:
    """Open the journal file at `path` with its data key, already unwrapped from a key slot.

    The way in for storage.keyslots (and for tests that hold a known key, to skip the
    KDF); screens unlock through storage.keyslots. The file is checked first: a damaged
    one raises DamagedJournal and nothing is written. `pages_checked`: SQLite's page
    check (`vault.check_pages`) has just passed, run while the key was derived.
    """
    vault.check_file(path)
    try:
        db = vault.connect(path)
    except vault.UNREADABLE as exc:
        raise DamagedJournal(path.stem, "SQLite cannot open it") from exc
    try:
        if not pages_checked:
            vault.integrity_check(db, path.stem)
        meta = vault.read_meta(db, path.stem)
        journal = Journal(path, db, data_key)
        journal._check_key(meta)  # e.g. an old slot pasted back after a re-key
        journal._data_version = journal._file_version()
        journal._load(meta)
    except BaseException:
        db.conn.close()
        raise
    return journal


def wrap_data_key(journal: Journal, wrap: Callable[[bytes], vault.Slot]) -> vault.Slot:
    """A new key slot for an open journal: `wrap` (e.g. `vault.recovery_slot` with its
    secret bound) receives the data key and must return a Slot: the key itself is never
    handed back to the caller. For storage.keyslots."""
    slot = wrap(journal._dek)
    if not isinstance(slot, vault.Slot):
        raise TypeError("wrap must return a key slot, not the key")
    return slot


def store_slot(journal: Journal, slot: vault.Slot) -> None:
    """Replace one key slot row inside the journal's write transaction (the old or the
    new slot is on disk at every moment, never neither), resealing the header digest
    only if it matched before. For storage.keyslots."""
    with journal._writing():
        journal._adjust_set_hash(0, slot=slot)


def upgrade_format(journal: Journal) -> None:
    """Format 1 to 2 in one transaction: the raw sum becomes a sealed value (FORMAT.md 9).

    For storage.keyslots after an unlock, where the key came from the file's own slot; a
    backup opened with another journal's key is never upgraded with it. A stored sum that
    did not match is carried over as it was, so the mismatch stays reported.
    """
    if vault.format_of(vault.read_meta(journal._db, journal.name)) != 1:
        return  # no write transaction at all: even an empty one can rewrite page 1
    with journal._writing():
        meta = vault.read_meta(journal._db, journal.name)
        if vault.format_of(meta) != 1:
            return  # another tab upgraded it meanwhile
        stored = _stored_hash(meta.get(vault.SET_HASH_V1))
        total = stored if stored >= 0 else journal._rows_total() + 1
        vault.write_integrity_meta(journal._db, journal._dek, counter=1, total=total)


def replace_data_key(
    journal: Journal,
    new_dek: bytes,
    slots: list[vault.Slot],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Re-encrypt every row (every revision) under `new_dek`, store `slots` and rebuild
    the sealed set hash, all in one transaction: the file holds the old key's rows and
    slots, or the new ones, never a mix. `progress(done, total)` is called per batch.

    Refused (RekeyRefused, nothing changed) while any row does not decrypt: it could not
    be re-encrypted, and would be unreadable afterwards. For storage.keyslots.
    """
    new_record_key = crypto.hkdf(new_dek, vault.RECORD_KEY_INFO)
    new_set_key = crypto.hkdf(new_dek, vault.SET_HASH_KEY_INFO)
    with journal._writing():
        meta = vault.read_meta(journal._db, journal.name)
        journal._check_key(meta)
        sealed = vault.open_integrity(meta, journal._integrity_key)
        count = journal._db.execute("SELECT count(*) FROM records").fetchone()[0]
        total, done, last = 0, 0, 0
        while batch := journal._rows_after(last):
            updates, tags = [], []
            for rowid, *row in batch:
                blob = crypto.seal(new_record_key, journal._plain_of(*row), record_aad(*row[:4]))
                updates.append((blob, rowid))
                tags.append(crypto.blob_tag(blob))
            journal._db.conn.executemany("UPDATE records SET blob = ? WHERE rowid = ?", updates)
            total = crypto.combine(total, crypto.set_hash_total(new_set_key, b"".join(tags)))
            done, last = done + len(batch), batch[-1][0]
            if progress is not None:
                progress(done, count)
        for slot in slots:
            vault.write_slot(journal._db, slot)
        counter = sealed.counter + 1 if sealed else 1
        vault.write_integrity_meta(journal._db, new_dek, counter=counter, total=total)
    journal._use_key(new_dek)
    journal.report.set_hash_ok = journal.report.header_ok = True  # rebuilt from every row
    journal.version += 1


def searchable_text(record: Any) -> str:
    """The words of a record that search looks at."""
    if isinstance(record, Reflection):
        tags = ", ".join(f"#{tag}" for tag in record.tags)
        return "\n".join(p for p in (record.text(), tags) if p)
    if isinstance(record, Feedback):
        return record.comment
    if isinstance(record, Client):
        return "\n".join(p for p in (record.code, record.alias, record.goals) if p)
    if isinstance(record, Comment):
        return record.text
    return ""
