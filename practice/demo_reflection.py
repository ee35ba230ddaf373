"""The demo's reflections: 150-400 words composed from the templates of demo_sentences.toml.

Prompts and answers from the focus domains, free text on what happened (a rupture, an
ending, tiredness), reactions, tags and a next step, all from the seeded generator.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from random import Random

from practice.caseload import CONFRONTATION_MARKERS, WITHDRAWAL_MARKERS
from practice.demo_course import PlannedClient, random_id
from practice.demo_text import (
    ARRIVALS,
    BODY_PARTS,
    ENDING_NEXT_STEPS,
    EVENT_SENTENCES,
    FEELINGS,
    MARKER_TEXT,
    MOMENTS,
    NEXT_STEPS,
    OPENERS,
    PHYSICAL_NEXT_STEPS,
    PHYSICAL_PROMPTS,
    PHYSICAL_SENTENCES,
    PROMPTS,
    SENTENCES,
    TOPICS,
)
from prompts.library import builtin_library
from storage.records import REACTIONS, Answer, Reflection

MIN_WORDS, MAX_WORDS = 150, 400
P_FLAG = 0.04


@functools.cache
def framework_ids() -> tuple[str, ...]:
    """Every framework the Reflect screen offers, free reflection first."""
    return tuple(framework.id for framework in builtin_library().framework_choices())


@dataclass
class Visit:
    """What one held session was like, for the text of its reflection."""

    client: PlannedClient
    number: int
    event: str | None
    aware: bool
    markers: list[str]
    fatigue: bool
    ending: bool


def _focus(rng: Random, visit: Visit) -> list[str]:
    """2-3 focus domains: alliance after a rupture, boundaries often for hands-on work."""
    focus = []
    if visit.event or visit.ending:
        focus.append("alliance")
    if visit.client.physical and rng.random() < 0.6:
        focus.append("boundaries")
    if visit.fatigue:
        focus.append("presence")
    others = [d for d in SENTENCES if d not in focus]
    want = rng.randint(2, 3)
    focus.extend(rng.sample(others, max(0, want - len(focus))))
    return focus[:3]


def _pool(domain: str, physical: bool) -> tuple[str, ...]:
    return _POOLS[(domain, physical)]


_POOLS = {
    (d, p): SENTENCES[d] + (PHYSICAL_SENTENCES.get(d, ()) * 2 if p else ())
    for d in SENTENCES
    for p in (False, True)
}
_PROMPT_POOLS = {
    (d, p): [(f"demo-{d}-{k + 1}", t) for k, t in enumerate(PROMPTS[d])]
    + (
        [(f"demo-{d}-{len(PROMPTS[d]) + k + 1}", t) for k, t in enumerate(PHYSICAL_PROMPTS[d])]
        if p and d in PHYSICAL_PROMPTS
        else []
    )
    for d in PROMPTS
    for p in (False, True)
}


def _slots(rng: Random, visit: Visit) -> dict[str, object]:
    pain_p = rng.randint(2, 8)
    marker = rng.choice(visit.markers) if visit.markers else rng.choice(WITHDRAWAL_MARKERS)
    return {
        "moment": rng.choice(MOMENTS),
        "feeling": rng.choice(FEELINGS),
        "topic": rng.choice(TOPICS),
        "part": rng.choice(BODY_PARTS),
        "pain_p": pain_p,
        "pain_t": max(0, pain_p - rng.randint(1, 3)),  # practitioners underestimate pain
        "marker": MARKER_TEXT[marker],
        "arrival": rng.choice(ARRIVALS),
        "n": visit.number,
        "code": visit.client.record.code,
    }


def _words(text: str) -> int:
    """Word count of our own single-spaced sentences (cheaper than split)."""
    return text.count(" ") + 1 if text else 0


def _answers(rng: Random, visit: Visit, focus: list[str], slots, budget: int, used) -> list[Answer]:
    """3-4 prompts from the focus domains, each answered with a few sentences."""
    physical = visit.client.physical
    count = rng.randint(3, 4)
    share = budget // count
    answers = []
    asked: set[str] = set()
    for k in range(count):
        domain = focus[k % len(focus)]
        choices = [p for p in _PROMPT_POOLS[(domain, physical)] if p[0] not in asked]
        prompt_id, prompt_text = rng.choice(choices)
        asked.add(prompt_id)
        sentences, words = [], 0
        while not sentences or words < share:
            template = _take(rng, _pool(domain, physical), used)
            if template is None:
                break
            sentences.append(template.format_map(slots))
            words += _words(sentences[-1])
        answers.append(Answer(prompt_id, prompt_text, " ".join(sentences)))
    return answers


def _take(rng: Random, pool: tuple[str, ...], used: set[str]) -> str | None:
    """A template not yet used in this reflection (None when the pool is spent)."""
    for _ in range(4):  # a few random tries are enough while the pool is fresh
        template = rng.choice(pool)
        if template not in used:
            used.add(template)
            return template
    fresh = [t for t in pool if t not in used]
    if not fresh:
        return None
    used.add(template := rng.choice(fresh))
    return template


def _events(rng: Random, visit: Visit) -> list[str]:
    """What happened that the free text mentions: the rupture, the ending, fees, culture."""
    keys = []
    if visit.event == "rupture":
        keys.append("rupture-seen" if visit.aware else "rupture-missed")
    elif visit.event:
        keys.append(visit.event)
    if visit.ending:
        keys.append("ending")
    if visit.fatigue:
        keys.append("fatigue")
    if rng.random() < 0.03:
        keys.append("money")
    if rng.random() < 0.04:
        keys.append("cultural")
    return keys


def _fit(answers: list[Answer], fixed: int, rng: Random, visit, focus, slots, used) -> None:
    """Trim or extend answers so the reflection has 150-400 words."""
    total = fixed + sum(_words(a.answer) for a in answers)
    while total > MAX_WORDS:
        longest = max(answers, key=lambda a: _words(a.answer))
        head, _, tail = longest.answer.rpartition(". ")
        if not head:
            break
        total -= _words(tail)
        longest.answer = head + "."
    domains = focus + [d for d in SENTENCES if d not in focus]  # spill over when spent
    while total < MIN_WORDS and domains:
        template = _take(rng, _pool(domains[0], visit.client.physical), used)
        if template is None:
            domains.pop(0)
            continue
        extra = template.format_map(slots)
        shortest = min(answers, key=lambda a: _words(a.answer))
        shortest.answer = f"{shortest.answer} {extra}".strip()
        total += _words(extra)


def _reactions(rng: Random, visit: Visit) -> dict[str, int]:
    """All eight dimensions rated 0-3, most at 0; ruptures and endings colour them."""
    if rng.random() < 0.1:
        return {}  # not rated this time
    scores = dict.fromkeys(REACTIONS, 0)
    for name in rng.sample(REACTIONS[:4] + REACTIONS[5:], rng.randint(0, 2)):
        scores[name] = rng.randint(1, 2)
    if rng.random() < 0.6:
        scores["positive"] = rng.randint(1, 3)
    if visit.event in ("rupture", "unrepaired"):
        attacked = any(m in CONFRONTATION_MARKERS for m in visit.markers)
        hit = (
            "criticized/mistreated"
            if attacked
            else rng.choice(("helpless/inadequate", "disengaged"))
        )
        scores[hit] = rng.randint(2, 3)
    if visit.ending:
        scores["parental/protective"] = max(scores["parental/protective"], rng.randint(1, 2))
    if visit.fatigue:
        scores["overwhelmed/disorganized"] = rng.randint(1, 3)
    return scores


def _tags(rng: Random, visit: Visit, focus: list[str], events: list[str]) -> list[str]:
    """Tags the Entries filter offers: what happened, what kind of work, how I was."""
    tags = []
    if visit.event in ("rupture", "unrepaired"):
        tags.append("rupture")
    if visit.event == "repair":
        tags.append("repair")
    if visit.ending:
        tags.append("endings")
    if visit.client.physical:
        tags.append("touch-consent" if "boundaries" in focus else "pain")
    if visit.fatigue:
        tags.append("fatigue")
    tags.extend(k for k in ("money", "cultural") if k in events)
    if not tags and rng.random() < 0.2:
        tags.append(rng.choice(("self-disclosure", "contact", "goals")))
    return tags


def reflection(rng: Random, visit: Visit, session_id: str, written_at: datetime) -> Reflection:
    """A 150-400 word reflection on one held session, composed from the templates."""
    slots = _slots(rng, visit)
    focus = _focus(rng, visit)
    flavour = "physical" if visit.client.physical else "talk"
    opener = rng.choice(OPENERS[flavour]).format_map(slots) if rng.random() < 0.6 else ""
    events = _events(rng, visit)
    told = [rng.choice(EVENT_SENTENCES[k]).format_map(slots) for k in events]
    free_text = " ".join([opener, *told]).strip()
    steps = NEXT_STEPS + (PHYSICAL_NEXT_STEPS if visit.client.physical else ())
    steps = ENDING_NEXT_STEPS if visit.ending and rng.random() < 0.5 else steps
    next_step = rng.choice(steps).format_map(slots)
    fixed = (_words(free_text) if free_text else 0) + _words(next_step)
    target = int(rng.triangular(170, 390, 320))
    used: set[str] = set()
    answers = _answers(rng, visit, focus, slots, target - fixed, used)
    _fit(answers, fixed, rng, visit, focus, slots, used)
    flag_p = {"rupture": 0.35, "unrepaired": 0.7}.get(visit.event or "", P_FLAG)
    return Reflection(
        session_id=session_id,
        client_id=visit.client.record.id,
        framework=rng.choice(framework_ids()),
        focus_domains=focus,
        answers=answers,
        reactions=_reactions(rng, visit),
        free_text=free_text,
        next_step=next_step,
        tags=_tags(rng, visit, focus, events),
        flagged_for_supervision=rng.random() < flag_p,
        written_at=written_at,
        id=random_id(rng),
    )
