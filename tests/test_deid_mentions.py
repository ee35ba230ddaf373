"""Mentions of biometrics and photos (Safe Harbor 16 and 17), measured on 60 notes a
helper wrote without seeing the rules (tests/deid_mentions/: 25 biometric and 25 photo
mentions in UK, US, French and Spanish usage, and 20 notes with near-misses only).

Measured once, before any change for it (2026-12-02): biometric 72% (18/25), photo 72%
(18/25), precision of the mention findings 86% (36/42). Below CLINICAL.md's 80% per
category: the mention rules are phrase lists and meet wording they have not seen. The
floors hold the figures measured; a change may raise them, never lower them.
"""

from __future__ import annotations

from pathlib import Path

from sharing.deidentify import find_identifiers
from tests import figures
from tests.deid_scoring import load, score

MENTIONS = Path(__file__).resolve().parent / "deid_mentions"
FLOORS = {"biometric": 0.72, "photo": 0.72}
PRECISION_FLOOR = 0.85


def _mentions(text: str) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.text) for f in find_identifiers(text) if f.kind in FLOORS]


def test_mentions_of_biometrics_and_photos_on_blind_notes_never_fall() -> None:
    notes = load(MENTIONS)
    assert len(notes) == 60 and sum(1 for n in notes if not n.identifiers) == 20
    result = score(notes, _mentions)
    figures.report(
        "de-identification, blind mention notes (60): "
        + ", ".join(
            f"{c} {result.recall([c]):.0%} ({result.caught[c]}/{result.expected[c]})"
            for c in FLOORS
        )
        + f", precision {result.precision:.0%} ({result.right}/{result.found}); target 80%"
    )
    for category, floor in FLOORS.items():
        assert result.recall([category]) >= floor, category
    assert result.precision >= PRECISION_FLOOR
