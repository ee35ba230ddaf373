"""AppTest of the lock gate: create, recovery key once, unlock, wrong passphrase, lock,
recovery route, idle lock, damaged files and session isolation."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from storage import crypto, keyslots
from tests.apptest import app, click, errors, unlocked

PASSPHRASE = "amber window slow river"
FLOOR = dict(memory_kib=65536, iterations=3, lanes=4)


@pytest.fixture
def data_dir(data_folder: Path) -> Path:
    return data_folder


@pytest.fixture
def existing(data_dir: Path) -> tuple[Path, str]:
    """A journal called 'practice' with PASSPHRASE; returns its path and recovery key."""
    path = data_dir / "practice.journal"
    params = crypto.KdfParams(salt=b"s" * 16, **FLOOR)
    journal, recovery_key = keyslots.create(path, PASSPHRASE, params)
    journal.lock()
    return path, recovery_key


def test_first_run_offers_create_journal_and_demo(data_dir: Path) -> None:
    at = app()
    assert [s.value for s in at.header] == ["Create journal"]
    assert {"Create journal", "Try with demo data"} <= {b.label for b in at.button}
    assert {t.label for t in at.text_input} >= {"Passphrase", "Confirm passphrase"}


def test_create_with_mismatched_passphrases_writes_nothing_and_keeps_the_name(
    data_dir: Path,
) -> None:
    at = app()
    at.text_input(key="create_name").input("practice")
    at.text_input(key="create_passphrase").input(PASSPHRASE)
    at.text_input(key="create_confirm").input(PASSPHRASE + " typo")
    at = click(at, "Create journal")
    assert errors(at) == ["The two passphrases do not match."]
    assert list(data_dir.iterdir()) == []
    assert at.text_input(key="create_name").value == "practice"


def test_create_refuses_a_short_passphrase_with_the_rule(data_dir: Path) -> None:
    at = app()
    at.text_input(key="create_passphrase").input("short pw")
    at.text_input(key="create_confirm").input("short pw")
    at = click(at, "Create journal")
    assert errors(at)[0].startswith("That passphrase is too short")
    assert list(data_dir.iterdir()) == []


def test_create_shows_the_recovery_key_once_behind_a_checkbox(data_dir: Path) -> None:
    at = app()
    at.text_input(key="create_passphrase").input(PASSPHRASE)
    at.text_input(key="create_confirm").input(PASSPHRASE)
    at = click(at, "Create journal")
    assert (data_dir / "journal.journal").exists()
    assert at.title[0].value == "Recovery key"
    recovery_key = at.code[0].value
    assert len(crypto.parse_recovery_key(recovery_key)) == 32
    assert next(b for b in at.button if b.label == "Continue").disabled
    at = at.checkbox(key="recovery_key_stored").check().run()
    at = click(at, "Continue")
    assert at.title[0].value == "journal"
    assert all(recovery_key not in c.value for c in at.code)
    assert "recovery_key_to_show" not in at.session_state
    # the key shown really opens the journal
    keyslots.unlock_with_recovery_key(data_dir / "journal.journal", recovery_key).lock()


def test_wrong_passphrase_says_so_changes_nothing_and_keeps_the_choice(
    existing: tuple[Path, str],
) -> None:
    path, _ = existing
    other, _ = keyslots.create(
        path.parent / "zeta.journal", PASSPHRASE, crypto.KdfParams(salt=b"z" * 16, **FLOOR)
    )
    other.lock()
    before = path.read_bytes()
    at = app()
    at = at.selectbox(key="unlock_journal").select("practice").run()
    at.text_input(key="unlock_passphrase").input("definitely not it")
    at = click(at, "Unlock")
    assert errors(at)[0].startswith("Wrong passphrase")
    assert not unlocked(at)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["practice.journal", "zeta.journal"]
    assert at.selectbox(key="unlock_journal").value == "practice"


def test_unlock_then_lock_wipes_the_journal_from_the_session(existing: tuple[Path, str]) -> None:
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock")
    assert unlocked(at)
    journal = at.session_state["journal"]
    assert at.title[0].value == "practice"
    assert "unlock_passphrase" not in at.session_state
    at = click(at, "Lock")
    assert not unlocked(at)
    assert not journal.is_open
    assert not journal.holds_keys
    assert "journal" not in at.session_state
    assert any(b.label == "Unlock" for b in at.button)


def test_recovery_key_unlocks_and_requires_a_new_passphrase(existing: tuple[Path, str]) -> None:
    path, recovery_key = existing
    at = app()
    at = at.toggle(key="use_recovery_key").set_value(True).run()
    at.text_input(key="recovery_key_input").input(recovery_key.lower().replace("-", " "))
    at = click(at, "Unlock with recovery key")
    assert at.title[0].value == "Set a new passphrase"
    new = "a brand new passphrase here"
    at.text_input(key="new_passphrase").input(new)
    at.text_input(key="new_passphrase_confirm").input(new)
    at = click(at, "Set new passphrase")
    assert at.title[0].value == "practice"
    at = click(at, "Lock")
    keyslots.unlock(path, new).lock()
    with pytest.raises(Exception, match="Wrong passphrase"):
        keyslots.unlock(path, PASSPHRASE)


def test_wrong_recovery_key_is_refused(existing: tuple[Path, str]) -> None:
    at = app()
    at = at.toggle(key="use_recovery_key").set_value(True).run()
    at.text_input(key="recovery_key_input").input(crypto.format_recovery_key(b"\x01" * 32))
    at = click(at, "Unlock with recovery key")
    assert errors(at)[0].startswith("Wrong recovery key")
    assert not unlocked(at)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"hello, this is a text file\n" * 10, "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "another program"),
    ],
)
def test_damaged_or_foreign_file_gets_a_clear_message_and_is_left_alone(
    data_dir: Path, content: bytes, message: str
) -> None:
    path = data_dir / "practice.journal"
    path.write_bytes(content)
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock")
    assert message in errors(at)[0]
    assert "Nothing was changed" in errors(at)[0]
    assert path.read_bytes() == content
    assert sorted(p.name for p in data_dir.iterdir()) == ["practice.journal"]


def test_two_sessions_cannot_see_each_others_journal(existing: tuple[Path, str]) -> None:
    first, second = app(), app()
    first.text_input(key="unlock_passphrase").input(PASSPHRASE)
    first = click(first, "Unlock")
    second = second.run()
    assert unlocked(first)
    assert not unlocked(second)
    assert "journal" not in second.session_state
    assert any(b.label == "Unlock" for b in second.button)


def test_an_idle_session_locks_itself_on_the_next_run(existing: tuple[Path, str]) -> None:
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock")
    at.session_state["last_activity"] = time.time() - 11 * 60
    at = at.run()
    assert not unlocked(at)
    assert "idle minutes" in at.info[0].value


def test_demo_button_creates_a_separate_demo_journal_with_its_passphrase_shown(
    existing: tuple[Path, str],
) -> None:
    at = app()
    at = click(at, "Try with demo data")
    data_dir = existing[0].parent
    assert (data_dir / "demo.journal").exists()
    assert (data_dir / "practice.journal").exists()
    passphrase = at.code[0].value
    at = at.checkbox(key="recovery_key_stored").check().run()
    at = click(at, "Continue")
    assert at.title[0].value == "demo"
    at = click(at, "Lock")
    keyslots.unlock(data_dir / "demo.journal", passphrase).lock()


def _edit(path: Path, sql: str, *args: object) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, args)
    conn.close()


def test_a_journal_from_a_newer_version_is_refused_on_screen(existing: tuple[Path, str]) -> None:
    path, _ = existing
    _edit(path, "UPDATE meta SET value = ? WHERE name = 'format_version'", b"3")
    before = path.read_bytes()
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock")
    assert "newer version of this app" in errors(at)[0]
    assert not unlocked(at)
    assert path.read_bytes() == before


def test_key_settings_below_the_floor_are_refused_on_screen(existing: tuple[Path, str]) -> None:
    path, _ = existing
    weak = crypto.KdfParams(salt=b"s" * 16, memory_kib=1024, iterations=1, lanes=1).to_json()
    _edit(path, "UPDATE slots SET params = ? WHERE id = 'passphrase'", weak)
    before = path.read_bytes()
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock")
    assert "weaker than this app allows" in errors(at)[0]
    assert not unlocked(at)
    assert path.read_bytes() == before
