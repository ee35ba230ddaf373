"""One server per data folder: the lock file `.reflective-journal.lock` inside it.

It holds the running server's port and launch token (JSON: pid of the command, port,
token, start time), readable by the user only (0600 where file modes exist; on Windows
the data folder sits in the user's profile, whose permissions keep others out). A second
start on the same folder finds it, checks that a server still answers there with that
token, and opens the browser at it instead of starting a second server on the same files.

A lock is stale, and is replaced, when its server does not answer on its port with its
token and either the command that wrote it is gone or it is older than a start can take
(a crash, a power cut, a killed process). While a server starts, a second start waits for it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from storage import paths

LOCK_NAME = ".reflective-journal.lock"
# As long as a server may take to answer after the lock is written (launch.START_SECONDS).
STARTING_SECONDS = 90.0
POLL_SECONDS = 0.25
# A lock file that does not parse is being written if it is younger than this, else stale.
WRITING_SECONDS = 5.0


@dataclass(frozen=True)
class LockInfo:
    """What a lock file says about the server of its data folder."""

    pid: int
    port: int
    token: str
    started: float


@dataclass(frozen=True)
class Running:
    """Another command's server already serves this data folder."""

    info: LockInfo


@dataclass(frozen=True)
class Claimed:
    """This command owns the data folder's lock and may start its server."""

    path: Path
    info: LockInfo


Answers = Callable[[LockInfo], bool]


def lock_path(data_dir: Path) -> Path:
    """The lock file of a data folder."""
    return data_dir / LOCK_NAME


def read(path: Path) -> LockInfo | None:
    """The lock file's contents, or None when it is missing, unreadable or malformed."""
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        info = LockInfo(
            pid=int(fields["pid"]),
            port=int(fields["port"]),
            token=str(fields["token"]),
            started=float(fields["started"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info if 0 < info.port < 65536 and info.token else None


def pid_running(pid: int) -> bool | None:
    """Whether a process with this id exists; None where that cannot be asked safely
    (on Windows os.kill would end the process instead of asking)."""
    if os.name != "posix":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: it exists
    except OSError:
        return False
    return True


def may_still_start(info: LockInfo, now: float | None = None) -> bool:
    """Whether the lock's server may still be starting: its command runs (or cannot be
    asked about) and the lock is younger than a start can take."""
    young = 0 <= (time.time() if now is None else now) - info.started < STARTING_SECONDS
    return young and pid_running(info.pid) is not False


def claim(data_dir: Path, port: int, token: str, answers: Answers) -> Claimed | Running:
    """Take the data folder's lock for a server on `port` with `token`, or name the server
    that already holds it. `answers(info)` says whether a server answers there with its token.
    """
    path = lock_path(data_dir)
    deadline = time.monotonic() + STARTING_SECONDS
    while time.monotonic() < deadline:
        info = LockInfo(pid=os.getpid(), port=port, token=token, started=time.time())
        if _create(path, info):
            return Claimed(path, info)
        existing = read(path)
        if existing is None and _age(path) < WRITING_SECONDS:
            time.sleep(POLL_SECONDS)  # another start has made the file and is writing it
            continue
        if existing is not None and _wait_for(existing, answers):
            return Running(existing)
        remove(path, existing)  # stale, unless another start replaced it meanwhile
    raise OSError(f"could not take the lock file {path}: other starts keep replacing it")


def _age(path: Path) -> float:
    """Seconds since the file was last written (0 when it has just gone)."""
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _wait_for(info: LockInfo, answers: Answers) -> bool:
    """Whether the lock's server answers, waiting while it may still be starting."""
    while True:
        if answers(info):
            return True
        if not may_still_start(info):
            return False
        time.sleep(POLL_SECONDS)


def _create(path: Path, info: LockInfo) -> bool:
    """Write a new lock file, private from the start; False when one exists already."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags, paths.PRIVATE_FILE)
    except FileExistsError:
        return False
    paths.make_private(path)  # the umask may have taken bits off; never adds any beyond 0600
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(asdict(info), file)
    return True


def update(claimed: Claimed, port: int) -> Claimed:
    """The same claim with another port (the first was taken before the server bound it)."""
    info = LockInfo(claimed.info.pid, port, claimed.info.token, claimed.info.started)
    replacement = claimed.path.with_name(f"{LOCK_NAME}.{os.getpid()}")
    replacement.unlink(missing_ok=True)
    if not _create(replacement, info):
        raise OSError(f"could not write {replacement}")
    os.replace(replacement, claimed.path)
    return Claimed(claimed.path, info)


def remove(path: Path, info: LockInfo | None) -> None:
    """Remove the lock file if it still says what `info` says (never another start's)."""
    if read(path) == info:
        path.unlink(missing_ok=True)


def release(claimed: Claimed) -> None:
    """Remove this command's own lock when its server stops."""
    remove(claimed.path, claimed.info)
