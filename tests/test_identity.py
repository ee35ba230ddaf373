"""A journal's sharing identity and its key card: secrets kept, text round-trips, checked.

`sharing.identity` (SECURITY.md, "Sharing with a supervisor"): an identity survives JSON
and never shows its secrets; a key card survives copy and paste and refuses damage with
a plain message; fingerprints are short and tell keys apart.
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from sharing.identity import Identity, PublicCard, SharingError, new_identity

FINGERPRINT = re.compile(r"[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}")


@pytest.fixture(scope="module")
def supervisee() -> Identity:
    return new_identity()


@pytest.fixture(scope="module")
def supervisor() -> Identity:
    return new_identity()


def test_an_identity_round_trips_through_json(supervisee):
    data = json.loads(json.dumps(supervisee.to_dict()))
    again = Identity.from_dict(data)
    assert again == supervisee
    assert again.recipient == supervisee.recipient
    assert again.signing_public == supervisee.signing_public
    assert supervisee.recipient.startswith("age1")
    assert supervisee.x25519_secret.startswith("AGE-SECRET-KEY-1")
    assert len(supervisee.signing_public) == 32


def test_an_identity_never_shows_its_secrets(supervisee):
    shown = repr(supervisee) + str(supervisee)
    assert supervisee.x25519_secret not in shown
    assert base64.b64encode(supervisee.ed25519_secret).decode() not in shown
    assert repr(supervisee.ed25519_secret)[2:-1] not in shown


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"format": "reflective-journal-identity/2"},
        {"format": "reflective-journal-identity/1", "x25519_secret": "AGE-SECRET-KEY-1X"},
        {
            "format": "reflective-journal-identity/1",
            "x25519_secret": "AGE-SECRET-KEY-1X",
            "ed25519_secret": base64.b64encode(bytes(32)).decode(),
        },
    ],
)
def test_a_damaged_identity_is_refused(data):
    with pytest.raises(SharingError):
        Identity.from_dict(data)


def test_new_identities_differ():
    first, second = new_identity(), new_identity()
    assert first.recipient != second.recipient
    assert first.signing_public != second.signing_public


def test_a_key_card_round_trips_through_its_text(supervisee):
    card = supervisee.public_card(name="Sam Okafor")
    text = card.to_text()
    assert text.splitlines() == [
        "reflective-journal-key/1",
        supervisee.recipient,
        base64.b64encode(supervisee.signing_public).decode(),
        "Sam Okafor",
    ]
    assert PublicCard.from_text(text) == card
    # as pasted from an e-mail: indented, CRLF, blank lines around
    pasted = "\r\n\r\n" + "\r\n".join("   " + line for line in text.splitlines()) + "\r\n\r\n"
    assert PublicCard.from_text(pasted) == card
    nameless = supervisee.public_card()
    assert len(nameless.to_text().splitlines()) == 3
    assert PublicCard.from_text(nameless.to_text()) == nameless


def _card_lines(identity: Identity) -> list[str]:
    return identity.public_card().to_text().splitlines()


def _changed_char(text: str, index: int) -> str:
    swap = "q" if text[index] != "q" else "p"
    return text[:index] + swap + text[index + 1 :]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda lines: "", "malformed_card"),
        (lambda lines: "hello\nworld\n", "malformed_card"),
        (lambda lines: "\n".join(["reflective-journal-key/2", *lines[1:]]), "newer_card"),
        (lambda lines: "\n".join(lines[:2]), "malformed_card"),
        (lambda lines: "\n".join([*lines, "name", "one more"]), "malformed_card"),
        (lambda lines: "\n".join([lines[0], _changed_char(lines[1], 20), lines[2]]), None),
        (lambda lines: "\n".join([lines[0], "ssh-ed25519 AAAA", lines[2]]), "malformed_key"),
        (lambda lines: "\n".join([lines[0], lines[1], lines[2][:-4]]), "malformed_card"),
        (lambda lines: "\n".join([lines[0], lines[1], "not base64!"]), "malformed_card"),
        (lambda lines: "\n".join([lines[0], lines[1], "AAAA"]), "malformed_card"),
        (lambda lines: "\n".join([lines[0], lines[2], lines[1]]), "malformed_key"),
    ],
    ids=[
        "empty",
        "not-a-card",
        "newer-version",
        "missing-signing-key",
        "extra-lines",
        "typo-in-recipient",
        "ssh-key",
        "cut-signing-key",
        "not-base64",
        "short-signing-key",
        "lines-swapped",
    ],
)
def test_a_malformed_key_card_is_refused_with_a_plain_message(supervisee, make, reason):
    with pytest.raises(SharingError) as caught:
        PublicCard.from_text(make(_card_lines(supervisee)))
    if reason:
        assert caught.value.reason == reason
    message = str(caught.value)
    assert message and "Traceback" not in message and "Bech32" not in message


@pytest.mark.parametrize("name", ["two\nlines", "tab\there", "x" * 81])
def test_a_key_card_name_must_be_one_short_line(supervisee, name):
    with pytest.raises(SharingError):
        supervisee.public_card(name=name)


def test_fingerprints_are_short_comparable_and_differ_between_keys(supervisee, supervisor):
    fingerprints = {new_identity().fingerprint for _ in range(20)}
    fingerprints |= {supervisee.fingerprint, supervisor.fingerprint}
    assert len(fingerprints) == 22
    assert all(FINGERPRINT.fullmatch(f) for f in fingerprints)
    card = supervisee.public_card("Sam")
    assert card.fingerprint == supervisee.fingerprint == supervisee.public_card().fingerprint
    # each half of the card counts
    assert PublicCard(supervisee.recipient, supervisor.signing_public).fingerprint not in (
        supervisee.fingerprint,
        supervisor.fingerprint,
    )
    assert PublicCard(supervisor.recipient, supervisee.signing_public).fingerprint not in (
        supervisee.fingerprint,
        supervisor.fingerprint,
    )
