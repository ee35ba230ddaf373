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
MAX_SCORE = 10_000  # far above any session scale; keeps a partner's numbers drawable
MAX_CHART_ROWS = 20_000
FROM_MYSELF = "This bundle was made by this journal: there is nothing to import." + _NOTHING
WRONG_KIND = {
    "entries": ("This is a bundle of comments: import it under Supervision → Comments." + _NOTHING),
    "comments": (
        "This is a bundle of shared entries: import it under Supervision → Shared with me."
        + _NOTHING
    ),
}
BAD_CONTENT = "This bundle's content is not in the expected form ({detail})." + _NOTHING


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
    content: dict[str, Any],
    to: Iterable[Contact] = (),
    passphrase: str | None = None,
) -> bytes:
    """A signed, encrypted bundle of a reviewed payload, to pinned contacts or a passphrase.

    The receipt (`SentShare`) is saved with it: what went, to whom, and when.
    """
    keys = my_keys(journal)
    contacts = list(to)
    items = [(item["id"], item["revision"]) for item in content["items"]]
    if passphrase is None:
        cards = [PublicCard.from_text(c.card) for c in contacts]
        data = write_bundle(content, "entries", items, keys, recipients=cards)
    else:
        contacts = []
        data = write_bundle(content, "entries", items, keys, passphrase=passphrase)
    journal.save(
        SentShare(
            bundle_id=bundle_id(data),
            items=[{"id": i, "revision": r} for i, r in items],
            recipients=[c.fingerprint for c in contacts],
            recipient_names=[c.name for c in contacts],
            include=list(content.get("include", [])),
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
    _check_entries(opened.payload)
    journal.save(
        ReceivedBundle(
            bundle_id=bid,
            kind="entries",
            sender_name=sender.name,
            sender_fingerprint=sender.fingerprint,
            created_at=str(opened.manifest["created_at"]),
            payload=opened.payload,
        )
    )
    return Imported(sender.name, added=len(opened.payload["items"]))


def shared_with_me(journal: Journal) -> dict[str, list[ReceivedBundle]]:
    """Received bundles of entries grouped by the supervisee's fingerprint, newest first."""
    groups: dict[str, list[ReceivedBundle]] = {}
    bundles = [b for b in journal.all(ReceivedBundle) if b.kind == "entries"]
    for found in sorted(bundles, key=lambda b: b.received_at, reverse=True):
        groups.setdefault(found.sender_fingerprint, []).append(found)
    return groups


def latest_entries(bundles: Iterable[ReceivedBundle]) -> list[dict[str, Any]]:
    """Each shared entry once, at the newest revision received, in the order shared."""
    newest: dict[str, dict[str, Any]] = {}
    for found in sorted(bundles, key=lambda b: b.received_at):
        for item in found.payload["items"]:
            kept = newest.get(item["id"])
            if kept is None or item["revision"] >= kept["revision"]:
                newest[item["id"]] = item
    return list(newest.values())


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
    entry = next((e for e in latest_entries(bundles) if e["id"] == entry_id), None)
    if entry is None:
        raise ValueError("That entry was not shared with you by this supervisee.")
    comment = Comment(
        entry_id=entry_id,
        entry_revision=entry["revision"],
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


def _bad(detail: str) -> SharingError:
    return SharingError(BAD_CONTENT.format(detail=detail), "bad_content")


def _is_text(value: object, limit: int = 200_000) -> bool:
    if not isinstance(value, str) or len(value) > limit:
        return False
    try:
        value.encode("utf-8")  # a lone surrogate is valid JSON but cannot be stored
    except UnicodeEncodeError:
        return False
    return True


def _is_count(value: object, limit: int = MAX_SCORE) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit


def _check_scores(scores: object, where: str) -> None:
    if scores is None:
        return
    if not isinstance(scores, dict) or not _is_text(scores.get("name"), 200):
        raise _bad(f"{where}: scores")
    if not _is_count(scores.get("total")) or not isinstance(scores.get("items"), dict):
        raise _bad(f"{where}: scores")
    if len(scores["items"]) > 200 or not all(
        _is_count(v) and _is_text(k, 100) for k, v in scores["items"].items()
    ):
        raise _bad(f"{where}: item scores")
    top = scores.get("max")
    if top is not None and (not _is_count(top) or scores["total"] > top):
        raise _bad(f"{where}: maximum score")


def _check_entry(item: Mapping[str, Any], where: str) -> None:
    for key in ("client", "session"):
        if item.get(key) is not None and not _is_text(item[key], 200):
            raise _bad(f"{where}: {key}")
    for key in ("framework", "text", "next_step"):
        if not _is_text(item.get(key, "")):
            raise _bad(f"{where}: {key.replace('_', ' ')}")
    for key in ("focus", "tags"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(_is_text(v, 500) for v in value):
            raise _bad(f"{where}: {key}")
    answers = item.get("answers", [])
    if not isinstance(answers, list) or not all(
        isinstance(a, dict) and _is_text(a.get("prompt")) and _is_text(a.get("answer"))
        for a in answers
    ):
        raise _bad(f"{where}: answers")
    reactions = item.get("reactions", {})
    if (
        not isinstance(reactions, dict)
        or len(reactions) > 50
        or not all(_is_text(k, 100) and _is_count(v) and v <= 3 for k, v in reactions.items())
    ):
        raise _bad(f"{where}: reactions")
    _check_scores(item.get("estimate"), where)
    _check_scores(item.get("feedback"), where)


def _check_entries(content: Mapping[str, Any]) -> None:
    for number, item in enumerate(content["items"], start=1):
        _check_entry(item, f"entry {number}")
    series = content.get("series", [])
    if not isinstance(series, list) or len(series) > MAX_CHART_ROWS:
        raise _bad("chart data")
    for row in series:
        if not (isinstance(row, dict) and _chart_row_ok(row)):
            raise _bad("chart data")


def _chart_row_ok(row: dict[str, Any]) -> bool:
    """A chart point the report can draw: scores within 0..max of their instrument."""
    top = row.get("max")
    scores = [row.get(k) for k in ("estimate", "feedback") if row.get(k) is not None]
    return (
        _is_text(row.get("client"), 200)
        and _is_text(row.get("instrument", ""), 100)
        and _is_count(row.get("session"), 100_000)
        and (top is None or (_is_count(top) and top > 0))
        and all(_is_count(v, top if top is not None else MAX_SCORE) for v in scores)
    )


def _check_comments(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = content["items"]
    if len({item["id"] for item in items}) != len(items):
        raise _bad("the same comment twice")
    for number, item in enumerate(items, start=1):
        where = f"comment {number}"
        if not _is_text(item.get("entry_id"), 64) or not _is_count(
            item.get("entry_revision"), 10**9
        ):
            raise _bad(f"{where}: entry")
        if not _is_text(item.get("text"), MAX_COMMENT_CHARS) or not item["text"].strip():
            raise _bad(f"{where}: text")
        functions = item.get("functions")
        if not isinstance(functions, list) or not all(
            isinstance(f, str) and f in PROCTOR_FUNCTIONS for f in functions
        ):
            raise _bad(f"{where}: Proctor functions")
        try:
            written = datetime.fromisoformat(item.get("written_at"))
        except (TypeError, ValueError):
            raise _bad(f"{where}: date") from None
        if written.tzinfo is None:
            raise _bad(f"{where}: date")
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
