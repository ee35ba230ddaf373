"""Supervision bundles (SECURITY.md, "Sharing with a supervisor", test 14).

Only the intended recipients open a bundle; a wrong key, a wrong passphrase, tampering
with any member or the container, and an unpinned or mismatched signer all fail with a
SharingError before any payload is returned; no payload text is in the plaintext; the
Debian `age` command opens `payload.age` with the recipient's key or the passphrase.
Identities and key cards are tested in test_identity.py.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import pty
import select
import struct
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyrage import x25519

from sharing.bundle import (
    BUNDLE_FORMAT,
    MEMBERS,
    Opened,
    SharingError,
    bundle_id,
    open_bundle,
    payload_from_document,
    write_bundle,
)
from sharing.identity import Identity, PublicCard, new_identity
from storage.errors import JournalError
from tests.conftest import canary_patterns, flip_bit

AGE = Path("/usr/bin/age")
CANARY = "canary" + os.urandom(12).hex()
NAME_CANARY = "Dr " + "namecanary" + os.urandom(8).hex()
PHRASE = "correct horse battery staple ünïcode"


# --- fixtures and helpers ----------------------------------------------------------------


@pytest.fixture(scope="module")
def supervisee() -> Identity:
    return new_identity()


@pytest.fixture(scope="module")
def supervisor() -> Identity:
    return new_identity()


@pytest.fixture(scope="module")
def stranger() -> Identity:
    return new_identity()


def make_payload(*items: tuple[str, int], text: str = CANARY) -> dict:
    return {
        "items": [
            {"id": item_id, "revision": rev, "text": f"{text} entry {i} 😀\r\n\x00 שלום"}
            for i, (item_id, rev) in enumerate(items)
        ],
        "note": f"{text} summary",
    }


ITEMS = [("r-3f9a1c", 1), ("r-77b2e0", 4)]
PAYLOAD = make_payload(*ITEMS)


@pytest.fixture(scope="module")
def bundle(supervisee: Identity, supervisor: Identity) -> bytes:
    """Entries from the supervisee to the supervisor (the card carries a name canary)."""
    card = supervisor.public_card(name=NAME_CANARY)
    return write_bundle(PAYLOAD, "entries", ITEMS, supervisee, recipients=[card])


@pytest.fixture(scope="module")
def phrase_bundle(supervisee: Identity) -> bytes:
    """A passphrase bundle: pyrage picks scrypt's work factor itself (about 1 s), so it
    is made once for the module."""
    return write_bundle(PAYLOAD, "entries", ITEMS, supervisee, passphrase=PHRASE)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes] | list[tuple[str, bytes]], compress: bool = False) -> bytes:
    """A well-formed ZIP (valid CRCs) of the given members, as a deliberate forger makes."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    pairs = parts.items() if isinstance(parts, dict) else parts
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, content in pairs:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "Duplicate name": wanted in one test
                archive.writestr(name, content)
    return buffer.getvalue()


def manifest_of(data: bytes) -> dict:
    return json.loads(members(data)["manifest.json"])


def forge(manifest: dict, payload_age: bytes, signer: Identity) -> bytes:
    """A bundle with any manifest, correctly signed by `signer` (hash filled in unless
    the manifest already has one)."""
    manifest = dict(manifest)
    manifest.setdefault("payload_sha256", hashlib.sha256(payload_age).hexdigest())
    raw = json.dumps(manifest, sort_keys=True).encode()
    return rezip({"manifest.json": raw, "payload.age": payload_age, "signature": signer.sign(raw)})


def manifest_for(sender: Identity, recipients: list[Identity], items=ITEMS) -> dict:
    return {
        "format": BUNDLE_FORMAT,
        "kind": "entries",
        "created_at": "2026-01-02T03:04:05+00:00",
        "sender": {
            "recipient": sender.recipient,
            "signing_public": base64.b64encode(sender.signing_public).decode(),
            "fingerprint": sender.fingerprint,
        },
        "recipients": [who.fingerprint for who in recipients],
        "items": [{"id": i, "revision": r} for i, r in items],
    }


def encrypt_to(plaintext: bytes, *who: Identity) -> bytes:
    return pyrage.encrypt(plaintext, [x25519.Recipient.from_str(w.recipient) for w in who])


def refused(data: bytes, me: Identity, reason: str, **kwargs) -> SharingError:
    """Assert open_bundle raises SharingError with `reason`, returning nothing, and that
    the error shows no payload text."""
    result = None
    with pytest.raises(SharingError) as caught:
        result = open_bundle(data, me, **kwargs)
    assert result is None
    error = caught.value
    assert isinstance(error, JournalError)
    assert error.reason == reason, f"expected {reason!r}, got {error.reason!r}: {error}"
    assert CANARY not in str(error) and CANARY not in repr(error.args)
    assert str(error).strip(), "the message must say something"
    return error


def assert_absent(blob: bytes, canary: str) -> None:
    hits = [name for name, pattern in canary_patterns(canary).items() if pattern in blob]
    assert not hits, f"payload text found in plaintext as {hits}"


def require_age() -> Path:
    assert AGE.exists(), (
        f"{AGE} is missing: install the Debian package `age` (apt-get install age); "
        "this test checks that a supervisor without the app can open bundles"
    )
    return AGE


# --- round trips ----------------------------------------------------------------------------


def test_a_supervisor_opens_a_bundle_addressed_to_them(bundle, supervisee, supervisor):
    opened = open_bundle(bundle, supervisor, trusted_senders=[supervisee.public_card("Sam")])
    assert isinstance(opened, Opened)
    assert opened.payload == PAYLOAD
    assert opened.manifest["kind"] == "entries"
    assert opened.manifest["items"] == [{"id": i, "revision": r} for i, r in ITEMS]
    assert opened.sender.same_keys(supervisee.public_card())
    assert opened.sender.name == "Sam", "the pinned contact's local name is returned"


def test_the_sender_can_reopen_their_own_bundle(bundle, supervisee):
    assert open_bundle(bundle, supervisee).payload == PAYLOAD
    # their own signature is trusted even when no contact is pinned
    assert open_bundle(bundle, supervisee, trusted_senders=[]).payload == PAYLOAD


def test_a_third_party_is_told_the_bundle_is_for_someone_else(bundle, stranger, supervisee):
    error = refused(bundle, stranger, "not_for_me", trusted_senders=[supervisee.public_card()])
    assert "for someone else" in str(error)


def test_a_third_party_cannot_decrypt_the_payload_even_skipping_the_address_check(
    bundle, stranger, supervisor
):
    payload_age = members(bundle)["payload.age"]
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(payload_age, [stranger.age_identity()])
    assert json.loads(pyrage.decrypt(payload_age, [supervisor.age_identity()])) == PAYLOAD


def test_a_bundle_for_two_supervisors_opens_for_each_of_them(supervisee, supervisor, stranger):
    data = write_bundle(
        PAYLOAD,
        "entries",
        ITEMS,
        supervisee,
        recipients=[supervisor.public_card(), stranger.public_card()],
    )
    assert len(manifest_of(data)["recipients"]) == 3
    for who in (supervisor, stranger, supervisee):
        assert open_bundle(data, who).payload == PAYLOAD


def test_comments_travel_back_from_the_supervisor(supervisee, supervisor):
    items = [("c-1", 1)]
    payload = {"items": [{"id": "c-1", "revision": 1, "on": "r-3f9a1c", "text": "Good work"}]}
    data = write_bundle(
        payload, "comments", items, supervisor, recipients=[supervisee.public_card()]
    )
    opened = open_bundle(data, supervisee, trusted_senders=[supervisor.public_card()])
    assert opened.payload == payload
    assert opened.manifest["kind"] == "comments"


# --- the manifest and what is in plaintext --------------------------------------------------


def test_the_manifest_holds_exactly_the_documented_fields(bundle, supervisee, supervisor):
    parts = members(bundle)
    assert sorted(parts) == sorted(MEMBERS)
    manifest = json.loads(parts["manifest.json"])
    assert set(manifest) == {
        "format",
        "kind",
        "created_at",
        "sender",
        "recipients",
        "items",
        "payload_sha256",
    }
    assert manifest["format"] == "reflective-journal-bundle/2"
    assert manifest["sender"] == {
        "recipient": supervisee.recipient,
        "signing_public": base64.b64encode(supervisee.signing_public).decode(),
        "fingerprint": supervisee.fingerprint,
    }
    assert manifest["recipients"] == [supervisor.fingerprint, supervisee.fingerprint]
    assert manifest["payload_sha256"] == hashlib.sha256(parts["payload.age"]).hexdigest()
    assert parts["payload.age"].startswith(b"age-encryption.org/v1\n-> X25519 ")


def test_the_signature_is_ed25519_over_the_exact_manifest_bytes(bundle, supervisee):
    parts = members(bundle)
    assert len(parts["signature"]) == 64
    key = Ed25519PublicKey.from_public_bytes(supervisee.signing_public)
    key.verify(parts["signature"], parts["manifest.json"])  # raises if not


def test_members_are_stored_uncompressed(bundle):
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}


def test_no_payload_text_or_contact_name_is_in_the_manifest_or_the_file(bundle):
    manifest = members(bundle)["manifest.json"]
    for canary in (CANARY, NAME_CANARY):
        assert_absent(manifest, canary)
        assert_absent(bundle, canary)


def test_the_canary_check_would_see_a_leak():
    leaky = b"x" + base64.b64encode(b"ab" + CANARY.encode()) + CANARY.encode("utf-16-le")
    with pytest.raises(AssertionError):
        assert_absent(leaky, CANARY)


# --- the age command-line tool --------------------------------------------------------------


def test_age_decrypts_the_payload_with_the_supervisors_key(bundle, supervisor, tmp_path):
    age = require_age()
    identity_file = tmp_path / "supervisor.key"
    identity_file.write_text(supervisor.x25519_secret + "\n")
    identity_file.chmod(0o600)
    payload_file = tmp_path / "payload.age"
    payload_file.write_bytes(members(bundle)["payload.age"])
    result = subprocess.run(
        [str(age), "-d", "-i", str(identity_file), str(payload_file)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"age -d failed: {result.stderr.decode(errors='replace')}"
    assert json.loads(result.stdout.decode("utf-8")) == PAYLOAD


def test_age_refuses_the_payload_with_a_strangers_key(bundle, stranger, tmp_path):
    age = require_age()
    identity_file = tmp_path / "stranger.key"
    identity_file.write_text(stranger.x25519_secret + "\n")
    payload_file = tmp_path / "payload.age"
    payload_file.write_bytes(members(bundle)["payload.age"])
    result = subprocess.run(
        [str(age), "-d", "-i", str(identity_file), str(payload_file)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert CANARY.encode() not in result.stdout


def age_decrypt_with_passphrase(path: Path, phrase: str, out: Path) -> tuple[int, str]:
    """Run `age -d` in a pseudo-terminal (age reads passphrases from the terminal only),
    type the passphrase at its prompt; returns (exit status, terminal output)."""
    age = require_age()
    pid, fd = pty.fork()
    if pid == 0:  # child: age, with the pty as its terminal
        try:
            os.execv(str(age), [str(age), "-d", "-o", str(out), str(path)])
        finally:
            os._exit(127)
    seen, typed, deadline = b"", False, time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # EIO: age exited and closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if not typed and b"passphrase" in seen.lower():
                os.write(fd, phrase.encode("utf-8") + b"\r")
                typed = True
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_age_decrypts_a_passphrase_bundle_with_the_passphrase(phrase_bundle, tmp_path):
    payload_file = tmp_path / "payload.age"
    payload_file.write_bytes(members(phrase_bundle)["payload.age"])
    out = tmp_path / "payload.html"
    code, terminal = age_decrypt_with_passphrase(payload_file, PHRASE, out)
    assert code == 0, f"age -d failed: {terminal}"
    # format 2: a readable page (tests/test_bundle_html.py) with the payload JSON inside
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert json.loads(payload_from_document(out.read_bytes())) == PAYLOAD


# --- passphrase bundles ---------------------------------------------------------------------


def test_a_passphrase_bundle_has_a_single_scrypt_stanza_and_no_recipients(phrase_bundle):
    parts = members(phrase_bundle)
    header = parts["payload.age"].split(b"\n---", 1)[0]
    assert header.count(b"\n-> ") == 1 and b"\n-> scrypt " in header
    assert manifest_of(phrase_bundle)["recipients"] == []
    assert_absent(phrase_bundle, CANARY)


def test_a_passphrase_bundle_opens_with_the_right_passphrase(phrase_bundle, supervisor):
    opened = open_bundle(phrase_bundle, supervisor, passphrase=PHRASE)
    assert opened.payload == PAYLOAD


def test_a_passphrase_bundle_refuses_a_wrong_passphrase(phrase_bundle, supervisor):
    error = refused(phrase_bundle, supervisor, "wrong_passphrase", passphrase=PHRASE + "!")
    assert "Wrong passphrase" in str(error)


def test_a_passphrase_bundle_asks_for_the_passphrase_instead_of_using_a_key(
    phrase_bundle, supervisee
):
    # not even the sender's own key opens it: the scrypt stanza is the only one
    refused(phrase_bundle, supervisee, "passphrase_needed")
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(members(phrase_bundle)["payload.age"], [supervisee.age_identity()])


# --- tampering: every failure is a SharingError and returns nothing --------------------------


@pytest.mark.parametrize("where", [0, 40, 100, -17, -1])
def test_a_flipped_byte_in_payload_age_is_refused(bundle, supervisor, where):
    parts = members(bundle)
    parts["payload.age"] = flip_bit(parts["payload.age"], where)
    refused(rezip(parts), supervisor, "hash_mismatch")


def test_a_flipped_byte_anywhere_in_the_manifest_is_refused(bundle, supervisor):
    parts = members(bundle)
    manifest = parts["manifest.json"]
    for index in range(len(manifest)):
        parts["manifest.json"] = flip_bit(manifest, index)
        with pytest.raises(SharingError) as caught:
            open_bundle(rezip(parts), supervisor)
        assert caught.value.reason in {"bad_manifest", "bad_signature", "newer_format"}


def test_a_changed_manifest_that_is_still_valid_json_fails_the_signature(bundle, supervisor):
    parts = members(bundle)
    manifest = json.loads(parts["manifest.json"])
    manifest["items"] = manifest["items"][:1]
    parts["manifest.json"] = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    refused(rezip(parts), supervisor, "bad_signature")


@pytest.mark.parametrize("where", [0, 31, 32, 63])
def test_a_flipped_byte_in_the_signature_is_refused(bundle, supervisor, where):
    parts = members(bundle)
    parts["signature"] = flip_bit(parts["signature"], where)
    refused(rezip(parts), supervisor, "bad_signature")


def member_data_ranges(data: bytes) -> dict[str, range]:
    """Where each member's content lies in the raw file."""
    ranges = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            header = info.header_offset
            name_len, extra_len = struct.unpack("<HH", data[header + 26 : header + 30])
            start = header + 30 + name_len + extra_len
            ranges[info.filename] = range(start, start + info.compress_size)
    return ranges


def test_every_flipped_byte_of_member_content_in_the_file_is_refused(bundle, supervisor):
    # ZIP bookkeeping (timestamps, version fields) is not signed, so flipping one of those
    # bytes may leave the bundle readable, but never with another payload or error type;
    # a flip in any member's content is always refused
    ranges = member_data_ranges(bundle)
    assert sum(len(r) for r in ranges.values()) > len(bundle) // 2
    accepted = []
    for index in range(len(bundle)):
        try:
            opened = open_bundle(flip_bit(bundle, index, 0x10), supervisor)
        except SharingError:
            continue
        accepted.append(index)
        assert opened.payload == PAYLOAD
    inside = [i for i in accepted for name, r in ranges.items() if i in r]
    assert not inside, f"flipped member bytes were accepted at offsets {inside[:10]}"


@pytest.mark.parametrize("keep", [0, 1, 4, 22, 500, -1, -22, -23])
def test_a_truncated_file_is_refused(bundle, supervisor, keep):
    refused(bundle[:keep], supervisor, "damaged")


def test_a_member_added_to_the_bundle_is_refused(bundle, supervisor):
    parts = members(bundle)
    parts["notes.txt"] = b"extra"
    error = refused(rezip(parts), supervisor, "damaged")
    assert "not a supervision bundle or it is damaged" in str(error).replace(",", "")


def test_a_duplicated_member_is_refused(bundle, supervisor):
    parts = list(members(bundle).items())
    parts.append(("payload.age", b"age-encryption.org/v1\n"))
    refused(rezip(parts), supervisor, "damaged")


@pytest.mark.parametrize("missing", MEMBERS)
def test_a_missing_member_is_refused(bundle, supervisor, missing):
    parts = members(bundle)
    del parts[missing]
    refused(rezip(parts), supervisor, "damaged")


def test_a_compressed_bundle_is_refused(bundle, supervisor):
    refused(rezip(members(bundle), compress=True), supervisor, "damaged")


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04", b"not a zip at all" * 10, b"SQLite format 3\x00" + bytes(100)],
    ids=["empty", "zip-magic-only", "text", "sqlite"],
)
def test_a_file_that_is_not_a_bundle_is_refused(supervisor, data):
    refused(data, supervisor, "damaged")


def test_a_payload_swapped_in_from_another_bundle_is_refused(bundle, supervisee, supervisor):
    other = write_bundle(
        make_payload(*ITEMS, text="other"),
        "entries",
        ITEMS,
        supervisee,
        recipients=[supervisor.public_card()],
    )
    parts = members(bundle)
    parts["payload.age"] = members(other)["payload.age"]
    refused(rezip(parts), supervisor, "hash_mismatch")


# --- manifests that are malformed or from another version ----------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda m: m.update(format="reflective-journal-bundle/3"), "newer_format"),
        (lambda m: m.update(format="something-else/1"), "bad_manifest"),
        (lambda m: m.update(kind="everything"), "bad_manifest"),
        (lambda m: m.update(note="a plaintext field"), "bad_manifest"),
        (lambda m: m.update(created_at="yesterday"), "bad_manifest"),
        (lambda m: m.update(payload_sha256="00"), "bad_manifest"),
        (lambda m: m.update(recipients=["not a fingerprint"]), "bad_manifest"),
        (lambda m: m["items"].append({"id": "x", "revision": True}), "bad_manifest"),
        (lambda m: m["sender"].update(signing_public="AAAA"), "bad_manifest"),
        (lambda m: m["sender"].update(recipient="age1qqqq"), "bad_manifest"),
        (lambda m: m.pop("sender"), "bad_manifest"),
    ],
    ids=[
        "newer-version",
        "other-format",
        "unknown-kind",
        "extra-field",
        "bad-date",
        "short-hash",
        "bad-recipient-fingerprint",
        "bool-revision",
        "short-signing-key",
        "bad-age-recipient",
        "no-sender",
    ],
)
def test_a_malformed_or_newer_manifest_is_refused(bundle, supervisee, supervisor, change, reason):
    manifest = manifest_of(bundle)
    change(manifest)
    data = forge(manifest, members(bundle)["payload.age"], supervisee)  # even if signed
    refused(data, supervisor, reason)


@pytest.mark.parametrize("raw", [b"{", b"[]", b"\xff\xfe", b"null", b'"text"'])
def test_a_manifest_that_is_not_a_json_object_is_refused(bundle, supervisor, raw):
    parts = members(bundle)
    parts["manifest.json"] = raw
    refused(rezip(parts), supervisor, "bad_manifest")


# --- who signed it ---------------------------------------------------------------------------


def test_a_bundle_signed_by_someone_not_pinned_is_refused(stranger, supervisor, supervisee):
    data = write_bundle(PAYLOAD, "entries", ITEMS, stranger, recipients=[supervisor.public_card()])
    error = refused(data, supervisor, "not_pinned", trusted_senders=[supervisee.public_card()])
    assert "not pinned" in str(error) and stranger.fingerprint in str(error)
    refused(data, supervisor, "not_pinned", trusted_senders=[])
    # without a pin list the caller gets the sender's card to compare fingerprints
    assert open_bundle(data, supervisor).sender.fingerprint == stranger.fingerprint


def test_a_bundle_resigned_by_someone_else_is_refused(bundle, stranger, supervisee, supervisor):
    parts = members(bundle)
    manifest = json.loads(parts["manifest.json"])
    manifest["sender"] = manifest_for(stranger, [])["sender"]
    forged = forge(manifest, parts["payload.age"], stranger)
    refused(forged, supervisor, "not_pinned", trusted_senders=[supervisee.public_card()])


def test_a_sender_claiming_a_pinned_encryption_key_with_another_signing_key_is_refused(
    bundle, stranger, supervisee, supervisor
):
    parts = members(bundle)
    manifest = json.loads(parts["manifest.json"])
    impostor = PublicCard(supervisee.recipient, stranger.signing_public)
    manifest["sender"] = {
        "recipient": impostor.recipient,
        "signing_public": base64.b64encode(impostor.signing_public).decode(),
        "fingerprint": impostor.fingerprint,
    }
    forged = forge(manifest, parts["payload.age"], stranger)
    pinned = supervisee.public_card("Sam")
    error = refused(forged, supervisor, "pinned_mismatch", trusted_senders=[pinned])
    assert pinned.fingerprint in str(error) and "Sam" in str(error)


def test_a_pinned_signing_key_with_a_changed_encryption_key_is_refused(
    bundle, supervisee, supervisor, stranger
):
    # the sender's signing key is the pinned one, but the pin holds another recipient
    stale_pin = PublicCard(stranger.recipient, supervisee.signing_public, "Sam")
    refused(bundle, supervisor, "pinned_mismatch", trusted_senders=[stale_pin])


def test_a_sender_fingerprint_that_does_not_match_the_sender_key_is_refused(
    bundle, supervisee, supervisor, stranger
):
    manifest = manifest_of(bundle)
    manifest["sender"]["fingerprint"] = stranger.fingerprint
    forged = forge(manifest, members(bundle)["payload.age"], supervisee)
    refused(forged, supervisor, "fingerprint_mismatch")


# --- content that does not match what the bundle declares ----------------------------------


def test_payload_items_beyond_the_manifest_are_refused(supervisee, supervisor):
    # a signed manifest declaring one item over a payload that carries two
    payload_age = encrypt_to(json.dumps(PAYLOAD).encode(), supervisor, supervisee)
    forged = forge(manifest_for(supervisee, [supervisor], ITEMS[:1]), payload_age, supervisee)
    error = refused(forged, supervisor, "items_mismatch")
    assert "does not match the list of items" in str(error)


def test_a_payload_that_is_not_json_is_refused(supervisee, supervisor):
    payload_age = encrypt_to(b"\xffnot json", supervisor)
    forged = forge(manifest_for(supervisee, [supervisor]), payload_age, supervisee)
    refused(forged, supervisor, "bad_payload")


def test_a_bundle_addressed_to_me_but_encrypted_to_others_is_refused(
    supervisee, supervisor, stranger
):
    payload_age = encrypt_to(json.dumps(PAYLOAD).encode(), stranger)
    forged = forge(manifest_for(supervisee, [supervisor]), payload_age, supervisee)
    refused(forged, supervisor, "decrypt_failed")


# --- writing refuses mistakes ----------------------------------------------------------------


def test_writing_refuses_a_payload_with_items_that_were_not_chosen(supervisee, supervisor):
    with pytest.raises(SharingError) as caught:
        write_bundle(PAYLOAD, "entries", ITEMS[:1], supervisee, [supervisor.public_card()])
    assert caught.value.reason == "items_mismatch"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"recipients": [], "passphrase": None},
        {"recipients": None, "passphrase": "   "},
        {"recipients": "CARD", "passphrase": PHRASE},
        {"kind": "everything"},
    ],
    ids=["neither", "no-recipients", "blank-passphrase", "both", "bad-kind"],
)
def test_writing_refuses_bad_arguments(supervisee, supervisor, kwargs):
    kwargs = dict(kwargs)
    if kwargs.get("recipients") == "CARD":
        kwargs["recipients"] = [supervisor.public_card()]
    if "kind" in kwargs:
        kwargs["recipients"] = [supervisor.public_card()]
    kind = kwargs.pop("kind", "entries")
    with pytest.raises(SharingError):
        write_bundle(PAYLOAD, kind, ITEMS, supervisee, **kwargs)


# --- bundle ids -------------------------------------------------------------------------------


def test_a_bundle_id_is_stable_and_differs_between_bundles(bundle, supervisee, supervisor):
    assert bundle_id(bundle) == bundle_id(bytes(bundle))
    assert bundle_id(bundle) == hashlib.sha256(members(bundle)["signature"]).hexdigest()
    again = write_bundle(PAYLOAD, "entries", ITEMS, supervisee, [supervisor.public_card()])
    assert bundle_id(again) != bundle_id(bundle)
    with pytest.raises(SharingError):
        bundle_id(bundle[:100])


def test_the_sharing_package_does_not_import_streamlit():
    code = (
        "import sys, sharing.bundle, sharing.identity; "
        "sys.exit('streamlit' in sys.modules or any(m.startswith('streamlit.') "
        "for m in sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], cwd=root, check=False, timeout=60)
    assert result.returncode == 0, "sharing/ imported streamlit"
