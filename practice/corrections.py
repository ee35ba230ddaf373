"""Correcting a score typed wrongly: your read or your client's feedback. The record keeps
its id and the time it was first recorded, so the blind order (read before feedback) is
unchanged; the journal keeps every earlier revision, which `score_history` lists."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from practice import scores
from prompts.library import Instrument
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Estimate, Feedback


@dataclass(frozen=True)
class EarlierScores:
    """Scores a record held before a correction, and when they were saved."""

    saved_at: datetime
    items: dict[str, float]
    total: float


def correct(
    journal: Journal,
    record: Estimate | Feedback,
    instrument: Instrument,
    items: Mapping[str, float | None],
) -> Estimate | Feedback:
    """Save `items` as the record's scores; raises InvalidRecord naming what is wrong.

    Your read takes whole numbers; the client's feedback as many places as the instrument
    allows. Nothing is written when nothing changed.
    """
    rules = instrument if isinstance(record, Feedback) else _whole(instrument)
    wrong = scores.problems(rules, items)
    if wrong:
        raise InvalidRecord("Correction", " ".join(wrong).rstrip("."))
    new = {item.id: scores.stored(float(items[item.id])) for item in instrument.items}
    if new == record.items:
        raise InvalidRecord("Correction", "the scores are the ones already saved")
    corrected = dataclasses.replace(record, items=new)  # same id and recorded_at
    journal.save(corrected)
    return corrected


def score_history(journal: Journal, record_id: str) -> list[EarlierScores]:
    """The scores a record held before each correction, newest first (empty when it was
    never corrected)."""
    revisions = journal.history(record_id)
    earlier = []
    for before, after in zip(revisions, revisions[1:], strict=False):
        if before.record.items != after.record.items:
            earlier.append(
                EarlierScores(after.saved_at, dict(before.record.items), before.record.total)
            )
    return list(reversed(earlier))


def _whole(instrument: Instrument) -> Instrument:
    return dataclasses.replace(instrument, decimals=0)
