"""Trends: your read of the alliance against your clients' feedback, over time."""

from __future__ import annotations

import streamlit as st

from insights import charts, trends
from pages.trends import outcomes as outcome_view
from pages.ui import journal_session, widgets
from prompts.library import library_for

journal = journal_session.require_journal()
library = library_for(journal.settings)
caseload = journal_session.derived(
    "trends", journal, lambda: trends.build(journal, library.instruments)
)

TABS = ["Alliance", "Calibration", "Outcomes", "Growth"]
GROWTH_CHARTS = (
    ("reactions", charts.reactions_heatmap, "Your countertransference reactions by month."),
    ("domains", charts.domains_chart, "The domains you reflected on over time."),
    ("presence", charts.presence_chart, "Your own presence rating over time."),
    ("consistency", charts.consistency_calendar, "The days you wrote reflections."),
    (
        "associations",
        charts.associations_chart,
        "Reactions and tags that go with lower client ratings.",
    ),
)

st.title("Trends")


def show() -> None:
    """The scope picker and the four tabs; only the open tab is built (a click on another
    reruns the page), so each click costs one tab's figures and charts."""
    codes = caseload.sessions.drop_duplicates("client_id").set_index("client_id")["client"]
    scope = st.selectbox(
        "Show",
        [trends.ALL_CLIENTS, *sorted(codes.index, key=lambda c: codes[c])],
        format_func=lambda c: "All clients" if c == trends.ALL_CLIENTS else codes[c],
        key="trends_scope",
    )
    per_client = scope != trends.ALL_CLIENTS
    data = trends.scoped(caseload, scope)
    slug = "all-clients" if not per_client else codes[scope]
    alliance_tab, calibration_tab, outcomes_tab, growth_tab = st.tabs(
        TABS, key="trends_tab", on_change="rerun"
    )
    if alliance_tab.open:
        with alliance_tab:
            alliance(data, per_client, slug)
    if calibration_tab.open:
        with calibration_tab:
            calibration(data, per_client, slug, scope)
    if outcomes_tab.open:
        with outcomes_tab:
            outcome_view.outcomes_tab(journal, outcomes(), scope)
    if growth_tab.open:
        with growth_tab:
            growth(data, slug)


def outcomes() -> trends.OutcomesData:
    """The Outcomes view (Home shares its courses), built when a tab first needs it."""
    return outcome_view.outcome_data(journal, library.instruments)


def alliance(data: trends.TrendsData, per_client: bool, slug: str) -> None:
    """Estimates against feedback, the gap between them, the possible ruptures."""
    show_items = per_client and st.toggle("Show items", key="trends_items")
    # charts and tables are kept with the scope's data: each click reruns the page
    widgets.chart(
        data.kept(
            ("alliance", show_items),
            lambda: charts.alliance_chart(
                data.sessions,
                data.flags,
                data.ruptures,
                data.items if show_items else None,
                per_client=per_client,
            ),
        ),
        data.sessions[["client", "date", "number", "estimate", "feedback", "gap"]],
        f"alliance-{slug}",
        "Your estimate of each session against your client's feedback, with possible ruptures.",
    )
    if data.seen_first:
        st.caption(
            f"{data.seen_first} session(s) where the feedback was seen before your estimate "
            "are marked and left out of the calibration figures."
        )
    widgets.chart(
        data.kept("gap", lambda: charts.gap_chart(data.sessions, per_client=per_client)),
        data.sessions[["client", "date", "number", "gap", "gap_pct"]],
        f"gap-{slug}",
        "The gap between your estimate and your client's rating, session by session.",
    )
    if data.ruptures:
        st.header("Possible ruptures")
        st.dataframe(data.kept("ruptures", lambda: trends.rupture_table(data)), hide_index=True)
        st.caption("Flags prompt reflection; they never diagnose. They are never shown to clients.")


def calibration(data: trends.TrendsData, per_client: bool, slug: str, scope: str) -> None:
    """How well your read matched your clients' ratings, and your calls on progress."""
    figures = data.calibration
    st.caption(
        "How well your read matched your clients' ratings, on a 0-100 scale of each "
        "instrument's range. Bias above 0: you rated sessions higher than your clients did."
    )
    # three then two to a row: five in a row cut "Agreement from baseline" short
    columns = [*st.columns(3), *st.columns(2)]
    shown = {
        "Mean bias": figures.mean_bias,
        "Mean absolute error": figures.mae,
        "Rank correlation": figures.spearman,
        "Agreement from baseline": figures.baseline_agreement,
        "Ruptures anticipated": figures.sensitivity,
    }
    for column, (label, value) in zip(columns, shown.items(), strict=True):
        column.metric(label, "–" if value is None else f"{value:.2f}")
    st.caption(
        f"From {figures.n} session(s) with both ratings; "
        f"{figures.sensitivity_n} session(s) where your client's rating signalled a rupture; "
        "you anticipated one when you ticked a marker, or your estimate was within 2 "
        "points on every item that fell."
    )
    widgets.chart(
        data.kept("calibration", lambda: charts.calibration_chart(data.by_quarter)),
        data.kept("by_quarter", lambda: trends.calibration_by_quarter_table(data)),
        f"calibration-{slug}",
        "Mean bias, mean absolute error and rank correlation by quarter.",
    )
    if not per_client and len(data.by_client):
        table = data.kept("by_client", lambda: trends.calibration_by_client_table(data))
        st.dataframe(table, hide_index=True)
    outcome_view.your_calls(outcomes(), scope)


def growth(data: trends.TrendsData, slug: str) -> None:
    """Reactions, domains, presence, consistency and associations over time."""
    views = data.growth
    for name, draw, description in GROWTH_CHARTS:
        widgets.chart(
            data.kept(name, lambda draw=draw, name=name: draw(views[name])),
            views[name],
            f"{name}-{slug}",
            description,
        )
    st.caption(
        "Differences from few sessions are faded: read them with caution, they may be chance."
    )


if caseload.sessions.empty:
    st.info("No sessions yet. Reflect on a session and your trends will start here.")
else:
    show()
