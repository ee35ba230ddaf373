"""Exports of reflections as Markdown, JSON and CSV: the chosen entries, every exported
field, and nothing else. Clients, supervisors and every word here are invented."""

from __future__ import annotations

import json

import pytest

from insights.export import frame_csv
from practice import entries, entry_export
from storage.journal import Journal
from tests.casebook import Casebook, edit_of, write_casebook


@pytest.fixture
def casebook(journal: Journal) -> Casebook:
    return write_casebook(journal)


def chosen_views(casebook: Casebook) -> list[entries.EntryView]:
    ids = [casebook.lighthouse.id, casebook.orchard.id]
    return entries.entry_views(casebook.journal, ids)


def test_every_export_holds_the_chosen_entries_and_nothing_else(casebook: Casebook) -> None:
    views = chosen_views(casebook)
    frame = entry_export.to_csv_frame(views)
    documents = {
        "markdown": entry_export.to_markdown(views),
        "json": entry_export.to_json(views),
        "csv": frame_csv(frame).decode("utf-8"),
    }
    for name, text in documents.items():
        for wanted in ("lighthouse image landed", "Quiet minutes in the orchard", "C-202"):
            assert wanted in text, (name, wanted)
        for unwanted in ("harbour", "homework", "pull to rescue", "free thought"):
            assert unwanted not in text, (name, unwanted)
    assert list(frame["client"]) == ["C-201", "C-202"]
    assert frame["estimate"].iloc[0] == 24 and frame["estimate"].isna().iloc[1]


def test_the_json_export_parses_back_with_every_field(casebook: Casebook) -> None:
    document = json.loads(entry_export.to_json(chosen_views(casebook)))
    lighthouse, orchard = document["entries"]
    assert lighthouse == {
        "client": "C-201",
        "date": "2026-01-05",
        "session": 1,
        "framework": "gibbs",
        "focus": ["boundaries"],
        "answers": [
            {"prompt": "What did I notice?", "answer": "The lighthouse image landed well."}
        ],
        "free_text": "I offered extra time at the end.",
        "next_step": "Hold the ending time.",
        "tags": ["metaphor"],
        "reactions": {"helpless/inadequate": 2},
        "flagged_for_supervision": True,
        "instrument": "sac4",
        "estimate": 24,
        "feedback": 34,
    }
    assert orchard["estimate"] is None and orchard["feedback"] is None


def test_the_markdown_export_reads_as_a_document(casebook: Casebook) -> None:
    text = entry_export.to_markdown(chosen_views(casebook))
    assert text.startswith("# Reflections exported from your journal")
    assert "## C-201 · session 1 · 5 Jan 2026" in text
    assert "### What did I notice?\n\nThe lighthouse image landed well." in text
    assert "- Reactions: helpless/inadequate (moderate)" in text
    assert (
        "- Your estimate: 24, Session Alliance Check (SAC-4)" in text
        and "- Flagged for supervision: yes" in text
    )


def test_the_csv_export_defuses_cells_a_spreadsheet_would_run(casebook: Casebook) -> None:
    journal, entry_id = casebook.journal, casebook.orchard.id
    edit = edit_of(casebook.orchard, free_text="=cmd|' /C calc'!A0", tags=("@SUM(A1)",))
    entries.save_edit(journal, entry_id, edit)
    csv = frame_csv(entry_export.to_csv_frame(entries.entry_views(journal, [entry_id])))
    text = csv.decode("utf-8")
    assert "'=cmd" in text and "'@SUM(A1)" in text
    for unsafe in (",=cmd", '"=cmd', ",@SUM", '"@SUM'):
        assert unsafe not in text
