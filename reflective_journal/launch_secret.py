"""The per-launch secret (SECURITY.md "Files and the local machine").

The command makes a random token for each server it starts. The server learns it from
`JOURNAL_LAUNCH_TOKEN` (environment variables are readable by the same user only), the
instance lock file keeps it (0600), and the browser gets it only as an HttpOnly,
SameSite=Strict cookie. The address the browser is opened at never holds the token itself
but a launch code: a time stamp and a nonce signed with the token, accepted once and for
ten minutes. A browser's command line, which other users of the computer can list, so
shows nothing that still opens the journal once the browser has used it.

Pure functions and one small class, no I/O: serve.py checks with them, the command mints.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from urllib.parse import parse_qsl, quote, urlencode

ENV_LAUNCH_TOKEN = "JOURNAL_LAUNCH_TOKEN"  # noqa: S105 - the variable's name, not a secret
# Only for developers' `streamlit run serve.py`: a server without a token refuses everything.
ENV_WITHOUT_SECRET = "JOURNAL_DEV_WITHOUT_LAUNCH_SECRET"  # noqa: S105 - a name
CODE_PARAM = "launch"
CODE_SECONDS = 600
HOST = "127.0.0.1"


def new_token() -> str:
    """A fresh random token: 256 bits, URL- and cookie-safe characters only."""
    return secrets.token_urlsafe(32)


def cookie_name(port: int) -> str:
    """The cookie's name: cookies are shared by every port of a host, so each server's own
    name keeps two journals open in one browser from overwriting each other's."""
    return f"reflective_journal_{port}"


def same_secret(given: str, expected: str) -> bool:
    """Whether two secrets are equal, in time that does not depend on where they differ."""
    return hmac.compare_digest(given.encode(), expected.encode())


def _signature(token: str, stamp: str) -> str:
    return hmac.new(token.encode(), f"launch:{stamp}".encode(), hashlib.sha256).hexdigest()


def launch_code(token: str, now: float | None = None) -> str:
    """A single-use code for the address the browser opens: `time.nonce.signature`."""
    stamp = f"{int(time.time() if now is None else now)}.{secrets.token_urlsafe(12)}"
    return f"{stamp}.{_signature(token, stamp)}"


def launch_url(port: int, token: str) -> str:
    """The address to open: this computer, the server's port, a fresh launch code."""
    return f"http://{HOST}:{port}/?{CODE_PARAM}={launch_code(token)}"


def clean_location(path: str, query: str) -> str:
    """Where a launch address redirects: the same path and query without the launch code.
    Slashes and backslashes at the start collapse to one, so it never leaves this server."""
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != CODE_PARAM]
    location = "/" + quote(path.lstrip("/\\"), safe="/:@!$&'()*+,;=-._~")
    return location + (f"?{urlencode(kept)}" if kept else "")


def code_in(query: str) -> str | None:
    """The launch code a query string carries, or None."""
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == CODE_PARAM:
            return value
    return None


class LaunchCodes:
    """Accepts each launch code signed with the token once, within CODE_SECONDS. Only the
    token's holder can make codes that reach the list of used ones, so it stays short."""

    def __init__(self, token: str) -> None:
        self._token = token
        self._used: dict[str, float] = {}

    def accept(self, code: str, now: float | None = None) -> bool:
        """Whether `code` is genuine, fresh and not used before; using it spends it."""
        moment = time.time() if now is None else now
        stamp, _, signature = code.rpartition(".")
        seconds, _, nonce = stamp.partition(".")
        if not (seconds.isdigit() and nonce and signature):
            return False
        if not same_secret(signature, _signature(self._token, stamp)):
            return False
        if not -60 <= moment - int(seconds) <= CODE_SECONDS or stamp in self._used:
            return False
        self._forget_expired(moment)
        self._used[stamp] = moment
        return True

    def _forget_expired(self, now: float) -> None:
        for stamp in [s for s, at in self._used.items() if now - at > CODE_SECONDS + 60]:
            del self._used[stamp]
