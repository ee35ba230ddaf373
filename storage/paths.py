"""Where journals live: a per-user data folder holding one file per journal."""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

from storage.errors import InvalidJournalName

ENV_DATA_DIR = "JOURNAL_DATA_DIR"
SUFFIX = ".journal"
DEFAULT_NAME = "journal"
DEMO_NAME = "demo"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$")


def data_dir() -> Path:
    """`$JOURNAL_DATA_DIR` if set, else the platform's per-user data folder."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("reflective-journal", appauthor=False))


def journal_path(name: str, folder: Path | None = None) -> Path:
    """The file of the journal called `name`; the name is checked, never used raw."""
    clean = name.strip()
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
