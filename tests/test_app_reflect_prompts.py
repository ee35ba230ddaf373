"""AppTest of Reflect's prompts and instrument choice: a free reflection is offered only
prompts fit for it, the Focus list names domains in words and offers only those with a
prompt for the user's profession, prompts say "client" or "patient" by profession, and
choosing SAC-4 says it is unvalidated."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prompts.library import builtin_library
from storage.journal import Journal
from tests.apptest import app, click
from tests.conftest import PASSPHRASE

REFLECT = "pages/screens/reflect.py"


def unlocked(profession: str | None = None) -> AppTest:
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock")
    if profession:
        journal: Journal = at.session_state["journal"]
        journal.save_settings(dataclasses.replace(journal.settings, profession=profession))
    return at.switch_page(REFLECT).run()


def shown_prompts(at: AppTest) -> list[str]:
    return [t.label for t in at.text_area if (t.key or "").startswith("rf_answer_")]


def test_a_free_reflection_is_offered_only_prompts_fit_for_it(journal_path: Path) -> None:
    at = unlocked()
    at = at.toggle(key="rf_free").set_value(True).run()
    shown = shown_prompts(at)
    fit = {p.text for p in builtin_library().prompts.values() if p.free_ok}
    assert shown
    for label in shown:
        assert "today" not in label.lower() and "the room" not in label.lower(), label
    assert len(fit) >= 6


@pytest.mark.parametrize(
    ("profession", "physical_offered"),
    [("psychotherapy/counselling", False), ("physiotherapy", True)],
)
def test_focus_names_domains_in_words_and_only_those_for_the_profession(
    journal_path: Path, profession: str, physical_offered: bool
) -> None:
    at = unlocked(profession)
    at = at.toggle(key="rf_free").set_value(True).run()
    options = at.multiselect(key="rf_focus").options
    assert "Alliance and rupture" in options and "Cultural humility" in options
    assert ("Pain beliefs and nocebo language" in options) is physical_offered


@pytest.mark.parametrize(
    ("profession", "word", "other"),
    [("psychotherapy/counselling", "client", "patient"), ("osteopathy", "patient", "client")],
)
def test_prompts_say_client_to_a_counsellor_and_patient_to_an_osteopath(
    journal_path: Path, profession: str, word: str, other: str
) -> None:
    at = unlocked(profession)
    seen = []
    for seed in range(6):  # a few draws: enough prompts to meet either word
        at.session_state["rf_seed"] = seed
        at = at.toggle(key="rf_free").set_value(seed % 2 == 0).run()
        seen += shown_prompts(at)
    said = " ".join(seen).lower()
    assert other not in said


def test_choosing_sac4_for_a_new_client_says_it_is_unvalidated(journal_path: Path) -> None:
    at = unlocked()
    at = at.selectbox(key="rf_client").set_value("__new__").run()
    at = at.selectbox(key="rf_new_instrument").set_value("sac4").run()
    assert any("has not been validated" in c.value for c in at.caption)
