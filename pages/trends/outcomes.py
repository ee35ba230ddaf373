"""Trends → Outcomes: each client's outcome score over sessions against their baseline,
the caseload's progress, whose early read predicts it, and (on Calibration) how your
calls on progress compared with the scores that followed."""

from __future__ import annotations

import streamlit as st

from insights import outcomes as rules
from insights import trends
from insights.chart_data.outcomes import (
    CLIENT_READ,
    YOUR_READ,
    measure_label,
    reliable_change_words,
    status_table,
)
from insights.charts.outcomes import outcome_chart, whose_read_chart
from pages.ui import journal_session, widgets
from practice.outcomes import courses, early_reads
from prompts.outcomes import measures_for
from storage.journal import Journal
from storage.records import Client


def outcome_data(journal: Journal, instruments: dict) -> trends.OutcomesData:
    """The Outcomes view, built once per journal change (the courses shared with Home)."""
    client_courses = journal_session.derived(
        "outcome_courses", journal, lambda: courses(journal, measures_for(journal.settings))
    )
    return journal_session.derived(
        "trends_outcomes",
        journal,
        lambda: trends.outcome_views(
            client_courses,
            early_reads(journal, trends.instrument_spans(instruments), client_courses),
            journal.all(Client),
        ),
    )


def outcomes_tab(journal: Journal, data: trends.OutcomesData, scope: str) -> None:
    """The Outcomes tab for the caseload or for one client."""
    if scope == trends.ALL_CLIENTS:
        _caseload(data)
    else:
        _one_client(journal, data, scope)


def your_calls(data: trends.OutcomesData, scope: str) -> None:
    """Your calls on progress against the scores that followed (on Calibration, beside the
    alliance figures)."""
    st.header("Your calls on progress")
    st.markdown(widgets.plain(trends.predictions_for(data, scope).in_words()))
    st.caption(
        "After saving your read you can call whether the client is improving, the same or "
        "getting worse, before their new outcome score is seen. Practitioners foresee few "
        "of the deteriorations that follow."
    )


def _one_client(journal: Journal, data: trends.OutcomesData, client_id: str) -> None:
    client = journal.get(client_id)
    course = data.courses.get(client_id)
    if course is None:
        _no_scores(journal, client)
        return
    table = status_table(course.measure, course.points)
    name = measure_label(course.measure)
    if course.reason:
        st.warning(widgets.plain(f"Not on track. {course.reason}"), icon=":material/flag:")
    widgets.chart(
        outcome_chart(course.measure, course.points, client.code),
        table,
        f"outcomes-{client.code}",
        f"{client.code}'s {name} score at each session, against their baseline.",
    )
    st.dataframe(table, hide_index=True)
    st.caption(
        f"The first score is the baseline. A reliable change is "
        f"{reliable_change_words(course.measure)}; smaller changes may be chance."
    )


def _no_scores(journal: Journal, client: Client) -> None:
    measure = measures_for(journal.settings).get(client.outcome_measure)
    if measure is None:
        st.info(
            f"{client.code} has no outcome measure, so there is nothing to chart here. "
            "You can give them one on Clients."
        )
    else:
        st.info(
            f"No {measure_label(measure)} score for {client.code} yet: their first one "
            "will be the baseline."
        )


def _caseload(data: trends.OutcomesData) -> None:
    st.header("Your clients' progress")
    if data.courses:
        st.dataframe(trends.outcomes_table(data), hide_index=True)
        st.caption("Choose a client under Show to see their scores session by session.")
        behind = trends.not_on_track_lines(data)
        if behind:
            st.markdown("**Not on track**")
            st.markdown("\n".join(f"- {widgets.plain(line)}" for line in behind))
    else:
        st.info(
            "No outcome scores yet. Give a client an outcome measure on Clients; their "
            "first score is the baseline."
        )
    if data.without_measure:
        st.caption(widgets.plain(f"No outcome measure: {', '.join(data.without_measure)}."))
    _whose_read(data)


def _whose_read(data: trends.OutcomesData) -> None:
    st.header("Whose read predicts progress")
    found = data.whose
    if found is None:
        st.info(trends.whose_read_waiting(data))
        return
    st.markdown(
        "  \n".join(
            widgets.plain(rules.association_in_words(who, association))
            for who, association in ((CLIENT_READ, found.client), (YOUR_READ, found.practitioner))
        )
    )
    widgets.chart(
        whose_read_chart(found),
        trends.whose_read_table(found),
        "whose-read",
        "How your clients' early ratings of the alliance, and your early estimates, go "
        "with their progress.",
    )
    st.caption(
        f"Early: the mean of sessions 1-{rules.EARLY_SESSIONS}. Progress: the change from "
        "the baseline to the latest score, in units of each measure's reliable change. "
        f"From {found.clients} clients: with few clients the intervals are wide, so read "
        "this as a hint, not a finding."
    )
