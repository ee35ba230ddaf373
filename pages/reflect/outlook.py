"""The client's outcome course as Reflect may show it at one session: blind to that
session's own outcome score until your call on the course is saved or skipped.

Pure (no Streamlit), like form.py: what is due, what is hidden and the words shown are
decided here, so each rule can be tested without the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from insights import outcomes as rules
from practice.outcomes import ClientCourse
from storage.records import Prediction, Session


def call_key(session_id: str) -> str:
    """The state key of the call chosen (not yet saved) for a session: kept in the draft."""
    return f"rf_call_{session_id}"


def skip_key(session_id: str) -> str:
    """The state key set when "Not now" is pressed for a session's call (kept in the
    draft, so a resumed reflection stays skipped)."""
    return f"rf_call_skipped_{session_id}"


# the choices of your call, as the question offers them
CALL_WORDS: dict[str, str] = {
    "improving": "Improving",
    "same": "About the same",
    "worse": "Getting worse",
}
# a session's outcome status, as one line says it after your call
STATUS_WORDS: dict[str, str] = {
    rules.BASELINE: "the first score, the baseline later ones are read against",
    rules.RECOVERED: "recovery: reliably better than at the start and out of the clinical range",
    rules.IMPROVED: "reliably better than at the start",
    rules.NO_CHANGE: "no reliable change since the start",
    rules.DETERIORATED: "reliably worse than at the start",
}


@dataclass(frozen=True)
class Outlook:
    """What Reflect knows of a client's outcome course at the chosen session."""

    course: ClientCourse | None  # None while the client has no outcome score
    session: Session | None  # None for a session not saved yet
    has_measure: bool  # the client has an outcome measure now
    prediction: Prediction | None  # your call at this session, once saved
    skipped: bool  # "Not now" was pressed for this session's call
    on_track_by: int  # the session by which a reliable improvement is expected

    def _is_this_session(self, point: rules.Point) -> bool:
        session = self.session
        return session is not None and (point.session_number, point.day) == (
            session.number,
            session.date,
        )

    @property
    def scored(self) -> bool:
        """This session has an outcome score, whether or not it may be shown yet."""
        return self.course is not None and any(map(self._is_this_session, self.course.points))

    @property
    def call_due(self) -> bool:
        """Your call belongs to this session: the client has an outcome measure and a
        baseline taken at an earlier session (made or not, skipped or not)."""
        if not (self.has_measure and self.course and self.course.points and self.session):
            return False
        baseline = self.course.points[0]
        return (baseline.session_number, baseline.day) < (self.session.number, self.session.date)

    @property
    def call_open(self) -> bool:
        """The call can still be made (due, not saved, not skipped): until then this
        session's outcome score, status and band stay hidden."""
        return self.call_due and self.prediction is None and not self.skipped

    def seen_points(self) -> list[rules.Point]:
        """The client's outcome scores Reflect may use now: without this session's while
        the call is open."""
        if self.course is None:
            return []
        return [p for p in self.course.points if not (self.call_open and self._is_this_session(p))]

    @property
    def reason(self) -> str:
        """Why the client is not on track, in plain words, from the scores seen ("" when on
        track or without scores)."""
        return rules.not_on_track_reason(self.seen_points(), self.on_track_by)

    def status_line(self, today: date) -> str:
        """This session's outcome status in one line ("PHQ-9 today: no reliable change
        since the start."), "" while blind or when the session has no counted score."""
        if self.call_open or self.course is None or self.session is None:
            return ""
        point = next((p for p in self.course.points if self._is_this_session(p)), None)
        if point is None:
            return ""
        when = "today" if self.session.date == today else f"at session {self.session.number}"
        return f"{self.course.measure.name} {when}: {STATUS_WORDS[point.status]}."
