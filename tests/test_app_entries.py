"""AppTest of the Entries screen: search, read, edit with history and restore, the trash,
and exports behind their warning. Clients and text are invented."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.export import EXPORT_WARNING
from practice import entries
from storage.journal import Journal
from storage.records import Answer, Client, Comment, Estimate, Feedback, Reflection, Session, now
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate, sweep_for_canary

ENTRIES = "pages/screens/entries.py"


def fill(journal: Journal) -> dict[str, str]:
    client = Client(code="C-301")
    first = Session(client.id, date(2026, 4, 6), 1)
    second = Session(client.id, date(2026, 4, 13), 2)
    kite = Reflection(
        session_id=first.id,
        client_id=client.id,
        framework="gibbs",
        answers=[Answer("p-1", "What did I notice?", "The kite story <b>mattered</b> to them.")],
        reactions={"parental/protective": 3},
        free_text="I felt protective when the kite story came up.",
        next_step="Ask what the kite means.",
        tags=["image"],
    )
    river = Reflection(
        session_id=second.id,
        client_id=client.id,
        free_text="A quieter session about the river path.",
        flagged_for_supervision=True,
    )
    journal.save_all(
        [
            client,
            first,
            second,
            Estimate(first.id, "sac4", {"bond": 6, "goals": 6, "tasks": 6, "voice": 6}),
            Feedback(first.id, "sac4", {"bond": 8, "goals": 8, "tasks": 8, "voice": 8}),
            kite,
            river,
            Comment(
                river.id, 1, "Stay with the quiet.", "c0ffee", ["restorative"], "Dr Fennimore", True
            ),
        ]
    )
    return {"kite": kite.id, "river": river.id}


@pytest.fixture
def ids(journal_path: Path, empty_template: JournalTemplate) -> dict[str, str]:
    journal = empty_template.open(journal_path)
    try:
        return fill(journal)
    finally:
        journal.lock()


def open_entries(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    return click(at, "Unlock").switch_page(ENTRIES).run()


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


def listed(at: AppTest) -> set[str]:
    """The ids of the entries listed (each has an open button keyed by its id)."""
    return {
        b.key.removeprefix("en_open_") for b in at.button if (b.key or "").startswith("en_open_")
    }


def search(at: AppTest, words: str) -> AppTest:
    at.text_input(key="en_query").input(words)
    return at.run()


def open_entry(at: AppTest, entry_id: str) -> AppTest:
    return at.button(key=f"en_open_{entry_id}").click().run()


def shown_text(at: AppTest) -> str:
    """Every heading, markdown and caption on screen, markdown escapes removed."""
    kinds = ("header", "subheader", "markdown", "caption")
    parts = [e.value for kind in kinds for e in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def test_search_lists_the_matching_entry_with_the_words_highlighted(ids: dict[str, str]) -> None:
    at = open_entries(app())
    assert not at.exception
    assert at.title[0].value == "Entries"
    assert listed(at) == {ids["kite"], ids["river"]}

    at = search(at, "kite story")
    assert listed(at) == {ids["kite"]}
    (excerpt,) = [h.proto.body for h in at.get("html") if "<mark>" in h.proto.body]
    assert "<mark>kite story</mark>" in excerpt
    # text typed by the user is escaped, never read as markup
    assert "&lt;b&gt;mattered&lt;/b&gt;" in excerpt and "<b>" not in excerpt

    at = search(at, "stay with the quiet")  # a supervisor's comment leads to its entry
    assert listed(at) == {ids["river"]}
    at = search(at, "no such words anywhere")
    assert listed(at) == set()
    assert "No entries match" in at.info[0].value


def test_search_takes_words_in_any_order_quoted_phrases_and_tags(ids: dict[str, str]) -> None:
    at = search(open_entries(app()), "story kite")
    assert listed(at) == {ids["kite"]}
    assert "1 entry, best matches first." in [c.value for c in at.caption]
    assert listed(search(at, '"story kite"')) == set()
    assert listed(search(at, "image")) == {ids["kite"]}  # its tag
    at = search(at, "the")  # whole words: not inside "them"
    assert not at.exception
    marked = " ".join(h.proto.body for h in at.get("html") if "<mark>" in h.proto.body).lower()
    assert "<mark>the</mark>" in marked and "<mark>the</mark>m" not in marked


def test_the_entry_view_shows_session_scores_reactions_and_comments(ids: dict[str, str]) -> None:
    at = open_entry(open_entries(app()), ids["kite"])
    assert not at.exception
    text = shown_text(at)
    assert "C-301 · session 1 · 6 Apr 2026" in text
    assert "Session 1 · 6 Apr 2026 · in person" in text
    assert "The kite story <b>mattered</b> to them." in text
    assert "parental/protective (strong)" in text
    assert [(m.label, m.value) for m in at.metric] == [
        ("Your estimate", "24 / 40"),
        ("Client's feedback", "32 / 40"),
    ]
    at = click(at, "Back to the list")
    at = open_entry(at, ids["river"])
    assert "Stay with the quiet." in shown_text(at)
    assert "Dr Fennimore" in shown_text(at)


def test_an_edit_saves_a_new_revision_and_history_restores_the_old_text(
    ids: dict[str, str],
) -> None:
    entry_id = ids["kite"]
    at = open_entry(search(open_entries(app()), "kite"), entry_id)
    at = at.segmented_control(key="en_mode").set_value("Edit").run()
    (free_text,) = [t for t in at.text_area if t.key.endswith("_free_text")]
    free_text.input("I noticed my wish to rescue.")
    at = click(at, "Save changes")
    assert not at.exception and not errors(at)
    assert at.success[0].value.startswith("Changes saved")
    assert journal_of(at).get(entry_id).free_text == "I noticed my wish to rescue."
    assert "I noticed my wish to rescue." in shown_text(at)  # back on View

    at = at.segmented_control(key="en_mode").set_value("History").run()
    (history,) = at.dataframe
    assert list(history.value["Revision"]) == [2, 1]
    assert "Free text" in history.value["What changed"].iloc[0]
    restore = at.button(key="en_restore_revision")
    assert restore.disabled  # the current revision is already the text
    at = at.selectbox(key=f"en_revision_{entry_id}").set_value(1).run()
    assert "I felt protective when the kite story came up." in shown_text(at)
    at = at.button(key="en_restore_revision").click().run()
    assert not at.exception
    journal = journal_of(at)
    assert journal.get(entry_id).free_text == "I felt protective when the kite story came up."
    assert [e.revision for e in journal.history(entry_id)] == [1, 2, 3]
    assert journal.history(entry_id)[1].record.free_text == "I noticed my wish to rescue."


def test_an_edit_that_empties_the_entry_shows_an_error_and_saves_nothing(
    ids: dict[str, str],
) -> None:
    entry_id = ids["river"]
    at = open_entry(open_entries(app()), entry_id)
    at = at.segmented_control(key="en_mode").set_value("Edit").run()
    (free_text,) = [t for t in at.text_area if t.key.endswith("_free_text")]
    free_text.input("   ")
    at = click(at, "Save changes")
    assert any("it would be empty" in e for e in errors(at))
    assert journal_of(at).entry(entry_id).revision == 1
    assert at.session_state["en_mode"] == "Edit"


def test_delete_moves_to_the_trash_and_restore_brings_it_back(ids: dict[str, str]) -> None:
    entry_id = ids["river"]
    at = open_entry(open_entries(app()), entry_id)
    at = at.segmented_control(key="en_mode").set_value("Delete").run()
    assert journal_of(at).entry(entry_id).deleted_at is None  # choosing Delete only asks
    at = click(at, "Move to trash")
    assert journal_of(at).entry(entry_id).deleted_at is not None
    assert listed(at) == {ids["kite"]}
    at = at.checkbox(key="en_include_trash").check().run()
    assert listed(at) == {ids["kite"], ids["river"]}

    at = at.segmented_control(key="en_section").set_value("Trash").run()
    assert "Moved to the trash on" in shown_text(at)
    at = at.button(key=f"en_restore_{entry_id}").click().run()
    assert journal_of(at).entry(entry_id).deleted_at is None
    assert at.info[0].value == "The trash is empty."


def test_delete_for_good_asks_first(ids: dict[str, str]) -> None:
    entry_id = ids["kite"]
    at = open_entries(app())
    journal_of(at).delete(entry_id)
    at = at.segmented_control(key="en_section").set_value("Trash").run()
    at = at.button(key=f"en_purge_{entry_id}").click().run()
    assert "cannot be undone" in at.warning[0].value
    assert journal_of(at).entry(entry_id).deleted_at is not None
    at = click(at, "Cancel")
    assert journal_of(at).entry(entry_id).deleted_at is not None

    at = at.button(key=f"en_purge_{entry_id}").click().run()
    at = click(at, "Yes, delete for good")
    assert not at.exception
    assert entry_id not in {r.id for r in journal_of(at).all(Reflection, include_trash=True)}
    assert at.success[0].value.startswith("Deleted for good")


def test_old_trash_is_marked_and_emptied_only_on_request(
    ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_entries(app())
    journal = journal_of(at)
    journal.delete(ids["kite"])
    at = at.segmented_control(key="en_section").set_value("Trash").run()
    assert not [b for b in at.button if b.label == "Empty items older than 30 days"]

    in_31_days = now() + timedelta(days=31)
    monkeypatch.setattr(entries, "now", lambda: in_31_days)
    at = at.run()
    assert "due for purging" in shown_text(at)
    assert ids["kite"] in {r.id for r in journal.all(Reflection, include_trash=True)}
    at = click(at, "Empty items older than 30 days")
    assert ids["kite"] in {r.id for r in journal.all(Reflection, include_trash=True)}
    at = click(at, "Yes, empty them")
    assert not at.exception
    assert ids["kite"] not in {r.id for r in journal.all(Reflection, include_trash=True)}
    assert journal.all(Reflection) == [journal.get(ids["river"])]


def test_export_buttons_sit_behind_the_warning(ids: dict[str, str]) -> None:
    at = open_entries(app())
    assert [w.value for w in at.warning] == [EXPORT_WARNING]
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["Markdown", "JSON", "CSV"]
    assert not any(b.disabled for b in buttons)

    at = at.radio(key="en_export_scope").set_value("selected").run()
    assert all(b.disabled for b in at.get("download_button"))  # nothing ticked yet
    at = at.checkbox(key=f"en_pick_{ids['river']}").check().run()
    assert at.session_state["en_selected"] == {ids["river"]}
    assert not any(b.disabled for b in at.get("download_button"))


def test_an_entry_changed_elsewhere_meanwhile_gives_a_clear_error_and_nothing_is_deleted(
    ids: dict[str, str],
) -> None:
    entry_id = ids["kite"]
    at = open_entries(app())
    journal = journal_of(at)
    journal.delete(entry_id)
    at = at.segmented_control(key="en_section").set_value("Trash").run()
    at = at.button(key=f"en_purge_{entry_id}").click().run()
    journal.restore(entry_id)  # e.g. restored from the open entry meanwhile
    at = click(at, "Yes, delete for good")
    assert not at.exception
    assert errors(at) == [
        "Entry: only an entry in the trash can be deleted for good. Nothing was saved."
    ]
    assert journal.entry(entry_id).deleted_at is None
    assert [e.revision for e in journal.history(entry_id)] == [1, 2, 3]


def test_an_entry_found_in_the_trash_opens_read_only_with_restore(ids: dict[str, str]) -> None:
    entry_id = ids["kite"]
    at = open_entries(app())
    journal_of(at).delete(entry_id)
    at = at.checkbox(key="en_include_trash").check().run()
    at = open_entry(search(at, "kite"), entry_id)
    assert "In the trash since" in at.warning[0].value
    assert not [s for s in at.segmented_control if s.key == "en_mode"]  # no Edit or Delete
    at = at.button(key="en_restore_open").click().run()
    assert journal_of(at).entry(entry_id).deleted_at is None
    assert [s.key for s in at.segmented_control if s.key == "en_mode"] == ["en_mode"]


def test_words_written_through_edit_never_reach_disk_in_plaintext(
    ids: dict[str, str], journal_path: Path, canary: str
) -> None:
    started = time.time()
    at = open_entry(open_entries(app()), ids["kite"])
    at = at.segmented_control(key="en_mode").set_value("Edit").run()
    (free_text,) = [t for t in at.text_area if t.key.endswith("_free_text")]
    free_text.input(f"edited {canary}")
    at = click(at, "Save changes")
    assert canary in journal_of(at).get(ids["kite"]).free_text
    at = at.segmented_control(key="en_mode").set_value("Delete").run()
    at = click(at, "Move to trash")
    at = click(at, "Lock")
    sweep_for_canary(canary, [journal_path.parent], started)


def test_unsaved_changes_survive_a_lock_and_come_back_when_editing_again(
    ids: dict[str, str],
) -> None:
    entry_id = ids["kite"]
    at = open_entry(open_entries(app()), entry_id)
    at = at.segmented_control(key="en_mode").set_value("Edit").run()
    (free_text,) = [t for t in at.text_area if t.key.endswith("_free_text")]
    at = free_text.input("Half an edit, not yet saved.").run()  # typed, then a pause
    draft = journal_of(at).draft(entries.EDIT_DRAFT)
    assert draft is not None and draft.fields["free_text"] == "Half an edit, not yet saved."
    assert journal_of(at).get(entry_id).free_text != "Half an edit, not yet saved."

    at = click(at, "Lock")
    at = open_entry(open_entries(at), entry_id)
    at = at.segmented_control(key="en_mode").set_value("Edit").run()
    (free_text,) = [t for t in at.text_area if t.key.endswith("_free_text")]
    assert free_text.value == "Half an edit, not yet saved."
    assert any("unsaved changes" in i.value for i in at.info)
    assert not at.warning  # no Streamlit warning about values set twice
    at = click(at, "Save changes")
    assert journal_of(at).get(entry_id).free_text == "Half an edit, not yet saved."
    assert journal_of(at).draft(entries.EDIT_DRAFT) is None


def test_discarding_unsaved_changes_brings_back_the_saved_text(ids: dict[str, str]) -> None:
    entry_id = ids["kite"]
    at = open_entry(open_entries(app()), entry_id)
    at = at.segmented_control(key="en_mode").set_value("Edit").run()
    saved = journal_of(at).get(entry_id).free_text
    (free_text,) = [t for t in at.text_area if t.key.endswith("_free_text")]
    at = free_text.input("A change I will not keep.").run()
    at = click(at, "Lock")
    at = open_entry(open_entries(at), entry_id)
    at = at.segmented_control(key="en_mode").set_value("Edit").run()
    at = click(at, "Discard changes")
    assert journal_of(at).draft(entries.EDIT_DRAFT) is None
    assert journal_of(at).get(entry_id).free_text == saved
    at = at.segmented_control(key="en_mode").set_value("Edit").run()
    (free_text,) = [t for t in at.text_area if t.key.endswith("_free_text")]
    assert free_text.value == saved
