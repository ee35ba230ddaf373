"""The rule of drafts kept for the screens that take text outside Reflect (pages/ui/kept_text):
only typed text is worth a draft, and an empty form never replaces a draft with text."""

from __future__ import annotations

from datetime import date

from pages.ui import kept_text

DEFAULTS = {"notes": "", "name": "", "domain": "transference", "when": date(2026, 5, 1)}


def test_only_typed_text_is_worth_a_draft() -> None:
    assert kept_text.has_text({**DEFAULTS, "notes": "Ruptures."}, DEFAULTS)
    assert not kept_text.has_text(DEFAULTS, DEFAULTS)
    assert not kept_text.has_text({**DEFAULTS, "notes": "  \n "}, DEFAULTS)
    # a choice or a date alone is not typed text, even when it is a string
    assert not kept_text.has_text({**DEFAULTS, "domain": "countertransference"}, DEFAULTS)


def test_an_empty_form_never_replaces_a_draft_with_text() -> None:
    stored = kept_text.to_json({**DEFAULTS, "notes": "Ruptures."})
    assert stored["when"] == "2026-05-01"
    assert not kept_text.should_save({}, stored, DEFAULTS)  # widgets' state dropped
    assert not kept_text.should_save(DEFAULTS, stored, DEFAULTS)
    assert not kept_text.should_save({**DEFAULTS, "notes": " "}, stored, DEFAULTS)
    assert not kept_text.should_save({**DEFAULTS, "notes": "Ruptures."}, stored, DEFAULTS)
    assert kept_text.should_save({**DEFAULTS, "notes": "Ruptures, fees."}, stored, DEFAULTS)
    assert kept_text.should_save({**DEFAULTS, "name": "Dr Vale"}, None, DEFAULTS)


def test_a_date_comes_back_a_date() -> None:
    assert kept_text.from_json("2026-05-01", date(2026, 1, 1)) == date(2026, 5, 1)
    assert kept_text.from_json("Ruptures.", "") == "Ruptures."


def test_an_edit_is_what_differs_from_the_saved_values() -> None:
    saved = {"text": "What did I notice?", "domain": "transference", "when": date(2026, 5, 1)}
    assert not kept_text.is_edited(saved, saved)
    assert kept_text.is_edited({**saved, "domain": "boundaries"}, saved)
    assert kept_text.is_edited({**saved, "text": "What did I feel?"}, saved)
    # widgets whose state was dropped are no edit, and a date compares as stored
    assert not kept_text.is_edited({"text": "What did I feel?"}, saved)
    assert not kept_text.is_edited({**saved, "when": "2026-05-01"}, saved)
