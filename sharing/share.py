"""Choosing entries to share, the de-identification review, and the payload it yields.

The supervisee filters their reflections, ticks some, and chooses what to include. The
review then lists every passage that will leave the journal, with the identifiers found
in it; the payload can be built only once every finding is decided "redact" or "keep".
The same payload goes into the encrypted bundle and into the printable report, so the
supervisor never sees more in one than in the other.

What leaves the journal, and in what form:

- clients become "Client A", "Client B"... in the order of their first session in the
  whole journal, so a client keeps their letter from one bundle to the next;
- dates become "session N" (the year only when asked); a free reflection has no session;
- prompts, answers, free text, next steps and tags go only as reviewed, with redacted
  spans replaced by a placeholder such as "[name]";
- scores are totals and item scores; the client's written comment never goes;
- the chart carries session numbers and totals only, up to the last shared session;
- outcomes (when chosen) carry, for each client of a shared session, the measure's name,
  each outcome total by session number with its status, up to the last shared session,
  the not-on-track reason and the calibration of your predictions: no dates, and never
  the activities a client names on the PSFS (their own words).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from insights import outcomes as rules
from sharing import deidentify
from sharing.bundle import BUNDLE_SUFFIX
from sharing.deidentify import Decision, Finding
from sharing.payload import (
    ChartPoint,
    OutcomePoint,
    Payload,
    Scores,
    SharedAnswer,
    SharedCourse,
    SharedItem,
)
from storage.journal import Journal
from storage.records import Client, Estimate, Feedback, Prediction, Reflection, Session

INCLUDE_OPTIONS: dict[str, str] = {
    "answers": "Prompts and answers",
    "text": "Free text and next step",
    "reactions": "Countertransference reactions",
    "scores": "Estimate and feedback scores",
    "chart": "Alliance chart",
}
DEFAULT_INCLUDE: frozenset[str] = frozenset({"answers", "text", "scores", "chart"})
# what goes per client beside the entries, chosen like the parts of an entry; off unless ticked
COURSE_OPTIONS: dict[str, str] = {
    "outcomes": "Outcomes (scores by session, status, your predictions)",
}
SHOWN_OPTIONS: dict[str, str] = INCLUDE_OPTIONS | COURSE_OPTIONS
FREE_REFLECTION = "Free reflection"


# a client's outcome course, as practice.outcomes builds it
Course = rules.ClientCourse


@dataclass(frozen=True)
class ShareFilter:
    """Which reflections the Share list offers."""

    flagged_only: bool = True
    start: date | None = None
    end: date | None = None
    client_ids: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """A reflection that can be shared, with what the list shows about it."""

    reflection: Reflection
    revision: int
    day: date
    client_id: str | None
    client_code: str
    session_number: int | None

    @property
    def id(self) -> str:
        return self.reflection.id


@dataclass(frozen=True)
class Passage:
    """One piece of text that will leave the journal, and what may identify someone in it."""

    entry_id: str
    part: str
    text: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Review:
    """The chosen entries, what goes with them, and every passage to decide on."""

    chosen: tuple[Candidate, ...]
    include: frozenset[str]
    keep_year: bool
    labels: Mapping[str, str]
    passages: tuple[Passage, ...]

    def findings(self) -> list[tuple[Passage, Finding]]:
        """Every finding with its passage, in reading order."""
        return [(p, f) for p in self.passages for f in p.findings]


def candidates(journal: Journal, chosen: ShareFilter = ShareFilter()) -> list[Candidate]:
    """Reflections matching the filter, newest first."""
    sessions = {s.id: s for s in journal.all(Session)}
    clients = {c.id: c for c in journal.all(Client)}
    found = []
    for reflection in journal.all(Reflection):
        if chosen.flagged_only and not reflection.flagged_for_supervision:
            continue
        session = sessions.get(reflection.session_id or "")
        client_id = session.client_id if session else reflection.client_id
        if chosen.client_ids and client_id not in chosen.client_ids:
            continue
        if chosen.tags and not chosen.tags.intersection(reflection.tags):
            continue
        day = session.date if session else reflection.written_at.date()
        if (chosen.start and day < chosen.start) or (chosen.end and day > chosen.end):
            continue
        client = clients.get(client_id or "")
        found.append(
            Candidate(
                reflection=reflection,
                revision=journal.entry(reflection.id).revision,
                day=day,
                client_id=client_id if client else None,
                client_code=client.code if client else "",
                session_number=session.number if session else None,
            )
        )
    return sorted(found, key=lambda c: (c.day, c.reflection.written_at), reverse=True)


def describe(candidate: Candidate, gist_words: int = 0) -> str:
    """How the supervisee's own lists name an entry: "C-014 · session 6 · 09 Mar 2026"."""
    who = candidate.client_code or "No client"
    number = candidate.session_number
    what = f"session {number}" if number else "free reflection"
    label = f"{who} · {what} · {candidate.day:%d %b %Y}"
    words = candidate.reflection.text().split()[: gist_words + 1] if gist_words else []
    if words:
        gist = " ".join(words[:gist_words]) + (" …" if len(words) > gist_words else "")
        label += f" — {gist}"
    return label


def client_labels(journal: Journal) -> dict[str, str]:
    """Every client's pseudonym, lettered by first session so letters stay stable."""
    first: dict[str, date] = {}
    for session in journal.all(Session):
        if session.client_id not in first or session.date < first[session.client_id]:
            first[session.client_id] = session.date
    clients = sorted(
        journal.all(Client, include_trash=True),
        key=lambda c: (first.get(c.id, date.max), c.code.casefold(), c.id),
    )
    return deidentify.pseudonyms([c.id for c in clients])


def known_names(journal: Journal) -> list[str]:
    """The names and codes the finder must always catch: every client's alias and code."""
    names = []
    for client in journal.all(Client, include_trash=True):
        names += [client.alias, client.code]
    return [n for n in names if n and n.strip()]


def always_redact(journal: Journal) -> list[str]:
    """The journal-wide always-redact list: relatives, employers, towns, schools."""
    return list(journal.settings.always_redact)


def save_always_redact(journal: Journal, text: str) -> list[str]:
    """Keep one entry per line of `text` (blank lines and repeats dropped); the list is
    stored encrypted with the journal's settings. Returns the entries kept."""
    entries = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    too_short = [e for e in entries if sum(ch.isalnum() for ch in e) < 2]
    if too_short:
        raise ValueError(
            f"{too_short[0]!r} is too short to redact safely: an entry needs two letters or digits"
        )
    settings = journal.settings
    settings.always_redact = entries
    journal.save_settings(settings)
    return entries


def review(
    journal: Journal,
    chosen: Iterable[Candidate],
    include: Iterable[str] = DEFAULT_INCLUDE,
    keep_year: bool = False,
    manual: Mapping[tuple[str, str], Iterable[str]] | None = None,
) -> Review:
    """The de-identification review of the chosen entries (oldest first).

    `manual` holds, per (entry id, part), the phrases the user picked to redact there.
    """
    wanted = frozenset(include)
    unknown = wanted - set(SHOWN_OPTIONS)
    if unknown:
        raise ValueError(f"unknown include option(s): {', '.join(sorted(unknown))}")
    entries = tuple(sorted(chosen, key=lambda c: (c.day, c.reflection.written_at)))
    names, listed, picked = known_names(journal), always_redact(journal), manual or {}
    passages = []
    for candidate in entries:
        for part, text in _parts(candidate.reflection, wanted):
            own = picked.get((candidate.id, part), ())
            findings = tuple(deidentify.find_identifiers(text, names, listed, own))
            passages.append(Passage(candidate.id, part, text, findings))
    return Review(entries, wanted, keep_year, client_labels(journal), tuple(passages))


def finding_key(passage: Passage, finding: Finding) -> str:
    """A stable key for one decision: the screen keeps decisions under it."""
    return f"{passage.entry_id}|{passage.part}|{finding.start}|{finding.end}"


def decision(passage: Passage, finding: Finding, decisions: Mapping[str, str]) -> str | None:
    """The user's choice for a finding, or its default (see `deidentify.default_action`)."""
    chosen = decisions.get(finding_key(passage, finding))
    return chosen if chosen in deidentify.ACTIONS else deidentify.default_action(finding)


def undecided(shared: Review, decisions: Mapping[str, str]) -> int:
    """How many findings still wait for "redact" or "keep"."""
    return sum(decision(p, f, decisions) is None for p, f in shared.findings())


def payload(
    journal: Journal,
    shared: Review,
    decisions: Mapping[str, str],
    instruments: Mapping[str, Any],
    courses: Iterable[Course] = (),
) -> Payload:
    """The de-identified content of the chosen entries: the bundle's and report's payload.

    `courses` are the journal's outcome courses (`practice.outcomes.courses`); they go,
    cut at each client's last shared session, only when "outcomes" is included.
    Raises ValueError, naming the count, while any finding is undecided.
    """
    waiting = undecided(shared, decisions)
    if waiting:
        raise ValueError(
            f"{waiting} possible identifier{'s' if waiting != 1 else ''} still to decide: "
            "choose Redact or Keep for each before exporting"
        )
    texts = {
        (p.entry_id, p.part): deidentify.apply(
            p.text, [Decision(f, decision(p, f, decisions) or "redact") for f in p.findings]
        )
        for p in shared.passages
    }
    items = tuple(_item(journal, shared, c, texts, instruments) for c in shared.chosen)
    series = _series(journal, shared, instruments) if "chart" in shared.include else ()
    include = sorted(shared.include | ({"year"} if shared.keep_year else set()))
    outcomes = _courses(journal, shared, courses) if "outcomes" in shared.include else ()
    return Payload(items, series, tuple(include), outcomes)


# ---------------------------------------------------------------------------------------


def _parts(reflection: Reflection, include: frozenset[str]) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    if "answers" in include:
        for number, answer in enumerate(reflection.answers, start=1):
            parts += [(f"prompt {number}", answer.prompt_text), (f"answer {number}", answer.answer)]
    if "text" in include:
        parts += [("free text", reflection.free_text), ("next step", reflection.next_step)]
    parts += [(f"tag {n}", tag) for n, tag in enumerate(reflection.tags, start=1)]
    return [(part, text) for part, text in parts if text]


def _label(shared: Review, candidate: Candidate) -> tuple[str | None, str | None]:
    client = shared.labels.get(candidate.client_id or "")
    if candidate.session_number is None:
        return client, None
    year = candidate.day.year if shared.keep_year else None
    return client, deidentify.session_label(candidate.session_number, year)


def _item(
    journal: Journal,
    shared: Review,
    candidate: Candidate,
    texts: Mapping[tuple[str, str], str],
    instruments: Mapping[str, Any],
) -> SharedItem:
    reflection = candidate.reflection

    def text(part: str) -> str:
        return texts.get((candidate.id, part), "")

    client, session = _label(shared, candidate)
    answers: tuple[SharedAnswer, ...] = ()
    if "answers" in shared.include:
        answers = tuple(
            SharedAnswer(text(f"prompt {n}"), text(f"answer {n}"))
            for n in range(1, len(reflection.answers) + 1)
        )
    scores = "scores" in shared.include and reflection.session_id
    return SharedItem(
        id=reflection.id,
        revision=candidate.revision,
        client=client,
        session=session,
        year=candidate.day.year if shared.keep_year else None,
        framework=reflection.framework,
        focus=tuple(reflection.focus_domains),
        answers=answers,
        text=text("free text"),
        next_step=text("next step"),
        tags=tuple(text(f"tag {n}") for n in range(1, len(reflection.tags) + 1)),
        reactions=(
            {k: v for k, v in reflection.reactions.items() if v}
            if "reactions" in shared.include
            else {}
        ),
        estimate=_scores(journal, Estimate, reflection.session_id, instruments) if scores else None,
        feedback=_scores(journal, Feedback, reflection.session_id, instruments) if scores else None,
        flagged=reflection.flagged_for_supervision,
    )


def _scores(
    journal: Journal, cls: type, session_id: str | None, instruments: Mapping[str, Any]
) -> Scores | None:
    rating = next((r for r in journal.all(cls) if r.session_id == session_id), None)
    if rating is None:
        return None
    instrument = instruments.get(rating.instrument)
    return Scores(
        instrument=rating.instrument,
        name=instrument.name if instrument else rating.instrument,
        total=rating.total,
        max=instrument.total_max if instrument else None,
        items=dict(rating.items),
    )


def _last_shared(shared: Review) -> dict[str, int]:
    """Each client's last shared session number: charts and courses stop there."""
    last: dict[str, int] = {}
    for candidate in shared.chosen:
        if candidate.client_id and candidate.session_number:
            last[candidate.client_id] = max(
                last.get(candidate.client_id, 0), candidate.session_number
            )
    return last


def _series(
    journal: Journal, shared: Review, instruments: Mapping[str, Any]
) -> tuple[ChartPoint, ...]:
    last = _last_shared(shared)
    estimates = {e.session_id: e for e in journal.all(Estimate)}
    feedback = {f.session_id: f for f in journal.all(Feedback)}
    rows = []
    sessions = sorted(journal.all(Session), key=lambda s: (s.client_id, s.number))
    for session in sessions:
        if session.number > last.get(session.client_id, 0):
            continue
        estimate, answer = estimates.get(session.id), feedback.get(session.id)
        if estimate is None and answer is None:
            continue
        instrument_id = (estimate or answer).instrument
        instrument = instruments.get(instrument_id)
        rows.append(
            ChartPoint(
                client=shared.labels[session.client_id],
                session=session.number,
                estimate=estimate.total if estimate else None,
                feedback=answer.total if answer else None,
                max=instrument.total_max if instrument else None,
                instrument=instrument_id,
            )
        )
    return tuple(rows)


def _calls(journal: Journal) -> dict[tuple[str, int], str]:
    """Your calls by (client id, session number)."""
    sessions = {s.id: s for s in journal.all(Session)}
    return {
        (session.client_id, session.number): prediction.expected
        for prediction in journal.all(Prediction)
        if (session := sessions.get(prediction.session_id)) is not None
    }


def _course(
    label: str,
    course: Course,
    points: list[rules.Point],
    on_track_by: int,
    calls: Mapping[tuple[str, int], str],
) -> SharedCourse:
    """One course cut at the last shared session, by session number only."""
    measure, baseline = course.measure, points[0].total
    checked = [
        (calls[(course.client.id, p.session_number)], p.status)
        for p in points[1:]
        if (course.client.id, p.session_number) in calls
    ]
    low, high = rules.no_change_band(measure, baseline)
    return SharedCourse(
        client=label,
        measure=measure.name,
        min=measure.total_min,
        max=measure.total_max,
        higher_is_better=measure.higher_is_better,
        points=tuple(OutcomePoint(p.session_number, p.total, p.status) for p in points),
        # one decimal place, as the payload's scores take (a percent band gives more)
        cutoff=None if measure.cutoff is None else round(measure.cutoff, 1),
        band=(round(low, 1), round(high, 1)),
        not_on_track=rules.not_on_track_reason(points, on_track_by),
        calls=rules.prediction_calibration(checked),
    )


def _courses(
    journal: Journal, shared: Review, courses: Iterable[Course]
) -> tuple[SharedCourse, ...]:
    last, calls = _last_shared(shared), _calls(journal)
    on_track_by = journal.settings.not_on_track_session
    found = []
    for course in courses:
        up_to = last.get(course.client.id, 0)
        points = [p for p in course.points if p.session_number <= up_to]
        if points:
            label = shared.labels[course.client.id]
            found.append(_course(label, course, points, on_track_by, calls))
    return tuple(sorted(found, key=lambda c: (len(c.client), c.client)))


def bundle_request(content: Payload, recipient_ids: Iterable[str] | None) -> str:
    """What a bundle is made from: the shared content and who can open it (None: anyone
    with the passphrase). A bundle on offer whose request is not the screen's is stale."""
    who = "passphrase" if recipient_ids is None else "\n".join(sorted(recipient_ids))
    digest = hashlib.sha256(json.dumps(content.to_json(), sort_keys=True).encode())
    digest.update(b"\0" + who.encode())
    return digest.hexdigest()


def bundle_file_name(made_at: datetime, data: bytes) -> str:
    """A bundle's file name: the day and time, and a short digest, so no two collide."""
    digest = hashlib.sha256(data).hexdigest()[:6]
    return f"supervision-{made_at:%Y-%m-%d-%H%M%S}-{digest}{BUNDLE_SUFFIX}"
