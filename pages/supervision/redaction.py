"""Supervision → Share, the user's own redactions: the journal-wide always-redact list and
the words picked by hand in one passage."""

from __future__ import annotations

import streamlit as st

from pages.ui import kept_text, widgets
from pages.ui.notice import set_notice, show_notice
from sharing import deidentify, share
from storage.journal import Journal

ALWAYS = "sv_always"
ALWAYS_DRAFT = "supervision-always-redact"
MANUAL = "sv_manual_"  # + entry id + "|" + part
NOTICE = "sv_always_notice"
PROBLEM = "sv_always_problem"


def always_redact_editor(journal: Journal) -> None:
    """The always-redact list, saved encrypted with the journal's settings."""
    saved = {ALWAYS: "\n".join(share.always_redact(journal))}
    kept_text.restore(journal, ALWAYS_DRAFT, saved)
    with st.expander("Always redact, in every share", expanded=bool(saved[ALWAYS])):
        show_notice(NOTICE)
        widgets.commit_text_while_typing()
        st.text_area(
            "One per line: relatives, employers, towns, schools",
            key=ALWAYS,
            persist_state=kept_text.KEEP,
            help="Kept encrypted in this journal. Every entry is redacted wherever it "
            "appears in a shared entry, in any case, as whole words.",
        )
        st.button("Save the list", key="sv_always_save", on_click=_save, args=(journal,))
        if problem := st.session_state.pop(PROBLEM, None):
            st.error(problem)
    kept_text.autosave_edit(journal, ALWAYS_DRAFT, saved)
    _ordinary_words(journal)


def _save(journal: Journal) -> None:
    try:
        entries = share.save_always_redact(journal, st.session_state[ALWAYS])
    except ValueError as error:
        st.session_state[PROBLEM] = f"Nothing was saved: {error}."
        return
    kept_text.forget(journal, ALWAYS_DRAFT, [ALWAYS])
    set_notice(NOTICE, f"Always-redact list saved ({len(entries)} entries).")


def _ordinary_words(journal: Journal) -> None:
    """Warn when a client's alias or a list entry is an everyday word ("Will", "Rose")."""
    common = deidentify.ordinary_words([*share.known_names(journal), *share.always_redact(journal)])
    if common:
        quoted = ", ".join(f"“{widgets.plain(word)}”" for word in common)
        st.caption(
            f"{quoted}: also an ordinary word, so every use of it as a word is flagged or "
            "redacted too. Check those in the review, or choose a less common alias."
        )


def picked_phrases() -> dict[tuple[str, str], list[str]]:
    """The phrases typed under each passage, by (entry id, part), from the session."""
    picked = {}
    for key, value in st.session_state.items():
        if isinstance(key, str) and key.startswith(MANUAL) and isinstance(value, str):
            entry_id, _, part = key.removeprefix(MANUAL).partition("|")
            picked[(entry_id, part)] = [line for line in value.splitlines() if line.strip()]
    return picked


def manual_key(passage: share.Passage) -> str:
    """The session key of the passage's "Also redact here" box."""
    return f"{MANUAL}{passage.entry_id}|{passage.part}"


def add_phrase(passage: share.Passage, words: str) -> None:
    """Callback: add words selected in the passage to its box (once)."""
    key = manual_key(passage)
    lines = [line for line in st.session_state.get(key, "").splitlines() if line.strip()]
    if words not in lines:
        st.session_state[key] = "\n".join([*lines, words])


def manual_box(passage: share.Passage) -> None:
    """Under a passage: words the user selected in it and wants redacted."""
    st.text_area(
        "Also redact here (one phrase per line, or select words above and press the button)",
        key=manual_key(passage),
        height=68,
        persist_state=kept_text.KEEP,
    )
