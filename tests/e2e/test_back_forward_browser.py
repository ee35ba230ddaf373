"""In Chromium with its back/forward cache on (Playwright turns it off by default): after
leaving an unlocked journal, the Back button never brings the decrypted page back from
memory; the journal's address loads afresh and asks for the passphrase."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Playwright, expect

from tests.e2e.harness import CHROMIUM_ARGS, Server, chromium_path, new_journal, open_app, unlock

pytestmark = pytest.mark.browser
PASSPHRASE = "back button harbour lamp"


@pytest.fixture
def cached_page(playwright: Playwright) -> Iterator[Page]:
    """A page of a Chromium whose back/forward cache works as in a user's browser."""
    browser = playwright.chromium.launch(
        executable_path=chromium_path(),
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(20_000)
    yield page
    browser.close()


def test_back_after_leaving_shows_the_lock_not_the_journal(
    cached_page: Page, server: Server
) -> None:
    new_journal(server.data_dir, PASSPHRASE).lock()
    open_app(cached_page, server)
    unlock(cached_page, PASSPHRASE)
    expect(cached_page.get_by_role("button", name="Lock", exact=True)).to_be_visible()
    cached_page.evaluate("window.__unlockedPageStillInMemory = true")

    cached_page.goto("about:blank")
    cached_page.go_back()

    expect(cached_page.get_by_role("button", name="Unlock", exact=True)).to_be_visible()
    assert cached_page.evaluate("window.__unlockedPageStillInMemory") is None
    expect(cached_page.get_by_role("button", name="Lock", exact=True)).to_have_count(0)
