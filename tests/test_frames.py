"""The session and item frames: one row per session (or session x item), the join rules,
percent-of-range scores, the blind-order check, dtypes, and speed.

The small `Caseload` builder here is shared by the other insights tests."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insights.frames import ITEM_COLUMNS, SESSION_COLUMNS, frames, item_frame, session_frame
from prompts.library import builtin_library
from storage.records import Client, Estimate, Feedback, Session

INSTRUMENTS = builtin_library().instruments
START = date(2026, 1, 5)  # a Monday


# ---- a tiny caseload builder ------------------------------------------------------------


@dataclass
class V:
    """One visit. `fb` / `est` are totals (spread evenly over the items) or item dicts."""

    fb: int | dict[str, int] | None = None
    est: int | dict[str, int] | None = None
    withdrawal: int = 0
    confrontation: int = 0
    presence: int | None = None
    late: bool = False
    seen_first: bool = False
    comment: str = ""
    fb_instrument: str | None = None
    est_instrument: str | None = None


def spread(total: int, instrument: str) -> dict[str, int]:
    """Item scores adding up to `total`, as even as possible (higher items first)."""
    inst = INSTRUMENTS[instrument]
    ids = [i.id for i in inst.items]
    base, extra = divmod(total, len(ids))
    scores = {item: base + (1 if k < extra else 0) for k, item in enumerate(ids)}
    assert all(inst.min_score <= v <= inst.max_score for v in scores.values()), total
    return scores


def sid(code: str, number: int) -> str:
    return f"{code}-s{number}"


class Caseload:
    """Clients with their sessions, estimates and feedback, with readable ids:
    client `code` has id `id-<code>` and sessions `<code>-s<number>`."""

    def __init__(self) -> None:
        self.clients: list[Client] = []
        self.sessions: list[Session] = []
        self.estimates: list[Estimate] = []
        self.feedback: list[Feedback] = []

    def add(
        self,
        code: str,
        visits: Iterable[V | int | None],
        instrument: str = "sac4",
        start: date = START,
        every: int = 7,
    ) -> Caseload:
        client = Client(code=code, instrument=instrument, id=f"id-{code}")
        self.clients.append(client)
        for n, visit in enumerate(visits, start=1):
            if not isinstance(visit, V):
                visit = V(fb=visit)
            day = start + timedelta(days=every * (n - 1))
            session = Session(
                client_id=client.id,
                date=day,
                number=n,
                late_cancellation=visit.late,
                id=sid(code, n),
            )
            self.sessions.append(session)
            ended = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=17)
            est_at, fb_at = ended, ended + timedelta(minutes=5)
            if visit.seen_first:
                est_at, fb_at = fb_at, est_at
            if visit.est is not None or visit.withdrawal or visit.confrontation or visit.presence:
                inst = visit.est_instrument or instrument
                items = visit.est if isinstance(visit.est, dict) else {}
                if isinstance(visit.est, int):
                    items = spread(visit.est, inst)
                self.estimates.append(
                    Estimate(
                        session_id=session.id,
                        instrument=inst,
                        items=items,
                        presence=visit.presence,
                        withdrawal_markers=["went quiet"] * visit.withdrawal,
                        confrontation_markers=["complaint"] * visit.confrontation,
                        recorded_at=est_at,
                        id=f"{session.id}-e",
                    )
                )
            if visit.fb is not None:
                inst = visit.fb_instrument or instrument
                items = visit.fb if isinstance(visit.fb, dict) else spread(visit.fb, inst)
                self.feedback.append(
                    Feedback(
                        session_id=session.id,
                        instrument=inst,
                        items=items,
                        comment=visit.comment,
                        recorded_at=fb_at,
                        id=f"{session.id}-f",
                    )
                )
        return self

    def records(self) -> tuple[list, list, list, list, dict]:
        return self.clients, self.sessions, self.estimates, self.feedback, INSTRUMENTS

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return frames(*self.records())


def row(sessions: pd.DataFrame, session_id: str) -> pd.Series:
    found = sessions[sessions["session_id"] == session_id]
    assert len(found) == 1, session_id
    return found.iloc[0]


# ---- session_frame ----------------------------------------------------------------------


def test_the_session_frame_has_exactly_the_promised_columns_and_one_row_per_session() -> None:
    sessions, _ = Caseload().add("C-001", [36, 34, None]).frames()
    assert list(sessions.columns) == list(SESSION_COLUMNS)
    assert sessions["session_id"].tolist() == [sid("C-001", n) for n in (1, 2, 3)]


def test_rows_are_sorted_by_client_code_then_date_then_number_whatever_the_input_order() -> None:
    case = Caseload().add("C-020", [30, 31]).add("C-003", [32, 33, 34])
    case.add("C-010", [35], start=START - timedelta(days=400))
    case.sessions.reverse()
    sessions = session_frame(*case.records())
    assert sessions["client"].tolist() == ["C-003"] * 3 + ["C-010"] + ["C-020"] * 2
    assert sessions["number"].tolist() == [1, 2, 3, 1, 1, 2]


def test_two_sessions_on_one_day_are_ordered_by_number() -> None:
    case = Caseload().add("C-001", [30, 31, 32], every=0)
    case.sessions.reverse()
    assert session_frame(*case.records())["number"].tolist() == [1, 2, 3]


def test_the_frame_has_sensible_dtypes() -> None:
    sessions, _ = Caseload().add("C-001", [V(fb=36, est=30, presence=7)]).frames()
    dtypes = sessions.dtypes.astype(str).to_dict()
    assert dtypes["date"] == "datetime64[ns]"
    assert dtypes["estimate_at"] == dtypes["feedback_at"] == "datetime64[ns, UTC]"
    assert dtypes["number"] == dtypes["withdrawal"] == dtypes["confrontation"] == "int64"
    assert dtypes["late_cancellation"] == dtypes["seen_first"] == "bool"
    for name in ("total_min", "total_max", "cutoff", "estimate", "feedback", "presence"):
        assert dtypes[name] == "float64", name
    for name in ("session_id", "client_id", "client", "instrument", "comment", "quarter"):
        assert dtypes[name] == "str", name


def test_dates_are_midnight_datetimes() -> None:
    sessions, _ = Caseload().add("C-001", [36]).frames()
    assert sessions["date"].iloc[0] == pd.Timestamp("2026-01-05 00:00:00")


def test_totals_percentages_and_gap_on_sac4() -> None:
    sessions, _ = Caseload().add("C-001", [V(fb=32, est=36)]).frames()
    got = sessions.iloc[0]
    assert (got["total_min"], got["total_max"]) == (0.0, 40.0)
    assert math.isnan(got["cutoff"])
    assert (got["estimate"], got["feedback"], got["gap"]) == (36.0, 32.0, 4.0)
    assert (got["estimate_pct"], got["feedback_pct"], got["gap_pct"]) == (90.0, 80.0, 10.0)


def test_wai_sr_percentages_start_at_the_total_minimum_of_12() -> None:
    sessions, _ = Caseload().add("C-001", [V(fb=48, est=12)], instrument="wai_sr").frames()
    got = sessions.iloc[0]
    assert (got["total_min"], got["total_max"]) == (12.0, 60.0)
    assert got["feedback_pct"] == 75.0  # (48 - 12) / 48
    assert got["estimate_pct"] == 0.0
    assert got["gap"] == -36.0 and got["gap_pct"] == -75.0


def test_srs_carries_its_cutoff() -> None:
    sessions, _ = Caseload().add("C-001", [36], instrument="srs").frames()
    assert sessions["cutoff"].iloc[0] == 36.0


def test_missing_feedback_leaves_feedback_and_gap_empty() -> None:
    sessions, _ = Caseload().add("C-001", [V(est=30)]).frames()
    got = sessions.iloc[0]
    assert got["estimate"] == 30.0
    for name in ("feedback", "feedback_pct", "gap", "gap_pct"):
        assert math.isnan(got[name]), name
    assert got["feedback_at"] is pd.NaT
    assert not got["seen_first"]


def test_a_late_cancellation_is_a_row_with_no_scores_on_the_clients_instrument() -> None:
    sessions, _ = Caseload().add("C-001", [V(late=True)], instrument="wai_sr").frames()
    got = sessions.iloc[0]
    assert bool(got["late_cancellation"]) is True
    assert got["instrument"] == "wai_sr" and got["total_max"] == 60.0
    assert math.isnan(got["estimate"]) and math.isnan(got["feedback"])
    assert got["withdrawal"] == 0 and got["confrontation"] == 0
    assert got["comment"] == ""


@pytest.mark.parametrize(
    ("visit", "expected"),
    [
        (V(fb=30, est=30, est_instrument="srs", fb_instrument="srs"), "srs"),
        (V(fb=30, fb_instrument="srs"), "srs"),
        (V(est=30, est_instrument="srs"), "srs"),
        (V(), "sac4"),
    ],
    ids=["estimate", "feedback", "estimate-only", "client"],
)
def test_the_instrument_comes_from_the_estimate_else_the_feedback_else_the_client(
    visit: V, expected: str
) -> None:
    visit.late = visit.fb is None and visit.est is None
    sessions, _ = Caseload().add("C-001", [visit]).frames()
    assert sessions["instrument"].iloc[0] == expected


def test_when_estimate_and_feedback_disagree_on_the_instrument_the_patients_view_wins() -> None:
    visit = V(fb=48, est=30, presence=6, withdrawal=1, fb_instrument="wai_sr")
    sessions, items = Caseload().add("C-001", [visit]).frames()
    got = sessions.iloc[0]
    assert got["instrument"] == "wai_sr" and got["feedback"] == 48.0
    assert math.isnan(got["estimate"]) and got["estimate_at"] is pd.NaT
    assert got["presence"] == 6.0 and got["withdrawal"] == 1  # not instrument-bound
    assert items["estimate"].isna().all() and len(items) == 12


def test_an_estimate_or_feedback_on_an_unknown_instrument_is_dropped() -> None:
    case = Caseload().add("C-001", [V(fb=30, est=30)])
    case.feedback[0].instrument = "retired_scale"
    sessions, items = case.frames()
    assert math.isnan(sessions["feedback"].iloc[0])
    assert sessions["estimate"].iloc[0] == 30.0
    assert items["feedback"].isna().all()


def test_records_for_sessions_that_do_not_exist_are_ignored() -> None:
    case = Caseload().add("C-001", [30])
    case.feedback.append(Feedback(session_id="gone", instrument="sac4", items=spread(20, "sac4")))
    sessions, items = case.frames()
    assert len(sessions) == 1 and set(items["session_id"]) == {sid("C-001", 1)}


@pytest.mark.parametrize("later_first", [True, False])
def test_when_a_session_has_two_feedbacks_the_one_recorded_last_wins(later_first: bool) -> None:
    case = Caseload().add("C-001", [30])
    first = case.feedback[0]
    later = Feedback(
        session_id=first.session_id,
        instrument="sac4",
        items=spread(20, "sac4"),
        recorded_at=first.recorded_at + timedelta(hours=1),
    )
    case.feedback.insert(0 if later_first else 1, later)
    assert session_frame(*case.records())["feedback"].iloc[0] == 20.0


def test_a_form_missing_an_item_has_no_total_but_keeps_its_items() -> None:
    visit = V(fb={"bond": 9, "goals": 9, "tasks": 9}, est={"bond": 8, "goals": 8, "tasks": 8})
    sessions, items = Caseload().add("C-001", [visit]).frames()
    assert math.isnan(sessions["feedback"].iloc[0]) and math.isnan(sessions["estimate"].iloc[0])
    voice = items[items["item"] == "voice"].iloc[0]
    assert math.isnan(voice["feedback"]) and math.isnan(voice["estimate"])
    assert items["feedback"].sum() == 27.0


def test_item_ids_the_instrument_does_not_know_are_ignored_in_the_total() -> None:
    items = {**spread(36, "sac4"), "extra": 10}
    sessions, frame = Caseload().add("C-001", [V(fb=items)]).frames()
    assert sessions["feedback"].iloc[0] == 36.0
    assert "extra" not in set(frame["item"])


def test_feedback_recorded_before_the_estimate_is_marked_seen_first() -> None:
    visits = [V(fb=36, est=30, seen_first=True), V(fb=36, est=30), V(est=30), V(fb=30)]
    sessions, _ = Caseload().add("C-001", visits).frames()
    assert sessions["seen_first"].tolist() == [True, False, False, False]


def test_times_are_timezone_aware_utc_and_naive_times_are_read_as_utc() -> None:
    case = Caseload().add("C-001", [V(fb=36, est=30)])
    case.estimates[0].recorded_at = datetime(2026, 1, 5, 17, 0)  # naive
    case.feedback[0].recorded_at = datetime(2026, 1, 5, 18, 30, 0, 123456, tzinfo=UTC)
    got = session_frame(*case.records()).iloc[0]
    assert got["estimate_at"] == pd.Timestamp("2026-01-05 17:00", tz="UTC")
    assert got["feedback_at"] == pd.Timestamp("2026-01-05 18:30:00.123456", tz="UTC")
    assert str(got["feedback_at"].tz) == "UTC"


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 1, 1), "2026-Q1"),
        (date(2026, 3, 31), "2026-Q1"),
        (date(2026, 4, 1), "2026-Q2"),
        (date(2026, 9, 30), "2026-Q3"),
        (date(2025, 12, 31), "2025-Q4"),
    ],
)
def test_the_quarter_is_named_year_dash_q_and_number(day: date, quarter: str) -> None:
    sessions, _ = Caseload().add("C-001", [36], start=day).frames()
    assert sessions["quarter"].iloc[0] == quarter


def test_presence_markers_and_comment_are_carried_over() -> None:
    visits = [
        V(fb=36, est=30, presence=8, withdrawal=2, confrontation=1, comment="More time"),
        V(fb=36, est=30),
    ]
    sessions, _ = Caseload().add("C-001", visits).frames()
    assert sessions["presence"].iloc[0] == 8.0 and math.isnan(sessions["presence"].iloc[1])
    assert sessions["withdrawal"].tolist() == [2, 0]
    assert sessions["confrontation"].tolist() == [1, 0]
    assert sessions["comment"].tolist() == ["More time", ""]


def test_a_session_of_an_unknown_client_is_kept_with_a_question_mark() -> None:
    case = Caseload().add("C-001", [36])
    case.clients.clear()
    got = session_frame(*case.records()).iloc[0]
    assert got["client"] == "?"
    assert got["feedback"] == 36.0


# ---- item_frame ---------------------------------------------------------------------------


def test_the_item_frame_has_one_row_per_session_and_item_in_instrument_order() -> None:
    visit = V(fb={"bond": 9, "goals": 8, "tasks": 7, "voice": 6}, est=32)
    sessions, items = Caseload().add("C-001", [visit, V(late=True), 36]).frames()
    assert list(items.columns) == list(ITEM_COLUMNS)
    assert len(items) == 8  # the late cancellation has no scores, so no rows
    first = items[items["session_id"] == sid("C-001", 1)]
    assert first["item"].tolist() == ["bond", "goals", "tasks", "voice"]
    assert first["label"].tolist() == ["Bond", "Goals", "Tasks", "Voice"]
    assert first["feedback"].tolist() == [9.0, 8.0, 7.0, 6.0]
    assert first["estimate"].tolist() == [8.0] * 4
    third = items[items["session_id"] == sid("C-001", 3)]
    assert third["estimate"].isna().all()
    assert (items["min_score"] == 0).all() and (items["max_score"] == 10).all()


def test_the_item_frame_follows_the_session_frame_order_across_instruments() -> None:
    case = Caseload().add("C-002", [48], instrument="wai_sr").add("C-001", [36, 30])
    case.sessions.reverse()
    sessions, items = case.frames()
    assert items["session_id"].drop_duplicates().tolist() == sessions["session_id"].tolist()
    wai = items[items["instrument"] == "wai_sr"]
    assert len(wai) == 12 and set(wai["min_score"]) == {1.0} and set(wai["max_score"]) == {5.0}
    assert wai["item"].tolist() == [f"item{k}" for k in range(1, 13)]


def test_item_frame_alone_matches_the_one_from_frames() -> None:
    case = Caseload().add("C-001", [V(fb=36, est=30), V(late=True), 20])
    pd.testing.assert_frame_equal(item_frame(*case.records()), case.frames()[1])


def test_an_empty_journal_gives_empty_frames_with_the_same_columns_and_dtypes() -> None:
    full_sessions, full_items = Caseload().add("C-001", [V(fb=36, est=30)]).frames()
    sessions, items = frames([], [], [], [], INSTRUMENTS)
    assert sessions.empty and items.empty
    assert sessions.dtypes.astype(str).to_dict() == full_sessions.dtypes.astype(str).to_dict()
    assert items.dtypes.astype(str).to_dict() == full_items.dtypes.astype(str).to_dict()


# ---- properties and speed -----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["sac4", "srs", "wai_sr"]),
    st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=12),
)
def test_percentages_stay_within_0_and_100_and_the_gap_is_their_difference(
    instrument: str, shares: list[tuple[int, int]]
) -> None:
    inst = INSTRUMENTS[instrument]
    low, high = inst.total_min, inst.total_max

    def total(share: int) -> int:
        return low + round(share * (high - low) / 100)

    visits = [V(fb=total(a), est=total(b)) for a, b in shares]
    sessions, _ = Caseload().add("C-001", visits, instrument=instrument).frames()
    for name in ("estimate_pct", "feedback_pct"):
        assert sessions[name].between(0, 100).all()
    assert np.allclose(sessions["gap_pct"], sessions["estimate_pct"] - sessions["feedback_pct"])
    assert np.allclose(sessions["gap"], sessions["estimate"] - sessions["feedback"])


def big_caseload(count: int) -> Caseload:
    """`count` sessions over 40 clients, with estimates and most feedback."""
    case = Caseload()
    per = count // 40
    for k in range(40):
        visits = [
            V(
                fb=30 + (n * 7 + k) % 11,
                est=28 + (n * 5 + k) % 13,
                presence=7,
                withdrawal=n % 9 == 0,
            )
            if n % 15
            else V(est=30)
            for n in range(per)
        ]
        case.add(f"C-{k:03d}", visits, start=START - timedelta(days=7 * per))
    return case


def test_ten_thousand_sessions_make_a_session_frame_of_every_session() -> None:
    # its time is measured by `make bench`, never here
    records = big_caseload(10_000).records()
    sessions = session_frame(*records)
    assert len(sessions) == 10_000
    assert sessions["session_id"].is_unique
