"""Exports of reflections as Markdown, JSON or a table for CSV.

Each reflection goes out with its client code, session date and number, framework,
prompts and answers, free text, next step, tags, reactions, the flag for supervision,
the totals of your estimate and your client's feedback and, when the caller gives the
journal's `session_outcomes`, the session's outcome score and your call on the client's
course. Nothing else: not the client's alias, not their written feedback, not the
activities they named on the PSFS, not supervisors' comments.

The JSON document (`to_json`), format `reflective-journal-entries/1` (storage/FORMAT.md §11):

    {"format": "reflective-journal-entries/1", "exported_at": "<ISO 8601>",
     "entries": [{"client": "C-014", "date": "2026-03-09", "session": 6,
                  "framework": "gibbs", "focus": ["alliance"],
                  "answers": [{"prompt": "...", "answer": "..."}],
                  "free_text": "...", "next_step": "...", "tags": ["..."],
                  "reactions": {"helpless/inadequate": 2},
                  "flagged_for_supervision": true, "instrument": "sac4",
                  "estimate": 31, "feedback": 34,
                  "outcome": {"measure": "phq9", "name": "PHQ-9", "total": 14,
                              "status": "no reliable change"},
                  "prediction": "improving"}]}

`session`, `instrument`, `estimate` and `feedback` are null for a free reflection or an
unscored session. `outcome` and `prediction` are there when outcomes were asked for
(the Entries screen always asks): `outcome` is null for a session without an outcome
score, else the measure's id and name, the total (a number; the PSFS's is a mean with one
decimal place) and the status against the client's first score: "baseline", "recovery",
"reliable improvement", "no reliable change" or "reliable deterioration" (null for a
score on another measure than the client's baseline); `prediction` is your call after the
session, "improving", "same" or "worse", or null. A reader ignores keys it does not know.
The CSV has the same in columns `outcome_measure` (the name), `outcome`,
`outcome_status` and `prediction` (in words).

Exports leave the encrypted journal: the screen shows `insights.export.EXPORT_WARNING`
beside the buttons, and writes CSV through `insights.export.frame_csv`, which defuses
cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from practice import scores
from practice.entries import EntryView, reactions_in_words
from practice.outcomes import courses as outcome_courses
from prompts.library import builtin_library
from prompts.outcomes import measures_for
from storage.journal import Journal
from storage.records import Estimate, Feedback, Outcome, Prediction, Session, now

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
    "outcome_measure",
    "outcome",
    "outcome_status",
    "prediction",
)
# your call as the question on Reflect words it
CALL_WORDS = {"improving": "improving", "same": "about the same", "worse": "getting worse"}


@dataclass(frozen=True)
class SessionOutcome:
    """A session's outcome score and your call on the client's course, as exports show them."""

    measure: str = ""  # the measure's id; "" when the session has no outcome score
    name: str = ""
    total: float | None = None
    status: str | None = None  # against the client's baseline; None off their course
    prediction: str | None = None  # one of PREDICTIONS

    def outcome_json(self) -> dict[str, Any] | None:
        """The `outcome` object of the JSON export, or None without a score."""
        if not self.measure:
            return None
        return {
            "measure": self.measure,
            "name": self.name,
            "total": self.total,
            "status": self.status,
        }


def session_outcomes(journal: Journal) -> dict[str, SessionOutcome]:
    """Each session's outcome score (with its status on the client's course) and your
    call, by session id: what `to_json`, `to_markdown` and `to_csv_frame` add."""
    measures = measures_for(journal.settings)
    sessions = {s.id: s for s in journal.all(Session)}
    on_course: dict[tuple[str, int, str], str] = {}
    for course in outcome_courses(journal, measures):
        for point in course.points:
            on_course[(course.client.id, point.session_number, course.measure.id)] = point.status
    calls = {p.session_id: p.expected for p in journal.all(Prediction)}
    found: dict[str, SessionOutcome] = {}
    for outcome in journal.all(Outcome):
        session = sessions.get(outcome.session_id)
        if session is None:
            continue
        measure = measures.get(outcome.measure)
        found[session.id] = SessionOutcome(
            measure=outcome.measure,
            name=measure.name if measure else outcome.measure,
            total=outcome.total,
            status=on_course.get((session.client_id, session.number, outcome.measure)),
            prediction=calls.get(session.id),
        )
    for session_id, expected in calls.items():
        if session_id not in found and session_id in sessions:
            found[session_id] = SessionOutcome(prediction=expected)
    return found


def _outcome_of(view: EntryView, outcomes: Mapping[str, SessionOutcome]) -> SessionOutcome:
    session = view.row.session
    return outcomes.get(session.id, SessionOutcome()) if session else SessionOutcome()


def entry_fields(
    view: EntryView, outcomes: Mapping[str, SessionOutcome] | None = None
) -> dict[str, Any]:
    """The exported content of one reflection, JSON-ready; with `outcomes` (from
    `session_outcomes`) its session's outcome score and your call too."""
    row, reflection = view.row, view.reflection
    scored = row.estimate or row.feedback
    fields = {
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
    if outcomes is not None:
        found = _outcome_of(view, outcomes)
        fields |= {"outcome": found.outcome_json(), "prediction": found.prediction}
    return fields


def to_json(
    views: Iterable[EntryView],
    exported_at: datetime | None = None,
    outcomes: Mapping[str, SessionOutcome] | None = None,
) -> str:
    """{"format", "exported_at", "entries": [...]} as indented UTF-8 JSON text (see the
    module's docstring); `outcomes` adds each entry's "outcome" and "prediction"."""
    document = {
        "format": f"reflective-journal-entries/{FORMAT_VERSION}",
        "exported_at": (exported_at or now()).isoformat(),
        "entries": [entry_fields(v, outcomes) for v in views],
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


def _outcome_lines(found: SessionOutcome) -> list[str]:
    lines = []
    if found.measure:
        status = f" ({found.status})" if found.status else ""
        total = scores.shown(found.total) if found.total is not None else "no total"
        lines.append(f"- Outcome: {total} on the {found.name}{status}")
    if found.prediction:
        lines.append(f"- Your prediction: {CALL_WORDS.get(found.prediction, found.prediction)}")
    return lines


def _markdown_entry(
    view: EntryView, outcomes: Mapping[str, SessionOutcome] | None = None
) -> list[str]:
    row, reflection = view.row, view.reflection
    facts = [f"- Framework: {framework_name(reflection.framework)}"]
    if reflection.focus_domains:
        facts.append(f"- Focus: {', '.join(reflection.focus_domains)}")
    if row.session is not None:
        facts.append(_score("Your estimate", row.estimate))
        facts.append(_score("Client's feedback", row.feedback))
        if outcomes is not None:
            facts += _outcome_lines(_outcome_of(view, outcomes))
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


def to_markdown(
    views: Iterable[EntryView],
    exported_at: datetime | None = None,
    outcomes: Mapping[str, SessionOutcome] | None = None,
) -> str:
    """A readable document: one section per reflection, text as typed (with `outcomes`,
    each session's outcome score and your call)."""
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
        lines += ["---", "", *_markdown_entry(view, outcomes)]
    return "\n".join(lines).rstrip("\n") + "\n"


def to_csv_frame(
    views: Iterable[EntryView], outcomes: Mapping[str, SessionOutcome] | None = None
) -> pd.DataFrame:
    """One row per reflection; write it with `insights.export.frame_csv` (defuses formulas).
    With `outcomes`, the session's outcome score, its status and your call in words."""
    rows = []
    for view in views:
        fields = entry_fields(view)
        found = _outcome_of(view, outcomes or {})
        fields |= {
            "outcome_measure": found.name or None,
            # as a person writes it: 14 and 3.5 (a column of floats would print 14.0)
            "outcome": None if found.total is None else scores.shown(found.total),
            "outcome_status": found.status,
            "prediction": CALL_WORDS.get(found.prediction or ""),
        }
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
