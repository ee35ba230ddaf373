"""The records the Reflect form stands for, built from its fields (the `rf_` keys of a state
mapping, see draft.py). Pure: any dict works, which is what the tests use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prompts.library import Instrument
from storage.records import REACTIONS, Answer, Estimate, Reflection, Session


def session_from_form(state: Mapping[str, Any], client_id: str) -> Session:
    """The session being reflected on: date, number and modality as chosen."""
    return Session(
        client_id=client_id,
        date=state["rf_date"],
        number=int(state["rf_number"]),
        modality=state["rf_modality"],
    )


def unanswered_items(state: Mapping[str, Any], instrument: Instrument) -> list[str]:
    """The labels of the instrument's items that have no score yet, in the instrument's
    order (an item is unanswered until chosen; it never starts at a value)."""
    return [i.label for i in instrument.items if state.get(f"rf_item_{i.id}") is None]


def estimate_from_form(
    state: Mapping[str, Any], session_id: str, instrument: Instrument
) -> Estimate:
    """Your read of the session: one score per item of the instrument (all answered, see
    `unanswered_items`), presence when given, markers."""
    presence = state.get("rf_presence")
    return Estimate(
        session_id=session_id,
        instrument=instrument.id,
        items={i.id: int(state[f"rf_item_{i.id}"]) for i in instrument.items},
        presence=None if presence is None else int(presence),
        withdrawal_markers=list(state["rf_withdrawal"]),
        confrontation_markers=list(state["rf_confrontation"]),
    )


def answered_any(state: Mapping[str, Any]) -> bool:
    """True once any prompt on the form has an answer (prompts then stay as they are)."""
    return any(state.get(f"rf_answer_{pid}", "").strip() for pid in state.get("rf_prompts", []))


def reflection_from_form(
    state: Mapping[str, Any], session_id: str | None, client_id: str | None
) -> Reflection:
    """The reflection as written: answered prompts with their text as shown, reactions felt
    (intensity above 0), free writing, next step, tags and the supervision flag. A free
    reflection belongs to no session, even when one was chosen before it was switched on."""
    answers = [
        Answer(pid, state["rf_prompt_texts"].get(pid, ""), state.get(f"rf_answer_{pid}", ""))
        for pid in state["rf_prompts"]
    ]
    reactions = {
        reaction: int(state.get(f"rf_reaction_{i}", 0)) for i, reaction in enumerate(REACTIONS)
    }
    return Reflection(
        session_id=session_id if session_id and not state.get("rf_free") else None,
        client_id=client_id,
        framework=state["rf_framework"],
        focus_domains=list(state["rf_focus"]),
        answers=[a for a in answers if a.answer.strip()],
        reactions={k: v for k, v in reactions.items() if v},
        free_text=state.get("rf_free_text", ""),
        next_step=state.get("rf_next_step", ""),
        tags=list(state.get("rf_tags", [])),
        flagged_for_supervision=bool(state.get("rf_flag")),
    )
