"""AppTest of Trends on a demo journal: each tab's charts are there for the caseload and a
client (the Outcomes tab's among them), calibration figures show, seen-first sessions are
named, and only the open tab is built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from practice import demo
from storage.records import Client
from tests.apptest import app, click, open_tab
from tests.conftest import floor_params

TRENDS = "pages/screens/trends.py"
DEMO_PASSPHRASE = "demo lantern orchard seven"
TABS = ["Alliance", "Calibration", "Outcomes", "Growth"]
# alliance and gap; calibration; whose read predicts progress (or a client's outcome
# chart); five growth charts
CHARTS_PER_TAB = {"Alliance": 2, "Calibration": 1, "Outcomes": 1, "Growth": 5}
CALIBRATION_METRICS = [
    "Mean bias",
    "Mean absolute error",
    "Rank correlation",
    "Agreement from baseline",
    "Ruptures anticipated",
]
GROWTH_CHARTS = [
    "Your reactions month by month",
    "What you reflected on, month by month",
    "Your presence over time",
    "Days you reflected",
    "What tends to go with better or worse sessions",
]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The demo journal, and the codes of its clients with an outcome measure."""
    folder = tmp_path_factory.mktemp("demo-template")
    journal, _ = demo.build_demo(
        folder / "demo.journal", DEMO_PASSPHRASE, 300, seed=3, params=floor_params()
    )
    measured = sorted(c.code for c in journal.all(Client) if c.outcome_measure)
    journal.lock()
    return folder / "demo.journal", measured


@pytest.fixture
def demo_journal(demo_template: tuple[Path, list[str]], data_folder: Path) -> Path:
    target = data_folder / "demo.journal"
    target.write_bytes(demo_template[0].read_bytes())
    return target


@pytest.fixture
def measured(demo_template: tuple[Path, list[str]]) -> list[str]:
    return demo_template[1]


def open_trends(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(DEMO_PASSPHRASE)
    at = click(at, "Unlock")
    return at.switch_page(TRENDS).run()


def chart_titles(at: AppTest) -> list[str]:
    """The titles of the charts on screen, in order."""
    titles = []
    for chart in at.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec).get("title", "")
        titles.append(str(title.get("text", "") if isinstance(title, dict) else title))
    return titles


def charts_per_tab(at: AppTest) -> tuple[AppTest, dict[str, int]]:
    """Open each tab in turn; how many charts each shows."""
    counts = {}
    for tab in TABS:
        at = open_tab(at, "trends_tab", tab)
        assert not at.exception
        counts[tab] = len(at.get("vega_lite_chart"))
    return at, counts


def test_trends_of_the_caseload_show_every_chart(demo_journal: Path) -> None:
    at = open_trends(app(timeout=60))
    assert at.title[0].value == "Trends"
    assert not at.exception
    at, counts = charts_per_tab(at)
    assert counts == CHARTS_PER_TAB
    at = open_tab(at, "trends_tab", "Calibration")
    assert [m.label for m in at.metric] == CALIBRATION_METRICS
    assert all(m.value != "–" for m in at.metric[:3])


def test_one_clients_trends_and_items_on_demand(demo_journal: Path, measured: list[str]) -> None:
    at = open_trends(app(timeout=60))
    scope = at.selectbox(key="trends_scope")
    client = next(code for code in scope.options[1:] if code in measured)
    at = scope.select(client).run()
    assert not at.exception
    at, counts = charts_per_tab(at)
    assert counts == CHARTS_PER_TAB
    # the client's outcome chart instead of whose read
    at = open_tab(at, "trends_tab", "Outcomes")
    assert [title.split(":")[0] for title in chart_titles(at)] == [client]
    assert "Whose early read goes with progress" not in chart_titles(at)
    at = open_tab(at, "trends_tab", "Alliance")
    at = at.toggle(key="trends_items").set_value(True).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == CHARTS_PER_TAB["Alliance"]
    at, counts = charts_per_tab(at)
    assert counts == CHARTS_PER_TAB


def test_only_the_open_tab_is_built(demo_journal: Path) -> None:
    at = open_trends(app(timeout=60))
    assert not at.exception
    # Alliance is open at first: its charts, none of Growth's, no calibration figures
    titles = chart_titles(at)
    assert len(titles) == CHARTS_PER_TAB["Alliance"]
    assert titles[0].endswith("your estimate and clients' feedback")
    assert not set(GROWTH_CHARTS) & set(titles)
    assert not [m for m in at.metric if m.label in CALIBRATION_METRICS]
    at = open_tab(at, "trends_tab", "Growth")
    assert not at.exception
    titles = chart_titles(at)
    assert titles == GROWTH_CHARTS
    assert not any("your estimate and clients' feedback" in title for title in titles)
    assert not at.metric


def test_possible_ruptures_are_listed_with_their_rules_in_words(demo_journal: Path) -> None:
    at = open_trends(app(timeout=60))
    (table,) = [d for d in at.dataframe if "Rules" in d.value.columns]
    rows = table.value
    assert list(rows.columns) == ["Client", "Session", "Rules", "Status"]
    assert len(rows) > 0 and rows["Client"].str.startswith("C-").all()
    rules = {rule for text in rows["Rules"] for rule in text.split(", ")}
    assert "item drop" in rules and not any("_" in rule for rule in rules)
    starts = ("Back to usual", "Still below", "Not back", "Deepened: part of the rupture")
    assert all(status.startswith(starts) for status in rows["Status"])
    assert not any("null" in status or "None" in status for status in rows["Status"])


def test_an_empty_journal_says_where_trends_come_from(journal_path: Path) -> None:
    from tests.conftest import PASSPHRASE

    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(TRENDS).run()
    assert at.info[0].value.startswith("No sessions yet")
    assert at.get("vega_lite_chart") == []
