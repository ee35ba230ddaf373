"""Fixtures of the browser tests (see harness.py)."""

import pytest

from tests.e2e.harness import browser, page, playwright, server  # noqa: F401


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keeps the test's own outcome on the item, so the page fixture can screenshot a failure."""
    report = yield
    if report.when == "call":
        item.call_report = report
    return report
