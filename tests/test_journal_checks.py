"""The sentences the screens show for what the checks of a journal found: at open, from
"Verify journal", for a backup's size, and for a typed backup folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from practice.journal_checks import (
    backup_folder_problem,
    open_problems,
    size_in_words,
    verification_summary,
)
from storage.journal import Journal, OpenReport, QuarantinedRow, Verification

ROW = QuarantinedRow("0" * 32, 1, "reflection", "does not decrypt (changed or moved)")


# ---- at open ---------------------------------------------------------------------------------


def test_a_clean_open_has_nothing_to_say() -> None:
    assert open_problems(OpenReport()) == []


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (OpenReport(set_hash_ok=False), ["integrity hash does not match"]),
        (OpenReport(quarantined=[ROW, ROW]), ["2 stored row(s) could not be decrypted"]),
        (
            OpenReport(set_hash_ok=False, quarantined=[ROW]),
            ["integrity hash does not match", "1 stored row(s) could not be decrypted"],
        ),
    ],
    ids=["set-hash", "quarantined", "both"],
)
def test_every_problem_found_at_open_gets_its_own_sentence(
    report: OpenReport, expected: list[str]
) -> None:
    assert not report.clean
    lines = open_problems(report)
    assert len(lines) == len(expected)
    for line, words in zip(lines, expected, strict=True):
        assert words in line
        assert line[0].isupper() or line[0].isdigit()
        assert line.endswith(".")


# ---- verify journal --------------------------------------------------------------------------


def test_a_whole_journal_is_summed_up_as_whole_with_its_counts(sample_journal: Journal) -> None:
    result = sample_journal.verify()
    verdict, counts = verification_summary(result)
    assert verdict.startswith("The journal is whole")
    assert counts.startswith(f"{result.rows} of {result.rows} stored rows decrypted")


def test_a_quarantined_row_is_named_in_the_summary() -> None:
    found = Verification(rows=3, decrypted=2, records=2, quarantined=[ROW], set_hash_ok=True)
    lines = verification_summary(found)
    assert lines[0].startswith("The journal has problems")
    assert lines[1] == "2 of 3 stored rows decrypted (2 records with their earlier revisions)."
    assert any("quarantined" in line for line in lines)


def test_a_set_hash_mismatch_is_named_in_the_summary() -> None:
    lines = verification_summary(Verification(rows=2, decrypted=2, records=2, set_hash_ok=False))
    assert lines[0].startswith("The journal has problems")
    assert any("integrity hash does not match" in line for line in lines)


def test_sqlite_integrity_messages_are_quoted_five_at_most() -> None:
    found = Verification(integrity=[f"page {i} is wrong" for i in range(8)], set_hash_ok=True)
    lines = verification_summary(found)
    (quoted,) = [line for line in lines if line.startswith("SQLite's integrity check")]
    assert "page 4 is wrong" in quoted and "page 5" not in quoted


# ---- backups ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "words"),
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (2048, "2.0 KB"),
        (5 * 1024 * 1024, "5.0 MB"),
        (3 * 1024**3, "3.0 GB"),
    ],
)
def test_a_backup_size_is_shown_in_the_units_people_read(size: int, words: str) -> None:
    assert size_in_words(size) == words


def test_backup_folder_rules(data_folder: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    assert backup_folder_problem("") is None
    assert backup_folder_problem(str(tmp_path / "new folder")) is None
    assert "full path" in backup_folder_problem("relative/folder")
    assert "is a file" in backup_folder_problem(str(tmp_path / "a-file"))
    assert "other than the data folder" in backup_folder_problem(str(data_folder))


@pytest.mark.parametrize(
    "folder",
    [
        "/",
        "/etc",
        "/etc/journal-backups",
        "/usr",
        "/usr/local/share/backups",
        "/bin",
        "/var",
        "/var/lib/journal",
        "/tmp",
        "/System",
        "/Library/Backups",
        "~",
    ],
)
def test_a_system_folder_or_the_home_folder_is_refused(folder: str) -> None:
    problem = backup_folder_problem(folder)
    assert problem is not None
    assert "Backup folder:" in problem and "Nothing was saved." in problem


def test_the_home_folder_itself_is_refused_but_a_folder_in_it_is_not() -> None:
    assert "home folder" in backup_folder_problem(str(Path.home()))
    assert "home folder" not in (backup_folder_problem(str(Path.home() / "backups")) or "")


def test_a_link_to_a_system_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "looks-harmless").symlink_to("/etc")
    assert backup_folder_problem(str(tmp_path / "looks-harmless")) is not None


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("inside", [False, True], ids=["the folder", "a new folder in it"])
def test_a_folder_other_users_can_write_to_is_refused(tmp_path: Path, inside: bool) -> None:
    # another user could swap the backups there, or make the folder before the app does
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    problem = backup_folder_problem(str(shared / "journal" if inside else shared))
    assert problem is not None and "other users" in problem


@pytest.mark.skipif(os.name != "posix", reason="POSIX ownership")
def test_a_folder_of_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    assert backup_folder_problem(str(theirs)) is None
    mine = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: mine + 1)  # the folder is now someone else's
    problem = backup_folder_problem(str(theirs))
    assert problem is not None and "another user" in problem
