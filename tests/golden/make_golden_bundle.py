"""Make `bundle-v1.rjshare`, a bundle of entries every later version must import.

Run once, by hand, from the project folder:

    .venv/bin/python -m tests.golden.make_golden_bundle

It writes the bundle (addressed to a supervisor, with every include option and the
year) and `bundle-v1-keys.json`: both journals' sharing identities and the payload as
sent. They are test data, used only by tests/test_payload.py; the committed files were
made by the app before the payload had a type (`sharing.payload`). Never regenerate
them: a new bundle format gets a new golden file beside them.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from prompts.library import builtin_library
from sharing import exchange, keys, share
from sharing.identity import new_identity
from storage import crypto, keyslots
from storage.journal import Journal
from storage.records import Answer, Client, Estimate, Feedback, Identity, Reflection, Session

HERE = Path(__file__).resolve().parent
BUNDLE = HERE / "bundle-v1.rjshare"
KEYS = HERE / "bundle-v1-keys.json"
PARAMS = crypto.KdfParams(salt=b"golden-bundle-v1", memory_kib=65536, iterations=3, lanes=4)
AT = datetime(2026, 3, 9, 17, 30, tzinfo=UTC)
# Awkward text that must travel unchanged: emoji, right-to-left, CRLF, a combining accent
AWKWARD = "Felt \U0001f62c then calm; \u05e9\u05dc\u05d5\u05dd\u200f CRLF[\r\n] cafe\u0301"


def fill(journal: Journal) -> list[Reflection]:
    """Two clients, scored sessions and three reflections (one free-standing)."""
    ash, elm = Client(code="C-101", alias="Wrenna"), Client(code="C-202")
    journal.save_all([ash, elm])
    shared = []
    for client, number, day, total in ((ash, 1, 2, 6), (elm, 1, 4, 8), (ash, 2, 9, 7)):
        session = Session(client_id=client.id, date=date(2026, 3, day), number=number)
        journal.save(session)
        journal.save(Estimate(session.id, "sac4", {"goals": total, "tasks": 6, "bond": 8}))
        journal.save(Feedback(session.id, "sac4", {"goals": 9, "tasks": 9, "bond": total}))
        reflection = Reflection(
            session_id=session.id,
            client_id=client.id,
            framework="gibbs",
            focus_domains=["alliance"],
            answers=[Answer("p-1", "What did I notice?", f"Wrenna was quiet. {AWKWARD}")],
            reactions={"parental/protective": 2, "disengaged": 0},
            free_text="Email wrenna.b@example.org later.",
            next_step="Ask about the silence.",
            tags=["rupture"],
            flagged_for_supervision=True,
            written_at=AT,
        )
        journal.save(reflection)
        shared.append(reflection)
    free = Reflection(free_text="A free reflection on tiredness.", written_at=AT)
    journal.save(free)
    return [*shared, free]


def main() -> int:
    if BUNDLE.exists():
        print(f"{BUNDLE} exists: the golden bundle is never regenerated.", file=sys.stderr)
        return 1
    supervisee_keys, supervisor_keys = new_identity(), new_identity()
    with tempfile.TemporaryDirectory() as folder:
        journal, _ = keyslots.create(Path(folder) / "golden.journal", "golden bundle", PARAMS)
        journal.save(Identity(keys=supervisee_keys.to_dict()))
        card = supervisor_keys.public_card("Dr Vale")
        keys.pin_contact(journal, card.to_text(), card.fingerprint, "supervisor", "Dr Vale")
        chosen = fill(journal)
        picked = [c for c in share.candidates(journal, share.ShareFilter(flagged_only=False))]
        picked = [c for c in picked if c.id in {r.id for r in chosen}]
        shared = share.review(journal, picked, share.INCLUDE_OPTIONS, keep_year=True)
        decisions = {
            share.finding_key(p, f): "keep" if f.kind == "email" else "redact"
            for p, f in shared.findings()
        }
        content = share.payload(journal, shared, decisions, builtin_library().instruments)
        data = exchange.send_entries(journal, content, to=keys.contacts(journal))
        journal.lock()
    BUNDLE.write_bytes(data)
    KEYS.write_text(
        json.dumps(
            {
                "supervisee": supervisee_keys.to_dict(),
                "supervisor": supervisor_keys.to_dict(),
                "payload": content.to_json(),
            },
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {BUNDLE} and {KEYS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
