"""AppTest of Reflect once the client's feedback is in: a possible rupture is said in plain
words with the rule and the client's own usual score, and their comment shows beside it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from storage.records import Client, Estimate, Feedback, Session
from tests.apptest import app, click
from tests.conftest import PASSPHRASE, JournalTemplate

REFLECT = "pages/screens/reflect.py"
USUAL = (36, 37, 38, 38)  # four earlier sessions: the middle half is 36.75-38
ITEMS = ("bond", "goals", "tasks", "voice")


def with_history(journal_path: Path, template: JournalTemplate) -> str:
    journal = template.open(journal_path)
    client = Client(code="C-303")
    records: list = [client]
    for n, total in enumerate(USUAL, start=1):
        session = Session(client.id, date(2026, 10, 1) + timedelta(weeks=n), n)
        scores = dict.fromkeys(ITEMS, total // 4) | {"bond": total // 4 + total % 4}
        records += [
            session,
            Estimate(session.id, "sac4", dict(scores)),
            Feedback(session.id, "sac4", dict(scores)),
        ]
    journal.save_all(records)
    journal.lock()
    return client.id


def reflect_on_a_new_session(client_id: str) -> AppTest:
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(REFLECT).run()
    at = at.selectbox(key="rf_client").set_value(client_id).run()
    for item in ITEMS:
        at = at.button_group(key=f"rf_item_{item}").set_value(9).run()
    return click(at, "Save my read")


def type_feedback(at: AppTest, scores: dict[str, int], comment: str) -> AppTest:
    for item, value in scores.items():
        at.number_input(key=f"paper_item_{item}").set_value(value)
    at.text_input(key="paper_comment").input(comment)
    return click(at, "Save feedback")


def test_a_possible_rupture_is_said_with_the_rule_the_usual_score_and_the_comment(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    client_id = with_history(journal_path, empty_template)
    at = reflect_on_a_new_session(client_id)
    at = type_feedback(at, {"bond": 8, "goals": 7, "tasks": 7, "voice": 7}, "I felt rushed")
    (said,) = [w.value for w in at.warning if "Possible rupture" in w.value]
    assert said.startswith("Your client's rating: 29 of 40. Possible rupture: their rating ")
    assert "(drop)" in said and "usually 37-38, today 29 (out of 40)" in said
    assert "null" not in said and "drop_" not in said
    assert any("Your client wrote:" in m.value and "I felt rushed" in m.value for m in at.markdown)


def test_a_usual_rating_is_no_rupture_and_says_so(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    client_id = with_history(journal_path, empty_template)
    at = reflect_on_a_new_session(client_id)
    at = type_feedback(at, dict.fromkeys(ITEMS, 9), "")
    assert not any("Possible rupture" in w.value for w in at.warning)
    assert any("nothing in their ratings stood out" in i.value for i in at.info)
    assert not any("Your client wrote:" in m.value for m in at.markdown)
