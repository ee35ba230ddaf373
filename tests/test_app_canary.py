"""Through the screens: passphrases and recovery keys never reach disk or logs."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from tests.apptest import app, click
from tests.conftest import find_canary, sweep_for_canary


def test_passphrase_and_recovery_key_never_touch_disk_or_logs(
    data_folder: Path, canary: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    started = time.time()
    passphrase = canary
    at = app()
    at.text_input(key="create_passphrase").input(passphrase)
    at.text_input(key="create_confirm").input(passphrase)
    at = click(at, "Create journal")
    recovery_key = at.code[0].value
    at = at.checkbox(key="recovery_key_stored").check().run()
    at = click(at, "Continue")
    at = click(at, "Lock")
    at.text_input(key="unlock_passphrase").input("wrong " + passphrase)
    at = click(at, "Unlock")
    at.text_input(key="unlock_passphrase").input(passphrase)
    at = click(at, "Unlock")
    at = click(at, "Lock")

    for secret in (passphrase, recovery_key, recovery_key.replace("-", "")):
        sweep_for_canary(secret, [data_folder], started)
        assert secret not in caplog.text
    assert (data_folder / "journal.journal").exists()


def test_demo_passphrase_is_shown_but_never_written(data_folder: Path) -> None:
    started = time.time()
    at = app(timeout=60)
    at = click(at, "Try with demo data")
    shown = at.code[0].value
    assert len(shown.split()) >= 4
    at = at.checkbox(key="recovery_key_stored").check().run()
    at = click(at, "Continue")
    assert "demo_passphrase_to_show" not in at.session_state
    assert not find_canary([data_folder], shown, modified_since=started)
