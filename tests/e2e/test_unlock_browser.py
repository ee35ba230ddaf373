"""In Chromium: create a journal, see the recovery key once, lock, wrong passphrase, unlock."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.harness import Server, create_journal, open_app, unlock, wait_idle

pytestmark = pytest.mark.browser
PASSPHRASE = "quiet harbour seven lanterns"


def test_create_lock_wrong_passphrase_then_unlock(page: Page, server: Server) -> None:
    open_app(page, server)
    expect(page.get_by_role("heading", name="Create journal")).to_be_visible()

    recovery_key = create_journal(page, PASSPHRASE)
    assert len(recovery_key.replace("-", "")) == 52
    expect(page.get_by_role("heading", name="journal")).to_be_visible()
    assert (server.data_dir / "journal.journal").exists()

    page.get_by_role("button", name="Lock", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Unlock", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Lock", exact=True)).to_have_count(0)

    unlock(page, "not the passphrase at all")
    expect(page.get_by_text("Wrong passphrase")).to_be_visible()
    expect(page.get_by_role("button", name="Lock", exact=True)).to_have_count(0)

    unlock(page, PASSPHRASE)
    expect(page.get_by_role("button", name="Lock", exact=True)).to_be_visible()
    expect(page.get_by_text("Wrong passphrase")).to_have_count(0)


def test_locked_app_shows_only_the_unlock_page_even_on_a_deep_link(
    page: Page, server: Server
) -> None:
    open_app(page, server, "home")
    expect(page.get_by_role("heading", name="Create journal")).to_be_visible()
    expect(page.get_by_role("button", name="Lock", exact=True)).to_have_count(0)
    expect(page.get_by_text("Latest sessions")).to_have_count(0)


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket in LISTEN state on `port`, from /proc/net."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == "0A" and int(port_hex, 16) == port:
                found.add(_decode_address(address, width))
    return found


def _decode_address(hex_address: str, width: int) -> str:
    raw = bytes.fromhex(hex_address)
    if width == 8:
        return ".".join(str(b) for b in reversed(raw))
    words = [raw[i : i + 4][::-1] for i in range(0, 16, 4)]
    return b"".join(words).hex()


def test_running_server_listens_on_loopback_only(server: Server) -> None:
    assert _listening_addresses(server.port) == {"127.0.0.1"}
