"""Where journals live: the data folder, journal names and the list of journals."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import paths
from storage.errors import InvalidJournalName


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


@pytest.mark.parametrize(
    "name",
    ["CON", "con", "Prn", "aux", "NUL", "com1", "COM9", "Com0", "lpt1", "LPT9", " nul ", "con.txt"],
)
def test_a_name_windows_reserves_is_refused_on_every_system(name: str, tmp_path: Path) -> None:
    # a journal folder copied to Windows must still open: "NUL.journal" there is a device
    with pytest.raises(InvalidJournalName) as refused:
        paths.journal_path(name, tmp_path)
    if "." not in name:
        assert "Windows" in str(refused.value)


@pytest.mark.parametrize("name", ["console", "com10", "lpt", "auxiliary", "null", "con 2"])
def test_a_name_that_only_looks_like_a_windows_device_is_accepted(
    name: str, tmp_path: Path
) -> None:
    assert paths.journal_path(name, tmp_path).name == f"{name}.journal"
