"""Where journals live: a per-user data folder holding one file per journal.

Also the rule for what the app writes (SECURITY.md "Files and the local machine"):
folders 0700 and files 0600, made so from the start and tightened when found wider.
That is POSIX only. On Windows modes do not exist (chmod sets the read-only flag
alone): there the data folder sits in the per-user profile (platformdirs'
`%LOCALAPPDATA%`), whose ACLs already keep other users out, and new files inherit them.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import platformdirs

from storage.errors import InvalidJournalName

ENV_DATA_DIR = "JOURNAL_DATA_DIR"
SUFFIX = ".journal"
DEFAULT_NAME = "journal"
DEMO_NAME = "demo"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$")
# Device names on Windows, with or without an extension: "NUL.journal" there is no file.
_WINDOWS_DEVICE = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?$", re.IGNORECASE)
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def data_dir() -> Path:
    """`$JOURNAL_DATA_DIR` if set, else the platform's per-user data folder."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("reflective-journal", appauthor=False))


def journal_path(name: str, folder: Path | None = None) -> Path:
    """The file of the journal called `name`; the name is checked, never used raw."""
    clean = name.strip()
    # refused on every system: a journal folder may be copied to a Windows computer
    if _WINDOWS_DEVICE.match(clean):
        raise InvalidJournalName(
            f"'{clean}' is a name Windows keeps for a device (like CON, NUL, COM1 or LPT1), "
            "so the journal could not be copied there: choose another name"
        )
    if not _NAME.match(clean):
        raise InvalidJournalName(
            "use 1-40 letters, digits, spaces, '-' or '_', starting with a letter or digit"
        )
    return (folder or data_dir()) / f"{clean}{SUFFIX}"


def list_journals(folder: Path | None = None) -> list[str]:
    """Names of the journals in the data folder, alphabetical."""
    root = folder or data_dir()
    if not root.is_dir():
        return []
    return sorted(
        p.stem for p in root.glob(f"*{SUFFIX}") if p.is_file() and not p.name.startswith(".")
    )


# ---- private files and folders ------------------------------------------------------------


def _posix() -> bool:
    """Whether file modes exist here (Windows relies on the profile folder's ACLs)."""
    return os.name == "posix"


def private_folder(folder: Path) -> Path:
    """Make `folder` (and missing parents) if needed and leave it 0700; returns it.

    Parents made here get 0700 too; parents that exist are left as they are.
    """
    missing = [folder, *(p for p in folder.parents if not p.exists())]
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    for made in missing:  # mkdir's mode is masked by the umask: set it afterwards
        make_private(made)
    return folder


def make_private(path: Path) -> None:
    """Tighten an existing file to 0600 or folder to 0700; a missing path is left alone."""
    if not _posix():
        return
    try:
        info = path.stat(follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        return  # never change what a link points to
    wanted = PRIVATE_FOLDER if stat.S_ISDIR(info.st_mode) else PRIVATE_FILE
    if stat.S_IMODE(info.st_mode) != wanted:
        os.chmod(path, wanted)


def new_private_file(path: Path) -> None:
    """Create `path` empty and 0600 before anything is written to it (SQLite then keeps
    that mode for it and gives its -wal, -shm and -journal files the same).

    Never overwrites or follows a link: FileExistsError if anything is already there.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    os.close(os.open(path, flags, PRIVATE_FILE))
    make_private(path)  # the umask may have taken bits off; never adds any beyond 0600


def tighten_journal(path: Path) -> None:
    """Tighten a journal's folder, its file and any -wal or -shm beside it (a journal
    made by an older version, or copied in, may be readable by everyone)."""
    for item in (path.parent, path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        make_private(item)
