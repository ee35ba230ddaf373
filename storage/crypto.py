"""Cryptographic primitives of the journal format (see FORMAT.md).

Small pure functions: key derivation (Argon2id for passphrases, HKDF for the recovery
key and subkeys), AES-256-GCM sealing with a fresh random nonce, the recovery-key text
form and the keyed set hash. Nothing here touches the disk.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import sys
import time
import unicodedata
from array import array
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from storage.errors import KdfAboveCeiling, KdfBelowFloor, KdfUnavailable, MalformedRecoveryKey

KEY_LEN = 32
NONCE_LEN = 12
SALT_LEN = 16
SET_HASH_MODULUS = 2**256

try:  # imported lazily so a build without Argon2id fails closed, not at import
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
except ImportError:  # pragma: no cover - depends on the installed wheel
    Argon2id = None  # type: ignore[assignment,misc]


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters stored beside a passphrase slot."""

    salt: bytes
    memory_kib: int = 131072
    iterations: int = 3
    lanes: int = 4

    def to_json(self) -> str:
        """Canonical JSON: the same parameters always give the same bytes (used in AAD)."""
        data = asdict(self)
        data["salt"] = base64.b64encode(self.salt).decode("ascii")
        data["algorithm"] = "argon2id"
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        data = json.loads(text)
        if data.get("algorithm") != "argon2id":
            raise KdfBelowFloor(f"unknown algorithm {data.get('algorithm')!r}")
        return cls(
            salt=base64.b64decode(data["salt"]),
            memory_kib=int(data["memory_kib"]),
            iterations=int(data["iterations"]),
            lanes=int(data["lanes"]),
        )


# The ceiling: the most this app ever writes (128 MiB, calibrated up to 12 passes, 4 lanes).
# An edited slot asking for more would make every unlock attempt cost seconds.
MAX_MEMORY_KIB = 131072
MAX_ITERATIONS = 12
MAX_LANES = 4


@dataclass(frozen=True)
class KdfFloor:
    """The weakest Argon2id settings this app will ever accept."""

    memory_kib: int = 65536
    iterations: int = 3

    def check(self, params: KdfParams) -> None:
        """Raise KdfBelowFloor when `params` are weaker than the floor (downgrade guard)."""
        if params.memory_kib < self.memory_kib:
            raise KdfBelowFloor(
                f"memory {params.memory_kib} KiB, the minimum is {self.memory_kib} KiB"
            )
        if params.iterations < self.iterations:
            raise KdfBelowFloor(f"{params.iterations} passes, the minimum is {self.iterations}")
        if len(params.salt) < SALT_LEN or params.lanes < 1:
            raise KdfBelowFloor("salt or lanes out of range")
        check_ceiling(params)


def check_ceiling(params: KdfParams) -> None:
    """Raise KdfAboveCeiling for settings beyond what this app ever writes, before any
    derivation runs (an edited slot must not make each unlock attempt cost seconds)."""
    for name, value, most in (
        ("memory", params.memory_kib, MAX_MEMORY_KIB),
        ("passes", params.iterations, MAX_ITERATIONS),
        ("lanes", params.lanes, MAX_LANES),
    ):
        if value > most:
            raise KdfAboveCeiling(f"{name} {value}, the most this app writes is {most}")


FLOOR = KdfFloor()


def new_kdf_params(memory_kib: int = 131072, iterations: int = 3, lanes: int = 4) -> KdfParams:
    """Fresh parameters with a random salt; refuses anything below the floor."""
    params = KdfParams(os.urandom(SALT_LEN), memory_kib, iterations, lanes)
    FLOOR.check(params)
    return params


# LUKS-style calibration: on a fast computer the default passes cost too little per guess
KDF_TARGET_SECONDS = 0.35
MAX_CALIBRATED_ITERATIONS = MAX_ITERATIONS


def calibrated_kdf_params(
    seconds_for: Callable[[KdfParams], float] | None = None,
    target: float = KDF_TARGET_SECONDS,
) -> KdfParams:
    """Fresh default parameters with more passes where one derivation would take less than
    `target` seconds on this computer (never fewer passes than the default).

    `seconds_for` times one derivation; tests give their own.
    """
    params = new_kdf_params()
    elapsed = (seconds_for or _time_derivation)(params)
    if elapsed <= 0 or elapsed >= target:
        return params
    # Argon2id's time grows linearly with its passes
    passes = math.ceil(params.iterations * target / elapsed)
    return replace(params, iterations=min(MAX_CALIBRATED_ITERATIONS, passes))


def _time_derivation(params: KdfParams) -> float:
    start = time.perf_counter()
    derive_passphrase_key("calibration only, never stored", params)
    return time.perf_counter() - start


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC-normalise so the same passphrase typed on another keyboard gives the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_passphrase_key(passphrase: str, params: KdfParams, floor: KdfFloor = FLOOR) -> bytes:
    """Argon2id key-encryption key for a passphrase slot; fails closed without Argon2id."""
    floor.check(params)
    if Argon2id is None:
        raise KdfUnavailable()
    try:
        kdf = Argon2id(
            salt=params.salt,
            length=KEY_LEN,
            iterations=params.iterations,
            lanes=params.lanes,
            memory_cost=params.memory_kib,
        )
        return kdf.derive(normalise_passphrase(passphrase))
    except UnsupportedAlgorithm as exc:
        raise KdfUnavailable() from exc


def hkdf(key: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    """HKDF-SHA256 to 32 bytes."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=salt, info=info).derive(key)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM with a fresh random 96-bit nonce; returns nonce || ciphertext || tag."""
    nonce = os.urandom(NONCE_LEN)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(cipher: AESGCM, blob: bytes, aad: bytes) -> bytes:
    """Inverse of `seal` with a prepared AESGCM object; raises InvalidTag on any change."""
    if len(blob) < NONCE_LEN + 16:
        raise InvalidTag()
    return cipher.decrypt(blob[:NONCE_LEN], blob[NONCE_LEN:], aad)


def new_key() -> bytes:
    """32 random bytes from the operating system."""
    return os.urandom(KEY_LEN)


# Recovery key: 32 random bytes shown as 13 groups of 4 Base32 characters.
_RECOVERY_GROUP = 4


def format_recovery_key(raw: bytes) -> str:
    """Grouped Base32, e.g. `ABCD-EFGH-...`, easy to copy by hand."""
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    groups = [text[i : i + _RECOVERY_GROUP] for i in range(0, len(text), _RECOVERY_GROUP)]
    return "-".join(groups)


def parse_recovery_key(text: str) -> bytes:
    """Accepts any case, spaces or dashes; raises MalformedRecoveryKey with the reason."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    if not compact:
        raise MalformedRecoveryKey("it is empty")
    bad = sorted(set(re.sub(r"[A-Z2-7]", "", compact)))
    if bad:
        raise MalformedRecoveryKey(
            "it contains characters a recovery key never has: " + " ".join(bad)
        )
    if len(compact) != 52:
        raise MalformedRecoveryKey(f"it has {len(compact)} characters, a recovery key has 52")
    return base64.b32decode(compact + "=" * 4)


def blob_tag(blob: bytes) -> bytes:
    """The 16-byte GCM tag that ends a sealed blob (zeros for a blob too short to hold one)."""
    return blob[-16:] if len(blob) >= NONCE_LEN + 16 else bytes(16)


def _tag_prf(key: bytes):
    # AES as a PRF on the GCM tag, one block each: a whole journal is one C call
    return Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # noqa: S305 - PRF, not a cipher mode for data


def set_hash_element(key: bytes, tag: bytes) -> int:
    """One row's contribution to the keyed set hash: AES_key(tag) as a little-endian integer.

    The GCM tag stands for the whole row: it authenticates the ciphertext and the AAD
    (kind, id, revision, format) under the record key, so no one without the key can
    make another valid row with the same tag.
    """
    return int.from_bytes(_tag_prf(key).update(tag), "little")


def set_hash_total(key: bytes, tags: bytes) -> int:
    """The set hash of many rows at once; `tags` is their 16-byte tags concatenated."""
    words = array("Q")
    words.frombytes(_tag_prf(key).update(tags))
    if sys.byteorder == "big":
        words.byteswap()
    return (sum(words[0::2]) + (sum(words[1::2]) << 64)) % SET_HASH_MODULUS


def combine(total: int, element: int, sign: int = 1) -> int:
    """Add (sign=1) or remove (sign=-1) an element from a set hash, mod 2^256."""
    return (total + sign * element) % SET_HASH_MODULUS


# ---- the sealed integrity value (format 2) ---------------------------------------------------

INTEGRITY_PLAIN_LEN = 8 + 32 + 32  # write counter, set-hash total, header digest
HEADER_DIGEST_PREFIX = b"reflective-journal header v2\n"


@dataclass(frozen=True)
class Integrity:
    """What the sealed `integrity` meta value holds: never stored in the clear, so two
    snapshots of a file do not tell what one row adds to the set hash."""

    counter: int  # goes up by one with every write: no two sealed states are alike
    total: int  # the set hash of every record row, mod 2^256
    header: bytes  # SHA-256 of the meta rows and key slots (`header_digest`)

    def to_bytes(self) -> bytes:
        return (
            self.counter.to_bytes(8, "big")
            + (self.total % SET_HASH_MODULUS).to_bytes(32, "big")
            + self.header
        )

    @classmethod
    def from_bytes(cls, plain: bytes) -> Integrity:
        if len(plain) != INTEGRITY_PLAIN_LEN:
            raise ValueError("integrity value of the wrong length")
        total = int.from_bytes(plain[8:40], "big")
        return cls(int.from_bytes(plain[:8], "big"), total, plain[40:])


def seal_integrity(key: bytes, value: Integrity, aad: bytes, nonce: bytes | None = None) -> bytes:
    """AES-256-GCM of the integrity value; `nonce` is fixed only by test vectors."""
    nonce = nonce if nonce is not None else os.urandom(NONCE_LEN)
    return nonce + AESGCM(key).encrypt(nonce, value.to_bytes(), aad)


def open_integrity(key: bytes, blob: object, aad: bytes) -> Integrity | None:
    """The integrity value, or None when it was changed, moved or is not ours."""
    if not isinstance(blob, bytes):
        return None
    try:
        return Integrity.from_bytes(open_sealed(AESGCM(key), blob, aad))
    except (InvalidTag, ValueError):
        return None


Column = tuple[str, bytes | None]  # SQLite's typeof() and the value CAST AS BLOB


def _field(column: Column) -> bytes:
    """One column, typed and length-prefixed, so no two different rows encode alike."""
    kind, raw = column
    raw = raw if isinstance(raw, bytes) else b""
    return kind[:1].encode("ascii") + len(raw).to_bytes(4, "big") + raw


INTEGRITY_NAME: Column = ("text", b"integrity")


def header_digest(meta: list[list[Column]], slots: list[list[Column]]) -> bytes:
    """SHA-256 over every meta row but `integrity` and every key slot row (FORMAT.md 6.2):
    a slot pasted from an old backup, or an edited meta value, changes it."""
    digest = hashlib.sha256(HEADER_DIGEST_PREFIX)
    for row in sorted(meta, key=lambda row: _field(row[0])):
        if tuple(row[0]) != INTEGRITY_NAME:
            digest.update(b"meta" + b"".join(_field(column) for column in row))
    for row in sorted(slots, key=lambda row: _field(row[0])):
        digest.update(b"slot" + b"".join(_field(column) for column in row))
    return digest.digest()
