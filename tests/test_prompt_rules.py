"""The prompt library rules of 2026-12 (CLINICAL.md): one question per prompt, every
prompt stands alone, "client" or "patient" by profession, prompts fit for a free
reflection, the new domains, and SAC-4's note. Prints the library's counts."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from prompts.library import (
    ABOUT_ONE_SESSION,
    PROMPTS_DIR,
    REFERS_BACK,
    LibraryError,
    Prompt,
    back_reference,
    builtin_library,
    custom_instrument,
    custom_prompt,
    instrument_data,
    library_for,
    load_library,
    prompt_data,
    second_question,
    session_reference,
    with_custom,
    worded,
)
from prompts.selector import is_for
from storage.records import DOMAINS, PROFESSIONS, Settings
from tests import figures

LIBRARY = builtin_library()
FIRST_COUNTS = {  # the domains and their sizes before the 2026-12 rules: none may shrink
    "transference": 12,
    "countertransference": 15,
    "boundaries": 13,
    "biases": 13,
    "presence": 12,
    "alliance": 15,
}
NEW_DOMAINS = tuple(d for d in DOMAINS if d not in FIRST_COUNTS)
PHYSICAL_DOMAINS = ("nocebo", "chaperones", "manipulation")
# ids that saved reflections may point at (answers, "recent prompts"): never renamed
FIRST_IDS = {
    "alliance": "same-goal going-along withdrawal-signs pushback bond-today strain-felt "
    "rating-gap my-part perfect-scores repair-made-possible plan-makes-sense home-programme "
    "invite-what-isnt-working reopen-next-time check-goals-together",
    "biases": "first-minutes identity-raised-or-avoided pain-estimate plan-and-tone "
    "body-assumptions missed-opening least-at-ease just-like-me label-steering "
    "motivation-judgement ask-not-assume invite-correction pause-to-notice",
    "boundaries": "outside-the-frame who-benefited crossing-or-violation touch-consent "
    "consent-stayed-live dignity-positioning comfort-with-touch holding-a-limit "
    "pattern-forming self-disclosure other-roles restate-kindly record-and-consult",
    "countertransference": "one-word strongest-pull overwhelmed helpless warmth special "
    "attraction disengaged protective criticised mine-or-theirs as-information in-my-hands "
    "use-not-act look-after-myself",
    "presence": "arriving most-with drifting body-noticed in-my-hands right-now "
    "as-the-patient-felt-it time-pressure silences talking-while-doing preparing-next-time "
    "cue-to-return",
    "transference": "unmet-wish bracing story-figure authority being-fixed cast-in-a-role "
    "idealised-or-dismissed earlier-practitioners recurring-pattern name-it-gently "
    "realistic-hopes for-supervision",
}


def shipped() -> list[Prompt]:
    return list(LIBRARY.prompts.values())


# ---- every shipped prompt follows the rules ----------------------------------------------


def test_every_shipped_prompt_asks_one_question() -> None:
    assert [p.id for p in shipped() if second_question(p.text)] == []
    assert [p.id for p in shipped() if p.text.count("?") != 1] == []


def test_every_shipped_follow_up_asks_one_question() -> None:
    assert [(p.id, f) for p in shipped() for f in p.follow_ups if second_question(f)] == []


def test_every_shipped_prompt_stands_alone() -> None:
    assert [p.id for p in shipped() if back_reference(p.text)] == []


def test_no_shipped_prompt_fit_for_free_reflection_is_about_one_session() -> None:
    tied = [
        (p.id, t)
        for p in shipped()
        if p.free_ok
        for t in (p.text, *p.follow_ups)
        if session_reference(t)
    ]
    assert tied == []


def test_shipped_texts_say_patient_so_one_word_can_be_swapped_for_another() -> None:
    # the source is written in one word; `worded` turns it into the profession's
    texts = [t for p in shipped() for t in (p.text, *p.follow_ups)]
    assert not [t for t in texts if "client" in t.lower()]
    assert sum("patient" in t.lower() for t in texts) > 100


def test_no_prompt_id_from_before_the_rules_is_renamed_or_removed() -> None:
    for domain, names in FIRST_IDS.items():
        for name in names.split():
            assert LIBRARY.prompts[f"{domain}-{name}"].domain == domain


# ---- the one-question rule ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("What did I notice? What did I do?", "2 question marks"),
        ("Crossing or violation? What makes me think so?", "2 question marks"),
        ("When did it start, and what was going on then?", ", and what"),
        ("Do we want the same thing, and how do I know?", ", and how"),
        ("Was it planned, and did it help?", ", and did"),
        ("Did they do the exercises, and if not, what got in the way?", ", and if not, what"),
        ("What did I feel and why?", "and why"),
        ("Whose need did it meet, or what else was going on?", "or what"),
        ("How did I meet the silences: did I let them be?", ": did"),
        ("WHAT DID I NOTICE, AND HOW DID I RESPOND?", ", AND HOW"),
    ],
)
def test_a_text_with_two_questions_is_caught_with_what_joins_them(text: str, found: str) -> None:
    assert second_question(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "What did the patient seem to want from me today that I did not offer?",
        "Did consent stay live today, or did one early yes stand in for everything?",
        "Did I let the silences do their work, or hurry to fill them?",
        "How did I feel when holding, or bending, a limit: guilty, relieved, anxious?",
        "What treatment can and cannot do, as the patient sees it?",
        "Who or what usually helps me set a session down?",
        "When and how will I next check our goals?",
        "When things became strained between us, what did I feel?",
        "Which word fits: drained, stuck, warm, or another?",
        "Who do I need to tell, and by when?",
        "A statement without any question at all.",
    ],
)
def test_a_text_with_one_question_passes(text: str) -> None:
    assert second_question(text) == ""


# ---- the stands-alone rule ---------------------------------------------------------------


@pytest.mark.parametrize("phrase", REFERS_BACK)
def test_each_phrase_that_refers_back_is_caught_in_any_case(phrase: str) -> None:
    assert back_reference(f"Whose needs did {phrase.upper()} serve?") == phrase


@pytest.mark.parametrize(
    "text",
    [
        "What was I carrying in when I arrived for this session?",
        "Is a pattern forming with this patient: extra messages, sessions running over?",
        "What would I do differently if the moment came again?",
        "How present do I feel at this moment?",
        "Is my reaction more about my own history?",
    ],
)
def test_a_text_that_stands_alone_passes(text: str) -> None:
    assert back_reference(text) == ""


@pytest.mark.parametrize("phrase", ABOUT_ONE_SESSION)
def test_each_phrase_about_one_session_is_caught(phrase: str) -> None:
    assert session_reference(f"What did I notice {phrase.title()}?") == phrase
    assert session_reference("What do I notice between the sessions of my week?") == ""


# ---- the loader refuses, naming file, entry and field ------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped library folder, to break."""
    for path in PROMPTS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def swap_line(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


TOUCH = "boundaries.toml: prompt 'boundaries-touch-consent', field"
TOUCH_TEXT = 'text = "How did I ask for consent before hands-on work today?"'


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            TOUCH_TEXT,
            'text = "How did I ask for consent, and how did I keep checking?"',
            f"{TOUCH} 'text': asks more than one question (, and how): "
            "ask one question; put the second in follow_ups",
            id="two questions joined",
        ),
        pytest.param(
            TOUCH_TEXT,
            'text = "Consent or habit? How did I ask?"',
            f"{TOUCH} 'text': asks more than one question (2 question marks): "
            "ask one question; put the second in follow_ups",
            id="two question marks",
        ),
        pytest.param(
            TOUCH_TEXT,
            'text = "Who asked for that step?"',
            f"{TOUCH} 'text': refers back to another prompt ('that step'): write it so it "
            "stands alone",
            id="refers back",
        ),
        pytest.param(
            '"How did I keep checking as the session moved on?"',
            '"How did I keep checking, and what did I say?"',
            f"{TOUCH} 'follow_ups': entry 1 asks more than one question (, and what): "
            "ask one question in each follow-up",
            id="a follow-up with two questions",
        ),
        pytest.param(
            'follow_ups = [\n  "How did I keep checking',
            'free_ok = true\nfollow_ups = [\n  "How did I keep checking',
            f"{TOUCH} 'free_ok': a prompt for free reflection (not about one session) "
            "cannot say 'today'",
            id="free_ok but about today",
        ),
        pytest.param(
            'follow_ups = [\n  "How did I keep checking',
            'free_ok = "yes"\nfollow_ups = [\n  "How did I keep checking',
            f"{TOUCH} 'free_ok': expected true or false, got text",
            id="free_ok not a flag",
        ),
    ],
)
def test_the_loader_refuses_a_shipped_prompt_that_breaks_a_rule(
    folder: Path, old: str, new: str, message: str
) -> None:
    swap_line(folder, "boundaries.toml", old, new)
    with pytest.raises(LibraryError) as refused:
        load_library(folder)
    assert str(refused.value).startswith(message)


def test_a_shipped_prompt_is_not_fit_for_free_reflection_unless_marked(folder: Path) -> None:
    marked = {p.id for p in shipped() if p.free_ok}
    assert "biases-pause-to-notice" in marked and "presence-drifting" not in marked
    pause = '  "What would remind me to pause?",\n]\n'
    swap_line(folder, "biases.toml", pause + "free_ok = true\n", pause)
    assert not load_library(folder).prompts["biases-pause-to-notice"].free_ok


MINE = {"id": "custom-mine", "domain": "presence", "text": "What did I hear?"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"text": "What did I hear, and what did I miss?"},
            "custom prompt 'custom-mine', field 'text': asks more than one question "
            "(, and what): ask one question; put the second in follow_ups",
        ),
        (
            {"text": "How did this feeling change?"},
            "custom prompt 'custom-mine', field 'text': refers back to another prompt "
            "('this feeling')",
        ),
        (
            {"follow_ups": ["Who spoke? Who listened?"]},
            "custom prompt 'custom-mine', field 'follow_ups': entry 1 asks more than one "
            "question (2 question marks)",
        ),
        (
            {"text": "What did I hear in the room?", "free_ok": True},
            "custom prompt 'custom-mine', field 'free_ok': a prompt for free reflection "
            "(not about one session) cannot say 'the room'",
        ),
    ],
)
def test_a_users_own_prompt_goes_through_the_same_checks(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(LibraryError) as refused:
        custom_prompt({**MINE, **change})
    assert str(refused.value).startswith(message)


def test_a_users_prompt_saved_before_the_rules_still_loads_as_written() -> None:
    # Settings checks new and edited prompts; one saved earlier must not stop every screen
    older = {**MINE, "text": "What did I hear, and what did I miss?"}
    library = with_custom(LIBRARY, [older], [], [])
    assert library.prompts["custom-mine"].text == older["text"]
    with pytest.raises(LibraryError, match="'domain'"):
        with_custom(LIBRARY, [{**older, "domain": "hope"}], [], [])


@pytest.mark.parametrize(
    ("text", "free_ok"),
    [
        ("What steadies me between patients?", True),
        ("What did I hear today?", False),
        ("What was it like in the room?", False),
        ("How did this session end?", False),
    ],
)
def test_a_users_prompt_is_fit_for_free_reflection_unless_it_names_one_session(
    text: str, free_ok: bool
) -> None:
    prompt = custom_prompt({**MINE, "text": text})
    assert prompt.free_ok is free_ok
    assert custom_prompt(prompt_data(prompt)) == prompt
    assert custom_prompt({**MINE, "text": text, "free_ok": False}).free_ok is False


# ---- client or patient -------------------------------------------------------------------

COUNSELLING, PHYSIO, OSTEO, OTHER = PROFESSIONS


@pytest.mark.parametrize(
    ("text", "profession", "expected"),
    [
        ("What did the patient want?", COUNSELLING, "What did the client want?"),
        ("Patients often ask me.", COUNSELLING, "Clients often ask me."),
        (
            "The patient's view and my patients' views.",
            COUNSELLING,
            "The client's view and my clients' views.",
        ),  # fmt: skip
        ("PATIENT FEEDBACK", COUNSELLING, "CLIENT FEEDBACK"),
        ("What did the client want?", PHYSIO, "What did the patient want?"),
        ("Clients and the client's family.", OSTEO, "Patients and the patient's family."),
        ("What did the patient want?", OTHER, "What did the client want?"),
        (
            "An outpatient clinic, an impatient clientele.",
            PHYSIO,
            "An outpatient clinic, an impatient clientele.",
        ),  # fmt: skip
        ("Nothing to change here.", COUNSELLING, "Nothing to change here."),
    ],
)
def test_worded_uses_the_word_of_the_profession_keeping_case(
    text: str, profession: str, expected: str
) -> None:
    assert worded(text, profession) == expected


def test_worded_refuses_an_unknown_profession() -> None:
    with pytest.raises(ValueError, match="surgery"):
        worded("the patient", "surgery")


@pytest.mark.parametrize(
    ("profession", "word", "never"),
    [
        (COUNSELLING, "client", "patient"),
        (PHYSIO, "patient", "client"),
        (OSTEO, "patient", "client"),
        (OTHER, "client", "patient"),
    ],
)
def test_library_for_words_every_built_in_text_for_the_profession(
    profession: str, word: str, never: str
) -> None:
    library = library_for(Settings(profession=profession))
    texts = [t for p in library.prompts.values() for t in (p.text, *p.follow_ups)]
    texts += [s.question for f in library.frameworks.values() for s in f.stages]
    texts += [i.practitioner for i in library.instruments["sac4"].items]
    assert not [t for t in texts if never in t.lower()]
    assert sum(word in t.lower() for t in texts) > 100
    bond = library.instruments["sac4"].items[0]
    assert bond.practitioner == f"Today my {word} trusted me and felt we were working as a team."
    assert bond.patient == "Today I trusted my practitioner and felt we were working as a team."
    assert library.prompts["alliance-same-goal"].id == "alliance-same-goal"  # only words change


def test_library_for_leaves_the_users_own_words_alone() -> None:
    mine = {**MINE, "text": "What did my patient teach me?", "follow_ups": ["Which patient?"]}
    scale = {
        "id": "my-scale",
        "name": "Mine",
        "min_score": 0,
        "max_score": 5,
        "low_anchor": "Low",
        "high_anchor": "High",
        "items": [
            {
                "id": "a",
                "label": "A",
                "patient": "I felt heard.",
                "practitioner": "My patient felt heard.",
            }
        ],  # fmt: skip
    }
    settings = Settings(custom_prompts=[mine], custom_instruments=[scale])
    library = library_for(settings)
    assert library.prompts["custom-mine"].text == "What did my patient teach me?"
    assert library.prompts["custom-mine"].follow_ups == ("Which patient?",)
    assert library.instruments["my-scale"].items[0].practitioner == "My patient felt heard."
    assert "client" in library.prompts["presence-most-with"].text  # the built-ins are worded


def test_the_shared_built_in_library_keeps_its_own_words() -> None:
    library_for(Settings(profession=COUNSELLING))
    assert "patient" in builtin_library().prompts["presence-most-with"].text


# ---- SAC-4's note ------------------------------------------------------------------------


def test_sac4_says_it_is_unvalidated_has_no_cutoff_and_a_double_bond_item() -> None:
    note = LIBRARY.instruments["sac4"].note
    assert "not been validated" in note and "no clinical cutoff" in note
    assert "bond item" in note and "trust" in note and "teamwork" in note
    assert "kept" in note
    assert LIBRARY.instruments["srs"].note == LIBRARY.instruments["wai_sr"].note == ""


def test_an_instruments_note_round_trips_and_is_checked() -> None:
    sac4 = LIBRARY.instruments["sac4"]
    data = {**instrument_data(sac4), "id": "sac4-copy"}
    assert custom_instrument(data).note == sac4.note
    with pytest.raises(LibraryError, match="custom instrument 'sac4-copy', field 'note'"):
        custom_instrument({**data, "note": 4})


# ---- the library's counts ----------------------------------------------------------------


def counts() -> dict[str, dict[str, int]]:
    """Per domain: prompts in all, the ones a counsellor and a physical practitioner see,
    and the ones fit for a free reflection."""
    table: dict[str, dict[str, int]] = {}
    for domain in DOMAINS:
        prompts = LIBRARY.in_domain(domain)
        table[domain] = {
            "all": len(prompts),
            "psychological": sum(is_for(p, "psychological") for p in prompts),
            "physical": sum(is_for(p, "physical") for p in prompts),
            "free": sum(p.free_ok for p in prompts),
        }
    return table


def test_the_library_has_its_minimum_counts_and_reports_them() -> None:
    table = counts()
    total = Counter()
    for domain, row in table.items():
        total.update(row)
        figures.report(
            f"prompts, {domain}: {row['all']} (counselling sees {row['psychological']}, "
            f"physical sees {row['physical']}, free reflection {row['free']})"
        )
    figures.report(
        f"prompts, all {len(DOMAINS)} domains: {total['all']} (counselling sees "
        f"{total['psychological']}, physical sees {total['physical']}, free reflection "
        f"{total['free']})"
    )
    for domain, before in FIRST_COUNTS.items():
        assert table[domain]["all"] >= before, domain
    for domain in NEW_DOMAINS:
        assert table[domain]["all"] >= 6, domain
    disclosure = LIBRARY.in_domain("disclosure")
    assert len(disclosure) >= 4 and all(p.professions == ("all",) for p in disclosure)
    for domain in PHYSICAL_DOMAINS:
        assert {p.professions for p in LIBRARY.in_domain(domain)} == {("physical",)}, domain
    assert total["free"] >= 6
    assert sum(row["free"] > 0 for row in table.values()) == len(DOMAINS)


def test_the_new_domains_each_have_their_file() -> None:
    assert set(NEW_DOMAINS) == {
        "safeguarding",
        "endings",
        "telehealth",
        "burnout",
        "groups",
        "culture",
        "disclosure",
        "nocebo",
        "chaperones",
        "manipulation",
    }
    for domain in NEW_DOMAINS:
        assert (PROMPTS_DIR / f"{domain}.toml").is_file()


@pytest.mark.parametrize(
    ("domain", "words"),
    [
        ("safeguarding", "Who do I need to tell"),
        ("safeguarding", "notes"),
        ("telehealth", "camera"),
        ("telehealth", "private"),
        ("culture", "openness"),
        ("nocebo", "hurt apart from harm"),
        ("chaperones", "chaperone"),
        ("manipulation", "risks"),
        ("endings", "break"),
        ("groups", "couple, family or group"),
    ],
)
def test_key_ideas_of_each_new_domain_have_a_prompt(domain: str, words: str) -> None:
    assert any(words in p.text for p in LIBRARY.in_domain(domain))


def test_no_safeguarding_prompt_scores_or_rates_risk() -> None:
    # awareness, telling and recording: never a risk assessment tool
    texts = " ".join(t for p in LIBRARY.in_domain("safeguarding") for t in (p.text, *p.follow_ups))
    assert not any(word in texts.lower() for word in ("score", "rate ", "rating", "level of risk"))
