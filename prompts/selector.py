"""Choosing the 3-4 prompts of a reflection: pure and seedable, so each rule is testable.

The rules, in order of precedence:

1. Only prompts for the practitioner's profession group ("all" prompts always). In a free
   reflection (not about one session), only prompts fit for one (`Prompt.free_ok`: they
   never say "today" or "the room").
2. Never a prompt answered in this client's last 3 reflections, unless nothing else is
   left to choose.
3. Prompts come from the focus domains (all domains when none is chosen), spread round
   robin across them.
4. After a rupture flag, or when the client is not on track (their outcome scores: a
   reliable deterioration, or no reliable improvement by the session the settings name),
   an "alliance" prompt comes first (after any follow-up), even when alliance is not a
   focus domain.
5. When last session left a next step, the very first prompt follows it up. The
   follow-up is not in the library: it has the id `FOLLOW_UP_ID`, domain "alliance"
   (checking an agreed task is alliance work) and phase "act".
6. With a framework, one prompt per stage, in stage order, each matching the stage's
   phases (`stages_to_cover` says which stages when there are more stages than prompts).
   Without one, the prompts run describe, feel, make sense, act.
7. The same inputs and seed give the same list.
8. No prompt twice.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from prompts.library import PHASES, Framework, Library, Prompt, Stage, profession_group
from storage.records import DOMAINS, Reflection

FOLLOW_UP_ID = "follow-up-next-step"
ALLIANCE = "alliance"
MAX_STEP_CHARS = 120


@dataclass(frozen=True)
class Context:
    """What the selector knows about this reflection."""

    focus_domains: tuple[str, ...] = ()  # empty: all domains
    profession: str = "psychotherapy/counselling"
    recent_prompt_ids: frozenset[str] = frozenset()
    rupture_flagged: bool = False
    not_on_track: bool = False  # the client's outcome scores say so (Reflect's warning)
    last_next_step: str = ""
    framework: str = "free"  # the framework without stages, not a free reflection
    free_reflection: bool = False  # not about one session: only `free_ok` prompts
    modality: str = ""  # the session's ("in person", "video", "phone"); "" when none

    @property
    def wants_alliance(self) -> bool:
        """An alliance prompt is due: a rupture flag fired or the client is not on track."""
        return self.rupture_flagged or self.not_on_track


def follow_up_prompt(next_step: str) -> Prompt:
    """The prompt that asks what became of last session's next step (quoted, shortened
    with an ellipsis when long)."""
    step = " ".join(next_step.split())
    if len(step) > MAX_STEP_CHARS:
        cut = step[: MAX_STEP_CHARS - 1]
        step = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:.") + "…"
    else:
        step = step.rstrip(".")
    return Prompt(
        id=FOLLOW_UP_ID,
        domain=ALLIANCE,
        text=f'Last session you planned: "{step}". What happened when you tried it?',
        phase="act",
        professions=("all",),
        proctor=("formative",),
        follow_ups=(
            "What did you notice?",
            "If it did not happen, what got in the way?",
            "Does the plan still fit, or does it need changing?",
        ),
    )


def is_for(prompt: Prompt, group: str) -> bool:
    """Whether a prompt suits a profession group ("all" prompts suit everyone, and the
    group "all" (profession "other") sees every prompt)."""
    return group == "all" or "all" in prompt.professions or group in prompt.professions


def fits(prompt: Prompt, context: Context) -> bool:
    """Whether a prompt may be chosen in this context: for the practitioner's profession
    group; in a free reflection, fit for one; about telehealth only after a session by
    video or phone, unless telehealth is the chosen focus."""
    group = profession_group(context.profession)
    if not (is_for(prompt, group) and (prompt.free_ok or not context.free_reflection)):
        return False
    in_person = context.modality == "in person"
    return not (
        prompt.domain == "telehealth" and in_person and "telehealth" not in context.focus_domains
    )


def offered_domains(library: Library, context: Context) -> tuple[str, ...]:
    """The domains, in DOMAINS order, with a prompt that fits this context: the ones worth
    offering as a focus (a physical-work domain has none for a counsellor)."""
    found = {p.domain for p in library.prompts.values() if fits(p, context)}
    return tuple(d for d in DOMAINS if d in found)


def stages_to_cover(framework: Framework, count: int) -> tuple[Stage, ...]:
    """The stages `count` prompts stand under, in order: spread evenly over the stages
    (first and last always) when there are fewer prompts than stages; every stage, the
    earlier ones twice, when there are more."""
    stages = framework.stages
    if not stages or count <= 0:
        return ()
    n = len(stages)
    if count >= n:
        return tuple(stages[j * n // count] for j in range(count))
    if count == 1:
        return (stages[0],)
    return tuple(stages[round(j * (n - 1) / (count - 1))] for j in range(count))


def stage_for(
    library: Library, framework_id: str, prompt: Prompt, current: list[Prompt] | None = None
) -> Stage | None:
    """The stage a prompt stands under: exact by its position when `current` (the list
    from `select_prompts` or `swap_prompt`) holds it, else the first stage whose phases
    include the prompt's phase. None for free reflection and for the follow-up."""
    framework = library.framework(framework_id)
    if not framework.stages or prompt.id == FOLLOW_UP_ID:
        return None
    staged = [p.id for p in current or [] if p.id != FOLLOW_UP_ID]
    if prompt.id in staged:
        return stages_to_cover(framework, len(staged))[staged.index(prompt.id)]
    return next((s for s in framework.stages if prompt.phase in s.phases), None)


def _focus(context: Context, rng: random.Random) -> tuple[str, ...]:
    unknown = [d for d in context.focus_domains if d not in DOMAINS]
    if unknown:
        raise ValueError(f"unknown domain '{unknown[0]}' (expected one of: {', '.join(DOMAINS)})")
    if context.focus_domains:
        return tuple(dict.fromkeys(context.focus_domains))
    every = list(DOMAINS)
    rng.shuffle(every)  # all domains: vary which ones a short list visits first
    return tuple(every)


def _anything(prompt: Prompt) -> bool:
    return True


class _Picker:
    """The eligible prompts, the ones taken so far, and how often each domain and phase
    has been used (for round robin and variety)."""

    def __init__(self, library: Library, context: Context, rng: random.Random) -> None:
        self.rng = rng
        self.recent = context.recent_prompt_ids
        self.prompts = sorted(
            (p for p in library.prompts.values() if fits(p, context) and p.id != FOLLOW_UP_ID),
            key=lambda p: p.id,
        )
        self.taken: set[str] = set()
        self.domain_uses: Counter[str] = Counter()
        self.phase_uses: Counter[str] = Counter()

    def available(self, domains: Iterable[str]) -> int:
        wanted = set(domains)
        return sum(p.domain in wanted and p.id not in self.taken for p in self.prompts)

    def take(self, order: tuple[str, ...], tiers: list[Callable[[Prompt], bool]]) -> Prompt | None:
        """A prompt from the first tier that has one, fresh before recent: the least-used
        domain (ties in `order`), then the least-used phase, then by seed."""
        for fresh in (True, False):
            for tier in tiers:
                found = [
                    p
                    for p in self.prompts
                    if p.id not in self.taken
                    and p.domain in order
                    and (p.id not in self.recent) == fresh
                    and tier(p)
                ]
                if found:
                    return self._choose(found, order)
        return None

    def _choose(self, found: list[Prompt], order: tuple[str, ...]) -> Prompt:
        domain = min({p.domain for p in found}, key=lambda d: (self.domain_uses[d], order.index(d)))
        found = [p for p in found if p.domain == domain]
        fewest = min(self.phase_uses[p.phase] for p in found)
        chosen = self.rng.choice([p for p in found if self.phase_uses[p.phase] == fewest])
        self.taken.add(chosen.id)
        self.domain_uses[chosen.domain] += 1
        self.phase_uses[chosen.phase] += 1
        return chosen


def select_prompts(
    library: Library, context: Context, count: int = 4, seed: int = 0
) -> list[Prompt]:
    """Up to `count` prompts for this reflection, following the module's rules (fewer
    only when the library has too few eligible prompts)."""
    if count < 0:
        raise ValueError("count cannot be negative")
    rng = random.Random(seed)
    framework = library.framework(context.framework)
    focus = _focus(context, rng)
    picker = _Picker(library, context, rng)
    chosen: list[Prompt] = []
    if context.last_next_step.strip() and count:
        chosen.append(follow_up_prompt(context.last_next_step))

    wants_alliance = context.wants_alliance
    allowed = focus + ((ALLIANCE,) if wants_alliance and ALLIANCE not in focus else ())
    slots = min(count - len(chosen), picker.available(allowed))

    if framework.stages:
        for position, stage in enumerate(stages_to_cover(framework, slots)):

            def in_stage(p: Prompt, stage: Stage = stage) -> bool:
                return p.phase in stage.phases

            prompt = None
            if wants_alliance and position == 0:
                prompt = picker.take((ALLIANCE,), [in_stage, _anything])
            prompt = prompt or picker.take(focus, [in_stage, _anything])
            prompt = prompt or picker.take(allowed, [in_stage, _anything])
            assert prompt is not None  # `slots` counted what is there
            chosen.append(prompt)
        return chosen

    pinned: list[Prompt] = []
    if wants_alliance and slots:
        alliance = picker.take((ALLIANCE,), [_anything])
        if alliance is not None:
            pinned.append(alliance)
    rest: list[Prompt] = []
    while len(pinned) + len(rest) < slots:
        prompt = picker.take(focus, [_anything]) or picker.take(allowed, [_anything])
        assert prompt is not None
        rest.append(prompt)
    rest.sort(key=lambda p: PHASES.index(p.phase))  # a natural order: describe ... act
    return chosen + pinned + rest


def swap_prompt(
    library: Library, context: Context, current: list[Prompt], index: int, seed: int
) -> list[Prompt]:
    """`current` with the prompt at `index` replaced by another eligible one: the same
    domain preferred and, with a framework, the same stage; never one already shown.
    Returns `current` unchanged (a copy) when nothing else is eligible."""
    old = current[index]
    rng = random.Random(seed)
    focus = _focus(context, rng)
    picker = _Picker(library, context, rng)
    picker.taken = {p.id for p in current}
    stage = stage_for(library, context.framework, old, current)

    def in_stage(p: Prompt) -> bool:
        return stage is None or p.phase in stage.phases

    def same_domain(p: Prompt) -> bool:
        return p.domain == old.domain

    def same_domain_in_stage(p: Prompt) -> bool:
        return same_domain(p) and in_stage(p)

    other_alliance = any(
        p.domain == ALLIANCE and p.id not in (old.id, FOLLOW_UP_ID) for p in current
    )
    only_alliance = old.domain == ALLIANCE and old.id != FOLLOW_UP_ID and not other_alliance
    if context.wants_alliance and only_alliance:
        # the only alliance prompt after a rupture flag (or off track) is replaced by another one
        new = picker.take((ALLIANCE,), [in_stage, _anything])
    else:
        keep = () if old.id == FOLLOW_UP_ID else (old.domain,)
        order = (*keep, *(d for d in focus if d not in keep))
        new = picker.take(order, [same_domain_in_stage, in_stage, same_domain, _anything])
    if new is None:
        return list(current)
    return [*current[:index], new, *current[index + 1 :]]


def recent_prompt_ids(reflections: list[Reflection], limit: int = 3) -> frozenset[str]:
    """The ids of prompts answered in the newest `limit` reflections (pass one client's)."""
    newest = sorted(reflections, key=lambda r: r.written_at, reverse=True)[:limit]
    return frozenset(
        a.prompt_id
        for r in newest
        for a in r.answers
        if a.answer.strip() and a.prompt_id != FOLLOW_UP_ID
    )
