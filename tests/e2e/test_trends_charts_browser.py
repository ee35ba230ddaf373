"""In Chromium: every Trends chart keeps its title, axes and legends inside its box, draws
a y axis with tick labels, cuts no label short, and no internal name (an instrument's,
a measure's or a framework's id) reaches the screen, on a demo journal, for the caseload
and one client with an outcome measure. The Outcomes tab's charts name their measure,
axes and statuses: the client's scores over sessions, and whose early read goes with
progress."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page

from insights.chart_data.outcomes import STATUS_WORDS, measure_label
from practice import demo
from prompts.outcomes import builtin_measures
from storage.records import Client
from tests.conftest import floor_params
from tests.e2e.harness import Server, go_to, open_app, start_server, stop_server, unlock, wait_idle

pytestmark = pytest.mark.browser
PASSPHRASE = "demo lantern orchard seven"
TABS = ("Alliance", "Calibration", "Outcomes", "Growth")
# ids of the data files, never words on the screen (their display names are)
INTERNAL = re.compile(r"\b(sac4|driscoll|free|phq9|gad7|core10|pain_nrs|psfs|ors)\b")
# a browser draws text up to a pixel or so off the box Vega measured for it
SLACK = 1.0

# For each chart on the visible tab: its SVG's box and its container's, the drawn extent of
# each title, axis and legend (text and marks; the legend's invisible background is not
# drawn), its y axes' tick labels, axis labels drawn over each other, and any text cut
# short with an ellipsis.
MEASURE = """
() => [...document.querySelectorAll("[class*='st-key-chart_']")]
  .filter((box) => box.offsetParent !== null)
  .map((box) => {
    const name = [...box.classList].find((c) => c.startsWith("st-key-chart_")).slice(13);
    const svg = box.querySelector("svg.marks");
    if (!svg) return { name, svg: null };
    const rect = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const drawn = (group) => {
      const parts = [...group.querySelectorAll("text, path, line, rect")].filter((e) => {
        const r = e.getBoundingClientRect();
        const hidden = e.closest("[class*='background'], [class*='foreground']") ||
          ["background", "foreground"].includes(e.getAttribute("class"));
        return !hidden && (r.width > 0 || r.height > 0) && (e.tagName !== "text" || e.textContent);
      }).map((e) => e.getBoundingClientRect());
      if (!parts.length) return null;
      return {
        left: Math.min(...parts.map((r) => r.left)), top: Math.min(...parts.map((r) => r.top)),
        right: Math.max(...parts.map((r) => r.right)),
        bottom: Math.max(...parts.map((r) => r.bottom)),
      };
    };
    const groups = [...svg.querySelectorAll("g.role-axis, g.role-title, g.role-legend")]
      .map((g) => ({
        role: g.getAttribute("class").match(/role-(axis|title|legend)/)[1],
        label: g.getAttribute("aria-label") || g.textContent.slice(0, 60),
        box: drawn(g),
      }));
    const shown = (t) => t.textContent && t.getAttribute("opacity") !== "0" &&
      t.getBoundingClientRect().height > 0;
    const overlapping = [...svg.querySelectorAll("g.role-axis")].flatMap((g) => {
      const labels = [...g.querySelectorAll(".role-axis-label text")].filter(shown);
      const boxes = labels.map((t) => t.getBoundingClientRect());
      return labels.flatMap((t, i) => labels.slice(i + 1)
        .filter((u, j) => {
          const a = boxes[i], b = boxes[i + 1 + j];
          return Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
            Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        })
        .map((u) => `${t.textContent} / ${u.textContent}`));
    });
    const yAxes = [...svg.querySelectorAll("g.role-axis")]
      .filter((g) => /^Y-axis/.test(g.getAttribute("aria-label") || ""))
      .map((g) => [...g.querySelectorAll(".role-axis-label text")]
        .filter(shown)
        .map((t) => t.getBoundingClientRect().top));
    return {
      name,
      svg: rect(svg.getBoundingClientRect()),
      container: rect(box.getBoundingClientRect()),
      groups,
      yAxes,
      overlapping,
      hasAxes: svg.querySelector("g.role-axis") !== null,
      cut: [...svg.querySelectorAll("text")].map((t) => t.textContent)
        .filter((t) => t.includes("\\u2026")),
    };
  })
"""
ALL_RENDERED = """
() => [...document.querySelectorAll("[class*='st-key-chart_']")]
  .filter((box) => box.offsetParent !== null)
  .every((box) => {
    const svg = box.querySelector("svg.marks");
    return svg && svg.getBoundingClientRect().height > 0 && svg.querySelector("g");
  })
"""
# What a reader sees or hears: the main area's text and every ARIA label in it.
SCREEN_TEXT = """
() => {
  const main = document.querySelector("[data-testid='stMain']");
  const labels = [...main.querySelectorAll("[aria-label]")]
    .map((e) => e.getAttribute("aria-label"));
  const svgText = [...main.querySelectorAll("svg text")].map((t) => t.textContent);
  return [main.innerText, ...labels, ...svgText].join("\\n");
}
"""
# Streamlit cuts a metric's label with an ellipsis when its column is too narrow.
CUT_METRICS = """
() => [...document.querySelectorAll("[data-testid='stMetricLabel']")]
  .filter((label) => label.offsetParent !== null)
  .filter((label) => [label, ...label.querySelectorAll("*")]
    .some((e) => e.scrollWidth > e.clientWidth + 1))
  .map((label) => label.innerText)
"""


@dataclass(frozen=True)
class DemoServer:
    """The app on a demo journal, and a client of it with an outcome measure."""

    server: Server
    client: str
    measure: str  # that client's measure, by name


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[DemoServer]:
    """The app on a data folder holding a demo journal (a few years, several clients)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    journal, _ = demo.build_demo(
        data_dir / "journal.journal", PASSPHRASE, 400, seed=3, params=floor_params()
    )
    measured = sorted((c.code, c.outcome_measure) for c in journal.all(Client) if c.outcome_measure)
    journal.lock()
    code, measure = measured[0]
    running = start_server(data_dir)
    yield DemoServer(running, code, measure_label(builtin_measures()[measure]))
    stop_server(running)


def outside(inner: dict, outer: dict) -> list[str]:
    """The sides on which `inner` pokes out of `outer` by more than the slack."""
    sides = [
        ("left", outer["left"] - inner["left"]),
        ("top", outer["top"] - inner["top"]),
        ("right", inner["right"] - outer["right"]),
        ("bottom", inner["bottom"] - outer["bottom"]),
    ]
    return [f"{side} by {over:.0f}px" for side, over in sides if over > SLACK]


def chart_problems(chart: dict) -> list[str]:
    """What is wrong with one measured chart, in words (empty: nothing)."""
    name = chart["name"]
    if chart["svg"] is None:
        return [f"{name}: no chart drawn"]
    problems = []
    for group in chart["groups"]:
        if group["box"] is None:
            continue
        for box, what in ((chart["svg"], "its SVG"), (chart["container"], "its container")):
            for side in outside(group["box"], box):
                problems.append(f"{name}: {group['role']} {group['label']!r} out of {what}, {side}")
    if chart["hasAxes"]:
        if not chart["yAxes"]:
            problems.append(f"{name}: no y axis")
        for tops in chart["yAxes"]:
            if len({round(top) for top in tops}) < 2:
                problems.append(f"{name}: a y axis without a scale of tick labels ({len(tops)})")
    problems += [f"{name}: label cut short: {text!r}" for text in chart["cut"]]
    problems += [f"{name}: labels on top of each other: {pair}" for pair in chart["overlapping"]]
    return problems


def choose_scope(page: Page, scope: str) -> None:
    page.get_by_role("combobox", name="Show").click()
    page.get_by_role("option", name=scope, exact=True).click()
    wait_idle(page)


def outcome_problems(charts: list[dict], scope: str, demo_server: DemoServer) -> list[str]:
    """What the Outcomes tab's chart fails to name: its title, its axes (the measure and
    which way is better, or the correlation) and its legend of statuses."""
    per_client = scope == demo_server.client
    name = f"outcomes-{scope}" if per_client else "whose-read"
    found = [c for c in charts if c["name"] == name]
    if not found or found[0]["svg"] is None:
        return [f"{scope} · Outcomes: no chart {name!r}"]
    labels = {role: [g["label"] for g in found[0]["groups"] if g["role"] == role]
              for role in ("title", "axis", "legend")}  # fmt: skip
    text = "\n".join(sum(labels.values(), []))
    if per_client:
        wanted = [
            f"{scope}: {demo_server.measure} over sessions",
            "Session number",
            "is better",
            "Status against the baseline",
            *STATUS_WORDS.values(),
        ]
    else:
        wanted = ["Whose early read goes with progress", "Pearson's r", "Your early estimates"]
    missing = [words for words in wanted if words not in text]
    return [f"{scope} · Outcomes: {name} does not show {words!r}" for words in missing]


def test_every_trends_chart_keeps_its_axes_title_and_legend_in_its_box(
    page: Page, demo_server: DemoServer
) -> None:
    open_app(page, demo_server.server)
    unlock(page, PASSPHRASE)
    go_to(page, "Trends")
    problems: list[str] = []
    checked = 0
    for scope in ("All clients", demo_server.client):
        page.get_by_role("tab", name=TABS[0]).click()
        wait_idle(page)
        choose_scope(page, scope)
        for tab in TABS:
            page.get_by_role("tab", name=tab).click()
            wait_idle(page)
            page.wait_for_function(ALL_RENDERED)
            page.wait_for_timeout(500)  # Vega lays a chart out again once its tab shows
            charts = page.evaluate(MEASURE)
            assert charts, f"{scope} · {tab}: no chart shown"
            checked += len(charts)
            problems += [f"{scope} · {tab} · {p}" for p in sum(map(chart_problems, charts), [])]
            problems += [
                f"{scope} · {tab}: metric label cut short: {label!r}"
                for label in page.evaluate(CUT_METRICS)
            ]
            leaks = sorted(set(INTERNAL.findall(page.evaluate(SCREEN_TEXT))))
            problems += [f"{scope} · {tab}: internal name on screen: {leak!r}" for leak in leaks]
            if tab == "Outcomes":
                problems += outcome_problems(charts, scope, demo_server)
    assert checked >= 18  # 9 charts per scope
    assert not problems, "\n".join(problems)
