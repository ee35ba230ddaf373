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


def test_an_empty_or_default_form_never_replaces_a_draft_with_content() -> None:
    written = {**drafts.fresh_state(seed=1), "rf_free_text": "What stays with me."}
    chosen = {"rf_client": "c1", "rf_session_id": "s1", "rf_seed": 1}
    for stored in (drafts.fields(written), chosen):
        assert drafts.has_content(stored)
        assert not drafts.may_replace({}, stored)  # widgets' state dropped by a page switch
        assert not drafts.may_replace(drafts.fresh_state(seed=2), stored)
        assert not drafts.may_replace({"rf_free_text": "   ", "rf_free": True}, stored)
    assert drafts.may_replace({"rf_next_step": "Ask."}, drafts.fields(written))
    assert drafts.may_replace({}, None)
    assert drafts.may_replace({"rf_free": True}, {"rf_free_text": ""})


def test_autosave_keeps_the_draft_when_the_form_comes_back_empty(journal: Journal) -> None:
    state = drafts.fresh_state(seed=7, today=date(2026, 5, 1))
    state["rf_free_text"] = "What stays with me after today."
    assert drafts.autosave(journal, state) is True
    for key in drafts.fields(state):
        del state[key]  # as Streamlit drops the state of widgets not drawn
    state["rf_free"] = False
    assert drafts.autosave(journal, state) is False
    assert journal.draft(drafts.REFLECT).fields["rf_free_text"] == "What stays with me after today."


def test_unanswered_scores_are_kept_unanswered_never_as_a_middle_value(journal: Journal) -> None:
    state = drafts.fresh_state(seed=7, today=date(2026, 5, 1))
    assert state["rf_presence"] is None  # presence starts unanswered, like every score
    state.update(rf_client="c1", rf_item_bond=None, rf_item_goals=0, rf_item_tasks=7)
    assert drafts.autosave(journal, state) is True
    restored = drafts.widget_state(journal.draft(drafts.REFLECT).fields)
    scores = ("rf_item_bond", "rf_item_goals", "rf_item_tasks", "rf_presence")
    assert {key: restored[key] for key in scores} == {
        "rf_item_bond": None,
        "rf_item_goals": 0,
        "rf_item_tasks": 7,
        "rf_presence": None,
    }
