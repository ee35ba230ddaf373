"""In Chromium, on a demo journal: no label is cut off on the screens a week of use
visits: metric labels (Home, Entries), date fields and their placeholders (Entries,
Supervision: Share and the log), in a UK browser and a US one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from practice import demo
from tests.conftest import floor_params
from tests.e2e.harness import Server, go_to, open_app, start_server, stop_server, unlock, wait_idle

pytestmark = pytest.mark.browser
PASSPHRASE = "labels whole window pine"
# an element whose text is wider than its box: Streamlit then cuts it (ellipsis or clip)
CUT = """
(selector) => [...document.querySelectorAll(selector)]
  .filter((box) => box.offsetParent !== null)
  .filter((box) => [box, ...box.querySelectorAll("*")]
    .some((e) => e.scrollWidth > e.clientWidth + 1))
  .map((box) => box.innerText || box.getAttribute("aria-label") || box.outerHTML.slice(0, 80))
"""
BOXES = ", ".join(
    [
        "[data-testid='stMetricLabel']",
        "[data-testid='stDateInput'] [role='group']",
        "[data-testid='stDateInput'] input",
        "[data-testid='stWidgetLabel']",
    ]
)


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[Server]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    journal, _ = demo.build_demo(
        data_dir / "journal.journal", PASSPHRASE, 120, seed=5, params=floor_params()
    )
    journal.lock()
    running = start_server(data_dir)
    yield running
    stop_server(running)


def _cut(page: Page) -> list[str]:
    wait_idle(page)
    return page.evaluate(CUT, BOXES)


def _section(page: Page, name: str) -> None:
    page.get_by_test_id("stButtonGroup").get_by_text(name, exact=True).click()
    wait_idle(page)


@pytest.mark.parametrize("locale", ["en-GB", "en-US"])
def test_no_label_is_cut_off(browser: Browser, demo_server: Server, locale: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        open_app(page, demo_server)
        unlock(page, PASSPHRASE)
        found = {"Home": _cut(page)}
        go_to(page, "Entries")
        found["Entries"] = _cut(page)
        go_to(page, "Supervision")
        for section in ("Share", "Supervision log"):
            _section(page, section)
            found[section] = _cut(page)
        assert {screen: cut for screen, cut in found.items() if cut} == {}
    finally:
        context.close()
