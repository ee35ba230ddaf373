"""The Reflect form's fields become records by pure functions: what was typed and chosen,
nothing more, nothing lost."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pages.reflect import draft as drafts
from pages.reflect.form import (
    answered_any,
    estimate_from_form,
    reflection_from_form,
    session_from_form,
)
from prompts.library import builtin_library
from storage.records import Answer


def form(**fields: Any) -> dict[str, Any]:
    """A fresh form (as the screen starts it) with two prompts shown and `fields` filled."""
    state = drafts.fresh_state(seed=3, today=date(2026, 5, 1))
    state["rf_prompts"] = ["p-ending", "p-body"]
    state["rf_prompt_texts"] = {
        "p-ending": "What happened at the ending?",
        "p-body": "Where did you feel it in your body?",
    }
    state.update(fields)
    return state


def test_answers_keep_the_prompt_text_as_shown_and_skip_blank_ones() -> None:
    state = form(**{"rf_answer_p-ending": "She left early."})
    state["rf_answer_p-body"] = "   \n"
    reflection = reflection_from_form(state, session_id="s-1", client_id="c-1")
    assert reflection.answers == [
        Answer("p-ending", "What happened at the ending?", "She left early.")
    ]


def test_an_answer_keeps_its_prompt_even_when_the_text_shown_is_unknown() -> None:
    state = form(rf_prompts=["p-gone"], rf_prompt_texts={}, **{"rf_answer_p-gone": "Still mine."})
    (answer,) = reflection_from_form(state, session_id=None, client_id=None).answers
    assert answer == Answer("p-gone", "", "Still mine.")


def test_a_reflection_on_a_session_belongs_to_its_session_and_client() -> None:
    reflection = reflection_from_form(form(), session_id="s-1", client_id="c-1")
    assert (reflection.session_id, reflection.client_id) == ("s-1", "c-1")


def test_a_free_reflection_belongs_to_no_session_but_keeps_its_client() -> None:
    reflection = reflection_from_form(form(rf_free=True), session_id="s-1", client_id="c-1")
    assert (reflection.session_id, reflection.client_id) == (None, "c-1")


def test_reactions_felt_are_kept_by_name_and_the_ones_not_felt_left_out() -> None:
    state = form(rf_reaction_0=0, rf_reaction_1=2, rf_reaction_6=3)
    reflection = reflection_from_form(state, session_id=None, client_id=None)
    assert reflection.reactions == {"helpless/inadequate": 2, "parental/protective": 3}


def test_free_writing_next_step_tags_flag_framework_and_focus_are_kept() -> None:
    state = form(
        rf_free_text="A long week of endings.",
        rf_next_step="Name the ending early.",
        rf_tags=["endings", "pace"],
        rf_flag=True,
        rf_framework="gibbs",
        rf_focus=["alliance", "countertransference"],
    )
    reflection = reflection_from_form(state, session_id=None, client_id=None)
    assert reflection.free_text == "A long week of endings."
    assert reflection.next_step == "Name the ending early."
    assert reflection.tags == ["endings", "pace"]
    assert reflection.flagged_for_supervision is True
    assert reflection.framework == "gibbs"
    assert reflection.focus_domains == ["alliance", "countertransference"]


def test_an_untouched_form_makes_an_empty_reflection() -> None:
    reflection = reflection_from_form(form(), session_id=None, client_id=None)
    assert reflection.answers == []
    assert reflection.reactions == {}
    assert (reflection.free_text, reflection.next_step, reflection.tags) == ("", "", [])
    assert reflection.flagged_for_supervision is False
    assert reflection.text().strip() == ""  # the screen refuses to save this


def test_the_session_takes_date_number_and_modality_from_the_form() -> None:
    state = form(rf_number=7.0, rf_modality="video")
    session = session_from_form(state, client_id="c-1")
    assert (session.client_id, session.date, session.number, session.modality) == (
        "c-1",
        date(2026, 5, 1),
        7,
        "video",
    )
    assert isinstance(session.number, int)


def test_the_estimate_scores_every_item_of_the_instrument_with_presence_and_markers() -> None:
    instrument = builtin_library().instruments["sac4"]
    scores = {"bond": 6, "goals": 7, "tasks": 5, "voice": 4}
    state = form(
        rf_presence=8,
        rf_withdrawal=["went quiet or flat"],
        rf_confrontation=[],
        **{f"rf_item_{item}": score for item, score in scores.items()},
    )
    estimate = estimate_from_form(state, "s-1", instrument)
    assert (estimate.session_id, estimate.instrument) == ("s-1", "sac4")
    assert estimate.items == scores
    assert estimate.total == 22
    assert estimate.presence == 8
    assert estimate.withdrawal_markers == ["went quiet or flat"]
    assert estimate.confrontation_markers == []


def test_an_estimate_without_a_score_for_an_item_is_not_made() -> None:
    instrument = builtin_library().instruments["sac4"]
    with pytest.raises(KeyError):
        estimate_from_form(form(rf_item_bond=5), "s-1", instrument)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [({}, False), ({"rf_answer_p-body": "  "}, False), ({"rf_answer_p-body": "tight"}, True)],
)
def test_prompts_count_as_answered_once_one_has_words(
    answers: dict[str, str], expected: bool
) -> None:
    assert answered_any(form(**answers)) is expected
