"""A synthetic journal for trying the app, tests and the benchmark.

Invented clients known only by codes (C-014), sessions spread over years, the
practitioner's blind estimate and the patient's feedback on SAC-4 (with V-shaped
ruptures, repairs and a few unrepaired ones), a 150-400 word reflection per session
composed from original sentence templates (demo_sentences.toml), and for most clients an
outcome score at the start of each session (PHQ-9, GAD-7, CORE-10, pain, PSFS, one ORS)
with a few of your calls on their course. Nothing here describes a real person. The
instrument's items, the measures, the frameworks and the rupture markers are the app's
own (prompts/, practice.caseload), so the demo writes only what the app offers. The
same seed (and the same `today`) always gives the same records, ids included.

The plan of each course is in demo_course.py, the reflections in demo_reflection.py,
the outcome scores in demo_outcomes.py; this module turns them into records, writes the
journal and is the command line.

    python -m practice.demo --sessions 400 [--data-dir DIR] [--name demo]
                           [--passphrase "four words you like"] [--seed 0]
"""

from __future__ import annotations

import argparse
import math
import secrets
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from random import Random
from time import perf_counter

from practice.caseload import CONFRONTATION_MARKERS, WITHDRAWAL_MARKERS
from practice.demo_course import INSTRUMENT, PlannedClient, instrument_items, plan, random_id
from practice.demo_outcomes import OutcomePlan
from practice.demo_reflection import Visit, reflection
from practice.demo_text import COMMENTS, CRITICAL_COMMENTS, PASSPHRASE_WORDS
from storage import crypto, keyslots, paths
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Estimate, Feedback, Session

APP_DEMO_SESSIONS = 400  # the app's "Try with demo data": a few years, written in about a second
CHUNK = 5000  # records per add_many transaction: one fsync per chunk, bounded memory

# Rates per session; small on purpose so the demo looks like ordinary practice.
P_FEEDBACK_FIRST = 0.01
P_COMMENT = 0.1
P_FALSE_ALARM = 0.04
P_FATIGUE = 0.06


# ---- passphrases and names ---------------------------------------------------------------


def memorable_passphrase(words: int = 4) -> str:
    """Distinct random words joined by spaces, from the OS random source (never from the
    seed); a repeated word would make it easier to guess."""
    return " ".join(secrets.SystemRandom().sample(PASSPHRASE_WORDS, words))


def free_demo_name(folder: Path | None = None) -> str:
    """'demo', or 'demo-2', 'demo-3'... : the first name with no journal in `folder`."""
    taken = set(paths.list_journals(folder))
    name, n = paths.DEMO_NAME, 1
    while name in taken:
        n += 1
        name = f"{paths.DEMO_NAME}-{n}"
    return name


# ---- records ------------------------------------------------------------------------


def _clamp(value: float) -> int:
    return 0 if value < 0 else 10 if value > 10 else int(round(value))


def _scores(
    rng: Random, client: PlannedClient, i: int
) -> tuple[dict[str, int], list[float], float]:
    """Patient item scores, the practitioner's expected items and the drop's size."""
    warmup = 0.8 * math.exp(-i / 4)  # the alliance builds over the first sessions
    items = instrument_items()
    drop = client.drops[i] or [0.0] * len(items)
    noise = 0.15 if client.base[0] == 10.0 else 0.5
    patient, expected = {}, []
    for k, item in enumerate(items):
        level = client.base[k] - warmup
        patient[item] = _clamp(level - drop[k] + rng.gauss(0, noise))
        expected.append(level)
    return patient, expected, sum(drop)


def _estimate_items(rng: Random, client, expected, drop, aware) -> dict[str, int]:
    """The practitioner's read: lower than the patient's on average, tracks a seen drop."""
    seen = 0.7 if aware else 0.1
    items = instrument_items()
    share = drop / len(items)
    return {
        item: _clamp(expected[k] - client.bias - seen * share + rng.gauss(0, 0.9))
        for k, item in enumerate(items)
    }


def _markers(rng: Random, event: str | None, aware: bool) -> tuple[list[str], list[str]]:
    """Withdrawal and confrontation markers ticked: on seen ruptures and a few false alarms."""
    if event == "rupture" and aware:
        if rng.random() < 0.6:
            return rng.sample(WITHDRAWAL_MARKERS, rng.randint(1, 2)), []
        return [], rng.sample(CONFRONTATION_MARKERS, rng.randint(1, 2))
    if rng.random() < P_FALSE_ALARM:
        pick = rng.choice(WITHDRAWAL_MARKERS + CONFRONTATION_MARKERS)
        return ([pick], []) if pick in WITHDRAWAL_MARKERS else ([], [pick])
    return [], []


def _times(
    rng: Random, day: date, client: PlannedClient, limit: datetime
) -> tuple[datetime, datetime, str]:
    """When the estimate and the feedback were recorded, and the feedback's source."""
    start = datetime.combine(day, client.slot, tzinfo=UTC)
    estimate_at = start + timedelta(minutes=client.duration + rng.uniform(2, 25))
    source = rng.choices(("kiosk", "paper", "csv"), (60, 35, 5))[0]
    if rng.random() < P_FEEDBACK_FIRST:  # kiosk first, estimate typed in that evening
        feedback_at = start + timedelta(minutes=client.duration + rng.uniform(1, 5))
        # at most 3 h later: the last slot (18:30) still lands before midnight
        return feedback_at + timedelta(hours=rng.uniform(1, 3)), feedback_at, "kiosk"
    if source == "kiosk":
        later = timedelta(minutes=rng.uniform(1, 8))
    elif source == "paper":
        later = timedelta(hours=rng.uniform(0.5, 72))
    else:
        later = timedelta(days=rng.uniform(3, 30))
    feedback_at = estimate_at + later
    if feedback_at >= limit:  # nothing is recorded in the future
        feedback_at, source = estimate_at + timedelta(minutes=rng.uniform(1, 8)), "kiosk"
    return estimate_at, feedback_at, source


def _session_records(
    rng: Random, client: PlannedClient, i: int, limit: datetime
) -> Iterator[object]:
    """The Session, and for a held session its Estimate, Feedback and Reflection."""
    day, number = client.dates[i], i + 1
    modality = client.modality
    if not client.physical and rng.random() < 0.08:
        modality = rng.choice(("in person", "video", "phone"))
    session = Session(
        client_id=client.record.id,
        date=day,
        number=number,
        modality=modality,
        duration_minutes=client.duration,
        late_cancellation=client.cancelled[i],
        id=random_id(rng),
    )
    yield session
    if session.late_cancellation:
        return
    patient, expected, drop = _scores(rng, client, i)
    event = client.events[i]
    aware = event == "rupture" and rng.random() < 0.55
    withdrawal, confrontation = _markers(rng, event, aware)
    fatigue = rng.random() < P_FATIGUE
    estimate_at, feedback_at, source = _times(rng, day, client, limit)
    yield Estimate(
        session_id=session.id,
        instrument=INSTRUMENT,
        items=_estimate_items(rng, client, expected, drop, aware),
        presence=_clamp(rng.gauss(7.5, 1.2) - (3 if fatigue else 0)),
        withdrawal_markers=withdrawal,
        confrontation_markers=confrontation,
        recorded_at=estimate_at,
        id=random_id(rng),
    )
    if not client.missing[i]:
        yield Feedback(
            session_id=session.id,
            instrument=INSTRUMENT,
            items=patient,
            comment=_comment(rng, event),
            source=source,
            recorded_at=feedback_at,
            id=random_id(rng),
        )
    ending = client.record.status == "ended" and i >= len(client.dates) - 3
    visit = Visit(client, number, event, aware, withdrawal + confrontation, fatigue, ending)
    written = estimate_at + timedelta(minutes=rng.uniform(5, 90))
    yield reflection(rng, visit, session.id, min(written, limit - timedelta(minutes=1)))


def _comment(rng: Random, event: str | None) -> str:
    if event in ("rupture", "unrepaired") and rng.random() < 0.4:
        return rng.choice(CRITICAL_COMMENTS)
    return rng.choice(COMMENTS) if rng.random() < P_COMMENT else ""


# ---- public -------------------------------------------------------------------------


def generate(sessions: int, seed: int = 0, today: date | None = None) -> Iterator[object]:
    """Every record of a demo journal: clients first, then session by session in time
    order, then the outcome scores and your calls on each client's course.

    Lazy, so 50k sessions never sit in memory twice; deterministic for (sessions, seed,
    today). `today` defaults to the current UTC date; sessions end before it.
    """
    if sessions < 1:
        raise ValueError("a demo needs at least one session")
    rng = Random(seed)
    today = today or datetime.now(UTC).date()
    limit = datetime.combine(today, time(0), tzinfo=UTC)
    clients = plan(rng, sessions, today)
    outcomes = OutcomePlan(clients, seed)  # gives each client their outcome measure
    yield from (c.record for c in clients)
    order = sorted(
        ((c.dates[i], c.slot, n, i) for n, c in enumerate(clients) for i in range(len(c.dates))),
    )
    for _day, _slot, n, i in order:
        for record in _session_records(rng, clients[n], i, limit):
            outcomes.note(n, record)
            yield record
    # last: each client's outcome change is built on the early ratings written above
    yield from outcomes.records(limit)


def build_demo(
    path: Path,
    passphrase: str,
    sessions: int,
    seed: int = 0,
    params: crypto.KdfParams | None = None,
    today: date | None = None,
) -> tuple[Journal, str]:
    """Create a demo journal at `path` (never over an existing one) and fill it.

    Returns the unlocked journal and the recovery key. `params` lets tests use the
    Argon2id floor; nothing lower is accepted by `crypto`.
    """
    journal, recovery = keyslots.create(path, passphrase, params)
    try:
        chunk: list[object] = []
        for record in generate(sessions, seed, today):
            chunk.append(record)
            if len(chunk) >= CHUNK:
                journal.add_many(chunk)
                chunk = []
        if chunk:
            journal.add_many(chunk)
    except BaseException:
        journal.lock()  # a half-written demo stays on disk, openable, and is never reused
        raise
    return journal, recovery


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m practice.demo", description="Write a demo journal of invented sessions."
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="folder of journals")
    parser.add_argument("--name", default=paths.DEMO_NAME, help="journal name (default: demo)")
    parser.add_argument("--passphrase", default=None, help="default: 4 random words, printed")
    parser.add_argument("--sessions", type=int, default=APP_DEMO_SESSIONS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Command line entry; prints the path, the passphrase and the recovery key."""
    args = _parse(argv)
    passphrase = args.passphrase or memorable_passphrase()
    started = perf_counter()
    try:
        path = paths.journal_path(args.name, args.data_dir or paths.data_dir())
        journal, recovery = build_demo(path, passphrase, args.sessions, args.seed)
    except JournalError as error:
        print(error, file=sys.stderr)
        return 1
    journal.lock()
    seconds = perf_counter() - started
    print(f"Demo journal: {path}")
    print(f"Sessions: {args.sessions} (seed {args.seed}), written in {seconds:.1f} s")
    # a passphrase the user typed is not echoed into terminal logs; a generated one must be
    print(f"Passphrase: {passphrase}" if not args.passphrase else "Passphrase: (as given)")
    print(f"Recovery key: {recovery}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
