"""Everything the Trends screen shows, computed once per journal change.

`build` turns the decrypted records into frames, flags, ruptures, calibration and growth
views for the whole caseload; `scoped` narrows them to one client. Pure: the screen keeps
the result in its session state and rebuilds it when the journal's version changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from insights import calibration, frames, growth, ruptures
from insights.chart_data.alliance import outcome_in_words, with_instrument_names
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Reflection, Session

ALL_CLIENTS = "__all__"


@dataclass(frozen=True)
class TrendsData:
    """The caseload (or one client) as the Trends screen shows it."""

    sessions: pd.DataFrame
    items: pd.DataFrame
    flags: list[ruptures.Flag]
    ruptures: list[ruptures.Rupture]
    calibration: calibration.Calibration
    by_quarter: pd.DataFrame
    by_client: pd.DataFrame
    reflections: list[Reflection]

    @property
    def seen_first(self) -> int:
        """Sessions whose feedback was seen before the estimate (left out of calibration)."""
        return int(self.sessions["seen_first"].sum()) if len(self.sessions) else 0


def thresholds_for(journal: Journal) -> ruptures.Thresholds:
    """The rupture thresholds of the journal's settings."""
    settings = journal.settings
    return ruptures.Thresholds.from_settings(
        settings.rupture_thresholds, settings.srs_cutoff_inclusive
    )


def build(journal: Journal, instruments: Mapping[str, Any]) -> TrendsData:
    """All views of the whole caseload."""
    sessions, items = frames.frames(
        journal.all(Client),
        journal.all(Session),
        journal.all(Estimate),
        journal.all(Feedback),
        instruments,
    )
    sessions = with_instrument_names(sessions, instruments)
    return _views(sessions, items, journal.all(Reflection), thresholds_for(journal))


def _views(
    sessions: pd.DataFrame,
    items: pd.DataFrame,
    reflections: list[Reflection],
    thresholds: ruptures.Thresholds,
) -> TrendsData:
    flags, found = ruptures.review(sessions, items, thresholds)
    return TrendsData(
        sessions=sessions,
        items=items,
        flags=flags,
        ruptures=found,
        calibration=calibration.calibration(sessions, items, flags, thresholds),
        by_quarter=calibration.calibration_by_quarter(sessions, items, flags, thresholds),
        by_client=calibration.by_client(sessions, items, flags, thresholds),
        reflections=reflections,
    )


def scoped(data: TrendsData, client_id: str, thresholds: ruptures.Thresholds) -> TrendsData:
    """The same views for one client (flags are per client already, so they are kept)."""
    if client_id == ALL_CLIENTS:
        return data
    sessions = data.sessions[data.sessions["client_id"] == client_id]
    items = data.items[data.items["client_id"] == client_id]
    flags = [f for f in data.flags if f.client_id == client_id]
    return TrendsData(
        sessions=sessions,
        items=items,
        flags=flags,
        ruptures=[r for r in data.ruptures if r.client_id == client_id],
        calibration=calibration.calibration(sessions, items, flags, thresholds),
        by_quarter=calibration.calibration_by_quarter(sessions, items, flags, thresholds),
        by_client=data.by_client[data.by_client["client"].isin(sessions["client"].unique())]
        if len(data.by_client)
        else data.by_client,
        reflections=[r for r in data.reflections if r.client_id == client_id],
    )


def growth_views(data: TrendsData) -> dict[str, pd.DataFrame]:
    """The growth frames of a scope, by name."""
    return {
        "reactions": growth.reactions_by_month(data.reflections),
        "domains": growth.domains_by_month(data.reflections),
        "presence": growth.presence_over_time(data.sessions),
        "consistency": growth.consistency(data.reflections),
        "associations": growth.associations(data.reflections, data.sessions),
    }


def rupture_table(data: TrendsData) -> pd.DataFrame:
    """The possible ruptures as the screen lists them: client, session, rules in words,
    status in words; a further fall inside an episode gets its own row."""
    by_session = data.sessions.set_index("session_id")
    numbers = by_session["number"]
    rows = []
    for r in data.ruptures:
        client = by_session["client"].get(r.session_id, "")
        began = int(numbers.get(r.session_id, 0))
        resolved = numbers.get(r.resolved_session_id) if r.resolved_session_id else None
        rows.append(
            {
                "Client": client,
                "Session": began,
                "Rules": ", ".join(ruptures.rule_in_words(rule) for rule in r.rules),
                "Status": outcome_in_words(r.status, resolved),
            }
        )
        for deeper in r.deepened_session_ids:
            rows.append(
                {
                    "Client": client,
                    "Session": int(numbers.get(deeper, 0)),
                    "Rules": "a further fall",
                    "Status": f"Deepened: part of the rupture at session {began}",
                }
            )
    return pd.DataFrame(rows, columns=["Client", "Session", "Rules", "Status"])


# The calibration figures as the screen and the CSV name them, in the order shown.
FIGURE_WORDS = {
    "n": "Sessions",
    "mean_bias": "Mean bias",
    "mae": "Mean absolute error",
    "spearman": "Rank correlation",
    "baseline_agreement": "Agreement from baseline",
    "sensitivity": "Ruptures anticipated",
    "sensitivity_n": "Sessions where the client's rating signalled a rupture",
    "excluded_seen_first": "Left out: feedback seen before your estimate",
}


def calibration_by_client_table(data: TrendsData) -> pd.DataFrame:
    """The calibration figures per client as the screen lists them: the client's code and
    each figure under its name in words (2 decimals); no record ids."""
    return _in_words(data.by_client, {"client": "Client"})


def calibration_by_quarter_table(data: TrendsData) -> pd.DataFrame:
    """The calibration figures per quarter, named in words, for the chart's CSV download."""
    return _in_words(data.by_quarter, {"quarter": "Quarter"})


def _in_words(frame: pd.DataFrame, key: dict[str, str]) -> pd.DataFrame:
    names = {**key, **FIGURE_WORDS}
    shown = frame[[c for c in names if c in frame.columns]].rename(columns=names)
    ratios = ("mean_bias", "mae", "spearman", "baseline_agreement", "sensitivity")
    return shown.round({FIGURE_WORDS[c]: 2 for c in ratios if c in frame}).reset_index(drop=True)
