"""Clients, sessions and the practitioner's read: the writes and reads of the Reflect flow."""

from __future__ import annotations

from datetime import date

import pytest

from practice import caseload
from pages.reflect import draft as drafts
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Client, Draft, Estimate, Reflection, Session


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
    reopened_rows = journal._db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    assert reopened_rows == 1


def test_last_next_step_comes_from_the_newest_reflection_that_has_one(journal: Journal) -> None:
    client = caseload.add_client(journal, "C-1")
    older = Reflection(client_id=client.id, free_text="a", next_step="ask about sleep")
    journal.save(older)
    newer = Reflection(client_id=client.id, free_text="b", next_step="")
    newer.written_at = older.written_at.replace(year=older.written_at.year + 1)
    journal.save(newer)
    assert caseload.last_next_step(journal, client.id) == "ask about sleep"


def test_a_fresh_form_is_not_saved_as_a_draft(journal: Journal) -> None:
    state = drafts.fresh_state(seed=7, today=date(2026, 5, 1))
    assert drafts.autosave(journal, state) is False
    assert journal.all(Draft) == []


def test_typed_fields_autosave_once_and_come_back_with_their_types(journal: Journal) -> None:
    state = drafts.fresh_state(seed=7, today=date(2026, 5, 1))
    state["rf_answer_p1"] = "I noticed I hurried the ending."
    state["rf_swap_0"] = False  # a button's value is never part of a draft
    assert drafts.autosave(journal, state) is True
    assert drafts.autosave(journal, state) is False  # nothing changed since
    saved = journal.draft(drafts.REFLECT).fields
    assert "rf_swap_0" not in saved
    restored = drafts.widget_state(saved)
    assert restored["rf_answer_p1"] == "I noticed I hurried the ending."
    assert restored["rf_date"] == date(2026, 5, 1)
    assert restored["rf_seed"] == 7


def test_clearing_forgets_every_field_of_the_screen() -> None:
    state = {**drafts.fresh_state(seed=1), "rf_answer_x": "text", "journal": "kept"}
    drafts.clear(state)
    assert state == {"journal": "kept"}
