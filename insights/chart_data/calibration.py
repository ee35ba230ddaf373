"""The calibration chart's frame: bias, MAE and rank correlation by quarter in long form."""

from __future__ import annotations

import pandas as pd

BIAS = "Average gap (your estimate − client's feedback)"
MAE = "Average size of the gap"
SPEARMAN = "Rank agreement (Spearman)"
MEASURES = [BIAS, MAE, SPEARMAN]

_COLUMNS = ["quarter", "n", "mean_bias", "mae", "spearman", "baseline_agreement"]
_COLUMNS += ["sensitivity", "sensitivity_n"]


def quarters(by_quarter: pd.DataFrame) -> pd.DataFrame:
    """The columns the chart shows, quarters as text."""
    q = by_quarter[[c for c in _COLUMNS if c in by_quarter.columns]].copy()
    q["quarter"] = q["quarter"].astype(str)
    return q


def measures_by_quarter(q: pd.DataFrame) -> pd.DataFrame:
    """Long form: one row per quarter and measure (`metric` in words, `value`), each row
    keeping the quarter's other columns."""
    id_vars = [c for c in q.columns if c not in ("mean_bias", "mae")]
    long = q.melt(
        id_vars=id_vars, value_vars=["mean_bias", "mae"], var_name="metric", value_name="value"
    )
    long["metric"] = long["metric"].map({"mean_bias": BIAS, "mae": MAE})
    rho = q.assign(metric=SPEARMAN, value=q["spearman"]).drop(
        columns=["mean_bias", "mae", "spearman"]
    )
    long = long.drop(columns=["spearman"])
    return pd.concat([long, rho], ignore_index=True)
