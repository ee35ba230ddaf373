"""AppTest of Reflect with outcome scores: your blind call on the client's course is offered
after your read, only once a baseline from an earlier session exists; this session's outcome
stays hidden until the call is saved or skipped; a client not on track is named near the top
and gets an alliance prompt. Also the pure rules of what Reflect may show (outlook.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights import outcomes as rules
from pages.reflect.outlook import Outlook
from practice import caseload, outcomes
from practice.outcomes import ClientCourse
from prompts.library import builtin_library
from prompts.outcomes import builtin_measures
from storage.journal import Journal
from storage.records import Client, Prediction, Session
from tests.apptest import app, click
from tests.conftest import PASSPHRASE, JournalTemplate

REFLECT = "pages/screens/reflect.py"
PHQ9 = builtin_measures()["phq9"]
QUESTION = "Since they began, is this client improving, about the same, or getting worse?"
READ = {"bond": 7, "goals": 6, "tasks": 6, "voice": 7}
# what would give this session's score (19 of 27) away: its status in words, its band
# ("moderately severe"; "moderate" alone is a reaction's intensity), the number itself in
# any message (a date in the list of sessions may hold a 19: not a message)
REVEALING = re.compile(r"reliabl|recover|severe|PHQ-9 (today|at)", re.IGNORECASE)
MESSAGES = ("markdown", "caption", "info", "warning", "success", "error", "header", "subheader")


def phq9_answers(total: int) -> dict[str, float | None]:
    """PHQ-9 answers adding up to `total`, none of them on the risk item."""
    answers: dict[str, float | None] = {}
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, total)
        total -= answers[f"q{n}"]
    return answers | {"q9": 0, "difficulty": 1}


def client_with_scores(
    path: Path,
    template: JournalTemplate,
    earlier: list[int],
    today: int | None = None,
    measure: str = "phq9",
) -> dict[str, str]:
    """A client with a PHQ-9 score at each earlier weekly session (the first is the
    baseline) and, when `today` is given, today's session with its score taken at the start
    (as the kiosk does) and no read yet."""
    journal = template.open(path)
    client = caseload.add_client(journal, "C-501", outcome_measure=measure)
    ids = {"client": client.id}
    days = [date.today() - timedelta(weeks=len(earlier) - n) for n in range(len(earlier))]
    totals = [*earlier, today] if today is not None else earlier
    days += [date.today()] if today is not None else []
    for number, (day, total) in enumerate(zip(days, totals, strict=True), start=1):
        session = Session(client.id, day, number)
        journal.save(session)
        outcomes.record_outcome(journal, session.id, PHQ9, phq9_answers(total), source="kiosk")
        ids[f"session {number}"] = session.id
    journal.lock()
    return ids


def reflect_on(ids: dict[str, str], session: str | None = None) -> AppTest:
    """Reflect with the client chosen, on a session already in the journal or a new one
    (a draft left from before is discarded: what shows comes from the journal)."""
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(REFLECT).run()
    if "Discard draft" in button_labels(at):
        at = click(at, "Discard draft")
    at = at.selectbox(key="rf_client").set_value(ids["client"]).run()
    if session is not None:
        at = at.selectbox(key="rf_open_session").set_value(ids[session]).run()
    return at


def save_read(at: AppTest) -> AppTest:
    for item, value in READ.items():
        at = at.button_group(key=f"rf_item_{item}").set_value(value).run()
    return click(at, "Save my read")


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


def call_offered(at: AppTest) -> bool:
    return any(r.label == QUESTION for r in at.radio)


def shown(at: AppTest) -> str:
    """Every text in the main area: messages, and the labels, options and help of widgets."""
    found: list[str] = []
    for node in at.main:
        if node.type == "html":  # the page's scripts and styles, never shown as text
            continue
        for name in ("value", "label", "help", "placeholder"):
            text = getattr(node, name, None)
            found += [text] if isinstance(text, str) else []
        found += [str(option) for option in getattr(node, "options", None) or []]
    return "\n".join(found)


def hides_todays_score(at: AppTest) -> bool:
    """Nothing on screen says this session's status or band, no message its score."""
    messages = [e.value for kind in MESSAGES for e in getattr(at, kind)]
    return not REVEALING.search(shown(at)) and not any(re.search(r"\b19\b", m) for m in messages)


def infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def button_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


# ---- your call: when it is offered ---------------------------------------------------------


def test_the_call_is_offered_only_after_the_read_is_saved(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = client_with_scores(journal_path, empty_template, [12, 11], today=19)
    at = reflect_on(ids, "session 3")
    assert "Your client's PHQ-9 is in; no read of yours yet." in [c.value for c in at.caption]
    assert not call_offered(at)
    assert "Save my call" not in button_labels(at)
    at = save_read(at)
    assert call_offered(at)
    radio = next(r for r in at.radio if r.label == QUESTION)
    assert radio.options == ["Improving", "About the same", "Getting worse"]
    assert radio.value is None  # no call is preset
    assert "Save my call" in button_labels(at) and "Not now" in button_labels(at)
    assert any("feeds “Your predictions” on Trends" in c.value for c in at.caption)


def test_a_new_session_after_the_baseline_is_offered_the_call(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = client_with_scores(journal_path, empty_template, [12, 11])
    at = save_read(reflect_on(ids))  # session 3, no outcome score yet
    assert call_offered(at)


def test_no_call_at_the_baseline_session_itself_and_its_score_is_named_as_the_baseline(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = client_with_scores(journal_path, empty_template, [], today=19)
    at = save_read(reflect_on(ids, "session 1"))
    assert not call_offered(at)
    assert "PHQ-9 today: the first score, the baseline later ones are read against." in infos(at)


@pytest.mark.parametrize("measure", ["", "phq9"])
def test_no_call_without_an_outcome_measure_or_without_a_baseline(
    journal_path: Path, empty_template: JournalTemplate, measure: str
) -> None:
    ids = client_with_scores(journal_path, empty_template, [], measure=measure)
    at = save_read(reflect_on(ids))
    assert "3. Client feedback" in [h.value for h in at.header]
    assert not call_offered(at)
    assert "Your prediction" not in [s.value for s in at.subheader]


# ---- blind until the call ------------------------------------------------------------------


def test_todays_outcome_is_hidden_until_the_call_and_shown_after_it(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    # 12 at the start, 11, then 19 today: a reliable deterioration (PHQ-9: 6 points)
    ids = client_with_scores(journal_path, empty_template, [12, 11], today=19)
    at = reflect_on(ids, "session 3")
    assert hides_todays_score(at)
    at = save_read(at)
    assert call_offered(at)
    assert hides_todays_score(at), REVEALING.search(shown(at))
    assert not at.warning  # not on track only by today's score: hidden too

    at = at.radio(key=f"rf_call_{ids['session 3']}").set_value("same").run()
    at = click(at, "Save my call")
    assert "PHQ-9 today: reliably worse than at the start." in infos(at)
    (warning,) = [w.value for w in at.warning]
    assert "Session 3: reliably worse than at the start (12 then, 19 now)." in warning


def test_the_call_is_saved_once_and_then_shown_read_only(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = client_with_scores(journal_path, empty_template, [12, 11], today=19)
    at = save_read(reflect_on(ids, "session 3"))
    at = click(at, "Save my call")  # nothing chosen yet: named, nothing saved
    assert [e.value for e in at.error] == [
        "Choose improving, about the same or getting worse first."
    ]
    assert journal_of(at).all(Prediction) == []
    at = at.radio(key=f"rf_call_{ids['session 3']}").set_value("worse").run()
    at = click(at, "Save my call")

    (call,) = journal_of(at).all(Prediction)
    assert (call.session_id, call.expected) == (ids["session 3"], "worse")
    assert not call_offered(at) and "Save my call" not in button_labels(at)
    assert any(s.value == "Your call at session 3: getting worse." for s in at.success)

    # opened again in a new browser session: still the saved call, read-only
    again = reflect_on(ids, "session 3")
    assert not call_offered(again) and "Save my call" not in button_labels(again)
    assert any(s.value == "Your call at session 3: getting worse." for s in again.success)
    assert "PHQ-9 today: reliably worse than at the start." in infos(again)
    assert len(journal_of(again).all(Prediction)) == 1


def test_not_now_skips_the_call_and_shows_the_outcome(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = client_with_scores(journal_path, empty_template, [12, 11], today=5)
    at = save_read(reflect_on(ids, "session 3"))
    assert hides_todays_score(at)
    at = click(at, "Not now")
    assert journal_of(at).all(Prediction) == []
    assert not call_offered(at) and "Your prediction" not in [s.value for s in at.subheader]
    # 12 -> 5: better by 7 and out of the clinical range (from 10)
    recovered = "recovery: reliably better than at the start and out of the clinical range"
    assert f"PHQ-9 today: {recovered}." in infos(at)
    assert any(h.value.startswith("4.") for h in at.header)  # the flow goes on


# ---- not on track --------------------------------------------------------------------------


def alliance_prompts(at: AppTest) -> list[str]:
    library = builtin_library()
    return [
        pid for pid in at.session_state["rf_prompts"] if library.prompts[pid].domain == "alliance"
    ]


def test_a_client_not_on_track_is_warned_about_at_the_top_and_gets_an_alliance_prompt(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    # no reliable improvement (6 points on the PHQ-9) by session 6
    ids = client_with_scores(journal_path, empty_template, [14, 13, 13, 12, 13, 12])
    at = reflect_on(ids)
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("Not on track on the PHQ-9. Session 6: no reliable improvement")
    assert "(expected by session 6)" in warning
    nodes = [n for n in at.main if hasattr(n, "proto")]
    values = [getattr(n, "value", None) for n in nodes]
    assert values.index(warning) < values.index("2. Your read of the session")  # near the top

    at = save_read(at)
    at = at.multiselect(key="rf_focus").set_value(["presence"]).run()
    assert alliance_prompts(at)


def test_a_client_on_track_gets_no_warning_and_only_the_focus(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    ids = client_with_scores(journal_path, empty_template, [14, 7])  # reliably better
    at = save_read(reflect_on(ids))
    at = at.multiselect(key="rf_focus").set_value(["presence"]).run()
    assert not at.warning
    assert alliance_prompts(at) == []


# ---- what Reflect may show (pure) ----------------------------------------------------------


def outlook(
    totals: list[int], session_number: int, *, prediction: bool = False, skipped: bool = False
) -> Outlook:
    start = date(2026, 1, 5)
    scores = [(n, start + timedelta(weeks=n), t) for n, t in enumerate(totals, start=1)]
    points = rules.course(PHQ9, scores)
    client = Client(code="C-1", outcome_measure="phq9")
    session = Session(client.id, start + timedelta(weeks=session_number), session_number)
    return Outlook(
        course=ClientCourse(client, PHQ9, points, [], rules.not_on_track_reason(points)),
        session=session,
        has_measure=True,
        prediction=Prediction(session.id, client.id, "same") if prediction else None,
        skipped=skipped,
        on_track_by=6,
    )


def test_while_the_call_is_open_the_not_on_track_reason_leaves_this_sessions_score_out() -> None:
    open_call = outlook([12, 11, 19], 3)
    assert open_call.call_open and open_call.reason == ""
    assert open_call.status_line(date(2026, 1, 1)) == ""
    for settled in (
        outlook([12, 11, 19], 3, prediction=True),
        outlook([12, 11, 19], 3, skipped=True),
    ):
        assert not settled.call_open
        assert settled.reason.startswith("Session 3: reliably worse")
        assert settled.status_line(date(2026, 1, 1)) == (
            "PHQ-9 at session 3: reliably worse than at the start."
        )


def test_a_call_is_due_only_after_a_baseline_from_an_earlier_session() -> None:
    assert not outlook([12], 1).call_due
    assert outlook([12], 2).call_due
    assert not Outlook(None, outlook([12], 2).session, True, None, False, 6).call_due
