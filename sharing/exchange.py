"""Sending and receiving supervision bundles: the journal side of `sharing.bundle`.

Supervisee: `send_entries` writes a bundle of a reviewed payload and keeps a
`SentShare` receipt (a passphrase bundle also carries a readable HTML page of it, for a
supervisor without the app); `import_comments` takes the supervisor's comments back.
Supervisor: `import_entries` keeps a received bundle read-only; `add_comment` and
`export_comments` write comments and send them back.
Both ways: replies, edits and deletions (`sharing.comments`) travel in comments bundles,
so `export_comments` and `import_comments` serve the supervisee's replies too.

Every import verifies the whole bundle (signature, pinned sender, addressee, content)
and checks everything it refers to before writing, then writes in one transaction: a
bad bundle imports nothing, and importing the same bundle again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sharing import comments
from sharing.bundle import bundle_id, open_bundle, write_bundle
from sharing.comments import WireComment, thread_key
from sharing.identity import PublicCard, SharingError
from sharing.keys import my_keys, pinned_cards
from sharing.payload import ChartPoint, Payload, SharedCourse, SharedItem, bad_content
from storage.journal import Journal
from storage.records import Comment, Contact, ReceivedBundle, Reflection, SentShare

_NOTHING = " Nothing was imported."
FROM_MYSELF = "This bundle was made by this journal: there is nothing to import." + _NOTHING
WRONG_KIND = {
    "entries": ("This is a bundle of comments: import it under Supervision → Comments." + _NOTHING),
    "comments": (
        "This is a bundle of shared entries: import it under Supervision → Shared with me."
        + _NOTHING
    ),
}


@dataclass(frozen=True)
class Imported:
    """What an import did: `added` new items, `updated` and `deleted` ones, or nothing
    when `already`."""

    sender: str
    kind: str = "entries"
    added: int = 0
    updated: int = 0
    already: bool = False
    deleted: int = 0

    @property
    def message(self) -> str:
        """One sentence for the screen."""
        if self.already:
            return f"You have already imported this bundle from {self.sender}: nothing changed."
        if self.kind == "entries":
            noun = "entry" if self.added == 1 else "entries"
            return f"Imported {self.added} {noun} from {self.sender}."
        noun = "comment" if self.added == 1 else "comments"
        changed = f"{self.updated} updated" + (f", {self.deleted} deleted" if self.deleted else "")
        return f"Imported {self.added} new {noun} ({changed}) from {self.sender}."


# --- supervisee: send entries -----------------------------------------------------------


def send_entries(
    journal: Journal,
    content: Payload,
    to: Iterable[Contact] = (),
    passphrase: str | None = None,
) -> bytes:
    """A signed, encrypted bundle of a reviewed payload, to pinned contacts or a passphrase.

    The receipt (`SentShare`) is saved with it: what went, to whom, and when. A
    passphrase bundle opens with `age -d` as the printable HTML report of the same
    content (the app reads the JSON inside it).
    """
    keys = my_keys(journal)
    contacts = list(to)
    items = content.manifest_items()
    wire = content.to_json()
    if passphrase is None:
        cards = [PublicCard.from_text(c.card) for c in contacts]
        data = write_bundle(wire, "entries", items, keys, recipients=cards)
    else:
        from sharing import report  # here: only a passphrase bundle pays for the charts

        page = report.html_report(content, sender=my_keys_name(journal), created=_month())
        contacts = []
        data = write_bundle(wire, "entries", items, keys, passphrase=passphrase, document=page)
    journal.save(
        SentShare(
            bundle_id=bundle_id(data),
            items=[{"id": i, "revision": r} for i, r in items],
            recipients=[c.fingerprint for c in contacts],
            recipient_names=[c.name for c in contacts],
            include=list(content.include),
        )
    )
    return data


def _month() -> str:
    """When a report says it was made: the month only ("November 2026")."""
    return f"{date.today():%B %Y}"


def sent(journal: Journal) -> list[SentShare]:
    """Every bundle of entries this journal made, newest first."""
    return sorted(journal.all(SentShare), key=lambda s: s.sent_at, reverse=True)


# --- supervisor: receive entries, comment, send comments back ------------------------


def import_entries(journal: Journal, data: bytes, passphrase: str | None = None) -> Imported:
    """Keep a bundle of shared entries from a pinned supervisee, read-only."""
    opened, sender = _open(journal, data, "entries", passphrase)
    bid = bundle_id(data)
    if _received(journal, bid):
        return Imported(sender.name, already=True)
    content = Payload.from_json(opened.payload)  # refuses what is malformed, before writing
    journal.save(
        ReceivedBundle(
            bundle_id=bid,
            kind="entries",
            sender_name=sender.name,
            sender_fingerprint=sender.fingerprint,
            created_at=str(opened.manifest["created_at"]),
            payload=opened.payload,  # kept as it came: the typed reading is redone on use
        )
    )
    return Imported(sender.name, added=len(content.items))


def shared_with_me(journal: Journal) -> dict[str, list[ReceivedBundle]]:
    """Received bundles of entries grouped by the supervisee's fingerprint, newest first."""
    groups: dict[str, list[ReceivedBundle]] = {}
    bundles = [b for b in journal.all(ReceivedBundle) if b.kind == "entries"]
    for found in sorted(bundles, key=lambda b: b.received_at, reverse=True):
        groups.setdefault(found.sender_fingerprint, []).append(found)
    return groups


def _stored_payload(found: ReceivedBundle) -> Payload | None:
    """A stored bundle's payload; None for one imported under older, looser checks that
    the typed payload now refuses (it stays stored, untouched, but is not shown)."""
    try:
        return Payload.from_json(found.payload)
    except SharingError:
        return None


def latest_entries(bundles: Iterable[ReceivedBundle]) -> list[SharedItem]:
    """Each shared entry once, at the newest revision received, in the order shared."""
    newest: dict[str, SharedItem] = {}
    for found in sorted(bundles, key=lambda b: b.received_at):
        content = _stored_payload(found)
        for item in content.items if content is not None else ():
            kept = newest.get(item.id)
            if kept is None or item.revision >= kept.revision:
                newest[item.id] = item
    return list(newest.values())


def latest_series(bundles: Iterable[ReceivedBundle]) -> tuple[ChartPoint, ...]:
    """The alliance series of the newest bundle that has one (it covers the older ones)."""
    for found in sorted(bundles, key=lambda b: b.received_at, reverse=True):
        content = _stored_payload(found)
        if content is not None and content.series:
            return content.series
    return ()


def latest_outcomes(bundles: Iterable[ReceivedBundle]) -> tuple[SharedCourse, ...]:
    """Each client's outcome course from the newest bundle that has one (client letters
    are stable between bundles), in letter order; () when no bundle carried outcomes."""
    newest: dict[str, SharedCourse] = {}
    for found in sorted(bundles, key=lambda b: b.received_at, reverse=True):
        content = _stored_payload(found)
        for course in content.outcomes if content is not None else ():
            newest.setdefault(course.client, course)
    return tuple(sorted(newest.values(), key=lambda c: (len(c.client), c.client)))


def add_comment(
    journal: Journal,
    supervisee: str,
    entry_id: str,
    text: str,
    functions: Iterable[str] = (),
) -> Comment:
    """Save a comment on a shared entry from `supervisee` (their fingerprint).

    Raises ValueError, saving nothing, for empty or overlong text, an unknown Proctor
    function, or an entry that supervisee never shared.
    """
    body = comments.checked_text(text)
    chosen = comments.checked_functions(functions)
    bundles = shared_with_me(journal).get(supervisee, [])
    entry = next((e for e in latest_entries(bundles) if e.id == entry_id), None)
    if entry is None:
        raise ValueError("That entry was not shared with you by this supervisee.")
    comment = Comment(
        entry_id=entry_id,
        entry_revision=entry.revision,
        text=body,
        contact_fingerprint=supervisee,
        functions=chosen,
        author=my_keys_name(journal),
    )
    journal.save(comment)
    return comment


def my_keys_name(journal: Journal) -> str:
    """The name on this journal's key card (may be empty)."""
    return comments.my_name(journal)


def comments_on(journal: Journal, entry_id: str) -> list[Comment]:
    """Comments on one entry, oldest first (written here or received)."""
    found = [c for c in journal.all(Comment) if c.entry_id == entry_id]
    return sorted(found, key=lambda c: c.written_at)


def export_comments(journal: Journal, contact: str) -> bytes:
    """A bundle of every comment and reply written here in threads with `contact` (their
    fingerprint: a supervisee, or the supervisor whose comments were replied to), to them
    only; edits go as newer revisions and deletions as tombstones.

    Sending all of them each time is safe: the other journal's import skips what it has.
    """
    pinned = next((c for c in journal.all(Contact) if c.fingerprint == contact), None)
    if pinned is None:
        raise SharingError(
            "This contact is no longer pinned: pin their key card again to send comments.",
            "not_pinned",
        )
    mine = [
        c
        for c in journal.all(Comment, include_trash=True)
        if comments.is_mine(c) and c.contact_fingerprint == contact
    ]
    if not mine:
        raise SharingError("There are no comments to send yet.", "empty")
    mine.sort(key=lambda c: c.written_at)
    items = [(c.id, journal.entry(c.id).revision) for c in mine]
    content = {
        "items": [
            comments.to_wire(c, revision) for c, (_, revision) in zip(mine, items, strict=True)
        ]
    }
    card = PublicCard.from_text(pinned.card)
    return write_bundle(content, "comments", items, my_keys(journal), recipients=[card])


# --- supervisee: receive comments ---------------------------------------------------------


def import_comments(journal: Journal, data: bytes) -> Imported:
    """Take a contact's comments, replies, edits and deletions in, in their threads.

    From a supervisor: every comment must be about a reflection in this journal that was
    shared with them. From a supervisee: every item must be a reply about an entry they
    shared with this journal. A reply must name a thread this journal has (or that comes
    in the same bundle), and a comment once received keeps its entry and thread.
    Otherwise nothing is imported. A comment already received changes only with a higher
    revision.
    """
    opened, sender = _open(journal, data, "comments", None)
    bid = bundle_id(data)
    if _received(journal, bid):
        return Imported(sender.name, "comments", already=True)
    items = comments.read_wire(opened.payload)
    theirs = {e.id for e in latest_entries(shared_with_me(journal).get(sender.fingerprint, []))}
    _check_refers_to_shared(journal, items, sender, theirs)
    known = journal.all(Comment, include_trash=True)
    existing = {
        c.remote_id: c for c in known if c.received and c.contact_fingerprint == sender.fingerprint
    }
    _check_threads(items, known, existing, theirs, sender.fingerprint)
    changed, added, updated, deleted = [], 0, 0, 0
    for item in items:
        old = existing.get(item.id)
        if old is None:
            added += item.deleted_at is None  # a comment deleted before it arrived: kept quiet
            changed.append(
                Comment(
                    **item.fields(),
                    contact_fingerprint=sender.fingerprint,
                    author=sender.name,
                    received=True,
                    remote_id=item.id,
                    remote_revision=item.revision,
                )
            )
        elif item.revision > old.remote_revision:
            if item.deleted_at is not None and old.deleted_at is None:
                deleted += 1
            else:
                updated += 1
            changed.append(replace(old, **item.fields(), remote_revision=item.revision))
    receipt = ReceivedBundle(
        bundle_id=bid,
        kind="comments",
        sender_name=sender.name,
        sender_fingerprint=sender.fingerprint,
        created_at=str(opened.manifest["created_at"]),
        payload={"items": [{"id": i.id, "revision": i.revision} for i in items]},
    )
    journal.save_all([*changed, receipt])
    return Imported(sender.name, "comments", added=added, updated=updated, deleted=deleted)


def import_any(journal: Journal, data: bytes, passphrase: str | None = None) -> Imported:
    """Import a bundle of entries or of comments (a supervisee's replies), whichever it is;
    every check of `import_entries` or `import_comments` applies."""
    try:
        return import_entries(journal, data, passphrase)
    except SharingError as error:
        if error.reason != "wrong_kind":
            raise
    return import_comments(journal, data)


def received_comments(journal: Journal) -> dict[str, list[Comment]]:
    """Received comments by the reflection they are about, oldest first."""
    grouped: dict[str, list[Comment]] = {}
    for comment in sorted(journal.all(Comment), key=lambda c: c.written_at):
        if comment.received:
            grouped.setdefault(comment.entry_id, []).append(comment)
    return grouped


# ---------------------------------------------------------------------------------------


def _open(journal: Journal, data: bytes, kind: str, passphrase: str | None) -> tuple[Any, Any]:
    keys = my_keys(journal)
    opened = open_bundle(data, keys, pinned_cards(journal), passphrase)
    if opened.sender.fingerprint == keys.fingerprint:
        raise SharingError(FROM_MYSELF, "from_myself")
    if opened.manifest["kind"] != kind:
        raise SharingError(WRONG_KIND[kind], "wrong_kind")
    return opened, opened.sender


def _received(journal: Journal, bid: str) -> bool:
    return any(b.bundle_id == bid for b in journal.all(ReceivedBundle))


def _check_threads(
    items: list[WireComment],
    known: list[Comment],
    existing: dict[str, Comment],
    theirs: set[str],
    sender: str,
) -> None:
    """Each item keeps its place: a new id (not one of this journal's own comments), the
    same entry and thread as when first received, a reply to a thread this journal has or
    gets in the same bundle, and no new thread on the sender's own entries."""
    own_ids = {c.id for c in known if comments.is_mine(c)}
    roots = {
        (c.entry_id, thread_key(c))
        for c in known
        if not c.reply_to and c.contact_fingerprint == sender
    } | {(i.entry_id, i.id) for i in items if not i.reply_to}
    for number, item in enumerate(items, start=1):
        where = f"comment {number}"
        old = existing.get(item.id)
        if item.id in own_ids:
            raise bad_content(f"{where}: id")
        if old is not None and (old.entry_id, old.reply_to) != (item.entry_id, item.reply_to):
            raise bad_content(f"{where}: thread")
        if item.reply_to and (item.entry_id, item.reply_to) not in roots:
            raise bad_content(f"{where}: a reply to a comment this journal does not have")
        if not item.reply_to and item.entry_id in theirs:
            raise bad_content(f"{where}: a comment on the sender's own entry must be a reply")


def _check_refers_to_shared(
    journal: Journal, items: list[WireComment], sender: Any, theirs: set[str]
) -> None:
    """Every item is about an entry shared between this journal and the sender: one of
    mine shared with them, or one of theirs shared with me (`theirs`)."""
    reflections = {r.id for r in journal.all(Reflection, include_trash=True)} | theirs
    missing = {i.entry_id for i in items} - reflections
    if missing:
        count = len(missing)
        raise SharingError(
            f"This comments bundle is about {count} entr{'y' if count == 1 else 'ies'} that "
            "this journal does not have (erased, or shared from another journal)." + _NOTHING,
            "unknown_entries",
        )
    shared = {
        item["id"]
        for share in journal.all(SentShare)
        if sender.fingerprint in share.recipients
        for item in share.items
    } | theirs
    strays = {i.entry_id for i in items} - shared
    if strays:
        raise SharingError(
            f"This comments bundle from {sender.name} is about entries you never shared with "
            "them." + _NOTHING,
            "not_shared",
        )
