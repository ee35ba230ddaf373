"""AppTest of collecting outcome scores: the kiosk asks the client's outcome measure first
(its own wording, licence beneath, no score shown), then the alliance, and Submit saves
both; paper entry names what is wrong and writes nothing; a risk item answered above 0
stays on Home until acknowledged; a client not on track has a line on Home."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.today import clients_not_on_track
from pages.ui.widgets import plain
from practice import caseload
from practice.outcomes import open_risks, outcome_for, record_outcome
from prompts.library import builtin_library
from prompts.outcomes import builtin_measures
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Outcome, Session
from tests.apptest import app, click, errors, unlocked
from tests.conftest import PASSPHRASE

CLIENT_FEEDBACK = "pages/screens/client_feedback.py"
HOME = "pages/screens/home.py"
REFLECT = "pages/screens/reflect.py"
MEASURES = builtin_measures()
PHQ9 = MEASURES["phq9"]
SAC4 = builtin_library().instruments["sac4"]
READ = {"bond": 8, "goals": 8, "tasks": 7, "voice": 8}


def unlock(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    return click(at, "Unlock")


def seed(journal: Journal, code: str, measure: str, number: int = 1, days_ago: int = 1) -> Session:
    """A session of `code` (added with `measure` if new) with your read saved."""
    client = journal.client_by_code(code) or caseload.add_client(
        journal, code, outcome_measure=measure
    )
    session = Session(client.id, date.today() - timedelta(days=days_ago), number)
    caseload.record_estimate(journal, session, Estimate("", "sac4", dict(READ)))
    return session


def phq9(first_eight: int, q9: int = 0) -> dict[str, float | None]:
    """PHQ-9 answers whose first eight items add up to `first_eight`."""
    answers: dict[str, float | None] = {}
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, first_eight)
        first_eight -= answers[f"q{n}"]
    return {**answers, "q9": q9}


def hand_over(at: AppTest, session: Session) -> AppTest:
    at = at.switch_page(CLIENT_FEEDBACK).run()
    at = at.selectbox(key="kiosk_client").set_value(session.client_id).run()
    at = at.selectbox(key="kiosk_session").set_value(session.id).run()
    return click(at, "Hand to client")


def shown_text(at: AppTest) -> str:
    """Everything written on screen, as read (Markdown escapes removed)."""
    parts = [*at.title, *at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.error]
    return "\n".join(p.value for p in parts).replace("\\", "")


def unescaped(texts: list[str]) -> list[str]:
    """Texts as read on screen (Markdown escapes removed)."""
    return [t.replace("\\", "") for t in texts]


def rate_the_session(at: AppTest, scores: dict[str, int]) -> AppTest:
    for item, score in scores.items():
        at.button_group(key=f"kiosk_item_{item}").set_value(score)
    return click(at, "Submit")


def risk_boxes(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error if "Check risk today" in e.value]


@pytest.fixture
def phq9_session(journal_path: Path, journal: Journal) -> Session:
    session = seed(journal, "C-5", "phq9")
    journal.lock()
    return session


def test_the_kiosk_asks_the_outcome_measure_first_then_the_alliance_and_saves_both(
    phq9_session: Session,
) -> None:
    at = unlock(app()).switch_page(CLIENT_FEEDBACK).run()
    at = at.selectbox(key="kiosk_client").set_value(phq9_session.client_id).run()
    assert any("answers the PHQ-9 first" in c.value for c in at.caption)
    at = hand_over(at, phq9_session)

    # part 1: the PHQ-9 in its own wording, answers as words, its licence beneath
    assert at.title[0].value == "How have you been?"
    questions = [m.value for m in at.markdown if m.value.startswith("## ")]
    assert questions == [f"## {plain(item.text)}" for item in PHQ9.items]
    assert at.radio(key="kiosk_outcome_q1").options == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert all(r.value is None for r in at.radio)  # nothing preselected
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert PHQ9.attribution in captions and PHQ9.licence in captions
    assert not any(b.label == "Lock" for b in at.button)  # still no way out

    # Next with three questions unanswered: named in the client's wording, nothing kept
    for n in range(1, 7):
        at.radio(key=f"kiosk_outcome_q{n}").set_value("Several days")
    at = click(at, "Next")
    (refused,) = unescaped(errors(at))
    assert refused.startswith("Not answered yet: \u201cTrouble concentrating on things")
    assert "\u201cMoving or speaking so slowly" in refused
    assert (
        "\u201cThoughts that you would be better off dead or of hurting yourself in some way\u201d"
        in refused
    )
    assert "Choose an answer for each." in refused
    assert "Difficult" not in refused  # the unscored closing question may be left out
    assert at.title[0].value == "How have you been?"

    at.radio(key="kiosk_outcome_q7").set_value("Nearly every day")
    at.radio(key="kiosk_outcome_q8").set_value("Not at all")
    at.radio(key="kiosk_outcome_q9").set_value("Several days")
    at = click(at, "Next")
    # part 2: the alliance as before; no score, band or judgement of part 1 in sight
    assert at.title[0].value == "How was today's session?"
    assert "Part 2 of 2" in at.caption[0].value
    text = shown_text(at).lower()
    for hidden in ("9 of 27", "mild", "moderate", "risk", "phq"):
        assert hidden not in text
    journal = at.session_state["journal"]
    assert journal.all(Outcome) == []  # nothing saved before Submit

    at = rate_the_session(at, {"bond": 9, "goals": 4, "tasks": 6, "voice": 0})
    assert not unlocked(at)
    shown = " ".join(m.value for m in [*at.markdown, *at.title])
    assert "Thank you. Your answers are saved." in shown and "risk" not in shown.lower()

    at = unlock(click(at, "I am the practitioner: show the unlock screen"))
    journal = at.session_state["journal"]
    (outcome,) = journal.all(Outcome)
    assert outcome.session_id == phq9_session.id
    assert (outcome.measure, outcome.source, outcome.total) == ("phq9", "kiosk", 10)
    assert outcome.items == {**{f"q{n}": 1 for n in range(1, 7)}, "q7": 3, "q8": 0, "q9": 1}
    assert outcome.risk_items == ["q9"]
    (feedback,) = journal.all(Feedback)
    assert feedback.items == {"bond": 9, "goals": 4, "tasks": 6, "voice": 0}
    # the device is back: the practitioner's first screen says to check risk today
    (note,) = risk_boxes(at)
    assert note.startswith("Check risk today with C-5: on the PHQ-9 at session 1")


def test_back_to_part_1_keeps_the_answers_and_they_can_be_changed(
    phq9_session: Session,
) -> None:
    at = hand_over(unlock(app()), phq9_session)
    for n in range(1, 10):
        at.radio(key=f"kiosk_outcome_q{n}").set_value("Not at all")
    at.radio(key="kiosk_outcome_difficulty").set_value("Somewhat difficult")
    at = click(click(at, "Next"), "Back to part 1")
    assert at.title[0].value == "How have you been?"
    assert at.radio(key="kiosk_outcome_q9").value == "Not at all"
    assert at.radio(key="kiosk_outcome_difficulty").value == "Somewhat difficult"
    at.radio(key="kiosk_outcome_q2").set_value("Nearly every day")
    at = rate_the_session(click(at, "Next"), READ)
    at = unlock(click(at, "I am the practitioner: show the unlock screen"))
    (outcome,) = at.session_state["journal"].all(Outcome)
    assert (outcome.total, outcome.items["difficulty"], outcome.risk_items) == (3, 1, [])
    assert risk_boxes(at) == []


def test_a_session_that_already_has_an_outcome_goes_straight_to_the_alliance(
    journal_path: Path, journal: Journal
) -> None:
    session = seed(journal, "C-6", "phq9")
    record_outcome(journal, session.id, PHQ9, phq9(4))
    journal.lock()
    at = hand_over(unlock(app()), session)
    assert at.title[0].value == "How was today's session?"
    assert not any("Part" in c.value for c in at.caption)
    at = rate_the_session(at, READ)
    assert not unlocked(at)


def test_a_client_without_an_outcome_measure_is_asked_only_the_alliance(
    journal_path: Path, journal: Journal
) -> None:
    session = seed(journal, "C-7", "")
    journal.lock()
    at = hand_over(unlock(app()), session)
    assert at.title[0].value == "How was today's session?"
    assert not at.radio


def test_the_psfs_asks_for_the_clients_own_activities_and_a_rating_of_each(
    journal_path: Path, journal: Journal
) -> None:
    session = seed(journal, "C-8", "psfs")
    journal.lock()
    at = hand_over(unlock(app()), session)
    assert "0 means unable to do the activity" in shown_text(at)
    at.text_input(key="kiosk_outcome_name_activity1").input("Climbing stairs")
    at = click(at, "Next")  # named but not rated
    assert unescaped(errors(at)) == ["Activity 1: 'Climbing stairs' has no score."]
    at.button_group(key="kiosk_outcome_activity1").set_value(3)
    at.text_input(key="kiosk_outcome_name_activity2").input("Gardening")
    at.button_group(key="kiosk_outcome_activity2").set_value(6)
    at = rate_the_session(click(at, "Next"), READ)
    at = unlock(click(at, "I am the practitioner: show the unlock screen"))
    (outcome,) = at.session_state["journal"].all(Outcome)
    assert outcome.activities == {"activity1": "Climbing stairs", "activity2": "Gardening"}
    assert (outcome.total, outcome.source) == (4.5, "kiosk")


def test_the_ors_is_asked_by_its_labels_only(journal_path: Path, journal: Journal) -> None:
    session = seed(journal, "C-9", "ors")
    journal.lock()
    at = hand_over(unlock(app()), session)
    questions = [m.value for m in at.markdown if m.value.startswith("## ")]
    assert questions == ["## Individually", "## Interpersonally", "## Socially", "## Overall"]
    for key, value in {"individually": 4.5, "interpersonally": 6, "socially": 7.2}.items():
        at.number_input(key=f"kiosk_outcome_{key}").set_value(value)
    at = click(at, "Next")
    assert unescaped(errors(at)) == [
        "Not answered yet: \u201cOverall\u201d. Choose an answer for each."
    ]
    at.number_input(key="kiosk_outcome_overall").set_value(5)
    at = rate_the_session(click(at, "Next"), READ)
    at = unlock(click(at, "I am the practitioner: show the unlock screen"))
    (outcome,) = at.session_state["journal"].all(Outcome)
    assert outcome.total == 22.7


# ---- paper --------------------------------------------------------------------------------


def paper_tab(at: AppTest, session: Session) -> AppTest:
    at = at.switch_page(CLIENT_FEEDBACK).run()
    at = at.selectbox(key="outcome_paper_client").set_value(session.client_id).run()
    return at.selectbox(key="outcome_paper_session").set_value(session.id).run()


def test_paper_outcome_errors_are_named_and_nothing_is_written(phq9_session: Session) -> None:
    at = paper_tab(unlock(app()), phq9_session)
    key = "cf_outcome_paper_item_"
    assert [at.number_input(key=f"{key}q{n}").value for n in range(1, 10)] == [None] * 9
    for n in range(1, 8):
        at.number_input(key=f"{key}q{n}").set_value(2)
    at.number_input(key=f"{key}q8").set_value(5)  # out of range; q9 left empty
    at = click(at, "Save outcome score")
    (refused,) = errors(at)
    assert refused == (
        "Nothing was saved. Slowed or restless: 5 is outside PHQ-9's range, 0-3. "
        "Better off dead or self-harm: no answer."
    )
    assert at.session_state["journal"].all(Outcome) == []
    assert at.number_input(key=f"{key}q1").value == 2  # kept for a second try

    at.number_input(key=f"{key}q8").set_value(1)
    at.number_input(key=f"{key}q9").set_value(2)
    at = click(at, "Save outcome score")
    (outcome,) = at.session_state["journal"].all(Outcome)
    assert (outcome.total, outcome.source, outcome.risk_items) == (17, "paper", ["q9"])
    assert any(s.value.startswith("Outcome score saved") for s in at.success)
    # a paper risk answer raises the same note; the session is no longer offered
    (note,) = risk_boxes(at)
    assert note.startswith("Check risk today with C-5")
    assert any("No session of this client is waiting" in i.value for i in at.info)


def test_the_paper_form_clears_after_a_save(journal_path: Path, journal: Journal) -> None:
    first = seed(journal, "C-5", "phq9", number=1, days_ago=8)
    second = seed(journal, "C-5", "phq9", number=2, days_ago=1)
    journal.lock()
    at = paper_tab(unlock(app()), first)
    for n in range(1, 10):
        at.number_input(key=f"cf_outcome_paper_item_q{n}").set_value(1)
    at = click(at, "Save outcome score")
    assert outcome_for(at.session_state["journal"], first.id).total == 9
    at = at.selectbox(key="outcome_paper_session").set_value(second.id).run()
    assert [at.number_input(key=f"cf_outcome_paper_item_q{n}").value for n in range(1, 10)] == [
        None
    ] * 9


def test_reflect_takes_the_outcome_score_in_a_form_of_its_own(
    journal_path: Path, journal: Journal
) -> None:
    client = caseload.add_client(journal, "C-40", outcome_measure="gad7")
    journal.lock()
    at = unlock(app()).switch_page(REFLECT).run()
    at = at.selectbox(key="rf_client").set_value(client.id).run()
    for item, value in READ.items():
        at = at.button_group(key=f"rf_item_{item}").set_value(value).run()
    at = click(at, "Save my read")
    assert any(e.label.startswith("Outcome score from paper (GAD-7)") for e in at.expander)
    key = "reflect_outcome_paper_item_"
    at.number_input(key=f"{key}q1").set_value(9)
    at = click(at, "Save outcome score")
    assert "Nothing was saved. Nervous: 9 is outside GAD-7's range, 0-3." in errors(at)[0]
    assert at.session_state["journal"].all(Outcome) == []
    # the alliance paper form is as it was, and still saves on its own
    assert [at.number_input(key=f"paper_item_{i}").value for i in READ] == [None] * 4
    for n in range(1, 8):
        at.number_input(key=f"{key}q{n}").set_value(1)
    at = click(at, "Save outcome score")
    (outcome,) = at.session_state["journal"].all(Outcome)
    assert (outcome.total, outcome.source) == (7, "paper")
    assert not any(e.label.startswith("Outcome score from paper") for e in at.expander)
    # the score itself is not shown: your call on the client's course stays blind
    assert "Outcome score saved (GAD-7)." in [s.value for s in at.success]
    assert "of 21" not in shown_text(at) and "minimal" not in shown_text(at)


# ---- Home ---------------------------------------------------------------------------------


def test_a_risk_note_stays_on_home_until_acknowledged(journal_path: Path, journal: Journal) -> None:
    session = seed(journal, "C-5", "phq9")
    record_outcome(journal, session.id, PHQ9, phq9(3, q9=2), source="kiosk")
    journal.lock()
    at = unlock(app())
    (note,) = risk_boxes(at)
    assert note == (
        "Check risk today with C-5: on the PHQ-9 at session 1 they answered "
        "\u201cBetter off dead or self-harm\u201d above \u201cnot at all\u201d."
    )
    # another page and back, and a new visit: still there
    at = at.switch_page(CLIENT_FEEDBACK).run().switch_page(HOME).run()
    assert len(risk_boxes(at)) == 1
    at = click(at, "Acknowledge")
    assert risk_boxes(at) == []
    journal = at.session_state["journal"]
    assert open_risks(journal, MEASURES) == []
    (outcome,) = journal.all(Outcome)
    assert outcome.risk_acknowledged_at is not None
    at = at.switch_page(REFLECT).run().switch_page(HOME).run()
    assert risk_boxes(at) == []


def test_a_client_not_on_track_has_a_line_on_home(journal_path: Path, journal: Journal) -> None:
    worse = seed(journal, "C-014", "phq9", number=1, days_ago=20)
    record_outcome(journal, worse.id, PHQ9, phq9(12))
    later = seed(journal, "C-014", "phq9", number=2, days_ago=10)
    record_outcome(journal, later.id, PHQ9, phq9(19))
    better = seed(journal, "C-015", "phq9", number=1, days_ago=20)
    record_outcome(journal, better.id, PHQ9, phq9(18))
    better_later = seed(journal, "C-015", "phq9", number=2, days_ago=10)
    record_outcome(journal, better_later.id, PHQ9, phq9(8))
    journal.lock()
    at = unlock(app())
    lines = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert (
        "C-014 is not on track: Session 2: reliably worse than at the start (12 then, 19 now)."
        in lines
    )
    assert "C-015 is not on track" not in lines


def test_only_active_clients_not_on_track_are_listed_by_code() -> None:
    a, b, ended = Client("C-2"), Client("C-1"), Client("C-3", status="ended")
    reasons = {a.id: "Session 6: no reliable improvement.", b.id: "Why.", ended.id: "Why."}
    rows = clients_not_on_track([a, b, ended], {**reasons, "gone": "x"})
    assert [r.in_words() for r in rows] == [
        "C-1 is not on track: Why.",
        "C-2 is not on track: Session 6: no reliable improvement.",
    ]
    assert clients_not_on_track([a], {a.id: ""}) == []
