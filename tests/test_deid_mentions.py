"""Mentions of biometrics and photos (Safe Harbor 16 and 17), measured on notes helpers
wrote without seeing the rules (25-48 biometric and 25-39 photo mentions per corpus in UK,
US, French and Spanish usage, and 20 notes with near-misses only):

- tests/deid_mentions/ was measured once before any change for it (2026-12-02: biometric
  72%, photo 72%, precision 86%), then read: the mention rules were rewritten from its
  misses, so its figures now flatter them;
- tests/deid_mentions2/ arrived after that rewrite and was measured once (biometric 78%
  (21/27), photo 84% (21/25), precision 98%): the honest figures. Biometrics stay below
  CLINICAL.md's 80%: the rules are phrase lists and meet wording they have not seen.
  Its 6 misses were then read (2026-12-03) and the rules widened: a record word near a
  movement word, a recorded session or voice, screenshots of a call, scanners, genetic
  tests;
- tests/deid_mentions3/ (100 notes: 45 biometric, 35 photo, 20 near-misses) arrived after
  that and was measured once (2026-12-03: biometric 85% (41/48), photo 74% (29/39),
  precision 92%): photos now fell short. Its misses were read and the rules widened again
  (person-group photos, ID photos, photos of nieces and nephews, unlocking by face,
  motion analysis; bare "footprint", "empreinte", "huella" and "body image" no longer
  flagged), so its figures flatter them too;
- tests/deid_mentions4/ (100 notes) arrived after that and was measured once (2026-12-03:
  biometric 76% (37/49), photo 80% (28/35), precision 97%). Its misses were mostly words
  the lists lacked (snaps, clichés, slo-mo, force plates, e-signatures, paternity tests),
  so any photo is now flagged unless it is imaging, of a thing or an idiom, and the lists
  grew; its figures flatter the rules from then on;
- tests/deid_mentions5/ (100 notes) was measured once after that (2026-12-03: biometric
  72% (36/50), photo 77% (27/35), precision 93%): each new writer's wording still slipped
  past word lists. Its misses were read and the rules made broader rather than longer:
  any recording of anyone unless it is written notes, any video of someone moving unless
  it is a call or a lesson, photographing someone or their body, wearable traces, swabs;
- tests/deid_mentions6/ (100 notes) arrived after that change and was measured once
  (2026-12-03: biometric 83% (38/46), photo 92% (34/37), precision 95%). It has not been
  read: these are the honest figures, and the first blind ones above CLINICAL.md's 80%
  for both. Blind figures moved between 72% and 85% from one writer to the next, so a
  new writer's wording may still fall below it.

The floors hold the figures measured; a change may raise them, never lower them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sharing.deidentify import find_identifiers
from tests import figures
from tests.deid_scoring import load, score

HERE = Path(__file__).resolve().parent
# corpus: (folder, notes, {category: recall floor}, precision floor)
CORPORA = {
    "first, read": (HERE / "deid_mentions", 60, {"biometric": 0.96, "photo": 1.0}, 0.95),
    "second, read": (HERE / "deid_mentions2", 60, {"biometric": 1.0, "photo": 1.0}, 0.96),
    "third, read": (HERE / "deid_mentions3", 100, {"biometric": 0.95, "photo": 0.97}, 0.97),
    "fourth, read": (HERE / "deid_mentions4", 100, {"biometric": 0.95, "photo": 1.0}, 0.99),
    "fifth, read": (HERE / "deid_mentions5", 100, {"biometric": 1.0, "photo": 0.97}, 0.98),
    "sixth, blind": (HERE / "deid_mentions6", 100, {"biometric": 0.82, "photo": 0.91}, 0.94),
}


def _mentions(text: str) -> list[tuple[int, int, str]]:
    kinds = ("biometric", "photo")
    return [(f.start, f.end, f.text) for f in find_identifiers(text) if f.kind in kinds]


@pytest.mark.parametrize("corpus", CORPORA)
def test_mentions_of_biometrics_and_photos_never_fall(corpus: str) -> None:
    folder, size, floors, precision_floor = CORPORA[corpus]
    notes = load(folder)
    assert len(notes) == size and sum(1 for n in notes if not n.identifiers) == 20
    result = score(notes, _mentions)
    figures.report(
        f"de-identification, mention notes ({corpus}, {size}): "
        + ", ".join(
            f"{c} {result.recall([c]):.0%} ({result.caught[c]}/{result.expected[c]})"
            for c in floors
        )
        + f", precision {result.precision:.0%} ({result.right}/{result.found}); target 80%"
    )
    for category, floor in floors.items():
        assert result.recall([category]) >= floor, category
    assert result.precision >= precision_floor
