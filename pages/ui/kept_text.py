"""What is typed into a screen's plain widgets (never an st.form, whose values reach the
server only on submit), kept as an encrypted draft until it is saved.

The widgets carry `persist_state="session"` so a page switch keeps them; the draft brings
them back after a lock or a server restart. An empty form never replaces a draft with text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import streamlit as st

from storage.journal import Journal

# what every kept widget passes: its value survives a visit to another page
KEEP = "session"


def has_text(current: Mapping[str, Any], defaults: Mapping[str, Any]) -> bool:
    """True when a text field (one that starts as "") holds more than blanks; a choice or a
    number alone is not worth a draft."""
    return any(
        defaults.get(key) == "" and isinstance(value, str) and value.strip()
        for key, value in current.items()
    )


def should_save(
    current: Mapping[str, Any], stored: Mapping[str, Any] | None, defaults: Mapping[str, Any]
) -> bool:
    """Save the widgets' values `current` as a draft only when they hold typed text and differ
    from the draft stored: an empty form (widgets whose state was dropped look empty) never
    replaces a draft with text."""
    return has_text(current, defaults) and to_json(current) != stored


def to_json(values: Mapping[str, Any]) -> dict[str, Any]:
    """Widgets' values as stored in a draft (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def from_json(value: Any, was: Any) -> Any:
    """A draft's value back for a widget whose default is `was` (a date comes back a date)."""
    if isinstance(was, date) and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def restore(journal: Journal, draft_key: str, defaults: Mapping[str, Any]) -> None:
    """Before the widgets are drawn: start them from the draft when the session has lost
    them (a lock, a new tab), else from `defaults`; the session's own values win."""
    state = st.session_state
    if not any(key in state for key in defaults):
        draft = journal.draft(draft_key)
        for key, value in (draft.fields if draft else {}).items():
            if key in defaults:
                state[key] = from_json(value, defaults[key])
    for key, value in defaults.items():
        state.setdefault(key, value)


def autosave(journal: Journal, draft_key: str, defaults: Mapping[str, Any]) -> None:
    """After the widgets are drawn: keep what they hold as the screen's draft."""
    state = st.session_state
    current = {key: state[key] for key in defaults if key in state}
    stored = journal.draft(draft_key)
    if should_save(current, stored.fields if stored else None, defaults):
        journal.save_draft(draft_key, to_json(current))


def is_edited(current: Mapping[str, Any], saved: Mapping[str, Any]) -> bool:
    """True when every widget of a saved record is there and together they hold something
    other than what is saved (widgets whose state was dropped are no edit)."""
    return set(current) == set(saved) and to_json(current) != to_json(saved)


def autosave_edit(journal: Journal, draft_key: str, saved: Mapping[str, Any]) -> None:
    """After the widgets of a saved record are drawn (they start from `saved`): keep an edit
    as the draft; an edit undone, the widgets back to what is saved, leaves no draft."""
    state = st.session_state
    current = {key: state[key] for key in saved if key in state}
    stored = journal.draft(draft_key)
    if is_edited(current, saved):
        if stored is None or stored.fields != to_json(current):
            journal.save_draft(draft_key, to_json(current))
    elif stored is not None and set(current) == set(saved):
        journal.discard_draft(draft_key)


def forget(journal: Journal, draft_key: str, keys: Iterable[str]) -> None:
    """Once saved (call from a button's callback): no draft, and the widgets start empty."""
    journal.discard_draft(draft_key)
    for key in keys:
        st.session_state.pop(key, None)
