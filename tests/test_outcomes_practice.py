"""Outcome scores and predictions in the journal: what is written, what is refused with its
reason, the risk note's life, the courses and the early reads built from the records."""

from __future__ import annotations

from datetime import date

import pytest

from insights import outcomes as rules
from practice import caseload, erase
from practice import outcomes as practice
from prompts.library import LibraryError
from prompts.outcomes import builtin_measures, custom_measure, measure_data, measures_for
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Estimate, Feedback, Outcome, Prediction, Session, Settings

MEASURES = builtin_measures()
PHQ9 = MEASURES["phq9"]
CORE10 = MEASURES["core10"]
PSFS = MEASURES["psfs"]


def phq9_answers(total_of_first_eight: int = 0, q9: int = 0) -> dict[str, float | None]:
    """PHQ-9 answers whose first eight items add up to `total_of_first_eight`."""
    answers: dict[str, float | None] = {}
    left = total_of_first_eight
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    answers["q9"] = q9
    answers["difficulty"] = 1
    return answers


def session(journal: Journal, code: str, number: int, *, read: bool = True) -> Session:
    """A session of `code` (added with PHQ-9 if new), your read saved when `read`."""
    client = journal.client_by_code(code) or caseload.add_client(
        journal, code, outcome_measure="phq9"
    )
    new = Session(client_id=client.id, date=date(2026, 1, number), number=number)
    if read:
        estimate = Estimate("", "sac4", {"bond": 6, "goals": 6, "tasks": 6, "voice": 6})
        caseload.record_estimate(journal, new, estimate)
    else:
        journal.save(new)
    return new


def test_an_outcome_is_saved_with_its_total_and_the_unscored_answer_kept(
    journal: Journal,
) -> None:
    first = session(journal, "C-1", 1, read=False)
    saved = practice.record_outcome(journal, first.id, PHQ9, phq9_answers(14), source="kiosk")
    assert saved.total == 14  # the difficulty answer (1) is kept but not counted
    assert saved.items["difficulty"] == 1
    assert practice.outcome_for(journal, first.id) == saved
    assert saved.risk_items == []


def test_a_missing_or_out_of_range_answer_is_named_and_nothing_is_written(
    journal: Journal,
) -> None:
    first = session(journal, "C-1", 1, read=False)
    answers = phq9_answers(10)
    answers["q3"] = None
    answers["q5"] = 4
    with pytest.raises(InvalidRecord) as refused:
        practice.record_outcome(journal, first.id, PHQ9, answers)
    assert "Sleep: no answer" in str(refused.value)
    assert "Appetite: 4 is outside PHQ-9's range, 0-3" in str(refused.value)
    assert journal.all(Outcome) == []


def test_a_session_takes_one_outcome(journal: Journal) -> None:
    first = session(journal, "C-1", 1)
    practice.record_outcome(journal, first.id, PHQ9, phq9_answers(12))
    with pytest.raises(InvalidRecord, match="already has an outcome"):
        practice.record_outcome(journal, first.id, PHQ9, phq9_answers(3))
    assert [o.total for o in journal.all(Outcome)] == [12]


def test_psfs_keeps_the_named_activities_and_scores_their_mean(journal: Journal) -> None:
    first = session(journal, "P-1", 1, read=False)
    answers = {"activity1": 3, "activity2": 6, "activity3": None}
    named = {"activity1": "climbing stairs", "activity2": "lifting a kettle"}
    saved = practice.record_outcome(journal, first.id, PSFS, answers, named)
    assert saved.total == 4.5
    assert saved.activities == named


def test_psfs_refuses_a_rating_without_an_activity_and_a_name_without_a_rating(
    journal: Journal,
) -> None:
    first = session(journal, "P-1", 1, read=False)
    problems = practice.answer_problems(
        PSFS, {"activity1": 4, "activity2": None}, {"activity2": "running"}
    )
    assert problems == [
        "Activity 1: the activity has no name.",
        "Activity 2: 'running' has no score.",
    ]
    assert practice.answer_problems(PSFS, {}, {}) == [
        "Patient-Specific Functional Scale: name and rate at least one activity."
    ]
    with pytest.raises(InvalidRecord):
        practice.record_outcome(journal, first.id, PSFS, {"activity1": 4}, {})
    assert journal.all(Outcome) == []


def test_a_risk_answer_stays_open_until_acknowledged(journal: Journal) -> None:
    first = session(journal, "C-7", 1, read=False)
    outcome = practice.record_outcome(
        journal, first.id, PHQ9, phq9_answers(9, q9=1), source="kiosk"
    )
    assert outcome.risk_items == ["q9"]
    notes = practice.open_risks(journal, MEASURES)
    assert [n.client_code for n in notes] == ["C-7"]
    words = notes[0].in_words()
    assert words.startswith("Check risk today with C-7")
    assert "Better off dead or self-harm" in words
    assert "10" not in words  # no score in the note
    practice.acknowledge_risk(journal, outcome.id)
    assert practice.open_risks(journal, MEASURES) == []
    assert journal.get(outcome.id).risk_acknowledged_at is not None


def test_core10s_risk_item_is_its_plans_item_and_zero_raises_nothing(journal: Journal) -> None:
    client = caseload.add_client(journal, "C-8", outcome_measure="core10")
    first = Session(client_id=client.id, date=date(2026, 1, 1), number=1)
    second = Session(client_id=client.id, date=date(2026, 1, 8), number=2)
    journal.save_all([first, second])
    calm = {f"q{n}": 0 for n in range(1, 11)}
    practice.record_outcome(journal, first.id, CORE10, calm)
    assert practice.open_risks(journal, MEASURES) == []
    practice.record_outcome(journal, second.id, CORE10, calm | {"q6": 2})
    (note,) = practice.open_risks(journal, MEASURES)
    assert note.items == ("Plans to end my life",)


def test_a_prediction_needs_your_read_first_and_is_made_once(journal: Journal) -> None:
    unread = session(journal, "C-1", 1, read=False)
    with pytest.raises(InvalidRecord, match="save your own read"):
        practice.record_prediction(journal, unread.id, "worse")
    read = session(journal, "C-1", 2)
    with pytest.raises(InvalidRecord, match="Prediction"):
        practice.record_prediction(journal, read.id, "better")
    practice.record_prediction(journal, read.id, "worse")
    with pytest.raises(InvalidRecord, match="already has your call"):
        practice.record_prediction(journal, read.id, "same")
    assert [p.expected for p in journal.all(Prediction)] == ["worse"]


def test_a_course_reads_each_score_against_the_baseline_and_checks_your_calls(
    journal: Journal,
) -> None:
    # baseline 18; 13 is 5 better (no reliable change); 11 is 7 worse-than-18? no: 7 better
    # and still >= 10 (improvement, not recovery); 24 is 6 worse (deterioration)
    totals = [18, 13, 11, 24]
    for number, total in enumerate(totals, start=1):
        new = session(journal, "C-2", number)
        practice.record_outcome(journal, new.id, PHQ9, phq9_answers(total), source="kiosk")
        if number == 4:
            practice.record_prediction(journal, new.id, "improving")
    (course,) = practice.courses(journal, MEASURES)
    assert [p.status for p in course.points] == [
        rules.BASELINE,
        rules.NO_CHANGE,
        rules.IMPROVED,
        rules.DETERIORATED,
    ]
    assert course.calls == [("improving", rules.DETERIORATED)]
    assert course.reason.startswith("Session 4: reliably worse than at the start (18 then, 24")


def test_early_reads_put_both_reads_on_one_scale(journal: Journal) -> None:
    spans = {"sac4": (0.0, 40.0)}
    for number, (fb, outcome) in enumerate([(28, 20), (32, 16), (36, 14), (40, 8)], start=1):
        new = session(journal, "C-3", number)
        caseload.record_feedback(
            journal,
            new.id,
            caseload_instrument(),
            {"bond": fb // 4, "goals": fb // 4, "tasks": fb // 4, "voice": fb // 4},
        )
        practice.record_outcome(journal, new.id, PHQ9, phq9_answers(outcome))
    reads = practice.early_reads(journal, spans, practice.courses(journal, MEASURES))
    (read,) = reads
    assert read.feedback == pytest.approx((28 + 32 + 36) / 3 / 40)  # sessions 1-3 only
    assert read.estimate == pytest.approx(24 / 40)
    assert read.change == pytest.approx((20 - 8) / 6)  # 12 points better, in units of 6


def test_a_client_with_fewer_than_four_sessions_has_no_early_read(journal: Journal) -> None:
    for number in (1, 2, 3):
        new = session(journal, "C-4", number)
        practice.record_outcome(journal, new.id, PHQ9, phq9_answers(15 - number))
    assert practice.early_reads(journal, {}, practice.courses(journal, MEASURES)) == []


def caseload_instrument():  # noqa: ANN201
    from prompts.library import builtin_library

    return builtin_library().instruments["sac4"]


def test_erasing_a_client_erases_their_outcomes_and_your_calls(journal: Journal) -> None:
    first = session(journal, "C-9", 1)
    practice.record_outcome(journal, first.id, PHQ9, phq9_answers(12, q9=1))
    practice.record_prediction(journal, first.id, "same")
    other = session(journal, "C-10", 1)
    kept = practice.record_outcome(journal, other.id, PHQ9, phq9_answers(5))
    erase.erase_client(journal, journal.client_by_code("C-9").id, "C-9")
    assert journal.all(Outcome, include_trash=True) == [kept]
    assert journal.all(Prediction, include_trash=True) == []
    assert journal.all(Feedback) == []


def test_a_users_own_measure_round_trips_and_is_checked() -> None:
    data = {
        "id": "wellbeing",
        "name": "Wellbeing check",
        "min_score": 1,
        "max_score": 7,
        "higher_is_better": True,
        "cutoff": 12,
        "reliable_change": 3,
        "items": [{"id": "mood", "label": "Mood"}, {"id": "sleep", "label": "Sleep"}],
    }
    measure = custom_measure(data)
    assert (measure.total_min, measure.total_max, measure.scores_only) == (2, 14, True)
    assert custom_measure(measure_data(measure)) == measure
    with pytest.raises(LibraryError, match="cutoff.*outside the total range 2-14"):
        custom_measure(data | {"cutoff": 20})
    with pytest.raises(LibraryError, match="reliable_change.*larger than the whole range"):
        custom_measure(data | {"reliable_change": 13})
    with pytest.raises(LibraryError, match="unknown field"):
        custom_measure(data | {"text": "Item wording is not kept for your own measures"})
    settings = Settings(custom_outcomes=[data])
    assert "wellbeing" in measures_for(settings)
    with pytest.raises(LibraryError, match="already used by a built-in"):
        measures_for(Settings(custom_outcomes=[data | {"id": "phq9"}]))


def test_the_shipped_measures_carry_their_licence_beside_the_wording() -> None:
    for measure in MEASURES.values():
        if measure.scores_only:
            assert not any(item.text for item in measure.items)
            assert measure.licence_note
        else:
            assert measure.licence, measure.id
    assert "Pfizer" in PHQ9.attribution and "No permission required" in PHQ9.licence
    assert (
        CORE10.attribution
        == "© CORE System Trust: https://www.coresystemtrust.org.uk/copyright.pdf"
    )
    assert "CC BY-NC-ND 4.0" in CORE10.licence


def test_a_call_made_after_you_typed_the_sessions_score_is_kept_but_not_counted(
    journal: Journal,
) -> None:
    first = session(journal, "C-11", 1)
    practice.record_outcome(journal, first.id, PHQ9, phq9_answers(18), source="kiosk")
    typed = session(journal, "C-11", 2)
    practice.record_outcome(journal, typed.id, PHQ9, phq9_answers(10), source="paper")
    assert practice.record_prediction(journal, typed.id, "improving").blind is False
    unseen = session(journal, "C-11", 3)
    practice.record_outcome(journal, unseen.id, PHQ9, phq9_answers(9), source="kiosk")
    assert practice.record_prediction(journal, unseen.id, "same").blind is True
    (course,) = practice.courses(journal, MEASURES)
    assert course.calls == [("same", rules.RECOVERED)]


def test_erasing_a_client_erases_the_feedback_forms_sent_to_them(journal: Journal) -> None:
    from practice import remote_feedback
    from prompts.library import library_for
    from storage.records import FeedbackRequest

    first = session(journal, "C-12", 1)
    library = library_for(journal.settings)
    remote_feedback.create_request(journal, first.id, library, MEASURES, greeting="Hi Ana")
    other = session(journal, "C-13", 1)
    kept, _ = remote_feedback.create_request(journal, other.id, library, MEASURES)
    erase.erase_client(journal, journal.client_by_code("C-12").id, "C-12")
    assert journal.all(FeedbackRequest, include_trash=True) == [kept]


def test_one_clients_course_is_read_as_the_caseloads(journal: Journal) -> None:
    for code, totals in (("C-20", [20, 13, 26]), ("C-21", [9, 9])):
        for number, total in enumerate(totals, start=1):
            new = session(journal, code, number)
            practice.record_outcome(journal, new.id, PHQ9, phq9_answers(total), source="kiosk")
            if number == 3:
                practice.record_prediction(journal, new.id, "worse")
    every = {c.client.code: c for c in practice.courses(journal, MEASURES)}
    for code in ("C-20", "C-21"):
        assert practice.course_of(journal, journal.client_by_code(code), MEASURES) == every[code]
    without = caseload.add_client(journal, "C-22")
    assert practice.course_of(journal, without, MEASURES) is None
