"""Drafts of the Reflect screen: what is typed is autosaved (encrypted) as the user goes.

The screen keeps its fields under `rf_` keys of a state mapping (Streamlit's session
state, but any dict works here). These functions turn that state into a JSON-ready draft
and back, and save it only when something changed.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from datetime import date
from typing import Any

from storage.journal import Journal

REFLECT = "reflect"
PREFIX = "rf_"
ACTIVE = "rf_active"
_LAST_SAVED = "rf_last_saved_draft"
_DEFAULTS = "rf_defaults"
_DATE_KEYS = frozenset({"rf_date"})
# Buttons cannot be given a value through session state; bookkeeping keys are not fields.
_NOT_FIELDS = ("rf_swap_", ACTIVE, _LAST_SAVED, _DEFAULTS)
# What a user would miss: typed text, tags, a chosen client, a saved read.
_TEXT = ("rf_answer_", "rf_free_text", "rf_next_step", "rf_new_code", "rf_new_alias")
_CHOICES = ("rf_client", "rf_session_id", "rf_tags")


def fresh_state(seed: int, today: date | None = None) -> dict[str, Any]:
    """The starting state of a new reflection (the prompt seed keeps prompts stable)."""
    state = {
        ACTIVE: True,
        # set, not just absent: the browser then clears the client picked last time
        "rf_client": None,
        "rf_free": False,
        "rf_date": today or date.today(),
        "rf_modality": "in person",
        # unanswered until chosen, like every score (None, never a middle value)
        "rf_presence": None,
        "rf_withdrawal": [],
        "rf_confrontation": [],
        "rf_framework": "free",
        "rf_focus": [],
        "rf_free_text": "",
        "rf_next_step": "",
        "rf_tags": [],
        "rf_flag": False,
        "rf_seed": seed,
    }
    state[_DEFAULTS] = fields(state)
    return state


def fields(state: MutableMapping[str, Any]) -> dict[str, Any]:
    """The screen's fields as JSON-ready values."""
    found = {}
    for key, value in state.items():
        if not key.startswith(PREFIX) or key.startswith(_NOT_FIELDS):
            continue
        found[key] = value.isoformat() if isinstance(value, date) else value
    return found


def widget_state(saved: dict[str, Any]) -> dict[str, Any]:
    """Back from a saved draft to state values (dates parsed again)."""
    restored = {}
    for key, value in saved.items():
        if key in _DATE_KEYS and isinstance(value, str):
            value = date.fromisoformat(value)
        restored[key] = value
    restored[_LAST_SAVED] = saved
    restored[_DEFAULTS] = {}
    return restored


def has_content(saved: Mapping[str, Any]) -> bool:
    """True when a form's fields hold something the user typed or chose."""
    typed = any(
        isinstance(value, str) and value.strip()
        for key, value in saved.items()
        if key.startswith(_TEXT)
    )
    return typed or any(saved.get(key) for key in _CHOICES)


def may_replace(current: Mapping[str, Any], stored: Mapping[str, Any] | None) -> bool:
    """Whether `current` may be saved over the stored draft: an empty or default form never
    replaces a draft that has content (a form whose widgets lost their state looks empty)."""
    return stored is None or has_content(current) or not has_content(stored)


def autosave(journal: Journal, state: MutableMapping[str, Any]) -> bool:
    """Save the draft if anything changed since the last save and from a fresh form, and
    never an empty form over a draft with content.

    Returns True when a draft was written.
    """
    current = fields(state)
    if current == state.get(_LAST_SAVED) or current == state.get(_DEFAULTS):
        return False
    stored = journal.draft(REFLECT)
    if not may_replace(current, stored.fields if stored else None):
        return False
    journal.save_draft(REFLECT, current)
    state[_LAST_SAVED] = current
    return True


def clear(state: MutableMapping[str, Any]) -> None:
    """Forget the screen's fields (after saving the reflection)."""
    for key in [k for k in state if k.startswith(PREFIX)]:
        del state[key]
