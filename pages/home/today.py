"""Home → what needs you today: sessions waiting for feedback, possible ruptures still
open, clients whose outcome is not on track, unsaved drafts, supervision hours this month."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import streamlit as st

from insights.ruptures import Rupture
from insights.today import Today, today_list
from pages.ui import when, widgets
from storage.journal import Journal
from storage.records import Client, Draft, Estimate, Feedback, Session, SupervisionMeeting


def what_needs_you(
    journal: Journal, found: Sequence[Rupture], not_on_track: Mapping[str, str] | None = None
) -> None:
    """Draw the "What needs you today" section (`not_on_track`: client id -> why the
    client's outcome is not on track)."""
    today = today_list(
        journal.all(Client),
        journal.all(Session),
        journal.all(Estimate),
        journal.all(Feedback),
        found,
        journal.all(Draft),
        journal.all(SupervisionMeeting),
        journal.settings.supervision_target_hours,
        date.today(),
        not_on_track,
    )
    st.header("What needs you today")
    if today.nothing:
        st.caption(
            "No session waits for feedback, no possible rupture is open, no draft is unsaved."
        )
    _not_on_track(today)
    _waiting(today)
    _ruptures(today)
    _drafts(today)
    _supervision(today)


def _not_on_track(today: Today) -> None:
    if not today.not_on_track:
        return
    st.subheader("Not on track")
    st.markdown("\n".join(f"- {widgets.plain(row.in_words())}" for row in today.not_on_track))
    st.caption("A word with your client about how the work is going, or with your supervisor.")


def _waiting(today: Today) -> None:
    if not today.waiting:
        return
    st.subheader("Waiting for client feedback")
    st.markdown(
        "\n".join(
            f"- {widgets.plain(w.client)}, session {w.number}, {when.day(w.date)}"
            for w in today.waiting
        )
    )
    st.caption("Enter it in Reflect (open the session) or on Client feedback.")


def _ruptures(today: Today) -> None:
    if not today.ruptures:
        return
    st.subheader("Possible ruptures still open")
    st.markdown(
        "\n".join(
            f"- {widgets.plain(r.client)}, session {r.number}, {when.day(r.date)}: "
            + (
                "still below the client's usual, worth taking to supervision"
                if r.unrepaired
                else "not back to the client's usual yet"
            )
            for r in today.ruptures
        )
    )
    if st.button("See them on Trends"):
        st.switch_page("pages/screens/trends.py")


_SCREENS = {
    "Reflect": "pages/screens/reflect.py",
    "Supervision": "pages/screens/supervision.py",
    "Settings": "pages/screens/settings.py",
}


def _drafts(today: Today) -> None:
    if not today.drafts:
        return
    st.subheader("Unsaved drafts")
    for index, draft in enumerate(today.drafts):
        text, go = st.columns([4, 1], vertical_alignment="center")
        text.markdown(
            f"{draft.what.capitalize()} on {draft.screen}, last typed {when.moment(draft.saved_at)}"
        )
        if go.button(f"Open {draft.screen}", key=f"home_draft_{index}"):
            st.switch_page(_SCREENS[draft.screen])


def _supervision(today: Today) -> None:
    month = today.supervision
    st.subheader("Supervision this month")
    sessions = f"{month.meetings} session{'' if month.meetings == 1 else 's'}"
    line = f"{month.hours:g} of {month.target:g} hours ({sessions})."
    if month.met:
        st.markdown(f"{line} Target met.")
    else:
        st.markdown(f"{line} {month.target - month.hours:g} hours to go.")
