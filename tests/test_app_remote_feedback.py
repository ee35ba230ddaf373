"""AppTest of feedback from a client seen at a distance: Reflect offers the feedback form only
once your read is saved; the file offered is the form (HTML holding its request id, no
client code), made in memory; a pasted (or uploaded) answer records the feedback with
source "remote" and the request shows answered; garbage, a tampered answer, a replay and a
withdrawn request are refused in plain words with nothing written; the expiry is a setting.

The client's side is played here by a reference encryptor written from storage/FORMAT.md
§12 with `cryptography` (the browser's own, WebCrypto, runs in
tests/e2e/test_video_session_browser.py)."""

from __future__ import annotations

import base64
import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from pages.ui.widgets import plain
from practice import caseload, remote_feedback
from prompts.library import builtin_library
from prompts.outcomes import builtin_measures
from storage.journal import Journal
from storage.records import Draft, Estimate, Feedback, FeedbackRequest, Outcome, Session
from tests.apptest import app, click, errors
from tests.conftest import PASSPHRASE, JournalTemplate, current_entries

REFLECT = "pages/screens/reflect.py"
CLIENT_FEEDBACK = "pages/screens/client_feedback.py"
SETTINGS = "pages/screens/settings.py"
LIBRARY = builtin_library()
MEASURES = builtin_measures()
READ = {"bond": 7, "goals": 6, "tasks": 6, "voice": 7}
CLIENT_SAYS = {"bond": 9, "goals": 8, "tasks": 4, "voice": 5}  # 26 of 40
FORM_FILE = "session-feedback-form.html"  # no client code in the name
FORM_DATA = re.compile(r'<script type="application/json" id="form-data">(.*?)</script>', re.S)
NOT_AN_ANSWER = "This is not a client's answer"
DAMAGED = "This answer is damaged or changed"


# ---- the client's side: a reference encryptor (FORMAT.md §12.3-12.5) --------------------


def form_data(page: str) -> dict:
    """The form's data block, as the page's own script reads it."""
    found = FORM_DATA.search(page)
    assert found is not None, "the form has no data block"
    return json.loads(found.group(1))


def answer(
    page: str,
    items: dict[str, int],
    comment: str = "",
    outcome: dict[str, int] | None = None,
) -> str:
    """What a client's browser writes on Finish for this form: the answers sealed to the
    form's public key, armored in 64-character lines."""
    data = form_data(page)
    request_id = bytes.fromhex(data["request_id"])
    raw_key = base64.urlsafe_b64decode(data["public_key"] + "=" * (-len(data["public_key"]) % 4))
    recipient = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw_key)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    shared = ephemeral.exchange(ec.ECDH(), recipient)
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=request_id, info=b"reflective-journal-answer/1"
    ).derive(shared)
    nonce = os.urandom(12)
    point = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    header = b"\x01" + request_id + point + nonce
    asked = data["outcome"]
    plaintext = {
        "format": "reflective-journal-answer/1",
        "request_id": data["request_id"],
        "answered_at": "2026-12-03T10:15:00.000Z",
        "alliance": {
            "instrument": data["alliance"]["instrument"],
            "items": items,
            "comment": comment,
        },
        "outcome": None
        if asked is None
        else {"measure": asked["measure"], "items": outcome or {}, "activities": {}},
    }
    sealed = AESGCM(key).encrypt(nonce, json.dumps(plaintext).encode("utf-8"), header)
    text = base64.b64encode(header + sealed).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return "\n".join(
        [
            "-----BEGIN REFLECTIVE JOURNAL ANSWER-----",
            *lines,
            "-----END REFLECTIVE JOURNAL ANSWER-----",
        ]
    )


def tampered(block: str) -> str:
    """The block with one character of its body changed (a bit flipped in transit)."""
    lines = block.split("\n")
    middle = lines[2]
    lines[2] = middle[:10] + ("A" if middle[10] != "A" else "B") + middle[11:]
    return "\n".join(lines)


# ---- the practitioner's side ---------------------------------------------------------------


def phq9(total: int) -> dict[str, int]:
    """PHQ-9 answers adding up to `total`, none on the risk item."""
    answers: dict[str, int] = {}
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, total)
        total -= answers[f"q{n}"]
    return answers | {"q9": 0, "difficulty": 1}


@pytest.fixture
def video_session(journal_path: Path, empty_template: JournalTemplate) -> dict[str, str]:
    """C-301, seen by video today, your read saved; no feedback yet."""
    journal = empty_template.open(journal_path)
    client = caseload.add_client(journal, "C-301")
    session = Session(client.id, date.today(), 1, modality="video")
    caseload.record_estimate(journal, session, Estimate("", "sac4", dict(READ)))
    journal.lock()
    return {"client": client.id, "session": session.id}


def unlocked() -> AppTest:
    at = app()
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    return click(at, "Unlock")


def reflect_on(ids: dict[str, str]) -> AppTest:
    """Reflect on the client's saved session."""
    at = unlocked().switch_page(REFLECT).run()
    at = at.selectbox(key="rf_client").set_value(ids["client"]).run()
    return at.selectbox(key="rf_open_session").set_value(ids["session"]).run()


def journal_of(at: AppTest) -> Journal:
    return at.session_state["journal"]


def buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def offered_file(at: AppTest):
    """The download button of the feedback form (the only one on Reflect)."""
    (download,) = at.get("download_button")
    return download


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, str]]:
    """Every file the app offers for download during the test, by the file name the
    browser is given: (data, MIME type), as Streamlit's in-memory media store receives it."""
    offered: dict[str, tuple[bytes, str]] = {}
    keep = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):  # noqa: ANN001, ANN202
        assert isinstance(path_or_data, bytes), "a download made from a file on disk"
        offered[filename or ""] = (path_or_data, mimetype)
        return keep(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return offered


def made_form(at: AppTest, downloads: dict[str, tuple[bytes, str]]) -> tuple[AppTest, str]:
    """Press "Make the feedback form"; the page the download button offers."""
    downloads.clear()
    at = click(at, "Make the feedback form")
    assert not errors(at), errors(at)
    offered_file(at)
    data, mime = downloads[FORM_FILE]
    assert mime == "text/html"
    return at, data.decode("utf-8")


def paste(at: AppTest, text: str, key: str = "reflect_remote") -> AppTest:
    at.text_area(key=f"{key}_text").input(text)
    return click(at.run(), "Import answer")


def snapshot(journal: Journal) -> dict[str, int]:
    """Every record of the journal and its revision (Reflect's autosaved draft aside):
    what a refused import must leave as it was."""
    return {
        record_id: entry.revision
        for record_id, entry in current_entries(journal).items()
        if not isinstance(entry.record, Draft)
    }


def test_the_form_is_offered_only_after_your_read_is_saved(journal_path: Path) -> None:
    at = unlocked().switch_page(REFLECT).run()
    at = at.selectbox(key="rf_client").set_value("__new__").run()
    at.text_input(key="rf_new_code").input("C-302")
    at = click(at, "Add client")
    at = at.selectbox(key="rf_modality").set_value("video").run()
    # blind order: before your read, no way to send or receive the client's answers
    assert "Make the feedback form" not in buttons(at)
    assert "Import answer" not in buttons(at)
    assert not any(e.label == "Send a feedback form" for e in at.expander)
    for item, value in READ.items():
        at = at.button_group(key=f"rf_item_{item}").set_value(value).run()
    at = click(at, "Save my read")
    assert "Make the feedback form" in buttons(at) and "Import answer" in buttons(at)
    sent = next(e for e in at.expander if e.label == "Send a feedback form")
    assert sent.proto.expanded  # a video session: the form is the way, shown open
    greeting = at.text_input(key=f"reflect_remote_greeting_{at.session_state['rf_session_id']}")
    caption = " ".join(c.value for c in at.caption)
    assert greeting.label == "Greeting (optional)" and "travels in clear" in caption
    assert "no names" in caption.lower()


def test_the_form_file_is_html_holding_its_request_and_no_client_code(
    video_session: dict[str, str], data_folder: Path, downloads: dict
) -> None:
    at = reflect_on(video_session)
    key = f"reflect_remote_greeting_{video_session['session']}"
    at.text_input(key=key).input("Thank you for today.")
    at, page = made_form(at.run(), downloads)
    assert list(downloads) == [FORM_FILE]
    download = offered_file(at)
    assert download.proto.label == "Download the feedback form"
    (request,) = journal_of(at).all(FeedbackRequest)
    assert request.session_id == video_session["session"] and request.status == "open"
    assert request.greeting == "Thank you for today."
    assert page.startswith("<!DOCTYPE html>")
    assert form_data(page)["request_id"] == request.request_id
    assert request.request_id in page and "Thank you for today." in page
    assert "C-301" not in page  # nothing names the client
    assert "http://" not in page and "https://" not in page and " src=" not in page
    # built in memory: no form file in the data folder
    assert not [p for p in data_folder.rglob("*") if p.suffix in (".html", ".htm")]
    # how to send it, and what comes back, in words
    said = " ".join(m.value for m in at.markdown)
    assert "video call's chat" in said and "email" in said and "short block of text" in said
    assert any("can be answered until" in s.value for s in at.success)


def test_a_pasted_answer_records_remote_feedback_and_the_request_shows_answered(
    video_session: dict[str, str], downloads: dict
) -> None:
    at, page = made_form(reflect_on(video_session), downloads)
    at = paste(at, answer(page, CLIENT_SAYS, "Slow start, good end."))
    assert not errors(at), errors(at)
    journal = journal_of(at)
    (feedback,) = journal.all(Feedback)
    assert feedback.source == "remote" and feedback.total == 26
    assert feedback.session_id == video_session["session"]
    assert feedback.comment == "Slow start, good end."
    # Reflect now shows the feedback as it does for any: the rating, the gap, the comment
    said = " ".join(i.value for i in [*at.info, *at.warning])
    assert "Your client's rating: 26 of 40." in said
    assert any(plain("Slow start, good end.") in m.value for m in at.markdown)
    assert "Import answer" not in buttons(at)  # the session has its feedback
    assert any(
        "Answer imported" in t.value and plain("C-301, session 1") in t.value for t in at.toast
    )
    (request,) = journal.all(FeedbackRequest)
    assert request.status == "answered"
    at = at.switch_page(CLIENT_FEEDBACK).run()
    listed = remote_table(at)
    assert list(listed["Status"]) == ["Answered"]
    assert list(listed["Client"]) == ["C-301"] and list(listed["Session"]) == [1]


def remote_table(at: AppTest):
    """The Remote answers tab's list of forms sent."""
    return next(d.value for d in at.dataframe if "Open until" in d.value.columns)


def test_garbage_and_a_tampered_answer_are_refused_in_words_with_nothing_written(
    video_session: dict[str, str], downloads: dict
) -> None:
    at, page = made_form(reflect_on(video_session), downloads)
    before = snapshot(journal_of(at))

    at = paste(at, "Thanks, it was fine! 8 8 7 9")
    assert any(e.startswith(plain(NOT_AN_ANSWER)) for e in errors(at)), errors(at)
    assert any("Nothing was imported" in e for e in errors(at))

    good = answer(page, CLIENT_SAYS)
    at = paste(at, tampered(good))
    assert any(e.startswith(plain(DAMAGED)) for e in errors(at)), errors(at)

    at = paste(at, good.rsplit("\n", 3)[0])  # cut short: its last lines never arrived
    assert any("cut short" in e for e in errors(at)), errors(at)

    assert snapshot(journal_of(at)) == before
    assert journal_of(at).all(Feedback) == []
    assert journal_of(at).all(FeedbackRequest)[0].status == "open"
    assert "Import answer" in buttons(at)  # still waiting for the real answer


def test_an_uploaded_answer_file_brings_the_outcome_too_and_a_replay_is_refused(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    journal = empty_template.open(journal_path)
    client = caseload.add_client(journal, "C-303", outcome_measure="phq9")
    session = Session(client.id, date.today(), 1, modality="phone")
    caseload.record_estimate(journal, session, Estimate("", "sac4", dict(READ)))
    _, page = remote_feedback.create_request(journal, session.id, LIBRARY, MEASURES)
    journal.lock()
    block = answer(page, CLIENT_SAYS, outcome=phq9(12))

    at = unlocked().switch_page(CLIENT_FEEDBACK).run()
    assert list(remote_table(at)["Status"]) == ["Open: waiting for the answer"]
    upload = next(u for u in at.get("file_uploader") if u.key.startswith("cf_remote_file"))
    upload.set_value(("feedback-answer.txt", block.encode(), "text/plain"))
    at = click(at.run(), "Import answer")
    assert not errors(at), errors(at)
    assert any("Answer imported" in s.value and "PHQ-9" in s.value for s in at.success)
    journal = journal_of(at)
    (feedback,) = journal.all(Feedback)
    (outcome,) = journal.all(Outcome)
    assert (feedback.source, feedback.total) == ("remote", 26)
    assert (outcome.source, outcome.total, outcome.measure) == ("remote", 12, "phq9")
    assert list(remote_table(at)["Status"]) == ["Answered"]
    uploaders = [u for u in at.get("file_uploader") if u.key.startswith("cf_remote_file")]
    assert [u.value for u in uploaders] == [None]  # a fresh, empty uploader for the next one

    # the same answer again (a replay): refused, nothing written
    before = snapshot(journal)
    at = paste(at, block, key="cf_remote")
    assert any("imported already" in e for e in errors(at)), errors(at)
    assert snapshot(journal_of(at)) == before


def test_an_open_form_is_withdrawn_after_a_yes_and_its_answer_refused(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    journal = empty_template.open(journal_path)
    client = caseload.add_client(journal, "C-304")
    session = Session(client.id, date.today() - timedelta(days=1), 2, modality="video")
    caseload.record_estimate(journal, session, Estimate("", "sac4", dict(READ)))
    _, page = remote_feedback.create_request(journal, session.id, LIBRARY, MEASURES)
    journal.lock()

    at = unlocked().switch_page(CLIENT_FEEDBACK).run()
    assert at.selectbox(key="cf_remote_pick").value is not None  # the open form
    at = click(at, "Withdraw")
    assert any("Withdraw the form sent for" in w.value for w in at.warning)
    at = click(at, "Cancel")
    assert journal_of(at).all(FeedbackRequest)[0].status == "open"  # nothing without a yes
    at = click(click(at, "Withdraw"), "Yes, withdraw")
    assert journal_of(at).all(FeedbackRequest)[0].status == "withdrawn"
    assert list(remote_table(at)["Status"]) == ["Withdrawn"]
    assert any("withdrawn" in s.value for s in at.success)
    assert "Withdraw" not in buttons(at)  # nothing open is left to withdraw

    before = snapshot(journal_of(at))
    at = paste(at, answer(page, CLIENT_SAYS), key="cf_remote")
    assert any("You withdrew this request" in e for e in errors(at)), errors(at)
    assert snapshot(journal_of(at)) == before and journal_of(at).all(Feedback) == []


def test_the_days_a_form_stays_open_are_a_setting(
    video_session: dict[str, str], downloads: dict
) -> None:
    at = unlocked().switch_page(SETTINGS).run()
    days = at.number_input(key="settings_request_expiry_days")
    assert days.label == "Remote feedback forms stay open for (days)"
    assert days.value == 14  # the default
    assert (days.min, days.max) == (1, 90)
    days.set_value(30)
    at = click(at, "Save form settings")
    assert journal_of(at).settings.request_expiry_days == 30
    assert any("30 days" in s.value for s in at.success)

    at, page = made_form(reflect_on(video_session), downloads)
    (request,) = journal_of(at).all(FeedbackRequest)
    assert form_data(page)["expires_at"] == request.expires_at.isoformat()
    assert request.expires_at - request.created_at == timedelta(days=30)
