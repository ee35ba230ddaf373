"""Mentions of biometrics and photos (Safe Harbor 16 and 17), measured on notes helpers
wrote without seeing the rules, 60 per corpus (25-27 biometric and 25 photo mentions in
UK, US, French and Spanish usage, and 20 notes with near-misses only):

- tests/deid_mentions/ was measured once before any change for it (2026-12-02: biometric
  72%, photo 72%, precision 86%), then read: the mention rules were rewritten from its
  misses, so its figures now flatter them;
- tests/deid_mentions2/ arrived after that rewrite and was measured once (biometric 78%
  (21/27), photo 84% (21/25), precision 98%): the honest figures. Biometrics stay below
  CLINICAL.md's 80%: the rules are phrase lists and meet wording they have not seen.

The floors hold the figures measured; a change may raise them, never lower them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sharing.deidentify import find_identifiers
from tests import figures
from tests.deid_scoring import load, score

HERE = Path(__file__).resolve().parent
# corpus: (folder, {category: recall floor}, precision floor)
CORPORA = {
    "read while building": (HERE / "deid_mentions", {"biometric": 0.96, "photo": 1.0}, 0.95),
    "blind": (HERE / "deid_mentions2", {"biometric": 0.77, "photo": 0.84}, 0.95),
}


def _mentions(text: str) -> list[tuple[int, int, str]]:
    kinds = ("biometric", "photo")
    return [(f.start, f.end, f.text) for f in find_identifiers(text) if f.kind in kinds]


@pytest.mark.parametrize("corpus", CORPORA)
def test_mentions_of_biometrics_and_photos_never_fall(corpus: str) -> None:
    folder, floors, precision_floor = CORPORA[corpus]
    notes = load(folder)
    assert len(notes) == 60 and sum(1 for n in notes if not n.identifiers) == 20
    result = score(notes, _mentions)
    figures.report(
        f"de-identification, mention notes ({corpus}, 60): "
        + ", ".join(
            f"{c} {result.recall([c]):.0%} ({result.caught[c]}/{result.expected[c]})"
            for c in floors
        )
        + f", precision {result.precision:.0%} ({result.right}/{result.found}); target 80%"
    )
    for category, floor in floors.items():
        assert result.recall([category]) >= floor, category
    assert result.precision >= precision_floor
