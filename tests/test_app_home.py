"""AppTest of Home: it opens on what needs the practitioner today (sessions waiting for
feedback, possible ruptures still open, unsaved drafts, supervision this month), its
button leads to Reflect, and no table shows a raw "None"."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from practice import caseload
from prompts.library import builtin_library
from storage.records import Estimate, Session, SupervisionMeeting
from tests.apptest import app, click
from tests.conftest import PASSPHRASE, JournalTemplate

LOW = {"bond": 2, "goals": 2, "tasks": 2, "voice": 2}
HIGH = {"bond": 9, "goals": 9, "tasks": 9, "voice": 9}


def _fill(path: Path, template: JournalTemplate) -> None:
    """C-001: five good sessions then a sharp fall (a possible rupture, still open), and
    yesterday's session waiting for feedback; a reflection draft; an hour of supervision."""
    journal = template.open(path)
    sac4 = builtin_library().instruments["sac4"]
    client = caseload.add_client(journal, "C-001")
    today = date.today()
    for number in range(1, 8):
        session = Session(client.id, today - timedelta(days=8 - number), number)
        caseload.record_estimate(journal, session, Estimate(session.id, "sac4", HIGH))
        if number < 7:
            caseload.record_feedback(journal, session.id, sac4, LOW if number == 6 else HIGH)
    journal.save_draft("reflect", {"rf_free_text": "half a thought"})
    journal.save(SupervisionMeeting(today, 60))
    journal.lock()


def _home(path: Path, template: JournalTemplate):
    _fill(path, template)
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    return click(at, "Unlock")


def _text(at) -> str:
    # Markdown sources escape what renders plainly ("C\\-001" shows as "C-001")
    shown = [m.value for m in at.markdown] + [s.value for s in at.subheader]
    return "\n".join(shown).replace("\\", "")


def test_home_lists_what_needs_the_practitioner_today(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    at = _home(journal_path, empty_template)
    assert [h.value for h in at.header] == ["What needs you today"]
    text = _text(at)
    assert "Waiting for client feedback" in text and "C-001, session 7" in text
    assert "Possible ruptures still open" in text and "C-001, session 6" in text
    assert "Unsaved drafts" in text and "A reflection on Reflect" in text
    assert "1 of 1.5 hours (1 session)" in text


def test_the_latest_sessions_never_show_none(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    at = _home(journal_path, empty_template)
    table = at.dataframe[0].value
    assert table["Client feedback"].iloc[0] == "not yet"
    assert not table.isna().any().any()
    assert "None" not in table.astype(str).to_numpy().ravel().tolist()


def test_reflect_on_a_session_opens_reflect(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    at = click(_home(journal_path, empty_template), "Reflect on a session")
    assert at.title[0].value == "Reflect"


def test_an_empty_journal_says_nothing_waits(journal_path: Path) -> None:
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock")
    assert any("No session waits for feedback" in c.value for c in at.caption)
    assert "0 of 1.5 hours (0 sessions)" in _text(at)
