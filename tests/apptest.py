"""Small helpers for AppTest tests of the screens (shared by every tests/test_app_*.py)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "journal_app.py")


def app(timeout: float = 30) -> AppTest:
    """A fresh browser session of the whole app, after its first run."""
    return AppTest.from_file(APP, default_timeout=timeout).run()


def click(at: AppTest, label: str) -> AppTest:
    """Press the (first) button labelled `label` and run."""
    return next(b for b in at.button if b.label == label).click().run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def unlocked(at: AppTest) -> bool:
    journal = at.session_state.get("journal")
    return journal is not None and journal.is_open


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab `label` of the tabs keyed `key` (only the open tab is built) and run."""
    at.session_state[key] = label
    return at.run()
