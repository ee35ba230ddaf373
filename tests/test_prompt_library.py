"""The shipped prompt library is complete and valid, and every broken file is refused with
a message that names the file, the entry and the field."""

from __future__ import annotations

import json
import shutil
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prompts.library import (
    FREE,
    PHASES,
    PROMPTS_DIR,
    Library,
    LibraryError,
    Prompt,
    builtin_library,
    custom_instrument,
    custom_prompt,
    instrument_data,
    library_for,
    load_library,
    new_custom_prompt_id,
    profession_group,
    prompt_data,
    with_custom,
)
from storage.records import DOMAINS, PROFESSIONS, Settings

LIBRARY = builtin_library()

SAC4_WORDING = {
    "bond": (
        "Today I trusted my practitioner and felt we were working as a team.",
        "Today my patient trusted me and felt we were working as a team.",
    ),
    "goals": (
        "We agree on what we are trying to achieve together.",
        "My patient and I agree on what we are trying to achieve together.",
    ),
    "tasks": (
        "What we did in this session made sense to me as a way to get there.",
        "My patient saw what we did today as a sensible way to get there.",
    ),
    "voice": (
        "If something wasn't working for me today, I would have felt free to say so.",
        "My patient would have felt free to tell me if something wasn't working today.",
    ),
}


# ---- helpers: copies of the shipped folder, changed one field at a time ------------------


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)  # JSON string escapes are valid in TOML basic strings


def dump_toml(document: dict[str, list[dict[str, Any]]]) -> str:
    """Enough TOML for the library's files: arrays of tables, one level of nesting."""
    lines: list[str] = []
    for key, tables in document.items():
        if not isinstance(tables, list):
            lines.insert(0, f"{key} = {_value(tables)}")
            continue
        for table in tables:
            lines.append(f"[[{key}]]")
            nested = {
                k: v
                for k, v in table.items()
                if isinstance(v, list) and v and isinstance(v[0], dict)
            }
            lines += [f"{k} = {_value(v)}" for k, v in table.items() if k not in nested]
            for sub, rows in nested.items():
                for row in rows:
                    lines.append(f"[[{key}.{sub}]]")
                    lines += [f"{k} = {_value(v)}" for k, v in row.items()]
            lines.append("")
    return "\n".join(lines) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped library folder, to break."""
    for path in PROMPTS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def rewrite(folder: Path, name: str, change: Callable[[dict[str, Any]], object]) -> None:
    path = folder / name
    document = tomllib.loads(path.read_text())
    change(document)
    path.write_text(dump_toml(document))


def entry(document: dict[str, Any], key: str, entry_id: str) -> dict[str, Any]:
    return next(t for t in document[key] if t["id"] == entry_id)


def touch_consent(document: dict[str, Any]) -> dict[str, Any]:
    return entry(document, "prompt", "boundaries-touch-consent")


def library_error(folder: Path) -> str:
    with pytest.raises(LibraryError) as raised:
        load_library(folder)
    return str(raised.value)


# ---- the shipped files -------------------------------------------------------------------


def test_the_shipped_files_validate() -> None:
    library = load_library()
    assert set(library.frameworks) == {"gibbs", "driscoll", "johns", "schon", "kolb"}
    assert set(library.instruments) == {"sac4", "srs", "wai_sr"}
    assert not any(p.custom for p in library.prompts.values())


def test_the_builtin_library_is_loaded_once_and_cannot_be_changed() -> None:
    assert builtin_library() is builtin_library()
    with pytest.raises(TypeError):
        LIBRARY.prompts["mine"] = LIBRARY.prompts["boundaries-touch-consent"]  # type: ignore[index]


FIRST_DOMAINS = DOMAINS[:6]  # the domains before the 2026-12 rules


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_has_enough_prompts_covering_all_four_phases(domain: str) -> None:
    prompts = LIBRARY.in_domain(domain)
    assert len(prompts) >= (8 if domain in FIRST_DOMAINS else 6)
    assert {p.phase for p in prompts} == set(PHASES)


def test_most_domains_have_prompts_for_physical_therapists() -> None:
    physical = {p.domain for p in LIBRARY.prompts.values() if "physical" in p.professions}
    assert len(physical) >= 5
    assert {"boundaries", "biases", "presence", "alliance"} <= physical


@pytest.mark.parametrize(
    ("prompt_id", "words"),
    [
        ("boundaries-touch-consent", "consent"),
        ("boundaries-consent-stayed-live", "live"),
        ("boundaries-dignity-positioning", "undressing"),
        ("biases-pain-estimate", "pain"),
        ("presence-in-my-hands", "hands-on"),
        ("transference-being-fixed", "treatment"),
    ],
)
def test_physical_work_has_its_own_prompts(prompt_id: str, words: str) -> None:
    prompt = LIBRARY.prompts[prompt_id]
    assert prompt.professions == ("physical",)
    assert words in prompt.text


def test_prompt_ids_are_unique_across_the_files() -> None:
    ids = [
        table["id"]
        for domain in DOMAINS
        for table in tomllib.loads((PROMPTS_DIR / f"{domain}.toml").read_text())["prompt"]
    ]
    assert len(ids) == len(set(ids)) == len(LIBRARY.prompts)


def test_every_prompt_and_follow_up_is_a_question() -> None:
    for prompt in LIBRARY.prompts.values():
        assert prompt.text.endswith("?"), prompt.id
        assert 1 <= len(prompt.follow_ups) <= 3, prompt.id
        assert all(f.endswith("?") for f in prompt.follow_ups), prompt.id


def test_every_proctor_function_is_used() -> None:
    used = Counter(f for p in LIBRARY.prompts.values() for f in p.proctor)
    assert set(used) == {"normative", "formative", "restorative"}


@pytest.mark.parametrize(
    ("reaction", "words"),
    [
        ("overwhelmed/disorganized", "flooded"),
        ("helpless/inadequate", "nothing useful"),
        ("positive", "enjoy"),
        ("special/overinvolved", "special"),
        ("sexualized", "attraction"),
        ("disengaged", "bored"),
        ("parental/protective", "protective or parental"),
        ("criticized/mistreated", "criticised"),
    ],
)
def test_each_countertransference_dimension_has_a_prompt(reaction: str, words: str) -> None:
    assert any(words in p.text for p in LIBRARY.in_domain("countertransference")), reaction


@pytest.mark.parametrize(
    ("domain", "words"),
    [
        ("boundaries", "crossing"),
        ("boundaries", "violation"),
        ("biases", "notice"),
        ("alliance", "go quiet"),  # withdrawal
        ("alliance", "pushback"),  # confrontation
        ("alliance", "repair"),
        ("alliance", "my rating"),
        ("alliance", "same thing"),  # goals
        ("alliance", "make sense to the patient"),  # tasks
        ("alliance", "in the room with this patient"),  # bond
    ],
)
def test_key_ideas_of_each_domain_have_a_prompt(domain: str, words: str) -> None:
    assert any(words in p.text for p in LIBRARY.in_domain(domain))


def test_the_frameworks_have_their_stages_in_order() -> None:
    names = {f.id: [s.name for s in f.stages] for f in LIBRARY.frameworks.values()}
    assert names == {
        "gibbs": ["Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"],
        "driscoll": ["What?", "So what?", "Now what?"],
        "johns": ["Aesthetic", "Personal", "Ethical", "Empirical", "Reflexive"],
        "schon": ["Reflection-in-action", "Reflection-on-action"],
        "kolb": [
            "Concrete experience",
            "Reflective observation",
            "Abstract conceptualisation",
            "Active experimentation",
        ],
    }
    assert LIBRARY.frameworks["gibbs"].name == "Gibbs' reflective cycle"
    assert LIBRARY.frameworks["schon"].name == "Schön: in and on action"
    for framework in LIBRARY.frameworks.values():
        assert framework.summary and all(s.question.endswith("?") for s in framework.stages)
        assert {ph for s in framework.stages for ph in s.phases} == set(PHASES), framework.id


def test_free_reflection_is_a_framework_without_stages() -> None:
    assert LIBRARY.framework("free") is FREE
    assert (FREE.id, FREE.name, FREE.stages) == ("free", "Free reflection", ())
    assert [f.id for f in LIBRARY.framework_choices()] == [
        "free",
        "gibbs",
        "driscoll",
        "johns",
        "schon",
        "kolb",
    ]
    with pytest.raises(KeyError, match="nosuch"):
        LIBRARY.framework("nosuch")


def test_sac4_wording_matches_clinical_md() -> None:
    sac4 = LIBRARY.instruments["sac4"]
    assert sac4.name == "Session Alliance Check (SAC-4)"
    assert (sac4.min_score, sac4.max_score, sac4.total_min, sac4.total_max) == (0, 10, 0, 40)
    assert (sac4.low_anchor, sac4.high_anchor) == ("Not at all", "Completely")
    assert sac4.cutoff is None and not sac4.scores_only
    assert {i.id: (i.patient, i.practitioner) for i in sac4.items} == SAC4_WORDING
    assert [i.id for i in sac4.items] == ["bond", "goals", "tasks", "voice"]
    assert sac4.comment_prompt == "What one thing would make the next session better?"


def test_licensed_instruments_hold_scores_only_and_no_item_text() -> None:
    srs, wai = LIBRARY.instruments["srs"], LIBRARY.instruments["wai_sr"]
    for instrument in (srs, wai):
        assert instrument.scores_only and "licence" in instrument.licence_note
        assert not instrument.comment_prompt
        for item in instrument.items:
            assert item.patient == item.practitioner == ""
            assert len(item.label.split()) <= 3  # a short neutral label, never an item's text
    assert {i.id: i.label for i in srs.items} == {
        "relationship": "Relationship",
        "goals_topics": "Goals and topics",
        "approach": "Approach or method",
        "overall": "Overall",
    }
    assert (srs.min_score, srs.max_score, srs.cutoff, srs.total_max) == (0, 10, 36, 40)
    assert [i.label for i in wai.items] == [f"Item {n}" for n in range(1, 13)]
    assert (wai.min_score, wai.max_score, wai.cutoff) == (1, 5, None)
    assert (wai.total_min, wai.total_max) == (12, 60)
    numbers = {k: [int(i.removeprefix("item")) for i in v] for k, v in wai.subscales.items()}
    assert numbers == {"goal": [4, 6, 8, 11], "task": [1, 2, 10, 12], "bond": [3, 5, 7, 9]}


# ---- broken files ------------------------------------------------------------------------

TC = "boundaries.toml: prompt 'boundaries-touch-consent', field"


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(phase="analyse"),
            f"{TC} 'phase': 'analyse' is not one of describe, feel, make_sense, act",
            id="unknown phase",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).pop("phase"),
            f"{TC} 'phase': missing",
            id="missing field",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(professions="physical"),
            f"{TC} 'professions': expected a list of text, got text",
            id="wrong type",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(text=7),
            f"{TC} 'text': expected text, got a number",
            id="number for text",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(phse="act"),
            f"{TC} 'phse': unknown field (expected one of: ",
            id="unknown key",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(domain="bias"),
            f"{TC} 'domain': 'bias' is not one of transference, countertransference, ",
            id="unknown domain",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(domain="biases"),
            f"{TC} 'domain': 'biases' does not match the file's domain 'boundaries'",
            id="domain mismatch",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(professions=["physio"]),
            f"{TC} 'professions': 'physio' is not one of all, psychological, physical",
            id="unknown profession",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(professions=["all", "physical"]),
            f"{TC} 'professions': 'all' already includes every profession",
            id="all with another group",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(proctor=["supportive"]),
            f"{TC} 'proctor': 'supportive' is not one of normative, formative, restorative",
            id="unknown proctor function",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(text="   "),
            f"{TC} 'text': is empty",
            id="empty text",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(follow_ups=[]),
            f"{TC} 'follow_ups': expected 1 to 3 entries, got 0",
            id="no follow-ups",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(follow_ups=["A?", "B?", "C?", "D?"]),
            f"{TC} 'follow_ups': expected 1 to 3 entries, got 4",
            id="too many follow-ups",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: touch_consent(d).update(id="Touch Consent"),
            "boundaries.toml: prompt 'Touch Consent', field 'id': 'Touch Consent' is not an id",
            id="id not a slug",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: d["prompt"][2].pop("id"),
            "boundaries.toml: prompt #3, field 'id': missing",
            id="missing id named by position",
        ),
        pytest.param(
            "boundaries.toml",
            lambda d: d.update(prompts=d.pop("prompt")),
            "boundaries.toml, field 'prompts': unknown field (expected one of: prompt)",
            id="misspelt top-level key",
        ),
        pytest.param(
            "biases.toml",
            lambda d: d["prompt"][0].update(id="boundaries-touch-consent"),
            "biases.toml: prompt 'boundaries-touch-consent', field 'id': "
            "'boundaries-touch-consent' is already used by a prompt in boundaries.toml",
            id="duplicate id across files",
        ),
        pytest.param(
            "frameworks.toml",
            lambda d: entry(d, "framework", "kolb")["stages"][1].update(phases=["observe"]),
            "frameworks.toml: framework 'kolb', stage 'reflective-observation', "
            "field 'phases': 'observe' is not one of describe, feel, make_sense, act",
            id="framework stage phase",
        ),
        pytest.param(
            "frameworks.toml",
            lambda d: entry(d, "framework", "kolb").update(id="free"),
            "frameworks.toml: framework 'free', field 'id': 'free' is built in",
            id="framework called free",
        ),
        pytest.param(
            "frameworks.toml",
            lambda d: entry(d, "framework", "schon").pop("summary"),
            "frameworks.toml: framework 'schon', field 'summary': missing",
            id="framework without summary",
        ),
        pytest.param(
            "instruments.toml",
            lambda d: entry(d, "instrument", "srs").update(cutoff=41),
            "instruments.toml: instrument 'srs', field 'cutoff': 41 is outside the total "
            "range 0-40",
            id="cutoff out of range",
        ),
        pytest.param(
            "instruments.toml",
            lambda d: entry(d, "instrument", "wai_sr").update(min_score=6),
            "instruments.toml: instrument 'wai_sr', field 'max_score': 5 must be above min_score",
            id="range upside down",
        ),
        pytest.param(
            "instruments.toml",
            lambda d: entry(d, "instrument", "srs")["items"][3].update(patient="Words here."),
            "instruments.toml: instrument 'srs', item 'overall', field 'patient': "
            "a scores-only instrument carries no item wording",
            id="item text in a scores-only instrument",
        ),
        pytest.param(
            "instruments.toml",
            lambda d: entry(d, "instrument", "sac4")["items"][0].pop("practitioner"),
            "instruments.toml: instrument 'sac4', item 'bond', field 'practitioner': missing",
            id="item without wording",
        ),
        pytest.param(
            "instruments.toml",
            lambda d: entry(d, "instrument", "srs").update(scores_only="yes"),
            "instruments.toml: instrument 'srs', field 'scores_only': expected true or false",
            id="text for a flag",
        ),
        pytest.param(
            "instruments.toml",
            lambda d: entry(d, "instrument", "srs").pop("licence_note"),
            "instruments.toml: instrument 'srs', field 'licence_note': a scores-only "
            "instrument needs a note on its licence",
            id="scores only without licence note",
        ),
    ],
)
def test_a_broken_file_names_the_file_the_entry_and_the_field(
    folder: Path, name: str, change: Callable[[dict[str, Any]], object], message: str
) -> None:
    rewrite(folder, name, change)
    assert library_error(folder).startswith(message)


def test_the_test_copy_of_the_library_loads_before_it_is_broken(folder: Path) -> None:
    rewrite(folder, "boundaries.toml", lambda d: None)  # the dumper itself changes nothing
    assert load_library(folder) == LIBRARY


def test_malformed_toml_names_the_file_and_the_line(folder: Path) -> None:
    path = folder / "presence.toml"
    lines = path.read_text().splitlines()
    line = lines.index('phase = "describe"') + 1
    lines[line - 1] = 'phase = "describe'
    path.write_text("\n".join(lines))
    assert library_error(folder).startswith(f"presence.toml, line {line}: not valid TOML")


def test_a_missing_file_is_named(folder: Path) -> None:
    (folder / "alliance.toml").unlink()
    assert library_error(folder).startswith("alliance.toml: file is missing")


def test_an_unexpected_file_is_named(folder: Path) -> None:
    shutil.copy(folder / "biases.toml", folder / "bias.toml")
    assert library_error(folder).startswith("bias.toml: unexpected file")


# ---- the user's own prompts and instruments ----------------------------------------------

MINE = {"id": "custom-my-question", "domain": "presence", "text": "What did I hear today?"}
MY_SCALE = {
    "id": "my-scale",
    "name": "My three questions",
    "min_score": 1,
    "max_score": 7,
    "cutoff": 12,
    "low_anchor": "Hardly",
    "high_anchor": "Fully",
    "items": [
        {
            "id": f"q{n}",
            "label": f"Q{n}",
            "patient": "I felt heard.",
            "practitioner": "They felt heard.",
        }
        for n in (1, 2, 3)
    ],
}


def test_a_custom_prompt_takes_defaults_and_is_marked_custom() -> None:
    prompt = custom_prompt(MINE)
    assert prompt == Prompt(
        id="custom-my-question",
        domain="presence",
        text="What did I hear today?",
        phase="make_sense",
        professions=("all",),
        proctor=("formative",),
        follow_ups=(),
        custom=True,
    )
    assert custom_prompt(prompt_data(prompt)) == prompt


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": ""}, "custom prompt 'custom-my-question', field 'text': is empty"),
        ({"domain": "hope"}, "custom prompt 'custom-my-question', field 'domain': 'hope' is not"),
        ({"phase": "later"}, "custom prompt 'custom-my-question', field 'phase': 'later' is not"),
        ({"colour": "red"}, "custom prompt 'custom-my-question', field 'colour': unknown field"),
        (
            {"follow_ups": "Why?"},
            "custom prompt 'custom-my-question', field 'follow_ups': expected",
        ),
        ({"id": None}, "custom prompt #1, field 'id': expected text"),
    ],
)
def test_a_bad_custom_prompt_names_custom_prompt_and_the_field(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(LibraryError) as raised:
        custom_prompt({**MINE, **change})
    assert str(raised.value).startswith(message)


def test_a_custom_instrument_validates_and_round_trips() -> None:
    instrument = custom_instrument(MY_SCALE)
    assert instrument.custom and (instrument.total_min, instrument.total_max) == (3, 21)
    assert custom_instrument(instrument_data(instrument)) == instrument


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cutoff": 30}, "custom instrument 'my-scale', field 'cutoff': 30 is outside the total"),
        ({"min_score": "1"}, "custom instrument 'my-scale', field 'min_score': expected a whole"),
        ({"items": []}, "custom instrument 'my-scale', field 'items': expected a non-empty list"),
        ({"low_anchor": ""}, "custom instrument 'my-scale', field 'low_anchor': is empty"),
    ],
)
def test_a_bad_custom_instrument_names_custom_instrument_and_the_field(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(LibraryError) as raised:
        custom_instrument({**MY_SCALE, **change})
    assert str(raised.value).startswith(message)


def test_with_custom_adds_the_users_prompts_and_instruments_and_hides_built_ins() -> None:
    mine = with_custom(
        LIBRARY, [MINE], ["boundaries-touch-consent", "gone-in-an-update"], [MY_SCALE]
    )
    assert mine.prompts["custom-my-question"].custom
    assert "boundaries-touch-consent" not in mine.prompts
    assert mine.instruments["my-scale"].custom
    assert len(mine.prompts) == len(LIBRARY.prompts)  # one added, one hidden
    assert "boundaries-touch-consent" in LIBRARY.prompts  # the shared library is untouched
    assert mine.in_domain("presence")[-1].id == "custom-my-question"


@pytest.mark.parametrize(
    ("prompts", "instruments", "message"),
    [
        (
            [{**MINE, "id": "boundaries-touch-consent"}],
            [],
            "custom prompt 'boundaries-touch-consent', field 'id': "
            "'boundaries-touch-consent' is already used by a built-in prompt",
        ),
        (
            [MINE, MINE],
            [],
            "custom prompt 'custom-my-question', field 'id': "
            "'custom-my-question' is already used by another custom prompt",
        ),
        (
            [],
            [{**MY_SCALE, "id": "srs"}],
            "custom instrument 'srs', field 'id': 'srs' is already used by a built-in instrument",
        ),
    ],
)
def test_custom_ids_cannot_clash(
    prompts: list[dict[str, Any]], instruments: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(LibraryError) as raised:
        with_custom(LIBRARY, prompts, [], instruments)
    assert str(raised.value) == message


def test_library_for_applies_a_journals_settings() -> None:
    settings = Settings(custom_prompts=[MINE], hidden_prompts=["presence-drifting"])
    mine = library_for(settings)
    assert "custom-my-question" in mine.prompts and "presence-drifting" not in mine.prompts


@pytest.mark.parametrize(
    ("text", "existing", "expected"),
    [
        ("What did I hear today?", set(), "custom-what-did-i-hear-today"),
        (
            "What did I hear today?",
            {"custom-what-did-i-hear-today"},
            "custom-what-did-i-hear-today-2",
        ),
        ("Où était-il, vraiment?", set(), "custom-ou-etait-il-vraiment"),
        ("مرحبا", {"custom-prompt"}, "custom-prompt-2"),
        ("One two three four five six seven eight", set(), "custom-one-two-three-four-five-six"),
    ],
)
def test_new_custom_prompt_ids_are_readable_unique_and_valid(
    text: str, existing: set[str], expected: str
) -> None:
    new_id = new_custom_prompt_id(text, existing)
    assert new_id == expected
    assert custom_prompt({"id": new_id, "domain": "biases", "text": text}).id == new_id


@pytest.mark.parametrize(
    ("profession", "group"),
    [
        ("psychotherapy/counselling", "psychological"),
        ("physiotherapy", "physical"),
        ("osteopathy", "physical"),
        ("other", "all"),
    ],
)
def test_each_profession_maps_to_its_prompt_group(profession: str, group: str) -> None:
    assert profession in PROFESSIONS
    assert profession_group(profession) == group


def test_an_unknown_profession_is_refused() -> None:
    with pytest.raises(ValueError, match="surgery"):
        profession_group("surgery")


def test_a_library_can_be_built_by_hand() -> None:
    prompt = custom_prompt(MINE)
    library = Library({prompt.id: prompt}, {}, {})
    assert library.in_domain("presence") == [prompt] and library.in_domain("biases") == []
