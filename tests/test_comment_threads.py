"""Comment threads between a supervisor's and a supervisee's journals (storage/FORMAT.md
§8.2): the supervisee replies and the reply reaches the supervisor; either author edits
or deletes their own comment and the change reaches the other journal; only the author
changes a comment; a bundle that misplaces a comment imports nothing; comments bundles
of format 1 still import."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519
from streamlit.testing.v1 import AppTest

from practice import entries
from sharing import bundle, comments, exchange, keys, share
from sharing.identity import SharingError
from storage.journal import Journal
from storage.records import Comment, ReceivedBundle, Reflection
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate
from tests.sharing_caseload import INSTRUMENTS, decide_all, fill_caseload


@pytest.fixture
def supervisor(tmp_path: Path, empty_template: JournalTemplate) -> Iterator[Journal]:
    folder = tmp_path / "supervisor"
    folder.mkdir()
    opened = empty_template.open(empty_template.copy_to(folder))
    yield opened
    opened.lock()


@pytest.fixture
def shared(journal: Journal, supervisor: Journal) -> dict[str, Reflection]:
    """The supervisee (`journal`) shared two entries with the supervisor, who has them."""
    caseload = fill_caseload(journal)
    mine, theirs = keys.my_card(journal, "Sam"), keys.my_card(supervisor, "Dr Vale")
    keys.pin_contact(journal, theirs.to_text(), theirs.fingerprint, "supervisor", "Dr Vale")
    keys.pin_contact(supervisor, mine.to_text(), mine.fingerprint, "supervisee", "Sam")
    chosen = {caseload["first"].id, caseload["second"].id}
    picked = [c for c in share.candidates(journal) if c.id in chosen]
    review = share.review(journal, picked)
    content = share.payload(journal, review, decide_all(review), INSTRUMENTS)
    data = exchange.send_entries(journal, content, to=keys.contacts(journal, "supervisor"))
    exchange.import_entries(supervisor, data)
    return caseload


def fingerprint(journal: Journal) -> str:
    return keys.my_keys(journal).fingerprint


def comment_back(supervisor: Journal, supervisee: Journal) -> None:
    """The supervisor sends every comment; the supervisee imports them."""
    exchange.import_comments(
        supervisee, exchange.export_comments(supervisor, fingerprint(supervisee))
    )


def replies_back(supervisee: Journal, supervisor: Journal) -> exchange.Imported:
    """The supervisee sends every reply; the supervisor imports them."""
    data = exchange.export_comments(supervisee, fingerprint(supervisor))
    return exchange.import_comments(supervisor, data)


def texts(thread: comments.Thread) -> list[str]:
    return [c.text for c in (thread.root, *thread.replies)]


def test_a_reply_goes_back_to_the_supervisor_and_the_thread_shows_on_both_sides(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry = shared["first"].id
    exchange.add_comment(supervisor, fingerprint(journal), entry, "What did the fee stir?")
    comment_back(supervisor, journal)

    (thread,) = comments.threads(journal, entry)
    reply = comments.add_reply(journal, thread, "Shame, I think: I undercharge.")
    assert reply.reply_to == thread.root.remote_id and not reply.received
    done = replies_back(journal, supervisor)
    assert done.message == "Imported 1 new comment (0 updated) from Sam."

    (seen,) = comments.threads(supervisor, entry, fingerprint(journal))
    assert texts(seen) == ["What did the fee stir?", "Shame, I think: I undercharge."]
    assert seen.replies[0].received and seen.replies[0].author == "Sam"

    comments.add_reply(supervisor, seen, "Let us look at that together.")
    comment_back(supervisor, journal)
    (again,) = comments.threads(journal, entry)
    assert texts(again) == [
        "What did the fee stir?",
        "Shame, I think: I undercharge.",
        "Let us look at that together.",
    ]
    assert [comments.is_mine(c) for c in again.replies] == [True, False]


def test_an_edit_by_its_author_reaches_the_other_journal_and_keeps_the_earlier_revision(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry = shared["first"].id
    written = exchange.add_comment(supervisor, fingerprint(journal), entry, "Frist thought.")
    comment_back(supervisor, journal)
    edited = comments.edit_comment(supervisor, written.id, "First thought.", ["formative"])
    assert edited.edited_at is not None and edited.id == written.id
    assert [e.record.text for e in supervisor.history(written.id)] == [
        "Frist thought.",
        "First thought.",
    ]
    got = exchange.import_comments(
        journal, exchange.export_comments(supervisor, fingerprint(journal))
    )
    assert (got.added, got.updated) == (0, 1)
    (thread,) = comments.threads(journal, entry)
    assert thread.root.text == "First thought." and thread.root.functions == ["formative"]
    assert thread.root.edited_at is not None

    # the supervisee edits their own reply the same way
    reply = comments.add_reply(journal, thread, "Agreed")
    replies_back(journal, supervisor)
    comments.edit_comment(journal, reply.id, "Agreed: the fee.")
    assert replies_back(journal, supervisor).updated == 1
    (seen,) = comments.threads(supervisor, entry)
    assert texts(seen) == ["First thought.", "Agreed: the fee."]


def test_a_deletion_by_its_author_removes_the_other_journals_copy(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry, other = shared["first"].id, shared["second"].id
    kept = exchange.add_comment(supervisor, fingerprint(journal), entry, "Keep this one.")
    gone = exchange.add_comment(supervisor, fingerprint(journal), other, "Regret this one.")
    comment_back(supervisor, journal)
    (thread,) = comments.threads(journal, entry)
    reply = comments.add_reply(journal, thread, "A reply that stays.")
    replies_back(journal, supervisor)

    comments.delete_comment(supervisor, gone.id)
    comments.delete_comment(supervisor, kept.id)  # a thread with a reply in it
    got = exchange.import_comments(
        journal, exchange.export_comments(supervisor, fingerprint(journal))
    )
    assert got.message == "Imported 0 new comments (0 updated, 2 deleted) from Dr Vale."
    assert comments.threads(journal, other) == []  # nothing left to show
    (left,) = comments.threads(journal, entry)
    assert not left.open and texts(left) == ["", "A reply that stays."]
    stored = [c for c in journal.all(Comment) if c.received]
    assert all(c.text == "" and c.deleted_at is not None for c in stored)
    # the Entries screen no longer shows them
    assert entries.entry_view(journal, entry).comments == ()
    with pytest.raises(ValueError, match="no more replies"):
        comments.add_reply(journal, left, "Too late.")
    assert comments.delete_comment(journal, reply.id).text == ""


def test_only_the_author_changes_or_deletes_a_comment(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry = shared["first"].id
    exchange.add_comment(supervisor, fingerprint(journal), entry, "Mine, not yours.")
    comment_back(supervisor, journal)
    (received,) = journal.all(Comment)
    with pytest.raises(ValueError, match="Only the person who wrote"):
        comments.edit_comment(journal, received.id, "Rewritten by the supervisee.")
    with pytest.raises(ValueError, match="Only the person who wrote"):
        comments.delete_comment(journal, received.id)
    assert journal.get(received.id).text == "Mine, not yours."
    with pytest.raises(ValueError, match="empty"):
        comments.add_reply(journal, comments.threads(journal, entry)[0], "   ")


def test_reimporting_a_bundle_of_replies_changes_nothing(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry = shared["first"].id
    exchange.add_comment(supervisor, fingerprint(journal), entry, "A question.")
    comment_back(supervisor, journal)
    comments.add_reply(journal, comments.threads(journal, entry)[0], "An answer.")
    data = exchange.export_comments(journal, fingerprint(supervisor))
    exchange.import_comments(supervisor, data)
    version = supervisor.version
    assert exchange.import_comments(supervisor, data).already
    assert supervisor.version == version


def test_a_bundle_of_replies_imports_where_entries_do(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry = shared["first"].id
    exchange.add_comment(supervisor, fingerprint(journal), entry, "A question.")
    comment_back(supervisor, journal)
    comments.add_reply(journal, comments.threads(journal, entry)[0], "An answer.")
    data = exchange.export_comments(journal, fingerprint(supervisor))
    done = exchange.import_any(supervisor, data)
    assert (done.kind, done.added) == ("comments", 1)


# --- bundles that misplace a comment import nothing ------------------------------------------


def signed_comments(sender: Journal, to: Journal, *items: dict, fmt: str = "") -> bytes:
    """A well-signed comments bundle with any items (revision 1 unless given)."""
    items = tuple({"revision": 1, "functions": [], **item} for item in items)
    content = {"items": list(items)}
    pairs = [(i["id"], i["revision"]) for i in items]
    me, card = keys.my_keys(sender), keys.my_card(to)
    if not fmt:
        return bundle.write_bundle(content, "comments", pairs, me, [card])
    # an older writer: the same files, another format in the manifest
    plaintext = json.dumps(content).encode()
    encrypted = pyrage.encrypt(
        plaintext, [x25519.Recipient.from_str(r) for r in (card.recipient, me.recipient)]
    )
    manifest = {
        "format": fmt,
        "kind": "comments",
        "created_at": "2026-03-10T10:00:00+00:00",
        "sender": {
            "recipient": me.recipient,
            "signing_public": base64.b64encode(me.signing_public).decode("ascii"),
            "fingerprint": me.fingerprint,
        },
        "recipients": [card.fingerprint, me.fingerprint],
        "items": [{"id": i, "revision": r} for i, r in pairs],
        "payload_sha256": hashlib.sha256(encrypted).hexdigest(),
    }
    raw = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("ascii")
    return bundle._zip(
        {bundle.MANIFEST: raw, bundle.PAYLOAD: encrypted, bundle.SIGNATURE: me.sign(raw)}
    )


def item(entry_id: str, text: str = "A comment.", **fields) -> dict:
    return {
        "id": fields.pop("id", "c" * 32),
        "entry_id": entry_id,
        "entry_revision": 1,
        "text": text,
        "written_at": "2026-03-10T10:00:00+00:00",
        **fields,
    }


def test_a_comments_bundle_of_format_1_still_imports(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    data = signed_comments(
        supervisor, journal, item(shared["first"].id), fmt="reflective-journal-bundle/1"
    )
    done = exchange.import_comments(journal, data)
    assert done.added == 1
    (thread,) = comments.threads(journal, shared["first"].id)
    assert thread.root.text == "A comment." and thread.root.reply_to == ""
    assert thread.root.edited_at is None and thread.root.deleted_at is None


def refused(journal: Journal, data: bytes, match: str) -> None:
    before = (len(journal.all(Comment)), len(journal.all(ReceivedBundle)))
    with pytest.raises(SharingError, match=match):
        exchange.import_comments(journal, data)
    assert (len(journal.all(Comment)), len(journal.all(ReceivedBundle))) == before


def test_a_reply_to_a_thread_the_journal_does_not_have_imports_nothing(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry = shared["first"].id
    refused(
        supervisor,
        signed_comments(journal, supervisor, item(entry, reply_to="f" * 32)),
        "does not have",
    )


def test_a_supervisee_cannot_start_a_thread_on_their_own_entry(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    refused(
        supervisor,
        signed_comments(journal, supervisor, item(shared["first"].id)),
        "must be a reply",
    )


def test_a_comment_cannot_take_the_id_of_one_the_reader_wrote(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry = shared["first"].id
    exchange.add_comment(supervisor, fingerprint(journal), entry, "Mine.")
    comment_back(supervisor, journal)
    (thread,) = comments.threads(journal, entry)
    mine = comments.add_reply(journal, thread, "My reply.")
    forged = item(entry, "Overwritten?", id=mine.id, reply_to=thread.key)
    refused(journal, signed_comments(supervisor, journal, forged), "comment 1: id")
    assert journal.get(mine.id).text == "My reply."


def test_a_received_comment_keeps_its_entry_and_thread(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    exchange.import_comments(
        journal, signed_comments(supervisor, journal, item(shared["first"].id))
    )
    moved = item(shared["second"].id, revision=2)
    refused(journal, signed_comments(supervisor, journal, moved), "comment 1: thread")


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"text": "Still here.", "deleted_at": "2026-03-11T10:00:00+00:00"}, "text"),
        ({"text": ""}, "text"),
        ({"deleted_at": "yesterday", "text": ""}, "date"),
        ({"edited_at": "2026-03-11T10:00:00"}, "date"),  # no offset
        ({"reply_to": 7}, "reply"),
        ({"reply_to": "c" * 32}, "reply"),  # itself
    ],
    ids=["tombstone-with-text", "no-text", "bad-deleted", "naive-edited", "reply-type", "self"],
)
def test_a_malformed_thread_field_imports_nothing(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection], fields: dict, named: str
) -> None:
    data = signed_comments(supervisor, journal, item(shared["first"].id, **fields))
    refused(journal, data, f"comment 1: {named}")


def test_a_tombstone_for_a_comment_never_received_is_kept_quietly(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry = shared["first"].id
    tombstone = item(entry, "", revision=2, deleted_at="2026-03-11T10:00:00+00:00")
    done = exchange.import_comments(journal, signed_comments(supervisor, journal, tombstone))
    assert (done.added, done.updated, done.deleted) == (0, 0, 0)
    assert comments.threads(journal, entry) == []
    # the older revision, arriving late, does not bring it back
    late = exchange.import_comments(journal, signed_comments(supervisor, journal, item(entry)))
    assert late.added == 0 and comments.threads(journal, entry) == []


# --- on the screen ----------------------------------------------------------------------------


def open_comments(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page("pages/screens/supervision.py").run()
    return at.segmented_control(key="sv_section").set_value("Comments").run()


def test_a_reply_typed_on_the_screen_is_kept_until_sent_then_confirmed(
    journal: Journal, supervisor: Journal, shared: dict[str, Reflection]
) -> None:
    entry = shared["first"].id
    exchange.add_comment(supervisor, fingerprint(journal), entry, "What did the fee stir?")
    comment_back(supervisor, journal)
    (thread,) = comments.threads(journal, entry)
    box = f"sv_reply_text_{thread.key}"

    at = open_comments(app())
    at.text_area(key=box).input("Half a thought")
    at = at.run()
    again = open_comments(app())  # a lock, a closed tab: a new session
    assert again.text_area(key=box).value == "Half a thought"
    again = again.button(key=f"sv_reply_button_{thread.key}").click().run()
    assert not again.exception and not errors(again)
    assert any("Reply added. It goes to Dr Vale" in s.value for s in again.success)
    assert again.text_area(key=box).value == ""
    mine = [c for c in again.session_state["journal"].all(Comment) if comments.is_mine(c)]
    assert [c.text for c in mine] == ["Half a thought"]
    assert again.button(key="sv_make_replies").label == "Make replies bundle"
