"""Synthetic frames and spec-walking helpers shared by the chart tests."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from insights import charts as ch
from insights.ruptures import Flag, Rupture

CANARY = "canary-7f3a-private-comment"


# ------------------------------------------------------------------ synthetic frames


def make_sessions(
    clients: int = 1,
    per_client: int = 10,
    instrument: str = "SRS",
    cutoff: float = 36.0,
    start: str = "2026-01-05",
    seen_first: tuple[int, ...] = (2,),
    seed: int = 1,
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(clients):
        for k in range(per_client):
            est, fb = float(rng.integers(20, 41)), float(rng.integers(20, 41))
            rows.append(
                {
                    "session_id": f"s{c}-{k}",
                    "client_id": f"c{c}",
                    "client": f"C-{c:03d}",
                    "date": pd.Timestamp(start) + pd.Timedelta(days=7 * k + c % 7),
                    "number": k + 1,
                    "late_cancellation": False,
                    "instrument": instrument,
                    "total_min": 0.0,
                    "total_max": 40.0,
                    "cutoff": cutoff,
                    "estimate": est,
                    "feedback": fb,
                    "estimate_pct": est / 40 * 100,
                    "feedback_pct": fb / 40 * 100,
                    "gap": est - fb,
                    "gap_pct": (est - fb) / 40 * 100,
                    "presence": float(rng.integers(3, 11)),
                    "withdrawal": "going quiet",
                    "confrontation": "",
                    "estimate_at": None,
                    "feedback_at": None,
                    "seen_first": k in seen_first,
                    "comment": CANARY,
                    "quarter": "2026-Q1",
                }
            )
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def make_items(sessions: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    rows = []
    for s in sessions.itertuples():
        for item in ("bond", "goals", "tasks", "voice"):
            rows.append(
                {
                    "session_id": s.session_id,
                    "client_id": s.client_id,
                    "client": s.client,
                    "date": s.date,
                    "number": s.number,
                    "instrument": s.instrument,
                    "item": item,
                    "label": item.capitalize(),
                    "estimate": float(rng.integers(4, 11)),
                    "feedback": float(rng.integers(4, 11)),
                    "min_score": 0.0,
                    "max_score": 10.0,
                }
            )
    return pd.DataFrame(rows)


def rupture_on(sessions: pd.DataFrame, index: int, status: str = "repaired"):
    row = sessions.iloc[index]
    flag = Flag(
        row.session_id,
        row.client_id,
        "drop",
        "rupture",
        "The client's total fell 6 points below the mean of the last 3 sessions.",
    )
    nxt = sessions.iloc[index + 1].session_id if index + 1 < len(sessions) else None
    return flag, Rupture(row.client_id, row.session_id, ("drop",), status, nxt, 35.0)


def by_quarter(n: int = 3) -> pd.DataFrame:
    quarters = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"][:n]
    return pd.DataFrame(
        {
            "quarter": quarters,
            "n": [30, 42, 12, 8][:n],
            "mean_bias": [-2.1, -1.2, 0.4, 0.1][:n],
            "mae": [3.5, 2.8, 2.2, 2.0][:n],
            "spearman": [0.2, 0.35, np.nan, 0.5][:n],
            "baseline_agreement": [0.55, 0.6, 0.7, 0.7][:n],
            "sensitivity": [0.3, 0.5, 0.6, 0.6][:n],
            "sensitivity_n": [5, 6, 2, 1][:n],
        }
    )


def reactions(months: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"month": f"2026-{m:02d}", "reaction": r, "mean_intensity": 1.5, "count": 4}
            for m in range(1, months + 1)
            for r in ("helpless/inadequate", "positive", "disengaged")
        ]
    )


def domains(months: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"month": pd.Timestamp(f"2026-{m:02d}-01"), "domain": d, "count": 2}
            for m in range(1, months + 1)
            for d in ("transference", "boundaries", "presence")
        ]
    )


def associations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "factor": ["felt rushed", "helpless", "supervision this week"],
            "kind": ["tag", "reaction", "tag"],
            "n_with": [12, 3, 20],
            "n_without": [40, 49, 32],
            "mean_with": [33.0, 31.0, 37.0],
            "mean_without": [36.0, 36.0, 35.0],
            "difference": [-3.0, -5.0, 2.0],
            "small_n": [False, True, False],
        }
    )


# ------------------------------------------------------------------- spec helpers


def units(spec: dict, inherited: dict | None = None) -> Iterator[dict]:
    """Every single-view (mark-bearing) spec inside a layered spec, with its data."""
    data = spec.get("data") or inherited
    if "mark" in spec:
        yield {**spec, "data": data} if data else spec
    for part in spec.get("layer", []):
        yield from units(part, data)


def mark(unit: dict) -> str:
    m = unit["mark"]
    return m if isinstance(m, str) else m["type"]


def mark_props(unit: dict) -> dict:
    return unit["mark"] if isinstance(unit["mark"], dict) else {}


def rows_of(spec: dict, unit: dict | None = None) -> list[dict]:
    """Rows drawn by ``unit`` (its own data, else the top level's)."""
    data = (unit or {}).get("data") or spec.get("data")
    if data is None:
        return []
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


def all_rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def tooltip_titles(unit: dict) -> list[str]:
    tips = unit["encoding"]["tooltip"]
    tips = tips if isinstance(tips, list) else [tips]
    return [t.get("title", t.get("field")) for t in tips]


def title_text(spec: dict) -> str:
    title = spec.get("title", "")
    return title["text"] if isinstance(title, dict) else title


def assert_every_mark_has_tooltips(spec: dict) -> None:
    found = list(units(spec))
    assert found
    for unit in found:
        assert unit.get("encoding", {}).get("tooltip"), f"{mark(unit)} mark has no tooltip"


def find(spec: dict, mark_type: str, **encoding_fields: str) -> list[dict]:
    out = []
    for unit in units(spec):
        enc = unit.get("encoding", {})
        if mark(unit) == mark_type and all(
            enc.get(ch_name, {}).get("field") == field for ch_name, field in encoding_fields.items()
        ):
            out.append(unit)
    return out


def is_no_data(spec: dict) -> bool:
    found = list(units(spec))
    return (
        len(found) == 1
        and mark(found[0]) == "text"
        and rows_of(spec, found[0]) == [{"message": ch.NO_DATA}]
    )
