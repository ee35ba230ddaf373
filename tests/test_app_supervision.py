"""AppTest of the Supervision screen: share with a review, import as supervisor, comment,
and the comments back next to their entries."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sharing import bundle, keys
from sharing.identity import new_identity
from storage.journal import Journal
from storage.records import (
    Answer,
    Client,
    Comment,
    Contact,
    Estimate,
    ReceivedBundle,
    Reflection,
    SentShare,
    Session,
)
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate

SUPERVISION = "pages/screens/supervision.py"
OCTETS = "application/octet-stream"
ALIAS = "Wrenna"


def fill(journal: Journal) -> Reflection:
    client = Client(code="C-101", alias=ALIAS)
    session = Session(client_id=client.id, date=date(2026, 3, 2), number=1)
    reflection = Reflection(
        session_id=session.id,
        client_id=client.id,
        framework="gibbs",
        answers=[Answer("p-1", "What did I notice?", f"{ALIAS} went quiet at the fee.")],
        next_step="Ask about the quiet.",
        flagged_for_supervision=True,
    )
    journal.save_all(
        [client, session, Estimate(session.id, "sac4", {"goals": 7, "tasks": 6}), reflection]
    )
    return reflection


def open_screen(at: AppTest, section: str = "Share") -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page(SUPERVISION).run()
    if section != "Share":
        at = at.segmented_control(key="sv_section").set_value(section).run()
    return at


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


@pytest.fixture
def supervisor_keys():
    return new_identity()


@pytest.fixture
def supervisee_path(
    journal_path: Path, empty_template: JournalTemplate, supervisor_keys
) -> tuple[Path, str]:
    journal = empty_template.open(journal_path)
    reflection = fill(journal)
    card = supervisor_keys.public_card("Dr Vale")
    keys.pin_contact(journal, card.to_text(), card.fingerprint, "supervisor", "Dr Vale")
    journal.lock()
    return journal_path, reflection.id


def make_button(at: AppTest):
    return next(b for b in at.button if b.label == "Make bundle")


def test_export_waits_for_every_decision_then_makes_a_de_identified_bundle(
    supervisee_path: tuple[Path, str], supervisor_keys
) -> None:
    _, entry_id = supervisee_path
    at = open_screen(app())
    assert not at.exception
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    radios = [r for r in at.radio if r.key and r.key.startswith("sv_decide_")]
    assert radios and all(r.value is None for r in radios)
    assert make_button(at).disabled
    assert any("still to decide" in i.value for i in at.info)

    at = click(at, "Redact all undecided")
    assert all(r.value == "Redact" for r in at.radio if r.key.startswith("sv_decide_"))
    assert not make_button(at).disabled
    at = click(at, "Make bundle")
    assert not at.exception and not errors(at)
    (receipt,) = journal_of(at).all(SentShare)
    assert receipt.recipient_names == ["Dr Vale"] and receipt.items[0]["id"] == entry_id

    name, data = at.session_state["sv_bundle"]
    assert name.endswith(".rjshare")
    me = keys.my_keys(journal_of(at)).public_card("Sam")
    opened = bundle.open_bundle(data, supervisor_keys, [me])
    flat = json.dumps(opened.payload)
    assert ALIAS not in flat and "C-101" not in flat and "2026" not in flat
    assert "[alias] went quiet at the fee." in flat


def offered_bundles(at: AppTest) -> list:
    return [b for b in at.get("download_button") if b.proto.label == "Download bundle"]


def made_bundle(supervisee_path: tuple[Path, str]) -> AppTest:
    _, entry_id = supervisee_path
    at = open_screen(app())
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    at = click(click(at, "Redact all undecided"), "Make bundle")
    assert len(offered_bundles(at)) == 1
    return at


def test_a_bundle_is_withdrawn_when_the_way_of_sending_changes(
    supervisee_path: tuple[Path, str],
) -> None:
    at = made_bundle(supervisee_path)
    at = at.radio(key="sv_how").set_value("Anyone with a passphrase").run()
    assert offered_bundles(at) == []
    assert not any("Bundle made" in s.value for s in at.success)
    at = at.radio(key="sv_how").set_value("A pinned supervisor").run()
    assert offered_bundles(at) == []  # back as it was: made again, never the old file


def test_a_bundle_is_withdrawn_when_the_entries_or_the_review_change(
    supervisee_path: tuple[Path, str],
) -> None:
    _, entry_id = supervisee_path
    at = made_bundle(supervisee_path)
    at = at.checkbox(key=f"sv_pick_{entry_id}").uncheck().run()
    assert offered_bundles(at) == []
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    at = click(click(at, "Redact all undecided"), "Make bundle")
    assert len(offered_bundles(at)) == 1
    keep = next(r for r in at.radio if r.key.startswith("sv_decide_"))
    at = keep.set_value("Keep").run()
    assert offered_bundles(at) == []


def test_two_bundles_made_on_one_day_get_different_names(
    supervisee_path: tuple[Path, str],
) -> None:
    at = made_bundle(supervisee_path)
    first, _ = at.session_state["sv_bundle"][:2]
    at = at.radio(key="sv_how").set_value("Anyone with a passphrase").run()
    at.text_input(key="sv_phrase").input("lantern orchard seven harbour")
    at = at.text_input(key="sv_phrase2").input("lantern orchard seven harbour").run()
    at = click(at, "Make bundle")
    second, _ = at.session_state["sv_bundle"][:2]
    assert first != second and second.endswith(".rjshare")


def test_keeping_a_finding_sends_it_as_typed(
    supervisee_path: tuple[Path, str], supervisor_keys
) -> None:
    _, entry_id = supervisee_path
    at = open_screen(app())
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    for radio in [r for r in at.radio if r.key.startswith("sv_decide_")]:
        radio.set_value("Keep")
    at = click(at.run(), "Make bundle")
    _, data = at.session_state["sv_bundle"]
    me = keys.my_keys(journal_of(at)).public_card("Sam")
    opened = bundle.open_bundle(data, supervisor_keys, [me])
    assert f"{ALIAS} went quiet" in json.dumps(opened.payload)


def test_a_short_bundle_passphrase_keeps_export_off(supervisee_path: tuple[Path, str]) -> None:
    _, entry_id = supervisee_path
    at = open_screen(app())
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    at = click(at, "Redact all undecided")
    at = at.radio(key="sv_how").set_value("Anyone with a passphrase").run()
    at.text_input(key="sv_phrase").input("short")
    at = at.text_input(key="sv_phrase2").input("short").run()
    assert make_button(at).disabled
    assert any("at least 12 characters" in c.value for c in at.caption)
    at.text_input(key="sv_phrase").input("lantern orchard seven")
    at = at.text_input(key="sv_phrase2").input("lantern orchard seven").run()
    at = click(at, "Make bundle")
    (receipt,) = journal_of(at).all(SentShare)
    assert receipt.recipients == []
    assert "sv_phrase" not in at.session_state  # the passphrase is not kept


def test_the_supervisor_imports_comments_and_sends_them_back(
    supervisee_path: tuple[Path, str],
    tmp_path: Path,
    empty_template: JournalTemplate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, entry_id = supervisee_path
    # the supervisor's own journal, which pins the supervisee's card
    supervisee = empty_template.open(path)
    folder = tmp_path / "supervisor"
    folder.mkdir()
    supervisor = empty_template.open(empty_template.copy_to(folder))
    try:
        mine = keys.my_card(supervisee, "Sam")
        theirs = keys.my_card(supervisor, "Dr Vale")
        for contact in supervisee.all(Contact):
            supervisee.purge(contact.id)
        keys.pin_contact(supervisee, theirs.to_text(), theirs.fingerprint, "supervisor", "Dr Vale")
        keys.pin_contact(supervisor, mine.to_text(), mine.fingerprint, "supervisee", "Sam")
    finally:
        supervisee.lock()
        supervisor.lock()

    at = open_screen(app())
    at = click(at.checkbox(key=f"sv_pick_{entry_id}").check().run(), "Redact all undecided")
    at = click(at, "Make bundle")
    _, data = at.session_state["sv_bundle"]

    # the supervisor, in another browser session on their own journal
    monkeypatch.setenv("JOURNAL_DATA_DIR", str(folder))
    try:
        sv = app()
        sv = open_screen(sv, "Shared with me")
        sv.file_uploader(key="sv_entries_file").set_value(
            ("in.rjshare", data, "application/octet-stream")
        )
        sv = click(sv.run(), "Import bundle")
        assert [s.value for s in sv.success] == ["Imported 1 entry from Sam."]
        assert any("Client A · session 1" in e.label for e in sv.expander)
        sv = click(sv, "Import bundle")
        assert "already imported" in sv.info[0].value
        assert len(journal_of(sv).all(ReceivedBundle)) == 1
        sv.text_area(key=f"sv_comment_text_{entry_id}").input("What did the fee stir in you?")
        sv.multiselect(key=f"sv_comment_functions_{entry_id}").select("formative")
        sv = next(b for b in sv.button if b.label == "Add comment").click().run()
        assert not sv.exception
        assert [c.text for c in journal_of(sv).all(Comment)] == ["What did the fee stir in you?"]
        sv = click(sv, "Make comments bundle")
        _, back = sv.session_state["sv_comments_bundle"]
    finally:
        monkeypatch.setenv("JOURNAL_DATA_DIR", str(path.parent))

    at = at.segmented_control(key="sv_section").set_value("Comments").run()
    at.file_uploader(key="sv_comments_file").set_value(
        ("back.rjshare", back, "application/octet-stream")
    )
    at = click(at.run(), "Import comments")
    assert [s.value for s in at.success] == ["Imported 1 new comment (0 updated) from Dr Vale."]
    shown = [m.value.replace("\\", "") for m in at.markdown]  # markdown escapes removed
    assert any("C-101 · session 1 · 02 Mar 2026" in text for text in shown)
    assert any("What did the fee stir in you?" in text for text in shown)


def test_a_damaged_bundle_shows_a_clear_error_and_imports_nothing(
    supervisee_path: tuple[Path, str],
) -> None:
    at = open_screen(app(), "Shared with me")
    at.file_uploader(key="sv_entries_file").set_value(
        ("x.rjshare", b"PK\x03\x04 junk", "application/octet-stream")
    )
    at = click(at.run(), "Import bundle")
    assert errors(at) == [bundle.DAMAGED]
    assert journal_of(at).all(ReceivedBundle) == []


def shared_text(at: AppTest, supervisor_keys) -> str:
    _, data = at.session_state["sv_bundle"]
    me = keys.my_keys(journal_of(at)).public_card("Sam")
    return json.dumps(bundle.open_bundle(data, supervisor_keys, [me]).payload)


def test_the_review_never_says_nothing_was_found_and_names_what_it_cannot_see(
    supervisee_path: tuple[Path, str],
) -> None:
    _, entry_id = supervisee_path
    at = open_screen(app())
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    shown = " ".join(m.value for m in [*at.info, *at.warning, *at.success, *at.caption])
    assert "No possible identifiers" not in shown
    assert "Checked: names" in shown and "rare occupation" in shown and "once more" in shown


def test_words_picked_by_hand_are_redacted_without_a_further_decision(
    supervisee_path: tuple[Path, str], supervisor_keys
) -> None:
    _, entry_id = supervisee_path
    at = open_screen(app())
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    for box in [t for t in at.text_area if t.key.startswith("sv_manual_")]:
        box.input("the fee")
    at = at.run()
    at = click(click(at, "Redact all undecided"), "Make bundle")
    flat = shared_text(at, supervisor_keys)
    assert "the fee" not in flat and "went quiet at [manual]" in flat


def test_the_always_redact_list_is_kept_encrypted_and_applied_to_every_share(
    supervisee_path: tuple[Path, str], supervisor_keys
) -> None:
    path, entry_id = supervisee_path
    at = open_screen(app())
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    at = at.text_area(key="sv_always").input("quiet\nWill").run()
    at = click(at, "Save the list")
    assert journal_of(at).settings.always_redact == ["quiet", "Will"]
    assert any("also an ordinary word" in c.value and "Will" in c.value for c in at.caption)
    assert b"quiet" not in path.read_bytes()
    at = click(click(at, "Redact all undecided"), "Make bundle")
    assert "quiet" not in shared_text(at, supervisor_keys)


def test_a_too_short_always_redact_entry_is_refused_and_nothing_is_saved(
    supervisee_path: tuple[Path, str],
) -> None:
    _, entry_id = supervisee_path
    at = open_screen(app())
    at = at.checkbox(key=f"sv_pick_{entry_id}").check().run()
    at = at.text_area(key="sv_always").input("Tesco\nx").run()
    at = click(at, "Save the list")
    assert any("'x' is too short" in e for e in errors(at))
    assert journal_of(at).settings.always_redact == []
