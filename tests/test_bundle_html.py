"""A passphrase bundle opened with the real `age` command (storage/FORMAT.md §8.3): what a
supervisor without the app gets is one readable, self-contained HTML page of the shared
entries, with nothing it could load from elsewhere; the app still imports the same file
from the JSON the page carries; bundles of format 1 still open."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import pty
import select
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyrage import passphrase as age_passphrase

from sharing import bundle, exchange, keys, share
from sharing.identity import Identity, PublicCard, SharingError, new_identity
from storage.journal import Journal
from storage.records import Answer, Client, Estimate, Feedback, Reflection, Session
from tests.conftest import JournalTemplate
from tests.sharing_caseload import INSTRUMENTS, decide_all

AGE = Path("/usr/bin/age")
GOLDEN = Path(__file__).resolve().parent / "golden"
PHRASE = "lantern orchard seventy gravel"
INJECTION = '</script><script>alert(1)</script><img src="https://example.org/x.png"> & so on'


def age_decrypt(path: Path, phrase: str, out: Path) -> tuple[int, str]:
    """`age -d -o out path` in a pseudo-terminal (age reads a passphrase only from a
    terminal), typing `phrase` at its prompt; (exit status, what the terminal showed)."""
    assert AGE.exists(), f"{AGE} is missing: install the Debian package `age`"
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execv(str(AGE), [str(AGE), "-d", "-o", str(out), str(path)])
        finally:
            os._exit(127)
    seen, typed, deadline = b"", False, time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if not select.select([fd], [], [], 0.5)[0]:
                continue
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # EIO: age exited
                break
            if not chunk:
                break
            seen += chunk
            if not typed and b"passphrase" in seen.lower():
                os.write(fd, phrase.encode() + b"\r")
                typed = True
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def payload_age(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("payload.age")


class Page(HTMLParser):
    """Every tag with its attributes, the visible text, and the JSON blocks' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.blocks: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag in ("script", "style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            if self.tags and self.tags[-1][0] == "script":
                self.blocks.append(data)
        else:
            self.text.append(data)


def read_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture(scope="module")
def supervisee(
    tmp_path_factory: pytest.TempPathFactory, empty_template: JournalTemplate
) -> Iterator[Journal]:
    """Two scored sessions with flagged reflections; one answer tries to inject markup."""
    journal = empty_template.open(empty_template.copy_to(tmp_path_factory.mktemp("supervisee")))
    client = Client(code="C-101", alias="Wrenna")
    journal.save(client)
    for number, answer in ((1, "Wrenna went quiet at the fee."), (2, INJECTION)):
        session = Session(client_id=client.id, date=date(2026, 3, number), number=number)
        journal.save_all(
            [
                session,
                Estimate(session.id, "sac4", {"goals": 7, "tasks": 6, "bond": 8, "overall": 7}),
                Feedback(session.id, "sac4", {"goals": 9, "tasks": 9, "bond": 9, "overall": 9}),
                Reflection(
                    session_id=session.id,
                    client_id=client.id,
                    framework="gibbs",
                    answers=[Answer("p-1", "What did I notice?", answer)],
                    next_step="Ask about the silence.",
                    flagged_for_supervision=True,
                ),
            ]
        )
    yield journal
    journal.lock()


@pytest.fixture(scope="module")
def phrase_bundle(supervisee: Journal) -> tuple[bytes, dict]:
    """A passphrase bundle of both entries (every part included), made as Share makes it,
    and the payload as sent."""
    review = share.review(supervisee, share.candidates(supervisee), share.INCLUDE_OPTIONS)
    content = share.payload(supervisee, review, decide_all(review), INSTRUMENTS)
    data = exchange.send_entries(supervisee, content, passphrase=PHRASE)
    return data, content.to_json()


def test_age_gives_a_readable_self_contained_page_of_the_shared_entries(
    phrase_bundle: tuple[bytes, dict], tmp_path: Path
) -> None:
    data, sent = phrase_bundle
    encrypted = tmp_path / "payload.age"
    encrypted.write_bytes(payload_age(data))
    out = tmp_path / "shared.html"
    code, terminal = age_decrypt(encrypted, PHRASE, out)
    assert code == 0, f"age -d failed: {terminal}"
    html = out.read_text("utf-8")

    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    with pytest.raises(json.JSONDecodeError):
        json.loads(html)  # not raw JSON
    page = read_page(html)
    shown = " ".join(" ".join(page.text).split())
    # the entries, de-identified, as a person reads them
    assert "Reflections shared for supervision" in shown
    assert "Client A · session 1" in shown and "Client A · session 2" in shown
    assert "[alias] went quiet at the fee." in shown and "Wrenna" not in html
    assert "Ask about the silence." in shown and "What did I notice?" in shown
    typed = sent["items"][1]["answers"][0]["answer"]  # as reviewed: the URL redacted
    assert typed.startswith("</script><script>alert(1)")
    assert typed in shown  # shown as the words typed, not as markup

    # nothing loads from anywhere: no external resource, nothing that runs
    tags = [tag for tag, _ in page.tags]
    assert not {"link", "iframe", "object", "embed", "base", "form"} & set(tags)
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(name)
            assert value is None or value.startswith("data:image/png;base64,"), (tag, name)
        assert not any(name.startswith("on") for name in attrs), tag
        if tag == "script":
            assert attrs == {"type": "application/json", "id": "reflective-journal-payload"}
    assert tags.count("script") == 1
    assert any(tag == "img" for tag in tags)  # the alliance chart, inline
    (csp,) = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert csp["content"].startswith("default-src 'none'")
    assert "http://" not in html and "https://" not in html

    # the one JSON block is exactly what was sent: the app's part of the page
    (block,) = page.blocks
    assert "<" not in block and json.loads(block) == sent
    assert json.loads(bundle.payload_from_document(out.read_bytes())) == sent


def test_the_app_imports_the_passphrase_bundle_a_person_can_read(
    phrase_bundle: tuple[bytes, dict], tmp_path: Path, empty_template: JournalTemplate
) -> None:
    data, sent = phrase_bundle
    assert bundle.open_bundle(data, new_identity(), None, passphrase=PHRASE).payload == sent
    folder = tmp_path / "supervisor"
    folder.mkdir()
    supervisor = empty_template.open(empty_template.copy_to(folder))
    try:
        manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
        sender = manifest["sender"]
        card = PublicCard(sender["recipient"], base64.b64decode(sender["signing_public"]))
        keys.pin_contact(supervisor, card.to_text(), card.fingerprint, "supervisee", "Sam")
        done = exchange.import_entries(supervisor, data, PHRASE)
        assert done.added == 2
        (entries,) = exchange.shared_with_me(supervisor).values()
        shown = exchange.latest_entries(entries)
        assert [e.answers[0].answer for e in shown] == [
            item["answers"][0]["answer"] for item in sent["items"]
        ]
    finally:
        supervisor.lock()


def test_a_page_that_does_not_carry_exactly_one_payload_block_imports_nothing() -> None:
    block = bundle.readable_document("<!DOCTYPE html><html><body><p>x</p></body></html>", b"{}")
    assert block.count(bundle.PAYLOAD_BLOCK.encode()) == 1
    assert json.loads(bundle.payload_from_document(block)) == {}
    for broken in (
        b"<!DOCTYPE html><html><body>no block</body></html>",
        block.replace(b"</body>", bundle.PAYLOAD_BLOCK.encode() + b"{}</script></body>"),
        block.replace(b"</script>", b""),
        b"\xff\xfe" + block,
    ):
        with pytest.raises(SharingError) as caught:
            bundle.payload_from_document(broken)
        assert caught.value.reason == "bad_payload"
    with pytest.raises(SharingError):  # a page may not bring its own block
        bundle.readable_document(f"<html><body>{bundle.PAYLOAD_BLOCK}</body></html>", b"{}")


def test_a_passphrase_bundle_of_comments_is_a_readable_page_too(tmp_path: Path) -> None:
    me = new_identity()
    comment = {
        "id": "c1",
        "revision": 1,
        "entry_id": "e1",
        "entry_revision": 1,
        "text": "What did the <fee> stir in you?",
        "functions": ["formative"],
        "written_at": "2026-03-10T10:00:00+00:00",
    }
    data = bundle.write_bundle({"items": [comment]}, "comments", [("c1", 1)], me, passphrase=PHRASE)
    page = age_passphrase.decrypt(payload_age(data), PHRASE).decode("utf-8")
    shown = " ".join(read_page(page).text)
    assert "Supervision comments" in shown and "What did the <fee> stir in you?" in shown
    assert "<fee>" not in page.split(bundle.PAYLOAD_BLOCK)[0]  # escaped in the page
    with pytest.raises(SharingError, match="Only a passphrase bundle"):
        bundle.write_bundle(
            {"items": [comment]},
            "comments",
            [("c1", 1)],
            me,
            [new_identity().public_card()],
            document="<html></html>",
        )


def test_the_golden_bundle_of_format_1_still_opens() -> None:
    stored = json.loads((GOLDEN / "bundle-v1-keys.json").read_text("utf-8"))
    data = (GOLDEN / "bundle-v1.rjshare").read_bytes()
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert manifest["format"] == "reflective-journal-bundle/1"
    supervisor = Identity.from_dict(stored["supervisor"])
    supervisee = Identity.from_dict(stored["supervisee"])
    opened = bundle.open_bundle(data, supervisor, [supervisee.public_card("Sam")])
    assert opened.payload == stored["payload"]


def test_a_passphrase_bundle_of_format_1_still_opens_as_json() -> None:
    """Written before the page: the same files, format 1, the JSON itself encrypted."""
    sender = new_identity()
    payload = {"items": [{"id": "r1", "revision": 1, "text": "old"}]}
    encrypted = age_passphrase.encrypt(json.dumps(payload).encode(), PHRASE)
    manifest = {
        "format": "reflective-journal-bundle/1",
        "kind": "entries",
        "created_at": "2026-03-10T10:00:00+00:00",
        "sender": {
            "recipient": sender.recipient,
            "signing_public": base64.b64encode(sender.signing_public).decode("ascii"),
            "fingerprint": sender.fingerprint,
        },
        "recipients": [],
        "items": [{"id": "r1", "revision": 1}],
        "payload_sha256": hashlib.sha256(encrypted).hexdigest(),
    }
    raw = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("ascii")
    old = bundle._zip(
        {bundle.MANIFEST: raw, bundle.PAYLOAD: encrypted, bundle.SIGNATURE: sender.sign(raw)}
    )
    assert bundle.open_bundle(old, new_identity(), None, passphrase=PHRASE).payload == payload
