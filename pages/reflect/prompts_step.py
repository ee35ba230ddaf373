"""Reflect, step 4: the guided prompts. Framework and focus choose them; any unanswered one
can be swapped; free writing below."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import streamlit as st

from pages.reflect.form import answered_any
from pages.reflect.session_step import Chosen
from pages.ui import widgets
from practice import caseload
from prompts.library import Library, Prompt, domain_in_words
from prompts.selector import (
    FOLLOW_UP_ID,
    Context,
    follow_up_prompt,
    offered_domains,
    recent_prompt_ids,
    select_prompts,
    stage_for,
    swap_prompt,
)
from storage.journal import Journal


def prompts_step(
    journal: Journal,
    library: Library,
    chosen: Chosen,
    rupture_flagged: bool,
    not_on_track: bool = False,
) -> None:
    """Draw step 4: framework and focus, the prompts with their answers, free writing.
    After a rupture flag, or for a client not on track, the prompts include the alliance."""
    state = st.session_state
    st.header("Prompts" if chosen.free else "4. Prompts")
    frameworks = ["free", *sorted(k for k in library.frameworks if k != "free")]
    left, right = st.columns(2)
    framework_id = left.selectbox(
        "Framework",
        frameworks,
        format_func=lambda f: library.framework(f).name,
        key="rf_framework",
        persist_state="session",
    )
    offered = offered_domains(library, _context(journal, chosen, framework_id, []))
    focus = right.multiselect(
        "Focus",
        offered,
        format_func=domain_in_words,
        key="rf_focus",
        persist_state="session",
    )
    framework = library.framework(framework_id)
    if framework.stages:
        st.caption(framework.summary)
    context = _context(journal, chosen, framework_id, focus, rupture_flagged, not_on_track)
    choice = f"{framework_id}|{','.join(sorted(focus))}|{rupture_flagged}|{chosen.free}"
    choice += f"|{context.modality}|{not_on_track}"
    # a new flag or framework re-chooses the prompts, but never hides written answers
    if state.get("rf_prompts_for") != choice and not answered_any(state):
        _keep(select_prompts(library, context, count=4, seed=state["rf_seed"]))
        state["rf_prompts_for"] = choice
    prompts = [
        library.prompts.get(pid) or follow_up_prompt(context.last_next_step)
        for pid in state["rf_prompts"]
    ]
    for index in range(len(prompts)):
        _prompt(library, context, framework_id, prompts, index)
    st.text_area(
        "Anything else (free writing)", key="rf_free_text", persist_state="session", height=120
    )


def _context(
    journal: Journal,
    chosen: Chosen,
    framework_id: str,
    focus: list[str],
    rupture_flagged: bool = False,
    not_on_track: bool = False,
) -> Context:
    client = chosen.client
    return Context(
        focus_domains=tuple(focus),
        free_reflection=chosen.free,
        modality="" if chosen.free else st.session_state.get("rf_modality", ""),
        profession=journal.settings.profession,
        recent_prompt_ids=recent_prompt_ids(caseload.reflections_of(journal, client.id))
        if client
        else frozenset(),
        rupture_flagged=rupture_flagged,
        not_on_track=not_on_track,
        last_next_step=caseload.last_next_step(journal, client.id) if client else "",
        framework=framework_id,
    )


def _keep(prompts: Sequence[Prompt]) -> None:
    """The prompts on the form, and their text as shown (saved with each answer)."""
    st.session_state["rf_prompts"] = [p.id for p in prompts]
    st.session_state["rf_prompt_texts"] = {p.id: p.text for p in prompts}


def _prompt(
    library: Library, context: Context, framework_id: str, prompts: list[Prompt], index: int
) -> None:
    """One prompt: its framework stage, its text as first shown, the answer, "Swap"."""
    state = st.session_state
    prompt = prompts[index]
    stage = stage_for(library, framework_id, prompt, current=prompts)
    with st.container(border=True):
        if stage is not None:
            st.caption(f"{stage.name}: {stage.question}")
        # a prompt can quote the user's own next step: shown as typed, never as markup
        shown = state["rf_prompt_texts"].get(prompt.id, prompt.text)
        st.markdown(f"**{widgets.plain(shown)}**")
        st.text_area(
            "Your answer",
            key=f"rf_answer_{prompt.id}",
            persist_state="session",
            height=140,
            label_visibility="collapsed",
        )
        answered = bool(state.get(f"rf_answer_{prompt.id}", "").strip())
        if (
            prompt.id != FOLLOW_UP_ID
            and not answered
            and st.button("Swap", key=f"rf_swap_{index}", icon=":material/swap_horiz:")
        ):
            _keep(swap_prompt(library, context, prompts, index, secrets.randbits(32)))
            st.rerun()
