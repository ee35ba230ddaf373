"""Growth frames: reactions and domains by month, presence, consistency, streaks, and the
associations between reactions or tags and the patient's rating."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from insights.frames import frames
from insights.growth import (
    Streaks,
    associations,
    consistency,
    domains_by_month,
    presence_over_time,
    reactions_by_month,
    streaks,
)
from storage.records import DOMAINS, REACTIONS, Reflection
from tests.test_frames import INSTRUMENTS, Caseload, V, sid


def written(day: str, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def reflection(
    day: str,
    reactions: dict[str, int] | None = None,
    domains: list[str] | None = None,
    tags: list[str] | None = None,
    session: str | None = None,
    hour: int = 12,
) -> Reflection:
    return Reflection(
        session_id=session,
        reactions=reactions or {},
        focus_domains=domains or [],
        tags=tags or [],
        written_at=written(day, hour),
    )


# ---- reactions and domains by month ---------------------------------------------------------


def test_reactions_by_month_average_every_reaction_with_unrated_as_zero() -> None:
    found = reactions_by_month(
        [
            reflection("2026-01-05", {"positive": 2, "helpless/inadequate": 0}),
            reflection("2026-01-20"),  # not rated: counts as 0 everywhere
            reflection("2026-02-03", {"positive": 1, "helpless/inadequate": 3}),
        ]
    )
    assert list(found.columns) == ["month", "reaction", "mean_intensity", "count", "reflections"]
    assert len(found) == 2 * len(REACTIONS)
    assert found["reaction"].tolist()[: len(REACTIONS)] == list(REACTIONS)
    jan = found[found["month"] == pd.Timestamp("2026-01-01")].set_index("reaction")
    feb = found[found["month"] == pd.Timestamp("2026-02-01")].set_index("reaction")
    assert jan.loc["positive", "mean_intensity"] == 1.0 and jan.loc["positive", "count"] == 1
    assert jan.loc["helpless/inadequate", "count"] == 0
    assert (jan["reflections"] == 2).all() and (feb["reflections"] == 1).all()
    assert feb.loc["helpless/inadequate", "mean_intensity"] == 3.0
    assert feb.loc["sexualized", "mean_intensity"] == 0.0
    assert str(found["month"].dtype) == "datetime64[ns]"


def test_months_can_be_read_in_the_practitioners_time_zone() -> None:
    late = [reflection("2026-01-31", {"positive": 3}, hour=23)]  # 00:00 in Berlin
    assert reactions_by_month(late)["month"].iloc[0] == pd.Timestamp("2026-01-01")
    berlin = reactions_by_month(late, tz="Europe/Berlin")
    assert berlin["month"].iloc[0] == pd.Timestamp("2026-02-01")


def test_domains_by_month_count_reflections_per_focus_domain() -> None:
    found = domains_by_month(
        [
            reflection("2026-03-02", domains=["presence", "biases"]),
            reflection("2026-03-09", domains=["presence"]),
            reflection("2026-05-01", domains=["boundaries", "not-a-domain"]),
        ]
    )
    assert list(found.columns) == ["month", "domain", "count", "reflections"]
    assert len(found) == 2 * len(DOMAINS)  # April had no reflections
    march = found[found["month"] == pd.Timestamp("2026-03-01")].set_index("domain")["count"]
    assert march.to_dict() == dict.fromkeys(DOMAINS, 0) | {"biases": 1, "presence": 2}
    may = found[found["month"] == pd.Timestamp("2026-05-01")]
    assert may["count"].sum() == 1 and (may["reflections"] == 1).all()


def test_no_reflections_give_empty_frames_with_their_columns() -> None:
    assert list(reactions_by_month([]).columns) == [
        "month",
        "reaction",
        "mean_intensity",
        "count",
        "reflections",
    ]
    assert domains_by_month([]).empty and consistency([]).empty
    assert str(consistency([])["count"].dtype) == "int64"
    assert str(reactions_by_month([])["month"].dtype) == "datetime64[ns]"


# ---- presence, consistency, streaks ---------------------------------------------------------


def test_presence_over_time_lists_rated_sessions_in_date_order() -> None:
    case = Caseload().add("C-002", [V(est=30, presence=6), V(est=30), V(est=30, presence=9)])
    case.add("C-001", [V(est=30, presence=4)], start=date(2026, 1, 6))
    sessions, _ = case.frames()
    got = presence_over_time(sessions)
    assert list(got.columns)[:3] == ["date", "presence", "client"]
    assert got["presence"].tolist() == [6.0, 4.0, 9.0]
    assert got["client"].tolist() == ["C-002", "C-001", "C-002"]
    empty, _ = frames([], [], [], [], INSTRUMENTS)
    assert presence_over_time(empty).empty


def test_consistency_counts_reflections_per_day() -> None:
    found = consistency(
        [
            reflection("2026-01-05", hour=9),
            reflection("2026-01-05", hour=20),
            reflection("2026-01-07"),
        ]
    )
    assert found["date"].tolist() == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-07")]
    assert found["count"].tolist() == [2, 1]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # 1-3, 5-6, 9 and 15 June 2026: weeks of Monday 1, 8 and 15 June
        (date(2026, 6, 15), Streaks(7, 1, 3, 3, 3, 3)),
        (date(2026, 6, 16), Streaks(7, 1, 3, 3, 3, 3)),  # yesterday still counts
        (date(2026, 6, 17), Streaks(7, 0, 3, 3, 3, 3)),
        (date(2026, 6, 22), Streaks(7, 0, 3, 3, 3, 3)),  # last week still counts
        (date(2026, 6, 29), Streaks(7, 0, 3, 3, 0, 3)),
    ],
)
def test_streaks_count_runs_of_days_and_weeks_reaching_today(
    today: date, expected: Streaks
) -> None:
    days = ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-05", "2026-06-06"]
    days += ["2026-06-09", "2026-06-15"]
    frame = consistency([reflection(d) for d in days])
    assert streaks(frame, today) == expected
    assert streaks([date.fromisoformat(d) for d in days], today) == expected


def test_no_days_make_no_streaks() -> None:
    assert streaks(consistency([]), date(2026, 1, 1)) == Streaks(0, 0, 0, 0, 0, 0)


# ---- associations ----------------------------------------------------------------------------


@pytest.fixture
def rated() -> pd.DataFrame:
    # feedback 20, 40, 30, 40 of 40: 50%, 100%, 75%, 100%; the fifth has no feedback
    case = Caseload().add("C-001", [20, 40, 30, 40, V(est=30)])
    sessions, _ = case.frames()
    return sessions


def test_associations_compare_mean_ratings_with_and_without_each_reaction_and_tag(
    rated: pd.DataFrame,
) -> None:
    notes = [
        reflection(
            "2026-01-05", {"helpless/inadequate": 2}, tags=["rupture"], session=sid("C-001", 1)
        ),
        reflection("2026-01-12", {"positive": 3}, session=sid("C-001", 2)),
        reflection("2026-01-19", {"helpless/inadequate": 1}, session=sid("C-001", 3)),
        reflection(
            "2026-01-26", {"helpless/inadequate": 0}, tags=["goals"], session=sid("C-001", 4)
        ),
        reflection("2026-02-02", {"helpless/inadequate": 3}, session=sid("C-001", 5)),  # no rating
        reflection("2026-02-03", {"helpless/inadequate": 3}, tags=["free"]),  # no session
    ]
    found = associations(notes, rated).set_index("factor")
    assert list(associations(notes, rated).columns) == [
        "factor",
        "kind",
        "n_with",
        "n_without",
        "mean_with",
        "mean_without",
        "difference",
        "small_n",
    ]
    helpless = found.loc["helpless/inadequate"]
    assert helpless["kind"] == "reaction"
    assert (helpless["n_with"], helpless["n_without"]) == (2, 2)
    assert (helpless["mean_with"], helpless["mean_without"]) == (62.5, 100.0)
    assert helpless["difference"] == -37.5 and bool(helpless["small_n"]) is True
    rupture = found.loc["rupture"]
    assert rupture["kind"] == "tag" and rupture["mean_with"] == 50.0
    assert rupture["mean_without"] == pytest.approx(275 / 3)
    assert "free" not in found.index  # only tags of rated sessions
    assert found.loc["positive", "difference"] == 100 - 75
    never = found.loc["sexualized"]
    assert never["n_with"] == 0 and math.isnan(never["difference"])


def test_associations_are_sorted_lowest_difference_first_with_unknowns_last(
    rated: pd.DataFrame,
) -> None:
    notes = [
        reflection("2026-01-05", {"disengaged": 1}, session=sid("C-001", 1)),
        reflection("2026-01-12", {"positive": 3}, session=sid("C-001", 2)),
        reflection("2026-01-19", session=sid("C-001", 3)),
    ]
    found = associations(notes, rated)
    differences = found["difference"].tolist()
    known = [d for d in differences if not math.isnan(d)]
    assert known == sorted(known) and found["factor"].iloc[0] == "disengaged"
    assert all(math.isnan(d) for d in differences[len(known) :])


def test_two_reflections_on_one_session_are_pooled(rated: pd.DataFrame) -> None:
    notes = [
        reflection("2026-01-05", {"disengaged": 1}, tags=["a"], session=sid("C-001", 1)),
        reflection("2026-01-06", {"disengaged": 0}, tags=["b"], session=sid("C-001", 1)),
        reflection("2026-01-12", session=sid("C-001", 2)),
    ]
    found = associations(notes, rated).set_index("factor")
    assert found.loc["disengaged", "n_with"] == 1 and found.loc["disengaged", "n_without"] == 1
    assert found.loc["a", "n_with"] == 1 and found.loc["b", "n_with"] == 1


def test_small_n_is_false_only_with_five_sessions_on_each_side() -> None:
    case = Caseload().add("C-001", [30] * 5 + [40] * 5)
    sessions, _ = case.frames()
    notes = [
        reflection(
            "2026-01-05", {"helpless/inadequate": 1 if n <= 5 else 0}, session=sid("C-001", n)
        )
        for n in range(1, 11)
    ]
    row = associations(notes, sessions).set_index("factor").loc["helpless/inadequate"]
    assert (row["n_with"], row["n_without"], bool(row["small_n"])) == (5, 5, False)
    assert row["difference"] == -25.0
    fewer_without = associations(notes[:9], sessions).set_index("factor")
    assert fewer_without.loc["helpless/inadequate", "n_without"] == 4
    assert bool(fewer_without.loc["helpless/inadequate", "small_n"]) is True


def test_associations_without_sessions_or_reflections_are_empty_or_unknown(
    rated: pd.DataFrame,
) -> None:
    empty, _ = frames([], [], [], [], INSTRUMENTS)
    assert associations([reflection("2026-01-05")], empty).empty
    found = associations([], rated)
    assert found["factor"].tolist() == sorted(REACTIONS) and found["difference"].isna().all()
