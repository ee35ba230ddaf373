"""AppTest of the smaller things a week of use ran into: the recovery key kept as a file
or printed; hiding prompts offers no "Select all matches"; a resumed draft can be
discarded from inside the flow."""

from __future__ import annotations

from pathlib import Path

from storage.records import Draft, Reflection
from tests.apptest import app, click
from tests.conftest import PASSPHRASE
from tests.test_app_reflect import answer_areas, journal_of, open_reflect, unlock

SETTINGS = "pages/screens/settings.py"


def _created() -> object:
    at = app()
    at.text_input(key="create_passphrase").input(PASSPHRASE)
    at.text_input(key="create_confirm").input(PASSPHRASE)
    return click(at, "Create journal")


def test_the_recovery_key_can_be_downloaded_and_printed(data_folder: Path) -> None:
    at = _created()
    recovery_key = at.code[0].value
    (download,) = at.get("download_button")
    assert download.proto.label == "Download as a file"
    assert not list(data_folder.glob("*.txt"))  # made in memory, on request only
    at = click(at, "Print")
    sheet = next(h.proto.body for h in at.get("html") if "recovery-sheet" in h.proto.body)
    assert recovery_key in sheet and "window.print()" in sheet


def test_hiding_prompts_offers_no_select_all(journal_path: Path) -> None:
    at = unlock(app()).switch_page(SETTINGS).run()
    hidden = at.multiselect(key="settings_hidden_prompts")
    assert hidden.proto.select_all == 0  # never shown


def test_a_resumed_draft_is_discarded_from_inside_the_flow(journal_path: Path) -> None:
    at = open_reflect(unlock(app()))
    at = at.toggle(key="rf_free").set_value(True).run()
    answer_areas(at)[0].input("A thought I no longer want to keep.")
    at = click(at.run(), "Lock")
    at = click(open_reflect(unlock(at)), "Resume draft")
    assert answer_areas(at)[0].value == "A thought I no longer want to keep."
    at = click(at, "Discard this reflection")
    at = click(at, "Discard")
    assert journal_of(at).all(Draft) == [] and journal_of(at).all(Reflection) == []
    assert any(t.value == "Reflection discarded." for t in at.toast)
    assert not any(b.label == "Resume draft" for b in at.button)
    assert all(a.value == "" for a in answer_areas(at))
