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
    new_custom_prompt_id,
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
# the new prompt's widgets and what each starts from (in _prompt_data's order)
NEW_PROMPT = {"new_text": "", "new_domain": DOMAINS[0], "new_phase": PHASES[0], "new_group": "all"}


def your_own_prompts(journal: Journal) -> None:
    """Draw the section: each custom prompt to edit or delete, and a form to add one."""
    st.subheader("Your own prompts")
    st.caption("Added to the prompts Reflect chooses from. Stored encrypted in this journal.")
    custom = list(journal.settings.custom_prompts)
    for position, data in enumerate(custom):
        title = f"{data['domain']}: {data['text'][:80]}"
        with st.expander(title), st.form(f"edit_prompt_{data['id']}"):
            edited = _prompt_fields(f"edit_{data['id']}", data)
            save, delete = st.columns(2)
            if save.form_submit_button("Save changes"):
                changed = custom[:position] + [edited] + custom[position + 1 :]
                _save_prompts(journal, changed, "Saved.")
            if delete.form_submit_button("Delete prompt"):
                _save_prompts(
                    journal, custom[:position] + custom[position + 1 :], "Prompt deleted."
                )

    _add_prompt_fields(journal)


def _add_prompt_fields(journal: Journal) -> None:
    # plain widgets, not a form: what is typed reaches the server and is kept as a draft
    kept_text.restore(journal, DRAFT, NEW_PROMPT)
    widgets.commit_text_while_typing()
    _prompt_fields("new", keep=True)
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
    st.subheader("Built-in prompts to hide")
    hidden = st.multiselect(
        "Hidden prompts",
        sorted(builtin.prompts),
        default=[p for p in settings.hidden_prompts if p in builtin.prompts],
        format_func=lambda pid: f"{builtin.prompts[pid].domain}: {builtin.prompts[pid].text}",
    )
    if st.button("Save hidden prompts"):
        journal.save_settings(dataclasses.replace(settings, hidden_prompts=list(hidden)))
        rerun_with_notice(NOTICE, f"{len(hidden)} built-in prompt(s) hidden.")


def _prompt_fields(
    prefix: str, current: dict[str, Any] | None = None, keep: bool = False
) -> dict[str, Any]:
    """Widgets for one prompt (kept across pages when `keep`); returns the values as a
    custom-prompt dict."""
    current = current or {}
    persist = kept_text.KEEP if keep else None
    text = st.text_area(
        "Prompt", value=current.get("text", ""), key=f"{prefix}_text", persist_state=persist
    )
    left, middle, right = st.columns(3)
    domain = left.selectbox(
        "Domain",
        DOMAINS,
        index=DOMAINS.index(current.get("domain", DOMAINS[0])),
        key=f"{prefix}_domain",
        persist_state=persist,
    )
    phase = middle.selectbox(
        "Phase",
        PHASES,
        index=PHASES.index(current.get("phase", PHASES[0])),
        key=f"{prefix}_phase",
        format_func=lambda p: p.replace("_", " "),
        persist_state=persist,
    )
    group = right.selectbox(
        "For",
        list(PROFESSION_GROUPS),
        index=list(PROFESSION_GROUPS).index((current.get("professions") or ["all"])[0]),
        format_func=PROFESSION_GROUPS.get,
        key=f"{prefix}_group",
        persist_state=persist,
    )
    return _prompt_data(text, domain, phase, group, current)


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


def _save_prompts(journal: Journal, prompts: list[dict[str, Any]], message: str) -> None:
    """Validate every custom prompt, then store them; nothing is saved on an error."""
    if problem := _problem(prompts):
        st.error(problem)
        return
    journal.save_settings(dataclasses.replace(journal.settings, custom_prompts=prompts))
    rerun_with_notice(NOTICE, message)
