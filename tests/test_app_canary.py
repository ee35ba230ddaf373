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


def test_words_written_through_reflect_and_settings_never_reach_disk_in_plaintext(
    journal_path: Path, canary: str
) -> None:
    from tests.conftest import PASSPHRASE

    started = time.time()
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock")
    at = at.switch_page("pages/screens/reflect.py").run()
    at = at.selectbox(key="rf_client").set_value("__new__").run()
    at.text_input(key="rf_new_code").input("C-300")
    at.text_input(key="rf_new_alias").input(f"alias {canary}")
    at = click(at, "Add client")
    for item in ("bond", "goals", "tasks", "voice"):  # no score starts at a value
        at = at.button_group(key=f"rf_item_{item}").set_value(6).run()
    at = click(at, "Save my read")
    areas = [t for t in at.text_area if (t.key or "").startswith("rf_answer_")]
    areas[0].input(f"answer {canary}")
    at = at.run()  # autosaves the draft (encrypted)
    at.text_area(key="rf_next_step").input(f"next {canary}")
    at = click(at, "Save reflection")
    at = at.switch_page("pages/screens/settings.py").run()
    at.text_area(key="new_text").input(f"What does {canary} mean to me?")
    at = click(at, "Add prompt")
    assert at.session_state["journal"].settings.custom_prompts
    at = click(at, "Lock")
    sweep_for_canary(canary, [journal_path.parent], started)
