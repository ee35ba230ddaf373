"""Fuzzing the journal file: random damage never crashes an unlock or passes a changed record.

Copies of the sample template are damaged (bits flipped, bytes overwritten, pages zeroed,
swapped, copied or filled with noise, the file truncated or extended) and opened the three
ways the app opens a journal: with the passphrase (Argon2id replaced by a lookup of the one
key derived for real at setup, so every other step runs as in the app), with the recovery
key, and with the data key. Each open ends in a typed `JournalError` with a readable
message, or in an open journal that shows only authentic records and whose report lists
problems whenever what it shows differs from what was written.

Opening never changes the file, with one exception SQLite itself makes: a file whose header
says "rollback journal" is switched back to WAL by `vault.connect`, which rewrites the
journal-mode bytes of the header (and the change counter beside them). After closing, no
-wal or -shm is left beside the file.
"""

from __future__ import annotations

import gc
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from practice import journal_checks
from storage import crypto, keyslots, vault
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import RECORD_TYPES, to_plain
from tests import figures
from tests.conftest import JournalTemplate, edit_db, flip_bit, record_rows

# header bytes SQLite rewrites when `PRAGMA journal_mode=WAL` meets a rollback-mode file:
# write/read version (18, 19), file change counter (24-27), version-valid-for (92-95)
_JOURNAL_MODE_BYTES = frozenset({18, 19, 24, 25, 26, 27, 92, 93, 94, 95})
_WAL_MODE = b"\x02\x02"
_NOISE = re.compile(
    r"Traceback|\w+(?:Error|Exception)\(|<\w[\w.]* object|\bb'|\bb\"|\\x[0-9a-f]{2}"
)
REGIONS = ("file", "header", "first page", "meta", "slots", "last page", "record", "row")


def assert_readable(message: str) -> None:
    """A sentence for the screen: not empty, not huge, no Python repr noise."""
    assert isinstance(message, str) and message.strip(), "the message is empty"
    assert len(message) <= 600, f"the message has {len(message)} characters"
    start = message[0]
    assert start.isupper() or start.isdigit() or start in "'\"", f"not a sentence: {message[:80]!r}"
    assert not _NOISE.search(message), f"Python noise in the message: {message[:200]!r}"


# ---- what was written -------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """Every stored revision of the sample journal, and the newest revision of each record."""

    rows: dict[tuple[str, int], tuple[Any, ...]]
    newest: dict[str, int]


def _shown(entry: Any) -> tuple[Any, ...]:
    return (entry.record.KIND, to_plain(entry.record), entry.deleted_at, entry.saved_at)


def written_records(template: JournalTemplate, folder: Path) -> Written:
    """Read without the open path's choices: the newest revision of each id is the
    highest stored, and every revision is decrypted one by one through `history`."""
    newest: dict[str, int] = {}
    for record_id, revision in record_rows(template.path):
        newest[record_id] = max(revision, newest.get(record_id, 0))
    journal = template.open(template.copy_to(folder, "pristine"))
    try:
        rows = {
            (record_id, entry.revision): _shown(entry)
            for record_id in newest
            for entry in journal.history(record_id)
        }
        assert journal.report.clean and len(rows) == len(record_rows(template.path))
        return Written(rows, newest)
    finally:
        journal.lock()


class LookupArgon2id:
    """Stands in for Argon2id: the key derived for real at setup for the template's
    parameters, any other parameters a key that opens nothing (as a real derivation would)."""

    known: dict[tuple[Any, ...], bytes] = {}

    def __init__(self, *, salt: bytes, length: int, iterations: int, lanes: int, memory_cost: int):
        if lanes < 1 or memory_cost < 8 * lanes or len(salt) < 8:
            raise ValueError("parameters out of range")  # what the real class raises
        self.settings = (bytes(salt), length, iterations, lanes, memory_cost)

    def derive(self, secret: bytes) -> bytes:
        found = self.known.get((self.settings, secret))
        return found or sha256(repr((self.settings, secret)).encode()).digest()


_KEKS: dict[bytes, bytes] = {}


@pytest.fixture
def lookup_kdf(sample_template: JournalTemplate, monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id runs once per session, for real; then the passphrase path derives nothing."""
    params = sample_template.params
    if params.salt not in _KEKS:
        _KEKS[params.salt] = crypto.derive_passphrase_key(sample_template.passphrase, params)
    settings_ = (params.salt, crypto.KEY_LEN, params.iterations, params.lanes, params.memory_kib)
    secret = crypto.normalise_passphrase(sample_template.passphrase)
    LookupArgon2id.known = {(settings_, secret): _KEKS[params.salt]}
    monkeypatch.setattr(crypto, "Argon2id", LookupArgon2id)


# ---- damage -----------------------------------------------------------------------------


def regions(data: bytes, blobs: list[bytes]) -> dict[str, list[tuple[int, int]]]:
    """Named parts of the pristine file as (start, length) spans, found in its bytes.

    "record": the sealed blob of a row; "row": the bytes before it (the cell header with
    the serial types, the id, revision, kind and format).
    """
    page = int.from_bytes(data[16:18], "big")
    found = [(data.find(blob), len(blob)) for blob in blobs]
    spans = [(start, size) for start, size in found if start > 0]

    def around(marker: bytes, before: int, size: int) -> list[tuple[int, int]]:
        start = max(data.find(marker) - before, 0)
        return [(start, size)]

    return {
        "file": [(0, len(data))],
        "header": [(0, 100)],
        "first page": [(0, page)],
        "last page": [(len(data) - page, page)],
        "meta": around(b"format_version", 64, 192),
        "slots": around(b'"algorithm"', 96, 320),
        "record": spans,
        "row": [(max(start - 64, 0), 64) for start, _ in spans],
    }


def damage(data: bytes, ops: list[tuple[Any, ...]], spans: dict[str, list]) -> bytes:
    """Apply each operation in turn; offsets wrap around what they address."""
    page = int.from_bytes(data[16:18], "big")
    out = bytearray(data)
    for op in ops:
        kind, args = op[0], op[1:]
        pages = max(len(out) // page, 1)
        if kind in ("flip", "write") and out:
            choices = spans[args[0]]
            start, size = choices[args[1] % len(choices)]
            start = min(start, len(out) - 1)  # the file may be shorter by now
            at = start + args[1] // len(choices) % max(min(size, len(out) - start), 1)
            if kind == "flip":
                out[at] ^= args[2]
            else:
                out[at : at + len(args[2])] = args[2]
        elif kind in ("zero page", "noise page") and out:
            at = args[0] % pages * page
            fill = bytes(page) if kind == "zero page" else random.Random(args[1]).randbytes(page)
            out[at : at + page] = fill
        elif kind in ("swap pages", "copy page") and out:
            a, b = (n % pages * page for n in args)
            first, second = out[a : a + page], out[b : b + page]
            out[b : b + page] = first
            if kind == "swap pages":
                out[a : a + page] = second
        elif kind == "truncate":
            del out[args[0] % (len(out) + 1) :]
        elif kind == "truncate pages":
            del out[args[0] % (pages + 1) * page :]
        elif kind == "append":
            out += args[0]
    return bytes(out)


FLIP = st.tuples(
    st.just("flip"), st.sampled_from(REGIONS), st.integers(0, 1 << 16), st.integers(1, 255)
)
WRITE = st.tuples(
    st.just("write"),
    st.sampled_from(REGIONS),
    st.integers(0, 1 << 16),
    st.binary(min_size=1, max_size=16),
)
# small changes three times as often as whole pages: they are what gets past SQLite's checks
OPERATIONS = st.one_of(
    FLIP,
    FLIP,
    WRITE,
    st.tuples(st.sampled_from(["zero page", "noise page"]), st.integers(0, 63), st.integers(0, 99)),
    st.tuples(st.sampled_from(["swap pages", "copy page"]), st.integers(0, 63), st.integers(0, 63)),
    st.tuples(st.sampled_from(["truncate", "truncate pages"]), st.integers(0, 1 << 16)),
    st.tuples(st.just("append"), st.binary(min_size=1, max_size=64)),
)


# ---- opening ----------------------------------------------------------------------------


def check_open_journal(journal: Journal, written: Written) -> None:
    """Every record shown is one that was written; anything missing or older is reported."""
    shown = {}
    for cls in RECORD_TYPES.values():
        for record in journal.all(cls, include_trash=True):
            entry = journal.entry(record.id)
            key = (record.id, entry.revision)
            assert key in written.rows, f"a record never written is shown: {key}"
            assert _shown(entry) == written.rows[key], f"a changed record is shown: {key}"
            shown[record.id] = entry.revision
    if shown != written.newest:
        assert not journal.report.clean, (
            "records are missing, added or rolled back, yet the open report is clean"
        )
    for line in journal_checks.open_problems(journal.report):
        assert_readable(line)
    verification = journal.verify()
    assert journal.report.clean or not verification.ok, "open found problems verify missed"
    for line in journal_checks.verification_summary(verification):
        assert_readable(line)


def leftovers(path: Path) -> list[str]:
    return [s for s in ("-wal", "-shm") if Path(f"{path}{s}").exists()]


def assert_unchanged(path: Path, before: bytes) -> None:
    """The file as it was, except the header bytes SQLite rewrites to switch to WAL."""
    after = path.read_bytes()
    if after == before:
        return
    assert len(after) == len(before), "opening changed the file's length"
    changed = {i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    assert before[18:20] != _WAL_MODE and after[18:20] == _WAL_MODE, (
        f"opening changed bytes {sorted(changed)[:10]} of the file"
    )
    assert changed <= _JOURNAL_MODE_BYTES, f"opening changed bytes {sorted(changed)[:10]}"


def try_open(opener: Callable[[], Journal], written: Written) -> str:
    """Open, check and lock; returns "clean", "problems" or "refused"."""
    try:
        journal = opener()
    except JournalError as error:
        assert_readable(str(error))
        return "refused"
    try:
        check_open_journal(journal, written)
        return "clean" if journal.report.clean else "problems"
    finally:
        journal.lock()


# ---- the fuzz test ----------------------------------------------------------------------


@pytest.mark.usefixtures("lookup_kdf")
def test_a_damaged_journal_is_refused_with_a_message_or_opens_showing_only_what_was_written(
    tmp_path: Path, sample_template: JournalTemplate
) -> None:
    written = written_records(sample_template, tmp_path / "pristine")
    pristine = sample_template.path.read_bytes()
    blobs = [blob for _, _, blob in record_rows(sample_template.path).values()]
    spans = regions(pristine, blobs)
    assert len(spans["record"]) == len(blobs)
    path = tmp_path / "fuzz" / "fuzz.journal"
    path.parent.mkdir()
    runs = {"cases": 0, "clean": 0, "problems": 0, "refused": 0, "leaked": 0, "rewritten": 0}
    openers = {
        "passphrase": lambda: keyslots.unlock(path, sample_template.passphrase),
        "recovery key": lambda: keyslots.unlock_with_recovery_key(
            path, sample_template.recovery_key
        ),
        "data key": lambda: sample_template.open(path),
    }

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(OPERATIONS, min_size=1, max_size=2))
    @example([("truncate", 0)])  # an empty file
    @example([("truncate", 100)])  # the SQLite header alone
    @example(
        [("truncate pages", 1)]
    )  # the first page alone: page-aligned, so it passes the size check
    @example([("zero page", 0, 0)])  # no SQLite header at all
    @example([("write", "header", 18, b"\x01\x01")])  # rollback journal mode
    @example([("write", "header", 68, b"\x00\x00\x00\x00")])  # another program's database
    @example([("write", "meta", 0, bytes(192))])  # meta rows zeroed
    @example([("noise page", 1, 0)])
    @example([("swap pages", 1, 2)])
    @example([("copy page", 2, 3)])
    @example([("append", b"\x00" * 64)])
    def run(ops: list[tuple[Any, ...]]) -> None:
        runs["cases"] += 1
        damaged = damage(pristine, ops, spans)
        path.write_bytes(damaged)
        outcomes = []
        for opener in openers.values():
            outcomes.append(try_open(opener, written))
            if leftovers(path):  # a connection left open by a failed open: freed by GC
                runs["leaked"] += 1
                gc.collect()
            assert not leftovers(path), f"opening left {leftovers(path)} beside the file"
            runs["rewritten"] += path.read_bytes() != damaged
            assert_unchanged(path, damaged)
        runs[outcomes[-1]] += 1

    try:
        run()
    finally:
        figures.report(
            f"fuzz, journal corruption: {runs['cases']} cases (each opened 3 ways), "
            f"{runs['clean']} opened clean, {runs['problems']} opened with problems reported, "
            f"{runs['refused']} refused with a message; {runs['leaked']} opens left -wal/-shm "
            f"until garbage collection, {runs['rewritten']} had the header's journal mode "
            "rewritten by SQLite"
        )
    assert runs["cases"] >= 100 and runs["refused"] and runs["clean"] + runs["problems"]


# ---- damage found by the fuzzing, pinned down ---------------------------------------------


@pytest.fixture
def damaged_path(tmp_path: Path, sample_template: JournalTemplate) -> Path:
    return sample_template.copy_to(tmp_path / "damaged", "damaged")


def open_all_ways(path: Path, template: JournalTemplate) -> list[str]:
    """The outcome of each way to open (passphrase path needs the `lookup_kdf` fixture)."""
    written = written_records(template, path.parent.parent / "pristine")
    outcomes = [
        try_open(lambda: keyslots.unlock(path, template.passphrase), written),
        try_open(lambda: keyslots.unlock_with_recovery_key(path, template.recovery_key), written),
        try_open(lambda: template.open(path), written),
    ]
    gc.collect()
    return outcomes


@pytest.mark.usefixtures("lookup_kdf")
def test_a_table_name_that_is_not_utf8_in_the_schema_is_refused_with_a_message(
    damaged_path: Path, sample_template: JournalTemplate
) -> None:
    # one bit flipped in the name "records" of sqlite_master: SQLite's error message then
    # holds the broken byte, and decoding that message raised UnicodeDecodeError
    data = damaged_path.read_bytes()
    at = data.find(b"tablerecordsrecords") + len(b"table")
    assert at > len(b"table")
    damaged_path.write_bytes(flip_bit(data, at, 0x80))
    assert open_all_ways(damaged_path, sample_template) == ["refused"] * 3


@pytest.mark.usefixtures("lookup_kdf")
def test_a_format_version_that_is_not_a_number_is_refused_with_a_message(
    damaged_path: Path, sample_template: JournalTemplate
) -> None:
    # the byte "1" with its high bit flipped (0x31 -> 0xb1): int() raised ValueError
    with edit_db(damaged_path) as conn:
        conn.execute("UPDATE meta SET value = x'b1' WHERE name = 'format_version'")
    assert open_all_ways(damaged_path, sample_template) == ["refused"] * 3


@pytest.mark.usefixtures("lookup_kdf")
@pytest.mark.parametrize(
    ("change", "refused_by"),
    [
        ("UPDATE records SET blob = 5 WHERE rowid = 1", None),
        ("UPDATE records SET blob = 0.5 WHERE rowid = 1", None),
        ("UPDATE meta SET value = 'abc' WHERE name = 'integrity'", None),
        ("UPDATE slots SET blob = 5 WHERE id = 'passphrase'", 0),
        ("UPDATE slots SET blob = 5 WHERE id = 'recovery'", 1),
    ],
    ids=["record blob int", "record blob float", "integrity text", "slot int", "recovery slot int"],
)
def test_a_value_of_the_wrong_type_is_refused_or_reported(
    damaged_path: Path, sample_template: JournalTemplate, change: str, refused_by: int | None
) -> None:
    # a flipped bit in a cell's serial type turns a BLOB into a number or text;
    # blob_tag, int.from_bytes and open_sealed raised TypeError
    with edit_db(damaged_path) as conn:
        conn.execute(change)
    outcomes = open_all_ways(damaged_path, sample_template)
    if refused_by is None:
        assert "clean" not in outcomes, outcomes
    else:
        assert outcomes[refused_by] == "refused", outcomes


@pytest.mark.usefixtures("lookup_kdf")
def test_a_revision_renumbered_below_the_earlier_one_is_reported_at_open(
    damaged_path: Path, sample_template: JournalTemplate
) -> None:
    # the set hash covers blob tags only, and a lower revision is skipped without being
    # decrypted: the earlier revision was shown as current with a clean report
    edited = sample_template.ids["edited"]
    with edit_db(damaged_path) as conn:
        conn.execute("UPDATE records SET revision = 0 WHERE id = ? AND revision = 2", [edited])
    journal = sample_template.open(damaged_path)
    try:
        assert journal.get(edited).free_text == "first version"
        assert not journal.report.clean, "a rolled-back record is shown with a clean report"
    finally:
        journal.lock()


def test_a_refused_file_has_no_wal_or_shm_left_beside_it(
    damaged_path: Path, sample_template: JournalTemplate
) -> None:
    # page size 4096 -> 36864: vault.connect raises and does not close its connection,
    # which keeps -wal and -shm beside the refused file until garbage collection
    damaged_path.write_bytes(flip_bit(damaged_path.read_bytes(), 16, 0x80))
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()  # what a long-lived app process shows between two collections
    try:
        with pytest.raises(JournalError):
            sample_template.open(damaged_path)
        left = leftovers(damaged_path)
    finally:
        if collecting:
            gc.enable()
        gc.collect()
    assert left == [], f"a refused journal got {left} beside it"


def test_vault_checks_alone_never_crash_on_a_damaged_header(tmp_path: Path) -> None:
    """`vault.check_file` reads only the header: every short or odd file gets a typed error."""
    runs = {"cases": 0}
    path = tmp_path / "header.journal"
    good = bytearray(100)
    good[: len(vault.SQLITE_MAGIC)] = vault.SQLITE_MAGIC
    good[68:72] = vault.APPLICATION_ID.to_bytes(4, "big")

    @settings(max_examples=200, deadline=None)
    @given(st.binary(max_size=200), st.integers(0, 199), st.booleans())
    def run(tail: bytes, cut: int, with_header: bool) -> None:
        runs["cases"] += 1
        data = (bytes(good) + tail)[:cut] if with_header else tail
        path.write_bytes(data)
        try:
            vault.check_file(path)
        except JournalError as error:
            assert_readable(str(error))
        assert path.read_bytes() == data

    run()
    figures.report(f"fuzz, journal header checks: {runs['cases']} cases")
