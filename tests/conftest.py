"""Shared fixtures and helpers of the whole test suite.

Journals made here use the KDF floor (Argon2id, 64 MiB, t=3, p=4): the weakest settings
the app accepts, never lower. Even so one key derivation costs 0.1-0.25 s, so:

- a *template* journal is created once per test session and copied per test
  (`JournalTemplate.copy_to`); copying a closed journal (no -wal) is a plain file copy;
- `JournalTemplate.open(path)` opens a copy with the template's known data key (DEK),
  skipping the KDF, for tests that are not about the passphrase;
  `JournalTemplate.unlock(path)` goes through the real passphrase path.

Fixtures (function scope unless said otherwise):

- `data_folder`: an empty data folder, also set as `$JOURNAL_DATA_DIR`.
- `empty_template` / `sample_template` (session scope): closed template journals; the
  sample one holds a few records of every kind (`sample_template.ids` names them).
- `journal_path` / `sample_path`: a fresh copy of a template in `data_folder`.
- `journal` / `sample_journal`: that copy, opened (locked again after the test).
- `canary`: a unique string to write through a feature and then look for on disk with
  `assert_no_canary` (or `sweep_for_canary`, which searches the usual places).

Helpers (import them: `from tests.conftest import assert_no_canary, ...`):
`floor_params`, `make_template`, `data_key`, `current_entries`, `Argon2idTripwire`,
`folder_state`, `flip_bit`, `edit_db`, `record_rows`, `count_rows`, `fork_and_kill` (with
`Reporter`), `canary_patterns`, `find_canary`, `assert_no_canary`, `sweep_for_canary`.

Tests reach a journal only through its public API (storage.keyslots, storage.journal's
`open_with_data_key`, Journal's methods); what is on disk they read with sqlite3 on the
file, as an attacker would (`edit_db`, `record_rows`).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import signal
import sqlite3
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from storage import crypto, keyslots, vault
from storage.journal import Entry, Journal, open_with_data_key
from storage.records import (
    RECORD_TYPES,
    Answer,
    Client,
    Estimate,
    Feedback,
    Reflection,
    Session,
    Settings,
)

# `make test` runs every property test on the same derandomized examples, so a red run is
# repeatable; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) draws fresh random examples for longer.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("fuzz", derandomize=False, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

PASSPHRASE = "amber window slow river"  # noqa: S105 - test data
OTHER_PASSPHRASE = "quiet orchard seven lanterns"  # noqa: S105 - test data
FLOOR_MEMORY_KIB = 65536  # SECURITY.md: the floor, 64 MiB; never lower in tests
FLOOR_ITERATIONS = 3


def floor_params(salt: bytes | None = None) -> crypto.KdfParams:
    """Argon2id parameters at the floor (64 MiB, t=3, p=4), random salt unless given."""
    return crypto.KdfParams(
        salt=salt if salt is not None else os.urandom(crypto.SALT_LEN),
        memory_kib=FLOOR_MEMORY_KIB,
        iterations=FLOOR_ITERATIONS,
        lanes=4,
    )


class Argon2idTripwire:
    """Monkeypatch it over `storage.crypto.Argon2id` to prove that no key derivation runs
    (e.g. parameters below the floor must be refused before deriving)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("Argon2id ran, but the parameters should have been refused first")


# ---- template journals ------------------------------------------------------------------


@dataclass
class JournalTemplate:
    """A closed journal made once; tests work on copies of it, never on it."""

    path: Path
    passphrase: str
    recovery_key: str
    dek: bytes
    params: crypto.KdfParams
    ids: dict[str, str] = field(default_factory=dict)
    sha256: str = ""

    def copy_to(self, folder: Path, name: str = "journal") -> Path:
        """Copy the journal file into `folder` as `name.journal` and return its path."""
        assert sha256(self.path.read_bytes()).hexdigest() == self.sha256, (
            "a test changed a template journal: work on a copy (copy_to) instead"
        )
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.journal"
        shutil.copy(self.path, target)
        return target

    def open(self, path: Path) -> Journal:
        """Open a copy with the known data key: no KDF (fast)."""
        return open_with_data_key(path, self.dek)

    def unlock(self, path: Path) -> Journal:
        """Open a copy through the real passphrase path (runs the KDF once)."""
        return keyslots.unlock(path, self.passphrase)


def make_template(
    folder: Path, fill: Callable[[Journal], dict[str, str]] | None = None
) -> JournalTemplate:
    """Create a journal at the floor, let `fill` add records (returning labelled ids),
    close it, and recover its DEK through the passphrase slot (the public path)."""
    params = floor_params()
    path = folder / "template.journal"
    journal, recovery_key = keyslots.create(path, PASSPHRASE, params)
    ids = fill(journal) if fill else {}
    journal.lock()
    assert not Path(f"{path}-wal").exists(), "a template must be closed (no -wal)"
    dek = data_key(path, PASSPHRASE)
    digest = sha256(path.read_bytes()).hexdigest()
    return JournalTemplate(path, PASSPHRASE, recovery_key, dek, params, ids, digest)


def data_key(path: Path, passphrase: str) -> bytes:
    """The journal's data key, unwrapped from its passphrase slot (runs the KDF once): what
    someone who knows the passphrase can compute from the file alone."""
    slot = keyslots.read_slot(path, vault.PASSPHRASE_SLOT)
    return vault.unwrap_with_passphrase(slot, passphrase)


def current_entries(journal: Journal) -> dict[str, Entry]:
    """{id: entry} of every current record of an open journal, trashed ones included."""
    return {
        record.id: journal.entry(record.id)
        for cls in RECORD_TYPES.values()
        for record in journal.all(cls, include_trash=True)
    }


def count_rows(path: Path) -> int:
    """How many record rows (every revision) the file holds, read without the app."""
    return len(record_rows(path))


def fill_sample(journal: Journal) -> dict[str, str]:
    """A few records of every kind: revisions, the trash and a draft included."""
    journal.save_settings(Settings(profession="physiotherapy", idle_minutes=12))
    client = Client(
        code="C-001", alias="Robin", goals="walk to the shops", started_on=date(2025, 1, 6)
    )
    journal.save(client)
    session = Session(client_id=client.id, date=date(2025, 2, 3), number=1)
    journal.save(session)
    journal.save(Estimate(session_id=session.id, instrument="sac4", items={"a": 3, "b": 2}))
    journal.save(
        Feedback(session_id=session.id, instrument="sac4", items={"a": 4}, comment="helpful")
    )
    edited = Reflection(
        session_id=session.id,
        client_id=client.id,
        answers=[Answer("p-1", "What happened?", "first version")],
        free_text="first version",
        tags=["rupture"],
    )
    journal.save(edited)
    edited.free_text = "second version"
    journal.save(edited)
    plain = Reflection(free_text="a second reflection", next_step="rest")
    journal.save(plain)
    trashed = Reflection(free_text="this one goes to the trash")
    journal.save(trashed)
    journal.delete(trashed.id)
    draft = journal.save_draft("reflect", {"free_text": "half a thought"})
    return {
        "client": client.id,
        "session": session.id,
        "edited": edited.id,
        "plain": plain.id,
        "trashed": trashed.id,
        "draft": draft.id,
    }


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> JournalTemplate:
    """A journal with no records, PASSPHRASE, floor KDF (made once per session)."""
    return make_template(tmp_path_factory.mktemp("empty-template"))


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> JournalTemplate:
    """A journal holding a few records of every kind (see `fill_sample`; ids in `.ids`)."""
    return make_template(tmp_path_factory.mktemp("sample-template"), fill_sample)


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder, set as $JOURNAL_DATA_DIR for the test."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("JOURNAL_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def journal_path(data_folder: Path, empty_template: JournalTemplate) -> Path:
    """`data_folder/journal.journal`: a fresh copy of the empty template (closed)."""
    return empty_template.copy_to(data_folder)


@pytest.fixture
def sample_path(data_folder: Path, sample_template: JournalTemplate) -> Path:
    """`data_folder/journal.journal`: a fresh copy of the sample template (closed)."""
    return sample_template.copy_to(data_folder)


@pytest.fixture
def journal(journal_path: Path, empty_template: JournalTemplate) -> Iterator[Journal]:
    """The empty journal copy, open (no KDF); locked after the test."""
    opened = empty_template.open(journal_path)
    yield opened
    opened.lock()


@pytest.fixture
def sample_journal(sample_path: Path, sample_template: JournalTemplate) -> Iterator[Journal]:
    """The sample journal copy, open (no KDF); locked after the test."""
    opened = sample_template.open(sample_path)
    yield opened
    opened.lock()


# ---- looking at and editing files -------------------------------------------------------


def folder_state(folder: Path) -> dict[str, str]:
    """{file name: SHA-256} of every file in a folder: compare before/after to prove that
    nothing was written, created or deleted."""
    return {
        p.name: sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def flip_bit(data: bytes, index: int, mask: int = 0x01) -> bytes:
    """`data` with one bit of byte `index` flipped (negative index from the end)."""
    changed = bytearray(data)
    changed[index] ^= mask
    return bytes(changed)


@contextmanager
def edit_db(path: Path) -> Iterator[sqlite3.Connection]:
    """Raw SQL access to a closed journal, as an attacker or a broken tool would have.

    Commits on success and closes, which checkpoints and removes the -wal again.
    """
    conn = sqlite3.connect(str(path))
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()
    assert not Path(f"{path}-wal").exists()


def record_rows(path: Path) -> dict[tuple[str, int], tuple[str, int, bytes]]:
    """{(id, revision): (kind, format, blob)} of every committed row, read without the app
    (the journal may be open elsewhere)."""
    conn = sqlite3.connect(str(path))
    try:
        rows = conn.execute("SELECT id, revision, kind, format, blob FROM records").fetchall()
    finally:
        conn.close()
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


# ---- crashing a writer ------------------------------------------------------------------


class Reporter:
    """Handed to the child of `fork_and_kill`: `report(obj)` sends one JSON line to the
    parent (one write below PIPE_BUF, so a line is never torn); `ready()` starts the
    parent's kill timer."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def __call__(self, obj: object) -> None:
        line = (json.dumps(obj) + "\n").encode()
        assert len(line) < select.PIPE_BUF
        os.write(self._fd, line)

    def ready(self) -> None:
        self({"_ready": True})


def fork_and_kill(
    work: Callable[[Reporter], None],
    delay: float,
    *,
    after_ready: bool = True,
    timeout: float = 60.0,
) -> list[dict]:
    """Run `work(reporter)` in a forked child and SIGKILL it `delay` seconds after it
    calls `reporter.ready()` (or after the fork when `after_ready` is False).

    Fork after imports and key derivation, so the child starts in milliseconds; the child
    must open its own SQLite connection (never use one inherited from the parent). The
    child should report something only after it is durable (e.g. after `save()` returned).
    Returns every complete line the child reported, in order, without the ready marker.
    Fails the test if the child raised or ended before it was killed.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        code = 0
        try:
            os.close(read_fd)
            work(Reporter(write_fd))
            while True:  # done: wait to be killed
                time.sleep(1)
        except BaseException:
            code = 70
            with suppress(BaseException):  # the exit code still tells
                Reporter(write_fd)({"_error": traceback.format_exc()[-2000:]})
        finally:
            os._exit(code)
    os.close(write_fd)
    buffer = b""
    killed_at = None if after_ready else time.monotonic() + delay
    give_up = time.monotonic() + timeout
    try:
        while True:
            now = time.monotonic()
            if killed_at is not None and now >= killed_at:
                break
            if now >= give_up:
                pytest.fail("the child never reported ready")
            wait = (killed_at if killed_at is not None else give_up) - now
            readable, _, _ = select.select([read_fd], [], [], max(wait, 0))
            if readable:
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break  # the child ended by itself: reported below
                buffer += chunk
                if killed_at is None and b'{"_ready": true}\n' in buffer:
                    killed_at = time.monotonic() + delay
    finally:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    while chunk := os.read(read_fd, 65536):
        buffer += chunk
    os.close(read_fd)
    lines = [json.loads(line) for line in buffer.split(b"\n") if line]
    errors = [line["_error"] for line in lines if "_error" in line]
    assert not errors, "the child failed:\n" + errors[0]
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        f"the child ended by itself (status {status}) instead of being killed"
    )
    return [line for line in lines if "_ready" not in line]


# ---- canary sweep -----------------------------------------------------------------------


@pytest.fixture
def canary() -> str:
    """A unique string (ASCII letters and digits, so every escaping leaves it intact)."""
    return "canary" + os.urandom(12).hex()


def canary_patterns(canary: str) -> dict[str, bytes]:
    """The byte patterns a leaked canary would show on disk: UTF-8, UTF-16 (LE, BE),
    hex, and Base64 (standard and URL-safe) at each of the three byte alignments."""
    assert len(canary) >= 16, "use a longer canary, so every pattern stays distinctive"
    raw = canary.encode("utf-8")
    patterns = {
        "utf-8": raw,
        "utf-16-le": canary.encode("utf-16-le"),
        "utf-16-be": canary.encode("utf-16-be"),
        "hex": raw.hex().encode(),
        "HEX": raw.hex().upper().encode(),
    }
    for shift in range(3):  # the canary can start at any offset modulo 3 of a Base64 stream
        whole_groups = raw[shift:][: (len(raw) - shift) // 3 * 3]
        patterns[f"base64@{shift}"] = base64.b64encode(whole_groups)
        patterns[f"base64url@{shift}"] = base64.urlsafe_b64encode(whole_groups)
    return patterns


def _files_under(paths: Iterable[Path], modified_since: float | None) -> Iterator[Path]:
    for root in paths:
        root = Path(root)
        if root.is_symlink() or not root.exists():
            continue
        if root.is_file():
            candidates: Iterable[Path] = [root]
        else:
            candidates = (
                Path(folder, name)
                for folder, _, names in os.walk(root, followlinks=False)
                for name in names
            )
        for path in candidates:
            try:
                info = path.lstat()
            except OSError:
                continue  # vanished meanwhile (temp folders are busy)
            if not path.is_file() or path.is_symlink():
                continue
            if modified_since is not None and max(info.st_mtime, info.st_ctime) < modified_since:
                continue
            yield path


def find_canary(
    paths: Iterable[Path], canary: str, *, modified_since: float | None = None
) -> list[tuple[Path, str, int]]:
    """Every (file, encoding, offset) where the canary appears under `paths` (files or
    folders, walked without following links), optionally only in files modified or
    created since `modified_since` (a time.time() value). Unreadable files are skipped."""
    patterns = canary_patterns(canary)
    overlap = max(len(p) for p in patterns.values()) - 1
    hits = []
    for path in _files_under(paths, modified_since):
        try:
            with path.open("rb") as handle:
                offset, tail = 0, b""
                while chunk := handle.read(1 << 20):
                    window = tail + chunk
                    for name, pattern in patterns.items():
                        at = window.find(pattern)
                        if at != -1:
                            hits.append((path, name, offset - len(tail) + at))
                    tail = window[-overlap:]
                    offset += len(chunk)
        except OSError:
            continue
    return sorted(set(hits))


def assert_no_canary(
    paths: Iterable[Path], canary: str, *, modified_since: float | None = None
) -> None:
    """Fail, naming file, encoding and offset (never the canary), if it is found."""
    hits = find_canary(paths, canary, modified_since=modified_since)
    assert not hits, "the canary leaked to disk:\n" + "\n".join(
        f"  {path} ({encoding} at byte {offset})" for path, encoding, offset in hits
    )


def sweep_for_canary(
    canary: str, data_folders: Iterable[Path], started_at: float, extra: Iterable[Path] = ()
) -> None:
    """The standard sweep: the data folders (journals, -wal, -shm, backups) and `extra`
    completely; `~/.streamlit` if it exists; the temp folder's files modified since
    `started_at` (take `time.time()` at the start of the test)."""
    everywhere = [*data_folders, *extra]
    home_streamlit = Path.home() / ".streamlit"
    if home_streamlit.exists():
        everywhere.append(home_streamlit)
    assert_no_canary(everywhere, canary)
    assert_no_canary([Path(tempfile.gettempdir())], canary, modified_since=started_at - 1)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print what the tests measured (see tests/figures.py), even without `-s`."""
    from tests import figures

    if figures.LINES:
        terminalreporter.section("figures measured by the tests")
        for line in figures.LINES:
            terminalreporter.write_line(line)
