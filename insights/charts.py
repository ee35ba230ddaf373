"""Altair chart builders for the Trends page: pure functions of frames, no streamlit.

Every builder returns an ``alt.Chart`` or ``alt.LayerChart`` and never raises on an
empty frame: it returns a chart with a single "No data yet" text mark instead.

Charts embed their data when exported (SVG/HTML/JSON), so each builder selects only
the columns it draws or shows in a tooltip, and large series are aggregated in pandas
before charting (a 10,000-session caseload becomes at most a few hundred points).

Colours come from the Okabe-Ito palette (safe for the common colour-vision
deficiencies) and meaning never rests on colour alone: lines also differ by dash,
rupture markers by shape, faded bars carry a text label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import pandas as pd

from insights.ruptures import rule_in_words

__all__ = [
    "CAUTION",
    "ESTIMATE",
    "FEEDBACK",
    "MAX_POINTS",
    "NO_DATA",
    "SEEN_FIRST_NOTE",
    "alliance_chart",
    "associations_chart",
    "calibration_chart",
    "consistency_calendar",
    "domains_chart",
    "gap_chart",
    "presence_chart",
    "reactions_heatmap",
]

NO_DATA = "No data yet"
ESTIMATE = "Your estimate"
FEEDBACK = "Client's feedback"
SEEN_FIRST_NOTE = "feedback seen before your estimate: left out of calibration"
CAUTION = "few sessions: read with caution"
# short: a y-axis title longer than the plot pushes the chart title out of view
GAP_TITLE = "Gap (estimate − feedback)"

# Sessions drawn one by one; above this the all-clients views aggregate per period.
MAX_POINTS = 300

WIDTH = 640
HEIGHT = 280

# Okabe-Ito palette.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#767676"
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK]

STATUS_LABELS = {"repaired": "Repaired", "unrepaired": "Unrepaired", "open": "Open"}
STATUS_SHAPES = ["circle", "triangle-down", "diamond"]
STATUS_COLOURS = [GREEN, VERMILLION, PURPLE]

DATE_FORMAT = "%d %b %Y"

# Period used when a long series is aggregated: (pandas freq, axis title, date format,
# largest number of periods before moving to the next, coarser one).
_PERIODS = (
    ("W", "Week starting", DATE_FORMAT, 156),
    ("M", "Month", "%b %Y", 120),
    ("Q", "Quarter starting", "%b %Y", None),
)


# --------------------------------------------------------------------------- helpers


def _has_rows(frame: Any) -> bool:
    return isinstance(frame, pd.DataFrame) and len(frame) > 0


def _no_data(title: str, message: str = NO_DATA) -> alt.Chart:
    """A chart holding one friendly line of text instead of data."""
    return (
        alt.Chart(pd.DataFrame({"message": [message]}), title=title)
        .mark_text(size=15, color=GREY)
        .encode(text="message:N", tooltip=[alt.Tooltip("message:N", title="Note")])
        .properties(width=WIDTH, height=120)
    )


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce")


def _bool(values: pd.Series) -> pd.Series:
    return values.eq(True)


def _choose_period(dates: pd.Series) -> tuple[str, str, str]:
    """Pick week, month or quarter so the series has a bounded number of periods."""
    valid = dates.dropna()
    span_days = (valid.max() - valid.min()).days if len(valid) else 0
    for freq, title, fmt, limit in _PERIODS:
        days = {"W": 7, "M": 30.44, "Q": 91.3}[freq]
        if limit is None or span_days / days + 1 <= limit:
            return freq, title, fmt
    raise AssertionError("unreachable")  # pragma: no cover


def _period_start(dates: pd.Series, freq: str) -> pd.Series:
    return dates.dt.to_period(freq).dt.start_time


def _period_label(starts: pd.Series, freq: str) -> pd.Series:
    """Labels that sort in time order as plain strings."""
    if freq == "W":
        return starts.dt.strftime("%Y-%m-%d")
    if freq == "M":
        return starts.dt.strftime("%Y-%m")
    return starts.dt.year.astype(str) + "-Q" + starts.dt.quarter.astype(str)


def _month_label(values: pd.Series) -> pd.Series:
    """Months as "YYYY-MM" whether given as datetimes, periods or strings."""
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.strftime("%Y-%m")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m")
    return values.astype(str)


def _first_valid(values: pd.Series) -> Any:
    valid = values.dropna()
    return valid.iloc[0] if len(valid) else None


def _join_limited(values: Iterable[str], limit: int = 6) -> str:
    items = [v for v in dict.fromkeys(values) if v]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)


# Category axes (sessions, months, quarters) can hold hundreds of labels: drop the ones
# that would overlap instead of printing them on top of each other.
_ORDINAL_AXIS = alt.Axis(labelAngle=0, labelOverlap="greedy", labelSeparation=6)


def _rupture_tooltip() -> list[alt.Tooltip]:
    """What a rupture marker says on hover, per session."""
    return [
        alt.Tooltip("client:N", title="Client"),
        alt.Tooltip("number:Q", title="Session"),
        alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
        alt.Tooltip("rules:N", title="Rules fired"),
        alt.Tooltip("sentence:N", title="Why"),
        alt.Tooltip("status:N", title="Rupture"),
        alt.Tooltip("resolved_at:Q", title="Back to usual at session"),
    ]


def _by_whose_rating(frame: pd.DataFrame, keep: list[str], est: str, fb: str) -> pd.DataFrame:
    """Long form: one row per rating, `who` naming whose it is and `score` its value."""
    return pd.concat(
        [
            frame[keep].assign(who=ESTIMATE, score=frame[est]),
            frame[keep].assign(who=FEEDBACK, score=frame[fb]),
        ],
        ignore_index=True,
    ).dropna(subset=["score"])


def _axis_x_number() -> alt.X:
    return alt.X(
        "number:Q",
        title="Session number",
        scale=alt.Scale(zero=False, nice=False),
        axis=alt.Axis(format="d", tickMinStep=1),
    )


# ---------------------------------------------------------------- alliance (ruptures)


def _rupture_frame(
    ruptures: Iterable[Any] | None, flags: Iterable[Any] | None, s: pd.DataFrame
) -> pd.DataFrame:
    """One row per rupture on a session in ``s``: rules fired, sentence, status."""
    sentences: dict[Any, list[tuple[str, str, str]]] = {}
    for flag in flags or ():
        sentences.setdefault(flag.session_id, []).append(
            (str(flag.rule), str(flag.kind), str(flag.sentence))
        )
    number_of = dict(zip(s["session_id"], s["number"], strict=False))
    rows = []
    for rupture in ruptures or ():
        session_flags = sentences.get(rupture.session_id, [])
        rules = tuple(str(r) for r in (rupture.rules or ()))
        if not rules:
            rules = tuple(rule for rule, kind, _ in session_flags if kind == "rupture")
        said = [text for rule, _, text in session_flags if rule in rules] or [
            text for _, kind, text in session_flags if kind in ("rupture", "possible")
        ]
        status = str(rupture.status)
        resolved = number_of.get(getattr(rupture, "resolved_session_id", None))
        rows.append(
            {
                "session_id": rupture.session_id,
                "rules": ", ".join(rule_in_words(rule) for rule in rules),
                "sentence": " ".join(dict.fromkeys(said)),
                "status": STATUS_LABELS.get(status, status.capitalize()),
                "resolved_at": None if resolved is None else int(resolved),
                "pre_mean": getattr(rupture, "pre_mean", None),
                "pre_mean_pct": getattr(rupture, "pre_mean_pct", None),
            }
        )
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    for column in ("pre_mean", "pre_mean_pct"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["resolved_at"] = pd.to_numeric(frame["resolved_at"], errors="coerce").astype("Int64")
    return frame.merge(s, on="session_id", how="inner")


def _rules_in_words(flags: Iterable[Any] | None) -> dict[Any, str]:
    """Session id -> the rules that fired on it, in words, in the order they fired."""
    fired: dict[Any, list[str]] = {}
    for flag in flags or ():
        words = rule_in_words(flag.rule)
        if words not in fired.setdefault(flag.session_id, []):
            fired[flag.session_id].append(words)
    return {session: ", ".join(rules) for session, rules in fired.items()}


def _status_encodings() -> tuple[alt.Shape, alt.Fill]:
    domain = list(STATUS_LABELS.values())
    # symbols as large as the marks, or the black outline hides each status's colour
    legend = alt.Legend(symbolSize=160, symbolStrokeWidth=1)
    shape = alt.Shape(
        "status:N",
        title="Rupture",
        scale=alt.Scale(domain=domain, range=STATUS_SHAPES),
        legend=legend,
    )
    fill = alt.Fill(
        "status:N",
        title="Rupture",
        scale=alt.Scale(domain=domain, range=STATUS_COLOURS),
        legend=legend,
    )
    return shape, fill


def _rupture_layer(
    rup: pd.DataFrame, x: alt.X, y: alt.Y, tooltip: list, size: int = 190
) -> alt.Chart:
    shape, fill = _status_encodings()
    return (
        alt.Chart(rup)
        .mark_point(filled=True, size=size, stroke=BLACK, strokeWidth=1, opacity=1)
        .encode(x=x, y=y, shape=shape, fill=fill, tooltip=tooltip)
    )


def _aggregate_ruptures(rup: pd.DataFrame, level: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Ruptures counted per period and status, placed on the period's feedback level."""
    grouped = []
    for (period, status), part in rup.groupby(["period", "status"], sort=True):
        counts = Counter(r for text in part["rules"] for r in text.split(", ") if r)
        sentences = [t for t in part["sentence"] if t]
        sentence = sentences[0] if sentences else ""
        if len(sentences) > 1:
            sentence += f" (and {len(sentences) - 1} more)"
        grouped.append(
            {
                "period": period,
                "status": status,
                "ruptures": len(part),
                "rules": ", ".join(
                    f"{rule} ×{n}" if n > 1 else rule for rule, n in counts.most_common()
                ),
                "clients": _join_limited(part["client"].astype(str)),
                "sentence": sentence,
            }
        )
    frame = pd.DataFrame(grouped)
    frame = frame.merge(level[keys + ["score"]], on=keys, how="left")
    frame["score"] = frame["score"].fillna(0.0)
    return frame


def _scale_info(s: pd.DataFrame, use_pct: bool, instrument: str | None) -> tuple[str, list | None]:
    if use_pct:
        return "Score (% of the scale's range)", [0, 100]
    lo, hi = _first_valid(s["total_min"]), _first_valid(s["total_max"])
    if lo is None or hi is None:
        return f"Score ({instrument})", None
    return f"Score ({instrument}, {lo:g}–{hi:g})", [float(lo), float(hi)]


def _cutoff_layer(
    s: pd.DataFrame, instrument: str, use_pct: bool, y_title: str, scale: alt.Scale
) -> alt.Chart | None:
    cutoff = _first_valid(s["cutoff"]) if "cutoff" in s else None
    if cutoff is None:
        return None
    value = float(cutoff)
    if use_pct:
        lo, hi = _first_valid(s["total_min"]), _first_valid(s["total_max"])
        if lo is None or hi is None or hi == lo:
            return None
        value = (value - float(lo)) / (float(hi) - float(lo)) * 100
    frame = pd.DataFrame(
        {
            "cutoff": [value],
            "label": [
                f"{instrument} cutoff ({float(cutoff):g}): at or below, consider checking in"
            ],
        }
    )
    y = alt.Y("cutoff:Q", title=y_title, scale=scale)
    tooltip = [
        alt.Tooltip("label:N", title="Reference line"),
        alt.Tooltip("cutoff:Q", title="At", format=".1f"),
    ]
    rule = (
        alt.Chart(frame)
        .mark_rule(color=GREY, strokeDash=[2, 3], strokeWidth=1.5)
        .encode(y=y, tooltip=tooltip)
    )
    text = (
        alt.Chart(frame)
        .mark_text(align="left", baseline="bottom", dx=4, dy=-3, color=GREY, fontSize=11)
        .encode(y=y, x=alt.value(0), text="label:N", tooltip=tooltip)
    )
    return alt.layer(rule, text)


def alliance_chart(
    sessions: pd.DataFrame | None,
    flags: Sequence[Any] | None = (),
    ruptures: Sequence[Any] | None = (),
    items: pd.DataFrame | None = None,
    per_client: bool = True,
) -> alt.Chart | alt.LayerChart:
    """Your estimate against the client's feedback, session by session.

    ``per_client``: x is the session number and scores are totals in the instrument's
    units (percent of range if the client changed instrument). Otherwise (caseload):
    x is the date, scores are percent of range so instruments mix, and more than
    ``MAX_POINTS`` sessions are averaged per week (month or quarter for long spans).
    ``items``: draw one line per item (colour) and rater (dash) instead of totals.
    Ruptures are marked on the feedback line; sessions whose feedback was seen before
    the estimate are drawn hollow.
    """
    title = (
        "Your estimate and the client's feedback"
        if per_client
        else "Across your caseload: your estimate and clients' feedback"
    )
    if not _has_rows(sessions):
        return _no_data(title)
    wanted = [
        "session_id",
        "client",
        "date",
        "number",
        "instrument",
        "seen_first",
        "estimate",
        "feedback",
        "estimate_pct",
        "feedback_pct",
        "total_min",
        "total_max",
        "cutoff",
    ]
    s = sessions[[c for c in wanted if c in sessions.columns]].copy()
    s["date"] = _dates(s["date"])
    s["seen_first"] = _bool(s["seen_first"]) if "seen_first" in s else False
    s["client"] = s["client"].astype(str)
    instruments = sorted(str(i) for i in s["instrument"].dropna().unique())
    instrument = instruments[0] if len(instruments) == 1 else None
    use_pct = not per_client or instrument is None
    clients = s["client"].nunique()
    if per_client and clients == 1:
        title = f"{s['client'].iloc[0]}: your estimate and the client's feedback"
    aggregate = not per_client and len(s) > MAX_POINTS
    rup = _rupture_frame(ruptures, flags, s)

    if _has_rows(items):
        return _alliance_items(s, items, rup, title, per_client, aggregate)

    est, fb = ("estimate_pct", "feedback_pct") if use_pct else ("estimate", "feedback")
    y_title, domain = _scale_info(s, use_pct, instrument)
    scale = alt.Scale(domain=domain) if domain else alt.Scale(zero=False)
    y = alt.Y("score:Q", title=y_title, scale=scale)
    score_fmt = ".0f"
    colour = alt.Color(
        "who:N",
        title="Whose rating",
        scale=alt.Scale(domain=[ESTIMATE, FEEDBACK], range=[BLUE, ORANGE]),
        # a line symbol long enough to show the estimate's dashes (a point hides them)
        legend=alt.Legend(symbolType="stroke", symbolSize=400, symbolStrokeWidth=2.5),
    )
    dash = alt.StrokeDash(
        "who:N",
        title="Whose rating",
        scale=alt.Scale(domain=[ESTIMATE, FEEDBACK], range=[[6, 3], [1, 0]]),
    )
    subtitle: list[str] = []

    if aggregate:
        freq, period_title, period_fmt = _choose_period(s["date"])
        s["period"] = _period_start(s["date"], freq)
        grouped = s.groupby("period", sort=True)
        summary = grouped.agg(
            sessions=("number", "size"),
            clients=("client", "nunique"),
            seen_first=("seen_first", "sum"),
        )
        level = pd.concat(
            [
                grouped[est].mean().rename("score").to_frame().assign(who=ESTIMATE),
                grouped[fb].mean().rename("score").to_frame().assign(who=FEEDBACK),
            ]
        )
        data = level.join(summary).reset_index().dropna(subset=["score"])
        data["seen_first"] = data["seen_first"].astype(int)
        x = alt.X("period:T", title=period_title)
        tooltip = [
            alt.Tooltip("period:T", title=period_title, format=period_fmt),
            alt.Tooltip("who:N", title="Whose rating"),
            alt.Tooltip("score:Q", title="Average score (% of range)", format=score_fmt),
            alt.Tooltip("sessions:Q", title="Sessions"),
            alt.Tooltip("clients:Q", title="Clients"),
            alt.Tooltip("seen_first:Q", title="Feedback seen first (left out of calibration)"),
        ]
        subtitle.append(f"Average per {period_title.split()[0].lower()}, as % of each scale")
        layers = [
            alt.Chart()
            .mark_line()
            .encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tooltip),
            alt.Chart()
            .mark_point(filled=True, size=40)
            .encode(x=x, y=y, color=colour, tooltip=tooltip),
        ]
        if _has_rows(rup):
            rup["period"] = _period_start(rup["date"], freq)
            fb_level = data.loc[data["who"] == FEEDBACK, ["period", "score"]]
            rup_data = _aggregate_ruptures(rup, fb_level, ["period"])
            layers.append(
                _rupture_layer(
                    rup_data,
                    x,
                    y,
                    [
                        alt.Tooltip("period:T", title=period_title, format=period_fmt),
                        alt.Tooltip("status:N", title="Rupture"),
                        alt.Tooltip("ruptures:Q", title="How many"),
                        alt.Tooltip("rules:N", title="Rules fired"),
                        alt.Tooltip("sentence:N", title="Why"),
                        alt.Tooltip("clients:N", title="Clients"),
                    ],
                    size=110,
                )
            )
    else:
        # every rule that fired on a session, also inside a rupture already under way
        fired = _rules_in_words(flags)
        s["flags"] = [fired.get(session, "none") for session in s["session_id"]]
        keep = ["client", "date", "number", "seen_first", "flags"]
        data = _by_whose_rating(s, keep, est, fb)
        x = _axis_x_number() if per_client else alt.X("date:T", title="Date")
        tooltip = [
            alt.Tooltip("client:N", title="Client"),
            alt.Tooltip("number:Q", title="Session"),
            alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
            alt.Tooltip("who:N", title="Whose rating"),
            alt.Tooltip("score:Q", title=y_title, format=score_fmt),
            alt.Tooltip("flags:N", title="Flags on this session"),
        ]
        detail = {"detail": "client:N"} if clients > 1 else {}
        layers = [
            alt.Chart()
            .mark_line()
            .encode(
                x=x,
                y=y,
                color=colour,
                strokeDash=dash,
                tooltip=[tooltip[0], tooltip[3]],
                **detail,
            ),
            alt.Chart()
            .mark_point(filled=True, size=45, opacity=1)
            .encode(x=x, y=y, color=colour, tooltip=tooltip)
            .transform_filter("!datum.seen_first"),
        ]
        if data["seen_first"].any():
            layers.append(
                alt.Chart()
                .mark_point(filled=False, size=110, strokeWidth=2, opacity=1)
                .encode(
                    x=x,
                    y=y,
                    color=colour,
                    tooltip=[*tooltip, alt.Tooltip("note:N", title="Note")],
                )
                .transform_filter("datum.seen_first")
                .transform_calculate(note=f"'{SEEN_FIRST_NOTE}'")
            )
            subtitle.append("Hollow points: feedback seen before your estimate")
        if _has_rows(rup):
            low = domain[0] if domain else 0.0
            rup["score"] = rup[fb].fillna(rup[est]).fillna(low)
            rup_tooltip = _rupture_tooltip()
            cols = [
                "client",
                "date",
                "number",
                "score",
                "rules",
                "sentence",
                "status",
                "resolved_at",
            ]
            before = "pre_mean_pct" if use_pct else "pre_mean"
            if rup[before].notna().any():
                rup_tooltip.append(
                    alt.Tooltip(f"{before}:Q", title="Client's usual score before", format=".1f")
                )
                cols.append(before)
            layers.append(_rupture_layer(rup[cols], x, y, rup_tooltip))

    if instrument is not None:
        cutoff = _cutoff_layer(s, instrument, use_pct, y_title, scale)
        if cutoff is not None:
            layers.append(cutoff)
    chart = alt.layer(*layers, data=data)
    heading = alt.Title(title, subtitle=subtitle) if subtitle else title
    return chart.properties(title=heading, width=WIDTH, height=HEIGHT)


def _alliance_items(
    s: pd.DataFrame,
    items: pd.DataFrame,
    rup: pd.DataFrame,
    title: str,
    per_client: bool,
    aggregate: bool,
) -> alt.LayerChart | alt.Chart:
    """Items on demand: one line per item (colour) and rater (dash)."""
    wanted = ["session_id", "instrument", "label", "item", "estimate", "feedback"]
    wanted += ["min_score", "max_score"]
    it = items[[c for c in wanted if c in items.columns]]
    it = it.merge(
        s[["session_id", "client", "date", "number", "seen_first"]], on="session_id", how="inner"
    )
    if "label" not in it:
        it["label"] = it["item"]
    it["label"] = it["label"].fillna(it["item"]).astype(str)
    if it.empty:
        return _no_data(title, "No item scores yet")
    instruments = it["instrument"].dropna().unique()
    use_pct = not per_client or len(instruments) != 1
    if use_pct:
        span = (it["max_score"] - it["min_score"]).where(lambda v: v > 0)
        for col in ("estimate", "feedback"):
            it[col] = (it[col] - it["min_score"]) / span * 100
        y_title, domain = "Item score (% of the item's range)", [0.0, 100.0]
    else:
        lo, hi = _first_valid(it["min_score"]), _first_valid(it["max_score"])
        domain = [float(lo), float(hi)] if lo is not None and hi is not None else None
        y_title = f"Item score ({instruments[0]})"
    scale = alt.Scale(domain=domain) if domain else alt.Scale(zero=False)
    y = alt.Y("score:Q", title=y_title, scale=scale)
    labels = list(dict.fromkeys(it["label"]))
    colour = alt.Color(
        "label:N",
        title="Item",
        scale=alt.Scale(domain=labels, range=PALETTE)
        if len(labels) <= len(PALETTE)
        else alt.Scale(domain=labels, scheme="tableau20"),
    )
    dash = alt.StrokeDash(
        "who:N",
        title="Whose rating",
        scale=alt.Scale(domain=[ESTIMATE, FEEDBACK], range=[[6, 3], [1, 0]]),
    )
    subtitle = ["Solid: client's feedback · dashed: your estimate"]
    keys: list[str]
    if aggregate:
        freq, period_title, period_fmt = _choose_period(it["date"])
        it["period"] = _period_start(it["date"], freq)
        parts = []
        for who, col in ((ESTIMATE, "estimate"), (FEEDBACK, "feedback")):
            part = it.groupby(["period", "label"], sort=True).agg(
                score=(col, "mean"), sessions=(col, "count")
            )
            parts.append(part.reset_index().assign(who=who))
        data = pd.concat(parts, ignore_index=True).dropna(subset=["score"])
        x = alt.X("period:T", title=period_title)
        tooltip = [
            alt.Tooltip("period:T", title=period_title, format=period_fmt),
            alt.Tooltip("label:N", title="Item"),
            alt.Tooltip("who:N", title="Whose rating"),
            alt.Tooltip("score:Q", title="Average item score (% of range)", format=".0f"),
            alt.Tooltip("sessions:Q", title="Sessions"),
        ]
        subtitle.append(f"Average per {period_title.split()[0].lower()}")
        keys = ["period"]
        detail: dict[str, Any] = {}
    else:
        keep = ["client", "date", "number", "seen_first", "label"]
        data = _by_whose_rating(it, keep, "estimate", "feedback")
        x = _axis_x_number() if per_client else alt.X("date:T", title="Date")
        tooltip = [
            alt.Tooltip("client:N", title="Client"),
            alt.Tooltip("number:Q", title="Session"),
            alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
            alt.Tooltip("label:N", title="Item"),
            alt.Tooltip("who:N", title="Whose rating"),
            alt.Tooltip("score:Q", title=y_title, format=".0f"),
        ]
        keys = ["session_id"]
        detail = {"detail": "client:N"} if data["client"].nunique() > 1 else {}
    layers: list[alt.Chart] = [
        alt.Chart()
        .mark_line()
        .encode(
            x=x,
            y=y,
            color=colour,
            strokeDash=dash,
            tooltip=[
                alt.Tooltip("label:N", title="Item"),
                alt.Tooltip("who:N", title="Whose rating"),
            ],
            **detail,
        ),
    ]
    if aggregate:
        layers.append(
            alt.Chart()
            .mark_point(filled=True, size=35)
            .encode(x=x, y=y, color=colour, tooltip=tooltip)
        )
    else:
        layers.append(
            alt.Chart()
            .mark_point(filled=True, size=40, opacity=1)
            .encode(x=x, y=y, color=colour, tooltip=tooltip)
            .transform_filter("!datum.seen_first")
        )
        if data["seen_first"].any():
            layers.append(
                alt.Chart()
                .mark_point(filled=False, size=100, strokeWidth=2, opacity=1)
                .encode(
                    x=x, y=y, color=colour, tooltip=[*tooltip, alt.Tooltip("note:N", title="Note")]
                )
                .transform_filter("datum.seen_first")
                .transform_calculate(note=f"'{SEEN_FIRST_NOTE}'")
            )
            subtitle.append("Hollow points: feedback seen before your estimate")
    if _has_rows(rup):
        # Ruptures sit on the lowest item the client rated in that session (or period).
        feedback = it.dropna(subset=["feedback"])
        if aggregate:
            rup["period"] = _period_start(rup["date"], freq)
            level = data[data["who"] == FEEDBACK].groupby("period")["score"].min().reset_index()
            rup_data = _aggregate_ruptures(rup, level, keys)
            rup_tooltip = [
                alt.Tooltip("period:T", title=period_title, format=period_fmt),
                alt.Tooltip("status:N", title="Rupture"),
                alt.Tooltip("ruptures:Q", title="How many"),
                alt.Tooltip("rules:N", title="Rules fired"),
                alt.Tooltip("sentence:N", title="Why"),
                alt.Tooltip("clients:N", title="Clients"),
            ]
        else:
            level = feedback.groupby("session_id")["feedback"].min().rename("score")
            rup_data = rup.merge(level, on="session_id", how="left")
            rup_data["score"] = rup_data["score"].fillna(domain[0] if domain else 0.0)
            rup_data = rup_data[
                ["client", "date", "number", "score", "rules", "sentence", "status", "resolved_at"]
            ]
            rup_tooltip = _rupture_tooltip()
        layers.append(_rupture_layer(rup_data, x, y, rup_tooltip))
    return alt.layer(*layers, data=data).properties(
        title=alt.Title(title + ", item by item", subtitle=subtitle), width=WIDTH, height=HEIGHT
    )


# ------------------------------------------------------------------------------ gap


def gap_chart(sessions: pd.DataFrame | None, per_client: bool = True) -> alt.LayerChart | alt.Chart:
    """Bars: the gap in each session. Line: the gap minus the client's own mean gap.

    Per client the gap is in the instrument's units (percent of range if the client
    changed instrument) and x is the session number; for the caseload it is percent of
    range, averaged per week (month or quarter for long spans).
    """
    title = "Gap between your estimate and the client's feedback"
    if not _has_rows(sessions):
        return _no_data(title)
    wanted = ["client_id", "client", "date", "number", "instrument", "gap", "gap_pct"]
    s = sessions[[c for c in wanted if c in sessions.columns]].copy()
    s["date"] = _dates(s["date"])
    s["client"] = s["client"].astype(str)
    use_pct = not per_client or s["instrument"].dropna().nunique() != 1
    column = "gap_pct" if use_pct else "gap"
    s = s.dropna(subset=[column])
    if s.empty:
        return _no_data(title, "No sessions with both ratings yet")
    s["gap"] = s[column].astype(float)
    s["relative"] = s["gap"] - s.groupby("client_id")["gap"].transform("mean")
    gap_title = GAP_TITLE + (", % of range" if use_pct else "")
    if per_client:
        data = s[["client", "date", "number", "gap", "relative"]]
        x = alt.X("number:O", title="Session number", axis=_ORDINAL_AXIS)
        first = [
            alt.Tooltip("client:N", title="Client"),
            alt.Tooltip("number:Q", title="Session"),
            alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
        ]
        subtitle = (
            "Bars: gap in each session · line: gap compared with your usual gap for this client"
        )
    else:
        freq, period_title, _ = _choose_period(s["date"])
        s["period"] = _period_start(s["date"], freq)
        data = (
            s.groupby("period", sort=True)
            .agg(
                gap=("gap", "mean"),
                relative=("relative", "mean"),
                sessions=("gap", "size"),
                clients=("client", "nunique"),
            )
            .reset_index()
        )
        data["period"] = _period_label(data["period"], freq)
        x = alt.X("period:O", title=period_title, axis=_ORDINAL_AXIS)
        first = [
            alt.Tooltip("period:O", title=period_title),
            alt.Tooltip("sessions:Q", title="Sessions"),
            alt.Tooltip("clients:Q", title="Clients"),
        ]
        subtitle = (
            f"Average per {period_title.split()[0].lower()} · line: compared with each "
            "client's usual gap"
        )
    data = data.assign(
        direction=pd.cut(
            data["gap"],
            [-float("inf"), -1e-9, 1e-9, float("inf")],
            labels=["Client rated higher", "Same", "You rated higher"],
        ).astype(str)
    )
    directions = ["You rated higher", "Client rated higher", "Same"]
    gap_tip = alt.Tooltip("gap:Q", title=gap_title, format=".1f")
    rel_tip = alt.Tooltip(
        "relative:Q", title="Compared with your usual gap for this client", format="+.1f"
    )
    bars = (
        alt.Chart()
        .mark_bar(opacity=0.85)
        .encode(
            x=x,
            y=alt.Y("gap:Q", title=gap_title),
            color=alt.Color(
                "direction:N",
                title="Who rated higher",
                scale=alt.Scale(domain=directions, range=[BLUE, ORANGE, GREY]),
            ),
            tooltip=[
                *first,
                alt.Tooltip("direction:N", title="Who rated higher"),
                gap_tip,
                rel_tip,
            ],
        )
    )
    line = (
        alt.Chart()
        .mark_line(color=BLACK, strokeWidth=1.5, point=alt.OverlayMarkDef(color=BLACK, size=25))
        .encode(x=x, y=alt.Y("relative:Q", title=gap_title), tooltip=[*first, rel_tip, gap_tip])
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0], "label": ["No gap"]}))
        .mark_rule(color=GREY)
        .encode(y=alt.Y("zero:Q", title=gap_title), tooltip=[alt.Tooltip("label:N", title="Line")])
    )
    return alt.layer(bars, zero, line, data=data).properties(
        title=alt.Title(title, subtitle=subtitle), width=WIDTH, height=HEIGHT
    )


# ---------------------------------------------------------------------- calibration

_BIAS = "Average gap (your estimate − client's feedback)"
_MAE = "Average size of the gap"
_SPEARMAN = "Rank agreement (Spearman)"


def calibration_chart(by_quarter: pd.DataFrame | None) -> alt.LayerChart | alt.Chart:
    """Mean bias and MAE by quarter (left axis) and Spearman's rho (right axis, -1..1)."""
    title = "How well your estimates match your clients' feedback"
    if not _has_rows(by_quarter):
        return _no_data(title)
    wanted = ["quarter", "n", "mean_bias", "mae", "spearman", "baseline_agreement"]
    wanted += ["sensitivity", "sensitivity_n"]
    q = by_quarter[[c for c in wanted if c in by_quarter.columns]].copy()
    q["quarter"] = q["quarter"].astype(str)
    extra = []
    for col, name in (
        ("baseline_agreement", "Moved the same way as the client's score"),
        ("sensitivity", "Ruptures you anticipated"),
    ):
        if col in q:
            values = pd.to_numeric(q[col], errors="coerce")
            share = values.dropna().between(0, 1).all()
            extra.append(alt.Tooltip(f"{col}:Q", title=name, format=".0%" if share else ".2f"))
    if "sensitivity_n" in q:
        extra.append(alt.Tooltip("sensitivity_n:Q", title="Sessions with a client-side flag"))
    id_vars = [c for c in q.columns if c not in ("mean_bias", "mae")]
    long = q.melt(
        id_vars=id_vars, value_vars=["mean_bias", "mae"], var_name="metric", value_name="value"
    )
    long["metric"] = long["metric"].map({"mean_bias": _BIAS, "mae": _MAE})
    rho = q.assign(metric=_SPEARMAN, value=q["spearman"]).drop(
        columns=["mean_bias", "mae", "spearman"]
    )
    long = long.drop(columns=["spearman"])
    data = pd.concat([long, rho], ignore_index=True)
    x = alt.X("quarter:O", title="Quarter", sort="ascending", axis=_ORDINAL_AXIS)
    colour = alt.Color(
        "metric:N",
        title="Measure",
        scale=alt.Scale(domain=[_BIAS, _MAE, _SPEARMAN], range=[BLUE, ORANGE, GREEN]),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
    )
    dash = alt.StrokeDash(
        "metric:N",
        title="Measure",
        scale=alt.Scale(domain=[_BIAS, _MAE, _SPEARMAN], range=[[1, 0], [6, 3], [2, 2]]),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
    )
    tooltip = [
        alt.Tooltip("quarter:O", title="Quarter"),
        alt.Tooltip("metric:N", title="Measure"),
        alt.Tooltip("value:Q", title="Value", format=".2f"),
        alt.Tooltip("n:Q", title="Sessions (n)"),
        *extra,
    ]
    points_title = "Score points"
    left = alt.Chart().transform_filter(alt.datum.metric != _SPEARMAN)
    right = alt.Chart().transform_filter(alt.datum.metric == _SPEARMAN)
    y_left = alt.Y("value:Q", title=points_title)
    y_right = alt.Y(
        "value:Q",
        title="Rank agreement (Spearman, −1 to 1)",
        scale=alt.Scale(domain=[-1, 1]),
        axis=alt.Axis(orient="right"),
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0], "label": ["No gap on average"]}))
        .mark_rule(color=GREY)
        .encode(
            y=alt.Y("zero:Q", title=points_title), tooltip=[alt.Tooltip("label:N", title="Line")]
        )
    )
    points_layers = alt.layer(
        zero,
        left.mark_line(point=True).encode(
            x=x, y=y_left, color=colour, strokeDash=dash, tooltip=tooltip
        ),
        data=data,
    )
    rho_layer = right.mark_line(point=True).encode(
        x=x, y=y_right, color=colour, strokeDash=dash, tooltip=tooltip
    )
    return (
        alt.layer(points_layers, rho_layer, data=data)
        .resolve_scale(y="independent")
        .properties(title=title, width=WIDTH, height=HEIGHT)
    )


# --------------------------------------------------------------------------- growth


def reactions_heatmap(reactions_by_month: pd.DataFrame | None) -> alt.Chart:
    """Countertransference reactions: month × reaction, colour = mean intensity (0-3)."""
    title = "Your reactions month by month"
    if not _has_rows(reactions_by_month):
        return _no_data(title)
    data = reactions_by_month[["month", "reaction", "mean_intensity", "count"]].copy()
    data["month"] = _month_label(data["month"])
    data["reaction"] = data["reaction"].astype(str)
    return (
        alt.Chart(data, title=title)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("month:O", title="Month", sort="ascending", axis=_ORDINAL_AXIS),
            y=alt.Y("reaction:N", title="Reaction"),
            color=alt.Color(
                "mean_intensity:Q",
                title="Average intensity (0-3)",
                scale=alt.Scale(scheme="blues", domain=[0, 3]),
            ),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("reaction:N", title="Reaction"),
                alt.Tooltip("mean_intensity:Q", title="Average intensity (0-3)", format=".1f"),
                alt.Tooltip("count:Q", title="Sessions noted"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(24))
    )


def domains_chart(domains_by_month: pd.DataFrame | None) -> alt.Chart:
    """How often each reflection domain was chosen, stacked per month."""
    title = "What you reflected on, month by month"
    if not _has_rows(domains_by_month):
        return _no_data(title)
    data = domains_by_month[["month", "domain", "count"]].copy()
    data["month"] = _month_label(data["month"])
    data["domain"] = data["domain"].astype(str)
    domains = sorted(data["domain"].unique())
    scale = (
        alt.Scale(domain=domains, range=PALETTE)
        if len(domains) <= len(PALETTE)
        else alt.Scale(domain=domains, scheme="tableau20")
    )
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title="Month", sort="ascending", axis=_ORDINAL_AXIS),
            y=alt.Y("count:Q", title="Reflections", stack="zero"),
            color=alt.Color("domain:N", title="Domain", scale=scale),
            order=alt.Order("domain:N"),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("domain:N", title="Domain"),
                alt.Tooltip("count:Q", title="Reflections"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def presence_chart(presence_over_time: pd.DataFrame | None) -> alt.LayerChart | alt.Chart:
    """Your own presence rating (0-10) over time with a running average."""
    title = "Your presence over time"
    if not _has_rows(presence_over_time):
        return _no_data(title)
    data = presence_over_time[["date", "presence", "client"]].copy()
    data["date"] = _dates(data["date"])
    data["presence"] = pd.to_numeric(data["presence"], errors="coerce")
    data = data.dropna(subset=["date", "presence"]).sort_values("date", kind="stable")
    if data.empty:
        return _no_data(title)
    y = alt.Y("presence:Q", title="Your presence (0-10)", scale=alt.Scale(domain=[0, 10]))
    if len(data) > MAX_POINTS:
        freq, period_title, period_fmt = _choose_period(data["date"])
        data["date"] = _period_start(data["date"], freq)
        data = (
            data.groupby("date", sort=True)
            .agg(presence=("presence", "mean"), sessions=("presence", "size"))
            .reset_index()
        )
        x = alt.X("date:T", title=period_title)
        tooltip = [
            alt.Tooltip("date:T", title=period_title, format=period_fmt),
            alt.Tooltip("presence:Q", title="Average presence", format=".1f"),
            alt.Tooltip("sessions:Q", title="Sessions"),
        ]
        layers = [
            alt.Chart().mark_line(color=BLUE).encode(x=x, y=y, tooltip=tooltip),
            alt.Chart()
            .mark_point(filled=True, color=BLUE, size=35)
            .encode(x=x, y=y, tooltip=tooltip),
        ]
        subtitle = f"Average per {period_title.split()[0].lower()}"
    else:
        data["client"] = data["client"].astype(str)
        data["recent"] = data["presence"].rolling(5, min_periods=1).mean()
        x = alt.X("date:T", title="Date")
        tooltip = [
            alt.Tooltip("client:N", title="Client"),
            alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
            alt.Tooltip("presence:Q", title="Your presence (0-10)"),
            alt.Tooltip("recent:Q", title="Average of your last 5 sessions", format=".1f"),
        ]
        layers = [
            alt.Chart()
            .mark_point(filled=True, color=SKY, size=40, opacity=0.8)
            .encode(x=x, y=y, tooltip=tooltip),
            alt.Chart()
            .mark_line(color=BLUE, strokeWidth=2)
            .encode(
                x=x,
                y=alt.Y("recent:Q", title="Your presence (0-10)", scale=alt.Scale(domain=[0, 10])),
                tooltip=[tooltip[1], tooltip[3]],
            ),
        ]
        subtitle = "Points: each session · line: average of your last 5 sessions"
    return alt.layer(*layers, data=data).properties(
        title=alt.Title(title, subtitle=subtitle), width=WIDTH, height=HEIGHT
    )


_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def consistency_calendar(consistency: pd.DataFrame | None, weeks: int | None = 53) -> alt.Chart:
    """GitHub-style calendar: one square per day (week × weekday), colour = reflections.

    Shows the last ``weeks`` weeks up to the latest date (``None``: the whole range);
    days without a reflection are filled in as zero.
    """
    title = "Days you reflected"
    if not _has_rows(consistency):
        return _no_data(title)
    data = consistency[["date", "count"]].copy()
    data["date"] = _dates(data["date"]).dt.normalize()
    data["count"] = pd.to_numeric(data["count"], errors="coerce").fillna(0)
    data = data.dropna(subset=["date"])
    if data.empty:
        return _no_data(title)
    per_day = data.groupby("date")["count"].sum()
    end = per_day.index.max()
    start = per_day.index.min()
    start = start - pd.Timedelta(days=start.day_of_week)  # back to Monday
    if weeks is not None:
        first_monday = end - pd.Timedelta(days=end.day_of_week) - pd.Timedelta(weeks=weeks - 1)
        start = max(start, first_monday)
    days = pd.date_range(start, end, freq="D")
    counts = per_day.reindex(days, fill_value=0)
    frame = pd.DataFrame(
        {
            "day": days.strftime("%Y-%m-%d"),
            "week": (days - pd.to_timedelta(days.day_of_week, unit="D")).strftime("%Y-%m-%d"),
            "weekday": [_WEEKDAYS[d] for d in days.day_of_week],
            "count": counts.to_numpy().astype(int),
        }
    )
    subtitle = f"{days[0]:%d %b %Y} to {end:%d %b %Y}"
    colour = (
        alt.when(alt.datum.count == 0)
        .then(alt.value("#eeeeee"))
        .otherwise(
            alt.Color(
                "count:Q",
                title="Reflections",
                scale=alt.Scale(scheme="blues", domainMin=0, type="linear"),
            )
        )
    )
    return (
        alt.Chart(frame, title=alt.Title(title, subtitle=subtitle))
        .mark_rect(stroke="white", strokeWidth=1.5, cornerRadius=2)
        .encode(
            x=alt.X(
                "week:O",
                title=None,
                axis=alt.Axis(
                    labelExpr="substring(datum.label, 8, 10) <= '07' ? "
                    "substring(datum.label, 0, 7) : ''",
                    labelAngle=0,
                    ticks=False,
                    domain=False,
                    labelOverlap=False,
                ),
            ),
            y=alt.Y(
                "weekday:O", title=None, sort=_WEEKDAYS, axis=alt.Axis(ticks=False, domain=False)
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("day:N", title="Date"),
                alt.Tooltip("weekday:N", title="Day"),
                alt.Tooltip("count:Q", title="Reflections"),
            ],
        )
        .properties(width=alt.Step(13), height=alt.Step(13))
    )


def associations_chart(
    associations: pd.DataFrame | None, measure: str | None = None
) -> alt.LayerChart | alt.Chart:
    """Difference in the mean between sessions with and without each factor.

    ``measure`` names what was averaged (e.g. "client's feedback") for the axis title.
    Factors with few sessions are faded and labelled "few sessions: read with caution".
    """
    title = "What tends to go with better or worse sessions"
    if not _has_rows(associations):
        return _no_data(title)
    wanted = ["factor", "kind", "n_with", "n_without", "mean_with", "mean_without"]
    wanted += ["difference", "small_n"]
    data = associations[[c for c in wanted if c in associations.columns]].copy()
    data["factor"] = data["factor"].astype(str)
    data["kind"] = data["kind"].astype(str) if "kind" in data else ""
    duplicated = data["factor"].duplicated(keep=False)
    data.loc[duplicated, "factor"] = data["factor"] + " (" + data["kind"] + ")"
    data["difference"] = pd.to_numeric(data["difference"], errors="coerce")
    data = data.dropna(subset=["difference"])
    if data.empty:
        return _no_data(title)
    data["small_n"] = _bool(data["small_n"]) if "small_n" in data else False
    data["direction"] = data["difference"].map(
        lambda d: "Higher with it" if d > 0 else ("Lower with it" if d < 0 else "No difference")
    )
    data["caution"] = data["small_n"].map({True: CAUTION, False: "Enough sessions"})
    axis_title = "Difference in average (sessions with − without)"
    if measure:
        axis_title = f"Difference in {measure} (sessions with − without)"
    # Symmetric around zero, so the caution labels always fit on the empty side.
    reach = float(data["difference"].abs().max()) or 1.0
    x_scale = alt.Scale(domain=[-reach, reach], nice=True)
    x = alt.X("difference:Q", title=axis_title, scale=x_scale)
    y = alt.Y("factor:N", title=None, sort=alt.EncodingSortField("difference", order="descending"))
    tooltip = [
        alt.Tooltip("factor:N", title="Factor"),
        alt.Tooltip("kind:N", title="Kind"),
        alt.Tooltip("difference:Q", title="Difference (with − without)", format="+.2f"),
        alt.Tooltip("mean_with:Q", title="Average with it", format=".2f"),
        alt.Tooltip("mean_without:Q", title="Average without it", format=".2f"),
        alt.Tooltip("n_with:Q", title="Sessions with it (n)"),
        alt.Tooltip("n_without:Q", title="Sessions without it (n)"),
        alt.Tooltip("caution:N", title="Reliability"),
    ]
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "direction:N",
                title="Direction",
                scale=alt.Scale(
                    domain=["Higher with it", "Lower with it", "No difference"],
                    range=[BLUE, ORANGE, GREY],
                ),
            ),
            opacity=alt.when(alt.datum.small_n).then(alt.value(0.3)).otherwise(alt.value(1.0)),
            tooltip=tooltip,
        )
    )
    # The label sits just across zero from its bar, in the half the bar leaves empty.
    labels = [
        alt.Chart()
        .mark_text(align=align, dx=dx, fontSize=11, fontStyle="italic", color=GREY)
        .encode(
            x=alt.X("zero:Q", title=axis_title, scale=x_scale),
            y=y,
            text="caution:N",
            tooltip=tooltip,
        )
        .transform_calculate(zero="0")
        .transform_filter(f"datum.small_n && datum.difference {op} 0")
        for align, dx, op in (("right", -6, ">="), ("left", 6, "<"))
    ]
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0], "label": ["No difference"]}))
        .mark_rule(color=GREY)
        .encode(
            x=alt.X("zero:Q", title=axis_title, scale=x_scale),
            tooltip=[alt.Tooltip("label:N", title="Line")],
        )
    )
    return alt.layer(bars, zero, *labels, data=data).properties(
        title=alt.Title(title, subtitle="Faded bars: few sessions, read with caution"),
        width=WIDTH,
        height=alt.Step(22),
    )
