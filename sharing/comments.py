"""Comment threads on shared entries: write, reply, edit, delete, and the wire form.

A supervisor comments on an entry a supervisee shared; that comment starts a *thread*,
and either of them replies in it. Every comment belongs to the journal that wrote it:
only its author edits or deletes it, and each change is a new revision of the record,
so the next comments bundle carries it across (storage/FORMAT.md §8.2). Deleting keeps a
tombstone (no text, `deleted_at` set) that travels like an edit; the earlier wording
stays only in the author's own revision history.

Comments are named across journals by the id their author gave them: a comment written
here is `comment.id`; one received is `comment.remote_id` (`thread_key`). A reply's
`reply_to` is its thread's first comment named that way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sharing.payload import bad_content, is_count, is_text
from storage.journal import Journal
from storage.records import PROCTOR_FUNCTIONS, Comment, Identity, Reflection, now

MAX_COMMENT_CHARS = 20_000
MAX_ID_CHARS = 64
EMPTY = "Write the comment first: it is empty."
NOT_YOURS = "Only the person who wrote a comment can change or delete it."
GONE = "That comment was deleted: there is nothing to change."


def thread_key(comment: Comment) -> str:
    """The comment's id as its author numbered it: how both journals name it."""
    return comment.remote_id if comment.received else comment.id


def is_mine(comment: Comment) -> bool:
    """Written in this journal (so this journal may edit or delete it)."""
    return not comment.received


@dataclass(frozen=True)
class Thread:
    """A comment on an entry and the replies to it, oldest first."""

    root: Comment
    replies: tuple[Comment, ...] = ()

    @property
    def key(self) -> str:
        """What a reply in this thread names in `reply_to`."""
        return thread_key(self.root)

    @property
    def open(self) -> bool:
        """Replies can be added while the first comment is not deleted."""
        return self.root.deleted_at is None

    @property
    def shown(self) -> bool:
        """A thread whose first comment is deleted is shown only for its live replies."""
        return self.open or bool(self.replies)


def my_name(journal: Journal) -> str:
    """The name on this journal's key card (may be empty)."""
    found = journal.all(Identity)
    return found[0].name if found else ""


def checked_text(text: str) -> str:
    """The comment's text without surrounding blanks; ValueError if empty or too long."""
    body = text.strip() if isinstance(text, str) else ""
    if not body:
        raise ValueError(EMPTY)
    if len(body) > MAX_COMMENT_CHARS:
        raise ValueError(f"A comment can be at most {MAX_COMMENT_CHARS:,} characters.")
    return body


def checked_functions(functions: Iterable[str]) -> list[str]:
    """Proctor functions once each, in the order given; ValueError for an unknown one."""
    chosen = list(dict.fromkeys(functions))
    unknown = [f for f in chosen if f not in PROCTOR_FUNCTIONS]
    if unknown:
        raise ValueError(f"Unknown Proctor function: {', '.join(unknown)}.")
    return chosen


def threads(journal: Journal, entry_id: str, contact: str | None = None) -> list[Thread]:
    """The threads on one entry (with one contact, when given), oldest first; deleted
    replies and threads with nothing left to show are left out."""
    found = [
        c
        for c in journal.all(Comment)
        if c.entry_id == entry_id and (contact is None or c.contact_fingerprint == contact)
    ]
    found.sort(key=lambda c: c.written_at)
    replies: dict[str, list[Comment]] = {}
    for comment in found:
        if comment.reply_to and comment.deleted_at is None:
            replies.setdefault(comment.reply_to, []).append(comment)
    made = [Thread(c, tuple(replies.get(thread_key(c), ()))) for c in found if not c.reply_to]
    return [t for t in made if t.shown]


def own_entries(journal: Journal) -> set[str]:
    """The ids of this journal's reflections (the trash included): threads on them are
    the supervisee's side; threads on other entries, the supervisor's."""
    return {r.id for r in journal.all(Reflection, include_trash=True)}


def threads_by_entry(journal: Journal, own: bool | None = None) -> dict[str, list[Thread]]:
    """Every entry that has a thread to show, and its threads; only this journal's own
    entries when `own` is True, only others' when False."""
    mine = own_entries(journal) if own is not None else set()
    entry_ids = {
        c.entry_id for c in journal.all(Comment) if own is None or (c.entry_id in mine) == own
    }
    found = {entry_id: threads(journal, entry_id) for entry_id in entry_ids}
    return {entry_id: listed for entry_id, listed in found.items() if listed}


def reply_contacts(journal: Journal) -> set[str]:
    """Fingerprints of the supervisors this journal wrote replies to (on its own entries)."""
    mine = own_entries(journal)
    return {
        c.contact_fingerprint
        for c in journal.all(Comment, include_trash=True)
        if is_mine(c) and c.entry_id in mine
    }


def find_thread(journal: Journal, entry_id: str, key: str) -> Thread:
    """The thread on `entry_id` whose first comment is `key`; ValueError if none."""
    for thread in threads(journal, entry_id):
        if thread.key == key:
            return thread
    raise ValueError("That comment is no longer in the journal.")


def add_reply(journal: Journal, thread: Thread, text: str) -> Comment:
    """Save a reply in `thread`, to go to the other party with the next comments bundle.

    Raises ValueError, saving nothing, for empty or overlong text or a deleted thread.
    """
    body = checked_text(text)
    if not thread.open:
        raise ValueError("That comment was deleted by its author: it takes no more replies.")
    root = thread.root
    reply = Comment(
        entry_id=root.entry_id,
        entry_revision=root.entry_revision,
        text=body,
        contact_fingerprint=root.contact_fingerprint,
        author=my_name(journal),
        reply_to=thread.key,
    )
    journal.save(reply)
    return reply


def _own(journal: Journal, comment_id: str) -> Comment:
    comment = journal.get(comment_id)
    if not isinstance(comment, Comment) or not is_mine(comment):
        raise ValueError(NOT_YOURS)
    if comment.deleted_at is not None:
        raise ValueError(GONE)
    return comment


def edit_comment(
    journal: Journal, comment_id: str, text: str, functions: Iterable[str] | None = None
) -> Comment:
    """Change a comment written in this journal (a new revision; the earlier one stays in
    its history). `functions` None keeps them. Nothing changed: nothing is saved."""
    comment = _own(journal, comment_id)
    body = checked_text(text)
    chosen = comment.functions if functions is None else checked_functions(functions)
    if body == comment.text and chosen == comment.functions:
        return comment
    edited = dataclasses.replace(comment, text=body, functions=chosen, edited_at=now())
    journal.save(edited)
    return edited


def delete_comment(journal: Journal, comment_id: str) -> Comment:
    """Delete a comment written in this journal: its text goes, a tombstone stays (and
    travels with the next comments bundle, so the other party's copy goes too)."""
    comment = _own(journal, comment_id)
    gone = dataclasses.replace(comment, text="", functions=[], deleted_at=now())
    journal.save(gone)
    return gone


# --- the wire form (storage/FORMAT.md §8.2) ------------------------------------------------


def to_wire(comment: Comment, revision: int) -> dict[str, Any]:
    """One comment as a comments bundle carries it."""

    def when(value: datetime | None) -> str | None:
        # full precision: a reply written within the same second still sorts after
        return value.isoformat() if value is not None else None

    return {
        "id": comment.id,
        "revision": revision,
        "entry_id": comment.entry_id,
        "entry_revision": comment.entry_revision,
        "text": comment.text,
        "functions": list(comment.functions),
        "written_at": when(comment.written_at),
        "reply_to": comment.reply_to or None,
        "edited_at": when(comment.edited_at),
        "deleted_at": when(comment.deleted_at),
    }


@dataclass(frozen=True)
class WireComment:
    """One comment read from a bundle, checked for form (not yet for what it refers to)."""

    id: str
    revision: int
    entry_id: str
    entry_revision: int
    text: str
    functions: tuple[str, ...]
    written_at: datetime
    reply_to: str = ""
    edited_at: datetime | None = None
    deleted_at: datetime | None = None

    def fields(self) -> dict[str, Any]:
        """The `Comment` fields this bundle sets."""
        return {
            "entry_id": self.entry_id,
            "entry_revision": self.entry_revision,
            "text": self.text,
            "functions": list(self.functions),
            "written_at": self.written_at,
            "reply_to": self.reply_to,
            "edited_at": self.edited_at,
            "deleted_at": self.deleted_at,
        }


def _moment(value: object, where: str, optional: bool) -> datetime | None:
    if value is None and optional:
        return None
    try:
        moment = datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise bad_content(f"{where}: date") from None
    if moment.tzinfo is None:
        raise bad_content(f"{where}: date")
    return moment


def read_wire(content: Mapping[str, Any]) -> list[WireComment]:
    """The comments of a bundle's payload, each checked for form; SharingError
    ("bad_content") naming the first faulty one. Format-1 items (no thread fields) read
    as comments that start a thread."""
    items = content["items"]
    if len({item.get("id") for item in items}) != len(items):
        raise bad_content("the same comment twice")
    read = []
    for number, item in enumerate(items, start=1):
        where = f"comment {number}"
        comment_id = item.get("id")
        if not is_text(comment_id, MAX_ID_CHARS) or not comment_id:
            raise bad_content(f"{where}: id")
        if not is_text(item.get("entry_id"), MAX_ID_CHARS) or not is_count(
            item.get("entry_revision"), 10**9
        ):
            raise bad_content(f"{where}: entry")
        deleted_at = _moment(item.get("deleted_at"), where, optional=True)
        text = item.get("text")
        if not is_text(text, MAX_COMMENT_CHARS) or (
            bool(text.strip()) == (deleted_at is not None)  # a tombstone carries no text
        ):
            raise bad_content(f"{where}: text")
        functions = item.get("functions")
        if not isinstance(functions, list) or not all(
            isinstance(f, str) and f in PROCTOR_FUNCTIONS for f in functions
        ):
            raise bad_content(f"{where}: Proctor functions")
        reply_to = "" if item.get("reply_to") is None else item["reply_to"]
        if not is_text(reply_to, MAX_ID_CHARS) or reply_to == comment_id:
            raise bad_content(f"{where}: reply")
        read.append(
            WireComment(
                id=comment_id,
                revision=item["revision"],
                entry_id=item["entry_id"],
                entry_revision=item["entry_revision"],
                text=text,
                functions=tuple(functions),
                written_at=_moment(item.get("written_at"), where, optional=False),
                reply_to=reply_to,
                edited_at=_moment(item.get("edited_at"), where, optional=True),
                deleted_at=deleted_at,
            )
        )
    return read
