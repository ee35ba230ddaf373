"""Exports of reflections as Markdown, JSON or a table for CSV.

Each reflection goes out with its client code, session date and number, framework,
prompts and answers, free text, next step, tags, reactions, the flag for supervision,
and the totals of your estimate and your client's feedback. Nothing else: not the
client's alias, not their written feedback, not supervisors' comments.

Exports leave the encrypted journal: the screen shows `insights.export.EXPORT_WARNING`
beside the buttons, and writes CSV through `insights.export.frame_csv`, which defuses
cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pandas as pd

from practice.entries import EntryView, reactions_in_words
from prompts.library import builtin_library
from storage.records import Estimate, Feedback, now

FORMAT_VERSION = 1
CSV_COLUMNS = (
    "client",
    "date",
    "session",
    "framework",
    "focus",
    "prompts_and_answers",
    "free_text",
    "next_step",
    "tags",
    "reactions",
    "flagged_for_supervision",
    "instrument",
    "estimate",
    "feedback",
)


def entry_fields(view: EntryView) -> dict[str, Any]:
    """The exported content of one reflection, JSON-ready."""
    row, reflection = view.row, view.reflection
    scored = row.estimate or row.feedback
    return {
        "client": row.client_code,
        "date": row.day.isoformat(),
        "session": row.session_number,
        "framework": reflection.framework,
        "focus": list(reflection.focus_domains),
        "answers": [{"prompt": a.prompt_text, "answer": a.answer} for a in reflection.answers],
        "free_text": reflection.free_text,
        "next_step": reflection.next_step,
        "tags": list(reflection.tags),
        "reactions": {k: v for k, v in reflection.reactions.items() if v >= 1},
        "flagged_for_supervision": reflection.flagged_for_supervision,
        "instrument": scored.instrument if scored else None,
        "estimate": row.estimate.total if row.estimate else None,
        "feedback": row.feedback.total if row.feedback else None,
    }


def to_json(views: Iterable[EntryView], exported_at: datetime | None = None) -> str:
    """{"format", "exported_at", "entries": [...]} as indented UTF-8 JSON text."""
    document = {
        "format": f"reflective-journal-entries/{FORMAT_VERSION}",
        "exported_at": (exported_at or now()).isoformat(),
        "entries": [entry_fields(v) for v in views],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def framework_name(framework_id: str) -> str:
    """A framework as a reader knows it ("free" -> "Free reflection"); one the built-in
    library does not know (the user's own) keeps the name it was saved under."""
    try:
        return builtin_library().framework(framework_id).name
    except KeyError:
        return framework_id


def instrument_name(instrument_id: str) -> str:
    """An instrument as a reader knows it ("sac4" -> "Session Alliance Check (SAC-4)")."""
    known = builtin_library().instruments.get(instrument_id)
    return known.name if known is not None else instrument_id


def _score(label: str, scores: Estimate | Feedback | None) -> str:
    if scores is None:
        return f"- {label}: none recorded"
    return f"- {label}: {scores.total}, {instrument_name(scores.instrument)}"


def _markdown_entry(view: EntryView) -> list[str]:
    row, reflection = view.row, view.reflection
    facts = [f"- Framework: {framework_name(reflection.framework)}"]
    if reflection.focus_domains:
        facts.append(f"- Focus: {', '.join(reflection.focus_domains)}")
    if row.session is not None:
        facts.append(_score("Your estimate", row.estimate))
        facts.append(_score("Client's feedback", row.feedback))
    reactions = reactions_in_words(reflection.reactions)
    if reactions:
        facts.append(f"- Reactions: {', '.join(reactions)}")
    if reflection.tags:
        facts.append(f"- Tags: {', '.join(reflection.tags)}")
    facts.append(
        f"- Flagged for supervision: {'yes' if reflection.flagged_for_supervision else 'no'}"
    )
    lines = [f"## {row.label()}", "", *facts, ""]
    for answer in reflection.answers:
        lines += [f"### {answer.prompt_text or answer.prompt_id}", "", answer.answer, ""]
    for heading, text in (("Free text", reflection.free_text), ("Next step", reflection.next_step)):
        if text:
            lines += [f"### {heading}", "", text, ""]
    return lines


def to_markdown(views: Iterable[EntryView], exported_at: datetime | None = None) -> str:
    """A readable document: one section per reflection, text as typed."""
    views = list(views)
    when = (exported_at or now()).astimezone()
    lines = [
        "# Reflections exported from your journal",
        "",
        f"{len(views)} entr{'y' if len(views) == 1 else 'ies'}, exported {when:%d %b %Y, %H:%M}. "
        "This file is not encrypted: keep it as safely as your paper notes.",
        "",
    ]
    for view in views:
        lines += ["---", "", *_markdown_entry(view)]
    return "\n".join(lines).rstrip("\n") + "\n"


def to_csv_frame(views: Iterable[EntryView]) -> pd.DataFrame:
    """One row per reflection; write it with `insights.export.frame_csv` (defuses formulas)."""
    rows = []
    for view in views:
        fields = entry_fields(view)
        fields["focus"] = "; ".join(fields["focus"])
        fields["prompts_and_answers"] = "\n\n".join(
            f"{a['prompt']}\n{a['answer']}" for a in fields.pop("answers")
        )
        fields["tags"] = "; ".join(fields["tags"])
        fields["reactions"] = "; ".join(reactions_in_words(view.reflection.reactions))
        # a table is read by people: names, where the JSON keeps the ids a program reads
        fields["framework"] = framework_name(fields["framework"])
        if fields["instrument"]:
            fields["instrument"] = instrument_name(fields["instrument"])
        rows.append(fields)
    frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    for column in ("session", "estimate", "feedback"):
        frame[column] = frame[column].astype("Int64")
    return frame
