"""De-identification measured on notes written by people who never saw the rules, scored
by tests/deid_scoring.py: recall per Safe Harbor category, for person names, and
precision, printed after every run.

Three corpora, each written by helpers given only the categories and the issue:

- tests/deid_independent/ (310 notes) was read, misses and all, while the rules were
  built, so its figures flatter them;
- tests/deid_heldout/ (170 notes): its notes and misses were never read, but its
  per-category figures were watched while the rules were tuned;
- tests/deid_final/ (190 notes) arrived last and was measured once before anything was
  changed for it (2026-12-02: names 97.1%, all categories 93.6%, precision 94.7%;
  biometric 47%, photo 75%); the mention rules were then broadened once from general
  knowledge, without reading its notes (biometric 73%, photo 83%). Its other figures are
  the honest ones; its 6 remaining mention misses were then read and fixed, so for
  biometrics and photos the blind figures come from tests/deid_mentions/ instead
  (tests/test_deid_mentions.py).

CLINICAL.md's targets: names >= 95%, all categories >= 90%, each category >= 80%,
precision >= 85%. The floors below are the figures measured (2026-12-02): a change may
raise them, never lower them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sharing.deidentify import find_identifiers
from tests import figures
from tests.deid_scoring import CATEGORIES, CORPUS, WARNINGS, Note, load, occurrences, score

HELD_OUT = Path(__file__).resolve().parent / "deid_heldout"
FINAL = Path(__file__).resolve().parent / "deid_final"
# (names, all categories, precision) measured on each corpus; raise, never lower. Once only:
# the wider mention rules of 2026-12-03 also flag mentions these writers left unlisted
# ("she had recorded part of last session", "his Fitbit data"), which count against
# precision here (98.1% to 97.8%).
FLOORS = {
    "independent": (0.98, 0.94, 0.97),
    "held-out": (0.96, 0.94, 0.96),
    "final": (0.97, 0.94, 0.94),
}
CORPORA = {"independent": CORPUS, "held-out": HELD_OUT, "final": FINAL}


def _find(text: str) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.text) for f in find_identifiers(text)]


@pytest.mark.parametrize("corpus", CORPORA)
def test_the_corpus_is_large_varied_and_well_formed(corpus: str) -> None:
    notes = load(CORPORA[corpus])
    assert len({n.id for n in notes}) == len(notes)
    with_identifiers = [n for n in notes if n.identifiers]
    assert len(with_identifiers) >= 140 and len(notes) - len(with_identifiers) >= 30
    assert {n.usage for n in with_identifiers} == {"uk", "us", "fr", "es"}
    assert {n.profession for n in notes} >= {"counselling", "physiotherapy", "osteopathy"}
    for note in notes:
        for part, category in note.identifiers:
            assert category in CATEGORIES and occurrences(note.text, part), (note.id, part)
        for part, category in note.warnings:
            assert category in WARNINGS and occurrences(note.text, part), (note.id, part)
    kinds = Counter(category for n in notes for _, category in n.identifiers)
    assert kinds["name"] >= 200 and len(kinds) >= 18


def _report(corpus: str, notes: list[Note]) -> None:
    result = score(notes, _find)
    per_category = ", ".join(
        f"{c} {result.recall([c]):.0%} ({result.caught[c]}/{result.expected[c]})"
        for c in CATEGORIES
        if result.expected[c]
    )
    figures.report(f"de-identification, {corpus} notes, recall per category: {per_category}")
    for usage in ("uk", "us", "fr", "es"):
        part = score([n for n in notes if n.usage == usage], _find)
        figures.report(
            f"de-identification, {corpus} notes, {usage}: names {part.recall(['name']):.0%}, "
            f"all {part.recall():.0%}, precision {part.precision:.0%}"
        )
    figures.report(
        f"de-identification, {corpus} notes ({len(notes)}): names "
        f"{result.recall(['name']):.1%}, all categories {result.recall():.1%}, precision "
        f"{result.precision:.1%} ({result.right}/{result.found}); targets 95% / 90% / 85%"
    )


@pytest.mark.parametrize("corpus", CORPORA)
def test_recall_and_precision_on_independent_notes_never_fall(corpus: str) -> None:
    notes = load(CORPORA[corpus])
    _report(corpus, notes)
    result = score(notes, _find)
    names, everything, precision = FLOORS[corpus]
    assert result.recall(["name"]) >= names
    assert result.recall() >= everything
    assert result.precision >= precision
