"""Sending and receiving supervision bundles: the journal side of `sharing.bundle`.

Supervisee: `send_entries` writes a bundle of a reviewed payload and keeps a
`SentShare` receipt; `import_comments` takes the supervisor's comments back.
Supervisor: `import_entries` keeps a received bundle read-only; `add_comment` and
`export_comments` write comments and send them back.

Every import verifies the whole bundle (signature, pinned sender, addressee, content)
and checks everything it refers to before writing, then writes in one transaction: a
bad bundle imports nothing, and importing the same bundle again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sharing.bundle import bundle_id, open_bundle, write_bundle
from sharing.identity import PublicCard, SharingError
from sharing.keys import my_keys, pinned_cards
from sharing.payload import ChartPoint, Payload, SharedItem, bad_content, is_count, is_text
from storage.journal import Journal
from storage.records import (
    PROCTOR_FUNCTIONS,
    Comment,
    Contact,
    Identity,
    ReceivedBundle,
    Reflection,
    SentShare,
)

_NOTHING = " Nothing was imported."
MAX_COMMENT_CHARS = 20_000
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
    """What an import did: `added` new items, `updated` ones, or nothing when `already`."""

    sender: str
    kind: str = "entries"
    added: int = 0
    updated: int = 0
    already: bool = False

    @property
    def message(self) -> str:
        """One sentence for the screen."""
        if self.already:
            return f"You have already imported this bundle from {self.sender}: nothing changed."
        if self.kind == "entries":
            noun = "entry" if self.added == 1 else "entries"
            return f"Imported {self.added} {noun} from {self.sender}."
        noun = "comment" if self.added == 1 else "comments"
        return f"Imported {self.added} new {noun} ({self.updated} updated) from {self.sender}."


# --- supervisee: send entries -----------------------------------------------------------


def send_entries(
    journal: Journal,
    content: Payload,
    to: Iterable[Contact] = (),
    passphrase: str | None = None,
) -> bytes:
    """A signed, encrypted bundle of a reviewed payload, to pinned contacts or a passphrase.

    The receipt (`SentShare`) is saved with it: what went, to whom, and when.
    """
    keys = my_keys(journal)
    contacts = list(to)
    items = content.manifest_items()
    wire = content.to_json()
    if passphrase is None:
        cards = [PublicCard.from_text(c.card) for c in contacts]
        data = write_bundle(wire, "entries", items, keys, recipients=cards)
    else:
        contacts = []
        data = write_bundle(wire, "entries", items, keys, passphrase=passphrase)
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
    body = text.strip()
    if not body:
        raise ValueError("Write the comment first: it is empty.")
    if len(body) > MAX_COMMENT_CHARS:
        raise ValueError(f"A comment can be at most {MAX_COMMENT_CHARS:,} characters.")
    chosen = list(dict.fromkeys(functions))
    unknown = [f for f in chosen if f not in PROCTOR_FUNCTIONS]
    if unknown:
        raise ValueError(f"Unknown Proctor function: {', '.join(unknown)}.")
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
    found = journal.all(Identity)
    return found[0].name if found else ""


def comments_on(journal: Journal, entry_id: str) -> list[Comment]:
    """Comments on one entry, oldest first (written here or received)."""
    found = [c for c in journal.all(Comment) if c.entry_id == entry_id]
    return sorted(found, key=lambda c: c.written_at)


def export_comments(journal: Journal, supervisee: str) -> bytes:
    """A bundle of every comment written on `supervisee`'s entries, to them only.

    Sending all of them each time is safe: the supervisee's import skips what it has.
    """
    contact = next((c for c in journal.all(Contact) if c.fingerprint == supervisee), None)
    if contact is None:
        raise SharingError(
            "This supervisee is no longer pinned: pin their key card again to send comments.",
            "not_pinned",
        )
    mine = [
        c for c in journal.all(Comment) if not c.received and c.contact_fingerprint == supervisee
    ]
    if not mine:
        raise SharingError("There are no comments to send yet.", "empty")
    mine.sort(key=lambda c: c.written_at)
    items = [(c.id, journal.entry(c.id).revision) for c in mine]
    content = {
        "items": [
            {
                "id": c.id,
                "revision": revision,
                "entry_id": c.entry_id,
                "entry_revision": c.entry_revision,
                "text": c.text,
                "functions": list(c.functions),
                "written_at": c.written_at.isoformat(timespec="seconds"),
            }
            for c, (_, revision) in zip(mine, items, strict=True)
        ]
    }
    card = PublicCard.from_text(contact.card)
    return write_bundle(content, "comments", items, my_keys(journal), recipients=[card])


# --- supervisee: receive comments ---------------------------------------------------------


def import_comments(journal: Journal, data: bytes) -> Imported:
    """Take a supervisor's comments in, next to the entries they are about.

    Every comment must be about a reflection in this journal that was shared with that
    supervisor; otherwise nothing is imported.
    """
    opened, sender = _open(journal, data, "comments", None)
    bid = bundle_id(data)
    if _received(journal, bid):
        return Imported(sender.name, "comments", already=True)
    items = _check_comments(opened.payload)
    _check_refers_to_shared(journal, items, sender)
    existing = {
        c.remote_id: c
        for c in journal.all(Comment)
        if c.received and c.contact_fingerprint == sender.fingerprint
    }
    changed, added, updated = [], 0, 0
    for item in items:
        fields = {
            "entry_id": item["entry_id"],
            "entry_revision": item["entry_revision"],
            "text": item["text"],
            "functions": list(item["functions"]),
            "written_at": datetime.fromisoformat(item["written_at"]),
        }
        old = existing.get(item["id"])
        if old is None:
            added += 1
            changed.append(
                Comment(
                    **fields,
                    contact_fingerprint=sender.fingerprint,
                    author=sender.name,
                    received=True,
                    remote_id=item["id"],
                    remote_revision=item["revision"],
                )
            )
        elif item["revision"] > old.remote_revision:
            updated += 1
            changed.append(replace(old, **fields, remote_revision=item["revision"]))
    receipt = ReceivedBundle(
        bundle_id=bid,
        kind="comments",
        sender_name=sender.name,
        sender_fingerprint=sender.fingerprint,
        created_at=str(opened.manifest["created_at"]),
        payload={"items": [{"id": i["id"], "revision": i["revision"]} for i in items]},
    )
    journal.save_all([*changed, receipt])
    return Imported(sender.name, "comments", added=added, updated=updated)


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


def _check_comments(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = content["items"]
    if len({item["id"] for item in items}) != len(items):
        raise bad_content("the same comment twice")
    for number, item in enumerate(items, start=1):
        where = f"comment {number}"
        if not is_text(item.get("entry_id"), 64) or not is_count(item.get("entry_revision"), 10**9):
            raise bad_content(f"{where}: entry")
        if not is_text(item.get("text"), MAX_COMMENT_CHARS) or not item["text"].strip():
            raise bad_content(f"{where}: text")
        functions = item.get("functions")
        if not isinstance(functions, list) or not all(
            isinstance(f, str) and f in PROCTOR_FUNCTIONS for f in functions
        ):
            raise bad_content(f"{where}: Proctor functions")
        try:
            written = datetime.fromisoformat(item.get("written_at"))
        except (TypeError, ValueError):
            raise bad_content(f"{where}: date") from None
        if written.tzinfo is None:
            raise bad_content(f"{where}: date")
    return items


def _check_refers_to_shared(journal: Journal, items: list[dict[str, Any]], sender: Any) -> None:
    reflections = {r.id for r in journal.all(Reflection, include_trash=True)}
    missing = {i["entry_id"] for i in items} - reflections
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
    }
    strays = {i["entry_id"] for i in items} - shared
    if strays:
        raise SharingError(
            f"This comments bundle from {sender.name} is about entries you never shared with "
            "them." + _NOTHING,
            "not_shared",
        )
