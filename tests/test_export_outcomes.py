"""Outcome scores and your calls in the entry exports (Markdown, JSON, CSV): each entry's
session with its measure, total and status against the client's baseline, and your call;
the activities a client names on the PSFS stay out. Clients and words are invented."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest

from insights.export import frame_csv
from practice import entries, entry_export
from practice import outcomes as practice
from practice.entry_export import SessionOutcome
from prompts.outcomes import builtin_measures
from storage.records import Prediction, Session
from tests.casebook import Casebook, write_casebook

MEASURES = builtin_measures()
ACTIVITY = "CANARYTYINGSHOELACES"


def phq9(total: int) -> dict[str, float | None]:
    answers: dict[str, float | None] = {}
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, total)
        total -= answers[f"q{n}"]
    return answers | {"q9": 0, "difficulty": 0}


@pytest.fixture
def casebook(journal) -> Casebook:
    """The casebook with C-201 on the PHQ-9 (15 at session 1, 8 at session 2, where you
    called "worse") and C-202 on the PSFS (one activity, 4 at session 1)."""
    book = write_casebook(journal)
    lighthouse, harbour = book.lighthouse.session_id, book.harbour.session_id
    practice.record_outcome(journal, lighthouse, MEASURES["phq9"], phq9(15))
    practice.record_outcome(journal, harbour, MEASURES["phq9"], phq9(8))
    practice.record_prediction(journal, harbour, "worse")
    practice.record_outcome(
        journal,
        book.orchard.session_id,
        MEASURES["psfs"],
        {"activity1": 4},
        {"activity1": ACTIVITY},
    )
    return book


def all_views(book: Casebook) -> list[entries.EntryView]:
    ids = [book.lighthouse.id, book.harbour.id, book.orchard.id, book.free.id]
    return entries.entry_views(book.journal, ids)


def test_the_json_export_has_each_sessions_outcome_and_your_call(casebook: Casebook) -> None:
    outcomes = entry_export.session_outcomes(casebook.journal)
    document = json.loads(entry_export.to_json(all_views(casebook), outcomes=outcomes))
    lighthouse, harbour, orchard, free = document["entries"]
    assert lighthouse["outcome"] == {
        "measure": "phq9",
        "name": "PHQ-9",
        "total": 15,
        "status": "baseline",
    }
    assert lighthouse["prediction"] is None
    # 15 -> 8: better by 7 (reliable change 6) and out of the clinical range (from 10)
    assert harbour["outcome"]["status"] == "recovery" and harbour["outcome"]["total"] == 8
    assert harbour["prediction"] == "worse"
    assert orchard["outcome"] == {
        "measure": "psfs",
        "name": "Patient-Specific Functional Scale",
        "total": 4,
        "status": "baseline",
    }
    assert free["outcome"] is None and free["prediction"] is None


def test_without_outcomes_asked_for_the_json_entries_are_as_before(casebook: Casebook) -> None:
    document = json.loads(entry_export.to_json(all_views(casebook)))
    assert all("outcome" not in e and "prediction" not in e for e in document["entries"])


def test_the_csv_export_has_outcome_columns_in_words(casebook: Casebook) -> None:
    outcomes = entry_export.session_outcomes(casebook.journal)
    frame = entry_export.to_csv_frame(all_views(casebook), outcomes)
    back = pd.read_csv(io.BytesIO(frame_csv(frame)), dtype=str, keep_default_na=False)
    assert list(back.columns[-4:]) == ["outcome_measure", "outcome", "outcome_status", "prediction"]
    rows = back[["outcome_measure", "outcome", "outcome_status", "prediction"]].values.tolist()
    assert rows == [
        ["PHQ-9", "15", "baseline", ""],
        ["PHQ-9", "8", "recovery", "getting worse"],  # a total, not "8.0"
        ["Patient-Specific Functional Scale", "4", "baseline", ""],
        ["", "", "", ""],
    ]


def test_the_markdown_export_says_the_outcome_and_your_call(casebook: Casebook) -> None:
    outcomes = entry_export.session_outcomes(casebook.journal)
    text = entry_export.to_markdown(all_views(casebook), outcomes=outcomes)
    assert "- Outcome: 15 on the PHQ-9 (baseline)" in text
    assert "- Outcome: 8 on the PHQ-9 (recovery)\n- Your prediction: getting worse" in text


def test_the_activities_a_client_named_stay_out_of_every_export(casebook: Casebook) -> None:
    outcomes = entry_export.session_outcomes(casebook.journal)
    views = all_views(casebook)
    documents = {
        "markdown": entry_export.to_markdown(views, outcomes=outcomes),
        "json": entry_export.to_json(views, outcomes=outcomes),
        "csv": frame_csv(entry_export.to_csv_frame(views, outcomes)).decode("utf-8"),
    }
    for name, text in documents.items():
        assert ACTIVITY not in text, name
        assert "Patient-Specific Functional Scale" in text, name


def test_a_call_without_an_outcome_score_still_goes(casebook: Casebook) -> None:
    journal = casebook.journal
    client = casebook.clients["C-202"]
    later = Session(client.id, date(2026, 3, 9), 2)
    journal.save_all([later, Prediction(session_id=later.id, client_id=client.id, expected="same")])
    found = entry_export.session_outcomes(journal)[later.id]
    assert found == SessionOutcome(prediction="same")
    assert found.outcome_json() is None


def test_a_score_on_another_measure_than_the_baseline_has_no_status(casebook: Casebook) -> None:
    journal = casebook.journal
    client = casebook.clients["C-202"]
    later = Session(client.id, date(2026, 3, 9), 2)
    journal.save(later)
    practice.record_outcome(journal, later.id, MEASURES["phq9"], phq9(12))
    found = entry_export.session_outcomes(journal)[later.id]
    assert (found.name, found.total, found.status) == ("PHQ-9", 12, None)
