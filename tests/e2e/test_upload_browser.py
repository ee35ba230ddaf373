"""In Chromium: a CSV uploaded for import, over Starlette's old 1 MB spool size and refused,
is dropped from the server and leaves nothing of its content on disk; the uploader names
the upload limit (SECURITY.md test 23)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import sweep_for_canary
from tests.e2e.harness import Server, go_to, new_journal, open_app, unlock, wait_idle

pytestmark = pytest.mark.browser
PASSPHRASE = "upload window cedar frost"


def test_an_uploaded_csv_leaves_nothing_on_disk_and_the_limit_is_shown(
    page: Page, server: Server, canary: str, tmp_path: Path
) -> None:
    started = time.time()
    new_journal(server.data_dir, PASSPHRASE).lock()
    upload = tmp_path / "survey.csv"
    # more rows than an import takes: refused whole, nothing written
    rows = "".join(f"{canary} note {n},{n % 40}\n" for n in range(40_000))
    upload.write_text("remark,score\n" + rows, encoding="utf-8")
    assert upload.stat().st_size > 1024 * 1024

    open_app(page, server)
    unlock(page, PASSPHRASE)
    go_to(page, "Client feedback")
    page.get_by_role("tab", name="Import from CSV").click()
    wait_idle(page)
    # the alliance import's uploader; other tabs of the screen have their own
    uploader = page.get_by_role("region", name="CSV file", exact=True)
    expect(uploader.get_by_text("10MB per file", exact=False)).to_be_visible()
    uploader.locator("input[type='file']").set_input_files(str(upload))
    wait_idle(page)
    expect(page.get_by_text("Nothing was imported", exact=False)).to_be_visible()
    # the refused file is dropped from the server, and its uploader is empty again
    expect(page.get_by_text("survey.csv was not kept", exact=False)).to_be_visible()
    expect(page.get_by_test_id("stFileUploader").get_by_text("survey.csv")).to_have_count(0)
    upload.unlink()  # the test's own copy of the file is not the app's doing

    sweep_for_canary(canary, [server.data_dir], started)
