"""Scoring a de-identification finder against notes written by people who never saw its
rules (tests/deid_independent/*.jsonl): recall per Safe Harbor category and precision.

An expected identifier counts as caught when any finding overlaps it (the review screen
then shows it to the user, whatever kind it names); a finding counts as right when it
overlaps an expected identifier or a warning the writer listed (an exact age, a
narrative detail). Every occurrence of an identifier's text in its note is expected.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "deid_independent"
CATEGORIES = (
    "name",
    "place",
    "date",
    "age_over_89",
    "phone",
    "fax",
    "email",
    "national_id",
    "record_number",
    "health_plan",
    "account",
    "licence",
    "vehicle",
    "device",
    "url",
    "ip",
    "biometric",
    "photo",
    "other_unique",
)
WARNINGS = ("exact_age", "narrative")


@dataclass(frozen=True)
class Note:
    """One note of the corpus with its expected identifiers and warnings."""

    id: str
    usage: str
    profession: str
    text: str
    identifiers: tuple[tuple[str, str], ...]  # (text, category)
    warnings: tuple[tuple[str, str], ...]


@dataclass
class Score:
    """Caught and expected identifiers per category; right and all findings."""

    caught: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    right: int = 0
    found: int = 0
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # note, category, text
    wrong: list[tuple[str, str]] = field(default_factory=list)  # note, finding text

    def recall(self, categories: Iterable[str] | None = None) -> float:
        wanted = list(categories) if categories is not None else list(self.expected)
        total = sum(self.expected[c] for c in wanted)
        return sum(self.caught[c] for c in wanted) / total if total else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0


def load(folder: Path = CORPUS) -> list[Note]:
    """Every note of every .jsonl file in `folder`, in file and line order."""
    notes = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                notes.append(
                    Note(
                        raw["id"],
                        raw["usage"],
                        raw["profession"],
                        raw["text"],
                        tuple((i["text"], i["category"]) for i in raw["identifiers"]),
                        tuple((w["text"], w["category"]) for w in raw.get("warnings", ())),
                    )
                )
    return notes


def occurrences(text: str, part: str) -> list[tuple[int, int]]:
    """Every (start, end) where `part` stands in `text`."""
    spans, start = [], text.find(part)
    while part and start >= 0:
        spans.append((start, start + len(part)))
        start = text.find(part, start + 1)
    return spans


def _overlaps(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def score(notes: Iterable[Note], find: Callable[[str], list[tuple[int, int, str]]]) -> Score:
    """How `find` (text -> spans with their text) does on `notes`."""
    result = Score()
    for note in notes:
        found = find(note.text)
        found_spans = [(start, end) for start, end, _ in found]
        allowed = []
        for part, category in note.identifiers:
            for span in occurrences(note.text, part):
                allowed.append(span)
                result.expected[category] += 1
                if _overlaps(span, found_spans):
                    result.caught[category] += 1
                else:
                    result.missed.append((note.id, category, part))
        for part, _ in note.warnings:
            allowed += occurrences(note.text, part)
        for start, end, text in found:
            result.found += 1
            if _overlaps((start, end), allowed):
                result.right += 1
            else:
                result.wrong.append((note.id, text))
    return result
