"""A journal's sharing identity and the public "key card" exchanged with a supervisor.

Each journal has two key pairs (see SECURITY.md, "Sharing with a supervisor"):

- an X25519 key pair for age encryption (the secret in age's own text form,
  `AGE-SECRET-KEY-1...`, the public key as an age recipient, `age1...`);
- an Ed25519 key pair that signs the bundles this journal sends.

The public halves travel together as a `PublicCard`, copied and pasted between
supervisee and supervisor, and compared out of band by its short fingerprint before
it is pinned. Nothing here touches the disk or imports Streamlit; the storage layer
keeps `Identity.to_dict()` encrypted under the journal's data key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyrage import IdentityError, RecipientError, x25519

from storage.errors import JournalError

IDENTITY_FORMAT = "reflective-journal-identity/1"
CARD_HEADER = "reflective-journal-key/1"
_CARD_HEADER_PREFIX = "reflective-journal-key/"
SIGNING_KEY_LEN = 32
MAX_NAME_LEN = 80
# fingerprint: SHA-256 over a labelled encoding of both public keys, first 100 bits
# shown as 4 groups of 5 Base32 characters (ABCDE-FGHIJ-KLMNO-PQRST)
_FINGERPRINT_LABEL = b"reflective-journal-fingerprint/1\n"
_FINGERPRINT_GROUPS = 4
_FINGERPRINT_GROUP_LEN = 5
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class SharingError(JournalError):
    """Anything wrong with a key card, an identity or a bundle; `str()` is safe to show.

    `reason` is a short stable code (for tests and the UI), the message is for people.
    """

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    """Strict standard Base64; raises ValueError (binascii.Error) on anything else."""
    return base64.b64decode(text.encode("ascii"), validate=True)


def _check_recipient(recipient: object) -> str:
    if not isinstance(recipient, str) or not recipient.startswith("age1"):
        raise SharingError(
            "The encryption key is not an age public key (it should start with age1).",
            "malformed_key",
        )
    try:
        x25519.Recipient.from_str(recipient)
    except (RecipientError, ValueError) as exc:
        raise SharingError(
            "The encryption key is damaged: some characters were changed or lost in copying.",
            "malformed_key",
        ) from exc
    return recipient


def _check_signing_public(signing_public: object) -> bytes:
    if not isinstance(signing_public, bytes) or len(signing_public) != SIGNING_KEY_LEN:
        raise SharingError("The signing key is damaged: it must be 32 bytes.", "malformed_key")
    return signing_public


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise SharingError("The name on a key card must be text.", "malformed_key")
    if _CONTROL.search(name):
        raise SharingError(
            "The name on a key card must be a single line without control characters.",
            "malformed_key",
        )
    if len(name) > MAX_NAME_LEN:
        raise SharingError(
            f"The name on a key card can be at most {MAX_NAME_LEN} characters.",
            "malformed_key",
        )
    return name


def fingerprint_of(recipient: str, signing_public: bytes) -> str:
    """The short fingerprint of a pair of public keys, e.g. `ABCDE-FGHIJ-KLMNO-PQRST`."""
    digest = hashlib.sha256(
        _FINGERPRINT_LABEL + recipient.encode("ascii") + b"\n" + signing_public
    ).digest()
    length = _FINGERPRINT_GROUPS * _FINGERPRINT_GROUP_LEN
    text = base64.b32encode(digest).decode("ascii")[:length]
    return "-".join(
        text[i : i + _FINGERPRINT_GROUP_LEN] for i in range(0, length, _FINGERPRINT_GROUP_LEN)
    )


@dataclass(frozen=True)
class PublicCard:
    """Someone's public keys, as pasted by them; pin it only after comparing `fingerprint`.

    `name` is a local label (never put in a bundle's plaintext); equality of keys is
    `same_keys`, not `==` (which also compares the name).
    """

    recipient: str
    signing_public: bytes
    name: str = ""

    def __post_init__(self) -> None:
        _check_recipient(self.recipient)
        _check_signing_public(self.signing_public)
        _check_name(self.name)

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.recipient, self.signing_public)

    def same_keys(self, other: PublicCard) -> bool:
        return self.recipient == other.recipient and self.signing_public == other.signing_public

    def to_text(self) -> str:
        """The copy-paste block: header, age recipient, Base64 signing key, optional name."""
        lines = [CARD_HEADER, self.recipient, _b64(self.signing_public)]
        if self.name.strip():
            lines.append(self.name.strip())
        return "\n".join(lines) + "\n"

    @classmethod
    def from_text(cls, text: str) -> PublicCard:
        """Parse `to_text()` output, forgiving blank lines, indentation and CRLF."""
        if not isinstance(text, str):
            raise SharingError("A key card must be text.", "malformed_card")
        lines = [line.strip() for line in text.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise SharingError("The key card is empty: paste all of its lines.", "malformed_card")
        header = lines[0]
        if header != CARD_HEADER:
            if header.startswith(_CARD_HEADER_PREFIX):
                raise SharingError(
                    "This key card was made by a newer version of the app "
                    f"({header[:40]}). Update the app to use it.",
                    "newer_card",
                )
            raise SharingError(
                f"That is not a key card: its first line should be {CARD_HEADER}.",
                "malformed_card",
            )
        if len(lines) < 3:
            raise SharingError(
                "The key card is incomplete: it needs the encryption key and the signing key "
                "lines after the first line.",
                "malformed_card",
            )
        if len(lines) > 4:
            raise SharingError(
                "The key card has extra lines: paste only the lines of one card.",
                "malformed_card",
            )
        recipient = _check_recipient(lines[1])
        try:
            signing_public = _unb64(lines[2])
        except (ValueError, UnicodeEncodeError) as exc:
            raise SharingError(
                "The signing key line is damaged: some characters were changed or lost.",
                "malformed_card",
            ) from exc
        if len(signing_public) != SIGNING_KEY_LEN:
            raise SharingError(
                "The signing key line is damaged: it is the wrong length.", "malformed_card"
            )
        name = lines[3] if len(lines) == 4 else ""
        return cls(recipient=recipient, signing_public=signing_public, name=_check_name(name))


@dataclass(frozen=True)
class Identity:
    """A journal's secret keys. Never shown, logged or put in a bundle (repr hides them)."""

    x25519_secret: str = field(repr=False)
    ed25519_secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.x25519_secret, str) or not self.x25519_secret.startswith(
            "AGE-SECRET-KEY-1"
        ):
            raise SharingError("The sharing identity is damaged (encryption key).", "identity")
        try:
            x25519.Identity.from_str(self.x25519_secret)
        except (IdentityError, ValueError) as exc:
            raise SharingError(
                "The sharing identity is damaged (encryption key).", "identity"
            ) from exc
        if not isinstance(self.ed25519_secret, bytes) or len(self.ed25519_secret) != 32:
            raise SharingError("The sharing identity is damaged (signing key).", "identity")

    def age_identity(self) -> x25519.Identity:
        return x25519.Identity.from_str(self.x25519_secret)

    def signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.ed25519_secret)

    @property
    def recipient(self) -> str:
        return str(self.age_identity().to_public())

    @property
    def signing_public(self) -> bytes:
        return (
            self.signing_key()
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.recipient, self.signing_public)

    def public_card(self, name: str = "") -> PublicCard:
        return PublicCard(recipient=self.recipient, signing_public=self.signing_public, name=name)

    def sign(self, message: bytes) -> bytes:
        return self.signing_key().sign(message)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; the caller stores it encrypted (it holds both secret keys)."""
        return {
            "format": IDENTITY_FORMAT,
            "x25519_secret": self.x25519_secret,
            "ed25519_secret": _b64(self.ed25519_secret),
        }

    @classmethod
    def from_dict(cls, data: object) -> Identity:
        if not isinstance(data, dict) or data.get("format") != IDENTITY_FORMAT:
            raise SharingError(
                "The sharing identity is damaged or from a newer version of the app.",
                "identity",
            )
        try:
            secret = _unb64(data["ed25519_secret"])
        except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as exc:
            raise SharingError(
                "The sharing identity is damaged (signing key).", "identity"
            ) from exc
        return cls(x25519_secret=data.get("x25519_secret"), ed25519_secret=secret)


def new_identity() -> Identity:
    """Fresh X25519 and Ed25519 key pairs from the operating system's random source."""
    return Identity(
        x25519_secret=str(x25519.Identity.generate()),
        ed25519_secret=os.urandom(32),
    )
