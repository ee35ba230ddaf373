"""Everything the Trends screen shows, computed once per journal change.

`build` turns the decrypted records into frames, flags, ruptures, calibration and growth
views for the whole caseload; `scoped` narrows them to one client. `outcome_views` reads
each client's outcome course (practice.outcomes.courses) into the Outcomes view: courses
by client, your calls' calibration and whose early read predicts progress. Pure: the
screen keeps the result in its session state and rebuilds it when the journal's version
changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import pandas as pd

from insights import calibration, frames, growth, ruptures
from insights import outcomes as rules
from insights.chart_data.alliance import outcome_in_words, with_instrument_names
from insights.chart_data.outcomes import STATUS_WORDS, measure_label, reads_frame
from insights.chart_data.outcomes import shown as score_shown
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Reflection, Session

ALL_CLIENTS = "__all__"
T = TypeVar("T")


@dataclass(frozen=True)
class TrendsData:
    """The caseload (or one client) as the Trends screen shows it. The calibration
    figures are worked out when first read: Home needs only the ruptures, and each
    Trends tab only its own figures."""

    sessions: pd.DataFrame
    items: pd.DataFrame
    flags: list[ruptures.Flag]
    ruptures: list[ruptures.Rupture]
    reflections: list[Reflection]
    thresholds: ruptures.Thresholds
    # views made from this data (a client's scope, a chart), kept while the data is
    _kept: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def kept(self, key: Any, make: Callable[[], T]) -> T:
        """`make()`, made once for this data under `key` (the screen reruns on every click)."""
        if key not in self._kept:
            self._kept[key] = make()
        return self._kept[key]

    @cached_property
    def calibration(self) -> calibration.Calibration:
        """Bias, error, rank correlation and anticipation over every session in scope."""
        return calibration.calibration(self.sessions, self.items, self.flags, self.thresholds)

    @cached_property
    def by_quarter(self) -> pd.DataFrame:
        """The calibration figures by quarter."""
        return calibration.calibration_by_quarter(
            self.sessions, self.items, self.flags, self.thresholds
        )

    @cached_property
    def by_client(self) -> pd.DataFrame:
        """The calibration figures, one row per client in scope."""
        return calibration.by_client(self.sessions, self.items, self.flags, self.thresholds)

    @cached_property
    def growth(self) -> dict[str, pd.DataFrame]:
        """The growth frames (`growth_views`), kept with the scope that made them."""
        return growth_views(self)

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
    return TrendsData(sessions, items, flags, found, reflections, thresholds)


def scoped(data: TrendsData, client_id: str) -> TrendsData:
    """The same views for one client (flags are per client already, so they are kept)."""
    if client_id == ALL_CLIENTS:
        return data
    return data.kept(("scope", client_id), lambda: _one_client(data, client_id))


def _one_client(data: TrendsData, client_id: str) -> TrendsData:
    return TrendsData(
        sessions=data.sessions[data.sessions["client_id"] == client_id],
        items=data.items[data.items["client_id"] == client_id],
        flags=[f for f in data.flags if f.client_id == client_id],
        ruptures=[r for r in data.ruptures if r.client_id == client_id],
        reflections=[r for r in data.reflections if r.client_id == client_id],
        thresholds=data.thresholds,
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


# ---- outcomes -----------------------------------------------------------------------------


# a client's outcome course, as practice.outcomes builds it
Course = rules.ClientCourse


@dataclass(frozen=True)
class OutcomesData:
    """The Outcomes view of the caseload: each client's course, your calls' calibration,
    whose early read predicts progress (None until enough clients qualify)."""

    courses: dict[str, Course]  # by client id
    predictions: rules.PredictionCalibration
    whose: rules.WhoseRead | None
    qualifying: int  # clients with a baseline and at least MIN_SESSIONS sessions
    # clients with no outcome measure and no score, by code
    without_measure: list[str]


def instrument_spans(instruments: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Each instrument's lowest and highest total, by id (to put early reads on 0-1)."""
    return {key: (float(i.total_min), float(i.total_max)) for key, i in instruments.items()}


def outcome_views(
    courses: Sequence[Course], reads: Sequence[rules.EarlyRead], clients: Iterable[Client]
) -> OutcomesData:
    """The Outcomes view from every client's course and early read."""
    by_client = {c.client.id: c for c in courses}
    return OutcomesData(
        courses=by_client,
        predictions=rules.prediction_calibration([call for c in courses for call in c.calls]),
        whose=rules.whose_read(reads),
        qualifying=len(reads),
        without_measure=sorted(
            (c.code for c in clients if not c.outcome_measure and c.id not in by_client),
            key=str.casefold,
        ),
    )


def predictions_for(data: OutcomesData, client_id: str) -> rules.PredictionCalibration:
    """Your calls' calibration over the caseload, or over one client's calls."""
    if client_id == ALL_CLIENTS:
        return data.predictions
    course = data.courses.get(client_id)
    return rules.prediction_calibration(course.calls if course else [])


def whose_read_waiting(data: OutcomesData) -> str:
    """Why "whose read predicts progress" is not shown yet, in words."""
    have = data.qualifying
    return (
        f"{have} client{'' if have == 1 else 's'} so far "
        f"{'has' if have == 1 else 'have'} an outcome baseline and at least "
        f"{rules.MIN_SESSIONS} sessions. Whose read predicts progress appears once "
        f"{rules.MIN_CLIENTS} do."
    )


def outcomes_table(data: OutcomesData) -> pd.DataFrame:
    """One row per client with outcome scores, in words: measure, scores, baseline,
    latest, the latest status and whether the client is on track ("yes" / "no")."""
    rows = []
    for course in sorted(data.courses.values(), key=lambda c: c.client.code.casefold()):
        first, latest = course.points[0], course.points[-1]
        rows.append(
            {
                "Client": course.client.code,
                "Measure": measure_label(course.measure),
                "Times scored": len(course.points),
                "Baseline": score_shown(first.total),
                "Latest": score_shown(latest.total),
                "Status": STATUS_WORDS[latest.status],
                "On track": "no" if course.reason else "yes",
            }
        )
    columns = ["Client", "Measure", "Times scored", "Baseline", "Latest", "Status", "On track"]
    return pd.DataFrame(rows, columns=columns)


def not_on_track_lines(data: OutcomesData) -> list[str]:
    """Each client not on track, by code, and why in plain words."""
    found = [c for c in data.courses.values() if c.reason]
    return [
        f"{c.client.code}: {c.reason}"
        for c in sorted(found, key=lambda c: c.client.code.casefold())
    ]


def whose_read_table(found: rules.WhoseRead | None) -> pd.DataFrame:
    """The two associations as the chart's CSV names them, in words."""
    names = {
        "read": "Whose read",
        "r": "Correlation with progress (r)",
        "low": "95% interval from",
        "high": "95% interval to",
        "n": "Clients",
    }
    table = reads_frame(found).rename(columns=names)
    return table.round({names[c]: 2 for c in ("r", "low", "high")})
