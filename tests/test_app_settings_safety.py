"""AppTest of Settings → passphrase and recovery key, backups and restore, verify journal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage import backups, keyslots
from storage.errors import RecordNotFound, WrongPassphrase, WrongRecoveryKey
from storage.journal import Journal
from storage.records import Reflection
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate, flip_bit, record_rows

SETTINGS = "pages/screens/settings.py"
NEW_PASSPHRASE = "lantern under the old bridge"


def open_settings(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(SETTINGS).run()
    assert not at.exception and at.title[0].value == "Settings"
    return at


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


def slot_rows(path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT id, kind, params, blob FROM slots ORDER BY id").fetchall()
    finally:
        conn.close()


def change_passphrase(at: AppTest, current: str, new: str, confirmation: str) -> AppTest:
    at.text_input(key="change_current").input(current)
    at.text_input(key="change_new").input(new)
    at.text_input(key="change_confirm").input(confirmation)
    return click(at, "Change passphrase")


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def test_the_sections_are_there_with_their_labels(journal_path: Path) -> None:
    at = open_settings(app())
    headers = [s.value for s in at.header]
    assert headers[0] == "You and this journal"
    assert headers[-3:] == ["Passphrase and recovery key", "Backups", "Verify journal"]
    labels = {b.label for b in at.button}
    assert {
        "Change passphrase",
        "Show a new recovery key",
        "Back up now",
        "Restore from backup",
        "Verify journal",
    } <= labels
    assert at.number_input(key="backup_keep").value == 5


# ---- passphrase and recovery key ------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "confirmation", "message"),
    [
        (NEW_PASSPHRASE, NEW_PASSPHRASE + "!", "The two passphrases do not match."),
        ("short", "short", "That passphrase is too short"),
    ],
    ids=["mismatch", "too short"],
)
def test_a_new_passphrase_that_is_not_acceptable_changes_nothing(
    journal_path: Path, new: str, confirmation: str, message: str
) -> None:
    at = open_settings(app())
    before = slot_rows(journal_path)
    at = change_passphrase(at, PASSPHRASE, new, confirmation)
    assert errors(at)[0].startswith(message)
    assert slot_rows(journal_path) == before


def test_changing_the_passphrase_needs_the_current_one(journal_path: Path) -> None:
    at = open_settings(app())
    before = slot_rows(journal_path)
    at = change_passphrase(at, "not my passphrase at all", NEW_PASSPHRASE, NEW_PASSPHRASE)
    assert errors(at)[0].startswith("Wrong passphrase")
    assert slot_rows(journal_path) == before

    at = change_passphrase(at, PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    assert not errors(at) and successes(at)[0].startswith("Passphrase changed")
    assert journal_of(at).is_open
    keyslots.unlock(journal_path, NEW_PASSPHRASE).lock()
    with pytest.raises(WrongPassphrase):
        keyslots.unlock(journal_path, PASSPHRASE)


def test_a_new_recovery_key_is_shown_once_and_replaces_the_old_one(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    old_key = empty_template.recovery_key
    at = open_settings(app())
    at = click(at, "Show a new recovery key")
    assert errors(at)[0].startswith("Tick “I understand the old recovery key stops working”")
    keyslots.unlock_with_recovery_key(journal_path, old_key).lock()

    at.checkbox(key="new_recovery_confirm").check()  # in a form: sent with the submit
    at = click(at, "Show a new recovery key")
    assert at.title[0].value == "Recovery key"
    new_key = at.code[0].value
    assert new_key != old_key
    keyslots.unlock_with_recovery_key(journal_path, new_key).lock()
    with pytest.raises(WrongRecoveryKey):
        keyslots.unlock_with_recovery_key(journal_path, old_key)

    at = at.checkbox(key="recovery_key_stored").check().run()
    at = click(at, "Continue")
    assert "recovery_key_to_show" not in at.session_state
    assert all(new_key not in c.value for c in at.code)


# ---- backups --------------------------------------------------------------------------------


def test_back_up_now_makes_a_checked_backup_and_lists_it(
    journal_path: Path, data_folder: Path
) -> None:
    at = open_settings(app())
    at = click(at, "Back up now")
    assert not errors(at)
    (made,) = (data_folder / "backups").iterdir()
    assert successes(at) == [f"Backed up to {made.name}. It was checked and opens."]
    (table,) = [d for d in at.dataframe if "File" in d.value.columns]
    assert list(table.value["File"]) == [made.name]


def test_backup_settings_are_checked_then_saved(journal_path: Path, tmp_path: Path) -> None:
    at = open_settings(app())
    at.text_input(key="backup_folder").input("relative/folder")
    at = click(at, "Save backup settings")
    assert errors(at)[0].startswith("Backup folder: give the full path")
    assert journal_of(at).settings.backup_folder == ""

    at.text_input(key="backup_folder").input(str(tmp_path / "usb"))
    at.number_input(key="backup_keep").set_value(3)
    at = click(at, "Save backup settings")
    assert not errors(at) and "Backup settings saved." in successes(at)
    settings = journal_of(at).settings
    assert (settings.backup_folder, settings.backup_keep) == (str(tmp_path / "usb"), 3)
    at = click(at, "Back up now")
    assert len(list((tmp_path / "usb").iterdir())) == 1


def test_restore_from_a_listed_backup_replaces_the_journal_after_confirmation(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    journal = sample_template.open(sample_path)
    made = backups.back_up(journal)
    late = journal.save(Reflection(free_text="written after the backup")).record
    journal.lock()

    at = open_settings(app())
    at.selectbox(key="restore_choice").select(str(made))
    at = click(at, "Restore from backup")
    assert errors(at)[0].startswith("Tick “Replace my journal with this backup”")
    assert backups.kept_aside(sample_path) == []
    assert journal_of(at).get(late.id)

    at.selectbox(key="restore_choice").select(str(made))
    at.checkbox(key="restore_confirm").check()
    at = click(at, "Restore from backup")
    assert not errors(at) and not at.exception
    (aside,) = backups.kept_aside(sample_path)
    (message,) = successes(at)
    assert message.startswith(f"Restored the backup {made.name}.")
    assert f"Your previous journal file was kept as {aside}." in message
    restored = journal_of(at)
    assert restored.is_open and restored.path == sample_path
    with pytest.raises(RecordNotFound):
        restored.get(late.id)
    assert restored.get(sample_template.ids["edited"]).free_text == "second version"


def test_a_damaged_backup_is_refused_on_screen(
    sample_path: Path, sample_template: JournalTemplate, data_folder: Path
) -> None:
    journal = sample_template.open(sample_path)
    made = backups.back_up(journal)
    journal.lock()
    made.write_bytes(made.read_bytes()[:1000])

    at = open_settings(app())
    at.text_input(key="restore_path").input(str(made))
    at.checkbox(key="restore_confirm").check()
    at = click(at, "Restore from backup")
    assert errors(at) == [
        "That backup is damaged (truncated, or changed outside the app). "
        "Your journal was not changed."
    ]
    assert backups.kept_aside(sample_path) == [] and journal_of(at).is_open


# ---- verify ---------------------------------------------------------------------------------


def test_verify_journal_says_a_whole_journal_is_whole(sample_path: Path) -> None:
    at = open_settings(app())
    at = click(at, "Verify journal")
    assert successes(at)[0].startswith("The journal is whole")
    assert not [d for d in at.dataframe if "reason" in d.value.columns]


def test_verify_journal_lists_a_row_that_does_not_decrypt(sample_path: Path) -> None:
    data = sample_path.read_bytes()
    (record_id, revision), (kind, _, blob) = next(iter(record_rows(sample_path).items()))
    at_byte = data.index(blob) + len(blob) // 2
    sample_path.write_bytes(flip_bit(data, at_byte))

    at = open_settings(app())
    at = click(at, "Verify journal")
    assert [e for e in errors(at) if e.startswith("The journal has problems")]
    (table,) = [d for d in at.dataframe if "reason" in d.value.columns]
    assert list(table.value["id"]) == [record_id]
    assert list(table.value["revision"]) == [revision] and list(table.value["kind"]) == [kind]
