"""The passphrase rule: one strength estimate (zxcvbn) for journals and passphrase bundles."""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path

import pytest

from practice import demo
from storage import keyslots
from storage.errors import WeakPassphrase
from tests.apptest import app, click
from tests.conftest import JournalTemplate
from tests.test_app_supervision import fill, make_button, open_screen

GUESSABLE = [
    "1 2 3 4",
    "a b c d",
    "password1234",
    "qwertyuiop12",
    "q w e r t y u i o p",
    "abc abc abc abc",
    "aaaa bbbb cccc dddd",
    "123456789012",
    "reflective practice journal",
]
GOOD = [
    "amber window slow river",
    "quiet orchard seven lanterns",
    "lantern under the old bridge",
    "a brand new passphrase here",
    "correct horse battery staple",
    "golden journal \u00e9t\u00e9 passphrase \u2713",
    "lantern orchard seven",
    "supervisor maple cloud nine",
]


def problem_of(passphrase: str, confirmation: str | None = None) -> str | None:
    """The rule as the screens reach it (they import it from storage.keyslots)."""
    return keyslots.passphrase_problem(passphrase, confirmation)


@pytest.mark.parametrize("passphrase", GUESSABLE)
def test_a_guessable_passphrase_is_refused_with_a_plain_reason(passphrase: str) -> None:
    problem = problem_of(passphrase)
    assert problem is not None
    assert problem.startswith("That passphrase is")
    assert keyslots.PASSPHRASE_RULE in problem


def test_the_reason_says_what_makes_it_guessable() -> None:
    problem = problem_of("password1234")
    assert problem is not None and "common password" in problem


@pytest.mark.parametrize("passphrase", GOOD)
def test_a_passphrase_of_unrelated_words_is_accepted(passphrase: str) -> None:
    assert problem_of(passphrase) is None
    assert problem_of(passphrase, passphrase) is None


def test_every_demo_passphrase_is_accepted() -> None:
    phrases = [demo.memorable_passphrase() for _ in range(300)]
    refused = [p for p in phrases if problem_of(p) is not None]
    assert refused == []


def test_the_rule_is_one_function_for_journals_and_bundles() -> None:
    from storage import passphrase

    assert keyslots.passphrase_problem is passphrase.passphrase_problem
    assert keyslots.PASSPHRASE_RULE == passphrase.PASSPHRASE_RULE


@pytest.mark.parametrize(
    ("passphrase", "accepted"),
    [(secrets.token_urlsafe(8000), True), ("a" * 10_000, False)],
    ids=["long random", "long repeat"],
)
def test_a_very_long_passphrase_is_judged_quickly(passphrase: str, accepted: bool) -> None:
    started = time.perf_counter()
    problem = problem_of(passphrase)
    assert time.perf_counter() - started < 1.0
    assert (problem is None) is accepted


def test_the_passphrase_never_reaches_a_log(caplog: pytest.LogCaptureFixture) -> None:
    secret = f"canary {secrets.token_hex(8)}"
    with caplog.at_level(logging.DEBUG):
        problem_of(secret)
        problem_of("password1234")
    assert secret not in caplog.text and "password1234" not in caplog.text


def test_a_guessable_passphrase_creates_no_journal(tmp_path: Path) -> None:
    with pytest.raises(WeakPassphrase):
        keyslots.create(tmp_path / "practice.journal", "1 2 3 4")
    assert list(tmp_path.iterdir()) == []


def test_a_guessable_bundle_passphrase_keeps_export_off(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    journal = empty_template.open(journal_path)
    entry_id = fill(journal).id
    journal.lock()
    at = open_screen(app())
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    at = click(at, "Redact all undecided")
    at = at.radio(key="sv_how").set_value("Anyone with a passphrase").run()
    at.text_input(key="sv_phrase").input("password1234")
    at = at.text_input(key="sv_phrase2").input("password1234").run()
    assert make_button(at).disabled
    assert any("common password" in c.value for c in at.caption)
    at.text_input(key="sv_phrase").input("lantern orchard seven harbour")
    at = at.text_input(key="sv_phrase2").input("lantern orchard seven harbour").run()
    assert not make_button(at).disabled
