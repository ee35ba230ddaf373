"""Twenty browser sessions (AppTest, one process each) save and search for 30 seconds
against two journals at once: no error, no lost record, and each session sees only the
journal it unlocked.

Half the sessions unlock journal A and half journal B, in the same data folder's sense of
"one machine". Each saves supervision sessions through the Supervision log form and
searches its journal's entries on Entries, again and again, until the time is up.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from storage import keyslots
from storage.records import Client, Reflection, Session, SupervisionMeeting
from tests import figures
from tests.conftest import PASSPHRASE, JournalTemplate

SESSIONS = 20
SECONDS = 30
MARKERS = {"alpha": "A-1", "bravo": "B-1"}  # each journal's searchable word -> client code


@dataclass
class Outcome:
    """What one session did and saw."""

    journal: str
    saved: int
    searches: int
    problems: list[str]


def _session(folder: str, word: str, worker: int, seconds: float) -> Outcome:
    """One browser session: unlock, then save and search until the time is up."""
    os.environ["JOURNAL_DATA_DIR"] = folder
    from tests.apptest import app, click, errors

    other = next(w for w in MARKERS if w != word)
    problems: list[str] = []
    saved = searches = 0
    at = app(timeout=120)
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        at = at.switch_page("pages/screens/supervision.py").run()
        at = at.segmented_control(key="sv_section").set_value("Supervision log").run()
        at.number_input[0].set_value(50)
        at.text_area[0].input(f"{word} session {worker} note {saved}")
        at = next(b for b in at.button if b.label == "Save supervision session").click().run()
        if at.exception or errors(at):
            problems.append(f"save: {[e.value for e in at.exception] or errors(at)}")
            break
        saved += 1

        at = at.switch_page("pages/screens/entries.py").run()
        for query, expected in ((word, 3), (other, 0)):
            at = at.text_input(key="en_query").input(query).run()
            labels = [b.label.replace("\\", "") for b in at.button]  # markdown escapes
            found = [label for label in labels if label.startswith(("A-1 ·", "B-1 ·"))]
            if at.exception or len(found) != expected:
                problems.append(f"search {query!r}: {len(found)} found, {expected} expected")
            if any(not label.startswith(MARKERS[word]) for label in found):
                problems.append(f"search {query!r} showed another journal's entry")
        searches += 2
    return Outcome(word, saved, searches, problems)


def _journal(folder: Path, template: JournalTemplate, word: str) -> Path:
    """A journal with three reflections holding `word`, alone in its folder."""
    folder.mkdir()
    path = template.copy_to(folder)
    journal = template.open(path)
    client = Client(code=MARKERS[word])
    records: list = [client]
    for number in range(1, 4):
        session = Session(client.id, date(2026, 3, number), number)
        records += [
            session,
            Reflection(session_id=session.id, client_id=client.id, free_text=f"{word} {number}"),
        ]
    journal.save_all(records)
    journal.lock()
    return path


@pytest.mark.slow
def test_twenty_sessions_save_and_search_at_once_for_thirty_seconds(
    tmp_path: Path, empty_template: JournalTemplate
) -> None:
    paths = {word: _journal(tmp_path / word, empty_template, word) for word in MARKERS}
    context = multiprocessing.get_context("spawn")
    started = time.monotonic()
    with ProcessPoolExecutor(SESSIONS, mp_context=context) as pool:
        futures = [
            pool.submit(_session, str(paths[word].parent), word, n, SECONDS)
            for n in range(SESSIONS)
            for word in [list(MARKERS)[n % 2]]
        ]
        outcomes = [f.result(timeout=SECONDS + 240) for f in futures]
    elapsed = time.monotonic() - started

    problems = [p for o in outcomes for p in o.problems]
    assert problems == []
    for word, path in paths.items():
        journal = keyslots.unlock(path, PASSPHRASE)
        try:
            notes = [m.notes for m in journal.all(SupervisionMeeting)]
            expected = sum(o.saved for o in outcomes if o.journal == word)
            assert len(notes) == expected == len(set(notes))  # none lost, none doubled
            assert all(n.startswith(word) for n in notes)  # nothing from the other journal
            assert journal.verify().ok
        finally:
            journal.lock()
    saves = sum(o.saved for o in outcomes)
    searches = sum(o.searches for o in outcomes)
    assert all(o.saved > 0 for o in outcomes), [o.saved for o in outcomes]
    figures.report(
        f"concurrency: {SESSIONS} AppTest sessions on 2 journals for {SECONDS} s "
        f"({elapsed:.0f} s with start-up): {saves} saves, {searches} searches, 0 errors, "
        "0 records lost"
    )
