"""What needs the practitioner today, for Home: sessions waiting for the client's feedback,
possible ruptures not yet back to the client's usual, clients whose outcome is not on
track, unsaved drafts, and this month's supervision hours against the target."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from insights.ruptures import Rupture
from storage.records import Client, Draft, Estimate, Feedback, Session, SupervisionMeeting

# feedback asked for at the end of a session rarely comes back after a fortnight
WAITING_DAYS = 14
# a draft's key (or the start of it) and what the user was writing, on which screen
DRAFT_SCREENS: tuple[tuple[str, str, str], ...] = (
    ("reflect", "a reflection", "Reflect"),
    ("sv_log", "a supervision log entry", "Supervision"),
    ("sv_comment_", "a comment on a shared entry", "Supervision"),
    ("supervision-always-redact", "the always-redact list", "Supervision"),
    ("settings_new_prompt", "a new prompt", "Settings"),
    ("settings_edit_prompt_", "a change to a prompt", "Settings"),
    ("settings_new_instrument", "a new instrument", "Settings"),
)
OPEN_RUPTURE = ("open", "unrepaired")


@dataclass(frozen=True)
class Waiting:
    """A session whose read is saved and whose client feedback has not come in."""

    session_id: str
    client: str
    number: int
    date: date


@dataclass(frozen=True)
class OpenRupture:
    """A possible rupture not yet back to the client's usual."""

    client: str
    number: int
    date: date
    unrepaired: bool  # stayed below for the set number of sessions


@dataclass(frozen=True)
class NotOnTrack:
    """An active client whose outcome is not on track, and why in plain words."""

    client: str
    reason: str

    def in_words(self) -> str:
        """The line Home shows: "C-014 is not on track: <reason>"."""
        return f"{self.client} is not on track: {self.reason}"


@dataclass(frozen=True)
class UnsavedDraft:
    """Unsaved work kept as a draft: what it is, on which screen, when last typed."""

    what: str
    screen: str
    saved_at: datetime


@dataclass(frozen=True)
class MonthHours:
    """Supervision this month against the monthly target."""

    hours: float
    meetings: int
    target: float

    @property
    def met(self) -> bool:
        return self.hours >= self.target


@dataclass(frozen=True)
class Today:
    """Everything Home lists under "What needs you today"."""

    waiting: list[Waiting]
    ruptures: list[OpenRupture]
    drafts: list[UnsavedDraft]
    supervision: MonthHours
    not_on_track: list[NotOnTrack] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        """True when no session, rupture, client off track or draft waits (the hours are
        always shown)."""
        return not (self.waiting or self.ruptures or self.not_on_track or self.drafts)


def waiting_for_feedback(
    clients: Iterable[Client],
    sessions: Iterable[Session],
    estimates: Iterable[Estimate],
    feedback: Iterable[Feedback],
    today: date,
) -> list[Waiting]:
    """Sessions of the last WAITING_DAYS days with a saved read and no client feedback,
    newest first (a late cancellation waits for nothing)."""
    codes = {c.id: c.code for c in clients}
    estimated = {e.session_id for e in estimates}
    answered = {f.session_id for f in feedback}
    since = today - timedelta(days=WAITING_DAYS)
    found = [
        Waiting(s.id, codes.get(s.client_id, "?"), s.number, s.date)
        for s in sessions
        if s.id in estimated
        and s.id not in answered
        and not s.late_cancellation
        and since <= s.date <= today
    ]
    return sorted(found, key=lambda w: (w.date, w.number), reverse=True)


def open_ruptures(
    clients: Iterable[Client], sessions: Iterable[Session], found: Sequence[Rupture]
) -> list[OpenRupture]:
    """Possible ruptures still open or unrepaired, newest first; ended clients left out."""
    active = {c.id: c.code for c in clients if c.status == "active"}
    by_id = {s.id: s for s in sessions}
    rows = [
        OpenRupture(
            active[r.client_id],
            by_id[r.session_id].number,
            by_id[r.session_id].date,
            r.status == "unrepaired",
        )
        for r in found
        if r.status in OPEN_RUPTURE and r.client_id in active and r.session_id in by_id
    ]
    return sorted(rows, key=lambda r: (r.date, r.number), reverse=True)


def clients_not_on_track(clients: Iterable[Client], reasons: Mapping[str, str]) -> list[NotOnTrack]:
    """Active clients with a reason they are not on track (`reasons`: client id -> reason,
    "" when on track), by code; ended clients left out."""
    rows = [
        NotOnTrack(c.code, reasons[c.id])
        for c in clients
        if c.status == "active" and reasons.get(c.id)
    ]
    return sorted(rows, key=lambda r: r.client.casefold())


def unsaved_drafts(drafts: Iterable[Draft]) -> list[UnsavedDraft]:
    """The drafts a screen keeps, in the user's words, most recent first."""
    found = []
    for d in drafts:
        for prefix, what, screen in DRAFT_SCREENS:
            if d.key == prefix or (prefix.endswith("_") and d.key.startswith(prefix)):
                found.append(UnsavedDraft(what, screen, d.saved_at))
                break
    return sorted(found, key=lambda d: d.saved_at, reverse=True)


def month_hours(meetings: Iterable[SupervisionMeeting], target: float, today: date) -> MonthHours:
    """Supervision hours logged in `today`'s calendar month."""
    this_month = [m for m in meetings if (m.date.year, m.date.month) == (today.year, today.month)]
    return MonthHours(sum(m.minutes for m in this_month) / 60, len(this_month), float(target))


def today_list(
    clients: list[Client],
    sessions: list[Session],
    estimates: list[Estimate],
    feedback: list[Feedback],
    found: Sequence[Rupture],
    drafts: list[Draft],
    meetings: list[SupervisionMeeting],
    target_hours: float,
    today: date,
    not_on_track: Mapping[str, str] | None = None,
) -> Today:
    """What needs the practitioner on `today` (`not_on_track`: client id -> why the
    client's outcome is not on track)."""
    return Today(
        waiting=waiting_for_feedback(clients, sessions, estimates, feedback, today),
        ruptures=open_ruptures(clients, sessions, found),
        drafts=unsaved_drafts(drafts),
        supervision=month_hours(meetings, target_hours, today),
        not_on_track=clients_not_on_track(clients, not_on_track or {}),
    )
