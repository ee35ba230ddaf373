"""Chart and table downloads: PNG/SVG through vl-convert, CSV through pandas.

Everything here runs offline: the Vega-Lite spec is passed inline (data embedded as
values) and vl-convert is told to load no URL or file at all (``allowed_base_urls=[]``),
so a spec that pointed at remote data would fail instead of reaching the network.
Fonts come from the system (vl-convert 1.x loads installed fonts, never web fonts).

Downloads leave the encrypted journal: show ``EXPORT_WARNING`` next to every button.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc
from altair.utils.data import MaxRowsError, is_data_type, to_values

__all__ = ["EXPORT_WARNING", "chart_png", "chart_spec", "chart_svg", "frame_csv"]

EXPORT_WARNING = (
    "Downloads are not encrypted: the file holds the data shown here in plain form, "
    "so keep it as safely as your paper notes and delete it when you no longer need it."
)

# Vega-Lite version vl-convert should compile with, matching the schema Altair writes
# (e.g. "v6_4" for "v6.4.1"); None lets vl-convert use its newest if it lacks this one.
_VL_VERSION: str | None = "_".join(alt.SCHEMA_VERSION.split(".")[:2])
if _VL_VERSION.lstrip("v").replace("_", ".") not in vlc.get_vegalite_versions():
    _VL_VERSION = None

# Cells starting with these run as formulas in spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inline_data(chart: Any) -> Any:
    """A copy of ``chart`` whose DataFrames are replaced by inline values.

    Inline values bypass Altair's data transformer and so its 5,000-row limit,
    without touching the process-wide ``alt.data_transformers`` registry (Streamlit
    script threads share it, so switching it even briefly is not safe).
    """
    chart = chart.copy(deep=False)
    data = getattr(chart, "_kwds", {}).get("data", alt.Undefined)
    if data is not alt.Undefined and not isinstance(data, (dict, alt.Data)) and is_data_type(data):
        chart.data = alt.InlineData(values=to_values(data)["values"])
    for name in ("layer", "hconcat", "vconcat", "concat"):
        parts = getattr(chart, "_kwds", {}).get(name, alt.Undefined)
        if isinstance(parts, list):
            setattr(chart, name, [_inline_data(part) for part in parts])
    spec = getattr(chart, "_kwds", {}).get("spec", alt.Undefined)
    if isinstance(spec, alt.SchemaBase):
        chart.spec = _inline_data(spec)
    return chart


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec with its data inline, whatever the number of rows."""
    try:
        return chart.to_dict()
    except MaxRowsError:
        return _inline_data(chart).to_dict()


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """Render ``chart`` to PNG bytes offline (``scale`` 2 suits high-density screens)."""
    return bytes(
        vlc.vegalite_to_png(
            chart_spec(chart), vl_version=_VL_VERSION, scale=scale, allowed_base_urls=[]
        )
    )


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """Render ``chart`` to an SVG document (a str) offline."""
    return vlc.vegalite_to_svg(chart_spec(chart), vl_version=_VL_VERSION, allowed_base_urls=[])


def _defuse(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def frame_csv(df: pd.DataFrame, safe_for_spreadsheets: bool = True) -> bytes:
    """``df`` as UTF-8 CSV bytes (no byte-order mark, header row, no index).

    With ``safe_for_spreadsheets`` (the default) text cells that a spreadsheet would
    run as a formula (starting with = + - @, tab or carriage return) get a leading
    apostrophe: client comments typed on the kiosk are untrusted text. Numbers are
    never changed.
    """
    out = df
    if safe_for_spreadsheets:
        text_columns = [
            c
            for c in df.columns
            if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])
        ]
        if text_columns:
            out = df.copy()
            for column in text_columns:
                out[column] = df[column].map(_defuse)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")
