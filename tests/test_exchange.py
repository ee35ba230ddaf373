"""The supervision loop between two journals: share, import, comment, comments back.

Each test uses two journals on one machine (the supervisee's and the supervisor's) that
have pinned each other's key cards, as they would after comparing fingerprints.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest

from sharing import exchange, keys, share
from sharing.bundle import open_bundle, write_bundle
from sharing.identity import SharingError
from storage.journal import Journal
from storage.records import Comment, ReceivedBundle, Reflection, SentShare
from tests.conftest import JournalTemplate, flip_bit
from tests.sharing_caseload import INSTRUMENTS, decide_all, fill_caseload


@pytest.fixture
def supervisor(tmp_path: Path, empty_template: JournalTemplate) -> Iterator[Journal]:
    """A second, separate journal: the supervisor's."""
    folder = tmp_path / "supervisor"
    folder.mkdir()
    opened = empty_template.open(empty_template.copy_to(folder))
    yield opened
    opened.lock()


def pin_each_other(supervisee: Journal, supervisor: Journal) -> None:
    a, b = keys.my_card(supervisee, "Sam Supervisee"), keys.my_card(supervisor, "Dr Vale")
    keys.pin_contact(supervisee, b.to_text(), b.fingerprint, "supervisor", "Dr Vale")
    keys.pin_contact(supervisor, a.to_text(), a.fingerprint, "supervisee", "Sam")


@pytest.fixture
def caseload(journal: Journal) -> dict[str, Reflection]:
    """Two clients; three flagged reflections and one not flagged."""
    return fill_caseload(journal)


def entries_bundle(journal: Journal, chosen: list[str], to: list, **options) -> bytes:
    picked = [c for c in share.candidates(journal) if c.id in chosen]
    shared = share.review(journal, picked, **options)
    content = share.payload(journal, shared, decide_all(shared), INSTRUMENTS)
    return exchange.send_entries(journal, content, to=to)


def test_round_trip_supervisee_to_supervisor_and_comments_back(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    (vale,) = keys.contacts(journal, "supervisor")
    chosen = [caseload["first"].id, caseload["second"].id]
    data = entries_bundle(journal, chosen, [vale])
    (receipt,) = journal.all(SentShare)
    assert [i["id"] for i in receipt.items] == sorted(chosen, key=chosen.index)
    assert receipt.recipient_names == ["Dr Vale"]

    done = exchange.import_entries(supervisor, data)
    assert (done.sender, done.added, done.already) == ("Sam", 2, False)
    (supervisee,) = exchange.shared_with_me(supervisor)
    entries = exchange.latest_entries(exchange.shared_with_me(supervisor)[supervisee])
    assert [e.session for e in entries] == ["session 1", "session 2"]
    assert "[alias] went quiet" in entries[0].answers[0].answer

    exchange.add_comment(
        supervisor, supervisee, entries[0].id, "What was the fee about for you?", ["formative"]
    )
    exchange.add_comment(supervisor, supervisee, entries[1].id, "Good catch.", ["restorative"])
    back = exchange.export_comments(supervisor, supervisee)

    got = exchange.import_comments(journal, back)
    assert (got.sender, got.added, got.updated) == ("Dr Vale", 2, 0)
    by_entry = exchange.received_comments(journal)
    assert [c.text for c in by_entry[caseload["first"].id]] == ["What was the fee about for you?"]
    assert by_entry[caseload["first"].id][0].functions == ["formative"]
    assert by_entry[caseload["second"].id][0].author == "Dr Vale"


def received(day: int, revision: int, series: list[dict]) -> ReceivedBundle:
    """A stored bundle of one entry, received on `day` of March 2026."""
    payload = {"items": [{"id": "e1", "revision": revision, "text": f"r{revision}"}]}
    at = datetime(2026, 3, day, tzinfo=UTC)
    return ReceivedBundle(f"b{day}", "entries", "Sam", "F", "", payload | {"series": series}, at)


def test_the_newest_revision_and_the_newest_chart_are_shown() -> None:
    point = {"client": "Client A", "session": 1, "estimate": 30, "max": 40}
    older = received(2, 1, [point])
    newer = received(9, 2, [point | {"session": 2}])
    chartless = received(10, 1, [])
    for order in ([older, newer, chartless], [chartless, newer, older]):
        (entry,) = exchange.latest_entries(order)
        assert (entry.revision, entry.text) == (2, "r2")
        (shown,) = exchange.latest_series(order)
        assert shown.session == 2


def test_a_stored_bundle_the_typed_payload_now_refuses_is_left_out_not_a_crash() -> None:
    # imported before the payload was typed: a year as text passed the older checks
    point = {"client": "Client A", "session": 1, "estimate": 30, "max": 40}
    good = received(2, 1, [point])
    loose = received(9, 2, [point | {"session": 2}])
    loose.payload["items"][0]["year"] = "2025"
    (entry,) = exchange.latest_entries([good, loose])
    assert entry.revision == 1
    (shown,) = exchange.latest_series([good, loose])
    assert shown.session == 1


def test_reimporting_the_same_bundle_changes_nothing(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    data = entries_bundle(journal, [caseload["first"].id], keys.contacts(journal))
    exchange.import_entries(supervisor, data)
    version = supervisor.version
    again = exchange.import_entries(supervisor, data)
    assert again.already and supervisor.version == version
    assert len(supervisor.all(ReceivedBundle)) == 1

    (supervisee,) = exchange.shared_with_me(supervisor)
    exchange.add_comment(supervisor, supervisee, caseload["first"].id, "Noted.")
    back = exchange.export_comments(supervisor, supervisee)
    exchange.import_comments(journal, back)
    version = journal.version
    assert exchange.import_comments(journal, back).already
    assert journal.version == version and len(journal.all(Comment)) == 1


def test_an_edited_comment_sent_again_updates_the_one_received(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    exchange.import_entries(
        supervisor, entries_bundle(journal, [caseload["first"].id], keys.contacts(journal))
    )
    (supervisee,) = exchange.shared_with_me(supervisor)
    comment = exchange.add_comment(supervisor, supervisee, caseload["first"].id, "Frist thought.")
    exchange.import_comments(journal, exchange.export_comments(supervisor, supervisee))
    comment.text = "First thought."
    supervisor.save(comment)
    exchange.add_comment(supervisor, supervisee, caseload["first"].id, "Second thought.")
    got = exchange.import_comments(journal, exchange.export_comments(supervisor, supervisee))
    assert (got.added, got.updated) == (1, 1)
    texts = [c.text for c in exchange.received_comments(journal)[caseload["first"].id]]
    assert texts == ["First thought.", "Second thought."]


def test_only_the_recipient_opens_an_entries_bundle(
    journal: Journal,
    supervisor: Journal,
    caseload: dict[str, Reflection],
    tmp_path: Path,
    empty_template: JournalTemplate,
) -> None:
    pin_each_other(journal, supervisor)
    data = entries_bundle(journal, [caseload["first"].id], keys.contacts(journal))
    folder = tmp_path / "stranger"
    folder.mkdir()
    stranger = empty_template.open(empty_template.copy_to(folder))
    try:
        card = keys.my_card(journal, "Sam")
        keys.pin_contact(stranger, card.to_text(), card.fingerprint, "supervisee", "Sam")
        with pytest.raises(SharingError, match="for someone else"):
            exchange.import_entries(stranger, data)
        assert stranger.all(ReceivedBundle) == []
    finally:
        stranger.lock()


def test_an_unpinned_sender_is_refused(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    card = keys.my_card(supervisor)
    keys.pin_contact(journal, card.to_text(), card.fingerprint, "supervisor", "Dr Vale")
    data = entries_bundle(journal, [caseload["first"].id], keys.contacts(journal))
    with pytest.raises(SharingError, match="not pinned"):
        exchange.import_entries(supervisor, data)
    assert supervisor.all(ReceivedBundle) == []


def test_a_tampered_bundle_imports_nothing(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    data = entries_bundle(journal, [caseload["first"].id], keys.contacts(journal))
    for index in (len(data) // 2, -30, 40):
        with pytest.raises(SharingError):
            exchange.import_entries(supervisor, flip_bit(data, index))
    with pytest.raises(SharingError):
        exchange.import_entries(supervisor, data[: len(data) // 2])
    assert supervisor.all(ReceivedBundle) == []


def test_a_bundle_of_the_wrong_kind_is_sent_to_the_right_section(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    data = entries_bundle(journal, [caseload["first"].id], keys.contacts(journal))
    with pytest.raises(SharingError, match="Shared with me"):
        exchange.import_comments(supervisor, data)
    with pytest.raises(SharingError, match="made by this journal"):
        exchange.import_entries(journal, data)


def forged_comments(supervisor: Journal, journal: Journal, entry_id: str) -> bytes:
    """A well-signed comments bundle from the supervisor about any entry id."""
    item = {
        "id": "c" * 32,
        "revision": 1,
        "entry_id": entry_id,
        "entry_revision": 1,
        "text": "A comment.",
        "functions": [],
        "written_at": "2026-03-10T10:00:00+00:00",
    }
    card = keys.my_card(journal)
    return write_bundle(
        {"items": [item]}, "comments", [(item["id"], 1)], keys.my_keys(supervisor), [card]
    )


def test_comments_on_entries_that_do_not_exist_import_nothing(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    with pytest.raises(SharingError, match="1 entry that this journal does not have"):
        exchange.import_comments(journal, forged_comments(supervisor, journal, "f" * 32))
    assert journal.all(Comment) == [] and journal.all(ReceivedBundle) == []


def test_comments_on_entries_never_shared_with_that_supervisor_import_nothing(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    data = forged_comments(supervisor, journal, caseload["unflagged"].id)
    with pytest.raises(SharingError, match="never shared with them"):
        exchange.import_comments(journal, data)
    assert journal.all(Comment) == []


def test_malformed_content_from_a_pinned_sender_imports_nothing(
    journal: Journal, supervisor: Journal
) -> None:
    pin_each_other(journal, supervisor)
    item = {"id": "a" * 32, "revision": 1, "answers": "not a list", "text": "", "next_step": ""}
    data = write_bundle(
        {"items": [item]},
        "entries",
        [(item["id"], 1)],
        keys.my_keys(journal),
        [keys.my_card(supervisor)],
    )
    with pytest.raises(SharingError, match="entry 1: answers"):
        exchange.import_entries(supervisor, data)
    assert supervisor.all(ReceivedBundle) == []


def test_a_comment_needs_text_and_a_shared_entry(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    exchange.import_entries(
        supervisor, entries_bundle(journal, [caseload["first"].id], keys.contacts(journal))
    )
    (supervisee,) = exchange.shared_with_me(supervisor)
    with pytest.raises(ValueError, match="empty"):
        exchange.add_comment(supervisor, supervisee, caseload["first"].id, "   ")
    with pytest.raises(ValueError, match="Proctor"):
        exchange.add_comment(supervisor, supervisee, caseload["first"].id, "Hm.", ["supportive"])
    with pytest.raises(ValueError, match="not shared"):
        exchange.add_comment(supervisor, supervisee, caseload["other"].id, "Hm.")
    assert supervisor.all(Comment) == []


def test_unselected_entries_never_reach_the_bundle_bytes(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    data = entries_bundle(journal, [caseload["other"].id], keys.contacts(journal))
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert set(archive.namelist()) == {"manifest.json", "payload.age", "signature"}
    exchange.import_entries(supervisor, data)
    (received,) = supervisor.all(ReceivedBundle)
    flat = json.dumps(received.payload)
    assert "UNSELECTEDCANARY7731" not in flat and "Quiet hour." in flat


def test_canaries_of_unselected_entries_and_redacted_text_reach_no_output(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    from sharing import report
    from tests.conftest import canary_patterns
    from tests.test_report import pdf_text

    redacted, unselected = "Quorravel Tintagesh", "UNSELECTEDCANARY7731"
    first = caseload["first"]
    first.free_text = f"Her sister {redacted} called during the session."
    journal.save(first)
    pin_each_other(journal, supervisor)
    picked = [c for c in share.candidates(journal) if c.id == first.id]
    shared = share.review(journal, picked)
    assert any(f.text == redacted for _, f in shared.findings())
    content = share.payload(journal, shared, decide_all(shared), INSTRUMENTS)
    data = exchange.send_entries(journal, content, to=keys.contacts(journal))
    outputs = {
        "bundle": data,
        "payload as the supervisor opens it": json.dumps(
            open_bundle(data, keys.my_keys(supervisor), keys.pinned_cards(supervisor)).payload
        ).encode(),
        "HTML report": report.html_report(content).encode(),
        "PDF report": report.pdf_report(content, compress=False),
        "PDF text": pdf_text(report.pdf_report(content, compress=False)).encode(),
    }
    for canary in (redacted, unselected):
        for where, blob in outputs.items():
            for encoding, pattern in canary_patterns(canary).items():
                assert pattern not in blob, (canary, where, encoding)
    for where, blob in outputs.items():
        assert b"Wrenna" not in blob and b"C-101" not in blob, where
    assert b"[name] called during the session." in outputs["HTML report"]
