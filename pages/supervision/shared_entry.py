"""One shared entry as the supervisor reads it: read-only, every string shown as typed."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.ui import widgets


def title(item: dict[str, Any]) -> str:
    """ "Client A · session 6", or "Free reflection" (escaped for markdown)."""
    parts = [p for p in (item.get("client"), item.get("session")) if p]
    return widgets.plain(" · ".join(parts) if parts else "Free reflection")


def _scores(item: dict[str, Any]) -> None:
    estimate, feedback = item.get("estimate"), item.get("feedback")
    if not (estimate or feedback):
        return
    columns = st.columns(2)
    for column, label, scores in (
        (columns[0], "Practitioner's estimate", estimate),
        (columns[1], "Client's feedback", feedback),
    ):
        if scores:
            out_of = f" / {scores['max']}" if scores.get("max") else ""
            column.metric(label, f"{scores['total']}{out_of}", help=widgets.plain(scores["name"]))
        else:
            column.metric(label, "—")


def show(item: dict[str, Any]) -> None:
    """Draw the entry: scores, reactions, prompts and answers, text, next step, tags."""
    facts = [f"Framework: {item.get('framework', 'free')}"]
    if item.get("focus"):
        facts.append("Focus: " + ", ".join(item["focus"]))
    if item.get("flagged"):
        facts.append("flagged for supervision")
    st.caption(widgets.plain(" · ".join(facts)))
    _scores(item)
    reactions = {k: v for k, v in item.get("reactions", {}).items() if v}
    if reactions:
        st.markdown(
            "**Reactions:** "
            + widgets.plain(", ".join(f"{name} ({level}/3)" for name, level in reactions.items()))
        )
    for answer in item.get("answers", []):
        st.markdown(f"**{widgets.plain(answer['prompt'])}**")
        st.markdown(widgets.plain(answer["answer"]) if answer["answer"] else "_(no answer)_")
    if item.get("text"):
        st.markdown("**Free text**")
        st.markdown(widgets.plain(item["text"]))
    if item.get("next_step"):
        st.markdown(f"**Next step:** {widgets.plain(item['next_step'])}")
    if item.get("tags"):
        st.caption("Tags: " + widgets.plain(", ".join(item["tags"])))
