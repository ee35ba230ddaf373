"""AppTest of Reflect: a new client, the blind estimate first, prompts, save, reopen; drafts
survive a lock and a new browser session; Settings feed the prompt selection."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from practice import caseload
from prompts.library import builtin_library
from storage.journal import Journal
from storage.records import Draft, Estimate, Feedback, Reflection, Session, Settings
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE

REFLECT = "pages/screens/reflect.py"
SETTINGS = "pages/screens/settings.py"


@pytest.fixture
def practice(journal_path: Path) -> Path:
    """A closed, empty journal in the data folder (unlocks with PASSPHRASE)."""
    return journal_path


def unlock(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    return click(at, "Unlock")


def open_reflect(at: AppTest) -> AppTest:
    return at.switch_page(REFLECT).run()


def answer_areas(at: AppTest) -> list:
    return [t for t in at.text_area if (t.key or "").startswith("rf_answer_")]


def subheaders(at: AppTest) -> list[str]:
    """The step headings on screen (h2, under the page's title)."""
    return [s.value for s in at.header]


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


def start_with_new_client(at: AppTest, code: str = "C-101") -> AppTest:
    at = at.selectbox(key="rf_client").set_value("__new__").run()
    at.text_input(key="rf_new_code").input(code)
    return click(at, "Add client")


def score(at: AppTest, key: str):
    """The score widget under `key` (a row of score buttons)."""
    return at.button_group(key=key)


def choose(at: AppTest, scores: dict[str, int]) -> AppTest:
    """Choose a score for each item of the practitioner's read, as a click on its button."""
    for item, value in scores.items():
        at = score(at, f"rf_item_{item}").set_value(value).run()
    return at


SAC4_ITEMS = ("bond", "goals", "tasks", "voice")
MIDDLES = dict.fromkeys(SAC4_ITEMS, 5)


def test_a_session_is_reflected_on_end_to_end(practice: Path) -> None:
    at = open_reflect(unlock(app()))
    assert at.title[0].value == "Reflect"
    at = start_with_new_client(at)
    client = journal_of(at).client_by_code("C-101")
    assert at.session_state["rf_client"] == client.id
    assert at.number_input(key="rf_number").value == 1

    # the estimate comes first: no feedback step, no prompts until it is saved
    assert "3. Client feedback" not in subheaders(at)
    assert answer_areas(at) == []
    at = choose(at, {"bond": 6, "goals": 7, "tasks": 5, "voice": 4})
    at = at.multiselect(key="rf_withdrawal").select("went quiet or flat").run()
    at = at.select_slider(key="rf_reaction_1").set_value(2).run()
    at = click(at, "Save my read")
    journal = journal_of(at)
    (estimate,) = journal.all(Estimate)
    assert estimate.items == {"bond": 6, "goals": 7, "tasks": 5, "voice": 4}
    assert estimate.presence is None  # left unset: not rated, never a middle value
    assert estimate.withdrawal_markers == ["went quiet or flat"]
    assert journal.all(Feedback) == []
    assert "3. Client feedback" in subheaders(at)

    areas = answer_areas(at)
    assert 3 <= len(areas) <= 4
    areas[0].input("She went quiet when I mentioned the ending.")
    areas[1].input("I felt helpless and hurried the plan.")
    at.text_area(key="rf_next_step").input("Name the ending early next time.")
    at = at.multiselect(key="rf_tags").set_value(["endings"]).run()
    at = at.checkbox(key="rf_flag").check().run()
    at = click(at, "Save reflection")
    assert errors(at) == []

    (reflection,) = journal_of(at).all(Reflection)
    (session,) = journal_of(at).all(Session)
    assert reflection.session_id == session.id == estimate.session_id
    assert reflection.client_id == client.id
    assert [a.answer for a in reflection.answers] == [
        "She went quiet when I mentioned the ending.",
        "I felt helpless and hurried the plan.",
    ]
    assert all(a.prompt_text for a in reflection.answers)
    assert reflection.reactions == {"helpless/inadequate": 2}
    assert reflection.next_step == "Name the ending early next time."
    assert reflection.flagged_for_supervision
    assert reflection.tags == ["endings"]
    assert journal_of(at).all(Draft) == []

    # reopen: lock, unlock, the reflection is read back from the encrypted file
    at = click(at, "Lock")
    at = unlock(at)
    (again,) = journal_of(at).all(Reflection)
    assert again == reflection


def read_so_far(at: AppTest) -> dict[str, int | None]:
    """The practitioner's read as the screen holds it: each item's score and presence."""
    keys = [f"rf_item_{item}" for item in SAC4_ITEMS] + ["rf_presence"]
    return {key: score(at, key).value for key in keys}


UNSET = {**{f"rf_item_{item}": None for item in SAC4_ITEMS}, "rf_presence": None}


@pytest.mark.parametrize(
    ("chosen", "named"),
    [({}, "Bond, Goals, Tasks, Voice"), ({"bond": 8, "tasks": 0}, "Goals, Voice")],
)
def test_a_read_with_an_unanswered_item_saves_nothing_and_names_what_is_unanswered(
    practice: Path, chosen: dict[str, int], named: str
) -> None:
    at = start_with_new_client(open_reflect(unlock(app())))
    assert read_so_far(at) == UNSET  # no score starts at a value, presence neither
    at = click(choose(at, chosen), "Save my read")
    assert errors(at) == [f"Not answered yet: {named}. Choose a score for each, nothing was saved."]
    assert journal_of(at).all(Estimate) == [] and journal_of(at).all(Session) == []
    assert "3. Client feedback" not in subheaders(at) and answer_areas(at) == []
    assert read_so_far(at) == {**UNSET, **{f"rf_item_{i}": s for i, s in chosen.items()}}


def test_a_read_saves_exactly_the_scores_chosen_with_presence(practice: Path) -> None:
    at = start_with_new_client(open_reflect(unlock(app())))
    chosen = {"bond": 0, "goals": 10, "tasks": 3, "voice": 5}
    at = score(choose(at, chosen), "rf_presence").set_value(9).run()
    at = click(at, "Save my read")
    assert errors(at) == []
    (estimate,) = journal_of(at).all(Estimate)
    assert (estimate.items, estimate.presence, estimate.total) == (chosen, 9, 18)


def test_unanswered_scores_stay_unanswered_over_a_page_switch_and_a_draft_restore(
    practice: Path,
) -> None:
    at = start_with_new_client(open_reflect(unlock(app())))
    at = choose(at, {"goals": 2})
    expected = {**UNSET, "rf_item_goals": 2}
    at = open_reflect(at.switch_page(SETTINGS).run())
    assert read_so_far(at) == expected

    at = click(at, "Lock")
    assert "rf_item_goals" not in at.session_state
    at = click(open_reflect(unlock(at)), "Resume draft")
    assert read_so_far(at) == expected
    at = click(at, "Save my read")
    assert errors(at)[0].startswith("Not answered yet: Bond, Tasks, Voice.")
    assert journal_of(at).all(Estimate) == []


def test_saving_without_any_answer_is_refused_and_writes_nothing(practice: Path) -> None:
    at = open_reflect(unlock(app()))
    at = at.toggle(key="rf_free").set_value(True).run()
    at = click(at, "Save reflection")
    assert errors(at) == ["Write an answer to at least one prompt, or some free writing, first."]
    assert journal_of(at).all(Reflection) == []


def test_a_free_reflection_needs_no_client_or_session(practice: Path) -> None:
    at = open_reflect(unlock(app()))
    at = at.toggle(key="rf_free").set_value(True).run()
    answer_areas(at)[0].input("A thought about my week of endings.")
    at = click(at, "Save reflection")
    (reflection,) = journal_of(at).all(Reflection)
    assert reflection.session_id is None and reflection.client_id is None
    assert journal_of(at).all(Session) == []


def test_a_draft_survives_a_lock_and_is_offered_back(practice: Path) -> None:
    at = open_reflect(unlock(app()))
    at = at.toggle(key="rf_free").set_value(True).run()
    answer_areas(at)[0].input("Words I must not lose.")
    at.text_area(key="rf_next_step").input("Bring it to supervision.")
    at = at.run()
    at = click(at, "Lock")
    assert "rf_next_step" not in at.session_state

    at = open_reflect(unlock(at))
    assert any(b.label == "Resume draft" for b in at.button)
    at = click(at, "Resume draft")
    assert answer_areas(at)[0].value == "Words I must not lose."
    assert at.text_area(key="rf_next_step").value == "Bring it to supervision."


def test_a_draft_is_offered_in_a_new_browser_session_and_can_be_discarded(practice: Path) -> None:
    first = open_reflect(unlock(app()))
    first = first.toggle(key="rf_free").set_value(True).run()
    answer_areas(first)[0].input("Typed in another tab.")
    first.run()

    second = open_reflect(unlock(app()))
    assert any(b.label == "Discard draft" for b in second.button)
    second = click(second, "Discard draft")
    assert journal_of(second).all(Draft) == []
    assert not any(b.label == "Resume draft" for b in second.button)


def test_prompts_follow_up_on_last_sessions_next_step(practice: Path) -> None:
    at = unlock(app())
    journal = journal_of(at)
    client = caseload.add_client(journal, "C-7")
    journal.save(Reflection(client_id=client.id, free_text="x", next_step="try the stairs test"))
    at = open_reflect(at)
    at = at.selectbox(key="rf_client").set_value(client.id).run()
    at = click(choose(at, MIDDLES), "Save my read")
    first_prompt = next(m.value for m in at.markdown if m.value.startswith("**"))
    assert "try the stairs test" in first_prompt


def test_a_next_step_quoted_in_a_prompt_is_shown_as_typed_never_as_markdown(
    practice: Path,
) -> None:
    # a remote image in a next step would make the browser call out when the prompt shows
    typed = "see ![x](http://tracker.example/p.png) and **this** [link](http://e.example)"
    at = unlock(app())
    journal = journal_of(at)
    client = caseload.add_client(journal, "C-8")
    journal.save(Reflection(client_id=client.id, free_text="x", next_step=typed))
    at = open_reflect(at)
    at = at.selectbox(key="rf_client").set_value(client.id).run()
    at = click(choose(at, MIDDLES), "Save my read")
    first_prompt = next(m.value for m in at.markdown if "tracker" in m.value)
    assert "](" not in first_prompt and "![" not in first_prompt
    assert "\\!\\[x\\]" in first_prompt and "\\*\\*this\\*\\*" in first_prompt


def test_profession_in_settings_changes_the_prompts_offered(practice: Path) -> None:
    at = unlock(app())
    journal_of(at).save_settings(Settings(profession="physiotherapy"))
    at = open_reflect(at)
    at = at.toggle(key="rf_free").set_value(True).run()
    library = builtin_library()
    shown = at.session_state["rf_prompts"]
    groups = {p: library.prompts[p].professions for p in shown if p in library.prompts}
    assert groups and all("psychological" not in g for g in groups.values())


def test_settings_save_profession_and_a_custom_prompt(practice: Path) -> None:
    at = unlock(app()).switch_page(SETTINGS).run()
    at.selectbox(key="settings_profession").set_value("osteopathy")
    at = click(at, "Save settings")
    assert journal_of(at).settings.profession == "osteopathy"
    at.text_area(key="new_text").input("What did my hands notice before my mind did?")
    at = click(at, "Add prompt")
    (custom,) = journal_of(at).settings.custom_prompts
    assert custom["text"] == "What did my hands notice before my mind did?"
    assert custom["id"] not in builtin_library().prompts


def test_an_empty_custom_prompt_is_refused_with_its_reason(practice: Path) -> None:
    at = unlock(app()).switch_page(SETTINGS).run()
    at = click(at, "Add prompt")
    assert errors(at) and "text" in errors(at)[0]
    assert journal_of(at).settings.custom_prompts == []


def add_own_prompt(at: AppTest, text: str) -> tuple[AppTest, str]:
    """Add a custom prompt from Settings; returns the app and the prompt's id."""
    at.text_area(key="new_text").input(text)
    at = click(at, "Add prompt")
    return at, journal_of(at).settings.custom_prompts[-1]["id"]


def test_an_edit_of_a_custom_prompt_is_kept_over_a_lock_until_saved(practice: Path) -> None:
    at = unlock(app()).switch_page(SETTINGS).run()
    at, prompt_id = add_own_prompt(at, "What did I want from this client?")
    at.text_area(key=f"edit_{prompt_id}_text").input("What did they want from me?")
    at = at.run()
    draft = journal_of(at).draft(f"settings_edit_prompt_{prompt_id}")
    assert draft and draft.fields[f"edit_{prompt_id}_text"] == "What did they want from me?"
    assert journal_of(at).settings.custom_prompts[0]["text"] == "What did I want from this client?"

    at = unlock(click(at, "Lock")).switch_page(SETTINGS).run()
    assert at.text_area(key=f"edit_{prompt_id}_text").value == "What did they want from me?"
    at = click(at, "Save changes")
    assert errors(at) == [] and "Saved." in [s.value for s in at.success]
    (custom,) = journal_of(at).settings.custom_prompts
    assert (custom["id"], custom["text"]) == (prompt_id, "What did they want from me?")
    assert journal_of(at).all(Draft) == []


def test_an_edit_that_empties_a_custom_prompt_is_refused_and_delete_removes_it(
    practice: Path,
) -> None:
    at = unlock(app()).switch_page(SETTINGS).run()
    at, prompt_id = add_own_prompt(at, "What did I want from this client?")
    at.text_area(key=f"edit_{prompt_id}_text").input("  ")
    at = click(at, "Save changes")
    assert errors(at) and "text" in errors(at)[0]
    assert journal_of(at).settings.custom_prompts[0]["text"] == "What did I want from this client?"
    at.text_area(key=f"edit_{prompt_id}_text").input("What did I want from this client?")
    at = at.run()
    assert journal_of(at).all(Draft) == []  # an edit undone leaves no draft
    at = click(at, "Delete prompt")
    assert journal_of(at).settings.custom_prompts == []
    assert "Prompt deleted." in [s.value for s in at.success]


def test_a_custom_instrument_from_settings_is_used_for_a_new_client(practice: Path) -> None:
    at = unlock(app()).switch_page(SETTINGS).run()
    at.text_input(key="instrument_name").input("Hands-on check")
    at.number_input(key="instrument_max").set_value(5)
    at.text_area(key="instrument_items").input(
        "Comfort | My patient felt comfortable with touch. | I felt comfortable with touch.\n"
        "Say | My patient felt free to say stop. | I felt free to say stop."
    )
    at = click(at, "Add instrument")
    assert errors(at) == []
    (instrument,) = journal_of(at).settings.custom_instruments
    assert instrument["id"] == "hands-on-check"

    at = open_reflect(at)
    at = at.selectbox(key="rf_client").set_value("__new__").run()
    at.text_input(key="rf_new_code").input("P-3")
    at = at.selectbox(key="rf_new_instrument").set_value("hands-on-check").run()
    at = click(at, "Add client")
    labels = [s.label for s in at.button_group]
    assert "Comfort: My patient felt comfortable with touch." in labels
    assert score(at, "rf_item_comfort-1").options == ["0", "1", "2", "3", "4", "5"]
    at = choose(at, {"comfort-1": 4})
    at = click(at, "Save my read")
    assert errors(at) == ["Not answered yet: Say. Choose a score for each, nothing was saved."]
    at = click(choose(at, {"say-2": 0}), "Save my read")
    (estimate,) = journal_of(at).all(Estimate)
    assert estimate.instrument == "hands-on-check"
    assert estimate.items == {"comfort-1": 4, "say-2": 0}


def test_a_wide_custom_scale_is_typed_and_starts_empty_too(practice: Path) -> None:
    at = unlock(app()).switch_page(SETTINGS).run()
    at.text_input(key="instrument_name").input("Pain check")
    at.number_input(key="instrument_max").set_value(100)
    at.text_area(key="instrument_items").input(
        "Ease | My patient moved with ease. | I moved with ease.\n"
        "Trust | My patient trusted my hands. | I trusted their hands."
    )
    at = click(at, "Add instrument")
    at = open_reflect(at)
    at = at.selectbox(key="rf_client").set_value("__new__").run()
    at.text_input(key="rf_new_code").input("P-4")
    at = at.selectbox(key="rf_new_instrument").set_value("pain-check").run()
    at = click(at, "Add client")
    typed = [at.number_input(key=key) for key in ("rf_item_ease-1", "rf_item_trust-2")]
    assert [n.value for n in typed] == [None, None]  # 101 buttons would not do: typed, empty
    typed[1].set_value(0)
    at = click(at, "Save my read")
    assert errors(at) == ["Not answered yet: Ease. Choose a score for each, nothing was saved."]
    at.number_input(key="rf_item_ease-1").set_value(73)
    at = click(at, "Save my read")
    (estimate,) = journal_of(at).all(Estimate)
    assert estimate.items == {"ease-1": 73, "trust-2": 0}


def test_a_custom_instruments_name_is_listed_as_typed_never_as_markdown(practice: Path) -> None:
    at = unlock(app()).switch_page(SETTINGS).run()
    at.text_input(key="instrument_name").input("Check ![i](http://tracker.example/i.png)")
    at.number_input(key="instrument_max").set_value(5)
    at.text_area(key="instrument_items").input(
        "Comfort | My patient felt comfortable. | I felt comfortable."
    )
    at = click(at, "Add instrument")
    listed = next(m.value for m in at.markdown if "tracker" in m.value)
    assert "](" not in listed and "![" not in listed


@pytest.fixture
def broken_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import shutil

    from prompts import library

    folder = tmp_path / "prompts"
    shutil.copytree(library.PROMPTS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__*"))
    text = (folder / "boundaries.toml").read_text()
    (folder / "boundaries.toml").write_text(text.replace('phase = "act"', 'phase = "later"', 1))
    monkeypatch.setattr(library, "PROMPTS_DIR", folder)
    library.builtin_library.cache_clear()
    yield
    monkeypatch.undo()
    library.builtin_library.cache_clear()


def test_a_broken_prompt_file_stops_the_app_at_start_naming_file_and_field(
    data_folder: Path, broken_library: None
) -> None:
    at = app()
    (message,) = errors(at)
    assert "boundaries.toml" in message and "'phase'" in message and "later" in message
    assert not any(b.label == "Unlock" for b in at.button)


def test_paper_feedback_shows_the_gap_and_a_rupture_brings_alliance_prompts(
    practice: Path,
) -> None:
    at = open_reflect(unlock(app()))
    at = start_with_new_client(at, "C-55")
    at = click(choose(at, dict.fromkeys(SAC4_ITEMS, 9)), "Save my read")
    for item, score in {"bond": 4, "goals": 5, "tasks": 5, "voice": 3}.items():
        at.number_input(key=f"paper_item_{item}").set_value(score)
    at = click(at, "Save feedback")
    (feedback,) = journal_of(at).all(Feedback)
    assert (feedback.total, feedback.source) == (17, "paper")
    message = at.warning[0].value  # a possible rupture is a warning, not an info
    assert message.startswith("Your client's rating: 17 of 40. Possible rupture:")
    assert "19" in message  # your estimate was 36: 19 points above the client's 17
    library = builtin_library()
    shown = [library.prompts.get(p) for p in at.session_state["rf_prompts"]]
    assert any(p is not None and p.domain == "alliance" for p in shown)


def test_paper_feedback_with_a_missing_score_is_refused(practice: Path) -> None:
    at = open_reflect(unlock(app()))
    at = start_with_new_client(at, "C-56")
    at = click(choose(at, MIDDLES), "Save my read")
    # typed from paper: each score starts empty, never at a value
    assert [at.number_input(key=f"paper_item_{i}").value for i in SAC4_ITEMS] == [None] * 4
    at.number_input(key="paper_item_bond").set_value(7)
    at = click(at, "Save feedback")
    assert errors(at) == [
        "Not answered yet: Goals, Tasks, Voice. Type a score for each, nothing was saved."
    ]
    assert journal_of(at).all(Feedback) == []


def test_rupture_thresholds_are_saved_and_a_bad_one_is_refused(practice: Path) -> None:
    at = unlock(app()).switch_page(SETTINGS).run()
    at.number_input(key="threshold_drop_points").set_value(6)
    at.checkbox(key="threshold_srs_inclusive").uncheck()
    at = click(at, "Save rupture settings")
    settings = journal_of(at).settings
    assert settings.rupture_thresholds["drop_points"] == 6
    assert settings.srs_cutoff_inclusive is False
    at.number_input(key="threshold_low_percentile").set_value(-5)
    at = click(at, "Save rupture settings")
    assert "low_percentile" in errors(at)[0]
    assert journal_of(at).settings.rupture_thresholds["low_percentile"] == 20


@pytest.mark.parametrize(("alias", "warned"), [("Will", True), ("Wrenna", False)])
def test_an_alias_that_is_also_an_ordinary_word_is_pointed_out(
    practice: Path, alias: str, warned: bool
) -> None:
    at = open_reflect(unlock(app()))
    at = at.selectbox(key="rf_client").set_value("__new__").run()
    at = at.text_input(key="rf_new_alias").input(alias).run()
    shown = " ".join(c.value for c in at.caption)
    assert ("also an ordinary word" in shown) is warned
