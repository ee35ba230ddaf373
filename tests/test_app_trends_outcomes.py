"""AppTest of Trends → Outcomes: a client's outcome chart and each session's status in
words, the not-on-track flag in plain words, a client without a measure said plainly,
your calls' calibration beside the alliance calibration, and "whose read predicts
progress" shown once 8 clients qualify (not at 7). No measure id reaches the screen, on
any tab. Only the open tab is built, so each test opens the tab it reads."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.chart_data.outcomes import STATUS_WORDS, measure_label
from practice import caseload, demo
from practice import outcomes as practice
from prompts.library import builtin_library
from prompts.outcomes import builtin_measures
from storage.journal import Journal
from storage.records import Estimate, Session
from tests.apptest import app, click, open_tab
from tests.conftest import PASSPHRASE, JournalTemplate, floor_params

TRENDS = "pages/screens/trends.py"
DEMO_PASSPHRASE = "demo lantern orchard seven"
MEASURE_IDS = re.compile(r"\b(phq9|gad7|core10|pain_nrs|psfs|ors)\b")
TABS = ["Alliance", "Calibration", "Outcomes", "Growth"]
SAC4 = builtin_library().instruments["sac4"]
PHQ9 = builtin_measures()["phq9"]


# ---- the demo journal -----------------------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    """A demo journal on disk, and clients of it the tests look at."""

    path: Path
    on_track: str  # a client with outcome scores, on track
    measure: str  # that client's measure, by name
    off_track: str  # a client not on track
    reason: str  # why, as practice.outcomes words it


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    path = tmp_path_factory.mktemp("outcomes-demo") / "demo.journal"
    journal, _ = demo.build_demo(path, DEMO_PASSPHRASE, 300, seed=3, params=floor_params())
    try:
        found = practice.courses(journal, builtin_measures())
    finally:
        journal.lock()
    on_track = next(c for c in found if not c.reason and len(c.points) >= 6)
    off_track = next(c for c in found if c.reason)
    return Demo(
        path,
        on_track.client.code,
        measure_label(on_track.measure),
        off_track.client.code,
        off_track.reason,
    )


@pytest.fixture
def demo_journal(demo_template: Demo, data_folder: Path) -> Demo:
    target = data_folder / "demo.journal"
    target.write_bytes(demo_template.path.read_bytes())
    return demo_template


def open_trends(passphrase: str) -> AppTest:
    at = app(timeout=60)
    at.text_input(key="unlock_passphrase").input(passphrase)
    at = click(at, "Unlock")
    at = at.switch_page(TRENDS).run()
    assert not at.exception
    return at


def tab(at: AppTest, label: str) -> AppTest:
    """Open the Trends tab `label` (only the open tab is built)."""
    at = open_tab(at, "trends_tab", label)
    assert not at.exception
    return at


def every_tab(at: AppTest) -> Iterator[AppTest]:
    """The screen with each tab open in turn."""
    for label in TABS:
        yield tab(at, label)


def choose(at: AppTest, code: str) -> AppTest:
    at = at.selectbox(key="trends_scope").select(code).run()
    assert not at.exception
    return at


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def titled(at: AppTest, start: str) -> list[dict]:
    """The charts whose title starts with `start`."""
    found = []
    for spec in specs(at):
        title = spec.get("title", "")
        text = title.get("text", "") if isinstance(title, dict) else title
        if str(text).startswith(start):
            found.append(spec)
    return found


def screen_text(at: AppTest) -> str:
    """What the main area says in words (Markdown escapes removed)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [h.value for h in at.header]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv(index=False))
    return "\n".join(parts).replace("\\", "")


def test_a_clients_outcome_chart_and_each_sessions_status_in_words(demo_journal: Demo) -> None:
    at = tab(choose(open_trends(DEMO_PASSPHRASE), demo_journal.on_track), "Outcomes")
    (chart,) = titled(at, f"{demo_journal.on_track}: {demo_journal.measure} over sessions")
    assert chart["layer"][-1]["encoding"]["fill"]["field"] == "status"
    assert "Shaded: no reliable change" in chart["title"]["subtitle"]
    (table,) = [d.value for d in at.dataframe if "Status" in d.value.columns]
    assert list(table.columns[:4]) == ["Session", "Date", "Score", "Status"]
    assert table["Status"].iloc[0] == "Baseline"
    assert set(table["Status"]) <= set(STATUS_WORDS.values())
    assert len(set(table["Status"])) >= 2
    for shown in every_tab(at):
        assert "Not on track" not in screen_text(shown)
        assert not MEASURE_IDS.search(screen_text(shown) + json.dumps(specs(shown)))


def test_a_client_not_on_track_is_flagged_in_plain_words(demo_journal: Demo) -> None:
    at = tab(choose(open_trends(DEMO_PASSPHRASE), demo_journal.off_track), "Outcomes")
    flags = [w.value.replace("\\", "") for w in at.warning]
    assert flags == [f"Not on track. {demo_journal.reason}"]
    assert "no reliable improvement" in flags[0] or "reliably worse" in flags[0]


def test_the_demo_caseload_lists_progress_and_whose_read(demo_journal: Demo) -> None:
    at = tab(open_trends(DEMO_PASSPHRASE), "Outcomes")
    (table,) = [d.value for d in at.dataframe if "On track" in d.value.columns]
    assert demo_journal.off_track in set(table["Client"])
    assert table.loc[table["Client"] == demo_journal.off_track, "On track"].iloc[0] == "no"
    assert set(table["On track"]) == {"yes", "no"}
    assert not MEASURE_IDS.search(table.to_csv())
    text = screen_text(at)
    assert f"{demo_journal.off_track}: {demo_journal.reason}" in text
    assert "Your clients' own early ratings: a" in text
    assert "Your early estimates: " in text
    assert "with few clients the intervals are wide" in text
    assert titled(at, "Whose early read goes with progress")
    assert "No outcome measure: C-" in text
    for shown in every_tab(at):
        assert not MEASURE_IDS.search(screen_text(shown) + json.dumps(specs(shown)))


# ---- a journal built for the rule ------------------------------------------------------------

# PHQ-9 totals over four sessions, per client: the first is the baseline
COURSES = [
    [18, 18, 17, 16],  # no reliable change
    [18, 16, 12, 10],  # reliable improvement (still in the clinical range)
    [18, 14, 9, 6],  # recovery
    [12, 14, 19, 20],  # reliable deterioration
    [20, 18, 15, 13],
    [16, 15, 13, 9],
    [22, 20, 21, 19],
    [15, 10, 8, 7],
]
# (client, session number, your call)
CALLS = [(0, 2, "improving"), (2, 3, "improving"), (3, 3, "same"), (3, 4, "worse")]


def phq9(total: int) -> dict[str, float]:
    """PHQ-9 answers adding up to `total`, item 9 at 0 (no risk note)."""
    answers: dict[str, float] = {}
    for n in range(1, 10):
        answers[f"q{n}"] = 0 if n == 9 else min(3, max(0, total - 3 * (n - 1)))
    return answers


def fill(journal: Journal, clients: int) -> None:
    """`clients` clients on PHQ-9 with four sessions each, their ratings and scores; your
    calls on some; C-100 with no outcome measure."""
    start = date.today() - timedelta(days=60)
    for k in range(clients):
        client = caseload.add_client(journal, f"C-{k + 1:03d}", outcome_measure="phq9")
        for number, total in enumerate(COURSES[k % len(COURSES)], start=1):
            session = Session(client.id, start + timedelta(days=7 * number + k), number)
            caseload.record_estimate(
                journal, session, Estimate(session.id, "sac4", dict.fromkeys(SAC4_ITEMS, 5 + k % 3))
            )
            caseload.record_feedback(journal, session.id, SAC4, dict.fromkeys(SAC4_ITEMS, 3 + k))
            # your call first, blind: the paper score is typed in after it
            for who, at_number, call in CALLS:
                if who == k and at_number == number:
                    practice.record_prediction(journal, session.id, call)
            practice.record_outcome(journal, session.id, PHQ9, phq9(total), source="paper")
    other = caseload.add_client(journal, "C-100")
    session = Session(other.id, start, 1)
    caseload.record_estimate(
        journal, session, Estimate(session.id, "sac4", dict.fromkeys(SAC4_ITEMS, 6))
    )


SAC4_ITEMS = [item.id for item in SAC4.items]


def built(path: Path, template: JournalTemplate, clients: int) -> AppTest:
    journal = template.open(path)
    try:
        fill(journal, clients)
        assert len(practice.courses(journal, builtin_measures())) == clients
    finally:
        journal.lock()
    return open_trends(PASSPHRASE)


def test_whose_read_appears_once_eight_clients_qualify(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    at = tab(built(journal_path, empty_template, 8), "Outcomes")
    text = screen_text(at)
    assert "Whose read predicts progress" in text
    assert re.search(r"Your clients' own early ratings: .* \(r = -?\d\.\d\d; 95% interval", text)
    assert re.search(r"Your early estimates: .*8 clients\)", text)
    (chart,) = titled(at, "Whose early read goes with progress")
    dots = [layer for layer in chart["layer"] if layer["mark"]["type"] == "point"]
    assert dots and dots[0]["encoding"]["y"]["sort"] == [
        "Your clients' own early ratings",
        "Your early estimates",
    ]
    assert "appears once" not in text


def test_whose_read_waits_at_seven_clients_and_says_how_many_qualify(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    at = tab(built(journal_path, empty_template, 7), "Outcomes")
    text = screen_text(at)
    assert (
        "7 clients so far have an outcome baseline and at least 4 sessions. "
        "Whose read predicts progress appears once 8 do." in text
    )
    assert not titled(at, "Whose early read")
    assert "Your clients' own early ratings" not in text


def test_your_calls_are_calibrated_beside_the_alliance_calibration(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    at = tab(built(journal_path, empty_template, 8), "Calibration")
    # C-001: improving at no change (wrong); C-003: improving at recovery (right); C-004:
    # same at a deterioration (wrong), then worse at one (right)
    sentence = (
        "2 of 4 calls matched the client's score. You foresaw 1 of 2 reliable "
        "deteriorations. 0 of your 1 “worse” call did not happen."
    )
    assert sentence in screen_text(at)
    assert "Your calls on progress" in [h.value for h in at.header]
    at = choose(at, "C-004")
    assert "1 of 2 calls matched the client's score." in screen_text(at)


def test_a_client_without_an_outcome_measure_is_said_plainly_with_no_chart(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    at = tab(built(journal_path, empty_template, 3), "Outcomes")
    assert "No outcome measure: C-100." in screen_text(at)
    charts = len(at.get("vega_lite_chart"))
    at = choose(at, "C-100")
    assert any("C-100 has no outcome measure" in i.value.replace("\\", "") for i in at.info)
    assert not titled(at, "C-100: PHQ-9")
    assert len(at.get("vega_lite_chart")) <= charts
