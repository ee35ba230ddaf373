"""What Home lists under "What needs you today", from records (insights/today.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from insights.ruptures import Rupture
from insights.today import today_list
from storage.records import Client, Draft, Estimate, Feedback, Session, SupervisionMeeting

TODAY = date(2026, 12, 3)
ITEMS = {"bond": 7, "goals": 7, "tasks": 7, "voice": 7}


def _session(client: Client, number: int, days_ago: int, **more) -> Session:
    return Session(client.id, TODAY - timedelta(days=days_ago), number, **more)


def _today(**parts):
    base = {
        "clients": [],
        "sessions": [],
        "estimates": [],
        "feedback": [],
        "found": [],
        "drafts": [],
        "meetings": [],
        "target_hours": 1.5,
        "today": TODAY,
    }
    return today_list(**{**base, **parts})


def test_sessions_with_a_read_and_no_feedback_wait_newest_first() -> None:
    a, ended = Client("C-001"), Client("C-002", status="ended")
    answered = _session(a, 1, 9)
    waiting_old = _session(a, 2, 5)
    waiting_new = _session(ended, 1, 1)
    no_read = _session(a, 3, 0)
    too_old = _session(a, 0, 40)
    cancelled = _session(a, 4, 2, late_cancellation=True)
    sessions = [answered, waiting_old, waiting_new, no_read, too_old, cancelled]
    estimates = [Estimate(s.id, "sac4", ITEMS) for s in sessions if s is not no_read]
    today = _today(
        clients=[a, ended],
        sessions=sessions,
        estimates=estimates,
        feedback=[Feedback(answered.id, "sac4", ITEMS)],
    )
    assert [(w.client, w.number) for w in today.waiting] == [("C-002", 1), ("C-001", 2)]
    assert not today.nothing


def test_only_ruptures_not_back_to_usual_of_active_clients_are_listed() -> None:
    a, ended = Client("C-001"), Client("C-009", status="ended")
    s1, s2, s3, s4 = _session(a, 3, 20), _session(a, 5, 6), _session(a, 6, 1), _session(ended, 2, 1)

    def rupture(session: Session, status: str) -> Rupture:
        return Rupture(session.client_id, session.id, ("drop",), status, None, None)

    today = _today(
        clients=[a, ended],
        sessions=[s1, s2, s3, s4],
        found=[
            rupture(s1, "repaired"),
            rupture(s2, "unrepaired"),
            rupture(s3, "open"),
            rupture(s4, "open"),
        ],
    )
    assert [(r.number, r.unrepaired) for r in today.ruptures] == [(6, False), (5, True)]


def test_drafts_are_named_in_words_and_unknown_keys_left_out() -> None:
    at = datetime(2026, 12, 2, 9, tzinfo=UTC)
    today = _today(
        drafts=[
            Draft("reflect", {"rf_free_text": "x"}, saved_at=at),
            Draft("sv_comment_abc", {"c": "y"}, saved_at=at + timedelta(hours=1)),
            Draft("something_else", {}, saved_at=at),
        ]
    )
    assert [(d.what, d.screen) for d in today.drafts] == [
        ("a comment on a shared entry", "Supervision"),
        ("a reflection", "Reflect"),
    ]


def test_supervision_counts_this_calendar_month_only() -> None:
    meetings = [
        SupervisionMeeting(date(2026, 12, 1), 60),
        SupervisionMeeting(date(2026, 12, 2), 30),
        SupervisionMeeting(date(2026, 11, 30), 90),
    ]
    month = _today(meetings=meetings, target_hours=2).supervision
    assert (month.hours, month.meetings, month.met) == (1.5, 2, False)
    assert _today(meetings=meetings, target_hours=1.5).supervision.met
    assert _today().nothing
