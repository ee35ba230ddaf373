"""Supervision → Keys: your key card, pinning a contact's card, removing a contact."""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from pages.ui import widgets
from pages.ui.notice import rerun_with_notice, show_notice
from sharing.identity import MAX_NAME_LEN, PublicCard, SharingError
from sharing.keys import contacts, my_card, my_keys, pin_contact
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Contact, Identity

NOTICE = "sv_keys_notice"
PIN = "sv_pin"  # bumped after pinning, so the next card starts from empty fields
REMOVING = "sv_keys_removing"
MAX_CARD_BYTES = 4096  # a card is about 150 bytes: anything far larger is not one
ROLES = {"supervisor": "My supervisor", "supervisee": "My supervisee"}
COMPARE = (
    "Read this fingerprint out to the other person, by phone or face to face, and ask "
    "them to compare it with the one their app shows for your card. Never send it by the "
    "same route as the card (not in the same email or chat): whoever could change the "
    "card on the way could change the fingerprint with it."
)


def show(journal: Journal) -> None:
    """Draw the section: your card, pin a contact, the pinned contacts."""
    show_notice(NOTICE)
    _my_card(journal)
    _pin(journal)
    _pinned(journal)


def _done(message: str) -> None:
    rerun_with_notice(NOTICE, message)


def _my_card(journal: Journal) -> None:
    st.header("Your key card")
    keys = my_keys(journal)  # made and saved the first time
    identity = journal.all(Identity)[0]
    st.caption(
        "Give this card to your supervisor or supervisee (email or a USB stick is fine: "
        "it holds only public keys and the name below), then compare fingerprints."
    )
    with st.form("sv_keys_name_form"):
        name = st.text_input("Your name on the card", value=identity.name, max_chars=MAX_NAME_LEN)
        if st.form_submit_button("Save name"):
            try:
                keys.public_card(name.strip())  # the card's own rules for a name
            except SharingError as error:
                st.error(f"Your name on the card: {error}")
            else:
                journal.save(dataclasses.replace(identity, name=name.strip()))
                _done("Name on your key card saved.")
    card = my_card(journal, identity.name)
    text = card.to_text()
    st.code(text, language=None)
    st.download_button(
        "Download key card (.txt)",
        text,
        file_name=f"key-card-{card.fingerprint[:5].lower()}.txt",
        mime="text/plain",
        on_click="ignore",
        key="sv_keys_download",
    )
    st.metric("Your fingerprint", card.fingerprint)
    st.info(COMPARE, icon=":material/call:")


def _card_text(pasted: str, upload: Any) -> str:
    """The card from the text area or the file; raises SharingError when unusable."""
    if upload is None:
        return pasted
    raw = upload.getvalue()
    if len(raw) > MAX_CARD_BYTES:
        raise SharingError("Key card file: it is too large to be a key card.")
    try:
        from_file = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SharingError("Key card file: it is not a text file.") from None
    if pasted.strip() and pasted.strip() != from_file.strip():
        raise SharingError(
            "Key card: you pasted a card and uploaded a different one. Keep only one."
        )
    return from_file


def _pin(journal: Journal) -> None:
    st.header("Pin a contact")
    st.caption(
        "Pin your supervisor's or supervisee's card before exchanging bundles: only "
        "bundles signed by a pinned contact are accepted."
    )
    generation = st.session_state.get(PIN, 0)
    pasted = st.text_area(
        "Their key card",
        height=130,
        placeholder="reflective-journal-key/1\nage1…\n…",
        key=f"sv_pin_card_{generation}",
    )
    upload = st.file_uploader(
        "…or upload their key card (.txt)", type=["txt"], key=f"sv_pin_file_{generation}"
    )
    card, card_text = None, ""
    try:
        card_text = _card_text(pasted, upload)
        if card_text.strip():
            card = PublicCard.from_text(card_text)
    except SharingError as error:
        st.error(str(error))
        card_text = None
    name = st.text_input(
        "Their name",
        max_chars=MAX_NAME_LEN,
        placeholder=card.name if card else "",
        help="Left empty, the name on their card is used.",
        key=f"sv_pin_name_{generation}",
    )
    role = st.radio(
        "Their role",
        list(ROLES),
        format_func=ROLES.get,
        horizontal=True,
        key=f"sv_pin_role_{generation}",
    )
    typed, computed = st.columns(2)
    fingerprint = typed.text_input(
        "Fingerprint as they read it to you",
        placeholder="ABCDE-FGHIJ-KLMNO-PQRST",
        help="Type what they read out to you by phone or in person, not what came with the card.",
        key=f"sv_pin_fingerprint_{generation}",
    )
    if card is not None:
        computed.metric("Fingerprint of this card", card.fingerprint)
    if not st.button("Pin contact", type="primary", key="sv_pin_button"):
        return
    if card is None:
        if card_text is not None:  # else its parse error is on screen already
            st.error("Key card: paste their card or upload its .txt file.")
        return
    problem = _pin_problem(journal, card, name, fingerprint)
    if problem:
        st.error(problem)
        return
    try:
        contact = pin_contact(journal, card_text, fingerprint, role, name)
    except (SharingError, InvalidRecord) as error:
        st.error(str(error))
        return
    st.session_state[PIN] = generation + 1
    _done(f"{widgets.plain(contact.name)} pinned as {ROLES[contact.role].lower()}.")


def _pin_problem(journal: Journal, card: PublicCard, name: str, fingerprint: str) -> str | None:
    """What stops pinning before the card is checked against the fingerprint, if anything."""
    if card.same_keys(my_keys(journal).public_card()):
        return "Key card: that is your own card. Pin the other person's card."
    if not (name.strip() or card.name):
        return "Their name: their card has no name on it, so type one."
    try:
        PublicCard(card.recipient, card.signing_public, name.strip())
    except SharingError as error:
        return f"Their name: {error}"
    if not fingerprint.strip():
        return "Fingerprint: type the fingerprint they read out to you."
    return None


def _pinned(journal: Journal) -> None:
    st.header("Pinned contacts")
    pinned = contacts(journal)
    if not pinned:
        st.info("No contacts pinned yet.")
        return
    st.dataframe(
        [
            {
                "Name": c.name,
                "Role": c.role,
                "Fingerprint": c.fingerprint,
                "Pinned on": c.pinned_at.astimezone().date(),
            }
            for c in pinned
        ],
        hide_index=True,
        column_config={"Pinned on": st.column_config.DateColumn(format="DD MMM YYYY")},
    )
    by_id = {c.id: c for c in pinned}
    picked = st.selectbox(
        "Contact", list(by_id), format_func=lambda i: _label(by_id[i]), key="sv_keys_pick"
    )
    if st.button("Remove contact", key="sv_keys_remove"):
        st.session_state[REMOVING] = picked
    removing = by_id.get(st.session_state.get(REMOVING))
    if removing is None:
        return
    question = (
        f"Remove {widgets.plain(_label(removing))}? Bundles and comments from this contact will "
        "no longer be accepted, and you can no longer share with them. What you already "
        "imported stays. To work together again, pin their card anew."
    )
    if widgets.confirm(REMOVING, question, "Yes, remove", "sv_keys"):
        journal.delete(removing.id)
        _done(f"{widgets.plain(removing.name)} removed from your contacts.")


def _label(contact: Contact) -> str:
    return f"{contact.name} ({contact.role}, {contact.fingerprint})"
