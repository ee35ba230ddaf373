"""Supervision bundles: signed, age-encrypted files that carry entries or comments.

A bundle (`.rjshare`) is a ZIP archive, stored without compression, holding exactly:

- `payload.age`: the payload encrypted in the age v1 format (by pyrage, the Python
  binding of the rage implementation), either to X25519 recipients (the supervisor(s)
  *and* the sender, so the sender can reopen it) as JSON (UTF-8), or, for a supervisor
  without the app, to a passphrase (a single scrypt stanza) as a readable,
  self-contained HTML page that carries the same JSON in one
  `<script type="application/json">` block (`readable_document`). `age -d` opens it.
- `manifest.json`: the only plaintext, and nothing personal in it:
  `{"format", "kind", "created_at", "sender": {"recipient", "signing_public",
  "fingerprint"}, "recipients": [fingerprints], "items": [{"id", "revision"}],
  "payload_sha256"}` (`recipients` is empty for a passphrase bundle).
- `signature`: the sender's Ed25519 signature (64 raw bytes) over the exact bytes of
  `manifest.json`, which commits to `payload.age` through `payload_sha256`.

The payload is a JSON object whose `"items"` list holds one object per shared item,
each with at least `"id"` and `"revision"`; they must be exactly the manifest's items,
in the same order. `write_bundle` refuses a payload that carries anything else (a
supervisor must never receive more than was chosen) and `open_bundle` refuses a bundle
whose content does not match what it declares. This module reads no further: the full
shape of a bundle of entries is `sharing.payload.Payload` (storage/FORMAT.md §8.1).

`open_bundle` checks, in this order, and raises `SharingError` at the first failure,
so a caller that imports only after it returns imports nothing from a bad bundle:
container, manifest, signature, sender (pinned), payload hash, addressee, decryption,
payload JSON, payload items. It reads format 1 (storage/FORMAT.md §8, a passphrase
bundle's payload is JSON) and format 2 (the same, but a passphrase bundle's payload is
the HTML page); `write_bundle` writes format 2.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from sharing.identity import Identity, PublicCard, SharingError

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_SUFFIX",
    "KINDS",
    "PAYLOAD_BLOCK",
    "Opened",
    "SharingError",
    "bundle_id",
    "open_bundle",
    "payload_from_document",
    "plain_document",
    "readable_document",
    "write_bundle",
]

BUNDLE_FORMAT = "reflective-journal-bundle/2"
FORMAT_1 = "reflective-journal-bundle/1"
READ_FORMATS = (FORMAT_1, BUNDLE_FORMAT)
_FORMAT_PREFIX = "reflective-journal-bundle/"
# the start tag of the one JSON block a passphrase bundle's HTML page carries (format 2)
PAYLOAD_BLOCK = '<script type="application/json" id="reflective-journal-payload">'
_BLOCK_END = "</script>"
# inside the block, characters that could end it or open markup are written as \uXXXX
_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
BUNDLE_SUFFIX = ".rjshare"
KINDS = ("entries", "comments")
MANIFEST = "manifest.json"
PAYLOAD = "payload.age"
SIGNATURE = "signature"
MEMBERS = (MANIFEST, PAYLOAD, SIGNATURE)
SIGNATURE_LEN = 64
MAX_MANIFEST_BYTES = 1 << 20
MAX_BUNDLE_BYTES = 512 << 20
# every member gets this timestamp, so a bundle's bytes do not reveal when it was zipped
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_MANIFEST_KEYS = {
    "format",
    "kind",
    "created_at",
    "sender",
    "recipients",
    "items",
    "payload_sha256",
}
_SENDER_KEYS = {"recipient", "signing_public", "fingerprint"}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT = re.compile(r"[A-Z2-7]{5}(-[A-Z2-7]{5}){3}")

_NOTHING = " Nothing was imported."
DAMAGED = "This file is not a supervision bundle, or it is damaged." + _NOTHING
UNREADABLE_MANIFEST = (
    "This bundle's description (manifest) is unreadable: the file is not a supervision "
    "bundle, or it is damaged." + _NOTHING
)
BAD_SIGNATURE = (
    "This bundle's signature does not match its contents: it was changed after it was "
    "signed, or it is damaged." + _NOTHING
)
SENDER_FINGERPRINT = (
    "The sender's fingerprint written in this bundle does not match the sender's key." + _NOTHING
)
NOT_PINNED = (
    "This bundle is signed by someone you have not pinned (fingerprint {fingerprint}). "
    "Compare fingerprints with the sender and pin their key card first." + _NOTHING
)
PINNED_MISMATCH = (
    "This bundle's sender key does not match the key you pinned for {name} (fingerprint "
    "in the bundle {fingerprint}, pinned {pinned}). Check with them before trusting it." + _NOTHING
)
HASH_MISMATCH = (
    "This bundle's encrypted content does not match its signed description: it was "
    "changed or damaged after it was signed." + _NOTHING
)
NOT_FOR_ME = "This bundle is for someone else: it is not addressed to your key." + _NOTHING
LOCKED_WITH_PHRASE = (
    "This bundle is locked with a passphrase. Enter the passphrase the sender gave you."
)
WRONG_PHRASE = "Wrong passphrase for this bundle." + _NOTHING
UNDECRYPTABLE = (
    "This bundle is addressed to you but could not be decrypted with your key: it is "
    "damaged." + _NOTHING
)
BAD_PAYLOAD = (
    "This bundle's content is not readable by this version of the app, or it is damaged." + _NOTHING
)
ITEMS_MISMATCH = "This bundle's content does not match the list of items it declares." + _NOTHING


@dataclass(frozen=True)
class Opened:
    """A verified, decrypted bundle: nothing in it has been imported yet."""

    manifest: dict[str, Any]
    payload: dict[str, Any]
    sender: PublicCard


def _fail(message: str, reason: str) -> SharingError:
    return SharingError(message, reason)


# --- writing ---------------------------------------------------------------------------


def _canonical_json(value: Any) -> bytes:
    try:
        return json.dumps(
            value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        raise _fail(
            "The bundle content cannot be written: it holds values JSON cannot carry.",
            "bad_payload",
        ) from exc


def _check_items(items: object) -> list[tuple[str, int]]:
    if not isinstance(items, list | tuple):
        raise _fail("The bundle's items must be a list of (id, revision).", "bad_items")
    checked = []
    for item in items:
        if (
            not isinstance(item, list | tuple)
            or len(item) != 2
            or not isinstance(item[0], str)
            or not item[0]
            or isinstance(item[1], bool)
            or not isinstance(item[1], int)
            or item[1] < 0
        ):
            raise _fail("Each bundle item must be an (id, revision) pair.", "bad_items")
        checked.append((item[0], item[1]))
    if len(set(checked)) != len(checked):
        raise _fail("The bundle lists the same item twice.", "bad_items")
    return checked


def _payload_items(payload: object) -> list[tuple[str, int]] | None:
    """(id, revision) of each object in payload["items"], or None if malformed."""
    if not isinstance(payload, dict):
        return None
    items = payload.get("items")
    if not isinstance(items, list):
        return None
    found = []
    for item in items:
        if not isinstance(item, dict):
            return None
        item_id, revision = item.get("id"), item.get("revision")
        if not isinstance(item_id, str) or isinstance(revision, bool):
            return None
        if not isinstance(revision, int):
            return None
        found.append((item_id, revision))
    return found


def _normalise_passphrase(passphrase: str) -> str:
    # NFC, like the journal's own passphrases; `age -d` users type NFC on every
    # common keyboard
    return unicodedata.normalize("NFC", passphrase)


# Defence in depth, as in the printable report: the page can load nothing at all.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_PLAIN_CSS = (
    "body{font-family:system-ui,sans-serif;line-height:1.45;max-width:46rem;margin:2rem auto;"
    "padding:0 1rem;color:#111}dt{font-weight:600}dd{margin:0 0 .4rem 1rem;white-space:pre-wrap;"
    "overflow-wrap:anywhere}article{border-top:2px solid #333;margin-top:1.2rem}"
)
_PLAIN_TITLES = {"entries": "Entries shared for supervision", "comments": "Supervision comments"}


def _plain_value(value: Any) -> str:
    """A JSON value as escaped HTML: text as text, lists and objects as nested lists."""
    if isinstance(value, dict):
        rows = "".join(
            f"<dt>{html.escape(str(k))}</dt><dd>{_plain_value(v)}</dd>" for k, v in value.items()
        )
        return f"<dl>{rows}</dl>"
    if isinstance(value, list):
        return "<ul>" + "".join(f"<li>{_plain_value(v)}</li>" for v in value) + "</ul>"
    if value is None:
        return "—"
    return html.escape(str(value), quote=True)


def plain_document(payload: dict[str, Any], kind: str) -> str:
    """A readable page of any payload, item by item, for a passphrase bundle whose sender
    gives no page of their own (`write_bundle(document=None)`)."""
    title = _PLAIN_TITLES.get(kind, "Supervision bundle")
    items = payload.get("items", [])
    articles = "".join(
        f"<article><h2>Item {number}</h2>{_plain_value(item)}</article>"
        for number, item in enumerate(items, start=1)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>{title}</title><style>{_PLAIN_CSS}</style></head>"
        f"<body><h1>{title}</h1><main>{articles}</main></body></html>\n"
    )


def readable_document(document: str, plaintext: bytes) -> bytes:
    """`document` (a complete HTML page) with the payload JSON `plaintext` in one
    `PAYLOAD_BLOCK` just before `</body>`: what a passphrase bundle encrypts (format 2).

    Inside the block `<`, `>` and `&` become `\\u003c`, `\\u003e`, `\\u0026` (still the
    same JSON), so nothing in the payload can end the block or open markup.
    """
    if not isinstance(document, str) or PAYLOAD_BLOCK in document:
        raise _fail("The readable page of a bundle must be HTML text.", "bad_arguments")
    block = PAYLOAD_BLOCK + plaintext.decode("utf-8").translate(_JSON_IN_HTML) + _BLOCK_END
    end = document.lower().rfind("</body>")
    page = document + block if end < 0 else document[:end] + block + "\n" + document[end:]
    return page.encode("utf-8")


def payload_from_document(page: bytes) -> bytes:
    """The payload JSON carried by a passphrase bundle's page (see `readable_document`).

    Raises SharingError ("bad_payload") unless the page is UTF-8 with exactly one
    `PAYLOAD_BLOCK`.
    """
    try:
        text = page.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(BAD_PAYLOAD, "bad_payload") from exc
    if text.count(PAYLOAD_BLOCK) != 1:
        raise _fail(BAD_PAYLOAD, "bad_payload")
    start = text.index(PAYLOAD_BLOCK) + len(PAYLOAD_BLOCK)
    end = text.find(_BLOCK_END, start)
    if end < 0:
        raise _fail(BAD_PAYLOAD, "bad_payload")
    return text[start:end].encode("utf-8")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in MEMBERS:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o600 << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()


def write_bundle(
    payload: dict[str, Any],
    kind: str,
    items: list[tuple[str, int]],
    sender: Identity,
    recipients: list[PublicCard] | None = None,
    passphrase: str | None = None,
    document: str | None = None,
) -> bytes:
    """The bytes of a new bundle. Give exactly one of `recipients` (the sender is added
    to them, so they can reopen it) or `passphrase` (for a supervisor without the app).

    `payload["items"]` must list exactly `items` (by "id" and "revision", same order).
    A passphrase bundle encrypts a readable HTML page: `document` (a complete page made
    from the same payload, e.g. `sharing.report.html_report`) or, without one,
    `plain_document`; the payload JSON travels inside it (`readable_document`).
    """
    if (recipients is None) == (passphrase is None):
        raise _fail(
            "A bundle is sent either to pinned contacts or with a passphrase: choose one.",
            "bad_arguments",
        )
    if kind not in KINDS:
        raise _fail(f"Unknown bundle kind {kind!r}.", "bad_arguments")
    if not isinstance(sender, Identity):
        raise _fail("A bundle needs the sender's identity.", "bad_arguments")
    checked_items = _check_items(items)
    if not isinstance(payload, dict):
        raise _fail("The bundle content must be a JSON object.", "bad_payload")
    if _payload_items(payload) != checked_items:
        raise _fail(
            "The bundle content does not match the chosen items: nothing was written.",
            "items_mismatch",
        )
    plaintext = _canonical_json(payload)

    if recipients is not None:
        if isinstance(recipients, PublicCard) or not all(
            isinstance(card, PublicCard) for card in recipients
        ):
            raise _fail("Bundle recipients must be key cards.", "bad_arguments")
        if not recipients:
            raise _fail("Choose at least one supervisor to send the bundle to.", "bad_arguments")
        cards = [*recipients, sender.public_card()]
        unique: dict[str, PublicCard] = {}
        for card in cards:
            unique.setdefault(card.recipient, card)
        age_recipients = [x25519.Recipient.from_str(r) for r in unique]
        fingerprints = list(dict.fromkeys(card.fingerprint for card in unique.values()))
        if document is not None:
            raise _fail("Only a passphrase bundle carries a readable page.", "bad_arguments")
        encrypted = pyrage.encrypt(plaintext, age_recipients)
    else:
        if not isinstance(passphrase, str) or not passphrase.strip():
            raise _fail("Enter a passphrase for the bundle.", "bad_arguments")
        fingerprints = []
        page = readable_document(
            plain_document(payload, kind) if document is None else document, plaintext
        )
        encrypted = age_passphrase.encrypt(page, _normalise_passphrase(passphrase))

    manifest = {
        "format": BUNDLE_FORMAT,
        "kind": kind,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sender": {
            "recipient": sender.recipient,
            "signing_public": base64.b64encode(sender.signing_public).decode("ascii"),
            "fingerprint": sender.fingerprint,
        },
        "recipients": fingerprints,
        "items": [{"id": item_id, "revision": revision} for item_id, revision in checked_items],
        "payload_sha256": hashlib.sha256(encrypted).hexdigest(),
    }
    manifest_bytes = json.dumps(
        manifest, ensure_ascii=True, sort_keys=True, separators=(",", ":")
    ).encode("ascii")
    signature = sender.sign(manifest_bytes)
    return _zip({MANIFEST: manifest_bytes, PAYLOAD: encrypted, SIGNATURE: signature})


# --- reading ---------------------------------------------------------------------------


def _members(data: bytes) -> dict[str, bytes]:
    """The three members, or SharingError(DAMAGED) for anything else."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _fail(DAMAGED, "damaged")
    data = bytes(data)
    if len(data) > MAX_BUNDLE_BYTES:
        raise _fail("This file is too large to be a supervision bundle." + _NOTHING, "damaged")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            if sorted(names) != sorted(MEMBERS):  # also catches duplicated names
                raise _fail(DAMAGED, "damaged")
            members = {}
            for info in infos:
                if (
                    info.compress_type != zipfile.ZIP_STORED
                    or info.flag_bits & 0x1  # encrypted member
                    or info.file_size > len(data)
                    or (info.filename == MANIFEST and info.file_size > MAX_MANIFEST_BYTES)
                    or (info.filename == SIGNATURE and info.file_size != SIGNATURE_LEN)
                ):
                    raise _fail(DAMAGED, "damaged")
                members[info.filename] = archive.read(info)  # checks the CRC-32
    except SharingError:
        raise
    except Exception as exc:  # zipfile raises many types on hostile input
        raise _fail(DAMAGED, "damaged") from exc
    return members


def _parse_manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _fail(UNREADABLE_MANIFEST, "bad_manifest") from exc
    if not isinstance(manifest, dict):
        raise _fail(UNREADABLE_MANIFEST, "bad_manifest")
    found = manifest.get("format")
    if found not in READ_FORMATS:
        if isinstance(found, str) and found.startswith(_FORMAT_PREFIX):
            raise _fail(
                f"This bundle was made by a newer version of the app (format "
                f"{found[len(_FORMAT_PREFIX) :][:12]!r}; this version reads formats 1 and "
                "2). Update the app to open it." + _NOTHING,
                "newer_format",
            )
        raise _fail(UNREADABLE_MANIFEST, "bad_manifest")
    sender = manifest.get("sender")
    items = manifest.get("items")
    recipients = manifest.get("recipients")
    well_formed = (
        set(manifest) == _MANIFEST_KEYS
        and manifest.get("kind") in KINDS
        and isinstance(manifest.get("created_at"), str)
        and isinstance(sender, dict)
        and set(sender) == _SENDER_KEYS
        and all(isinstance(sender[key], str) for key in _SENDER_KEYS)
        and isinstance(recipients, list)
        and all(isinstance(f, str) and _FINGERPRINT.fullmatch(f) for f in recipients)
        and isinstance(items, list)
        and all(
            isinstance(item, dict)
            and set(item) == {"id", "revision"}
            and isinstance(item["id"], str)
            and isinstance(item["revision"], int)
            and not isinstance(item["revision"], bool)
            for item in items
        )
        and isinstance(manifest.get("payload_sha256"), str)
        and _HEX64.fullmatch(manifest["payload_sha256"]) is not None
    )
    if not well_formed:
        raise _fail(UNREADABLE_MANIFEST, "bad_manifest")
    try:
        datetime.fromisoformat(manifest["created_at"])
    except ValueError as exc:
        raise _fail(UNREADABLE_MANIFEST, "bad_manifest") from exc
    return manifest


def _sender_card(manifest: dict[str, Any]) -> PublicCard:
    sender = manifest["sender"]
    try:
        signing_public = base64.b64decode(sender["signing_public"].encode("ascii"), validate=True)
        return PublicCard(recipient=sender["recipient"], signing_public=signing_public)
    except (ValueError, binascii.Error, SharingError) as exc:
        raise _fail(UNREADABLE_MANIFEST, "bad_manifest") from exc


def _verify_signature(card: PublicCard, manifest_bytes: bytes, signature: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(card.signing_public).verify(signature, manifest_bytes)
    except (InvalidSignature, ValueError) as exc:
        raise _fail(BAD_SIGNATURE, "bad_signature") from exc


def _check_sender(
    card: PublicCard,
    manifest: dict[str, Any],
    me: Identity,
    trusted_senders: list[PublicCard] | None,
) -> PublicCard:
    """The sender's card (with the pinned name) if the sender is acceptable."""
    if manifest["sender"]["fingerprint"] != card.fingerprint:
        raise _fail(SENDER_FINGERPRINT, "fingerprint_mismatch")
    if trusted_senders is None:
        return card
    if card.same_keys(me.public_card()):
        return card  # my own bundle, reopened
    for pinned in trusted_senders:
        if pinned.same_keys(card):
            return pinned
    for pinned in trusted_senders:
        # same person (one of their two keys) but the other key differs
        if pinned.recipient == card.recipient or pinned.signing_public == card.signing_public:
            raise _fail(
                PINNED_MISMATCH.format(
                    name=pinned.name or "this contact",
                    fingerprint=card.fingerprint,
                    pinned=pinned.fingerprint,
                ),
                "pinned_mismatch",
            )
    raise _fail(NOT_PINNED.format(fingerprint=card.fingerprint), "not_pinned")


def open_bundle(
    data: bytes,
    me: Identity,
    trusted_senders: list[PublicCard] | None = None,
    passphrase: str | None = None,
) -> Opened:
    """Verify and decrypt a bundle. Every check comes before anything is returned.

    `trusted_senders`: the pinned contacts; None skips the pin check (the caller then
    shows `Opened.sender.fingerprint` for comparison); bundles signed by `me` are always
    accepted. `passphrase` is needed only for a passphrase bundle.
    """
    if not isinstance(me, Identity):
        raise _fail("Opening a bundle needs your own identity.", "bad_arguments")
    members = _members(data)
    manifest_bytes = members[MANIFEST]
    manifest = _parse_manifest(manifest_bytes)
    card = _sender_card(manifest)
    _verify_signature(card, manifest_bytes, members[SIGNATURE])
    sender = _check_sender(card, manifest, me, trusted_senders)

    encrypted = members[PAYLOAD]
    if hashlib.sha256(encrypted).hexdigest() != manifest["payload_sha256"]:
        raise _fail(HASH_MISMATCH, "hash_mismatch")

    if manifest["recipients"]:
        if me.fingerprint not in manifest["recipients"]:
            raise _fail(NOT_FOR_ME, "not_for_me")
        try:
            plaintext = pyrage.decrypt(encrypted, [me.age_identity()])
        except Exception as exc:  # pyrage raises DecryptError and others
            raise _fail(UNDECRYPTABLE, "decrypt_failed") from exc
    else:
        if passphrase is None:
            raise _fail(LOCKED_WITH_PHRASE, "passphrase_needed")
        if not isinstance(passphrase, str) or not passphrase:
            raise _fail(WRONG_PHRASE, "wrong_passphrase")
        try:
            plaintext = age_passphrase.decrypt(encrypted, _normalise_passphrase(passphrase))
        except Exception as exc:  # pyrage raises DecryptError and others
            raise _fail(WRONG_PHRASE, "wrong_passphrase") from exc
        if manifest["format"] != FORMAT_1:  # format 2: the readable page carries the JSON
            plaintext = payload_from_document(plaintext)

    try:
        payload = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _fail(BAD_PAYLOAD, "bad_payload") from exc
    if not isinstance(payload, dict):
        raise _fail(BAD_PAYLOAD, "bad_payload")
    declared = [(item["id"], item["revision"]) for item in manifest["items"]]
    if _payload_items(payload) != declared:
        raise _fail(ITEMS_MISMATCH, "items_mismatch")
    return Opened(manifest=manifest, payload=payload, sender=sender)


def bundle_id(data: bytes) -> str:
    """A stable id for a bundle (SHA-256 of its signature, hex), for idempotent imports.

    It does not verify anything: call `open_bundle` first.
    """
    return hashlib.sha256(_members(data)[SIGNATURE]).hexdigest()
