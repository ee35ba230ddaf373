"""Clients, sessions, the practitioner's read and the client's feedback: the writes and reads
of the Reflect flow, and the Clients list."""

from __future__ import annotations

from datetime import date

import pytest

from practice import caseload
from prompts.library import builtin_library
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Reflection, Session
from tests.conftest import count_rows

SAC4 = builtin_library().instruments["sac4"]


def seed_session(journal: Journal, code: str = "C-5", number: int = 1) -> Session:
    """A session of `code` (added if new) with your read already saved."""
    client = journal.client_by_code(code) or caseload.add_client(journal, code)
    session = Session(client_id=client.id, date=date(2026, 11, number), number=number)
    estimate = Estimate("", "sac4", {"bond": 8, "goals": 8, "tasks": 7, "voice": 8})
    caseload.record_estimate(journal, session, estimate)
    return session


@pytest.mark.parametrize(
    ("text", "warn"),
    [
        ("C-014", False),
        ("knee rehab", False),
        ("Tuesday early", False),
        ("Knee Rehab", True),  # two capitalised words look like a name: a warning, not a block
        ("Jane Smith", True),
        ("Mary-Ann O'Neil", True),
        ("seen by Dr Amara Okafor", True),
        ("", False),
    ],
)
def test_names_that_look_like_a_real_person_are_flagged(text: str, warn: bool) -> None:
    assert caseload.looks_like_full_name(text) is warn


def test_a_client_code_must_be_unique_ignoring_case(journal: Journal) -> None:
    caseload.add_client(journal, "C-014")
    with pytest.raises(InvalidRecord, match="already used"):
        caseload.add_client(journal, "c-014")
    assert [c.code for c in journal.all(Client)] == ["C-014"]


@pytest.mark.parametrize("code", ["", "   ", "-leading", "x" * 25, "C/014"])
def test_a_bad_client_code_is_refused_with_the_rule(journal: Journal, code: str) -> None:
    with pytest.raises(InvalidRecord, match="Client code"):
        caseload.add_client(journal, code)
    assert journal.all(Client) == []


def test_the_next_session_number_follows_the_highest_so_far(journal: Journal) -> None:
    client = caseload.add_client(journal, "C-1")
    assert caseload.next_session_number(journal, client.id) == 1
    for number in (1, 2, 5):
        session = Session(client_id=client.id, date=date(2026, 1, number), number=number)
        caseload.record_estimate(journal, session, Estimate("", "sac4", {"bond": 7}))
    assert caseload.next_session_number(journal, client.id) == 6


def test_recording_an_estimate_saves_session_and_estimate_together(journal: Journal) -> None:
    client = caseload.add_client(journal, "C-1")
    session = Session(client_id=client.id, date=date(2026, 3, 2), number=1)
    estimate = Estimate("", "sac4", {"bond": 7, "goals": 6, "tasks": 8, "voice": 5})
    caseload.record_estimate(journal, session, estimate)
    assert caseload.estimate_for(journal, session.id).total == 26
    assert caseload.sessions_of(journal, client.id) == [session]


def test_the_same_session_number_twice_is_refused_and_nothing_is_written(
    journal: Journal,
) -> None:
    client = caseload.add_client(journal, "C-1")
    first = Session(client_id=client.id, date=date(2026, 3, 2), number=1)
    caseload.record_estimate(journal, first, Estimate("", "sac4", {"bond": 7}))
    again = Session(client_id=client.id, date=date(2026, 3, 9), number=1)
    with pytest.raises(InvalidRecord, match="already recorded"):
        caseload.record_estimate(journal, again, Estimate("", "sac4", {"bond": 2}))
    assert len(journal.all(Session)) == 1
    assert len(journal.all(Estimate)) == 1


def test_save_all_writes_every_record_or_none(journal: Journal) -> None:
    client = Client(code="C-9")
    journal.save(client)
    impostor = Session(client_id=client.id, date=date(2026, 1, 1), number=1)
    impostor.id = client.id  # an id that belongs to another kind: the batch must fail whole
    fresh = Session(client_id=client.id, date=date(2026, 1, 2), number=2)
    with pytest.raises(InvalidRecord):
        journal.save_all([fresh, impostor])
    assert journal.all(Session) == []
    reopened_rows = count_rows(journal.path)
    assert reopened_rows == 1


def test_last_next_step_comes_from_the_newest_reflection_that_has_one(journal: Journal) -> None:
    client = caseload.add_client(journal, "C-1")
    older = Reflection(client_id=client.id, free_text="a", next_step="ask about sleep")
    journal.save(older)
    newer = Reflection(client_id=client.id, free_text="b", next_step="")
    newer.written_at = older.written_at.replace(year=older.written_at.year + 1)
    journal.save(newer)
    assert caseload.last_next_step(journal, client.id) == "ask about sleep"


# ---- the client's feedback ------------------------------------------------------------


def test_feedback_before_your_read_is_refused(journal: Journal) -> None:
    client = caseload.add_client(journal, "C-7")
    session = Session(client_id=client.id, date=date(2026, 11, 2), number=1)
    journal.save(session)
    with pytest.raises(InvalidRecord, match="save your own read"):
        caseload.record_feedback(journal, session.id, SAC4, dict.fromkeys(["bond"], 5))
    assert journal.all(Feedback) == []


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ({"bond": 5, "goals": 5, "tasks": 5}, "no score for voice"),
        ({"bond": 11, "goals": 5, "tasks": 5, "voice": 5}, "Bond: 11 is above .*highest score, 10"),
        ({"bond": -1, "goals": 5, "tasks": 5, "voice": 5}, "Bond: -1 is below .*lowest score, 0"),
        ({"bond": 7.5, "goals": 5, "tasks": 5, "voice": 5}, "Bond: 7.5 is not a whole number"),
    ],
)
def test_bad_scores_are_refused_naming_what_is_wrong(
    journal: Journal, items: dict, message: str
) -> None:
    session = seed_session(journal)
    with pytest.raises(InvalidRecord, match=message):
        caseload.record_feedback(journal, session.id, SAC4, items)
    assert journal.all(Feedback) == []


def test_a_session_takes_one_feedback(journal: Journal) -> None:
    session = seed_session(journal)
    scores = {"bond": 9, "goals": 9, "tasks": 9, "voice": 9}
    caseload.record_feedback(journal, session.id, SAC4, scores)
    with pytest.raises(InvalidRecord, match="already has feedback"):
        caseload.record_feedback(journal, session.id, SAC4, scores)
    assert len(journal.all(Feedback)) == 1


# ---- the Clients list ---------------------------------------------------------------------


def test_client_summaries_count_sessions_and_show_the_latest_scores(journal: Journal) -> None:
    client = caseload.add_client(journal, "C-300")
    for number, day, est, fb in ((1, date(2026, 1, 5), 20, 30), (2, date(2026, 1, 12), 25, None)):
        session = Session(client_id=client.id, date=day, number=number)
        journal.save_all([session, Estimate(session.id, "sac4", {"a": est})])
        if fb is not None:
            journal.save(Feedback(session.id, "sac4", {"a": fb}))
    (row,) = caseload.client_summaries(journal)
    assert (row.sessions, row.first_session, row.last_session) == (
        2,
        date(2026, 1, 5),
        date(2026, 1, 12),
    )
    assert (row.latest_estimate, row.latest_feedback) == (25, 30)


def test_ending_and_reopening_a_client_keeps_their_records(journal: Journal) -> None:
    client = caseload.add_client(journal, "C-301")
    caseload.set_status(journal, client.id, "ended")
    assert journal.get(client.id).status == "ended"
    assert caseload.clients_by_code(journal)[-1].id == client.id
    caseload.set_status(journal, client.id, "active")
    assert journal.get(client.id).status == "active"
    with pytest.raises(InvalidRecord, match="Status"):
        caseload.set_status(journal, client.id, "archived")
