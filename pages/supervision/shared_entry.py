"""One shared entry as the supervisor reads it: read-only, every string shown as typed."""

from __future__ import annotations

import streamlit as st

from insights.chart_data.alliance import SUPERVISEE_ESTIMATE
from pages.ui import widgets
from prompts.library import FREE_ID
from sharing import report
from sharing.payload import Scores, SharedItem


def title(item: SharedItem) -> str:
    """ "Client A · session 6", or "Free reflection" (escaped for markdown)."""
    parts = [p for p in (item.client, item.session) if p]
    return widgets.plain(" · ".join(parts) if parts else "Free reflection")


def _scores(item: SharedItem) -> None:
    if not (item.estimate or item.feedback):
        return
    columns = st.columns(2)
    ratings: tuple[tuple[str, Scores | None], ...] = (
        (SUPERVISEE_ESTIMATE, item.estimate),
        ("Client's feedback", item.feedback),
    )
    for column, (label, scores) in zip(columns, ratings, strict=True):
        if scores:
            out_of = f" / {scores.max}" if scores.max else ""
            column.metric(label, f"{scores.total}{out_of}", help=widgets.plain(scores.name))
        else:
            column.metric(label, "—")


def show(item: SharedItem) -> None:
    """Draw the entry: scores, reactions, prompts and answers, text, next step, tags."""
    facts = [f"Framework: {report.framework_name(item.framework or FREE_ID)}"]
    if item.focus:
        facts.append("Focus: " + ", ".join(item.focus))
    if item.flagged:
        facts.append("flagged for supervision")
    st.caption(widgets.plain(" · ".join(facts)))
    _scores(item)
    reactions = {k: v for k, v in item.reactions.items() if v}
    if reactions:
        st.markdown(
            "**Reactions:** "
            + widgets.plain(", ".join(f"{name} ({level}/3)" for name, level in reactions.items()))
        )
    for answer in item.answers:
        st.markdown(f"**{widgets.plain(answer.prompt)}**")
        st.markdown(widgets.plain(answer.answer) if answer.answer else "_(no answer)_")
    if item.text:
        st.markdown("**Free text**")
        st.markdown(widgets.plain(item.text))
    if item.next_step:
        st.markdown(f"**Next step:** {widgets.plain(item.next_step)}")
    if item.tags:
        st.caption("Tags: " + widgets.plain(", ".join(item.tags)))
