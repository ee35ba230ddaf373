"""The outcome charts' frames: one client's scores with each session's status in words,
the band of no reliable change around their baseline, the clinical cutoff, and the two
early-read associations of "whose read predicts progress".

Measures are named by their display name (`measure_label`), never by their id.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from insights import outcomes as rules
from insights.chart_data.alliance import instrument_label
from prompts.outcomes import OutcomeMeasure

# each status as the screen names it, in the order of the legend
STATUS_WORDS = {
    rules.BASELINE: "Baseline",
    rules.RECOVERED: "Recovery",
    rules.IMPROVED: "Reliable improvement",
    rules.NO_CHANGE: "No reliable change",
    rules.DETERIORATED: "Reliable deterioration",
}
CLIENT_READ = "Your clients' own early ratings"
YOUR_READ = "Your early estimates"
READS = [CLIENT_READ, YOUR_READ]


def measure_label(measure: OutcomeMeasure) -> str:
    """A measure's name as a chart shows it ("Outcome Rating Scale (scores only)" ->
    "Outcome Rating Scale")."""
    return instrument_label(measure.name)


def better(measure: OutcomeMeasure) -> str:
    """Which way is better, in words."""
    return "higher is better" if measure.higher_is_better else "lower is better"


def score_title(measure: OutcomeMeasure) -> list[str]:
    """The y axis's title on two lines: the measure, then what is counted, its range and
    which way is better ("PHQ-9", "Total 0–27, lower is better")."""
    kind = "Mean of the activities" if measure.scoring == "mean" else "Total"
    span = f"{measure.total_min:g}–{measure.total_max:g}"
    return [measure_label(measure), f"{kind} {span}, {better(measure)}"]


def reliable_change_words(measure: OutcomeMeasure) -> str:
    """How large a change must be to count as reliable, in words ("at least 6 points on
    PHQ-9"; pain: "... or 30% of the baseline")."""
    points = f"{shown(measure.reliable_change)} point{'' if measure.reliable_change == 1 else 's'}"
    on = (
        "on the mean of the activities"
        if measure.scoring == "mean"
        else f"on {measure_label(measure)}"
    )
    words = f"at least {points} {on}"
    if measure.reliable_change_percent is not None:
        words += f", or {shown(measure.reliable_change_percent)}% of the baseline"
    return words


def shown(value: float) -> str:
    """A score as the screen writes it (whole numbers without a decimal point)."""
    return f"{round(float(value), 1):g}"


def course_frame(points: Sequence[rules.Point]) -> pd.DataFrame:
    """One row per score: session number, date, total and status in words."""
    return pd.DataFrame(
        {
            "number": [p.session_number for p in points],
            "date": pd.to_datetime([p.day for p in points]),
            "total": [float(p.total) for p in points],
            "status": [STATUS_WORDS[p.status] for p in points],
        },
        columns=["number", "date", "total", "status"],
    )


def band_frame(measure: OutcomeMeasure, points: Sequence[rules.Point]) -> pd.DataFrame:
    """The scores around the baseline that are no reliable change: one row (low, high and
    the label a tooltip shows), empty without a baseline."""
    if not points:
        return pd.DataFrame(columns=["low", "high", "label"])
    low, high = rules.no_change_band(measure, points[0].total)
    label = (
        f"No reliable change from the baseline ({shown(points[0].total)}): "
        f"between {shown(low)} and {shown(high)}"
    )
    return pd.DataFrame({"low": [low], "high": [high], "label": [label]})


def cutoff_frame(measure: OutcomeMeasure) -> pd.DataFrame:
    """The clinical cutoff as one row (value and label), empty for a measure without one."""
    if measure.cutoff is None:
        return pd.DataFrame(columns=["cutoff", "label"])
    side = "below" if measure.higher_is_better else "at or above"
    label = f"Clinical cutoff: {shown(measure.cutoff)} ({side} is the clinical range)"
    return pd.DataFrame({"cutoff": [float(measure.cutoff)], "label": [label]})


def band_words(measure: OutcomeMeasure, points: Sequence[rules.Point]) -> str:
    """What the shading and the line of the chart are, in one line."""
    if not points:
        return ""
    low, high = rules.no_change_band(measure, points[0].total)
    words = f"Shaded: no reliable change from the baseline (between {shown(low)} and {shown(high)})"
    if measure.cutoff is not None:
        words += f" · line: clinical cutoff ({shown(measure.cutoff)})"
    return words


def status_table(measure: OutcomeMeasure, points: Sequence[rules.Point]) -> pd.DataFrame:
    """Each score in words: session, date, score, and status against the baseline; with
    the clinical range where the measure has a cutoff."""
    rows = []
    for point in points:
        row = {
            "Session": point.session_number,
            "Date": point.day.strftime("%d %b %Y"),
            "Score": shown(point.total),
            "Status": STATUS_WORDS[point.status],
        }
        if measure.cutoff is not None:
            clinical = rules.clinical(measure, point.total)
            row["Clinical range"] = "yes" if clinical else "no"
        rows.append(row)
    columns = ["Session", "Date", "Score", "Status"]
    columns += ["Clinical range"] if measure.cutoff is not None else []
    return pd.DataFrame(rows, columns=columns)


def reads_frame(found: rules.WhoseRead | None) -> pd.DataFrame:
    """One row per read with an association: who read the alliance, r, its 95% interval
    and the number of clients."""
    rows = []
    if found is not None:
        for read, association in ((CLIENT_READ, found.client), (YOUR_READ, found.practitioner)):
            if association is not None:
                rows.append(
                    {
                        "read": read,
                        "r": association.r,
                        "low": association.low,
                        "high": association.high,
                        "n": association.n,
                    }
                )
    return pd.DataFrame(rows, columns=["read", "r", "low", "high", "n"])
