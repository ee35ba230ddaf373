"""Settings → your own prompts (add, edit, delete) and built-in prompts to hide."""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from pages.settings import NOTICE
from pages.ui import kept_text, widgets
from pages.ui.notice import rerun_with_notice, set_notice
from prompts.library import (
    PHASES,
    LibraryError,
    builtin_library,
    custom_prompt,
    domain_in_words,
    new_custom_prompt_id,
    worded,
)
from storage.journal import Journal
from storage.records import DOMAINS

PROFESSION_GROUPS = {
    "all": "everyone",
    "psychological": "talking therapies",
    "physical": "hands-on",
}
DRAFT = "settings_new_prompt"  # the draft of the prompt being added
PROBLEM = "settings_new_prompt_problem"
EDIT_DRAFT = "settings_edit_prompt_"  # + the prompt's id: the draft of an edit not yet saved
EDIT_PROBLEM = "settings_edit_prompt_problem_"  # + the prompt's id
# the new prompt's widgets and what each starts from (in _prompt_data's order)
NEW_PROMPT = {"new_text": "", "new_domain": DOMAINS[0], "new_phase": PHASES[0], "new_group": "all"}


def your_own_prompts(journal: Journal) -> None:
    """Draw the section: each custom prompt to edit or delete, and the fields to add one."""
    st.header("Your own prompts")
    st.caption("Added to the prompts Reflect chooses from. Stored encrypted in this journal.")
    for data in journal.settings.custom_prompts:
        with st.expander(f"{data['domain']}: {data['text'][:80]}"):
            _edit_prompt_fields(journal, data)

    _add_prompt_fields(journal)


def _edit_keys(data: dict[str, Any]) -> dict[str, Any]:
    """A saved prompt's widgets and what each starts from (in _prompt_data's order)."""
    prefix = f"edit_{data['id']}"
    return {
        f"{prefix}_text": data["text"],
        f"{prefix}_domain": data["domain"],
        f"{prefix}_phase": data["phase"],
        f"{prefix}_group": (data.get("professions") or ["all"])[0],
    }


def _edit_prompt_fields(journal: Journal, data: dict[str, Any]) -> None:
    """A saved prompt's fields, kept as a draft of its own until saved or deleted."""
    # plain widgets, not a form: what is typed reaches the server and is kept as a draft
    prompt_id, keys = data["id"], _edit_keys(data)
    kept_text.restore(journal, f"{EDIT_DRAFT}{prompt_id}", keys)
    _prompt_fields(f"edit_{prompt_id}")
    save, delete = st.columns(2)
    save.button(
        "Save changes",
        key=f"save_prompt_{prompt_id}",
        on_click=_save_edit,
        args=(journal, prompt_id),
    )
    delete.button(
        "Delete prompt",
        key=f"delete_prompt_{prompt_id}",
        on_click=_delete,
        args=(journal, prompt_id),
    )
    if problem := st.session_state.pop(f"{EDIT_PROBLEM}{prompt_id}", None):
        st.error(problem)
    kept_text.autosave_edit(journal, f"{EDIT_DRAFT}{prompt_id}", keys)


def _save_edit(journal: Journal, prompt_id: str) -> None:
    """Button callback: store the edited prompt, then forget its draft (the fields start
    from what was saved)."""
    state, custom = st.session_state, list(journal.settings.custom_prompts)
    position = next((i for i, p in enumerate(custom) if p["id"] == prompt_id), None)
    if position is None:  # deleted meanwhile (another tab)
        return
    keys = _edit_keys(custom[position])
    custom[position] = _prompt_data(*(state[key] for key in keys), custom[position])
    if problem := _problem(custom):
        state[f"{EDIT_PROBLEM}{prompt_id}"] = problem  # the fields keep what was typed
        return
    journal.save_settings(dataclasses.replace(journal.settings, custom_prompts=custom))
    kept_text.forget(journal, f"{EDIT_DRAFT}{prompt_id}", keys)
    set_notice(NOTICE, "Saved.")


def _delete(journal: Journal, prompt_id: str) -> None:
    """Button callback: delete the prompt, its draft and its fields' state."""
    state, custom = st.session_state, list(journal.settings.custom_prompts)
    remaining = [p for p in custom if p["id"] != prompt_id]
    if problem := _problem(remaining):
        state[f"{EDIT_PROBLEM}{prompt_id}"] = problem
        return
    journal.save_settings(dataclasses.replace(journal.settings, custom_prompts=remaining))
    for data in custom:
        if data["id"] == prompt_id:
            kept_text.forget(journal, f"{EDIT_DRAFT}{prompt_id}", _edit_keys(data))
    set_notice(NOTICE, "Prompt deleted.")


def _add_prompt_fields(journal: Journal) -> None:
    # plain widgets, not a form: what is typed reaches the server and is kept as a draft
    kept_text.restore(journal, DRAFT, NEW_PROMPT)
    widgets.commit_text_while_typing()
    _prompt_fields("new")
    st.button("Add prompt", key="add_prompt", on_click=_add_prompt, args=(journal,))
    if problem := st.session_state.pop(PROBLEM, None):
        st.error(problem)
    kept_text.autosave(journal, DRAFT, NEW_PROMPT)


def _add_prompt(journal: Journal) -> None:
    """Button callback: add the new prompt, then forget its draft and empty the fields."""
    state, custom = st.session_state, list(journal.settings.custom_prompts)
    new = _prompt_data(*(state[key] for key in NEW_PROMPT))
    existing = set(builtin_library().prompts) | {p["id"] for p in custom}
    new["id"] = new_custom_prompt_id(new["text"], existing)
    if problem := _problem([*custom, new]):
        state[PROBLEM] = problem  # shown under the fields, which keep what was typed
        return
    journal.save_settings(dataclasses.replace(journal.settings, custom_prompts=[*custom, new]))
    kept_text.forget(journal, DRAFT, NEW_PROMPT)
    set_notice(NOTICE, "Prompt added.")


def built_in_prompts_to_hide(journal: Journal) -> None:
    """Draw the section: which built-in prompts Reflect never offers."""
    settings = journal.settings
    builtin = builtin_library()
    st.header("Built-in prompts to hide")
    hidden = st.multiselect(
        "Hidden prompts",
        sorted(builtin.prompts),
        # no "Select all matches" in the list: one click once hid 17 prompts
        select_all=False,
        key="settings_hidden_prompts",
        default=[p for p in settings.hidden_prompts if p in builtin.prompts],
        format_func=lambda pid: (
            f"{domain_in_words(builtin.prompts[pid].domain)}: "
            f"{worded(builtin.prompts[pid].text, settings.profession)}"
        ),
    )
    if st.button("Save hidden prompts"):
        journal.save_settings(dataclasses.replace(settings, hidden_prompts=list(hidden)))
        rerun_with_notice(NOTICE, f"{len(hidden)} built-in prompt(s) hidden.")


def _prompt_fields(prefix: str) -> None:
    """Widgets for one prompt, kept across pages; they start from the session's state
    (kept_text.restore sets it first)."""
    persist = kept_text.KEEP
    st.text_area("Prompt", key=f"{prefix}_text", persist_state=persist)
    left, middle, right = st.columns(3)
    left.selectbox(
        "Domain",
        DOMAINS,
        format_func=domain_in_words,
        key=f"{prefix}_domain",
        persist_state=persist,
    )
    middle.selectbox(
        "Phase",
        PHASES,
        key=f"{prefix}_phase",
        format_func=lambda p: p.replace("_", " "),
        persist_state=persist,
    )
    right.selectbox(
        "For",
        list(PROFESSION_GROUPS),
        format_func=PROFESSION_GROUPS.get,
        key=f"{prefix}_group",
        persist_state=persist,
    )


def _prompt_data(
    text: str, domain: str, phase: str, group: str, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A custom-prompt dict from what the fields hold."""
    current = current or {}
    return {
        "id": current.get("id", ""),
        "domain": domain,
        "text": text.strip(),
        "phase": phase,
        "professions": [group],
        "proctor": current.get("proctor", ["formative"]),
        "follow_ups": current.get("follow_ups", []),
    }


def _problem(prompts: list[dict[str, Any]]) -> str | None:
    """Why these custom prompts cannot be stored, or None."""
    try:
        for data in prompts:
            custom_prompt(data)
    except LibraryError as error:
        return str(error)
    return None
