"""Correcting a score typed wrongly keeps the earlier value in the history and the blind
order (the read recorded before the feedback) unchanged (practice/corrections.py)."""

from __future__ import annotations

import pytest

from insights import frames
from practice import caseload, corrections
from prompts.library import builtin_library
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Session
from tests.test_caseload import SAC4, seed_session

LIBRARY = builtin_library()


def _both(journal: Journal) -> tuple[Estimate, Feedback]:
    session = seed_session(journal)
    feedback = caseload.record_feedback(
        journal, session.id, SAC4, {"bond": 9, "goals": 9, "tasks": 9, "voice": 2}
    )
    return caseload.estimate_for(journal, session.id), feedback


def test_a_feedback_score_typed_wrongly_is_corrected_and_the_earlier_one_kept(
    journal: Journal,
) -> None:
    _, feedback = _both(journal)
    fixed = {"bond": 9, "goals": 9, "tasks": 9, "voice": 8}
    corrected = corrections.correct(journal, feedback, SAC4, fixed)
    assert caseload.feedback_for(journal, feedback.session_id).items == fixed
    assert corrected.id == feedback.id and corrected.recorded_at == feedback.recorded_at
    (earlier,) = corrections.score_history(journal, feedback.id)
    assert earlier.items["voice"] == 2 and earlier.total == 29


def test_the_blind_order_mark_is_kept_after_correcting_the_read(journal: Journal) -> None:
    estimate, feedback = _both(journal)
    corrections.correct(journal, estimate, SAC4, {"bond": 5, "goals": 5, "tasks": 5, "voice": 5})
    table, _ = frames.frames(
        journal.all(Client),
        journal.all(Session),
        journal.all(Estimate),
        journal.all(Feedback),
        LIBRARY.instruments,
    )
    assert not bool(table["seen_first"].iloc[0])  # the read still counts as given first
    assert float(table["estimate"].iloc[0]) == 20


@pytest.mark.parametrize(
    ("items", "reason"),
    [
        ({"bond": 11, "goals": 8, "tasks": 7, "voice": 8}, "Bond: 11 is above"),
        ({"bond": 7.5, "goals": 8, "tasks": 7, "voice": 8}, "Bond: 7.5 is not a whole number"),
        ({"bond": None, "goals": 8, "tasks": 7, "voice": 8}, "Bond: no score typed"),
        ({"bond": 8, "goals": 8, "tasks": 7, "voice": 8}, "already saved"),
    ],
)
def test_a_bad_correction_names_what_is_wrong_and_writes_nothing(
    journal: Journal, items: dict, reason: str
) -> None:
    estimate, _ = _both(journal)
    before = journal.version
    with pytest.raises(InvalidRecord, match=reason):
        corrections.correct(journal, estimate, SAC4, items)
    assert journal.version == before
    assert corrections.score_history(journal, estimate.id) == []
