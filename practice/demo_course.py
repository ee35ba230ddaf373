"""The demo's plan: who is seen when, and how the alliance moves over each course.

Every random decision about a client's course of sessions is taken here, from the seeded
generator, before any record is written: dates, cancellations, missing feedback, and the
V-shaped drops of ruptures (repaired, or low for a few sessions).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from random import Random

from practice.demo_text import ALIASES, GOALS
from prompts.library import builtin_library
from storage.records import Client

INSTRUMENT = "sac4"
MIN_CLIENTS, MAX_CLIENTS = 10, 40
MAX_COURSE_DAYS = 20 * 365  # the longest a single client's course may run

# Rates per session; small on purpose so the demo looks like ordinary practice.
P_LATE_CANCEL = 0.025
P_MISSING_FEEDBACK = 0.07
P_RUPTURE = 0.035
P_REPAIRED = 0.8
# How much of a rupture's drop each item takes, relative: tasks and voice fall first.
DROP_WEIGHTS = {"tasks": 1.2, "voice": 1.3}


@functools.cache
def instrument_items() -> tuple[str, ...]:
    """The item ids of the demo's instrument, as the library defines them."""
    return tuple(item.id for item in builtin_library().instruments[INSTRUMENT].items)


@dataclass
class PlannedClient:
    """One invented client and every random decision about their course of sessions."""

    record: Client
    flavour: str  # "talk", "physio" or "osteo"
    slot: time
    duration: int
    modality: str
    base: list[float]
    bias: float
    dates: list[date] = field(default_factory=list)
    drops: list[list[float] | None] = field(default_factory=list)
    events: list[str | None] = field(default_factory=list)
    cancelled: list[bool] = field(default_factory=list)
    missing: list[bool] = field(default_factory=list)

    @property
    def physical(self) -> bool:
        return self.flavour != "talk"


def random_id(rng: Random) -> str:
    """A record id from the seeded generator: same seed, same ids."""
    return f"{rng.getrandbits(128):032x}"


def client_count(sessions: int) -> int:
    """10-40 clients: about one per 25 sessions."""
    return max(MIN_CLIENTS, min(MAX_CLIENTS, sessions // 25))


def _split(rng: Random, total: int, parts: int) -> list[int]:
    """`total` sessions over `parts` clients, unevenly, at least one each when possible."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [max(1 if total >= parts else 0, int(w * scale)) for w in weights]
    diff, i = total - sum(counts), 0
    while diff:  # nudge one session at a time until the sum is exact
        step = 1 if diff > 0 else -1
        if counts[i % parts] + step >= (1 if total >= parts else 0):
            counts[i % parts] += step
            diff -= step
        i += 1
    return counts


def _dates_back(rng: Random, end: date, count: int, cadence: int) -> list[date]:
    """`count` session dates ending on `end`, walking back by the cadence, weekdays only."""
    out, day = [], end
    for _ in range(count):
        if day.weekday() >= 5:  # weekends move back to Friday
            day -= timedelta(days=day.weekday() - 4)
        out.append(day)
        step = cadence + (rng.choice((-1, 1)) if rng.random() < 0.15 else 0)
        if rng.random() < 0.05:  # holidays and illness
            step += rng.choice((7, 7, 14, 21))
        day -= timedelta(days=max(2, step))
    out.reverse()
    return out


def _cadence(rng: Random, flavour: str, count: int) -> int:
    """Days between sessions: weekly-ish, hands-on work sometimes twice a week; tightened so
    no course runs longer than MAX_COURSE_DAYS (the 50k benchmark has only 40 clients)."""
    usual = rng.choice((3, 4, 7, 7, 14)) if flavour != "talk" else rng.choice((7, 7, 7, 7, 14))
    return max(3, min(usual, int(MAX_COURSE_DAYS / (count * 1.3 + 1))))


def _plan_clients(rng: Random, sessions: int, today: date) -> list[PlannedClient]:
    """Clients with their dates; some ended years ago, some active now."""
    n = client_count(sessions)
    counts = _split(rng, sessions, n)
    flavours = ["talk"] * n
    for i in rng.sample(range(n), max(2, n * 3 // 10)):  # about a third are hands-on work
        flavours[i] = rng.choice(("physio", "osteo"))
    clients = []
    for flavour, count in zip(flavours, counts, strict=True):
        client = _new_client(rng, flavour)
        # laid out to end yesterday first, then moved back by whole weeks (keeps weekdays)
        cadence = _cadence(rng, flavour, count)
        client.dates = _dates_back(rng, today - timedelta(days=1), count, cadence)
        clients.append(client)
    spans = [(c.dates[-1] - c.dates[0]).days if c.dates else 0 for c in clients]
    horizon = max(3 * 365, max(spans) + 60)  # several years; longer if one course is long
    busiest = spans.index(max(spans))  # always active, so any seed has a current client
    for k, (client, span) in enumerate(zip(clients, spans, strict=True)):
        room = (horizon - span) // 7  # weeks the course can move back and still fit
        ended = rng.random() >= 0.45 and room >= 6 and k != busiest
        weeks = rng.randint(6, room) if ended else rng.randint(0, 1)
        client.dates = [d - timedelta(weeks=weeks) for d in client.dates]
    clients.sort(key=lambda c: c.dates[0] if c.dates else today)
    _name_clients(rng, clients, today)
    return clients


def _new_client(rng: Random, flavour: str) -> PlannedClient:
    if flavour == "talk":
        modality = rng.choices(("in person", "video", "phone"), (65, 28, 7))[0]
        duration = 50
    else:
        modality, duration = (
            "in person",
            rng.choice((30, 45, 60) if flavour == "osteo" else (30, 45)),
        )
    ceiling = rng.random() < 0.12  # some patients give full marks every time
    items = instrument_items()
    base = [10.0] * len(items) if ceiling else [rng.uniform(8.2, 9.7) for _ in items]
    record = Client(
        code="",
        alias=rng.choice(ALIASES) if rng.random() < 0.3 else "",
        goals=rng.choice(GOALS[flavour]),
        instrument=INSTRUMENT,
        id=random_id(rng),
    )
    slot = time(rng.randint(8, 18), rng.choice((0, 30)))
    return PlannedClient(record, flavour, slot, duration, modality, base, rng.gauss(0.7, 0.5))


def _name_clients(rng: Random, clients: list[PlannedClient], today: date) -> None:
    """Codes in order of first session (C-003, C-004, C-007...), start dates and status."""
    number = rng.randint(1, 9)
    for client in clients:
        client.record.code = f"C-{number:03d}"
        number += rng.randint(1, 3)
        if client.dates:
            client.record.started_on = client.dates[0] - timedelta(days=rng.randint(3, 14))
            ended = (today - client.dates[-1]).days > 30
            client.record.status = "ended" if ended else "active"


def _plan_course(rng: Random, client: PlannedClient, forced_at: int | None) -> None:
    """Per session: the patient's drop (a V for a rupture), cancellations, missing feedback."""
    count = len(client.dates)
    client.drops = [None] * count
    client.events = [None] * count
    client.cancelled = [False] * count
    client.missing = [False] * count
    protected: set[int] = set()
    if forced_at is not None:  # one clear drop-and-repair the tests and Trends can rely on
        _rupture(rng, client, forced_at, repaired=True, depth=rng.uniform(9, 13))
        protected = set(range(forced_at - 3, forced_at + 3))
    free_from = 3
    for i in range(3, count - 1):
        if i < free_from or rng.random() >= P_RUPTURE:
            continue
        repaired = rng.random() < P_REPAIRED
        span = range(i - 3, i + (3 if repaired else 8))
        if protected.intersection(span):
            continue
        _rupture(rng, client, i, repaired, rng.uniform(6, 13))
        free_from = i + 8
    for i in range(1, count):
        if i not in protected and rng.random() < P_LATE_CANCEL:
            client.cancelled[i] = True
        unrepaired = client.events[i] == "unrepaired"
        p_missing = 0.3 if unrepaired else P_MISSING_FEEDBACK
        if i not in protected and rng.random() < p_missing:
            client.missing[i] = True


def _rupture(rng: Random, client: PlannedClient, at: int, repaired: bool, depth: float) -> None:
    """A sudden drop at `at`; then either a return (repair) or 2-4 low sessions."""
    weights = [rng.uniform(0.6, 1.4) * DROP_WEIGHTS.get(i, 1.0) for i in instrument_items()]
    total = sum(weights)
    shape = [w / total for w in weights]
    client.drops[at] = [depth * s for s in shape]
    client.events[at] = "rupture"
    count = len(client.dates)
    if repaired:
        if at + 1 < count:
            client.events[at + 1] = "repair"
        return
    low = rng.randint(2, 4)
    for k in range(1, low + 4):
        j = at + k
        if j >= count:
            break
        # low for a while, then a slow climb back
        level = rng.uniform(0.6, 0.9) if k <= low else 1 - (k - low) / 4
        client.drops[j] = [depth * level * s for s in shape]
        client.events[j] = "unrepaired" if k <= low else None


def plan(rng: Random, sessions: int, today: date) -> list[PlannedClient]:
    """Every client's course: dates, and per session a drop, cancellation or missing feedback.

    The client with the most sessions gets one clear drop-and-repair (when the course is
    long enough), so tests and Trends can rely on one."""
    clients = _plan_clients(rng, sessions, today)
    biggest = max(clients, key=lambda c: len(c.dates))
    for client in clients:
        count = len(client.dates)
        forced = rng.randint(3, min(count - 3, 12)) if client is biggest and count >= 7 else None
        _plan_course(rng, client, forced)
    return clients
