"""Entries without the screen: search, filters, one entry's view, edits and their history,
and the trash (exports are in test_entry_export.py). Clients, supervisors and every word
here are invented."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from practice import entries
from practice.entries import EntryFilter
from storage.errors import InvalidRecord, RecordNotFound
from storage.journal import Journal
from storage.records import Answer, Client, Comment, Reflection, now
from tests.casebook import SUPERVISOR, Casebook, edit_of, write_casebook
from tests.conftest import JournalTemplate


@pytest.fixture
def casebook(journal: Journal) -> Casebook:
    return write_casebook(journal)


def found_ids(journal: Journal, query: str = "", **kwargs: object) -> list[str]:
    return [f.id for f in entries.find_entries(journal, query, **kwargs)]


# ---- search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "where"),
    [("lighthouse image", "answer"), ("EXTRA TIME", "free text"), ("ending time", "next step")],
)
def test_search_finds_words_in_every_part_of_a_reflection(
    casebook: Casebook, query: str, where: str
) -> None:
    assert found_ids(casebook.journal, query) == [casebook.lighthouse.id], where


def test_search_leaves_out_the_trash_unless_asked(casebook: Casebook) -> None:
    journal = casebook.journal
    journal.delete(casebook.lighthouse.id)
    assert found_ids(journal, "lighthouse") == [casebook.free.id]
    with_trash = entries.find_entries(journal, "lighthouse", include_trash=True)
    assert {f.id for f in with_trash} == {casebook.free.id, casebook.lighthouse.id}
    assert [f.row.in_trash for f in with_trash if f.id == casebook.lighthouse.id] == [True]


def test_without_a_search_every_entry_outside_the_trash_is_listed_newest_first(
    casebook: Casebook,
) -> None:
    journal = casebook.journal
    journal.delete(casebook.harbour.id)
    # the free reflection is dated the day it was written (today), after every session
    assert found_ids(journal) == [casebook.free.id, casebook.orchard.id, casebook.lighthouse.id]


def test_a_match_in_a_supervisors_comment_leads_to_the_reflection_it_is_about(
    casebook: Casebook,
) -> None:
    (found,) = entries.find_entries(casebook.journal, "pull to rescue")
    assert found.id == casebook.harbour.id
    (shown,) = found.excerpts()
    assert shown.where == f"Comment from {SUPERVISOR}"
    assert [part for part, matched in shown.parts if matched] == ["pull to rescue"]


def test_search_finds_entries_holding_every_word_in_any_order(journal: Journal) -> None:
    both = Reflection(free_text="The patient and I sat through a long silence.")
    journal.save_all([both, Reflection(free_text="Silence again.")])
    assert found_ids(journal, "silence patient") == [both.id]


def test_search_finds_entries_by_their_tags(casebook: Casebook) -> None:
    # the orchard entry is tagged "ending"; the lighthouse entry says "ending" in its words
    assert found_ids(casebook.journal, "ending") == [casebook.orchard.id, casebook.lighthouse.id]


def test_every_word_must_be_in_one_record_not_spread_over_an_entry_and_its_comment(
    casebook: Casebook,
) -> None:
    # "harbour" is in the reflection, "rescue" only in the supervisor's comment on it
    assert found_ids(casebook.journal, "harbour") == [casebook.harbour.id]
    assert found_ids(casebook.journal, "harbour rescue") == []


def test_search_results_are_ranked_by_relevance_then_newest(journal: Journal) -> None:
    days_ago = [now() - timedelta(days=d) for d in (3, 2, 1)]
    many = Reflection(free_text="Silence at first. Then silence. And silence at the end.")
    once_old = Reflection(free_text="A silence.")
    once_new = Reflection(free_text="One silence only.")
    for reflection, when in zip((many, once_old, once_new), days_ago, strict=True):
        reflection.written_at = when
    journal.save_all([many, once_old, once_new])
    assert found_ids(journal, "silence") == [many.id, once_new.id, once_old.id]
    assert found_ids(journal) == [once_new.id, once_old.id, many.id]  # no search: newest


def test_a_match_in_your_own_words_outranks_one_in_a_supervisors_comment(
    casebook: Casebook,
) -> None:
    journal = casebook.journal
    newer = Reflection(free_text="The pier again.", written_at=now())
    journal.save(newer)
    # the harbour entry (February) has "pier" only in its supervisor's comment
    assert found_ids(journal, "pier") == [newer.id, casebook.harbour.id]
    harbour = next(f for f in entries.find_entries(journal, "pier") if f.id != newer.id)
    assert harbour.relevance < entries.find_entries(journal, "pier")[0].relevance


def test_only_whole_words_are_highlighted_in_excerpts(journal: Journal) -> None:
    journal.save(Reflection(free_text="Rather than them, whether I took the lead."))
    (found,) = entries.find_entries(journal, "the")
    (shown,) = found.excerpts()
    assert [part for part, matched in shown.parts if matched] == ["the"]
    assert shown.matches == 1


def test_a_match_in_client_feedback_leads_to_the_reflection_on_that_session(
    casebook: Casebook,
) -> None:
    (found,) = entries.find_entries(casebook.journal, "homework")
    assert found.id == casebook.harbour.id
    assert found.excerpts()[0].where == "Your client's feedback"


def test_a_comment_the_journal_wrote_itself_does_not_list_an_entry(casebook: Casebook) -> None:
    journal = casebook.journal
    journal.save(Comment(casebook.orchard.id, 1, "a note about fennel", "f2f2", received=False))
    assert found_ids(journal, "fennel") == []


def test_client_codes_and_aliases_are_not_entries(casebook: Casebook) -> None:
    journal = casebook.journal
    journal.save(Client(code="C-777", alias="Quillon"))
    assert found_ids(journal, "Quillon") == []


# ---- filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_filter", "expected"),
    [
        (lambda c: EntryFilter(client_ids=frozenset({c.clients["C-202"].id})), ["orchard"]),
        (lambda c: EntryFilter(start=date(2026, 1, 20), end=date(2026, 2, 20)), ["harbour"]),
        (
            lambda c: EntryFilter(domains=frozenset({"boundaries", "presence"})),
            ["orchard", "lighthouse"],
        ),
        (lambda c: EntryFilter(tags=frozenset({"metaphor"})), ["lighthouse"]),
        # "positive" at intensity 0 on the lighthouse entry does not count as felt
        (lambda c: EntryFilter(reactions=frozenset({"positive"})), ["orchard"]),
        (lambda c: EntryFilter(reactions=frozenset({"helpless/inadequate"})), ["lighthouse"]),
        (lambda c: EntryFilter(flagged_only=True), ["lighthouse"]),
    ],
    ids=["client", "dates", "focus", "tag", "reaction", "reaction-2", "flagged"],
)
def test_each_filter_narrows_the_list(casebook: Casebook, make_filter, expected) -> None:
    ids = found_ids(casebook.journal, chosen_filter=make_filter(casebook))
    assert ids == [getattr(casebook, name).id for name in expected]


def test_search_and_filters_combine(casebook: Casebook) -> None:
    journal = casebook.journal
    first = frozenset({casebook.clients["C-201"].id})
    assert found_ids(journal, "lighthouse", chosen_filter=EntryFilter(client_ids=first)) == [
        casebook.lighthouse.id
    ]
    assert found_ids(journal, "orchard", chosen_filter=EntryFilter(client_ids=first)) == []


# ---- excerpts ---------------------------------------------------------------------------


def test_an_excerpt_is_a_short_line_around_the_match_with_every_match_marked() -> None:
    text = "word " * 100 + "the Gate\nand the gate again " + "word " * 100
    start = text.index("Gate")
    spans = [(start, start + 4), (text.index("gate a"), text.index("gate a") + 4)]
    shown = entries.excerpt(text, spans, width=80)
    assert shown.matches == 2
    assert [part for part, matched in shown.parts if matched] == ["Gate", "gate"]
    flat = shown.text()
    assert flat.startswith("…") and flat.endswith("…") and "\n" not in flat
    assert len(flat) <= 80 + 2


def test_an_excerpt_without_a_match_is_the_beginning() -> None:
    shown = entries.excerpt("short text", [], width=80)
    assert shown.parts == (("short text", False),) and shown.matches == 0


# ---- one entry ------------------------------------------------------------------------------


def test_the_entry_view_has_its_session_scores_reactions_and_received_comments(
    casebook: Casebook,
) -> None:
    journal = casebook.journal
    view = entries.entry_view(journal, casebook.lighthouse.id)
    assert view.row.client_code == "C-201" and view.row.session_number == 1
    assert view.row.estimate.total == 24 and view.row.feedback.total == 34
    assert view.reactions() == ["helpless/inadequate (moderate)"]
    assert view.item_scores()[0] == ("bond", 6, 9)
    assert view.comments == ()
    harbour = entries.entry_view(journal, casebook.harbour.id)
    assert [(c.author, c.functions) for c in harbour.comments] == [(SUPERVISOR, ["formative"])]
    with pytest.raises(RecordNotFound):
        entries.entry_view(journal, "no-such-id")


# ---- editing and history --------------------------------------------------------------------


def test_an_edit_keeps_the_earlier_revision_and_restoring_brings_it_back(
    casebook: Casebook,
) -> None:
    journal, entry_id = casebook.journal, casebook.lighthouse.id
    edit = edit_of(casebook.lighthouse, free_text="I kept to time.", tags=(" metaphor ", "time"))
    assert entries.save_edit(journal, entry_id, edit) is True
    assert journal.get(entry_id).free_text == "I kept to time."
    assert journal.get(entry_id).tags == ["metaphor", "time"]

    history = entries.revisions(journal, entry_id)
    assert [(r.revision, r.current) for r in history] == [(2, True), (1, False)]
    assert history[0].changes == ("Free text", "Tags")
    assert history[1].reflection.free_text == "I offered extra time at the end."

    journal.restore_revision(entry_id, 1)
    assert journal.get(entry_id).free_text == "I offered extra time at the end."
    history = entries.revisions(journal, entry_id)
    assert len(history) == 3  # nothing lost: the edited text is still revision 2
    assert history[0].changes[0] == "Back to the text of revision 1"
    assert history[1].reflection.free_text == "I kept to time."


def test_an_edit_that_would_empty_the_entry_is_refused_and_writes_nothing(
    casebook: Casebook,
) -> None:
    journal, entry_id = casebook.journal, casebook.harbour.id
    with pytest.raises(InvalidRecord, match="it would be empty"):
        entries.save_edit(journal, entry_id, edit_of(casebook.harbour, free_text=" ", next_step=""))
    assert journal.entry(entry_id).revision == 1


def test_an_unchanged_edit_stores_no_revision(casebook: Casebook) -> None:
    journal, entry_id = casebook.journal, casebook.orchard.id
    assert entries.save_edit(journal, entry_id, edit_of(casebook.orchard)) is False
    assert journal.entry(entry_id).revision == 1


def test_an_entry_in_the_trash_cannot_be_edited(casebook: Casebook) -> None:
    journal, entry_id = casebook.journal, casebook.orchard.id
    journal.delete(entry_id)
    with pytest.raises(InvalidRecord, match="in the trash"):
        entries.save_edit(journal, entry_id, edit_of(casebook.orchard, free_text="more"))


def test_an_answer_cleared_in_an_edit_is_dropped_like_on_reflect(casebook: Casebook) -> None:
    journal, entry_id = casebook.journal, casebook.lighthouse.id
    entries.save_edit(journal, entry_id, edit_of(casebook.lighthouse, answers=("",)))
    assert journal.get(entry_id).answers == []
    (latest, _) = entries.revisions(journal, entry_id)
    assert latest.changes == ("Answer to “What did I notice?” removed",)


def test_revision_changes_name_each_changed_part() -> None:
    old = Reflection(answers=[Answer("p-1", "What happened?", "a")], free_text="x", tags=["t"])
    new = Reflection(
        id=old.id,
        written_at=old.written_at,
        answers=[Answer("p-1", "What happened?", "b")],
        free_text="x",
        next_step="call",
        tags=["t"],
        flagged_for_supervision=True,
    )
    assert entries.revision_changes(old, new) == [
        "Answer to “What happened?”",
        "Next step",
        "Flag for supervision",
    ]
    assert entries.revision_changes(old, old) == []


def test_moving_to_the_trash_and_back_shows_in_the_history(casebook: Casebook) -> None:
    journal, entry_id = casebook.journal, casebook.orchard.id
    journal.delete(entry_id)
    journal.restore(entry_id)
    assert [r.changes for r in entries.revisions(journal, entry_id)] == [
        ("Restored from the trash",),
        ("Moved to the trash",),
        ("First saved",),
    ]


# ---- the trash ------------------------------------------------------------------------------


def test_trash_restore_and_delete_for_good(casebook: Casebook) -> None:
    journal = casebook.journal
    journal.delete(casebook.orchard.id)
    journal.delete(casebook.harbour.id)
    trashed = entries.trashed_entries(journal)
    assert [t.row.id for t in trashed] == [casebook.harbour.id, casebook.orchard.id]
    assert not any(t.due for t in trashed)

    journal.restore(casebook.orchard.id)
    assert casebook.orchard.id in found_ids(journal)
    entries.purge_entry(journal, casebook.harbour.id)
    assert entries.trashed_entries(journal) == []
    with pytest.raises(RecordNotFound):
        journal.history(casebook.harbour.id)


def test_delete_for_good_refuses_an_entry_outside_the_trash(casebook: Casebook) -> None:
    journal = casebook.journal
    with pytest.raises(InvalidRecord, match="only an entry in the trash"):
        entries.purge_entry(journal, casebook.orchard.id)
    assert journal.entry(casebook.orchard.id).revision == 1


def test_only_entries_in_the_trash_more_than_30_days_are_due_and_emptied(
    casebook: Casebook,
) -> None:
    journal = casebook.journal
    journal.delete(casebook.orchard.id)
    journal.delete(casebook.harbour.id)  # a moment later
    later = journal.entry(casebook.harbour.id).deleted_at + timedelta(days=30)
    due = {t.row.id: t.due for t in entries.trashed_entries(journal, at=later)}
    assert due == {casebook.orchard.id: True, casebook.harbour.id: False}

    assert entries.empty_old_trash(journal, at=later) == 1
    assert [t.row.id for t in entries.trashed_entries(journal)] == [casebook.harbour.id]
    with pytest.raises(RecordNotFound):
        journal.entry(casebook.orchard.id)


def test_nothing_is_due_just_under_30_days(casebook: Casebook) -> None:
    journal = casebook.journal
    journal.delete(casebook.orchard.id)
    soon = now() + timedelta(days=29, hours=23)
    assert entries.empty_old_trash(journal, at=soon) == 0
    assert entries.trashed_entries(journal)[0].row.id == casebook.orchard.id


def test_deleting_for_good_takes_the_supervisors_comments_with_it(journal: Journal) -> None:
    reflection = Reflection(free_text="A thought.")
    comment = Comment(reflection.id, 1, "A comment on it.", "ABCDE", received=True)
    journal.save_all([reflection, comment])
    journal.delete(reflection.id)
    entries.purge_entry(journal, reflection.id)
    assert journal.all(Comment, include_trash=True) == []


def test_a_tab_with_a_stale_copy_cannot_bring_back_an_entry_deleted_for_good(
    journal: Journal, journal_path: Path, empty_template: JournalTemplate
) -> None:
    reflection = Reflection(free_text="Deleted elsewhere.")
    journal.save(reflection)
    other_tab = empty_template.open(journal_path)
    try:
        stale = other_tab.get(reflection.id)
        journal.delete(reflection.id)
        entries.purge_entry(journal, reflection.id)
        stale.free_text = "Edited in the stale tab."
        with pytest.raises(InvalidRecord, match="deleted for good in another window"):
            other_tab.save(stale)
    finally:
        other_tab.lock()
    assert journal.search("stale tab", include_trash=True) == []
