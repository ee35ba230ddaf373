"""In Chromium: the remote feedback form as a client gets it, a file opened from disk
(file://) with the network off, at a phone's width. Its own script and this app agree:
answers given with the keyboard and locked by the page's WebCrypto open in Python
(`open_answer`) and import into the journal; the test vector of FORMAT.md §12.7 decrypts
with the browser's WebCrypto, a second implementation; Finish names what is missing; the
page makes no request, breaks no rule of its Content-Security-Policy and passes axe-core.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from practice import caseload
from practice import remote_feedback as remote
from prompts.library import builtin_library
from prompts.outcomes import builtin_measures
from sharing import remote_form as rf
from storage.journal import Journal
from storage.records import Estimate, Feedback, Session
from tests.conftest import assert_no_canary

pytestmark = pytest.mark.browser
LIBRARY = builtin_library()
MEASURES = builtin_measures()
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "remote_answer_v1.json"
PHONE = {"width": 360, "height": 740}


class Client:
    """One phone's browser with the form open, and everything it tried to do."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.context, self.page = context, page
        self.requests: list[str] = []
        self.console: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.console.append(f"error: {error}"))


@pytest.fixture
def phone(browser: Browser) -> Iterator[Any]:
    """Opens a form file in a fresh phone-sized, offline browser context."""
    opened: list[BrowserContext] = []

    def open_form(path: Path) -> Client:
        context = browser.new_context(
            viewport=PHONE, offline=True, accept_downloads=True, service_workers="block"
        )
        opened.append(context)
        # nothing but the file itself may load: any other request is refused (and recorded)
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url == path.as_uri() else route.abort()
            ),
        )
        page = context.new_page()
        client = Client(context, page)
        page.goto(path.as_uri())
        expect(page.get_by_role("button", name="Finish")).to_be_visible()
        return client

    yield open_form
    for context in opened:
        context.close()


def form_for(
    journal: Journal, tmp_path: Path, measure: str = "phq9", instrument: str = "sac4"
) -> tuple[Any, Path]:
    """A session with your read saved and the form sent for it, written as a file."""
    client = caseload.add_client(journal, "C-1", instrument=instrument, outcome_measure=measure)
    session = Session(client_id=client.id, date=date(2026, 12, 1), number=1)
    items = {item.id: 5 for item in LIBRARY.instruments[instrument].items}
    caseload.record_estimate(journal, session, Estimate("", instrument, items))
    request, page = remote.create_request(
        journal, session.id, LIBRARY, MEASURES, greeting="Thanks for today </script>"
    )
    path = tmp_path / "outbox" / "feedback-form.html"
    path.parent.mkdir()
    path.write_text(page, encoding="utf-8")
    return request, path


def focused_name(page: Page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.name")


def tab_to(page: Page, name: str) -> None:
    """Tab on until the keyboard focus is in the control `name` (a radio group is one stop)."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused_name(page) == name:
            return
    raise AssertionError(f"the keyboard never reached {name}")


def choose(page: Page, name: str, position: int) -> None:
    """Pick the `position`-th answer (0 the first) of a radio group with the keyboard."""
    tab_to(page, name)
    if position == 0:
        page.keyboard.press("Space")
    for _ in range(position):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"input[name='{name}']").nth(position)).to_be_checked()


def test_answers_given_with_the_keyboard_open_in_the_journal(
    journal: Journal, tmp_path: Path, data_folder: Path, phone: Any, canary: str
) -> None:
    request, path = form_for(journal, tmp_path)
    client = phone(path)
    page = client.page
    # the greeting reads as the practitioner typed it, markup and all, as text
    expect(page.get_by_text("Thanks for today </script>")).to_be_visible()
    expect(page.get_by_role("heading", name="How have you been?")).to_be_visible()
    expect(
        page.get_by_role("group", name="Little interest or pleasure in doing things")
    ).to_be_visible()
    expect(page.get_by_text(MEASURES["phq9"].attribution)).to_be_visible()
    phq9 = {f"q{n}": n % 4 for n in range(1, 10)} | {"difficulty": 2}
    for item, score in phq9.items():
        choose(page, f"o-{item}", score)
    sac4 = {"bond": 7, "goals": 10, "tasks": 0, "voice": 4}
    for item, score in sac4.items():
        choose(page, f"a-{item}", score)
    tab_to(page, "comment")
    page.keyboard.type(f"More time on sleep {canary}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Finish")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your answer is ready")).to_be_focused()
    text = page.get_by_label("Your answers, locked").input_value()
    assert text.startswith(rf.ARMOR_BEGIN) and text.rstrip().endswith(rf.ARMOR_END)
    assert canary not in text
    # nothing left the page: no request beyond the file, no policy broken, no error
    assert client.requests == [path.as_uri()]
    assert client.console == []
    # the page fits a phone: nothing wider than the screen
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    answer = rf.open_answer(
        text, lambda rid: request.private_key if rid == request.request_id else None
    )
    assert (answer.items, answer.outcome_items) == (sac4, phq9)
    imported = remote.import_answer(journal, text, LIBRARY, MEASURES)
    assert imported.feedback.items == sac4 and imported.feedback.source == "remote"
    assert imported.outcome.total == sum(v for k, v in phq9.items() if k != "difficulty")
    assert imported.outcome.risk_items == ["q9"]
    journal.checkpoint()
    assert_no_canary([data_folder], canary)


def test_finish_names_what_is_missing_and_locks_nothing(
    journal: Journal, tmp_path: Path, phone: Any
) -> None:
    _, path = form_for(journal, tmp_path, measure="")
    page = phone(path).page
    page.locator("input[name='a-bond']").nth(8).check()
    page.get_by_role("button", name="Finish").click()
    problems = page.locator("#problems")
    expect(problems).to_be_focused()
    expect(problems).to_contain_text("Some answers are missing")
    wording = [item.patient.rstrip(".") for item in LIBRARY.instruments["sac4"].items]
    for missing in wording[1:]:
        expect(problems).to_contain_text(missing)
    expect(problems).not_to_contain_text(wording[0])
    expect(page.locator("#result")).to_be_hidden()
    # a link in the list takes the keyboard to the question
    problems.get_by_role("link").first.click()
    assert focused_name(page) == "a-goals"


def test_psfs_names_and_decimal_scores_come_through(
    journal: Journal, tmp_path: Path, phone: Any
) -> None:
    request, path = form_for(journal, tmp_path, measure="psfs", instrument="srs")
    page = phone(path).page
    page.get_by_label("Activity 1: what is it?").fill("Climbing stairs")
    page.get_by_role("group", name="Activity 1: how well can you do it today?").locator(
        "input"
    ).nth(4).check()
    page.get_by_label("Activity 2: what is it?").fill("Gardening")
    srs = {"relationship": "7.3", "goals_topics": "8", "approach": "9,5", "overall": "11"}
    for item in LIBRARY.instruments["srs"].items:
        page.get_by_label(item.label, exact=True).fill(srs[item.id])
    page.get_by_role("button", name="Finish").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Activity 2 (\u201cGardening\u201d): choose how well")
    expect(problems).to_contain_text("\u201cOverall\u201d: type a number from 0 to 10")
    page.get_by_label("Activity 2: what is it?").fill("")
    page.get_by_label("Overall", exact=True).fill("10")
    page.get_by_role("button", name="Finish").click()
    text = page.get_by_label("Your answers, locked").input_value()
    imported = remote.import_answer(journal, text, LIBRARY, MEASURES)
    assert imported.feedback.items == {
        "relationship": 7.3,
        "goals_topics": 8,
        "approach": 9.5,
        "overall": 10,
    }
    assert imported.outcome.activities == {"activity1": "Climbing stairs"}
    assert imported.outcome.total == 4


def test_save_answer_file_and_copy_give_the_same_block(
    journal: Journal, tmp_path: Path, phone: Any
) -> None:
    request, path = form_for(journal, tmp_path, measure="")
    client = phone(path)
    page = client.page
    client.context.grant_permissions(["clipboard-read", "clipboard-write"])
    for item in LIBRARY.instruments["sac4"].items:
        page.locator(f"input[name='a-{item.id}']").nth(6).check()
    page.get_by_role("button", name="Finish").click()
    text = page.get_by_label("Your answers, locked").input_value()
    with page.expect_download() as download:
        page.get_by_role("button", name="Save answer file").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == "feedback-answer.txt"
    assert saved == text
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status").last).to_contain_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == text
    # changing an answer after Finish hides the old block: it would not match any more
    page.locator("input[name='a-bond']").nth(2).check()
    expect(page.locator("#result")).to_be_hidden()
    expect(page.locator("#note")).to_contain_text("press Finish again")
    assert remote.import_answer(journal, saved, LIBRARY, MEASURES).feedback.items["bond"] == 6


def test_the_format_vector_decrypts_with_the_browsers_webcrypto(
    journal: Journal, tmp_path: Path, phone: Any
) -> None:
    vector = json.loads(GOLDEN.read_text(encoding="utf-8"))
    _, path = form_for(journal, tmp_path, measure="")
    page = phone(path).page
    point = bytes.fromhex(vector["recipient_public_key"])
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "d": vector["recipient_private_key_stored"],
        "x": rf._b64url(point[1:33]),
        "y": rf._b64url(point[33:]),
    }
    plaintext = page.evaluate(
        """async ([jwk, requestId, answer]) => {
          const subtle = crypto.subtle;
          const hex = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
          const body = answer.split("\\n").filter((l) => l && !l.startsWith("-----")).join("");
          const data = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
          const header = data.slice(0, 94);
          const curve = { name: "ECDH", namedCurve: "P-256" };
          const mine = await subtle.importKey("jwk", jwk, curve, false, ["deriveBits"]);
          const theirs = await subtle.importKey("raw", data.slice(17, 82), curve, false, []);
          const shared = await subtle.deriveBits({ name: "ECDH", public: theirs }, mine, 256);
          const material = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
          const key = await subtle.deriveKey(
            { name: "HKDF", hash: "SHA-256", salt: hex(requestId),
              info: new TextEncoder().encode("reflective-journal-answer/1") },
            material, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
          const plain = await subtle.decrypt(
            { name: "AES-GCM", iv: data.slice(82, 94), additionalData: header },
            key, data.slice(94));
          return new TextDecoder().decode(plain);
        }""",
        [jwk, vector["request_id"], vector["answer"]],
    )
    assert plaintext == vector["plaintext_utf8"]


@pytest.mark.parametrize(("measure", "instrument"), [("phq9", "sac4"), ("psfs", "srs")])
def test_the_form_passes_axe(
    journal: Journal, tmp_path: Path, phone: Any, measure: str, instrument: str
) -> None:
    _, path = form_for(journal, tmp_path, measure=measure, instrument=instrument)
    page = phone(path).page
    failures = []
    for state in ("as opened", "with the missing answers named", "with the answer shown"):
        if state == "with the answer shown":
            _answer_everything(page)
        if state != "as opened":
            page.get_by_role("button", name="Finish").click()
        results = Axe().run(page, options={"resultTypes": ["violations"]})
        failures += [
            f"[{state}] {v['id']} ({v['impact']}): {node['html'][:160]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical") or v["id"] == "heading-order"
            for node in v["nodes"]
        ]
    assert not failures, "\n".join(failures)
    assert not journal.all(Feedback)


def _answer_everything(page: Page) -> None:
    for name in page.evaluate(
        "() => [...new Set([...document.querySelectorAll('input[type=radio]')].map(i => i.name))]"
    ):
        page.locator(f"input[name='{name}']").nth(1).check()
    for field in page.locator("input[type=text]").all():
        field.fill("1" if "-name" not in (field.get_attribute("id") or "") else "Walking")
