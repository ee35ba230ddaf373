"""The journal's sharing keys and pinned contacts: encrypted, stable, checked when pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharing import keys
from sharing.bundle import open_bundle, write_bundle
from sharing.identity import SharingError, new_identity
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Contact, Identity
from tests.conftest import JournalTemplate, find_canary


def test_the_keys_are_made_once_and_survive_a_lock(
    journal: Journal, journal_path: Path, empty_template: JournalTemplate
) -> None:
    first = keys.my_keys(journal)
    assert keys.my_keys(journal) == first
    assert len(journal.all(Identity)) == 1
    journal.lock()
    reopened = empty_template.open(journal_path)
    try:
        assert keys.my_keys(reopened) == first
    finally:
        reopened.lock()


def test_the_secret_keys_never_reach_the_file_in_plaintext(
    journal: Journal, journal_path: Path
) -> None:
    secret = keys.my_keys(journal).x25519_secret
    journal.lock()
    assert find_canary([journal_path.parent], secret) == []


def test_pinning_needs_the_matching_fingerprint(journal: Journal) -> None:
    supervisor = new_identity().public_card("Supervisor")
    with pytest.raises(InvalidRecord, match="fingerprint does not match"):
        keys.pin_contact(journal, supervisor.to_text(), "AAAAA-BBBBB-CCCCC-DDDDD", "supervisor", "")
    assert journal.all(Contact) == []
    spoken = supervisor.fingerprint.lower().replace("-", " ")
    contact = keys.pin_contact(journal, supervisor.to_text(), spoken, "supervisor", "Dr Example")
    assert contact.name == "Dr Example"
    assert [c.fingerprint for c in keys.contacts(journal, "supervisor")] == [supervisor.fingerprint]


@pytest.mark.parametrize(
    ("card_text", "role", "error"),
    [
        ("not a key card", "supervisor", SharingError),
        (None, "boss", InvalidRecord),
    ],
)
def test_a_bad_card_or_role_pins_nothing(
    journal: Journal, card_text: str | None, role: str, error: type
) -> None:
    card = new_identity().public_card()
    with pytest.raises(error):
        keys.pin_contact(journal, card_text or card.to_text(), card.fingerprint, role, "X")
    assert journal.all(Contact) == []


def test_the_same_key_is_not_pinned_twice(journal: Journal) -> None:
    card = new_identity().public_card()
    keys.pin_contact(journal, card.to_text(), card.fingerprint, "supervisee", "A")
    with pytest.raises(InvalidRecord, match="already pinned"):
        keys.pin_contact(journal, card.to_text(), card.fingerprint, "supervisee", "B")
    assert len(journal.all(Contact)) == 1


def test_a_bundle_from_a_pinned_contact_opens_with_the_stored_keys(journal: Journal) -> None:
    supervisee = new_identity()
    card = supervisee.public_card()
    keys.pin_contact(journal, card.to_text(), card.fingerprint, "supervisee", "Supervisee")
    me = keys.my_keys(journal)
    payload = {"items": [{"id": "e1", "revision": 1}], "note": "shared words"}
    data = write_bundle(payload, "entries", [("e1", 1)], supervisee, [me.public_card()])
    opened = open_bundle(data, me, trusted_senders=keys.pinned_cards(journal))
    assert opened.payload["note"] == "shared words"
    assert opened.sender.name == "Supervisee"


def test_pinning_refuses_your_own_card_and_a_nameless_or_unsafe_name(journal: Journal) -> None:
    mine = keys.my_card(journal, "Me")
    with pytest.raises(InvalidRecord, match="your own card"):
        keys.pin_contact(journal, mine.to_text(), mine.fingerprint, "supervisor", "Me")
    nameless = new_identity().public_card("")
    with pytest.raises(InvalidRecord, match="no name"):
        keys.pin_contact(journal, nameless.to_text(), nameless.fingerprint, "supervisor", " ")
    with pytest.raises(SharingError, match="single line"):
        keys.pin_contact(journal, nameless.to_text(), nameless.fingerprint, "supervisor", "A\x07B")
    with pytest.raises(SharingError, match="at most"):
        keys.pin_contact(journal, nameless.to_text(), nameless.fingerprint, "supervisor", "x" * 81)
    assert journal.all(Contact) == []
