"""The content of a bundle of shared entries: one typed definition, read and written as JSON.

`share.payload` builds a `Payload`; the bundle carries `Payload.to_json()` (the wire
form of storage/FORMAT.md §8.1: unchanged since format 1 but for the optional
`"outcomes"` list, written only when outcome courses were chosen, so a payload without
them has the same bytes as before and older apps ignore it); the supervisor's journal keeps
what arrived and reads it back with `Payload.from_json`, which is also the check an
import makes before writing anything; the printable report and the Shared-with-me
screen read the typed objects only.

`from_json` takes a partner's content as untrusted: every string must be Unicode text of
a bounded length, every number a non-negative integer within a bound, and chart points
drawable (scores within their instrument's maximum). Anything else raises `SharingError`
("bad_content") naming the first faulty part, e.g. "entry 2: answers". Keys it does not
know are ignored, so they reach no screen and no report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from insights.outcomes import BASELINE, STATUSES, PredictionCalibration
from sharing.identity import SharingError

_NOTHING = " Nothing was imported."
BAD_CONTENT = "This bundle's content is not in the expected form ({detail})." + _NOTHING
MAX_TEXT = 200_000
MAX_SCORE = 10_000  # far above any session scale; keeps a partner's numbers drawable
MAX_CHART_ROWS = 20_000
MAX_SESSION = 100_000
MAX_YEAR = 9_999
MAX_COURSES = 2_000
# the words of a course's statuses: the wire carries them as the app says them
COURSE_STATUSES = (BASELINE, *STATUSES)
_CALL_COUNTS = (
    "checked",
    "right",
    "deteriorations",
    "foreseen",
    "called_worse",
    "called_worse_wrong",
)


def bad_content(detail: str) -> SharingError:
    """The error for content that is not in the expected form, naming the faulty part."""
    return SharingError(BAD_CONTENT.format(detail=detail), "bad_content")


def is_text(value: object, limit: int = MAX_TEXT) -> bool:
    """Whether `value` is a string of at most `limit` characters that UTF-8 can store."""
    if not isinstance(value, str) or len(value) > limit:
        return False
    try:
        value.encode("utf-8")  # a lone surrogate is valid JSON but cannot be stored
    except UnicodeEncodeError:
        return False
    return True


def is_count(value: object, limit: int = MAX_SCORE) -> bool:
    """Whether `value` is an integer (not a bool) from 0 to `limit`."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit


def is_score(value: object, limit: int = MAX_SCORE) -> bool:
    """Whether `value` is a score from 0 to `limit`: an integer, or a number with at most
    one decimal place (a client's paper form may give one)."""
    if isinstance(value, float):
        return math.isfinite(value) and 0 <= value <= limit and round(value, 1) == value
    return is_count(value, limit)


def _text_list(value: object, limit: int) -> bool:
    return isinstance(value, list) and all(is_text(v, limit) for v in value)


@dataclass(frozen=True)
class Scores:
    """One rating of a session (an estimate or the client's feedback): totals and items."""

    instrument: str
    name: str
    total: float
    max: int | None
    items: Mapping[str, float]

    @classmethod
    def from_json(cls, value: object, where: str) -> Scores:
        """Read and check one rating; `where` names the entry in the error."""
        if not isinstance(value, dict) or not is_text(value.get("name"), 200):
            raise bad_content(f"{where}: scores")
        if not is_score(value.get("total")) or not isinstance(value.get("items"), dict):
            raise bad_content(f"{where}: scores")
        items = value["items"]
        if len(items) > 200 or not all(is_score(v) and is_text(k, 100) for k, v in items.items()):
            raise bad_content(f"{where}: item scores")
        top = value.get("max")
        if top is not None and (not is_count(top) or value["total"] > top):
            raise bad_content(f"{where}: maximum score")
        instrument = value.get("instrument", "")
        if not is_text(instrument, 100):
            raise bad_content(f"{where}: scores")
        return cls(instrument, value["name"], value["total"], top, dict(items))

    def to_json(self) -> dict[str, Any]:
        """The wire form."""
        return {
            "instrument": self.instrument,
            "name": self.name,
            "total": self.total,
            "max": self.max,
            "items": dict(self.items),
        }


@dataclass(frozen=True)
class SharedAnswer:
    """A prompt and the supervisee's answer to it, as reviewed."""

    prompt: str
    answer: str

    def to_json(self) -> dict[str, Any]:
        """The wire form."""
        return {"prompt": self.prompt, "answer": self.answer}


@dataclass(frozen=True)
class SharedItem:
    """One shared reflection, de-identified: what the supervisor may read of it."""

    id: str
    revision: int
    client: str | None = None  # "Client A"; None for a free reflection
    session: str | None = None  # "session 6" or "session 6 (2026)"
    year: int | None = None
    framework: str = ""
    focus: tuple[str, ...] = ()
    answers: tuple[SharedAnswer, ...] = ()
    text: str = ""
    next_step: str = ""
    tags: tuple[str, ...] = ()
    reactions: Mapping[str, int] = field(default_factory=dict)
    estimate: Scores | None = None
    feedback: Scores | None = None
    flagged: bool = False

    @classmethod
    def from_json(cls, value: object, where: str) -> SharedItem:
        """Read and check one item; `where` ("entry 2") names it in the error."""
        if not isinstance(value, dict):
            raise bad_content(where)
        item_id, revision = value.get("id"), value.get("revision")
        if not is_text(item_id) or not isinstance(revision, int) or isinstance(revision, bool):
            raise bad_content(f"{where}: id")
        for key in ("client", "session"):
            if value.get(key) is not None and not is_text(value[key], 200):
                raise bad_content(f"{where}: {key}")
        for key in ("framework", "text", "next_step"):
            if not is_text(value.get(key, "")):
                raise bad_content(f"{where}: {key.replace('_', ' ')}")
        for key in ("focus", "tags"):
            if not _text_list(value.get(key, []), 500):
                raise bad_content(f"{where}: {key}")
        answers = value.get("answers", [])
        if not isinstance(answers, list) or not all(
            isinstance(a, dict) and is_text(a.get("prompt")) and is_text(a.get("answer"))
            for a in answers
        ):
            raise bad_content(f"{where}: answers")
        reactions = value.get("reactions", {})
        if (
            not isinstance(reactions, dict)
            or len(reactions) > 50
            or not all(is_text(k, 100) and is_count(v) and v <= 3 for k, v in reactions.items())
        ):
            raise bad_content(f"{where}: reactions")
        ratings = {
            key: None if value.get(key) is None else Scores.from_json(value[key], where)
            for key in ("estimate", "feedback")
        }
        year = value.get("year")
        if year is not None and not is_count(year, MAX_YEAR):
            raise bad_content(f"{where}: year")
        if not isinstance(value.get("flagged", False), bool):
            raise bad_content(f"{where}: flagged")
        return cls(
            id=item_id,
            revision=revision,
            client=value.get("client"),
            session=value.get("session"),
            year=year,
            framework=value.get("framework", ""),
            focus=tuple(value.get("focus", [])),
            answers=tuple(SharedAnswer(a["prompt"], a["answer"]) for a in answers),
            text=value.get("text", ""),
            next_step=value.get("next_step", ""),
            tags=tuple(value.get("tags", [])),
            reactions=dict(reactions),
            flagged=value.get("flagged", False),
            **ratings,
        )

    def to_json(self) -> dict[str, Any]:
        """The wire form: every key, even when empty."""
        return {
            "id": self.id,
            "revision": self.revision,
            "client": self.client,
            "session": self.session,
            "year": self.year,
            "framework": self.framework,
            "focus": list(self.focus),
            "answers": [answer.to_json() for answer in self.answers],
            "text": self.text,
            "next_step": self.next_step,
            "tags": list(self.tags),
            "reactions": dict(self.reactions),
            "estimate": self.estimate.to_json() if self.estimate else None,
            "feedback": self.feedback.to_json() if self.feedback else None,
            "flagged": self.flagged,
        }


@dataclass(frozen=True)
class ChartPoint:
    """One session of the alliance series: totals only, by session number."""

    client: str
    session: int
    estimate: int | None = None
    feedback: int | None = None
    max: int | None = None
    instrument: str = ""

    @classmethod
    def from_json(cls, value: object) -> ChartPoint:
        """Read one point the report can draw: scores within 0..max of their instrument."""
        if not isinstance(value, dict):
            raise bad_content("chart data")
        top = value.get("max")
        scores = [value.get(k) for k in ("estimate", "feedback") if value.get(k) is not None]
        drawable = (
            is_text(value.get("client"), 200)
            and is_text(value.get("instrument", ""), 100)
            and is_count(value.get("session"), MAX_SESSION)
            and (top is None or (is_count(top) and top > 0))
            and all(is_count(v, top if top is not None else MAX_SCORE) for v in scores)
        )
        if not drawable:
            raise bad_content("chart data")
        return cls(
            client=value["client"],
            session=value["session"],
            estimate=value.get("estimate"),
            feedback=value.get("feedback"),
            max=top,
            instrument=value.get("instrument", ""),
        )

    def to_json(self) -> dict[str, Any]:
        """The wire form."""
        return {
            "client": self.client,
            "session": self.session,
            "estimate": self.estimate,
            "feedback": self.feedback,
            "max": self.max,
            "instrument": self.instrument,
        }


@dataclass(frozen=True)
class OutcomePoint:
    """One outcome score of a shared course: the session number, the total and its status
    against the baseline (one of `COURSE_STATUSES`)."""

    session: int
    total: float
    status: str

    def to_json(self) -> dict[str, Any]:
        """The wire form."""
        return {"session": self.session, "total": self.total, "status": self.status}


NO_CALLS = PredictionCalibration(0, 0, 0, 0, 0, 0)
NO_CALLS_WIRE = dict.fromkeys(_CALL_COUNTS, 0)


def _calls_from_json(value: object, where: str) -> PredictionCalibration:
    """The counts of a course's prediction calibration, checked to be consistent."""
    if not isinstance(value, dict) or not all(is_count(value.get(k)) for k in _CALL_COUNTS):
        raise bad_content(f"{where}: predictions")
    calls = PredictionCalibration(*(value[k] for k in _CALL_COUNTS))
    consistent = (
        calls.right <= calls.checked
        and calls.foreseen <= min(calls.deteriorations, calls.called_worse)
        and calls.deteriorations <= calls.checked
        and calls.called_worse_wrong <= calls.called_worse <= calls.checked
    )
    if not consistent:
        raise bad_content(f"{where}: predictions")
    return calls


def _calls_to_json(calls: PredictionCalibration) -> dict[str, int]:
    return {key: getattr(calls, key) for key in _CALL_COUNTS}


@dataclass(frozen=True)
class SharedCourse:
    """One client's outcome course, de-identified: the measure by name, scores by session
    number (no dates), the not-on-track reason and the calibration of the sender's calls."""

    client: str  # "Client A", the pseudonym the entries use
    measure: str  # the measure's name, e.g. "PHQ-9"
    min: float
    max: float
    higher_is_better: bool
    points: tuple[OutcomePoint, ...]
    cutoff: float | None = None
    band: tuple[float, float] | None = None  # scores around the baseline: no reliable change
    not_on_track: str = ""  # the reason in words; "" when on track
    calls: PredictionCalibration = NO_CALLS

    @classmethod
    def from_json(cls, value: object, where: str) -> SharedCourse:
        """Read one course the report can draw: every score within the measure's range."""
        if not isinstance(value, dict):
            raise bad_content(where)
        if not is_text(value.get("client"), 200) or not is_text(value.get("measure"), 200):
            raise bad_content(f"{where}: client or measure")
        low, high = value.get("min"), value.get("max")
        if not (is_score(low) and is_score(high) and low < high):
            raise bad_content(f"{where}: range")

        def within(score: object) -> bool:
            return is_score(score) and low <= score <= high

        cutoff, band = value.get("cutoff"), value.get("band")
        if cutoff is not None and not within(cutoff):
            raise bad_content(f"{where}: cutoff")
        if band is not None and not (
            isinstance(band, list)
            and len(band) == 2
            and all(map(within, band))
            and band[0] <= band[1]
        ):
            raise bad_content(f"{where}: band")
        if not isinstance(value.get("higher_is_better"), bool):
            raise bad_content(f"{where}: direction")
        if not is_text(value.get("not_on_track", ""), 1000):
            raise bad_content(f"{where}: not on track")
        points = value.get("points")
        if not isinstance(points, list) or not 1 <= len(points) <= MAX_CHART_ROWS:
            raise bad_content(f"{where}: scores")
        read = []
        for point in points:
            if not (
                isinstance(point, dict)
                and is_count(point.get("session"), MAX_SESSION)
                and within(point.get("total"))
                and point.get("status") in COURSE_STATUSES
            ):
                raise bad_content(f"{where}: scores")
            read.append(OutcomePoint(point["session"], point["total"], point["status"]))
        return cls(
            client=value["client"],
            measure=value["measure"],
            min=low,
            max=high,
            higher_is_better=value["higher_is_better"],
            points=tuple(read),
            cutoff=cutoff,
            band=None if band is None else (band[0], band[1]),
            not_on_track=value.get("not_on_track", ""),
            calls=_calls_from_json(value.get("calls", NO_CALLS_WIRE), where),
        )

    def to_json(self) -> dict[str, Any]:
        """The wire form."""
        return {
            "client": self.client,
            "measure": self.measure,
            "min": self.min,
            "max": self.max,
            "higher_is_better": self.higher_is_better,
            "cutoff": self.cutoff,
            "band": None if self.band is None else list(self.band),
            "points": [point.to_json() for point in self.points],
            "not_on_track": self.not_on_track,
            "calls": _calls_to_json(self.calls),
        }


@dataclass(frozen=True)
class Payload:
    """The content of a bundle of entries, and of the printable report made from it."""

    items: tuple[SharedItem, ...]
    series: tuple[ChartPoint, ...] = ()
    include: tuple[str, ...] = ()
    outcomes: tuple[SharedCourse, ...] = ()

    @classmethod
    def from_json(cls, value: object) -> Payload:
        """Read and check a payload; raises SharingError ("bad_content") at the first fault."""
        if not isinstance(value, dict) or not isinstance(value.get("items"), list):
            raise bad_content("items")
        items = tuple(
            SharedItem.from_json(item, f"entry {number}")
            for number, item in enumerate(value["items"], start=1)
        )
        series = value.get("series", [])
        if not isinstance(series, list) or len(series) > MAX_CHART_ROWS:
            raise bad_content("chart data")
        points = tuple(ChartPoint.from_json(row) for row in series)
        include = value.get("include", [])
        if not _text_list(include, 100):
            raise bad_content("include")
        courses = value.get("outcomes", [])  # absent in bundles made before outcomes
        if not isinstance(courses, list) or len(courses) > MAX_COURSES:
            raise bad_content("outcomes")
        rows = [c.get("points") for c in courses if isinstance(c, dict)]
        if sum(len(r) for r in rows if isinstance(r, list)) > MAX_CHART_ROWS:
            raise bad_content("outcomes")
        outcomes = tuple(
            SharedCourse.from_json(course, f"outcome course {number}")
            for number, course in enumerate(courses, start=1)
        )
        return cls(items, points, tuple(include), outcomes)

    def to_json(self) -> dict[str, Any]:
        """The wire form, as the bundle carries it (storage/FORMAT.md §8.1); `"outcomes"`
        only when there are courses, so older payloads keep their exact bytes."""
        wire: dict[str, Any] = {
            "items": [item.to_json() for item in self.items],
            "series": [point.to_json() for point in self.series],
            "include": list(self.include),
        }
        if self.outcomes:
            wire["outcomes"] = [course.to_json() for course in self.outcomes]
        return wire

    def manifest_items(self) -> list[tuple[str, int]]:
        """The (id, revision) pairs the payload declares, for the bundle manifest."""
        return [(item.id, item.revision) for item in self.items]
