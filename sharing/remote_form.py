"""Feedback forms for clients seen at a distance, and the encrypted answers they send back.

The journal writes one self-contained HTML page per request (`form_html`): the questions
in the client's wording as a JSON data block, a one-time request id and the public half
of a P-256 key pair made for this request alone (`new_key_pair`). The page's own script
asks the questions, and on Finish encrypts the answers in the browser (WebCrypto: ECDH
with a fresh ephemeral key, HKDF-SHA256, AES-256-GCM) into a short armored text block
the client copies back. `open_answer` reads that block and decrypts it with the
request's private key, which never leaves the journal.

No network and no server: the page loads nothing (a Content-Security-Policy forbids
it) and sends nothing. The format, its checks and test vectors are in
storage/FORMAT.md §12. This module is pure: the journal's side (which requests are open,
what gets saved) is practice/remote_feedback.py.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import json
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from prompts.library import Instrument
from prompts.outcomes import OutcomeMeasure
from storage.errors import JournalError

__all__ = [
    "ANSWER_FORMAT",
    "ARMOR_BEGIN",
    "ARMOR_END",
    "FORM_FORMAT",
    "AnswerError",
    "RemoteAnswer",
    "armor",
    "derive_key",
    "form_data",
    "form_html",
    "new_key_pair",
    "new_request_id",
    "open_answer",
]

VERSION = 1
FORM_FORMAT = "reflective-journal-form/1"
ANSWER_FORMAT = "reflective-journal-answer/1"
# the HKDF info string: a key derived for another purpose or version never matches
HKDF_INFO = b"reflective-journal-answer/1"
ARMOR_BEGIN = "-----BEGIN REFLECTIVE JOURNAL ANSWER-----"
ARMOR_END = "-----END REFLECTIVE JOURNAL ANSWER-----"
ARMOR_LINE = 64

REQUEST_ID_BYTES = 16
POINT_BYTES = 65  # an uncompressed P-256 point: 0x04 || X || Y
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = 1 + REQUEST_ID_BYTES + POINT_BYTES + NONCE_BYTES

MAX_COMMENT = 4000
MAX_ACTIVITY = 80
MAX_GREETING = 300
MAX_ITEMS = 40
MAX_PLAINTEXT = 32 * 1024
# the armored text of the largest answer, with room for email quoting and line ends
MAX_ANSWER_TEXT = 64 * 1024

_TEMPLATE = Path(__file__).resolve().parent / "remote_form.html"
_PLACEHOLDER = re.compile(r"\{\{(csp|greeting|data)\}\}")
_JSON_IN_HTML = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
_REQUEST_ID = re.compile(r"[0-9a-f]{32}")
_ITEM_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_ID_LIMIT = 60
# a pasted line: any email quoting ("> ", ">> ") before it, blanks around it
_QUOTING = re.compile(r"^[\s>]*")
_BEGIN = re.compile(r"-{3,}\s*BEGIN REFLECTIVE JOURNAL ANSWER\s*-{3,}")
_END = re.compile(r"-{3,}\s*END REFLECTIVE JOURNAL ANSWER\s*-{3,}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")

_NOTHING = " Nothing was imported."
NOT_AN_ANSWER = (
    "This is not a client's answer: paste the whole block from its "
    "“-----BEGIN REFLECTIVE JOURNAL ANSWER-----” line to its “-----END” line." + _NOTHING
)
TWO_ANSWERS = "This text holds more than one answer: paste one at a time." + _NOTHING
CUT_SHORT = (
    "This answer is cut short: part of it is missing. Ask your client to copy the whole "
    "block again, or to send the answer file." + _NOTHING
)
TOO_LONG = "This is far longer than a client's answer can be." + _NOTHING
DAMAGED = (
    "This answer is damaged or changed: it does not decrypt as your client's browser "
    "wrote it. Ask your client to copy the whole block again, or to send the answer "
    "file." + _NOTHING
)
NEWER_VERSION = (
    "This answer was written by a newer version of the form than this app reads. "
    "Update the app." + _NOTHING
)
NOT_FOR_THIS_JOURNAL = (
    "This answer is not for a request of this journal: it answers a form another journal "
    "sent, or the request was deleted." + _NOTHING
)
OTHER_REQUEST = (
    "This answer is damaged or changed: inside, it names another request than the one "
    "it is labelled with." + _NOTHING
)
BAD_CONTENT = "This answer's content is not what the form writes ({detail})." + _NOTHING


class AnswerError(JournalError):
    """A client's answer that cannot be imported; `str()` says why, in plain words, and
    `reason` is a short stable code for tests."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class RemoteAnswer:
    """What a client answered on a remote form, decrypted and checked for shape (not yet
    against the instrument: practice/remote_feedback.py does that)."""

    request_id: str
    # the client's own clock: shown, never trusted
    answered_at: datetime
    instrument: str
    items: dict[str, float]
    comment: str = ""
    measure: str = ""  # "" when the form asked no outcome measure
    outcome_items: dict[str, float] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)


# ---- keys -------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_request_id() -> str:
    """A random one-time request id: 16 bytes as 32 lowercase hex characters."""
    return secrets.token_hex(REQUEST_ID_BYTES)


def new_key_pair() -> tuple[str, str]:
    """A fresh P-256 key pair for one request: (private, public), both base64url without
    padding; the private key is its 32-byte scalar, the public key the 65-byte
    uncompressed point the form's script imports."""
    private = ec.generate_private_key(ec.SECP256R1())
    return _private_text(private), public_key_of(_private_text(private))


def _private_text(private: ec.EllipticCurvePrivateKey) -> str:
    return _b64url(private.private_numbers().private_value.to_bytes(32, "big"))


def _private_key(text: str) -> ec.EllipticCurvePrivateKey:
    raw = _unb64url(text)
    if len(raw) != 32:
        raise ValueError("a P-256 private key is 32 bytes")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def public_key_of(private_key: str) -> str:
    """The public key (uncompressed point, base64url) of a stored private key."""
    point = (
        _private_key(private_key)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return _b64url(point)


def derive_key(shared_secret: bytes, request_id: bytes) -> bytes:
    """The AES-256-GCM key: HKDF-SHA256 over the ECDH shared secret (the x-coordinate),
    salted with the request id's 16 bytes (FORMAT.md §12.3)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=request_id, info=HKDF_INFO).derive(
        shared_secret
    )


# ---- the form ---------------------------------------------------------------------------


def _outcome_item(measure: OutcomeMeasure, item: Any) -> dict[str, Any]:
    """One outcome question as the form's script draws it (`kind` says how)."""
    data: dict[str, Any] = {
        "id": item.id,
        "text": item.text or item.label,
        "required": item.scored and not measure.named_items,
    }
    if measure.named_items:
        data["kind"] = "activity"
        data["text"] = item.label
    elif item.options or measure.options:
        data["kind"] = "choices"
        data["choices"] = [[label, score] for label, score in measure.choices(item)]
    elif measure.decimals:
        data["kind"] = "number"
    else:
        data["kind"] = "scale"
    return data


def form_data(
    request_id: str,
    public_key: str,
    alliance: Instrument,
    outcome: OutcomeMeasure | None,
    expires_at: datetime,
) -> dict[str, Any]:
    """The JSON data block of a form (FORMAT.md §12.1): the questions in the client's
    wording, the request id and the request's public key. Nothing names the client."""
    if not _REQUEST_ID.fullmatch(request_id):
        raise ValueError("a request id is 32 lowercase hex characters")
    if len(_unb64url(public_key)) != POINT_BYTES:
        raise ValueError("a public key is a 65-byte uncompressed P-256 point")
    measure = None
    if outcome is not None:
        measure = {
            "measure": outcome.id,
            "stem": outcome.stem,
            "low_anchor": outcome.low_anchor,
            "high_anchor": outcome.high_anchor,
            "min": outcome.min_score,
            "max": outcome.max_score,
            "decimals": outcome.decimals,
            "named_items": outcome.named_items,
            "attribution": outcome.attribution,
            "licence": outcome.licence,
            "items": [_outcome_item(outcome, item) for item in outcome.items],
        }
    number = "number" if alliance.decimals else "scale"
    return {
        "format": FORM_FORMAT,
        "request_id": request_id,
        "public_key": public_key,
        "expires_at": expires_at.isoformat(),
        "outcome": measure,
        "alliance": {
            "instrument": alliance.id,
            "low_anchor": alliance.low_anchor,
            "high_anchor": alliance.high_anchor,
            "min": alliance.min_score,
            "max": alliance.max_score,
            "decimals": alliance.decimals,
            "comment_prompt": alliance.comment_prompt or "Anything you would like to add?",
            "items": [
                {"id": item.id, "text": item.patient or item.label, "kind": number}
                for item in alliance.items
            ],
        },
    }


@cache
def _template() -> tuple[str, str]:
    """The page's template and its Content-Security-Policy, whose hashes allow exactly
    the template's one inline script and one inline style (read once, no user data)."""
    page = _TEMPLATE.read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    styles = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    if len(scripts) != 1 or len(styles) != 1 or _PLACEHOLDER.search(scripts[0] + styles[0]):
        raise RuntimeError("remote_form.html must hold one static <script> and one <style>")

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    csp = (
        f"default-src 'none'; script-src {digest(scripts[0])}; style-src {digest(styles[0])}; "
        "connect-src 'none'; img-src 'none'; form-action 'none'; base-uri 'none'"
    )
    return page, csp


def form_html(
    request_id: str,
    public_key: str,
    alliance: Instrument,
    outcome: OutcomeMeasure | None,
    greeting: str,
    expires_at: datetime,
) -> str:
    """One self-contained HTML page: the outcome measure (when given) then the alliance
    instrument and its comment question, Finish, and the encrypted answer block to copy
    back. Loads nothing and sends nothing; the greeting is the only free text in it."""
    page, csp = _template()
    data = json.dumps(
        form_data(request_id, public_key, alliance, outcome, expires_at),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    greeting = greeting.strip()[:MAX_GREETING]
    values = {
        "csp": html.escape(csp, quote=True),
        "greeting": f'<p class="greeting">{html.escape(greeting)}</p>' if greeting else "",
        # JSON, with nothing in it that could end the block or open markup
        "data": data.translate(_JSON_IN_HTML),
    }
    # one pass: a greeting holding "{{data}}" stays text
    return _PLACEHOLDER.sub(lambda found: values[found.group(1)], page)


# ---- the answer -------------------------------------------------------------------------


def armor(data: bytes) -> str:
    """The answer's bytes as the text block a client copies (Base64 in 64-character
    lines between the BEGIN and END lines)."""
    text = base64.b64encode(data).decode("ascii")
    lines = [text[i : i + ARMOR_LINE] for i in range(0, len(text), ARMOR_LINE)]
    return "\n".join([ARMOR_BEGIN, *lines, ARMOR_END]) + "\n"


def dearmor(text: str | bytes) -> bytes:
    """The bytes of the one answer block in `text` (pasted text, or an answer file's
    bytes in UTF-8), however it was pasted: CRLF, email quoting ("> "), extra blank
    lines or words around it, lines wrapped or joined."""
    if isinstance(text, bytes | bytearray):
        # an uploaded answer file
        if len(text) > MAX_ANSWER_TEXT * 4:
            raise AnswerError(TOO_LONG, "too_long")
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise AnswerError(NOT_AN_ANSWER, "not_an_answer") from None
    if not isinstance(text, str):
        raise AnswerError(NOT_AN_ANSWER, "not_an_answer")
    if len(text) > MAX_ANSWER_TEXT:
        raise AnswerError(TOO_LONG, "too_long")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # a chat that joins the lines into one keeps the BEGIN and END markers apart still
    unquoted = "\n".join(_QUOTING.sub("", line) for line in lines)
    begins = list(_BEGIN.finditer(unquoted))
    if not begins:
        raise AnswerError(NOT_AN_ANSWER, "not_an_answer")
    if len(begins) > 1:
        raise AnswerError(TWO_ANSWERS, "two_answers")
    end = _END.search(unquoted, begins[0].end())
    if end is None:
        raise AnswerError(CUT_SHORT, "cut_short")
    body = "".join(unquoted[begins[0].end() : end.start()].split())
    if not body:
        raise AnswerError(NOT_AN_ANSWER, "not_an_answer")
    if not _BASE64.fullmatch(body):
        raise AnswerError(DAMAGED, "damaged")
    try:
        # a lost "=" at the end is the one slip of a pasted block that is safe to mend
        return base64.b64decode(body.rstrip("=") + "=" * (-len(body.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise AnswerError(CUT_SHORT, "cut_short") from None


def open_answer(text: str | bytes, private_key_for: Callable[[str], str | None]) -> RemoteAnswer:
    """Decrypt and check a client's answer (FORMAT.md §12.5, in that order); raises
    AnswerError with the reason at the first failure and never returns part of one.

    `private_key_for(request_id)` gives the private key of this journal's request with
    that id, or None when the journal has no such request."""
    data = dearmor(text)
    if len(data) < HEADER_BYTES + TAG_BYTES:
        raise AnswerError(CUT_SHORT, "cut_short")
    if len(data) > HEADER_BYTES + MAX_PLAINTEXT + TAG_BYTES:
        raise AnswerError(TOO_LONG, "too_long")
    if data[0] != VERSION:
        if data[0] > VERSION:
            raise AnswerError(NEWER_VERSION, "newer_version")
        raise AnswerError(DAMAGED, "damaged")
    header = data[:HEADER_BYTES]
    request_bytes = data[1 : 1 + REQUEST_ID_BYTES]
    request_id = request_bytes.hex()
    ephemeral = data[1 + REQUEST_ID_BYTES : 1 + REQUEST_ID_BYTES + POINT_BYTES]
    nonce = data[HEADER_BYTES - NONCE_BYTES : HEADER_BYTES]
    private_text = private_key_for(request_id)
    if private_text is None:
        raise AnswerError(NOT_FOR_THIS_JOURNAL, "not_for_this_journal")
    try:
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ephemeral)
        shared = _private_key(private_text).exchange(ec.ECDH(), peer)
        key = derive_key(shared, request_bytes)
        plaintext = AESGCM(key).decrypt(nonce, data[HEADER_BYTES:], header)
    except (InvalidTag, ValueError):
        raise AnswerError(DAMAGED, "damaged") from None
    return _answer(plaintext, request_id)


# ---- the plaintext ----------------------------------------------------------------------


def _bad(detail: str) -> AnswerError:
    return AnswerError(BAD_CONTENT.format(detail=detail), "bad_content")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _bad(f"“{key[:_ID_LIMIT]}” twice")
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise _bad(f"{name} is not a number")


def _object(value: Any, keys: set[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != keys:
        raise _bad(f"{where} has other fields than {', '.join(sorted(keys))}")
    return value


def _text(value: Any, limit: int, where: str) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _bad(f"{where} is not text of at most {limit} characters")
    return value


def _identifier(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) > _ID_LIMIT or not _ITEM_ID.fullmatch(value):
        raise _bad(f"{where} is not an id")
    return value


def _scores(value: Any, where: str) -> dict[str, float]:
    if not isinstance(value, dict) or len(value) > MAX_ITEMS:
        raise _bad(f"{where} is not a list of at most {MAX_ITEMS} scores")
    found: dict[str, float] = {}
    for key, score in value.items():
        _identifier(key, f"an item of {where}")
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise _bad(f"a score of {where} is not a number")
        if not math.isfinite(score) or abs(score) > 1000:
            raise _bad(f"a score of {where} is out of any range")
        found[key] = score
    return found


def _answer(plaintext: bytes, request_id: str) -> RemoteAnswer:
    """The decrypted JSON, checked for shape and size (FORMAT.md §12.4)."""
    try:
        data = json.loads(
            plaintext.decode("utf-8"),
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constant,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _bad("not JSON") from None
    top = _object(
        data, {"format", "request_id", "answered_at", "alliance", "outcome"}, "the answer"
    )
    if top["format"] != ANSWER_FORMAT:
        raise _bad("an unknown format")
    if top["request_id"] != request_id:
        raise AnswerError(OTHER_REQUEST, "other_request")
    try:
        answered_at = datetime.fromisoformat(_text(top["answered_at"], 40, "the time"))
    except ValueError:
        raise _bad("the time is not a date and time") from None
    if answered_at.tzinfo is None:
        raise _bad("the time has no time zone")
    alliance = _object(top["alliance"], {"instrument", "items", "comment"}, "the session rating")
    outcome = top["outcome"]
    answer = RemoteAnswer(
        request_id=request_id,
        answered_at=answered_at,
        instrument=_identifier(alliance["instrument"], "the instrument"),
        items=_scores(alliance["items"], "the session rating"),
        comment=_text(alliance["comment"], MAX_COMMENT, "the comment"),
    )
    if outcome is None:
        return answer
    outcome = _object(outcome, {"measure", "items", "activities"}, "the outcome answers")
    activities = outcome["activities"]
    if not isinstance(activities, dict) or len(activities) > MAX_ITEMS:
        raise _bad("the activities are not a list of names")
    named = {
        _identifier(key, "an activity"): _text(name, MAX_ACTIVITY, "an activity's name")
        for key, name in activities.items()
    }
    return RemoteAnswer(
        request_id=answer.request_id,
        answered_at=answer.answered_at,
        instrument=answer.instrument,
        items=answer.items,
        comment=answer.comment,
        measure=_identifier(outcome["measure"], "the outcome measure"),
        outcome_items=_scores(outcome["items"], "the outcome answers"),
        activities=named,
    )
