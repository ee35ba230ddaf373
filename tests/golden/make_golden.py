"""Make `golden-v1.journal`, the committed journal that every later version must open.

Run once, by hand, from the project folder:

    .venv/bin/python -m tests.golden.make_golden

The tests never run this script; they only open (a copy of) the file it made. Never
regenerate the committed file: a new format version gets a new golden file beside it.
The passphrase and recovery key printed here are test data, hard-coded in
tests/test_journal.py together with the records below.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

from storage import crypto, keyslots
from storage.records import (
    Answer,
    Client,
    Estimate,
    Feedback,
    Reflection,
    Session,
    Settings,
)

HERE = Path(__file__).resolve().parent
TARGET = HERE / "golden-v1.journal"
PASSPHRASE = "golden journal \u00e9t\u00e9 passphrase \u2713"  # composed é: NFC on disk
# KDF at the floor (64 MiB, t=3): never lower, even for test data
PARAMS = crypto.KdfParams(salt=b"golden-salt-v1!!", memory_kib=65536, iterations=3, lanes=4)

# Awkward text: emoji (ZWJ sequence, skin tone, flag), NUL, CRLF, a lone CR, tab,
# Arabic and Hebrew (right-to-left) with a right-to-left mark, combining accents,
# a BOM and a line separator.
AWKWARD = (
    "Felt \U0001f62c then \U0001f469\U0001f3fd\u200d\u2695\ufe0f calm \U0001f1f3\U0001f1f4;"
    " NUL[\x00] CRLF[\r\n] CR[\r] TAB[\t];"
    " \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0639\u0631\u0628\u064a"
    " / \u05e2\u05d1\u05e8\u05d9\u05ea \u05e9\u05dc\u05d5\u05dd\u200f;"
    " cafe\u0301 \ufeffBOM \u2028LS"
)

ID_SETTINGS = "0000000000000000000000000000a001"
ID_CLIENT = "0000000000000000000000000000c014"
ID_SESSION = "00000000000000000000000000005e51"
ID_ESTIMATE = "00000000000000000000000000000e57"
ID_FEEDBACK = "00000000000000000000000000000fb1"
ID_REFLECTION = "000000000000000000000000000000f1"
ID_TRASHED = "000000000000000000000000000000f2"
AT = datetime(2025, 3, 4, 17, 30, tzinfo=UTC)


def main() -> int:
    if TARGET.exists():
        print(f"{TARGET} exists: the golden file is never regenerated.", file=sys.stderr)
        return 1
    journal, recovery_key = keyslots.create(TARGET, PASSPHRASE, PARAMS)
    journal.save(
        Settings(
            profession="physiotherapy", idle_minutes=15, hidden_prompts=["p-1"], id=ID_SETTINGS
        )
    )
    journal.save(
        Client(
            code="C-014",
            alias="\u0633\u0627\u0631\u0629 / \u05e9\u05e8\u05d4 \U0001f33f",
            started_on=date(2024, 1, 15),
            goals="Walk again\r\nSleep\x00through",
            id=ID_CLIENT,
        )
    )
    journal.save(
        Session(
            client_id=ID_CLIENT,
            date=date(2025, 3, 4),
            number=7,
            modality="video",
            duration_minutes=45,
            id=ID_SESSION,
        )
    )
    journal.save(
        Estimate(
            session_id=ID_SESSION,
            instrument="sac4",
            items={"bond": 3, "goals": 2},
            presence=8,
            withdrawal_markers=["silence"],
            recorded_at=AT,
            id=ID_ESTIMATE,
        )
    )
    journal.save(
        Feedback(
            session_id=ID_SESSION,
            instrument="sac4",
            items={"bond": 4, "goals": 3},
            comment="\u0634\u0643\u0631\u0627\u064b \U0001f64f \u05ea\u05d5\u05d3\u05d4\r\n",
            source="kiosk",
            recorded_at=AT,
            id=ID_FEEDBACK,
        )
    )
    reflection = Reflection(
        session_id=ID_SESSION,
        client_id=ID_CLIENT,
        framework="gibbs",
        focus_domains=["alliance", "presence"],
        answers=[Answer("p-what", "What happened?", "first draft of the answer")],
        reactions={"helpless/inadequate": 2, "positive": 1},
        free_text="revision one",
        next_step="ask about the week",
        tags=["rupture"],
        written_at=AT,
        id=ID_REFLECTION,
    )
    journal.save(reflection)  # revision 1
    reflection.answers = [Answer("p-what", "What happened? \u2014 \u00bfQu\u00e9?", AWKWARD)]
    reflection.free_text = AWKWARD
    reflection.next_step = "\u05dc\u05e9\u05d0\u05d5\u05dc \u0627\u0633\u0623\u0644\r\n\x00"
    reflection.tags = ["rupture", "\U0001f3f7\ufe0f", "\u05e2\u05d1\u05e8\u05d9\u05ea"]
    reflection.flagged_for_supervision = True
    journal.save(reflection)  # revision 2
    journal.save(Reflection(free_text="to the trash \U0001f5d1", written_at=AT, id=ID_TRASHED))
    journal.delete(ID_TRASHED)  # revision 2, in the trash
    journal.save_draft("reflect", {"free_text": "half-written \u2026\r\n\x00", "rating": 7})
    journal.lock()
    print(f"wrote {TARGET}")
    print(f"passphrase:   {PASSPHRASE!r}")
    print(f"recovery key: {recovery_key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
