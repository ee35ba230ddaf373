"""Remote feedback forms and their answers (storage/FORMAT.md §12).

The attacks come first: each is written as an attacker (or an accident) would make it,
with a reference encryptor of this file that writes answers byte for byte as the form's
script does, and each must be refused with its reason and nothing written (the journal
file's rows counted before and after). Then the happy path, the journal's list of
requests, the form page itself (nothing external, everything escaped, the instrument's
own wording) and the test vectors. That the page's own JavaScript writes answers this
code opens is tests/e2e/test_remote_form_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from practice import caseload
from practice import outcomes as collected
from practice import remote_feedback as remote
from prompts.library import builtin_library, custom_instrument
from prompts.outcomes import builtin_measures
from sharing import remote_form as rf
from sharing.remote_form import AnswerError
from storage.errors import InvalidRecord, JournalError
from storage.journal import Journal
from storage.records import Estimate, Feedback, FeedbackRequest, Outcome, Session, now
from tests.conftest import JournalTemplate, assert_no_canary, count_rows

LIBRARY = builtin_library()
MEASURES = builtin_measures()
GOLDEN = Path(__file__).resolve().parent / "golden" / "remote_answer_v1.json"
FORMAT_MD = Path(__file__).resolve().parents[1] / "storage" / "FORMAT.md"
SAC4 = {"bond": 8, "goals": 7, "tasks": 9, "voice": 6}
PHQ9 = {f"q{n}": 1 for n in range(1, 10)} | {"difficulty": 0}


# ---- a reference encryptor: what the form's script does, in Python ---------------------


def _point(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> bytes:
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(
    request_id: str,
    public_key: str,
    plaintext: bytes,
    *,
    ephemeral: ec.EllipticCurvePrivateKey | None = None,
    nonce: bytes | None = None,
    version: int = 1,
) -> bytes:
    """The answer's bytes (FORMAT.md §12.3-12.4) for `plaintext`, to the request's key."""
    ephemeral = ephemeral or ec.generate_private_key(ec.SECP256R1())
    nonce = nonce if nonce is not None else bytes(12)
    recipient = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64url(public_key))
    shared = ephemeral.exchange(ec.ECDH(), recipient)
    key = rf.derive_key(shared, bytes.fromhex(request_id))
    header = bytes([version]) + bytes.fromhex(request_id) + _point(ephemeral) + nonce
    return header + AESGCM(key).encrypt(nonce, plaintext, header)


def body(
    request_id: str,
    *,
    items: dict[str, Any] | None = None,
    comment: str = "It helped.",
    measure: str | None = "phq9",
    outcome_items: dict[str, Any] | None = None,
    activities: dict[str, str] | None = None,
    instrument: str = "sac4",
) -> dict[str, Any]:
    """A plaintext answer as the form writes it (FORMAT.md §12.5)."""
    outcome = None
    if measure is not None:
        outcome = {
            "measure": measure,
            "items": PHQ9 if outcome_items is None else outcome_items,
            "activities": activities or {},
        }
    return {
        "format": rf.ANSWER_FORMAT,
        "request_id": request_id,
        "answered_at": "2026-12-03T10:15:00.000Z",
        "alliance": {
            "instrument": instrument,
            "items": SAC4 if items is None else items,
            "comment": comment,
        },
        "outcome": outcome,
    }


def encode(plain: dict[str, Any] | bytes) -> bytes:
    if isinstance(plain, bytes):
        return plain
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode()


def answer_to(request: FeedbackRequest, plain: dict[str, Any] | bytes | None = None) -> str:
    """The armored answer a client would paste back for `request`."""
    plain = body(request.request_id, measure=request.measure or None) if plain is None else plain
    public = rf.public_key_of(request.private_key)
    return rf.armor(seal(request.request_id, public, encode(plain)))


# ---- the journal side ------------------------------------------------------------------


def session_with_read(
    journal: Journal, code: str = "C-1", measure: str = "phq9", instrument: str = "sac4"
) -> Session:
    """A client (added if new) and a session of theirs with your read saved."""
    client = journal.client_by_code(code) or caseload.add_client(
        journal, code, instrument=instrument, outcome_measure=measure
    )
    number = caseload.next_session_number(journal, client.id)
    session = Session(client_id=client.id, date=date(2026, 12, number), number=number)
    items = {item.id: 5 for item in LIBRARY.instruments[instrument].items}
    caseload.record_estimate(journal, session, Estimate("", instrument, items))
    return session


def sent(journal: Journal, code: str = "C-1", measure: str = "phq9", **kw: Any) -> FeedbackRequest:
    """A form sent for a new session of `code`: the saved request."""
    session = session_with_read(journal, code, measure, **kw)
    request, _ = remote.create_request(journal, session.id, LIBRARY, MEASURES)
    return request


def import_(journal: Journal, text: str, **kw: Any) -> remote.Imported:
    return remote.import_answer(journal, text, LIBRARY, MEASURES, **kw)


@pytest.fixture
def request_(journal: Journal) -> FeedbackRequest:
    return sent(journal)


def refused(journal: Journal, journal_path: Path, text: str, reason: str, **kw: Any) -> AnswerError:
    """Import `text`: refused with `reason`, and not one row written."""
    rows = count_rows(journal_path)
    with pytest.raises(AnswerError) as caught:
        import_(journal, text, **kw)
    assert caught.value.reason == reason, str(caught.value)
    assert "Nothing was imported" in str(caught.value)
    assert count_rows(journal_path) == rows
    assert journal.all(Feedback) == [] or reason in ("already_used", "has_feedback")
    return caught.value


def rearmored(text: str, change: Any) -> str:
    """The answer with its bytes changed by `change(bytearray)`."""
    data = bytearray(rf.dearmor(text))
    change(data)
    return rf.armor(bytes(data))


# ---- attacks: each refused, nothing written -------------------------------------------


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (0, "damaged"),  # the version byte: 01 -> 00
        (1, "not_for_this_journal"),  # the request id: no such request here
        (16, "not_for_this_journal"),
        (17, "damaged"),  # the ephemeral key's format byte: not a point
        (40, "damaged"),  # inside the ephemeral key
        (81, "damaged"),
        (82, "damaged"),  # the nonce
        (93, "damaged"),
        (94, "damaged"),  # the ciphertext
        (200, "damaged"),
        (-17, "damaged"),  # its last byte
        (-16, "damaged"),  # the tag
        (-1, "damaged"),
    ],
)
def test_a_byte_changed_anywhere_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest, where: int, reason: str
) -> None:
    def flip(data: bytearray) -> None:
        data[where] ^= 0x01

    refused(journal, journal_path, rearmored(answer_to(request_), flip), reason)
    # the untouched answer still imports: the refusal used nothing up
    assert import_(journal, answer_to(request_)).feedback.source == "remote"


def test_a_newer_version_byte_asks_for_an_update(
    journal: Journal, journal_path: Path, request_: FeedbackRequest
) -> None:
    def newer(data: bytearray) -> None:
        data[0] = 2

    error = refused(journal, journal_path, rearmored(answer_to(request_), newer), "newer_version")
    assert "newer version" in str(error)


@pytest.mark.parametrize(
    ("cut", "reason"),
    [
        (lambda data: data[:-1], "damaged"),  # the tag's last byte lost
        (lambda data: data[:-16], "damaged"),  # the whole tag lost
        (lambda data: data[:109], "cut_short"),  # shorter than header and tag
        (lambda data: data[:20], "cut_short"),
    ],
)
def test_a_truncated_answer_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest, cut: Any, reason: str
) -> None:
    data = rf.dearmor(answer_to(request_))
    refused(journal, journal_path, rf.armor(cut(data)), reason)


def test_a_block_cut_off_in_the_middle_of_its_text_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest
) -> None:
    lines = answer_to(request_).splitlines()
    refused(journal, journal_path, "\n".join(lines[:4]), "cut_short")  # no END line
    # the END line kept, a line of the middle lost
    refused(journal, journal_path, "\n".join(lines[:3] + lines[4:]), "damaged")
    # one character lost: the bytes after it shift
    refused(journal, journal_path, "\n".join(lines[:2] + [lines[2][:-1]] + lines[3:]), "damaged")


def test_an_answer_for_another_journal_is_refused(
    journal: Journal,
    journal_path: Path,
    empty_template: JournalTemplate,
    tmp_path: Path,
) -> None:
    other = empty_template.open(empty_template.copy_to(tmp_path / "other"))
    try:
        theirs = sent(other)
        error = refused(journal, journal_path, answer_to(theirs), "not_for_this_journal")
        assert "not for a request of this journal" in str(error)
    finally:
        other.lock()


def test_an_answer_encrypted_to_another_requests_key_is_refused(
    journal: Journal, journal_path: Path
) -> None:
    first, second = sent(journal, "C-1"), sent(journal, "C-2")
    # labelled for the first request, but locked with the second's key
    forged = rf.armor(
        seal(
            first.request_id,
            rf.public_key_of(second.private_key),
            encode(body(first.request_id)),
        )
    )
    refused(journal, journal_path, forged, "damaged")


def test_a_second_import_of_the_same_answer_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest
) -> None:
    text = answer_to(request_)
    import_(journal, text)
    error = refused(journal, journal_path, text, "already_used")
    assert "imported already" in str(error)
    # and another answer to the same form is refused the same way
    refused(journal, journal_path, answer_to(request_), "already_used")
    assert len(journal.all(Feedback)) == 1


def test_an_answer_to_an_expired_request_is_refused_with_its_date(
    journal: Journal, journal_path: Path, request_: FeedbackRequest
) -> None:
    later = request_.expires_at + timedelta(seconds=1)
    error = refused(journal, journal_path, answer_to(request_), "expired", now=later)
    day = request_.expires_at.date()
    assert f"expired on {day.day} {day:%b %Y}" in str(error)
    # a moment before, the same answer is taken
    assert import_(journal, answer_to(request_), now=request_.expires_at - timedelta(seconds=1))


def test_an_answer_to_a_withdrawn_request_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest
) -> None:
    remote.withdraw(journal, request_.id)
    error = refused(journal, journal_path, answer_to(request_), "withdrawn")
    assert "withdrew" in str(error)


def test_a_request_id_inside_that_differs_from_the_label_is_refused(
    journal: Journal, journal_path: Path
) -> None:
    first, second = sent(journal, "C-1"), sent(journal, "C-2")
    # a valid encryption to the first request, whose plaintext claims the second
    swapped = rf.armor(
        seal(
            first.request_id,
            rf.public_key_of(first.private_key),
            encode(body(second.request_id)),
        )
    )
    refused(journal, journal_path, swapped, "other_request")


def test_oversize_input_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest
) -> None:
    refused(journal, journal_path, "A" * (rf.MAX_ANSWER_TEXT + 1), "too_long")
    padded = answer_to(request_) + " " * rf.MAX_ANSWER_TEXT
    refused(journal, journal_path, padded, "too_long")
    # well encrypted, but more plaintext than the form can write
    huge = encode(body(request_.request_id)) + b" " * rf.MAX_PLAINTEXT
    big = rf.armor(seal(request_.request_id, rf.public_key_of(request_.private_key), huge))
    refused(journal, journal_path, big, "too_long")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not_an_answer"),
        ("thanks, see you next week!", "not_an_answer"),
        (f"{rf.ARMOR_BEGIN}\n{rf.ARMOR_END}\n", "not_an_answer"),
        (f"{rf.ARMOR_BEGIN}\n\n\n{rf.ARMOR_END}", "not_an_answer"),
        (f"{rf.ARMOR_BEGIN}\nnot base64 at all!\n{rf.ARMOR_END}", "damaged"),
        (f"{rf.ARMOR_BEGIN}\n<script>alert(1)</script>\n{rf.ARMOR_END}", "damaged"),
        (f"{rf.ARMOR_BEGIN}\nAAAA\n{rf.ARMOR_END}", "cut_short"),
        (rf.armor(bytes(500)), "damaged"),  # version 00
        (rf.armor(b"\x01" + bytes(499)), "not_for_this_journal"),
        (f"{rf.ARMOR_BEGIN}\nAQID\n", "cut_short"),
        (rf.armor(b"\x01" * 200) * 2, "two_answers"),
    ],
)
def test_garbage_and_bare_armor_are_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest, text: str, reason: str
) -> None:
    refused(journal, journal_path, text, reason)


@pytest.mark.parametrize(
    ("plain", "detail"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[]", "other fields"),
        (b'{"format": "reflective-journal-answer/1"}', "other fields"),
        ("format", "unknown format"),
        ("nan", "not a number"),
        ("bool", "not a number"),
        ("string score", "not a number"),
        ("huge score", "out of any range"),
        ("extra key", "other fields"),
        ("twice", "twice"),
        ("long comment", "4000"),
        ("bad time", "not a date"),
        ("naive time", "time zone"),
        ("bad id", "not an id"),
        ("long activity", "80"),
    ],
)
def test_an_answer_of_the_wrong_shape_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest, plain: Any, detail: str
) -> None:
    rid = request_.request_id
    good = encode(body(rid))
    made = {
        "format": encode({**body(rid), "format": "reflective-journal-answer/9"}),
        "nan": good.replace(b'"bond":8', b'"bond":NaN'),
        "bool": good.replace(b'"bond":8', b'"bond":true'),
        "string score": good.replace(b'"bond":8', b'"bond":"8"'),
        "huge score": good.replace(b'"bond":8', b'"bond":1e300'),
        "extra key": encode({**body(rid), "client": "Jane Smith"}),
        "twice": good.replace(b'"bond":8', b'"bond":8,"bond":2'),
        "long comment": encode(body(rid, comment="x" * (rf.MAX_COMMENT + 1))),
        "bad time": encode({**body(rid), "answered_at": "yesterday"}),
        "naive time": encode({**body(rid), "answered_at": "2026-12-03T10:15:00"}),
        "bad id": encode(body(rid, items={"Bond!": 8})),
        "long activity": encode(body(rid, activities={"activity1": "x" * 81})),
    }
    plaintext = made.get(plain, plain) if isinstance(plain, str) else plain
    text = rf.armor(seal(rid, rf.public_key_of(request_.private_key), plaintext))
    error = refused(journal, journal_path, text, "bad_content")
    assert detail in str(error)


@pytest.mark.parametrize(
    "change",
    [
        {"instrument": "srs"},
        {"measure": "gad7"},
        {"measure": None},  # the outcome answers left out
        {"items": SAC4 | {"extra": 3}},
        {"outcome_items": PHQ9 | {"q10": 1}},
        {"activities": {"q1": "Walking"}},  # PHQ-9 names no activities
    ],
)
def test_an_answer_to_other_questions_than_the_form_asked_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest, change: dict[str, Any]
) -> None:
    plain = body(request_.request_id, **change)
    refused(journal, journal_path, answer_to(request_, plain), "other_form")


@pytest.mark.parametrize(
    ("items", "outcome_items", "says"),
    [
        (SAC4 | {"bond": 11}, PHQ9, "above"),
        ({"bond": 8, "goals": 7, "tasks": 9}, PHQ9, "no score for voice"),
        (SAC4 | {"bond": 7.5}, PHQ9, "whole number"),
        (SAC4, PHQ9 | {"q1": 4}, "outside"),
        (SAC4, {k: v for k, v in PHQ9.items() if k != "q9"}, "no answer"),
    ],
)
def test_scores_the_instrument_does_not_take_are_refused(
    journal: Journal,
    journal_path: Path,
    request_: FeedbackRequest,
    items: dict[str, Any],
    outcome_items: dict[str, Any],
    says: str,
) -> None:
    plain = body(request_.request_id, items=items, outcome_items=outcome_items)
    rows = count_rows(journal_path)
    with pytest.raises(InvalidRecord, match=says):
        import_(journal, answer_to(request_, plain))
    assert count_rows(journal_path) == rows
    assert remote.status_of(journal.get(request_.id)) == "open"


def test_an_answer_for_a_session_that_got_feedback_meanwhile_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest
) -> None:
    instrument = LIBRARY.instruments["sac4"]
    caseload.record_feedback(journal, request_.session_id, instrument, SAC4, source="paper")
    refused(journal, journal_path, answer_to(request_), "has_feedback")


def test_a_failing_save_writes_nothing_at_all(
    journal: Journal, journal_path: Path, request_: FeedbackRequest, monkeypatch: Any
) -> None:
    # the outcome is built and checked, then the transaction fails: not even the outcome
    def broken(records: list[Any]) -> None:
        raise JournalError("disk full")

    rows = count_rows(journal_path)
    monkeypatch.setattr(journal, "save_all", broken)
    with pytest.raises(JournalError):
        import_(journal, answer_to(request_))
    assert count_rows(journal_path) == rows
    assert journal.all(Outcome) == [] and journal.all(Feedback) == []


# ---- the happy path -------------------------------------------------------------------


def test_an_answer_saves_feedback_outcome_and_the_answered_request_together(
    journal: Journal, journal_path: Path, request_: FeedbackRequest
) -> None:
    rows = count_rows(journal_path)
    plain = body(request_.request_id, outcome_items=PHQ9 | {"q9": 2}, comment="  Good.  ")
    imported = import_(journal, answer_to(request_, plain))
    assert count_rows(journal_path) == rows + 3
    feedback = caseload.feedback_for(journal, request_.session_id)
    assert feedback == imported.feedback
    assert (feedback.source, feedback.items, feedback.comment) == ("remote", SAC4, "Good.")
    outcome = collected.outcome_for(journal, request_.session_id)
    assert outcome == imported.outcome
    assert (outcome.source, outcome.total, outcome.risk_items) == ("remote", 10, ["q9"])
    # the risk item raises the same note as a kiosk answer
    notes = collected.open_risks(journal, MEASURES)
    assert [n.outcome_id for n in notes] == [outcome.id]
    request = journal.get(request_.id)
    assert (request.status, request.answered_at is not None) == ("answered", True)
    assert (imported.client_code, imported.session_number) == ("C-1", 1)


def test_a_pasted_answer_is_read_however_the_mail_or_chat_mangled_it(
    journal: Journal, request_: FeedbackRequest
) -> None:
    text = answer_to(request_)
    lines = text.strip().splitlines()
    joined = "".join(lines[1:-1])
    rewrapped = [joined[i : i + 50] for i in range(0, len(joined), 50)]
    mangled = (
        "Hi, here it is!\r\n\r\nOn Tue, you wrote:\r\n"
        + "\r\n".join(f">  {line}  " for line in [lines[0], *rewrapped, lines[-1]])
        + "\r\n\r\nBest wishes\r\n"
    ).replace("==", "")
    assert import_(journal, mangled).feedback.items == SAC4


def test_an_answer_file_is_read_from_its_bytes(journal: Journal, request_: FeedbackRequest) -> None:
    data = ("\ufeff" + answer_to(request_).replace("\n", "\r\n")).encode("utf-8")
    assert import_(journal, data).feedback.items == SAC4


def test_an_answer_file_that_is_not_text_is_refused(
    journal: Journal, journal_path: Path, request_: FeedbackRequest
) -> None:
    refused(journal, journal_path, b"\x89PNG\r\n\x1a\n\xff\xfe", "not_an_answer")
    refused(journal, journal_path, b"x" * (rf.MAX_ANSWER_TEXT * 4 + 1), "too_long")


def test_an_answer_whose_lines_a_chat_joined_into_one_is_read(
    journal: Journal, request_: FeedbackRequest
) -> None:
    one_line = " ".join(answer_to(request_).split())
    assert "\n" not in one_line
    assert import_(journal, one_line).feedback.items == SAC4


def test_a_form_without_an_outcome_measure_takes_the_alliance_only(journal: Journal) -> None:
    request = sent(journal, measure="")
    assert request.measure == ""
    imported = import_(journal, answer_to(request, body(request.request_id, measure=None)))
    assert imported.outcome is None and journal.all(Outcome) == []


def test_psfs_activities_and_decimal_scores_come_through(journal: Journal) -> None:
    request = sent(journal, measure="psfs", instrument="srs")
    plain = body(
        request.request_id,
        instrument="srs",
        items={"relationship": 7.3, "goals_topics": 8, "approach": 9.9, "overall": 10},
        measure="psfs",
        outcome_items={"activity1": 4, "activity3": 6},
        activities={"activity1": "Climbing stairs", "activity3": "Gardening"},
    )
    imported = import_(journal, answer_to(request, plain))
    assert imported.feedback.items["relationship"] == 7.3
    assert imported.feedback.total == 35.2
    assert imported.outcome.activities == {
        "activity1": "Climbing stairs",
        "activity3": "Gardening",
    }
    assert imported.outcome.total == 5.0


def test_a_comment_canary_never_reaches_disk_in_plaintext(
    journal: Journal, data_folder: Path, request_: FeedbackRequest, canary: str
) -> None:
    plain = body(request_.request_id, comment=f"I felt {canary} today")
    imported = import_(journal, answer_to(request_, plain))
    assert canary in imported.feedback.comment
    journal.checkpoint()
    assert_no_canary([data_folder], canary)


# ---- requests: made, listed, withdrawn ------------------------------------------------


def test_a_form_is_refused_before_your_read_is_saved(journal: Journal) -> None:
    client = caseload.add_client(journal, "C-1", outcome_measure="phq9")
    session = Session(client_id=client.id, date=date(2026, 12, 1), number=1)
    journal.save(session)
    with pytest.raises(InvalidRecord, match="save your own read"):
        remote.create_request(journal, session.id, LIBRARY, MEASURES)
    assert journal.all(FeedbackRequest) == []


def test_a_form_is_refused_for_a_session_that_has_feedback(journal: Journal) -> None:
    session = session_with_read(journal)
    caseload.record_feedback(journal, session.id, LIBRARY.instruments["sac4"], SAC4)
    with pytest.raises(InvalidRecord, match="already has feedback"):
        remote.create_request(journal, session.id, LIBRARY, MEASURES)
    assert journal.all(FeedbackRequest) == []


def test_a_request_expires_after_the_days_set_in_settings(journal: Journal) -> None:
    journal.save_settings(replace(journal.settings, request_expiry_days=3))
    session = session_with_read(journal)
    made = now()
    request, page = remote.create_request(
        journal, session.id, LIBRARY, MEASURES, greeting="Hello", now=made
    )
    assert request.expires_at == made + timedelta(days=3)
    assert request.created_at == made
    assert request.greeting == "Hello"
    assert journal.get(request.id) == request
    assert request.request_id in page
    assert rf.public_key_of(request.private_key) in page
    assert request.private_key not in page


def test_a_session_with_an_outcome_score_already_gets_no_outcome_questions(
    journal: Journal,
) -> None:
    session = session_with_read(journal)
    collected.record_outcome(journal, session.id, MEASURES["phq9"], PHQ9)
    request, page = remote.create_request(journal, session.id, LIBRARY, MEASURES)
    assert request.measure == ""
    assert form_data(page)["outcome"] is None


def test_requests_are_listed_with_their_status(journal: Journal) -> None:
    answered, withdrawn, expired, open_ = (sent(journal, f"C-{n}") for n in range(1, 5))
    import_(journal, answer_to(answered))
    remote.withdraw(journal, withdrawn.id)
    journal.save(replace(expired, expires_at=now() - timedelta(minutes=1)))
    rows = {row.client_code: row for row in remote.requests(journal)}
    assert {code: row.status for code, row in rows.items()} == {
        "C-1": "answered",
        "C-2": "withdrawn",
        "C-3": "expired",
        "C-4": "open",
    }
    assert rows["C-4"].record_id == open_.id
    assert rows["C-4"].session_number == 1
    assert rows["C-1"].answered_at is not None


def test_an_answered_request_cannot_be_withdrawn(journal: Journal, request_: Any) -> None:
    import_(journal, answer_to(request_))
    with pytest.raises(InvalidRecord, match="answered already"):
        remote.withdraw(journal, request_.id)


def test_answering_one_form_withdraws_the_sessions_other_open_forms(journal: Journal) -> None:
    session = session_with_read(journal)
    first, _ = remote.create_request(journal, session.id, LIBRARY, MEASURES)
    second, _ = remote.create_request(journal, session.id, LIBRARY, MEASURES)
    import_(journal, answer_to(second))
    assert journal.get(first.id).status == "withdrawn"
    assert journal.get(second.id).status == "answered"


# ---- the form page --------------------------------------------------------------------

DATA_BLOCK = re.compile(r'<script type="application/json" id="form-data">(.*?)</script>', re.DOTALL)


def form_data(page: str) -> dict[str, Any]:
    """The questions the page carries, read back as its script reads them."""
    (block,) = DATA_BLOCK.findall(page)
    return json.loads(block)


def page_for(
    instrument: str = "sac4", measure: str | None = "phq9", greeting: str = ""
) -> tuple[str, str]:
    _, public = rf.new_key_pair()
    request_id = rf.new_request_id()
    outcome = MEASURES[measure] if measure else None
    page = rf.form_html(
        request_id,
        public,
        LIBRARY.instruments[instrument],
        outcome,
        greeting,
        now() + timedelta(days=14),
    )
    return page, request_id


@pytest.mark.parametrize("measure", [None, *MEASURES])
@pytest.mark.parametrize("instrument", list(LIBRARY.instruments))
def test_the_page_refers_to_nothing_outside_itself(instrument: str, measure: str | None) -> None:
    page, _ = page_for(instrument, measure)
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    markup = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.DOTALL).lower()
    for reference in ("http:", "https:", "ftp:", "//", "src=", "href=", "srcset", "<link"):
        assert reference not in markup, reference
    for reference in ("url(", "@import", "//", "http"):
        assert reference not in style.lower(), reference
    # the script asks nothing of the network and loads nothing
    for call in (
        "http",
        "//",
        "fetch",
        "XMLHttpRequest",
        "WebSocket",
        "EventSource",
        "sendBeacon",
        "import(",
        "src",
        "location",
        "window.open",
        "Worker",
    ):
        assert call not in script, call
    # in the data block, a web address is only ever the text of a licence line
    data = form_data(page)
    for text in re.findall(r"https?:[^\"\s]*", DATA_BLOCK.search(page).group(1)):
        assert data["outcome"] and text in data["outcome"]["attribution"]
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src &#x27;none&#x27;" in csp and "connect-src &#x27;none&#x27;" in csp
    assert '<html lang="en">' in page


def test_the_policy_allows_exactly_the_pages_own_script_and_style() -> None:
    page, _ = page_for()
    script = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    style = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    assert len(script) == len(style) == 1
    for text in (script[0], style[0]):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"sha256-{digest}" in page
    assert "unsafe-inline" not in page and "unsafe-eval" not in page


def test_a_greeting_is_escaped_and_cannot_end_the_script_or_add_markup() -> None:
    greeting = "Hi </script><img src=x onerror=alert(1)> & {{data}} \u2028"
    page, _ = page_for(greeting=greeting)
    assert "<img" not in page and "onerror=alert(1)>" not in page
    assert "Hi &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; {{data}}" in page
    assert page.count("<script") == 2 and page.count("</script>") == 2
    # the greeting is not in the data (its words, not "Hi": the random key may hold that)
    assert "onerror" not in json.dumps(form_data(page))


def test_wording_that_looks_like_markup_stays_data() -> None:
    hostile = "Was it </script><script>alert(1)</script> & <b>ok</b>?"
    instrument = custom_instrument(
        {
            "id": "mine",
            "name": "Mine",
            "min_score": 0,
            "max_score": 4,
            "low_anchor": "No",
            "high_anchor": "Yes",
            "comment_prompt": "</script>",
            "items": [{"id": "one", "label": "One", "patient": hostile, "practitioner": "x"}],
        }
    )
    _, public = rf.new_key_pair()
    page = rf.form_html(rf.new_request_id(), public, instrument, None, "", now())
    block = DATA_BLOCK.search(page).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    data = form_data(page)
    assert data["alliance"]["items"][0]["text"] == hostile
    assert data["alliance"]["comment_prompt"] == "</script>"


def test_the_form_asks_the_alliance_in_the_clients_wording() -> None:
    page, request_id = page_for("sac4", None)
    data = form_data(page)
    sac4 = LIBRARY.instruments["sac4"]
    assert data["request_id"] == request_id
    alliance = data["alliance"]
    assert [(i["id"], i["text"]) for i in alliance["items"]] == [
        (i.id, i.patient) for i in sac4.items
    ]
    assert {i["kind"] for i in alliance["items"]} == {"scale"}
    assert (alliance["min"], alliance["max"]) == (sac4.min_score, sac4.max_score)
    assert (alliance["low_anchor"], alliance["high_anchor"]) == ("Not at all", "Completely")
    assert alliance["comment_prompt"] == sac4.comment_prompt
    assert data["outcome"] is None


def test_a_scores_only_instrument_is_asked_by_label_with_its_decimals() -> None:
    srs = LIBRARY.instruments["srs"]
    alliance = form_data(page_for("srs", None)[0])["alliance"]
    assert [(i["text"], i["kind"]) for i in alliance["items"]] == [
        (i.label, "number") for i in srs.items
    ]
    assert alliance["decimals"] == 1
    wai = form_data(page_for("wai_sr", None)[0])["alliance"]
    assert {i["kind"] for i in wai["items"]} == {"scale"} and (wai["min"], wai["max"]) == (1, 5)


@pytest.mark.parametrize("measure", ["phq9", "gad7", "core10"])
def test_an_outcome_measure_is_asked_in_its_full_wording_with_its_licence(measure: str) -> None:
    full = MEASURES[measure]
    outcome = form_data(page_for("sac4", measure)[0])["outcome"]
    assert outcome["stem"] == full.stem
    assert outcome["attribution"] == full.attribution and outcome["licence"] == full.licence
    assert [(i["id"], i["text"], i["required"]) for i in outcome["items"]] == [
        (i.id, i.text, i.scored) for i in full.items
    ]
    for asked, item in zip(outcome["items"], full.items, strict=True):
        assert [tuple(c) for c in asked["choices"]] == full.choices(item)


def test_core10s_reversed_items_score_from_the_top() -> None:
    outcome = form_data(page_for("sac4", "core10")[0])["outcome"]
    q2 = next(i for i in outcome["items"] if i["id"] == "q2")
    assert q2["choices"][0] == ["Not at all", 4]


def test_psfs_pain_and_ors_are_asked_as_their_kind() -> None:
    psfs = form_data(page_for("sac4", "psfs")[0])["outcome"]
    assert psfs["named_items"] and {i["kind"] for i in psfs["items"]} == {"activity"}
    assert [i["text"] for i in psfs["items"]] == ["Activity 1", "Activity 2", "Activity 3"]
    pain = form_data(page_for("sac4", "pain_nrs")[0])["outcome"]
    assert pain["items"][0]["kind"] == "scale" and pain["low_anchor"] == "No pain"
    ors = form_data(page_for("sac4", "ors")[0])["outcome"]
    assert [(i["text"], i["kind"]) for i in ors["items"]] == [
        (i.label, "number") for i in MEASURES["ors"].items
    ]


def test_the_page_names_neither_client_nor_practitioner(journal: Journal) -> None:
    client = caseload.add_client(journal, "Q-7731", alias="Robin", outcome_measure="phq9")
    session = session_with_read(journal, "Q-7731")
    _, page = remote.create_request(journal, session.id, LIBRARY, MEASURES)
    for private in (client.code, client.alias, client.id, session.id, "2026-12-01"):
        assert private not in page
    # no score, band or judgement in what the page says itself (its script draws questions)
    said = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.DOTALL).lower()
    for judgement in ("score", "total", "band", "severe", "risk"):
        assert judgement not in said, judgement


# ---- test vectors (FORMAT.md §12.7) ----------------------------------------------------


@pytest.fixture(scope="module")
def vector() -> dict[str, str]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def _key(hex_scalar: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int(hex_scalar, 16), ec.SECP256R1())


def test_the_vectors_keys_and_derived_values(vector: dict[str, str]) -> None:
    recipient, ephemeral = (
        _key(vector["recipient_private_key"]),
        _key(vector["ephemeral_private_key"]),
    )
    assert _point(recipient).hex() == vector["recipient_public_key"]
    assert _point(ephemeral).hex() == vector["ephemeral_public_key"]
    assert (
        rf.public_key_of(vector["recipient_private_key_stored"])
        == vector["recipient_public_key_in_form"]
    )
    shared = ephemeral.exchange(ec.ECDH(), recipient.public_key())
    assert shared.hex() == vector["shared_secret"]
    assert rf.HKDF_INFO.decode() == vector["hkdf_info"]
    key = rf.derive_key(shared, bytes.fromhex(vector["request_id"]))
    assert key.hex() == vector["aes_key"]
    data = rf.dearmor(vector["answer"])
    assert data[: rf.HEADER_BYTES].hex() == vector["header_and_aad"]
    assert data[rf.HEADER_BYTES :].hex() == vector["ciphertext_and_tag"]


def test_the_vector_decrypts_to_its_plaintext(vector: dict[str, str]) -> None:
    def key_for(request_id: str) -> str | None:
        return (
            vector["recipient_private_key_stored"] if request_id == vector["request_id"] else None
        )

    answer = rf.open_answer(vector["answer"], key_for)
    plain = json.loads(vector["plaintext_utf8"])
    assert answer.request_id == vector["request_id"]
    assert answer.items == plain["alliance"]["items"]
    assert answer.comment == "Caf\u00e9 chat \U0001f642 helped."
    assert (answer.measure, answer.outcome_items) == ("phq9", plain["outcome"]["items"])
    assert answer.answered_at.isoformat() == "2026-12-03T10:15:00+00:00"


def test_the_reference_encryptor_writes_exactly_the_vector(vector: dict[str, str]) -> None:
    data = seal(
        vector["request_id"],
        vector["recipient_public_key_in_form"],
        vector["plaintext_utf8"].encode("utf-8"),
        ephemeral=_key(vector["ephemeral_private_key"]),
        nonce=bytes.fromhex(vector["nonce"]),
    )
    assert rf.armor(data) == vector["answer"]


def test_format_md_shows_the_same_vectors(vector: dict[str, str]) -> None:
    section = FORMAT_MD.read_text(encoding="utf-8").split("## 12. Remote feedback")[1]
    flat = re.sub(r"\s+", "", section)
    for name in (
        "recipient_private_key",
        "recipient_public_key",
        "ephemeral_private_key",
        "ephemeral_public_key",
        "shared_secret",
        "aes_key",
        "nonce",
        "request_id",
    ):
        assert vector[name] in flat, name
    for quoted in ("recipient_private_key_stored", "recipient_public_key_in_form"):
        assert f'"{vector[quoted]}"' in section, quoted
    assert vector["answer"] in section
    assert vector["plaintext_utf8"] in section
