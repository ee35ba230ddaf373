"""In Chromium, the de-identification review of a shared entry: a first name that starts
a sentence is found, words selected with the mouse are redacted, and an entry of the
always-redact list is redacted; none of the three reaches the bundle, the HTML report or
the PDF report, and none is left in plain text on disk."""

from __future__ import annotations

import json
import re
import time
import zlib
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sharing import bundle
from sharing.identity import new_identity
from storage.records import Answer, Client, Reflection, Session
from tests.conftest import sweep_for_canary
from tests.e2e.harness import Server, go_to, new_journal, open_app, shot, unlock, wait_idle
from tests.test_report import pdf_pages

pytestmark = pytest.mark.browser
PASSPHRASE = "review lamp river stone"
BUNDLE_PASSPHRASE = "orchard lantern seven harbour"
NAME = "Gareth"  # starts the sentence: found from the first-name lists
SELECTED = "the blue caravan by the weir"  # no rule sees it: selected by hand
LISTED = "harrow choir"  # on the always-redact list
TEXT = f"{NAME} arrived late and talked about {SELECTED}. He still sings with the {LISTED}."
SELECT = """
(phrase) => {
  const box = [...document.querySelectorAll('.rj-passage')]
    .find((b) => b.textContent.includes(phrase));
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(phrase);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + phrase.length);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      return true;
    }
  }
  return false;
}
"""


@pytest.fixture
def supervisee(server: Server) -> Server:
    journal = new_journal(server.data_dir, PASSPHRASE)
    client = Client(code="C-202", alias="Brindle")
    session = Session(client_id=client.id, date=date(2026, 11, 9), number=3)
    reflection = Reflection(
        session_id=session.id,
        client_id=client.id,
        framework="gibbs",
        answers=[Answer("p-1", "What happened?", TEXT)],
        flagged_for_supervision=True,
    )
    journal.save_all([client, session, reflection])
    journal.lock()
    return server


def download(page: Page, button: str, folder: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def inflated(pdf: bytes) -> bytes:
    """The PDF with every compressed stream inflated, so its text can be read back."""

    def inflate(match: re.Match[bytes]) -> bytes:
        try:
            body = zlib.decompress(match.group(1))
        except zlib.error:
            return match.group(0)
        return b"stream\n" + body + b"\nendstream"

    return re.sub(rb"(?s)stream\r?\n(.*?)\r?\nendstream", inflate, pdf)


def test_three_kinds_of_redaction_reach_neither_bundle_nor_reports(
    page: Page, supervisee: Server, tmp_path: Path
) -> None:
    started = time.time()
    open_app(page, supervisee)
    unlock(page, PASSPHRASE)
    go_to(page, "Supervision")
    page.get_by_text("C-202 · session 3").click()
    wait_idle(page)
    expect(page.locator(".rj-passage mark", has_text=NAME)).to_be_visible()
    expect(page.get_by_text("No possible identifiers")).to_have_count(0)

    page.get_by_text("Always redact, in every share").click()
    page.get_by_role("textbox", name="One per line: relatives").fill(LISTED)
    wait_idle(page)
    page.get_by_role("button", name="Save the list").click()
    wait_idle(page)
    expect(page.get_by_text("Always-redact list saved (1 entries).")).to_be_visible()
    expect(page.locator(".rj-passage mark", has_text=LISTED)).to_be_visible()

    assert page.evaluate(SELECT, SELECTED)
    passage = page.locator(".rj-passage", has_text=SELECTED)
    passage.locator("xpath=following-sibling::button[1]").click()
    wait_idle(page)
    expect(page.locator(".rj-passage mark", has_text=SELECTED)).to_be_visible()
    shot(page, "deidentify-review", tmp_path)

    page.get_by_role("button", name="Redact all undecided").click()
    wait_idle(page)
    page.get_by_text("Anyone with a passphrase").click()
    page.get_by_label("Bundle passphrase", exact=True).fill(BUNDLE_PASSPHRASE)
    page.get_by_label("Confirm bundle passphrase").fill(BUNDLE_PASSPHRASE)
    page.get_by_label("Confirm bundle passphrase").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Make bundle").click()
    wait_idle(page)
    data = download(page, "Download bundle", tmp_path)
    html = download(page, "Download HTML report", tmp_path).decode("utf-8")
    pdf = " ".join(
        " ".join(pdf_pages(inflated(download(page, "Download PDF report", tmp_path)))).split()
    )

    opened = bundle.open_bundle(data, new_identity(), None, passphrase=BUNDLE_PASSPHRASE)
    shared = json.dumps(opened.payload)
    assert "arrived late" in shared and "arrived late" in html and "arrived late" in pdf
    for secret in (NAME, SELECTED, LISTED):
        for where, text in (("bundle", shared), ("HTML", html), ("PDF", pdf)):
            assert secret not in text, (secret, where)
    # nor in plain text on disk (the sweep wants phrases of 16 characters or more)
    for phrase in (f"{NAME} arrived late", SELECTED, f"the {LISTED}"):
        sweep_for_canary(phrase, [supervisee.data_dir], started)
