"""Backups of a journal: make, list, prune, check and restore.

A backup is a copy of the encrypted journal file (SQLite's backup API), so it is as safe
as the journal itself and opens with the passphrase or recovery key the journal had when
the backup was made. Nothing here writes plaintext: every copy is of ciphertext.

Checks never change the file they check: they open a private copy (a hidden file in the
journal's folder, removed afterwards) with this journal's data key. Restoring puts a
verified copy of the backup in place and keeps the previous file beside it as
`<name>.journal.before-restore-<stamp>`; anything that fails part-way puts it back.

Backups are files 0600 in a folder 0700 when the app makes it (`storage.paths`). A backup
folder may not be a system folder, the home folder itself, or a folder other users can
write to (`folder_risk`); pruning deletes only backups that carry this journal's id.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from storage import paths, vault
from storage.errors import (
    BackupError,
    JournalError,
    JournalNotFound,
    KeyChanged,
    NewerFormat,
    NotAJournal,
)
from storage.journal import Journal, Verification
from storage.records import Settings, now

BACKUPS_FOLDER = "backups"
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_STAMP = r"\d{8}-\d{6}-\d{6}"
ASIDE_MARK = ".before-restore-"
MAX_KEEP = 100
OTHER_JOURNAL = "This backup is from another journal or was made with a different key."
SYSTEM_FOLDER = "it is a system folder"
HOME_FOLDER = "it is your home folder itself: choose or make a folder inside it"
OTHERS_CAN_WRITE = (
    "other users of this computer can write to it, so they could replace or remove your backups"
)
OTHER_OWNER = "it belongs to another user of this computer"
UNCHECKABLE = "the app may not look into it or a folder above it"
# Folders whose whole tree belongs to the system (POSIX; Windows ones come from its
# environment in `_system_trees`).
SYSTEM_TREES = (
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
    "/sbin", "/sys", "/usr", "/System", "/Library", "/cores", "/private/etc",
    "/var/lib", "/var/log", "/var/cache", "/var/spool", "/var/mail", "/var/run", "/var/db",
    "/var/backups", "/private/var/db", "/private/var/log",
)  # fmt: skip
# Folders that are the system's, though folders inside them may be the user's.
SYSTEM_FOLDERS = (
    "/home", "/Users", "/tmp", "/var", "/var/tmp", "/opt", "/srv", "/mnt", "/media",  # noqa: S108
    "/Volumes", "/Applications", "/private", "/private/var", "/private/tmp", "/snap", "/run",
)  # fmt: skip
_COPY_CHUNK = 1 << 20


class BackupRefused(BackupError):
    """A backup that cannot be checked or restored; `str(error)` says why. Nothing changed."""

    def __init__(self, reason: str) -> None:
        JournalError.__init__(self, f"{reason} Your journal was not changed.")
        self.reason = reason


class RestoreFailed(BackupError):
    """Restoring stopped part-way, after the journal was locked.

    `journal` is the journal file now in place, opened again (None if it could not be
    reopened: the practitioner unlocks it again). `str(error)` says which file that is.
    """

    def __init__(self, message: str, journal: Journal | None) -> None:
        if journal is None:
            message += " Unlock the journal again."
        JournalError.__init__(self, f"Restore failed: {message}")
        self.journal = journal


@dataclass(frozen=True)
class BackupFile:
    """One backup of a journal in a backup folder."""

    path: Path
    made_at: datetime
    size: int

    @property
    def name(self) -> str:
        return self.path.name


# ---- where backups go ---------------------------------------------------------------------


def default_folder() -> Path:
    """The `backups` folder inside the data folder."""
    return paths.data_dir() / BACKUPS_FOLDER


def folder_for(settings: Settings) -> Path:
    """The backup folder the settings choose ("" means the default folder)."""
    chosen = settings.backup_folder.strip()
    return Path(chosen).expanduser() if chosen else default_folder()


def folder_risk(folder: Path) -> str | None:
    """Why `folder` is not a safe place for backups, as a phrase ("it is a system
    folder"); None when it is. Links are followed: a link to /etc is /etc."""
    resolved = folder.expanduser().resolve()
    if _is_system_folder(resolved):
        return SYSTEM_FOLDER
    if resolved == Path.home().resolve():
        return HOME_FOLDER
    return _others_can_change(resolved)


def _system_trees() -> list[str]:
    """System folders whose whole tree is refused, on this kind of computer."""
    if os.name != "nt":
        return list(SYSTEM_TREES)
    names = ("SystemRoot", "windir", "ProgramFiles", "ProgramFiles(x86)", "ProgramW6432")
    return [os.environ[n] for n in (*names, "ProgramData") if os.environ.get(n)]


def _is_system_folder(resolved: Path) -> bool:
    if resolved.parent == resolved:  # "/" or a drive's root such as C:\\
        return True
    here = os.path.normcase(str(resolved))  # Windows compares without case
    inside = [here, *(os.path.normcase(str(p)) for p in resolved.parents)]
    trees = {os.path.normcase(str(Path(t))) for t in _system_trees()}
    folders = {str(Path(f)) for f in SYSTEM_FOLDERS} if os.name != "nt" else set()
    return here in folders or any(p in trees for p in inside)


def _others_can_change(resolved: Path) -> str | None:
    """Whether another user could swap, remove or pre-make the backup folder (POSIX).

    The folder and every folder above it must be the user's (or, above it, root's) and
    writable by others only with the sticky bit (as /tmp); where the folder is still to
    be made, the folder it will go in must not be writable by others at all.
    """
    if os.name != "posix":
        return None  # Windows: the folder's ACLs decide; the profile folder's are private
    me = os.geteuid()
    try:
        existing = next(p for p in (resolved, *resolved.parents) if p.exists())
        found = [(path, path.stat()) for path in (existing, *existing.parents)]
    except OSError:
        return UNCHECKABLE
    for path, info in found:
        if info.st_uid != me and (path == resolved or info.st_uid != 0):
            return OTHER_OWNER
        world = bool(info.st_mode & stat.S_IWOTH)
        sticky = bool(info.st_mode & stat.S_ISVTX)
        if world and (not sticky or (path == existing and path != resolved)):
            return OTHERS_CAN_WRITE
    return None


def _backup_name(name: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(name)}-backup-({_STAMP})\.journal")


def backups(folder: Path, name: str, journal_id: bytes | None = None) -> list[BackupFile]:
    """The backups of journal `name` in `folder`, newest first (other files are ignored).

    With `journal_id`, only files that are backups of that journal: not a link, and an
    SQLite file carrying that id (a file merely named like a backup is not one).
    """
    if not folder.is_dir():
        return []
    pattern = _backup_name(name)
    found = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        if journal_id is not None and (path.is_symlink() or _id_of(path) != journal_id):
            continue
        info = path.stat()
        try:
            made_at = datetime.strptime(match[1], STAMP_FORMAT).replace(tzinfo=UTC)
        except ValueError:  # digits in the right places but no real date
            made_at = datetime.fromtimestamp(info.st_mtime, UTC)
        found.append(BackupFile(path, made_at, info.st_size))
    return sorted(found, key=lambda b: (b.made_at, b.name), reverse=True)


# ---- making a backup ----------------------------------------------------------------------


def back_up(journal: Journal, folder: Path | None = None, keep: int | None = None) -> Path:
    """Back the journal up into `folder` (default: the settings'), check that the backup
    opens with this journal's key and is whole, then keep only the newest `keep` backups
    of this journal there. A backup that does not check out is deleted (BackupError)."""
    settings = journal.settings
    folder = folder if folder is not None else folder_for(settings)
    keep = settings.backup_keep if keep is None else keep
    if not 1 <= keep <= MAX_KEEP:
        raise BackupError(f"keep between 1 and {MAX_KEEP} backups, not {keep}")
    risk = folder_risk(folder)
    if risk:
        raise BackupError(f"the folder {folder} cannot be used: {risk}")
    if folder.resolve() == journal.path.parent.resolve():
        # the unlock screen would list every backup there as a journal of its own
        raise BackupError("choose a folder other than the one the journal itself is in")
    try:
        _make_folder(folder)
    except OSError as exc:
        raise BackupError(f"the folder {folder} cannot be used ({exc.strerror})") from exc
    made = journal.backup(folder)
    try:
        with _checked_copy(journal, made) as (_, found):
            if not found.ok and not _same_problems(found, journal.verify()):
                raise BackupRefused(_damage(found))
    except BackupRefused as exc:
        made.unlink(missing_ok=True)
        reason = exc.reason.rstrip(".")
        raise BackupError(f"the new backup did not check out and was deleted. {reason}") from exc
    _prune(folder, journal, keep, made)
    return made


def _make_folder(folder: Path) -> None:
    """Make the backup folder 0700; the default one is tightened if it exists, a folder
    the practitioner chose and already had is left as it is (its backups are 0600)."""
    if not folder.exists() or folder.resolve() == default_folder().resolve():
        paths.private_folder(folder)


def _same_problems(backup: Verification, journal: Verification) -> bool:
    """A backup of a journal with problems may have those problems, and no others."""
    return (
        not backup.integrity
        and backup.rows == journal.rows
        and backup.decrypted == journal.decrypted
        and backup.set_hash_ok == journal.set_hash_ok
        and {(q.id, q.revision) for q in backup.quarantined}
        == {(q.id, q.revision) for q in journal.quarantined}
    )


def _prune(folder: Path, journal: Journal, keep: int, made: Path) -> None:
    """Delete this journal's backups beyond the newest `keep`; never the one just made
    (even if a clock set back makes it look older), never a file without this journal's
    id (another journal of the same name, or a file merely named like a backup)."""
    ours = _id_of(journal.path)
    if ours is None:
        return  # nothing can be told apart: keep everything
    older = [b.path for b in backups(folder, journal.name, ours) if b.path != made]
    for path in older[keep - 1 :]:
        path.unlink(missing_ok=True)


# ---- checking a backup --------------------------------------------------------------------


def check_backup(journal: Journal, path: Path) -> Verification:
    """Verify a backup with this journal's key, without changing it. Raises BackupRefused
    for a file that is not a journal, is damaged, or is from another journal (key)."""
    _check_source(journal, path)
    with _checked_copy(journal, path) as (_, found):
        if not found.ok:
            raise BackupRefused(_damage(found))
        return found


def slots_changed(journal: Journal, path: Path) -> list[str]:
    """Which key slots ("passphrase", "recovery") differ between the journal and a backup:
    after a restore those are the backup's, as they were when it was made."""
    _check_source(journal, path)
    try:
        now_slots, then_slots = _slots(journal.path), _slots(path)
    except (JournalError, sqlite3.Error) as exc:
        raise BackupRefused(_refusal(exc)) from exc
    return [slot for slot in now_slots if now_slots[slot] != then_slots.get(slot)]


def _slots(path: Path) -> dict[str, tuple[str, bytes]]:
    conn = vault.open_readonly(path)
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False)
        found = {}
        for slot_id in (vault.PASSPHRASE_SLOT, vault.RECOVERY_SLOT):
            slot = vault.read_slot(db, slot_id, path.stem)
            found[slot_id] = (slot.params, slot.blob)
        return found
    finally:
        conn.close()


def _check_source(journal: Journal, path: Path) -> None:
    """Refuse, reading only its header, a file that cannot be a backup of this journal."""
    if not path.is_file():
        raise BackupRefused(f"There is no backup file at {path}.")
    if path.resolve() == journal.path.resolve():
        raise BackupRefused("That is the journal file itself, not a backup.")
    # a -wal beside it holds part of its content: a copy of the main file alone would miss it
    if Path(f"{path}-wal").exists():
        raise BackupRefused(
            "That file is open in another program or was not closed cleanly (it has a "
            "-wal file beside it). Choose a backup made with Back up now."
        )
    try:
        vault.check_file(path)
    except JournalError as exc:
        raise BackupRefused(_refusal(exc)) from exc


@contextmanager
def _checked_copy(journal: Journal, source: Path) -> Iterator[tuple[Journal, Verification]]:
    """Open a private copy of `source` with this journal's key and verify it.

    Yields the opened copy (it holds the key while the journal itself may be locked) and
    what verify found. Refuses a file from another journal; the copy is removed after.
    """
    copy = _hidden(journal.path, "checking")
    try:
        try:
            _copy_file(source, copy)
            opened = journal.open_backup(copy)
        except OSError as exc:
            raise BackupRefused(f"The backup cannot be read ({exc.strerror}).") from exc
        except (JournalError, sqlite3.Error) as exc:
            raise BackupRefused(_refusal(exc)) from exc
        try:
            found = opened.verify()
            # rows that all fail, or another journal's id: the key is not this journal's
            if (found.rows and not found.decrypted) or _journal_id(copy) != _journal_id(
                journal.path
            ):
                raise BackupRefused(OTHER_JOURNAL)
            yield opened, found
        finally:
            opened.lock()
    finally:
        _remove(copy)


def _journal_id(path: Path) -> bytes:
    conn = vault.open_readonly(path)
    try:
        meta = vault.read_meta(sqlite_utils.Database(conn, execute_plugins=False), path.stem)
    except (JournalError, sqlite3.Error) as exc:
        raise BackupRefused(_refusal(exc)) from exc
    finally:
        conn.close()
    return meta.get("journal_id", b"")


def _id_of(path: Path) -> bytes | None:
    """The journal id a file carries, or None for anything that is not a readable journal."""
    try:
        return _journal_id(path) or None
    except (BackupRefused, OSError, sqlite3.Error):
        return None


def _refusal(error: Exception) -> str:
    """A plain sentence for an error met while opening a backup (its name is a copy's)."""
    if isinstance(error, JournalNotFound):
        return "There is no backup file there."
    if isinstance(error, NotAJournal):
        return "That file is not a journal backup."
    if isinstance(error, NewerFormat):
        return "That backup was made by a newer version of this app: update the app first."
    if isinstance(error, KeyChanged):  # another journal's, or made before a re-key
        return OTHER_JOURNAL
    return "That backup is damaged (truncated, or changed outside the app)."


def _damage(found: Verification) -> str:
    problems = []
    if found.integrity:
        problems.append("SQLite's integrity check fails")
    if found.quarantined:
        problems.append(f"{len(found.quarantined)} of {found.rows} stored rows do not decrypt")
    if not found.set_hash_ok:
        problems.append("rows were added, removed or rolled back outside the app")
    if not found.header_ok:
        problems.append("its key slots or settings were changed outside the app")
    return f"That backup is damaged: {'; '.join(problems)}."


# ---- restoring ----------------------------------------------------------------------------


def restore(journal: Journal, path: Path) -> Journal:
    """Replace the journal's file with a verified copy of the backup at `path` and return
    it opened with the same key; the journal passed in is locked.

    The backup is checked first (BackupRefused, nothing changed). The previous file is kept
    beside the journal as `<name>.journal.before-restore-<stamp>` (see `kept_aside`). If a
    later step fails, the previous file is put back (RestoreFailed carries it reopened).
    The restored journal opens with the passphrase and recovery key of the backup.
    """
    _check_source(journal, path)
    incoming = _hidden(journal.path, "restoring")
    try:
        try:
            _copy_file(path, incoming)
        except OSError as exc:
            raise BackupRefused(f"The backup cannot be copied ({exc.strerror}).") from exc
        # the copy checked is a copy of `incoming`: what is verified is what goes in place
        with _checked_copy(journal, incoming) as (keeper, found):
            if not found.ok:
                raise BackupRefused(_damage(found))
            return _swap(journal, keeper, incoming)
    finally:
        _remove(incoming)


def _swap(journal: Journal, keeper: Journal, incoming: Path) -> Journal:
    """Lock the journal, move its file aside, put `incoming` in place and open it with the
    key `keeper` holds; on any failure put the previous file back."""
    target = journal.path
    aside = target.with_name(f"{target.name}{ASIDE_MARK}{now().strftime(STAMP_FORMAT)}")
    journal.lock()  # closing the last connection checkpoints and removes -wal and -shm
    if Path(f"{target}-wal").exists():
        # another connection holds it (another tab): moving it now would split its writes
        raise RestoreFailed(
            "this journal is open in another window or tab. Lock it there, then restore "
            "again. Nothing was replaced.",
            _reopen(keeper, target),
        )
    try:
        if aside.exists():
            raise FileExistsError(aside)
        os.rename(target, aside)
        if Path(f"{target}-shm").exists():
            os.rename(f"{target}-shm", f"{aside}-shm")
        paths.tighten_journal(aside)  # kept for the practitioner: as private as the journal
    except OSError as exc:
        raise RestoreFailed(
            f"the journal file could not be moved aside ({exc.strerror}). Nothing was replaced.",
            _reopen(keeper, target),
        ) from exc
    try:
        os.replace(incoming, target)
        _fsync_folder(target.parent)
        return keeper.open_backup(target)
    except (OSError, JournalError, sqlite3.Error) as exc:
        try:
            os.replace(aside, target)
            if Path(f"{aside}-shm").exists():
                os.replace(f"{aside}-shm", f"{target}-shm")
            _fsync_folder(target.parent)
        except OSError:
            message = f"the backup may be in place; your previous journal file is at {aside}."
        else:
            message = "the backup could not be put in place. Your journal was put back as it was."
        raise RestoreFailed(message, _reopen(keeper, target)) from exc


def _reopen(keeper: Journal, target: Path) -> Journal | None:
    try:
        return keeper.open_backup(target)
    except (JournalError, sqlite3.Error, OSError):
        return None


def kept_aside(journal_path: Path) -> list[Path]:
    """The files a restore kept aside for this journal, newest first."""
    pattern = re.compile(rf"{re.escape(journal_path.name)}{re.escape(ASIDE_MARK)}{_STAMP}")
    found = [p for p in journal_path.parent.iterdir() if pattern.fullmatch(p.name)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def source_from(choice: str | None, typed: str) -> Path:
    """The backup to restore: a typed path wins over the one chosen from the list."""
    if typed.strip():
        path = Path(typed.strip()).expanduser()
        if not path.is_absolute():
            raise BackupRefused("Give the full path of the backup file, for example /media/usb.")
        return path
    if choice:
        return Path(choice)
    raise BackupRefused("Choose a backup from the list, or type the full path of a backup file.")


# ---- files --------------------------------------------------------------------------------


def _hidden(journal_path: Path, purpose: str) -> Path:
    """A hidden name beside the journal: the unlock screen never lists dot files."""
    return journal_path.with_name(f".{journal_path.name}.{purpose}-{secrets.token_hex(4)}")


def _copy_file(source: Path, target: Path) -> None:
    """Copy to a new file only this user can read, flushed to disk; never overwrites."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(target, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(_COPY_CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    """Make renames in `folder` durable (POSIX; Windows has no directory handles)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
