"""Fixtures of the browser tests (see harness.py)."""

from tests.e2e.harness import browser, page, server  # noqa: F401
