"""This journal's sharing identity and its pinned contacts, kept encrypted in the journal."""

from __future__ import annotations

from sharing.identity import Identity as Keys
from sharing.identity import PublicCard, new_identity
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import CONTACT_ROLES, Contact, Identity


def my_keys(journal: Journal) -> Keys:
    """The journal's keys, made (and saved, encrypted) the first time they are needed."""
    found = journal.all(Identity)
    if found:
        return Keys.from_dict(found[0].keys)
    keys = new_identity()
    journal.save(Identity(keys=keys.to_dict()))
    return keys


def my_card(journal: Journal, name: str = "") -> PublicCard:
    """The public key card to give to a supervisor or supervisee."""
    return my_keys(journal).public_card(name)


def contacts(journal: Journal, role: str | None = None) -> list[Contact]:
    """Pinned contacts, alphabetical; only one role when asked."""
    found = [c for c in journal.all(Contact) if role is None or c.role == role]
    return sorted(found, key=lambda c: c.name.casefold())


def pin_contact(
    journal: Journal, card_text: str, fingerprint: str, role: str, name: str
) -> Contact:
    """Pin a contact's card once the fingerprint read out by them matches.

    Raises SharingError for a malformed card or name, and InvalidRecord for a fingerprint
    that does not match, an unknown role, your own card, no name, or a key already
    pinned; nothing is saved then.
    """
    card = PublicCard.from_text(card_text)
    typed = fingerprint.strip().upper().replace(" ", "")
    if typed.replace("-", "") != card.fingerprint.replace("-", ""):
        raise InvalidRecord(
            "Contact", "the fingerprint does not match this key: do not pin it; ask again"
        )
    if role not in CONTACT_ROLES:
        raise InvalidRecord("Contact", f"role must be one of {', '.join(CONTACT_ROLES)}")
    if card.same_keys(my_keys(journal).public_card()):
        raise InvalidRecord("Contact", "that is your own card: pin the other person's")
    if any(c.fingerprint == card.fingerprint for c in journal.all(Contact)):
        raise InvalidRecord("Contact", "this key is already pinned")
    chosen = name.strip() or card.name
    if not chosen:
        raise InvalidRecord("Contact", "their card has no name on it: type one")
    PublicCard(card.recipient, card.signing_public, chosen)  # the card's rules for a name
    contact = Contact(
        name=chosen,
        card=card.to_text(),
        fingerprint=card.fingerprint,
        role=role,
    )
    journal.save(contact)
    return contact


def pinned_cards(journal: Journal) -> list[PublicCard]:
    """Every pinned contact's card, named as pinned: the senders a bundle may come from."""
    cards = []
    for contact in journal.all(Contact):
        card = PublicCard.from_text(contact.card)
        cards.append(PublicCard(card.recipient, card.signing_public, contact.name[:80]))
    return cards
