"""AppTest of Supervision → Keys: your own card and fingerprint, pinning a contact only on a
matching fingerprint, removing a contact."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sharing import keys
from sharing.identity import PublicCard, new_identity
from storage.journal import Journal
from storage.records import Contact, Identity
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE

SUPERVISION = "pages/screens/supervision.py"
NAME = "Dr Example"


def open_keys(at: AppTest) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(SUPERVISION).run()
    return at.segmented_control(key="sv_section").set_value("Keys").run()


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


def widget(elements, label: str):
    return next(w for w in elements if w.label == label)


def metric(at: AppTest, label: str) -> str:
    return widget(at.metric, label).value


def pin(
    at: AppTest, card: str, fingerprint: str, name: str = NAME, role: str = "supervisor"
) -> AppTest:
    at = widget(at.text_area, "Their key card").input(card).run()
    widget(at.text_input, "Their name").input(name)
    widget(at.radio, "Their role").set_value(role)
    widget(at.text_input, "Fingerprint as they read it to you").input(fingerprint)
    return click(at, "Pin contact")


@pytest.fixture
def their_card() -> PublicCard:
    return new_identity().public_card(NAME)


def test_the_card_shown_is_this_journals_own(journal_path: Path) -> None:
    at = open_keys(app())
    assert not at.exception
    mine = keys.my_keys(journal_of(at))
    shown = PublicCard.from_text(at.code[0].value)
    assert shown.fingerprint == mine.fingerprint
    assert metric(at, "Your fingerprint") == mine.fingerprint
    assert any("by phone" in i.value and "same route" in i.value for i in at.info)
    assert len(journal_of(at).all(Identity)) == 1  # made once, not on every run
    at = at.run()
    assert len(journal_of(at).all(Identity)) == 1


def test_your_name_is_saved_and_put_on_the_card(journal_path: Path) -> None:
    at = open_keys(app())
    widget(at.text_input, "Your name on the card").input("Sam Example")
    at = click(at, "Save name")
    assert not errors(at)
    assert journal_of(at).all(Identity)[0].name == "Sam Example"
    assert PublicCard.from_text(at.code[0].value).name == "Sam Example"


def test_a_matching_fingerprint_pins_the_contact(
    journal_path: Path, their_card: PublicCard
) -> None:
    at = open_keys(app())
    at = widget(at.text_area, "Their key card").input(their_card.to_text()).run()
    assert metric(at, "Fingerprint of this card") == their_card.fingerprint

    at = pin(at, their_card.to_text(), their_card.fingerprint.lower(), role="supervisee")
    assert not at.exception and not errors(at)
    (contact,) = journal_of(at).all(Contact)
    assert (contact.name, contact.role, contact.fingerprint) == (
        NAME,
        "supervisee",
        their_card.fingerprint,
    )
    table = at.dataframe[0].value
    assert list(table["Fingerprint"]) == [their_card.fingerprint]
    assert widget(at.text_area, "Their key card").value == ""  # ready for the next card


def test_an_uploaded_card_file_pins_too(journal_path: Path, their_card: PublicCard) -> None:
    at = open_keys(app())
    upload = widget(at.get("file_uploader"), "…or upload their key card (.txt)")
    at = upload.set_value(("card.txt", their_card.to_text().encode(), "text/plain")).run()
    assert metric(at, "Fingerprint of this card") == their_card.fingerprint
    widget(at.text_input, "Fingerprint as they read it to you").input(their_card.fingerprint)
    at = click(at, "Pin contact")
    (contact,) = journal_of(at).all(Contact)
    assert contact.name == NAME  # the name on the card when none is typed


def test_a_wrong_fingerprint_pins_nothing(journal_path: Path, their_card: PublicCard) -> None:
    other = new_identity().public_card()
    at = pin(open_keys(app()), their_card.to_text(), other.fingerprint)
    (error,) = errors(at)
    assert "fingerprint does not match" in error and "Nothing was saved" in error
    assert journal_of(at).all(Contact) == []


@pytest.mark.parametrize(
    "card",
    [
        "hello, this is my key",
        "reflective-journal-key/1\nage1qqqq\n",
        "reflective-journal-key/1\n",
    ],
    ids=["not a card", "damaged key", "incomplete"],
)
def test_a_malformed_card_shows_an_error_and_pins_nothing(journal_path: Path, card: str) -> None:
    at = pin(open_keys(app()), card, "ABCDE-FGHIJ-KLMNO-PQRST")
    assert len(errors(at)) == 1, "a malformed card is named, once"
    assert not at.exception
    assert not any(m.label == "Fingerprint of this card" for m in at.metric)
    assert journal_of(at).all(Contact) == []


def test_pinning_without_a_card_names_the_card(journal_path: Path) -> None:
    at = click(open_keys(app()), "Pin contact")
    assert errors(at) == ["Key card: paste their card or upload its .txt file."]
    assert journal_of(at).all(Contact) == []


def test_your_own_card_cannot_be_pinned(journal_path: Path) -> None:
    at = open_keys(app())
    mine = keys.my_card(journal_of(at))
    at = pin(at, mine.to_text(), mine.fingerprint)
    (error,) = errors(at)
    assert "your own card" in error
    assert journal_of(at).all(Contact) == []


def test_removing_a_contact_asks_first_and_stops_accepting_their_bundles(
    journal_path: Path, their_card: PublicCard
) -> None:
    at = pin(open_keys(app()), their_card.to_text(), their_card.fingerprint)
    (contact,) = journal_of(at).all(Contact)
    at = click(at, "Remove contact")
    assert journal_of(at).all(Contact) == [contact]  # not before the answer
    assert "no longer be accepted" in at.warning[0].value
    at = click(at, "Yes, remove")
    journal = journal_of(at)
    assert journal.all(Contact) == []
    assert [e.record.id for e in journal.trash()] == [contact.id]
    assert keys.pinned_cards(journal) == []
    assert any(i.value == "No contacts pinned yet." for i in at.info)
