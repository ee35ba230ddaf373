"""Altair chart builders for the Trends page: pure functions of frames, no streamlit.

One module per Trends tab's charts (`alliance` and `gap` on the Alliance tab,
`calibration`, `growth`) and `common` for what they share; the frames they draw are
shaped in `insights.chart_data`, so a builder only encodes.

Every builder returns an ``alt.Chart`` or ``alt.LayerChart`` and never raises on an
empty frame: it returns a chart with a single "No data yet" text mark instead. Each chart
fits the width it is given and grows as tall as it needs (`common.fits_its_box`), so its
title, axes and legends stay inside its box in the app as in its PNG.

Instruments are named by their display name (`chart_data.alliance.instrument_label`:
"SAC-4"), never by their id.

Charts embed their data when exported (SVG/HTML/JSON), so each builder selects only
the columns it draws or shows in a tooltip, and large series are aggregated in pandas
before charting (a 10,000-session caseload becomes at most a few hundred points).

Colours come from the Okabe-Ito palette (safe for the common colour-vision
deficiencies) and meaning never rests on colour alone: lines also differ by dash,
rupture markers by shape, faded bars carry a text label.
"""

from insights.chart_data.growth import CAUTION
from insights.charts.alliance import alliance_chart
from insights.charts.calibration import calibration_chart
from insights.charts.common import (
    BLUE,
    ESTIMATE,
    FEEDBACK,
    GREY,
    MAX_POINTS,
    NO_DATA,
    ORANGE,
    SEEN_FIRST_NOTE,
)
from insights.charts.gap import GAP_TITLE, gap_chart
from insights.charts.growth import (
    associations_chart,
    consistency_calendar,
    domains_chart,
    presence_chart,
    reactions_heatmap,
)

__all__ = [
    "BLUE",
    "CAUTION",
    "ESTIMATE",
    "FEEDBACK",
    "GAP_TITLE",
    "GREY",
    "MAX_POINTS",
    "NO_DATA",
    "ORANGE",
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
