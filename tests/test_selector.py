"""Each rule of the prompt selector, pinned by its own test (see prompts/selector.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prompts.library import (
    PHASES,
    Library,
    Prompt,
    builtin_library,
    library_for,
    session_reference,
    with_custom,
)
from prompts.selector import (
    FOLLOW_UP_ID,
    MAX_STEP_CHARS,
    Context,
    fits,
    follow_up_prompt,
    is_for,
    offered_domains,
    recent_prompt_ids,
    select_prompts,
    stage_for,
    stages_to_cover,
    swap_prompt,
)
from storage.records import DOMAINS, PROFESSIONS, Answer, Reflection, Settings

LIBRARY = builtin_library()
SEEDS = range(40)
FRAMEWORKS = ("free", "gibbs", "driscoll", "johns", "schon", "kolb")


def ids(prompts: list[Prompt]) -> list[str]:
    return [p.id for p in prompts]


def make_prompt(prompt_id: str, domain: str, phase: str = "describe", group: str = "all") -> Prompt:
    return Prompt(prompt_id, domain, f"{prompt_id}?", phase, (group,), ("formative",), ("Why?",))


def small_library(*prompts: Prompt) -> Library:
    return Library({p.id: p for p in prompts}, LIBRARY.frameworks, {})


# ---- 1. profession -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profession", "never"),
    [
        ("psychotherapy/counselling", "physical"),
        ("physiotherapy", "psychological"),
        ("osteopathy", "psychological"),
    ],
)
def test_a_practitioner_never_gets_prompts_meant_for_the_other_group(
    profession: str, never: str
) -> None:
    for seed in SEEDS:
        chosen = select_prompts(LIBRARY, Context(profession=profession), 4, seed)
        assert not any(never in p.professions for p in chosen)


def test_a_physical_therapist_gets_prompts_for_all_and_for_physical_work() -> None:
    context = Context(focus_domains=("boundaries",), profession="osteopathy")
    seen = {p.id for seed in SEEDS for p in select_prompts(LIBRARY, context, 4, seed)}
    groups = {g for i in seen for g in LIBRARY.prompts[i].professions}
    assert groups == {"all", "physical"}


def test_profession_other_can_get_prompts_of_every_group() -> None:
    seen = {
        p.id
        for seed in SEEDS
        for p in select_prompts(LIBRARY, Context(profession="other"), 4, seed)
    }
    groups = {g for i in seen for g in LIBRARY.prompts[i].professions}
    assert groups == {"all", "psychological", "physical"}


# ---- 2. recent prompts -------------------------------------------------------------------


def test_prompts_from_the_last_reflections_are_not_repeated_while_others_are_left() -> None:
    boundaries = [p.id for p in LIBRARY.in_domain("boundaries") if is_for(p, "psychological")]
    fresh, recent = boundaries[:4], frozenset(boundaries[4:])
    context = Context(focus_domains=("boundaries",), recent_prompt_ids=recent)
    for seed in SEEDS:
        assert sorted(ids(select_prompts(LIBRARY, context, 4, seed))) == sorted(fresh)


def test_recent_prompts_are_used_only_when_nothing_else_is_left() -> None:
    library = small_library(*(make_prompt(f"p{n}", "presence") for n in range(5)))
    context = Context(focus_domains=("presence",), recent_prompt_ids=frozenset({"p0", "p1", "p2"}))
    for seed in SEEDS:
        chosen = set(ids(select_prompts(library, context, 4, seed)))
        assert {"p3", "p4"} <= chosen and len(chosen) == 4


# ---- 3. focus domains --------------------------------------------------------------------


def test_prompts_come_only_from_the_focus_domains() -> None:
    context = Context(focus_domains=("presence", "biases"))
    for seed in SEEDS:
        assert {p.domain for p in select_prompts(LIBRARY, context, 4, seed)} == {
            "presence",
            "biases",
        }


@pytest.mark.parametrize(
    ("focus", "count", "per_domain"),
    [
        (("presence", "biases"), 4, 2),
        (("transference", "boundaries", "alliance"), 3, 1),
        (("transference", "countertransference", "boundaries", "biases"), 4, 1),
    ],
)
def test_several_focus_domains_share_the_prompts_round_robin(
    focus: tuple[str, ...], count: int, per_domain: int
) -> None:
    for seed in SEEDS:
        chosen = select_prompts(LIBRARY, Context(focus_domains=focus), count, seed)
        assert sorted(p.domain for p in chosen) == sorted(focus * per_domain)


def test_the_first_focus_domain_gets_the_extra_prompt() -> None:
    context = Context(focus_domains=("alliance", "presence", "biases"))
    domains = [p.domain for p in select_prompts(LIBRARY, context, 4, 0)]
    assert sorted(domains) == ["alliance", "alliance", "biases", "presence"]


@pytest.mark.parametrize("profession", PROFESSIONS)
def test_without_focus_every_offered_domain_can_appear_and_a_list_spreads_over_domains(
    profession: str,
) -> None:
    context = Context(profession=profession)
    seen = set()
    for seed in range(80):
        domains = [p.domain for p in select_prompts(LIBRARY, context, 4, seed)]
        assert len(set(domains)) == 4
        seen |= set(domains)
    assert seen == set(offered_domains(LIBRARY, context))


@pytest.mark.parametrize(
    ("profession", "left_out"),
    [
        ("psychotherapy/counselling", {"nocebo", "chaperones", "manipulation"}),
        ("physiotherapy", set()),
        ("osteopathy", set()),
        ("other", set()),
    ],
)
def test_the_domains_offered_are_those_with_a_prompt_for_the_profession(
    profession: str, left_out: set[str]
) -> None:
    offered = offered_domains(LIBRARY, Context(profession=profession))
    assert set(DOMAINS) - set(offered) == left_out
    assert list(offered) == [d for d in DOMAINS if d in offered]  # in DOMAINS order


def test_an_unknown_focus_domain_is_refused() -> None:
    with pytest.raises(ValueError, match="hope"):
        select_prompts(LIBRARY, Context(focus_domains=("hope",)))


# ---- 4. rupture --------------------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_rupture_flag_puts_an_alliance_prompt_first_even_outside_the_focus(
    framework: str,
) -> None:
    context = Context(focus_domains=("presence",), rupture_flagged=True, framework=framework)
    for seed in SEEDS:
        chosen = select_prompts(LIBRARY, context, 4, seed)
        assert chosen[0].domain == "alliance"
        assert [p.domain for p in chosen[1:]] == ["presence"] * 3


def test_after_a_rupture_flag_the_alliance_prompt_comes_right_after_the_follow_up() -> None:
    context = Context(focus_domains=("biases",), rupture_flagged=True, last_next_step="Ask more")
    for seed in SEEDS:
        chosen = select_prompts(LIBRARY, context, 4, seed)
        assert chosen[0].id == FOLLOW_UP_ID
        assert chosen[1].domain == "alliance" and chosen[1].id != FOLLOW_UP_ID


def test_a_rupture_flag_with_alliance_in_focus_does_not_crowd_out_the_other_domains() -> None:
    context = Context(focus_domains=("alliance", "presence"), rupture_flagged=True)
    for seed in SEEDS:
        domains = [p.domain for p in select_prompts(LIBRARY, context, 4, seed)]
        assert domains[0] == "alliance" and sorted(domains) == ["alliance"] * 2 + ["presence"] * 2


def test_without_a_rupture_flag_alliance_stays_out_of_other_focus_domains() -> None:
    context = Context(focus_domains=("presence",))
    assert all(p.domain == "presence" for p in select_prompts(LIBRARY, context, 4, 0))


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_client_not_on_track_puts_an_alliance_prompt_first_even_outside_the_focus(
    framework: str,
) -> None:
    context = Context(focus_domains=("presence",), not_on_track=True, framework=framework)
    for seed in SEEDS:
        chosen = select_prompts(LIBRARY, context, 4, seed)
        assert chosen[0].domain == "alliance"
        assert [p.domain for p in chosen[1:]] == ["presence"] * 3


def test_not_on_track_and_a_rupture_flag_together_still_give_one_alliance_prompt() -> None:
    both = Context(focus_domains=("presence",), rupture_flagged=True, not_on_track=True)
    for seed in SEEDS:
        domains = [p.domain for p in select_prompts(LIBRARY, both, 4, seed)]
        assert domains == ["alliance"] + ["presence"] * 3


def test_a_context_made_without_not_on_track_is_on_track() -> None:
    # callers from before outcome measures pass only a rupture flag: nothing changes for them
    assert Context().not_on_track is False and not Context().wants_alliance
    assert Context(rupture_flagged=True).wants_alliance


# ---- 5. follow-up on last session's next step --------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_next_step_is_followed_up_first_and_quoted(framework: str) -> None:
    context = Context(last_next_step="Ask about her sleep.", framework=framework)
    chosen = select_prompts(LIBRARY, context, 4, 3)
    first = chosen[0]
    assert (first.id, first.domain, first.phase) == (FOLLOW_UP_ID, "alliance", "act")
    assert (
        first.text
        == 'Last session you planned: "Ask about her sleep". What happened when you tried it?'
    )
    assert first.follow_ups[0] == "What did you notice?"
    assert len(chosen) == 4 and FOLLOW_UP_ID not in ids(chosen[1:])
    assert stage_for(LIBRARY, framework, first, chosen) is None


def test_a_very_long_next_step_is_shortened_with_an_ellipsis() -> None:
    step = "Try the graded walking plan again " * 10
    text = follow_up_prompt(step).text
    quoted = text.split('"')[1]
    assert quoted.endswith("…") and len(quoted) <= MAX_STEP_CHARS
    assert quoted.startswith("Try the graded walking plan again Try")
    assert not quoted[:-1].endswith(" ")


def test_a_next_step_over_several_lines_is_quoted_on_one() -> None:
    assert '"Call the GP first thing"' in follow_up_prompt("Call the GP\n  first thing").text


@pytest.mark.parametrize("step", ["", "   \n"])
def test_a_blank_next_step_adds_no_follow_up(step: str) -> None:
    assert FOLLOW_UP_ID not in ids(select_prompts(LIBRARY, Context(last_next_step=step)))


# ---- 6. frameworks -----------------------------------------------------------------------


@pytest.mark.parametrize("framework_id", FRAMEWORKS[1:])
def test_a_framework_gets_one_prompt_per_stage_in_stage_order(framework_id: str) -> None:
    framework = LIBRARY.framework(framework_id)
    count = len(framework.stages)
    for seed in SEEDS:
        context = Context(focus_domains=("alliance", "presence"), framework=framework_id)
        chosen = select_prompts(LIBRARY, context, count, seed)
        stages = [stage_for(LIBRARY, framework_id, p, chosen) for p in chosen]
        assert stages == list(framework.stages)
        assert all(p.phase in s.phases for p, s in zip(chosen, framework.stages, strict=True))


def test_with_fewer_prompts_than_stages_the_first_and_last_stages_are_covered() -> None:
    gibbs = LIBRARY.framework("gibbs")
    covered = [s.id for s in stages_to_cover(gibbs, 4)]
    assert covered == ["description", "evaluation", "analysis", "action-plan"]
    chosen = select_prompts(LIBRARY, Context(framework="gibbs"), 4, 0)
    assert [p.phase for p in chosen][0] == "describe" and chosen[-1].phase == "act"


def test_with_more_prompts_than_stages_every_stage_is_covered_in_order() -> None:
    schon = LIBRARY.framework("schon")
    assert [s.id for s in stages_to_cover(schon, 4)] == ["in-action"] * 2 + ["on-action"] * 2
    chosen = select_prompts(LIBRARY, Context(framework="schon"), 4, 5)
    assert [stage_for(LIBRARY, "schon", p, chosen).id for p in chosen] == [
        "in-action",
        "in-action",
        "on-action",
        "on-action",
    ]


def test_a_rupture_alliance_prompt_stands_under_the_first_stage() -> None:
    context = Context(focus_domains=("biases",), rupture_flagged=True, framework="driscoll")
    for seed in SEEDS:
        chosen = select_prompts(LIBRARY, context, 3, seed)
        assert chosen[0].domain == "alliance" and chosen[0].phase == "describe"
        stages = LIBRARY.framework("driscoll").stages
        assert all(p.phase in s.phases for p, s in zip(chosen, stages, strict=True))


def test_free_reflection_runs_from_describe_to_act() -> None:
    for seed in SEEDS:
        phases = [p.phase for p in select_prompts(LIBRARY, Context(), 4, seed)]
        assert phases == sorted(phases, key=PHASES.index)
        assert len(set(phases)) >= 3  # prompts vary in phase too


def test_stage_for_without_a_list_uses_the_first_stage_of_the_prompts_phase() -> None:
    prompt = LIBRARY.prompts["alliance-my-part"]  # make_sense
    assert stage_for(LIBRARY, "gibbs", prompt).id == "evaluation"
    assert stage_for(LIBRARY, "free", prompt) is None


# ---- 7. determinism and count ------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_same_inputs_and_seed_give_the_same_prompts(framework: str) -> None:
    context = Context(
        focus_domains=("biases", "presence"),
        profession="physiotherapy",
        rupture_flagged=True,
        last_next_step="pace the stairs",
        framework=framework,
    )
    for seed in SEEDS:
        assert select_prompts(LIBRARY, context, 4, seed) == select_prompts(
            LIBRARY, context, 4, seed
        )


def test_different_seeds_can_give_different_prompts() -> None:
    lists = {tuple(ids(select_prompts(LIBRARY, Context(), 4, seed))) for seed in SEEDS}
    assert len(lists) > 20


@pytest.mark.parametrize("count", range(7))
def test_the_count_is_respected(count: int) -> None:
    context = Context(focus_domains=("countertransference",), last_next_step="rest")
    assert len(select_prompts(LIBRARY, context, count, 1)) == count


def test_fewer_prompts_only_when_the_library_has_too_few() -> None:
    library = small_library(
        make_prompt("a", "biases"), make_prompt("b", "presence", group="physical")
    )
    assert ids(select_prompts(library, Context(), 4, 0)) == ["a"]
    assert len(select_prompts(library, Context(profession="physiotherapy"), 4, 0)) == 2


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="count"):
        select_prompts(LIBRARY, Context(), -1)


# ---- 8. no duplicates; custom and hidden prompts -----------------------------------------


def test_no_prompt_is_chosen_twice_even_when_asked_for_more_than_a_domain_holds() -> None:
    context = Context(focus_domains=("presence",), profession="physiotherapy")
    chosen = select_prompts(LIBRARY, context, 50, 0)
    assert (
        len(chosen)
        == len(set(ids(chosen)))
        == len([p for p in LIBRARY.in_domain("presence") if is_for(p, "physical")])
    )


def test_hidden_prompts_are_never_chosen_and_custom_ones_can_be() -> None:
    hidden = [p.id for p in LIBRARY.in_domain("presence")][:-1]
    mine = {"id": "custom-mine", "domain": "presence", "text": "What did I hear?"}
    library = with_custom(LIBRARY, [mine], hidden, [])
    chosen = select_prompts(library, Context(focus_domains=("presence",)), 4, 0)
    assert not set(ids(chosen)) & set(hidden)
    assert "custom-mine" in ids(chosen)


# ---- free reflection (not about one session) ---------------------------------------------


def tied_to_a_session(prompt: Prompt) -> str:
    """The words that tie a prompt to one session ("today", "the room"), or ""."""
    return next((w for t in (prompt.text, *prompt.follow_ups) if (w := session_reference(t))), "")


@pytest.mark.parametrize("profession", PROFESSIONS)
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_free_reflection_gets_four_prompts_none_about_one_session(
    profession: str, framework: str
) -> None:
    context = Context(profession=profession, framework=framework, free_reflection=True)
    for seed in SEEDS:
        chosen = select_prompts(LIBRARY, context, 4, seed)
        assert len(chosen) == 4 and all(p.free_ok for p in chosen)
        assert not [tied_to_a_session(p) for p in chosen if tied_to_a_session(p)]


def test_a_reflection_about_a_session_can_get_prompts_about_today() -> None:
    seen = {p.id for seed in SEEDS for p in select_prompts(LIBRARY, Context(), 4, seed)}
    assert any(tied_to_a_session(LIBRARY.prompts[i]) for i in seen)


@pytest.mark.parametrize("domain", ["presence", "burnout", "disclosure"])
def test_a_free_reflection_with_a_focus_stays_in_it(domain: str) -> None:
    context = Context(focus_domains=(domain,), free_reflection=True)
    fit = {p.id for p in LIBRARY.in_domain(domain) if p.free_ok}
    for seed in SEEDS:
        chosen = select_prompts(LIBRARY, context, 4, seed)
        assert set(ids(chosen)) <= fit and len(chosen) == min(4, len(fit))


def test_a_users_own_prompt_joins_free_reflections_unless_it_names_the_session() -> None:
    mine = [
        {"id": "custom-habit", "domain": "presence", "text": "What habit steadies me?"},
        {"id": "custom-room", "domain": "presence", "text": "What did I hear in the room?"},
    ]
    library = with_custom(LIBRARY, mine, [], [])
    context = Context(focus_domains=("presence",), free_reflection=True)
    seen = {p.id for seed in SEEDS for p in select_prompts(library, context, 4, seed)}
    assert "custom-habit" in seen and "custom-room" not in seen


def test_the_worded_library_gives_the_same_choices() -> None:
    """library_for only changes words: the selection for a free reflection is the same."""
    worded = library_for(Settings(profession="psychotherapy/counselling"))
    context = Context(free_reflection=True)
    for seed in SEEDS:
        assert ids(select_prompts(worded, context, 4, seed)) == ids(
            select_prompts(LIBRARY, context, 4, seed)
        )


@settings(max_examples=200, deadline=None)
@given(
    context=st.builds(
        Context,
        focus_domains=st.lists(st.sampled_from(DOMAINS), unique=True, max_size=4).map(tuple),
        profession=st.sampled_from(PROFESSIONS),
        recent_prompt_ids=st.frozensets(st.sampled_from(sorted(LIBRARY.prompts)), max_size=30),
        rupture_flagged=st.booleans(),
        not_on_track=st.booleans(),
        framework=st.sampled_from(FRAMEWORKS),
        free_reflection=st.just(True),
    ),
    count=st.integers(0, 8),
    seed=st.integers(0, 2**32),
    swap_at=st.integers(0, 7),
)
def test_a_free_reflection_never_gets_a_prompt_about_today_or_the_room(
    context: Context, count: int, seed: int, swap_at: int
) -> None:
    chosen = select_prompts(LIBRARY, context, count, seed)
    if chosen:
        chosen = swap_prompt(LIBRARY, context, chosen, swap_at % len(chosen), seed + 1)
    assert [p.id for p in chosen if tied_to_a_session(p)] == []


# ---- swapping ----------------------------------------------------------------------------


def test_swap_replaces_only_the_chosen_prompt_with_one_from_the_same_domain() -> None:
    context = Context(focus_domains=("presence", "biases"))
    for seed in SEEDS:
        current = select_prompts(LIBRARY, context, 4, seed)
        swapped = swap_prompt(LIBRARY, context, current, 2, seed)
        assert swapped[:2] + swapped[3:] == current[:2] + current[3:]
        assert swapped[2].id not in ids(current)
        assert swapped[2].domain == current[2].domain


def test_swap_keeps_the_stage_when_a_framework_is_on() -> None:
    context = Context(focus_domains=("alliance",), framework="gibbs")
    for seed in SEEDS:
        current = select_prompts(LIBRARY, context, 6, seed)
        for index in range(6):
            swapped = swap_prompt(LIBRARY, context, current, index, seed)
            stage = LIBRARY.framework("gibbs").stages[index]
            assert swapped[index].phase in stage.phases
            assert stage_for(LIBRARY, "gibbs", swapped[index], swapped) == stage


def test_swap_never_returns_a_prompt_already_shown() -> None:
    context = Context(focus_domains=("biases",))
    current = select_prompts(LIBRARY, context, 4, 0)
    for seed in SEEDS:
        swapped = swap_prompt(LIBRARY, context, current, 0, seed)
        assert len(set(ids(swapped))) == 4 and swapped[0].id not in ids(current)


def test_swap_leaves_the_list_unchanged_when_nothing_else_is_eligible() -> None:
    library = small_library(make_prompt("a", "biases"), make_prompt("b", "biases"))
    context = Context(focus_domains=("biases",))
    current = select_prompts(library, context, 4, 0)
    assert swap_prompt(library, context, current, 1, 0) == current


def test_swap_leaves_the_same_domain_only_when_it_has_nothing_left() -> None:
    library = small_library(make_prompt("a", "biases"), make_prompt("b", "presence"))
    context = Context(focus_domains=("biases", "presence"))
    assert ids(swap_prompt(library, context, [library.prompts["a"]], 0, 0)) == ["b"]


def test_swap_keeps_an_alliance_prompt_after_a_rupture_flag() -> None:
    context = Context(focus_domains=("presence",), rupture_flagged=True)
    for seed in SEEDS:
        current = select_prompts(LIBRARY, context, 4, seed)
        assert swap_prompt(LIBRARY, context, current, 0, seed)[0].domain == "alliance"


def test_swap_keeps_an_alliance_prompt_for_a_client_not_on_track() -> None:
    context = Context(focus_domains=("presence",), not_on_track=True)
    for seed in SEEDS:
        current = select_prompts(LIBRARY, context, 4, seed)
        assert swap_prompt(LIBRARY, context, current, 0, seed)[0].domain == "alliance"


def test_swap_avoids_recent_prompts() -> None:
    presence = [p.id for p in LIBRARY.in_domain("presence") if is_for(p, "psychological")]
    context = Context(focus_domains=("presence",), recent_prompt_ids=frozenset(presence[2:]))
    current = [LIBRARY.prompts[presence[0]]]
    for seed in SEEDS:
        assert ids(swap_prompt(LIBRARY, context, current, 0, seed)) == [presence[1]]


def test_swapping_the_follow_up_gives_a_focus_prompt() -> None:
    context = Context(focus_domains=("biases",), last_next_step="try it")
    current = select_prompts(LIBRARY, context, 4, 0)
    assert swap_prompt(LIBRARY, context, current, 0, 0)[0].domain == "biases"


# ---- recent prompt ids -------------------------------------------------------------------


def reflection(day: int, *prompt_ids: str, answer: str = "some words") -> Reflection:
    return Reflection(
        client_id="c",
        answers=[Answer(i, f"{i}?", answer) for i in prompt_ids],
        written_at=datetime(2025, 3, 1, tzinfo=UTC) + timedelta(days=day),
    )


def test_recent_prompt_ids_come_from_the_newest_three_reflections() -> None:
    reflections = [
        reflection(5, "e"),
        reflection(1, "a"),
        reflection(4, "d", "d2"),
        reflection(3, "c"),
    ]
    assert recent_prompt_ids(reflections) == {"e", "d", "d2", "c"}
    assert recent_prompt_ids(reflections, limit=1) == {"e"}
    assert recent_prompt_ids([]) == frozenset()


def test_recent_prompt_ids_skip_prompts_left_unanswered() -> None:
    assert recent_prompt_ids([reflection(1, "a", answer="  ")]) == frozenset()


# ---- properties --------------------------------------------------------------------------

contexts = st.builds(
    Context,
    focus_domains=st.lists(st.sampled_from(DOMAINS), unique=True, max_size=6).map(tuple),
    profession=st.sampled_from(PROFESSIONS),
    recent_prompt_ids=st.frozensets(st.sampled_from(sorted(LIBRARY.prompts)), max_size=30),
    rupture_flagged=st.booleans(),
    not_on_track=st.booleans(),
    last_next_step=st.sampled_from(["", "walk daily", "x " * 200]),
    framework=st.sampled_from(FRAMEWORKS),
    free_reflection=st.booleans(),
)


def expected_count(context: Context, count: int) -> int:
    """How many prompts `select_prompts` can give: the follow-up, then as many as asked of
    the prompts that fit, from the focus (and alliance after a rupture flag or off track)."""
    follow_up = 1 if count and context.last_next_step.strip() else 0
    focus = set(context.focus_domains or DOMAINS) | (
        {"alliance"} if context.wants_alliance else set()
    )
    there = sum(p.domain in focus and fits(p, context) for p in LIBRARY.prompts.values())
    return follow_up + min(count - follow_up, there)


@settings(max_examples=300, deadline=None)
@given(context=contexts, count=st.integers(0, 8), seed=st.integers(0, 2**32))
def test_any_context_gives_distinct_fitting_prompts_of_the_asked_count(
    context: Context, count: int, seed: int
) -> None:
    chosen = select_prompts(LIBRARY, context, count, seed)
    group = {"psychotherapy/counselling": "psychological", "other": "all"}.get(
        context.profession, "physical"
    )
    assert len(ids(chosen)) == len(set(ids(chosen)))
    assert all(is_for(p, group) for p in chosen)
    assert len(chosen) == expected_count(context, count)
    if context.free_reflection:
        assert all(p.free_ok for p in chosen if p.id != FOLLOW_UP_ID)
    focus = set(context.focus_domains or DOMAINS) | (
        {"alliance"} if context.wants_alliance else set()
    )
    assert all(p.domain in focus for p in chosen if p.id != FOLLOW_UP_ID)
    if not context.wants_alliance and any(p.id in context.recent_prompt_ids for p in chosen):
        # a recent prompt only once every fresh one of the focus is already in the list
        fresh = {
            p.id
            for p in LIBRARY.prompts.values()
            if p.domain in focus and fits(p, context) and p.id not in context.recent_prompt_ids
        }
        assert fresh <= set(ids(chosen))
    if chosen and context.last_next_step:
        assert chosen[0].id == FOLLOW_UP_ID
    alliance = [p for p in LIBRARY.in_domain("alliance") if fits(p, context)]
    if context.wants_alliance and count >= 2 and alliance:
        assert [p for p in chosen if p.id != FOLLOW_UP_ID][0].domain == "alliance"


@settings(max_examples=200, deadline=None)
@given(context=contexts, seed=st.integers(0, 2**32), index=st.integers(0, 3))
def test_any_swap_keeps_the_list_distinct_and_changes_one_place(
    context: Context, seed: int, index: int
) -> None:
    current = select_prompts(LIBRARY, context, 4, seed)
    if index >= len(current):
        return  # a focus with fewer than four prompts that fit: nothing there to swap
    swapped = swap_prompt(LIBRARY, context, current, index, seed + 1)
    assert len(swapped) == len(current) == len(set(ids(swapped)))
    assert sum(a != b for a, b in zip(current, swapped, strict=True)) <= 1
    if context.free_reflection:
        assert all(p.free_ok for p in swapped if p.id != FOLLOW_UP_ID)


@pytest.mark.parametrize(("modality", "offered"), [("in person", False), ("video", True)])
def test_telehealth_prompts_come_only_after_a_session_by_video_or_phone(
    modality: str, offered: bool
) -> None:
    context = Context(modality=modality)
    seen = {p.domain for seed in range(60) for p in select_prompts(LIBRARY, context, 4, seed)}
    assert ("telehealth" in seen) is offered


def test_telehealth_chosen_as_the_focus_is_offered_after_any_session() -> None:
    context = Context(modality="in person", focus_domains=("telehealth",))
    chosen = select_prompts(LIBRARY, context, 4, seed=1)
    assert chosen and {p.domain for p in chosen} == {"telehealth"}
