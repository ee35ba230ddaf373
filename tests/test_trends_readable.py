"""Trends in a reader's words: instruments and frameworks by name, never by id; tables
with words for columns; charts that keep titles, axes and legends in their box and cut no
label short; and, where a supervisor reads a supervisee's chart, whose estimate it is."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from insights import charts as ch
from insights import trends
from insights.export import chart_svg
from practice import demo
from prompts.library import builtin_library
from sharing import report
from sharing.payload import ChartPoint
from storage.records import Contact, ReceivedBundle
from tests import chart_fixtures as fx
from tests.apptest import app, click, open_tab
from tests.conftest import PASSPHRASE, JournalTemplate, floor_params

INTERNAL = re.compile(r"\b(sac4|driscoll|free)\b")
INSTRUMENTS = builtin_library().instruments
DEMO_PASSPHRASE = "demo lantern orchard seven"
TRENDS = "pages/screens/trends.py"
TABS = ["Alliance", "Calibration", "Outcomes", "Growth"]
SUPERVISION = "pages/screens/supervision.py"
RECORD_ID = re.compile(r"\b[0-9a-f]{32}\b")


def named_sessions(instrument: str, **options: Any) -> pd.DataFrame:
    """Synthetic sessions on a built-in instrument, with its range and display name, as
    `trends.build` gives them."""
    from insights.chart_data.alliance import with_instrument_names

    known = INSTRUMENTS[instrument]
    sessions = fx.make_sessions(instrument=instrument, **options)
    sessions["total_min"], sessions["total_max"] = known.total_min, known.total_max
    sessions["cutoff"] = known.cutoff
    return with_instrument_names(sessions, INSTRUMENTS)


def y_axes(spec: dict) -> list[dict]:
    """The y encoding of every mark of a (layered) spec."""
    return [u["encoding"]["y"] for u in fx.units(spec) if "y" in u.get("encoding", {})]


def layer_y_titles(spec: dict) -> list[Any]:
    return [y["title"] for y in y_axes(spec) if "title" in y]


def consistency(weeks: int = 20) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.date_range("2025-06-02", periods=weeks, freq="7D"), "count": 1})


# ---- instruments by name ------------------------------------------------------------------


def test_the_alliance_axis_names_the_instrument_by_its_display_name() -> None:
    spec = ch.alliance_chart(named_sessions("sac4"), [], [], per_client=True).to_dict()
    assert set(layer_y_titles(spec)) == {"Score (SAC-4, 0–40)"}
    assert not INTERNAL.search(json.dumps(spec))


def test_the_items_axis_names_the_instrument_by_its_display_name() -> None:
    sessions = named_sessions("sac4")
    spec = ch.alliance_chart(sessions, [], [], fx.make_items(sessions), per_client=True).to_dict()
    assert set(layer_y_titles(spec)) == {"Item score (SAC-4, 0–10)"}
    assert not INTERNAL.search(json.dumps(spec))


def test_the_cutoff_line_names_the_instrument_by_its_display_name() -> None:
    spec = ch.alliance_chart(named_sessions("srs"), [], [], per_client=True).to_dict()
    labels = [row["label"] for row in fx.all_rows(spec) if "cutoff" in str(row.get("label"))]
    assert labels and all(label.startswith("Session Rating Scale cutoff (36)") for label in labels)
    assert "srs" not in json.dumps(spec)


def test_a_long_instrument_name_gets_a_line_of_its_own_on_the_axis() -> None:
    spec = ch.alliance_chart(named_sessions("wai_sr"), [], [], per_client=True).to_dict()
    wai = INSTRUMENTS["wai_sr"]
    assert set(map(tuple, layer_y_titles(spec))) == {
        ("Working Alliance Inventory, short revised", f"Score ({wai.total_min}–{wai.total_max})")
    }
    assert "wai_sr" not in json.dumps(spec)


def test_trends_give_every_session_its_instruments_display_name(tmp_path: Path) -> None:
    journal, _ = demo.build_demo(tmp_path / "d.journal", DEMO_PASSPHRASE, 40, params=floor_params())
    try:
        data = trends.build(journal, INSTRUMENTS)
    finally:
        journal.lock()
    assert set(data.sessions["instrument_name"]) == {"Session Alliance Check (SAC-4)"}


# ---- charts that fit their box ------------------------------------------------------------

BUILDERS: dict[str, Callable[[], Any]] = {
    "alliance": lambda: ch.alliance_chart(named_sessions("sac4"), [], []),
    "alliance, caseload": lambda: ch.alliance_chart(
        named_sessions("sac4", clients=3), [], [], per_client=False
    ),
    "gap": lambda: ch.gap_chart(named_sessions("sac4")),
    "calibration": lambda: ch.calibration_chart(fx.by_quarter(4)),
    "reactions": lambda: ch.reactions_heatmap(fx.reactions()),
    "domains": lambda: ch.domains_chart(fx.domains()),
    "presence": lambda: ch.presence_chart(named_sessions("sac4")),
    "consistency": lambda: ch.consistency_calendar(consistency()),
    "associations": lambda: ch.associations_chart(fx.associations()),
    "no data": lambda: ch.calibration_chart(None),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_trends_chart_fits_its_width_and_grows_to_hold_its_legends(name: str) -> None:
    # Streamlit's own default squeezes title, axes and legends into the chart's height
    spec = BUILDERS[name]().to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert all(spec["padding"][side] > 0 for side in ("top", "bottom", "left", "right"))


@pytest.mark.parametrize("name", ["reactions", "associations"])
def test_category_axes_of_words_show_each_label_whole(name: str) -> None:
    # Streamlit's theme cuts axis labels at 100 px: "criticized/mistrea…"
    spec = BUILDERS[name]().to_dict()
    axes = [y.get("axis") or {} for y in y_axes(spec) if y.get("field") == "reaction"]
    axes += [y.get("axis") or {} for y in y_axes(spec) if y.get("field") == "factor"]
    assert axes and all(axis.get("labelLimit") == 0 for axis in axes)


def test_the_calendar_labels_months_by_name_and_years_at_january() -> None:
    svg = chart_svg(ch.consistency_calendar(consistency(52)))
    labels = re.findall(r'<g class="mark-text role-axis-label".*?</g>', svg, re.S)
    shown = set(re.findall(r">([^<>]+)</text>", labels[0])) if labels else set()
    assert {"Jul", "Dec", "2026", "Feb", "May"} <= shown
    assert not any(re.fullmatch(r"\d{4}-\d{2}", label) for label in shown)


# ---- tables in words ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readable-demo")
    journal, _ = demo.build_demo(
        folder / "demo.journal", DEMO_PASSPHRASE, 300, seed=3, params=floor_params()
    )
    journal.lock()
    return folder / "demo.journal"


@pytest.fixture
def demo_journal(demo_template: Path, data_folder: Path) -> Path:
    target = data_folder / "demo.journal"
    target.write_bytes(demo_template.read_bytes())
    return target


def assert_in_words(table: pd.DataFrame, key: str) -> None:
    assert list(table.columns) == [key, *trends.FIGURE_WORDS.values()]
    assert not any("_" in column for column in table.columns)
    flat = table.astype(str).to_csv(index=False)
    assert not RECORD_ID.search(flat)


def test_the_per_client_calibration_table_shows_words_and_client_codes(
    demo_template: Path,
) -> None:
    journal = demo_open(demo_template)
    try:
        data = trends.build(journal, INSTRUMENTS)
    finally:
        journal.lock()
    table = trends.calibration_by_client_table(data)
    assert_in_words(table, "Client")
    assert len(table) > 1 and table["Client"].str.fullmatch(r"C-\d{3}").all()
    assert_in_words(trends.calibration_by_quarter_table(data), "Quarter")


def demo_open(path: Path):
    from storage import keyslots

    return keyslots.unlock(path, DEMO_PASSPHRASE)


def open_trends(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(DEMO_PASSPHRASE)
    return click(at, "Unlock").switch_page(TRENDS).run()


def screen_words(at: AppTest) -> str:
    """Every text element, table and chart spec of the screen, as one string."""
    parts = [json.dumps(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    for kind in ("title", "caption", "markdown", "info", "subheader", "metric"):
        parts += [str(getattr(element, "value", "")) for element in getattr(at, kind)]
        parts += [str(getattr(element, "label", "")) for element in getattr(at, kind)]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(parts)


def words_of_every_tab(at: AppTest) -> tuple[AppTest, dict[str, str]]:
    """Open each Trends tab in turn (only the open tab is built); the words of each."""
    words = {}
    for label in TABS:
        at = open_tab(at, "trends_tab", label)
        assert not at.exception
        words[label] = screen_words(at)
    return at, words


def test_trends_on_screen_show_words_not_column_names_ids_or_internal_names(
    demo_journal: Path,
) -> None:
    at = open_trends(app(timeout=60))
    assert not at.exception
    at = open_tab(at, "trends_tab", "Calibration")
    (table,) = [d.value for d in at.dataframe if "Mean bias" in d.value.columns]
    assert_in_words(table, "Client")
    at, words = words_of_every_tab(at)
    assert not INTERNAL.search("\n".join(words.values()))

    scope = at.selectbox(key="trends_scope")
    at = open_tab(scope.select(scope.options[1]).run(), "trends_tab", "Alliance")
    at = at.toggle(key="trends_items").set_value(True).run()
    assert not at.exception
    assert "SAC-4" in screen_words(at) and not INTERNAL.search(screen_words(at))
    at, words = words_of_every_tab(at)
    assert not INTERNAL.search("\n".join(words.values()))


# ---- the supervisor's side ----------------------------------------------------------------

SERIES = (
    ChartPoint("Client A", 1, estimate=30, feedback=34, max=40, instrument="sac4"),
    ChartPoint("Client A", 2, estimate=28, feedback=33, max=40, instrument="sac4"),
)


def test_the_supervisors_chart_names_the_estimate_the_supervisees() -> None:
    from insights.chart_data.alliance import SUPERVISEE_ESTIMATE

    spec = json.dumps(report.shared_alliance_chart(SERIES, SUPERVISEE_ESTIMATE).to_dict())
    assert "Supervisee's estimate" in spec and "Your estimate" not in spec
    table = report.series_table(SERIES, SUPERVISEE_ESTIMATE)
    assert list(table.columns) == [
        "Client",
        "Session",
        "Supervisee's estimate",
        "Client's feedback",
        "Out of",
        "Instrument",
    ]
    assert set(table["Instrument"]) == {"Session Alliance Check (SAC-4)"}


@pytest.mark.parametrize(
    ("framework", "shown"),
    [("free", "Free reflection"), ("", "Free reflection"), ("driscoll", None)],
)
def test_the_supervisor_reads_a_shared_entry_in_words(
    journal_path: Path, empty_template: JournalTemplate, framework: str, shown: str | None
) -> None:
    supervisor = empty_template.open(journal_path)
    scores = {"instrument": "sac4", "name": "Session Alliance Check (SAC-4)", "total": 30}
    item = {"id": "e1", "revision": 1, "client": "Client A", "session": "session 1"}
    item |= {"framework": framework, "estimate": scores | {"max": 40, "items": {}}}
    payload = {"items": [item], "series": [p.to_json() for p in SERIES]}
    try:
        supervisor.save_all(
            [
                Contact("Sam", "card", "F1", "supervisee"),
                ReceivedBundle("b1", "entries", "Sam", "F1", "", payload),
            ]
        )
    finally:
        supervisor.lock()
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(SUPERVISION).run()
    at = at.segmented_control(key="sv_section").set_value("Shared with me").run()
    assert not at.exception
    words = screen_words(at).replace("\\", "")
    assert "Supervisee's estimate" in words
    assert "Your estimate" not in words and "Practitioner's estimate" not in words
    framework_line = next(c.value.replace("\\", "") for c in at.caption if "Framework" in c.value)
    assert not INTERNAL.search(framework_line)
    expected = shown or builtin_library().framework("driscoll").name
    assert f"Framework: {expected}" in framework_line
