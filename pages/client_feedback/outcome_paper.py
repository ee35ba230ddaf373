"""The client's outcome score typed from a paper form: a small form of its own ("Outcome
score") beside the alliance paper form, by item label. Anything missing or out of range is
named on Save and nothing is written; the form clears after a save."""

from __future__ import annotations

import streamlit as st

from pages.ui import widgets
from pages.ui.notice import rerun_with_notice, show_notice
from practice.outcomes import answer_problems, record_outcome
from prompts.outcomes import OutcomeMeasure
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Session

_SAVED = "outcome_paper_saved"


def outcome_paper_form(
    journal: Journal, session: Session, measure: OutcomeMeasure, *, key: str
) -> None:
    """Draw the "Outcome score" form for a session without one; `key` starts every widget
    key, so the form's typed scores can be cleared without touching any other form."""
    with st.form(f"{key}form"):
        st.markdown(f"**Outcome score** · {widgets.plain(measure.name)}")
        if measure.licence_note:
            st.caption(widgets.plain(measure.licence_note))
        st.caption(_range_words(measure))
        typed, names = _inputs(measure, key)
        if st.form_submit_button("Save outcome score"):
            _save(journal, session, measure, typed, names, key)


def saved_notice(section: str) -> None:
    """Say once, where the form was, that the outcome score was saved."""
    show_notice(_SAVED, section=section, icon=":material/check:")


def _range_words(measure: OutcomeMeasure) -> str:
    scale = f"Scores from {measure.min_score} to {measure.max_score}"
    if measure.decimals:
        scale += ", to one decimal place as measured on the form"
    if any(item.reverse for item in measure.items):
        scale += "; type each item's score as scored on the form (reversed items too)"
    if measure.named_items:
        scale += "; name each activity the client rated (up to three, at least one)"
    return scale + "."


def _inputs(measure: OutcomeMeasure, key: str) -> tuple[dict[str, float | None], dict[str, str]]:
    """One box per item label (PSFS: the activity's name and its score; an unscored item
    such as PHQ-9's difficulty question: an optional choice)."""
    whole = measure.decimals == 0
    typed: dict[str, float | None] = {}
    names: dict[str, str] = {}
    for item in measure.items:
        if not item.scored:
            labels = [label for label, _ in measure.choices(item)]
            picked = st.selectbox(
                f"{item.label} (optional)", labels, index=None, key=f"{key}item_{item.id}"
            )
            typed[item.id] = None if picked is None else labels.index(picked)
            continue
        if measure.named_items:
            name_column, score_column = st.columns([3, 1])
            names[item.id] = name_column.text_input(
                f"{item.label}: activity", key=f"{key}name_{item.id}"
            )
            place = score_column
        else:
            place = st
        # no bounds on the box: a score out of range is named on Save, not dropped
        typed[item.id] = place.number_input(
            f"{item.label}: score" if measure.named_items else item.label,
            value=None,  # empty until typed: a score never starts at a value
            step=1 if whole else 0.1,
            format="%d" if whole else "%.1f",
            key=f"{key}item_{item.id}",
        )
    return typed, names


def _save(
    journal: Journal,
    session: Session,
    measure: OutcomeMeasure,
    typed: dict[str, float | None],
    names: dict[str, str],
    key: str,
) -> None:
    wrong = answer_problems(measure, typed, names)
    if wrong:
        st.error("Nothing was saved. " + " ".join(wrong))
        return
    try:
        record_outcome(journal, session.id, measure, typed, names, source="paper")
    except JournalError as error:
        st.error(str(error))
        return
    # the next session's form starts empty
    for stale in [k for k in st.session_state if str(k).startswith(key)]:
        del st.session_state[stale]
    rerun_with_notice(_SAVED, f"Outcome score saved ({measure.name}).", section=key)
