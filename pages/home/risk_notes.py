"""Risk notes: a risk item (PHQ-9 item 9, CORE-10's) answered above 0 asks the practitioner
to check risk today. Each note stays, plainly, on Home and wherever the device comes back,
until the practitioner acknowledges it (CLINICAL.md, "Outcome measures")."""

from __future__ import annotations

import streamlit as st

from pages.ui import journal_session, widgets
from pages.ui.notice import rerun_with_notice, show_notice
from practice.outcomes import RiskNote, acknowledge_risk, open_risks
from prompts.outcomes import measures_for
from storage.errors import JournalError
from storage.journal import Journal

_ACKNOWLEDGED = "risk_acknowledged"


def notes_open(journal: Journal) -> list[RiskNote]:
    """Every risk note not yet acknowledged, newest first (kept until the journal changes)."""
    return journal_session.derived(
        "risk_notes_open", journal, lambda: open_risks(journal, measures_for(journal.settings))
    )


def risk_notes(journal: Journal, *, key: str, outcome_ids: set[str] | None = None) -> None:
    """Draw each open risk note (only those of `outcome_ids` when given) as an error box
    with an Acknowledge button; `key` keeps the buttons of different screens apart."""
    show_notice(_ACKNOWLEDGED, section=key, icon=":material/check:", toast=True)
    for note in notes_open(journal):
        if outcome_ids is not None and note.outcome_id not in outcome_ids:
            continue
        with st.container(border=False, key=f"risk_{key}_{note.outcome_id}"):
            st.error(widgets.plain(note.in_words()), icon=":material/warning:")
            if st.button(
                "Acknowledge",
                key=f"{key}_acknowledge_{note.outcome_id}",
                help="Once you have checked risk with your client: the note leaves Home.",
            ):
                _acknowledge(journal, note, key)


def _acknowledge(journal: Journal, note: RiskNote, key: str) -> None:
    try:
        acknowledge_risk(journal, note.outcome_id)
    except JournalError as error:
        st.error(str(error))
        return
    rerun_with_notice(
        _ACKNOWLEDGED, f"Acknowledged: the note on {note.client_code} has left Home.", section=key
    )
