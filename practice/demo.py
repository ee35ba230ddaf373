"""A synthetic journal for trying the app, tests and the benchmark.

Invented clients known only by codes (C-014), sessions spread over years, the
practitioner's blind estimate and the patient's feedback on SAC-4 (with V-shaped
ruptures, repairs and a few unrepaired ones), and a 150-400 word reflection per
session composed from original sentence templates. Nothing here describes a real
person. The same seed (and the same `today`) always gives the same records, ids
included.

    python -m practice.demo --sessions 400 [--data-dir DIR] [--name demo]
                           [--passphrase "four words you like"] [--seed 0]
"""

from __future__ import annotations

import argparse
import math
import random
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

from storage import crypto, paths
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import (
    REACTIONS,
    Answer,
    Client,
    Estimate,
    Feedback,
    Reflection,
    Session,
)

INSTRUMENT = "sac4"
ITEMS: tuple[str, ...] = ("bond", "goals", "tasks", "voice")
WITHDRAWAL_MARKERS: tuple[str, ...] = (
    "went quiet",
    "vague answers",
    "over-compliant",
    "topic shift",
)
CONFRONTATION_MARKERS: tuple[str, ...] = (
    "complaint",
    "criticised the approach",
    "challenged the plan",
)
FRAMEWORKS: tuple[str, ...] = ("free", "gibbs", "driscoll", "johns", "schon", "kolb")
APP_DEMO_SESSIONS = 400  # the app's "Try with demo data": a few years, written in about a second
CHUNK = 5000  # records per add_many transaction: one fsync per chunk, bounded memory
MIN_CLIENTS, MAX_CLIENTS = 10, 40
MIN_WORDS, MAX_WORDS = 150, 400
MAX_COURSE_DAYS = 20 * 365  # the longest a single client's course may run

# Rates per session; small on purpose so the demo looks like ordinary practice.
P_LATE_CANCEL = 0.025
P_MISSING_FEEDBACK = 0.07
P_RUPTURE = 0.035
P_REPAIRED = 0.8
P_FEEDBACK_FIRST = 0.01
P_COMMENT = 0.1
P_FALSE_ALARM = 0.04
P_FATIGUE = 0.06
P_FLAG = 0.04


# ---- words ------------------------------------------------------------------------------

# Short, concrete, easy to picture and type: a memorable passphrase, not a wordlist standard.
_WORD_TEXT = """
    acorn amber anchor apple apron arrow aspen attic autumn badge bakery balcony bamboo
    banjo barley basket beacon bicycle biscuit blanket blossom bonfire bramble breeze
    bridge bucket bumble button cabin cactus candle canoe canyon carpet castle cedar
    cello chalk cherry chimney cider cinder circus clover cobble comet compass copper
    coral cotton cradle crayon cricket crystal cupboard dahlia daisy dolphin domino
    dragon drizzle dune eagle easel echo elbow ember falcon fennel ferry fiddle fig
    firefly flannel flint forest fossil fountain fox galaxy garden garnet ginger glacier
    glove gondola granite gravel harbour harvest hazel hedgehog heron hickory honey
    hoop iceberg igloo indigo island ivory jacket jasmine jigsaw juniper kayak kettle
    kitten ladder lagoon lantern lavender lemon lichen lighthouse lily linen lobster
    locket lotus lullaby magnet mango maple marble meadow melon mitten monsoon mosaic
    moss muffin nectar needle nutmeg oak oasis olive orchard otter owl paddle pebble
    pepper piano pillow pine planet plum pocket pony poppy puddle pumpkin quartz quill
    quilt rabbit raft rainbow raven reed ribbon river robin rocket saddle saffron sail
    salmon sandal satchel scarf shell shovel silver sketch sled slipper snowdrop sparrow
    spindle spruce squirrel staple starling stone straw summit sunbeam swallow teapot
    thimble thistle thunder tiger timber toffee topaz torch tortoise trellis tulip
    tunnel turnip umbrella valley velvet violin walnut walrus wander willow window
    winter wren yarrow yodel zebra zephyr
"""
PASSPHRASE_WORDS: tuple[str, ...] = tuple(_WORD_TEXT.split())


def memorable_passphrase(words: int = 4) -> str:
    """Random words joined by spaces, from the OS random source (never from the seed)."""
    return " ".join(secrets.choice(PASSPHRASE_WORDS) for _ in range(words))


def free_demo_name(folder: Path | None = None) -> str:
    """'demo', or 'demo-2', 'demo-3'... : the first name with no journal in `folder`."""
    taken = set(paths.list_journals(folder))
    name, n = paths.DEMO_NAME, 1
    while name in taken:
        n += 1
        name = f"{paths.DEMO_NAME}-{n}"
    return name


# ---- content: every sentence below is original to this project ---------------------------

GOALS = {
    "talk": (
        "Feel less overwhelmed at work and notice stress earlier",
        "Understand a repeating pattern in close relationships",
        "Sleep better and spend less of the evening worrying",
        "Grieve a loss without shutting everyone out",
        "Speak up in meetings without rehearsing for days",
        "Manage panic on trains and in crowded places",
        "Make a decision about the future of a long relationship",
        "Be kinder to myself after mistakes",
    ),
    "physio": (
        "Return to running after knee surgery",
        "Lift and carry a toddler without back pain",
        "Full shoulder movement for swimming again",
        "Walk to work without ankle pain",
        "Climb stairs confidently after a hip replacement",
        "Type through a working day without wrist pain",
    ),
    "osteo": (
        "Fewer headaches from neck and jaw tension",
        "Sit through a working day without low back pain",
        "Ease hip stiffness in the mornings",
        "Garden for an afternoon without paying for it the next day",
        "Understand what makes the back pain flare up",
    ),
}
ALIASES = ("Tuesday early", "knee rehab", "GP referral", "runner", "Thursday late", "video only")

PROMPTS: dict[str, tuple[str, ...]] = {
    "transference": (
        "What did the patient seem to expect from me today that I had not offered?",
        "Whose reaction did the patient seem to be bracing for when they spoke to me?",
        "When did the patient treat me most like someone from their story?",
        "How did the patient respond to my authority: advice, instructions, a change of plan?",
    ),
    "countertransference": (
        "Which word fits my state after this session, and when did it arrive?",
        "At what moment did I most want to rescue, hurry, withdraw or defend?",
        "Is my reaction more about my history or about what this patient evokes in most people?",
        "If this feeling were information about the patient's world, what would it say?",
    ),
    "boundaries": (
        "Where today did I step outside my usual frame, and who benefited?",
        "Would I be comfortable describing today's session, all of it, to my supervisor?",
        "Is a pattern forming: extra messages, overrunning sessions, favours?",
        "Crossing or violation? What clear, kind limit might I need to restate?",
    ),
    "biases": (
        "What did I decide about this patient in the first minutes, and what does not fit?",
        "Which parts of the patient's identity did I bring up, and which did I avoid?",
        "Was there a cultural opportunity I let pass?",
        "What is one thing I will ask about next time rather than assume?",
    ),
    "presence": (
        "How did I arrive today, and did I do anything to settle?",
        "When was I most fully with the patient, and what helped?",
        "When did my attention drift, and what pulled it?",
        "What did my body notice today that my thinking missed?",
    ),
    "alliance": (
        "Do we still want the same thing from this work?",
        "Did the patient go along with anything they did not seem convinced by?",
        "How did my rating compare with the patient's, and what might they see that I do not?",
        "How could I invite the patient to tell me what is not working?",
    ),
}
PHYSICAL_PROMPTS: dict[str, tuple[str, ...]] = {
    "boundaries": (
        "How did I check consent before and during hands-on work, and did it stay live?",
    ),
    "biases": (
        "Would my pain estimate or plan have changed if the patient's age, size or "
        "background were different?",
    ),
    "transference": ("How did the patient respond to touch, instructions and being examined?",),
}

SENTENCES: dict[str, tuple[str, ...]] = {
    "transference": (
        "The patient seemed to expect me to be disappointed {moment}, and apologised before "
        "I had said anything.",
        "At times it felt as if I was being treated like a strict teacher whose approval had "
        "to be earned.",
        "When I made a suggestion, the patient agreed very quickly, as if disagreeing with "
        "someone in charge had never been safe.",
        "I noticed the patient watching my face closely {moment}, perhaps bracing for criticism.",
        "There was a familiar pull to become the one who knows best, which may echo how "
        "decisions were made at home.",
        "The patient spoke about {topic} as though I would judge them for it; I did not, yet "
        "the expectation was strong.",
        "I wonder whether my running late last week stirred an old feeling of being forgotten.",
        "The patient asked whether I was tired of them, which made me think about who in "
        "their story ran out of patience.",
        "Something shifted when I changed the plan: the patient went along with it but "
        "seemed to step back a little.",
        "I sensed an expectation that I would rescue the situation rather than think it "
        "through together.",
        "The way the patient thanked me at the end felt more like relief at having passed a "
        "test than gratitude.",
        "If this pattern keeps recurring, it may help us understand how the patient manages "
        "people who have power over them.",
        "I was cast, briefly, as the expert who would fix things, and the patient seemed let "
        "down when I did not.",
        "The patient looked surprised to be asked for their own view, as if nobody usually asked.",
    ),
    "countertransference": (
        "After the session I felt {feeling}, and it took a few minutes before I could settle.",
        "The strongest pull today was to hurry and fill the silence with suggestions.",
        "I noticed a wish to protect the patient from {topic}, which is not my job to do.",
        "At one point I felt defensive, and I could hear it in my voice before I caught it.",
        "I found myself drifting into thoughts about my own week {moment}.",
        "There was a warmth in the room that I enjoyed, and I want to check it is not making "
        "me less curious.",
        "I felt slightly bored, and I am learning to treat that as information rather than a "
        "failing.",
        "Part of my reaction belongs to my own history; part of it is probably what the "
        "patient evokes in most people.",
        "I noticed I wanted this patient to like me more than usual.",
        "The patient's hopelessness landed in me, and for a while I also felt there was "
        "nothing to be done.",
        "I felt irritated when the plan was brushed aside, then guilty about feeling irritated.",
        "If my tiredness is information about the patient's world, it may say how exhausting "
        "it is to keep everyone else happy.",
        "I wanted to rescue, and I noticed that wish most strongly {moment}.",
        "I left feeling {feeling} and a little stuck, unsure whether we had moved at all.",
        "My reaction seemed stronger than the material warranted, which usually means "
        "something of mine has been touched.",
    ),
    "boundaries": (
        "We ran over by about ten minutes, which I allowed without really deciding to.",
        "The patient asked for my personal number; I restated how to reach the practice and "
        "it landed kindly enough.",
        "I shared a small detail about my own experience of {topic}, and I am not sure whose "
        "needs it served.",
        "The session stayed within its usual frame, and the predictability seemed to help.",
        "Would I be comfortable describing today's extra email to my supervisor? Mostly yes, "
        "but I should mention it.",
        "I noticed a pattern forming of messages between sessions, and I want to address it "
        "before it becomes the norm.",
        "A crossing is not a violation, but I want to be deliberate about why I stepped "
        "outside the usual frame.",
        "The patient offered a small gift, and I accepted it while saying it was not needed.",
        "I agreed to move the appointment at short notice again; I should check whether I am "
        "starting to feel indispensable.",
        "I was clear about the end of the session and the patient respected it, which felt "
        "like progress for both of us.",
        "A clear and kind limit may need restating next time, about contact between appointments.",
        "I felt the pull to offer extra time for free, which would not be fair to the "
        "patient or to me.",
    ),
    "biases": (
        "In the first minutes I had decided this patient would be difficult, and very little "
        "since has confirmed it.",
        "I assumed the patient would not do the practice between sessions, and I want to ask "
        "rather than assume.",
        "I avoided asking about the patient's faith, although it clearly matters to how they "
        "see {topic}.",
        "Would my tone have been different if the patient were older or younger? Possibly, "
        "and that is worth noticing.",
        "I caught myself explaining things more simply than the patient needed, and I wonder "
        "what prompted that.",
        "I assumed the gender of the patient's partner and had to correct myself; the patient "
        "was gracious about it.",
        "One thing I will ask about rather than assume is what a good outcome looks like to "
        "the patient.",
        "The patient's accent made me slow down in a way that may have felt patronising.",
        "I realised I had formed a view about the patient's motivation from their job, which "
        "is not evidence.",
        "Noticing a bias is not the same as fixing it, but naming it here makes it easier to "
        "spot next time.",
        "I expected the patient to be sceptical of the approach, and that expectation may "
        "have shaped how I introduced it.",
        "I noticed I warmed more quickly to the patient once they mentioned a background "
        "similar to mine.",
    ),
    "presence": (
        "I arrived straight from a difficult phone call and did not take time to settle.",
        "I took three slow breaths before opening the door, and it changed how I listened.",
        "I was most fully with the patient {moment}, when I stopped planning my next question.",
        "My attention drifted when the patient went back over {topic}, and I missed a detail.",
        "My body noticed a heaviness in the room before my thinking did.",
        "I felt present and unhurried for most of the session, helped by a lighter day.",
        "I heard the words but not always the feeling underneath, and I want to slow down.",
        "A small practice for next time: two quiet minutes before the session and no "
        "messages between clients.",
        "The silences felt comfortable today, and I let them be rather than filling them.",
        "I noticed my shoulders tighten {moment}, which told me something had landed.",
        "For the first few minutes I was still thinking about the previous appointment and "
        "had to bring myself back.",
        "Being present did not mean agreeing; it meant staying with the patient while they "
        "disagreed with me.",
    ),
    "alliance": (
        "We seem to still want the same thing from this work, and the patient said so in "
        "their own words.",
        "The patient went along with the plan, but I am not convinced they believed in it.",
        "There was a moment of pushback {moment}, and in the first few seconds I explained "
        "rather than listened.",
        "My rating was lower than the patient's again, which fits the usual pattern, but I "
        "want to know what they see that I do not.",
        "I asked directly what was not working, and the patient gave an honest answer.",
        "The goals we agreed at the start may no longer fit, and I want to revisit them together.",
        "My part in any tension was pushing the next step before the patient was ready.",
        "I invited the patient to say what would make the next session better, and they "
        "took the invitation seriously.",
        "The bond feels solid, although the tasks we chose still seem to puzzle the patient.",
        "The patient's scores are always near the top, so a small dip may matter more than "
        "it looks.",
        "I want to make it easier for the patient to say when something is not helping.",
        "We named the disagreement openly, and the work felt more honest afterwards.",
    ),
}
PHYSICAL_SENTENCES: dict[str, tuple[str, ...]] = {
    "boundaries": (
        "Before working on the {part}, I explained what I would do and asked for consent, "
        "and the patient agreed readily.",
        "I checked consent again when I moved from the {part} to the neck, and I am glad I "
        "did, because the patient hesitated.",
        "Consent felt live at the start, but I stopped checking once the treatment was under "
        "way, which I want to change.",
        "The patient said yes to the technique but their body tensed, so I paused and asked again.",
        "I offered a chaperone and a gown, and the patient seemed relieved to be asked.",
        "I want consent to stay a conversation rather than a form, especially when the work "
        "moves to a new area.",
    ),
    "biases": (
        "My pain estimate for the {part} was {pain_t} out of 10 and the patient rated it "
        "{pain_p}; I am not sure why I discounted it.",
        "Would I have estimated the pain differently if the patient complained less, or "
        "looked fitter?",
        "I expected slower progress because of the patient's age, and the patient proved me wrong.",
        "I rated the {part} pain at {pain_t} out of 10 before asking, and the patient said "
        "{pain_p}; next time I will ask first.",
    ),
    "presence": (
        "While working on the {part}, my hands were more present than my attention.",
        "I kept my hands still for a moment and simply listened to what the patient was "
        "telling me.",
    ),
    "transference": (
        "When I explained the exercises, the patient treated them almost like rules they "
        "would be told off for breaking.",
        "The patient handed the problem of the {part} over to me completely, as if their "
        "body were mine to repair.",
        "Hands-on work carried a lot of trust today, and the patient checked my face before "
        "relaxing.",
    ),
}
EVENT_SENTENCES: dict[str, tuple[str, ...]] = {
    "rupture-seen": (
        "The patient {marker} {moment}, and I said gently that something seemed to have shifted.",
        "I could feel the session go flat, and I rated it lower than usual before seeing "
        "the feedback.",
        "When the patient {marker}, I stopped the plan and asked how the session was going "
        "for them.",
    ),
    "rupture-missed": (
        "The drop in the patient's score surprised me; I had rated the session as fine.",
        "Looking back, the patient {marker} {moment}, and I only recognised it as a rupture "
        "afterwards.",
        "The patient's feedback was much lower than my own read, and I want to understand "
        "what I missed.",
    ),
    "repair": (
        "We talked about what had gone wrong last time, and the patient said it helped that "
        "I raised it first.",
        "If we repaired something today, it was because I owned my part without over-apologising.",
        "The scores came back up, and the patient seemed lighter once the tension had been named.",
    ),
    "unrepaired": (
        "The patient has not returned to their usual scores, and I want to take this to "
        "supervision.",
        "Something is still off between us, and my attempts to name it have not landed.",
        "I am worried the patient may drop out, and I notice I have been avoiding the subject.",
    ),
    "ending": (
        "With the ending approaching, the patient talked about what they would take with them.",
        "I noticed I wanted to add one more session, which may be more about my own "
        "difficulty with endings.",
        "We reviewed the goals from the first session, and most of them had been met.",
    ),
    "fatigue": (
        "It was my sixth appointment of the day, and I was running on empty by the last "
        "twenty minutes.",
        "Tiredness made me more directive than usual, and I talked more than I listened.",
    ),
    "money": (
        "The unpaid invoice came up at the end, and I noticed how awkward I still am when "
        "talking about fees.",
        "We talked about reducing the fee; I want a consistent policy rather than improvising.",
    ),
    "cultural": (
        "We talked about what asking for help means in the patient's community, and I "
        "learned how much I had taken for granted.",
        "I asked how the patient's background shapes the way they think about {topic}, and "
        "the answer changed my plan.",
    ),
}
OPENERS: dict[str, tuple[str, ...]] = {
    "talk": (
        "Session {n} with {code}. The patient arrived {arrival} and talked mostly about {topic}.",
        "Session {n} with {code}: a quieter session than usual, centred on {topic}.",
        "Session {n} with {code}. We picked up where we left off, with {topic}.",
    ),
    "physical": (
        "Session {n} with {code}. We spent most of the time on the {part} and the home programme.",
        "Session {n} with {code}: reassessment of the {part}; the patient arrived {arrival}.",
        "Session {n} with {code}. Pain in the {part} was the main topic again.",
    ),
}
NEXT_STEPS: tuple[str, ...] = (
    "Ask at the start of next session how last week's ending felt.",
    "Revisit the goals together and ask whether they still fit.",
    "Take the question of contact between sessions to supervision.",
    "Try two quiet minutes before the session and notice the difference.",
    "Ask what one thing would make the next session better, and wait for the answer.",
    "Name the drop in the score gently and ask what I missed.",
    "Agree a clear late-cancellation policy and share it in writing.",
    "Ask about {topic} rather than assume I know what it means for the patient.",
    "Slow down at the first sign of pushback and ask before explaining.",
    "Notice when I start to hurry, and say less.",
)
PHYSICAL_NEXT_STEPS: tuple[str, ...] = (
    "Check consent before each new area of hands-on work, not just at the start.",
    "Compare my pain estimate with the patient's before deciding the next progression.",
    "Review the home exercises together and let the patient choose one to keep.",
)
ENDING_NEXT_STEPS: tuple[str, ...] = (
    "Prepare a short summary of our work for the final session.",
    "Plan how we will mark the ending, and leave room for what was not achieved.",
)
COMMENTS: tuple[str, ...] = (
    "It was good today.",
    "More time on what I actually came for, please.",
    "I would like to go over the exercises again.",
    "It helped when you asked what I thought.",
    "Nothing, this was helpful.",
    "Could we talk about how many sessions are left?",
    "Explain the plan a bit more at the start.",
    "I liked that you checked before starting.",
    "Please start on time.",
)
CRITICAL_COMMENTS: tuple[str, ...] = (
    "I felt rushed at the end.",
    "I didn't feel listened to when I talked about work.",
    "The homework doesn't make sense to me.",
    "I'm not sure this is helping.",
    "The stretches made it sore for two days.",
)

MOMENTS = (
    "when we reviewed the week",
    "as we talked about the break in sessions",
    "at the start, before we had settled",
    "near the end, when time was running out",
    "when I suggested a change of plan",
    "while we were setting the next goal",
    "when the conversation turned to family",
    "just after a long silence",
)
FEELINGS = (
    "drained",
    "stuck",
    "warm",
    "protective",
    "wary",
    "bored",
    "drawn in",
    "restless",
    "hopeful",
    "flat",
)
TOPICS = (
    "the change at work",
    "sleep",
    "a recent bereavement",
    "money worries",
    "a new relationship",
    "exam pressure",
    "caring for a parent",
    "returning to sport",
    "a falling-out with a friend",
    "moving house",
)
BODY_PARTS = (
    "lower back",
    "left shoulder",
    "right knee",
    "neck",
    "hip",
    "ankle",
    "wrist",
    "upper back",
)
ARRIVALS = ("on time", "a little late", "early", "out of breath", "tired", "in good spirits")
MARKER_TEXT = {
    "went quiet": "went quiet",
    "vague answers": "gave vague answers",
    "over-compliant": "agreed with everything",
    "topic shift": "changed the subject",
    "complaint": "complained about the last session",
    "criticised the approach": "criticised the approach",
    "challenged the plan": "challenged the plan",
}


# ---- planning: who is seen when, and how the alliance moves ----------------------------


@dataclass
class _Client:
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


def _rand_id(rng) -> str:
    """A record id from the seeded generator: same seed, same ids."""
    return f"{rng.getrandbits(128):032x}"


def client_count(sessions: int) -> int:
    """10-40 clients: about one per 25 sessions."""
    return max(MIN_CLIENTS, min(MAX_CLIENTS, sessions // 25))


def _split(rng, total: int, parts: int) -> list[int]:
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


def _dates_back(rng, end: date, count: int, cadence: int) -> list[date]:
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


def _cadence(rng, flavour: str, count: int) -> int:
    """Days between sessions: weekly-ish, hands-on work sometimes twice a week; tightened so
    no course runs longer than MAX_COURSE_DAYS (the 50k benchmark has only 40 clients)."""
    usual = rng.choice((3, 4, 7, 7, 14)) if flavour != "talk" else rng.choice((7, 7, 7, 7, 14))
    return max(3, min(usual, int(MAX_COURSE_DAYS / (count * 1.3 + 1))))


def _plan_clients(rng, sessions: int, today: date) -> list[_Client]:
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


def _new_client(rng, flavour: str) -> _Client:
    if flavour == "talk":
        modality = rng.choices(("in person", "video", "phone"), (65, 28, 7))[0]
        duration = 50
    else:
        modality, duration = (
            "in person",
            rng.choice((30, 45, 60) if flavour == "osteo" else (30, 45)),
        )
    ceiling = rng.random() < 0.12  # some patients give full marks every time
    base = [10.0] * 4 if ceiling else [rng.uniform(8.2, 9.7) for _ in ITEMS]
    record = Client(
        code="",
        alias=rng.choice(ALIASES) if rng.random() < 0.3 else "",
        goals=rng.choice(GOALS[flavour]),
        instrument=INSTRUMENT,
        id=_rand_id(rng),
    )
    slot = time(rng.randint(8, 18), rng.choice((0, 30)))
    return _Client(record, flavour, slot, duration, modality, base, rng.gauss(0.7, 0.5))


def _name_clients(rng, clients: list[_Client], today: date) -> None:
    """Codes in order of first session (C-003, C-004, C-007...), start dates and status."""
    number = rng.randint(1, 9)
    for client in clients:
        client.record.code = f"C-{number:03d}"
        number += rng.randint(1, 3)
        if client.dates:
            client.record.started_on = client.dates[0] - timedelta(days=rng.randint(3, 14))
            ended = (today - client.dates[-1]).days > 30
            client.record.status = "ended" if ended else "active"


def _plan_course(rng, client: _Client, forced_at: int | None) -> None:
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


def _rupture(rng, client: _Client, at: int, repaired: bool, depth: float) -> None:
    """A sudden drop at `at`; then either a return (repair) or 2-4 low sessions."""
    weights = [rng.uniform(0.6, 1.4) * w for w in (1.0, 1.0, 1.2, 1.3)]  # tasks, voice first
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


def _plan(rng, sessions: int, today: date) -> list[_Client]:
    clients = _plan_clients(rng, sessions, today)
    biggest = max(clients, key=lambda c: len(c.dates))
    for client in clients:
        count = len(client.dates)
        forced = rng.randint(3, min(count - 3, 12)) if client is biggest and count >= 7 else None
        _plan_course(rng, client, forced)
    return clients


# ---- records ------------------------------------------------------------------------


def _clamp(value: float) -> int:
    return 0 if value < 0 else 10 if value > 10 else int(round(value))


@dataclass
class _Visit:
    """What one held session was like, for the text of its reflection."""

    client: _Client
    number: int
    event: str | None
    aware: bool
    markers: list[str]
    fatigue: bool
    ending: bool


def _scores(rng, client: _Client, i: int) -> tuple[dict[str, int], list[float], float]:
    """Patient item scores, the practitioner's expected items and the drop's size."""
    warmup = 0.8 * math.exp(-i / 4)  # the alliance builds over the first sessions
    drop = client.drops[i] or (0.0, 0.0, 0.0, 0.0)
    noise = 0.15 if client.base[0] == 10.0 else 0.5
    patient, expected = {}, []
    for k, item in enumerate(ITEMS):
        level = client.base[k] - warmup
        patient[item] = _clamp(level - drop[k] + rng.gauss(0, noise))
        expected.append(level)
    return patient, expected, sum(drop)


def _estimate_items(rng, client, expected, drop, aware) -> dict[str, int]:
    """The practitioner's read: lower than the patient's on average, tracks a seen drop."""
    seen = 0.7 if aware else 0.1
    share = drop / 4
    return {
        item: _clamp(expected[k] - client.bias - seen * share + rng.gauss(0, 0.9))
        for k, item in enumerate(ITEMS)
    }


def _markers(rng, event: str | None, aware: bool) -> tuple[list[str], list[str]]:
    """Withdrawal and confrontation markers ticked: on seen ruptures and a few false alarms."""
    if event == "rupture" and aware:
        if rng.random() < 0.6:
            return rng.sample(WITHDRAWAL_MARKERS, rng.randint(1, 2)), []
        return [], rng.sample(CONFRONTATION_MARKERS, rng.randint(1, 2))
    if rng.random() < P_FALSE_ALARM:
        pick = rng.choice(WITHDRAWAL_MARKERS + CONFRONTATION_MARKERS)
        return ([pick], []) if pick in WITHDRAWAL_MARKERS else ([], [pick])
    return [], []


def _times(rng, day: date, client: _Client, limit: datetime) -> tuple[datetime, datetime, str]:
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


def _session_records(rng, client: _Client, i: int, limit: datetime) -> Iterator[object]:
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
        id=_rand_id(rng),
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
        id=_rand_id(rng),
    )
    if not client.missing[i]:
        yield Feedback(
            session_id=session.id,
            instrument=INSTRUMENT,
            items=patient,
            comment=_comment(rng, event),
            source=source,
            recorded_at=feedback_at,
            id=_rand_id(rng),
        )
    ending = client.record.status == "ended" and i >= len(client.dates) - 3
    visit = _Visit(client, number, event, aware, withdrawal + confrontation, fatigue, ending)
    written = estimate_at + timedelta(minutes=rng.uniform(5, 90))
    yield _reflection(rng, visit, session.id, min(written, limit - timedelta(minutes=1)))


def _comment(rng, event: str | None) -> str:
    if event in ("rupture", "unrepaired") and rng.random() < 0.4:
        return rng.choice(CRITICAL_COMMENTS)
    return rng.choice(COMMENTS) if rng.random() < P_COMMENT else ""


# ---- reflections ------------------------------------------------------------------------


def _focus(rng, visit: _Visit) -> list[str]:
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


def _slots(rng, visit: _Visit) -> dict[str, object]:
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


def _answers(rng, visit: _Visit, focus: list[str], slots, budget: int, used) -> list[Answer]:
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


def _take(rng, pool: tuple[str, ...], used: set[str]) -> str | None:
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


def _events(rng, visit: _Visit) -> list[str]:
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


def _fit(answers: list[Answer], fixed: int, rng, visit, focus, slots, used) -> None:
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


def _reactions(rng, visit: _Visit) -> dict[str, int]:
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


def _tags(rng, visit: _Visit, focus: list[str], events: list[str]) -> list[str]:
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


def _reflection(rng, visit: _Visit, session_id: str, written_at: datetime) -> Reflection:
    """A 150-400 word reflection composed from the templates above."""
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
        framework=rng.choice(FRAMEWORKS),
        focus_domains=focus,
        answers=answers,
        reactions=_reactions(rng, visit),
        free_text=free_text,
        next_step=next_step,
        tags=_tags(rng, visit, focus, events),
        flagged_for_supervision=rng.random() < flag_p,
        written_at=written_at,
        id=_rand_id(rng),
    )


# ---- public -------------------------------------------------------------------------


def generate(sessions: int, seed: int = 0, today: date | None = None) -> Iterator[object]:
    """Every record of a demo journal, clients first, then session by session in time order.

    Lazy, so 50k sessions never sit in memory twice; deterministic for (sessions, seed,
    today). `today` defaults to the current UTC date; sessions end before it.
    """
    if sessions < 1:
        raise ValueError("a demo needs at least one session")
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    limit = datetime.combine(today, time(0), tzinfo=UTC)
    clients = _plan(rng, sessions, today)
    yield from (c.record for c in clients)
    order = sorted(
        ((c.dates[i], c.slot, n, i) for n, c in enumerate(clients) for i in range(len(c.dates))),
    )
    for _day, _slot, n, i in order:
        yield from _session_records(rng, clients[n], i, limit)


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
    journal, recovery = Journal.create(path, passphrase, params)
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
