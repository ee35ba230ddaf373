"""In Chromium: a client seen by video. The practitioner saves their read in Reflect, makes
the feedback form and downloads it; the client opens the file in another browser (a
phone's, from file://, offline, every request but the file refused), answers with the
keyboard, presses Finish and sends back the answer text; the practitioner pastes it in
Reflect, sees the feedback there and on Trends. The form passes axe-core, and a canary the
client typed into the comment is nowhere on disk in plaintext afterwards."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from practice import caseload
from storage import keyslots
from storage.records import Feedback, FeedbackRequest, Outcome
from tests.conftest import sweep_for_canary
from tests.e2e.harness import (
    Server,
    choose_scores,
    go_to,
    new_journal,
    open_app,
    unlock,
    wait_idle,
)
from tests.e2e.test_accessibility_browser import AXE, FAILING_IMPACTS, FAILING_RULES

pytestmark = pytest.mark.browser
PASSPHRASE = "video session lamp harbour"
CODE = "C-601"
CANARY = "VIDEOCANARY7pQ2wK9z"
COMMENT = f"Slower at the start next time {CANARY}"
GREETING = "Thank you for today's session."
PHONE = {"width": 390, "height": 844}
# the client's answers, as positions in each question's list of answers (0 = the first)
PHQ9 = {f"q{n}": 1 for n in range(1, 9)} | {"q9": 0, "difficulty": 1}  # total 8, no risk
SAC4 = {"bond": 9, "goals": 8, "tasks": 4, "voice": 5}  # 26 of 40


@pytest.fixture
def practice(server: Server) -> Server:
    """A journal with one client who answers the PHQ-9 as their outcome measure."""
    journal = new_journal(server.data_dir, PASSPHRASE)
    caseload.add_client(journal, CODE, outcome_measure="phq9")
    journal.lock()
    return server


class Phone:
    """The client's phone: a browser of its own, offline, that may load the form file and
    nothing else; every request it tried is kept."""

    def __init__(self, browser: Browser, form: Path) -> None:
        self.form = form
        self.requests: list[str] = []
        self.context: BrowserContext = browser.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            locale="en-GB",
            accept_downloads=True,
            service_workers="block",
        )
        self.context.set_offline(True)
        self.context.route("**/*", self._only_the_file)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _only_the_file(self, route) -> None:  # noqa: ANN001 - Playwright's Route
        if route.request.url == self.form.as_uri():
            route.continue_()
        else:
            route.abort()


@pytest.fixture
def phones(browser: Browser) -> Iterator[list[Phone]]:
    opened: list[Phone] = []
    yield opened
    for phone in opened:
        phone.context.close()


def save_read_of_a_video_session(page: Page) -> None:
    """Reflect: the client, today's session by video, the read saved."""
    go_to(page, "Reflect")
    page.get_by_label("Client", exact=True).click()
    page.get_by_role("option", name=CODE, exact=True).click()
    wait_idle(page)
    page.get_by_label("Modality").click()
    page.get_by_role("option", name="video", exact=True).click()
    wait_idle(page)
    # blind order: no form to send, no answer to paste, before your own read
    expect(page.get_by_text("Send a feedback form")).to_have_count(0)
    expect(page.get_by_text("Paste the client's answer")).to_have_count(0)
    choose_scores(page, (7, 6, 6, 7))
    page.get_by_role("button", name="Save my read").click()
    wait_idle(page)
    expect(page.get_by_text("Your read of session 1 is saved", exact=False)).to_be_visible()


def send_the_form(page: Page, folder: Path) -> Path:
    """Type a greeting, make the form, download it; where it was saved."""
    greeting = page.get_by_role("textbox", name="Greeting (optional)")
    expect(greeting).to_be_visible()  # a video session: the form's section is open
    expect(page.get_by_text("travels in clear", exact=False)).to_be_visible()
    greeting.fill(GREETING)
    greeting.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Make the feedback form").click()
    wait_idle(page)
    expect(page.get_by_text("video call's chat", exact=False)).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the feedback form").click()
    download = info.value
    assert download.suggested_filename == "session-feedback-form.html"
    target = folder / "outbox" / download.suggested_filename
    target.parent.mkdir(parents=True, exist_ok=True)
    download.save_as(target)
    return target


def focused_name(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement && document.activeElement.name")


def tab_to(page: Page, name: str) -> None:
    """Press Tab until the focus is in the control `name` (a radio group is one stop)."""
    for _ in range(30):
        if focused_name(page) == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name}")


def choose(page: Page, name: str, position: int) -> None:
    """The `position`-th answer of a question, with the keyboard: Tab to it, then Space on
    the first answer or the arrow keys along."""
    tab_to(page, name)
    page.keyboard.press("Space" if position == 0 else "ArrowRight")
    for _ in range(position - 1):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"input[name='{name}']").nth(position)).to_be_checked()


def axe_failures(page: Page, state: str) -> list[str]:
    """Serious or critical axe-core findings on the form (and skipped heading levels)."""
    results = AXE.run(page, options={"resultTypes": ["violations"]})
    return [
        f"[form, {state}] {violation['id']} ({violation['impact']}): {node['html'][:200]}"
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS or violation["id"] in FAILING_RULES
        for node in violation["nodes"]
    ]


def answer_on_the_phone(phone: Phone) -> str:
    """The client opens the form, answers with the keyboard, presses Finish; the block of
    text they send back (the "Save answer file" file holds the same)."""
    page = phone.page
    page.goto(phone.form.as_uri())
    expect(page.get_by_role("heading", name="Your feedback", level=1)).to_be_visible()
    expect(page.get_by_text(GREETING)).to_be_visible()
    expect(page.get_by_text(CODE)).to_have_count(0)  # nothing names the client
    failures = axe_failures(page, "as opened")

    # Finish with nothing answered: what is missing is named, nothing is locked
    page.get_by_role("button", name="Finish").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Some answers are missing")).to_be_visible()
    expect(page.locator("#result")).to_be_hidden()
    failures += axe_failures(page, "answers missing")

    # the keyboard way back: Tab onto the first missing answer's link, Enter goes to it
    page.keyboard.press("Tab")
    expect(page.locator("#problem-list a").first).to_be_focused()
    page.keyboard.press("Enter")
    assert focused_name(page) == "o-q1"
    for item, position in PHQ9.items():
        choose(page, f"o-{item}", position)
    for item, score in SAC4.items():
        choose(page, f"a-{item}", score)
    tab_to(page, "comment")
    page.keyboard.type(COMMENT)
    # on past the links of what was missing (still listed until Finish), to Finish
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "finish":
            break
    expect(page.get_by_role("button", name="Finish")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your answer is ready")).to_be_visible()
    failures += axe_failures(page, "answer shown")
    assert not failures, "\n".join(failures)
    text = page.get_by_role("textbox", name="Your answers, locked").input_value()
    assert text.startswith("-----BEGIN REFLECTIVE JOURNAL ANSWER-----")
    assert CANARY not in text
    with page.expect_download() as info:
        page.get_by_role("button", name="Save answer file").click()
    assert Path(info.value.path()).read_text(encoding="utf-8") == text
    # offline, and nothing asked for beyond the file itself
    assert phone.requests == [phone.form.as_uri()], phone.requests
    return text


def paste_in_reflect(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Paste the client's answer")
    expect(box).to_be_visible()
    box.fill(text)
    box.press("Tab")  # a text area's value reaches the server on blur
    wait_idle(page)
    page.get_by_role("button", name="Import answer").click()
    wait_idle(page)


def test_a_video_session_from_read_to_trends(
    page: Page, browser: Browser, practice: Server, phones: list[Phone], tmp_path: Path
) -> None:
    started = time.time()
    open_app(page, practice)
    unlock(page, PASSPHRASE)
    save_read_of_a_video_session(page)
    form = send_the_form(page, tmp_path)
    sent = form.read_text(encoding="utf-8")
    assert CODE not in sent and html.escape(GREETING) in sent  # the greeting, as text

    phone = Phone(browser, form)
    phones.append(phone)
    text = answer_on_the_phone(phone)

    # the answer comes back by the video call's chat: pasted with the chat's quoting
    page.bring_to_front()
    quoted = "Here you go!\n" + "".join(f"> {line}\n" for line in text.splitlines())
    paste_in_reflect(page, quoted)
    expect(page.get_by_text("Your client's rating: 26 of 40.", exact=False)).to_be_visible()
    expect(page.get_by_text(COMMENT)).to_be_visible()
    expect(page.get_by_role("button", name="Import answer")).to_have_count(0)

    go_to(page, "Trends")
    page.get_by_role("combobox", name="Show").click()
    page.get_by_role("option", name=CODE).click()
    wait_idle(page)
    feedback_point = page.locator(
        f'[role="graphics-symbol"][aria-label*="Whose rating: Client\'s feedback; Client: {CODE}; '
        'Session: 1"]'
    )
    expect(feedback_point).to_have_count(1)
    label = feedback_point.get_attribute("aria-label") or ""
    assert re.search(r"0\u201340\): 26\b", label), label

    # the answer again: the form was answered once, so nothing more is recorded
    go_to(page, "Client feedback")
    page.get_by_role("tab", name="Remote answers").click()
    wait_idle(page)
    listed = page.locator("[data-testid='stDataFrame']")
    expect(listed.get_by_text("Answered", exact=True)).to_have_count(1)
    box = page.get_by_role("textbox", name="Paste the client's answer")
    box.fill(text)
    box.press("Tab")
    wait_idle(page)
    page.get_by_role("button", name="Import answer").click()
    wait_idle(page)
    expect(page.get_by_text("imported already", exact=False)).to_be_visible()

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    journal = keyslots.unlock(practice.data_dir / "practice.journal", PASSPHRASE)
    try:
        (feedback,) = journal.all(Feedback)
        (outcome,) = journal.all(Outcome)
        (request,) = journal.all(FeedbackRequest)
        assert (feedback.source, feedback.total, feedback.comment) == ("remote", 26, COMMENT)
        assert (outcome.source, outcome.measure, outcome.total) == ("remote", "phq9", 8)
        assert request.status == "answered" and request.greeting == GREETING
        assert journal.get(feedback.session_id).modality == "video"
        assert journal.get(feedback.session_id).date == date.today()
    finally:
        journal.lock()
    sweep_for_canary(CANARY, [practice.data_dir], started)
