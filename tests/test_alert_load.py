"""The rupture rules' alert load on simulated clients (insights/alert_load.py): the main
model must meet CLINICAL.md's targets; the figures are printed after every run and by
`make alert-load` (with the noisier models and one row per client level)."""

from __future__ import annotations

import pytest

from insights.alert_load import TARGETS, measure
from tests import figures


@pytest.fixture(scope="module")
def main_load():
    return measure(clients_per_kind=300, seed=2026, noise="main")


@pytest.mark.parametrize("target", TARGETS)
def test_the_main_model_meets_each_alert_load_target(main_load, target: str) -> None:
    assert main_load.met(target), (target, getattr(main_load, target))


def test_the_alert_load_is_reported(main_load) -> None:
    figures.report(
        "rupture alert load, simulated (main noise, 300 clients of each kind): "
        f"{1000 * main_load.stable_alert_share:.0f} alerts per 1,000 stable sessions, "
        f"{main_load.stable_unrepaired_share:.1%} of stable clients ever unrepaired, "
        f"{main_load.ruptures_flagged_share:.1%} of true ruptures flagged within a session, "
        f"{main_load.repairs_recognised_share:.1%} of true repairs recognised; "
        "targets <= 50, <= 2%, >= 90%, >= 90%"
    )
    assert main_load.stable_sessions == 300 * 16


def test_the_same_seed_gives_the_same_figures() -> None:
    assert measure(40, seed=7) == measure(40, seed=7)
    assert measure(40, seed=7) != measure(40, seed=8)
