"""AppTest of Settings → "I think my passphrase or recovery key was seen" (re-key)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.settings import rekey
from storage import keyslots
from storage.errors import WrongPassphrase, WrongRecoveryKey
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate

SETTINGS = "pages/screens/settings.py"
NEW_PASSPHRASE = "lantern under the old bridge"


def open_settings(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(SETTINGS).run()
    assert not at.exception and at.title[0].value == "Settings"
    return at


def blobs(path: Path) -> list[bytes]:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT blob FROM records UNION ALL SELECT blob FROM slots")
        return sorted(row[0] for row in rows)
    finally:
        conn.close()


def fill_in(at: AppTest, current: str, new: str, confirmation: str, tick: bool) -> AppTest:
    at.text_input(key="rekey_current").input(current)
    at.text_input(key="rekey_new").input(new)
    at.text_input(key="rekey_confirm").input(confirmation)
    if tick:
        at.checkbox(key="rekey_understood").check()
    return click(at, rekey.BUTTON)


def test_the_section_says_older_backups_still_open_with_the_old_secrets(
    journal_path: Path,
) -> None:
    at = open_settings(app())
    assert rekey.TITLE in [s.value for s in at.header]
    assert any(rekey.OLD_BACKUPS in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("current", "new", "tick", "message"),
    [
        (PASSPHRASE, NEW_PASSPHRASE, False, f"Tick “{rekey.CONFIRM}” first"),
        ("not my passphrase at all", NEW_PASSPHRASE, True, "Wrong passphrase"),
        (PASSPHRASE, "short", True, "That passphrase is too short"),
    ],
    ids=["not ticked", "wrong current passphrase", "weak new passphrase"],
)
def test_a_rekey_that_is_not_confirmed_or_not_acceptable_changes_nothing(
    sample_path: Path, current: str, new: str, tick: bool, message: str
) -> None:
    at = open_settings(app())
    before = blobs(sample_path)
    at = fill_in(at, current, new, new, tick)
    assert errors(at)[0].startswith(message)
    assert blobs(sample_path) == before


def test_a_rekey_shows_the_new_recovery_key_once_and_the_old_secrets_stop_working(
    sample_path: Path, sample_template: JournalTemplate
) -> None:
    before = blobs(sample_path)
    at = open_settings(app())
    at = fill_in(at, PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE, tick=True)
    assert not at.exception and not errors(at)
    assert at.title[0].value == "Recovery key"
    new_key = at.code[0].value
    assert new_key != sample_template.recovery_key
    assert set(blobs(sample_path)).isdisjoint(before)  # every row and slot anew

    at = at.checkbox(key="recovery_key_stored").check().run()
    at = click(at, "Continue").switch_page(SETTINGS).run()
    assert [s.value for s in at.success] == [rekey.DONE]
    journal = at.session_state["journal"]
    assert journal.is_open and journal.report.clean

    with pytest.raises(WrongPassphrase):
        keyslots.unlock(sample_path, PASSPHRASE)
    with pytest.raises(WrongRecoveryKey):
        keyslots.unlock_with_recovery_key(sample_path, sample_template.recovery_key)
    keyslots.unlock(sample_path, NEW_PASSPHRASE).lock()
    keyslots.unlock_with_recovery_key(sample_path, new_key).lock()
