"""The Reflect draft's widget-key contract: the form's fields autosave (encrypted) when they
change, come back with their types, and are forgotten after a save."""

from __future__ import annotations

from datetime import date

from pages.reflect import draft as drafts
from storage.journal import Journal
from storage.records import Draft


def test_a_fresh_form_is_not_saved_as_a_draft(journal: Journal) -> None:
    state = drafts.fresh_state(seed=7, today=date(2026, 5, 1))
    assert drafts.autosave(journal, state) is False
    assert journal.all(Draft) == []


def test_typed_fields_autosave_once_and_come_back_with_their_types(journal: Journal) -> None:
    state = drafts.fresh_state(seed=7, today=date(2026, 5, 1))
    state["rf_answer_p1"] = "I noticed I hurried the ending."
    state["rf_swap_0"] = False  # a button's value is never part of a draft
    assert drafts.autosave(journal, state) is True
    assert drafts.autosave(journal, state) is False  # nothing changed since
    saved = journal.draft(drafts.REFLECT).fields
    assert "rf_swap_0" not in saved
    restored = drafts.widget_state(saved)
    assert restored["rf_answer_p1"] == "I noticed I hurried the ending."
    assert restored["rf_date"] == date(2026, 5, 1)
    assert restored["rf_seed"] == 7


def test_clearing_forgets_every_field_of_the_screen() -> None:
    state = {**drafts.fresh_state(seed=1), "rf_answer_x": "text", "journal": "kept"}
    drafts.clear(state)
    assert state == {"journal": "kept"}
