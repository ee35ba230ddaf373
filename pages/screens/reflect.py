"""Reflect: the after-session flow. Session, your read (blind), feedback, prompts, next step."""

from __future__ import annotations

import secrets
from datetime import date

import streamlit as st

from insights import session_flags
from pages.ui import journal_session, widgets
from pages.reflect.feedback_entry import feedback_step
from prompts.library import library_for
from prompts.selector import (
    FOLLOW_UP_ID,
    Context,
    follow_up_prompt,
    recent_prompt_ids,
    select_prompts,
    stage_for,
    swap_prompt,
)
from practice import caseload
from pages.reflect import draft as drafts
from practice.entries import INTENSITY_WORDS
from storage.errors import JournalError
from storage.records import DOMAINS, MODALITIES, REACTIONS, Answer, Estimate, Reflection, Session

NEW_CLIENT = "__new__"

CLIENT_ERROR = "reflect_client_error"

journal = journal_session.require_journal()
widgets.commit_text_while_typing()
settings = journal.settings
library = library_for(settings)
state = st.session_state

st.title("Reflect")


def _add_client() -> None:
    """Runs before the widgets are drawn, so the new client can be selected at once."""
    try:
        added = caseload.add_client(
            journal,
            state.get("rf_new_code", ""),
            state.get("rf_new_alias", ""),
            state.get("rf_new_instrument", "sac4"),
        )
    except JournalError as error:
        state[CLIENT_ERROR] = str(error)
    else:
        state["rf_client"] = added.id


# ---- a draft left from before (lock, closed tab, restart) ----------------------------
saved_draft = journal.draft(drafts.REFLECT)
if not state.get(drafts.ACTIVE):
    if saved_draft is not None:
        st.info(
            f"You have an unsaved reflection from {saved_draft.saved_at:%d %b %Y, %H:%M} UTC.",
            icon=":material/edit_note:",
        )
        resume, discard = st.columns(2)
        if resume.button("Resume draft", type="primary", use_container_width=True):
            state.update(drafts.widget_state(saved_draft.fields))
            state[drafts.ACTIVE] = True
            st.rerun()
        if discard.button("Discard draft", use_container_width=True):
            journal.discard_draft(drafts.REFLECT)
            st.rerun()
    else:
        # set before any widget is drawn, so this same run shows the fresh form: a second
        # run here would let a click made in between land on the stale form and be lost
        state.update(drafts.fresh_state(secrets.randbits(32)))
if state.get(drafts.ACTIVE):
    drafts.autosave(journal, state)

    # ---- 1. the session ------------------------------------------------------------------
    st.subheader("1. Session")
    free = st.toggle("Free reflection (not about one session)", key="rf_free")
    clients = caseload.clients_by_code(journal)
    codes = {c.id: c.code for c in clients}
    client_id = st.selectbox(
        "Client",
        [*codes, NEW_CLIENT],
        format_func=lambda cid: "New client…" if cid == NEW_CLIENT else codes[cid],
        key="rf_client",
        index=None,
        placeholder="Choose a client",
        disabled=bool(state.get("rf_session_id")),
    )
    if client_id == NEW_CLIENT:
        with st.container(border=True):
            code = st.text_input("Client code", key="rf_new_code", placeholder="e.g. C-014")
            alias = st.text_input("Private alias (optional)", key="rf_new_alias")
            st.selectbox(
                "Instrument",
                list(library.instruments),
                format_func=lambda i: library.instruments[i].name,
                key="rf_new_instrument",
            )
            if caseload.looks_like_full_name(code) or caseload.looks_like_full_name(alias):
                st.warning(
                    "That looks like a person's full name. Use a code (e.g. C-014) and keep "
                    "names out of the journal: reflections can be ordered by a court."
                )
            st.button("Add client", on_click=_add_client)
            if CLIENT_ERROR in state:
                st.error(state.pop(CLIENT_ERROR))
    client = journal.get(client_id) if client_id not in (None, NEW_CLIENT) else None

    session = journal.get(state["rf_session_id"]) if state.get("rf_session_id") else None
    rupture_flagged = False
    if client is not None and not free:
        if "rf_number" not in state or state.get("rf_number_for") != client.id:
            state["rf_number"] = caseload.next_session_number(journal, client.id)
            state["rf_number_for"] = client.id
        left, middle, right = st.columns(3)
        left.date_input("Date", key="rf_date", max_value=date.today(), disabled=bool(session))
        middle.number_input(
            "Session number", key="rf_number", min_value=1, step=1, disabled=bool(session)
        )
        right.selectbox("Modality", MODALITIES, key="rf_modality", disabled=bool(session))

    # ---- 2. your read, saved before any feedback --------------------------------------
    instrument = library.instruments.get(client.instrument if client else "sac4")
    if client is not None and not free and instrument is not None:
        st.subheader("2. Your read of the session")
        st.caption(
            f"{instrument.name}: how do you think your client experienced today? "
            f"{instrument.min_score} = {instrument.low_anchor}, "
            f"{instrument.max_score} = {instrument.high_anchor}. Saved before any feedback "
            "from your client for this session can be entered or seen."
        )
        middle = (instrument.min_score + instrument.max_score) // 2
        for item in instrument.items:
            state.setdefault(f"rf_item_{item.id}", middle)
            st.slider(
                item.practitioner or item.label,
                instrument.min_score,
                instrument.max_score,
                key=f"rf_item_{item.id}",
                disabled=bool(session),
            )
        st.slider("My own presence today", 0, 10, key="rf_presence", disabled=bool(session))
        markers_left, markers_right = st.columns(2)
        markers_left.multiselect(
            "Withdrawal markers I noticed",
            caseload.WITHDRAWAL_MARKERS,
            key="rf_withdrawal",
            disabled=bool(session),
        )
        markers_right.multiselect(
            "Confrontation markers I noticed",
            caseload.CONFRONTATION_MARKERS,
            key="rf_confrontation",
            disabled=bool(session),
        )
        with st.expander("My reactions (countertransference)", expanded=not session):
            columns = st.columns(2)
            for index, reaction in enumerate(REACTIONS):
                state.setdefault(f"rf_reaction_{index}", 0)
                columns[index % 2].select_slider(
                    reaction,
                    options=list(INTENSITY_WORDS),
                    format_func=INTENSITY_WORDS.get,
                    key=f"rf_reaction_{index}",
                )
        if session is None:
            if st.button("Save my read", type="primary"):
                new_session = Session(
                    client_id=client.id,
                    date=state["rf_date"],
                    number=int(state["rf_number"]),
                    modality=state["rf_modality"],
                )
                estimate = Estimate(
                    session_id=new_session.id,
                    instrument=instrument.id,
                    items={i.id: int(state[f"rf_item_{i.id}"]) for i in instrument.items},
                    presence=int(state["rf_presence"]),
                    withdrawal_markers=list(state["rf_withdrawal"]),
                    confrontation_markers=list(state["rf_confrontation"]),
                )
                try:
                    caseload.record_estimate(journal, new_session, estimate)
                except JournalError as error:
                    st.error(str(error))
                else:
                    state["rf_session_id"] = new_session.id
                    drafts.autosave(journal, state)
                    st.rerun()
        else:
            estimate = caseload.estimate_for(journal, session.id)
            st.success(
                f"Your read of session {session.number} is saved: "
                f"{estimate.total} of {instrument.total_max}.",
                icon=":material/check:",
            )

            # ---- 3. patient feedback ------------------------------------------------------
            st.subheader("3. Client feedback")
            feedback = feedback_step(journal, session, instrument)
            if feedback is not None:
                st.info(
                    f"Your client's rating: {feedback.total} of {instrument.total_max}. "
                    + session_flags.feedback_sentence(journal, session, library.instruments),
                    icon=":material/forum:",
                )
                rupture_flagged = session_flags.rupture_flagged(
                    journal, session, library.instruments
                )

    # ---- 4. guided prompts ----------------------------------------------------------------
    ready = free or session is not None
    if ready:
        st.subheader("Prompts" if free else "4. Prompts")
        frameworks = ["free", *sorted(k for k in library.frameworks if k != "free")]
        left, right = st.columns(2)
        framework_id = left.selectbox(
            "Framework",
            frameworks,
            format_func=lambda f: library.framework(f).name,
            key="rf_framework",
        )
        focus = right.multiselect("Focus", DOMAINS, key="rf_focus")
        framework = library.framework(framework_id)
        if framework.stages:
            st.caption(framework.summary)
        context = Context(
            focus_domains=tuple(focus),
            profession=settings.profession,
            recent_prompt_ids=recent_prompt_ids(caseload.reflections_of(journal, client.id))
            if client
            else frozenset(),
            rupture_flagged=rupture_flagged,
            last_next_step=caseload.last_next_step(journal, client.id) if client else "",
            framework=framework_id,
        )
        choice = f"{framework_id}|{','.join(sorted(focus))}|{rupture_flagged}"
        answered_any = any(
            state.get(f"rf_answer_{pid}", "").strip() for pid in state.get("rf_prompts", [])
        )
        # a new flag or framework re-chooses the prompts, but never hides written answers
        if state.get("rf_prompts_for") != choice and not answered_any:
            picked = select_prompts(library, context, count=4, seed=state["rf_seed"])
            state["rf_prompts"] = [p.id for p in picked]
            state["rf_prompt_texts"] = {p.id: p.text for p in picked}
            state["rf_prompts_for"] = choice
        prompts = [
            library.prompts.get(pid) or follow_up_prompt(context.last_next_step)
            for pid in state["rf_prompts"]
        ]
        for index, prompt in enumerate(prompts):
            stage = stage_for(library, framework_id, prompt, current=prompts)
            with st.container(border=True):
                if stage is not None:
                    st.caption(f"{stage.name}: {stage.question}")
                st.markdown(f"**{state['rf_prompt_texts'].get(prompt.id, prompt.text)}**")
                st.text_area(
                    "Your answer",
                    key=f"rf_answer_{prompt.id}",
                    height=140,
                    label_visibility="collapsed",
                )
                answered = bool(state.get(f"rf_answer_{prompt.id}", "").strip())
                if (
                    prompt.id != FOLLOW_UP_ID
                    and not answered
                    and st.button("Swap", key=f"rf_swap_{index}", icon=":material/swap_horiz:")
                ):
                    swapped = swap_prompt(library, context, prompts, index, secrets.randbits(32))
                    state["rf_prompts"] = [p.id for p in swapped]
                    state["rf_prompt_texts"] = {p.id: p.text for p in swapped}
                    st.rerun()
        st.text_area("Anything else (free writing)", key="rf_free_text", height=120)

        # ---- 5. next step and save ------------------------------------------------------
        st.subheader("5. Next step and save")
        st.text_area("Next step", key="rf_next_step", height=80)
        known_tags = sorted({t for r in journal.all(Reflection) for t in r.tags})
        st.multiselect("Tags", known_tags, key="rf_tags", accept_new_options=True)
        st.checkbox("Flag for supervision", key="rf_flag")
        if st.button("Save reflection", type="primary"):
            answers = [
                Answer(
                    pid, state["rf_prompt_texts"].get(pid, ""), state.get(f"rf_answer_{pid}", "")
                )
                for pid in state["rf_prompts"]
            ]
            reactions = {
                reaction: int(state.get(f"rf_reaction_{i}", 0))
                for i, reaction in enumerate(REACTIONS)
            }
            reflection = Reflection(
                session_id=session.id if session and not free else None,
                client_id=client.id if client else None,
                framework=framework_id,
                focus_domains=list(focus),
                answers=[a for a in answers if a.answer.strip()],
                reactions={k: v for k, v in reactions.items() if v},
                free_text=state.get("rf_free_text", ""),
                next_step=state.get("rf_next_step", ""),
                tags=list(state.get("rf_tags", [])),
                flagged_for_supervision=bool(state.get("rf_flag")),
            )
            if not reflection.text().strip():
                st.error("Write an answer to at least one prompt, or some free writing, first.")
            else:
                journal.save(reflection)
                journal.discard_draft(drafts.REFLECT)
                drafts.clear(state)
                state[drafts.SAVED_NOTICE] = True
                st.rerun()
    elif client is None and not free:
        st.caption("Choose or add a client to begin, or switch on a free reflection.")

if state.pop(drafts.SAVED_NOTICE, False):
    st.toast("Reflection saved.", icon=":material/check:")
