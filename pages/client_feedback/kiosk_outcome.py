"""Client feedback in kiosk mode, part 1: the client's outcome measure, in its own wording
with its attribution and licence beneath, before the session is rated. The answers wait
in the kiosk's state until Submit at the end saves both; the client never sees a score,
a band or a judgement."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.ui import widgets
from practice.outcomes import answer_problems
from prompts.outcomes import OutcomeItem, OutcomeMeasure

# Each question is a heading under the title (h2, so none is skipped), in the size of a
# question a client reads on a phone rather than of a section.
QUESTION_SIZE = "<style>[data-testid='stForm'] h2 { font-size: 1.25rem; }</style>"
# in the kiosk's state: the answers kept until Submit, and the widgets' values for Back
PENDING = "outcome"
_WIDGETS = "outcome_widgets"
_KEY = "kiosk_outcome_"
_MAX_ACTIVITY = 80


def outcome_step(measure: OutcomeMeasure, client_code: str, kiosk: dict[str, Any]) -> None:
    """Draw part 1: the measure's stem, each question and its answers; Next keeps the
    answers (nothing is saved yet) once every scored question is answered."""
    st.title("How have you been?")
    st.write("Your practitioner will read your answers. There are no right or wrong answers.")
    st.caption(f"Client {client_code} · Part 1 of 2")
    st.html(QUESTION_SIZE)
    with st.form("kiosk_outcome_form"):
        if measure.stem:
            st.markdown(widgets.plain(measure.stem))
        anchors = _anchors(measure)
        if anchors:
            st.markdown(widgets.plain(anchors))
        answers, activities = _questions(measure)
        # the licence travels with the wording (CLINICAL.md): small, beneath it
        for small in (measure.attribution, measure.licence):
            if small:
                st.caption(widgets.plain(small))
        if st.form_submit_button("Next", type="primary", use_container_width=True):
            _next(measure, kiosk, answers, activities)


def _anchors(measure: OutcomeMeasure) -> str:
    """What the ends of a number scale mean, in the measure's words."""
    if not (measure.low_anchor and measure.high_anchor):
        return ""
    return (
        f"{measure.min_score} means {measure.low_anchor.lower()}, "
        f"{measure.max_score} means {measure.high_anchor.lower()}."
    )


def _questions(
    measure: OutcomeMeasure,
) -> tuple[dict[str, float | None], dict[str, str]]:
    """Draw every question; the answers as scores by item id, and any named activities."""
    answers: dict[str, float | None] = {}
    activities: dict[str, str] = {}
    for item in measure.items:
        key = f"{_KEY}{item.id}"
        if measure.named_items:
            st.markdown(f"## {widgets.plain(item.label)}")
            activities[item.id] = st.text_input(
                f"{item.label}: what is it?",
                key=f"{_KEY}name_{item.id}",
                max_chars=_MAX_ACTIVITY,
            )
            answers[item.id] = widgets.score(
                f"{item.label}: how well can you do it today?",
                measure.min_score,
                measure.max_score,
                key=key,
            )
        elif not item.text:
            # scores only (a licensed or a user's own measure): asked by its label
            st.markdown(f"## {widgets.plain(item.label)}")
            answers[item.id] = _number(measure, item, key)
        elif item.options or measure.options:
            st.markdown(f"## {widgets.plain(item.text)}")
            choices = measure.choices(item)
            picked = st.radio(
                widgets.label(item.text),
                [label for label, _ in choices],
                index=None,
                key=key,
                label_visibility="collapsed",
            )
            answers[item.id] = dict(choices)[picked] if picked is not None else None
        else:
            # a number scale with anchors (pain intensity)
            st.markdown(f"## {widgets.plain(item.text)}")
            answers[item.id] = widgets.score(
                widgets.label(item.text),
                measure.min_score,
                measure.max_score,
                key=key,
                label_visibility="collapsed",
            )
    return answers, activities


def _number(measure: OutcomeMeasure, item: OutcomeItem, key: str) -> float | None:
    if measure.decimals == 0:
        return widgets.score(
            widgets.label(item.label),
            measure.min_score,
            measure.max_score,
            key=key,
            label_visibility="collapsed",
        )
    return st.number_input(
        widgets.label(item.label),
        float(measure.min_score),
        float(measure.max_score),
        value=None,
        step=0.1,
        format="%.1f",
        key=key,
        placeholder=f"{measure.min_score} to {measure.max_score}",
        label_visibility="collapsed",
    )


def _wording(item: OutcomeItem) -> str:
    return f"\u201c{(item.text or item.label).rstrip('.?')}\u201d"


def _next(
    measure: OutcomeMeasure,
    kiosk: dict[str, Any],
    answers: dict[str, float | None],
    activities: dict[str, str],
) -> None:
    """Keep the answers for Submit, or name what is missing in the client's wording."""
    if measure.named_items:
        wrong = answer_problems(measure, answers, activities)
    else:
        unanswered = [
            _wording(item) for item in measure.items if item.scored and answers[item.id] is None
        ]
        if unanswered:
            # a user's own measure labels its items as they typed them
            names = widgets.plain(", ".join(unanswered))
            st.error(f"Not answered yet: {names}. Choose an answer for each.")
            return
        wrong = answer_problems(measure, answers)
    if wrong:
        st.error(widgets.plain(" ".join(wrong)))
        return
    kiosk[PENDING] = {
        "answers": {k: v for k, v in answers.items() if v is not None},
        "activities": {k: v.strip() for k, v in activities.items() if v.strip()},
    }
    kiosk[_WIDGETS] = {k: v for k, v in st.session_state.items() if str(k).startswith(_KEY)}
    st.rerun()


def back_to_outcome(kiosk: dict[str, Any]) -> None:
    """Part 2's Back: show part 1 again with the answers as the client left them."""
    for key, value in kiosk.pop(_WIDGETS, {}).items():
        st.session_state[key] = value
    kiosk.pop(PENDING, None)
    st.rerun()
