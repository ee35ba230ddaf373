"""Typed records of the journal, in the practitioner's words.

Each record is a dataclass with a `KIND` (the plaintext `kind` column) and an opaque
random `id`. Everything else is encrypted: `to_plain` and `from_plain` convert to and
from the JSON-ready dict that goes inside the ciphertext.
"""

from __future__ import annotations

import dataclasses
import secrets
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar

# Betan, Heim, Zittel Conklin & Westen (2005): the eight countertransference dimensions.
REACTIONS: tuple[str, ...] = (
    "overwhelmed/disorganized",
    "helpless/inadequate",
    "positive",
    "special/overinvolved",
    "sexualized",
    "disengaged",
    "parental/protective",
    "criticized/mistreated",
)
DOMAINS: tuple[str, ...] = (
    "transference",
    "countertransference",
    "boundaries",
    "biases",
    "presence",
    "alliance",
    # added 2026-12 (CLINICAL.md, "Prompt library rules"); the last three are for physical work
    "safeguarding",
    "endings",
    "telehealth",
    "burnout",
    "groups",
    "culture",
    "disclosure",
    "nocebo",
    "chaperones",
    "manipulation",
)
PROFESSIONS: tuple[str, ...] = ("psychotherapy/counselling", "physiotherapy", "osteopathy", "other")
MODALITIES: tuple[str, ...] = ("in person", "video", "phone")
FEEDBACK_SOURCES: tuple[str, ...] = ("kiosk", "paper", "csv", "remote")
OUTCOME_SOURCES: tuple[str, ...] = ("kiosk", "paper", "csv", "remote")
REQUEST_STATUSES: tuple[str, ...] = ("open", "answered", "expired", "withdrawn")
# the practitioner's blind call on a client's course (CLINICAL.md, "Outcome measures")
PREDICTIONS: tuple[str, ...] = ("improving", "same", "worse")


def new_id() -> str:
    """128-bit random id, hex: opaque, reveals nothing about the record."""
    return secrets.token_hex(16)


def now() -> datetime:
    """Timezone-aware UTC now: the one clock every record uses."""
    return datetime.now(UTC)


@dataclass
class Client:
    """A client, known only by a pseudonymous code (and an optional private alias)."""

    KIND: ClassVar[str] = "client"
    code: str
    alias: str = ""
    status: str = "active"
    started_on: date | None = None
    goals: str = ""
    instrument: str = "sac4"
    # the outcome measure taken at the start of each session ("" = none)
    outcome_measure: str = ""
    id: str = field(default_factory=new_id)


@dataclass
class Session:
    """One meeting with a client."""

    KIND: ClassVar[str] = "session"
    client_id: str
    date: date
    number: int
    modality: str = "in person"
    duration_minutes: int = 50
    late_cancellation: bool = False
    id: str = field(default_factory=new_id)


@dataclass
class Estimate:
    """The practitioner's read of the session, recorded before any patient feedback is seen."""

    KIND: ClassVar[str] = "estimate"
    session_id: str
    instrument: str
    items: dict[str, int]
    presence: int | None = None
    withdrawal_markers: list[str] = field(default_factory=list)
    confrontation_markers: list[str] = field(default_factory=list)
    recorded_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)

    @property
    def total(self) -> int:
        return sum(self.items.values())


@dataclass
class Feedback:
    """The patient's own rating of the session."""

    KIND: ClassVar[str] = "feedback"
    session_id: str
    instrument: str
    # whole numbers are kept as ints; an instrument may allow one decimal place
    items: dict[str, float]
    comment: str = ""
    source: str = "paper"
    recorded_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)

    @property
    def total(self) -> float:
        total = sum(self.items.values())
        # 7.3 + 8.1 is 15.399999… in binary: a total shows the places its items had
        return round(total, 1) if isinstance(total, float) else total


@dataclass
class Outcome:
    """The client's outcome score, taken at the start of a session; the client's first
    one is their baseline."""

    KIND: ClassVar[str] = "outcome"
    session_id: str
    measure: str
    # every answer by item id, unscored ones too (PHQ-9's closing difficulty question)
    items: dict[str, float]
    total: float
    # PSFS: the activities the client named, by item id
    activities: dict[str, str] = field(default_factory=dict)
    source: str = "paper"
    # risk items answered above 0: the practitioner is told until they acknowledge it
    risk_items: list[str] = field(default_factory=list)
    risk_acknowledged_at: datetime | None = None
    recorded_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass
class Prediction:
    """The practitioner's call, after saving their read and before seeing the session's
    outcome score: is this client improving, the same or getting worse since they began?"""

    KIND: ClassVar[str] = "prediction"
    session_id: str
    client_id: str
    expected: str  # one of PREDICTIONS
    # False when the session's outcome score was typed by you before the call (you saw it)
    blind: bool = True
    recorded_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass
class FeedbackRequest:
    """A feedback form sent to a client seen at a distance: one self-contained HTML file
    holding the questions, `request_id` and the public half of this request's own key pair.
    The answer comes back encrypted to that key; `private_key` never leaves the journal."""

    KIND: ClassVar[str] = "feedback_request"
    session_id: str
    request_id: str
    # the alliance instrument, and the outcome measure when the client has one
    instrument: str
    measure: str
    private_key: str
    expires_at: datetime
    greeting: str = ""
    # "open", "answered" or "withdrawn" as stored; "expired" is read from expires_at
    status: str = "open"
    answered_at: datetime | None = None
    created_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass
class Answer:
    """A prompt as it was shown, and what the practitioner wrote."""

    prompt_id: str
    prompt_text: str
    answer: str = ""


@dataclass
class Reflection:
    """A reflection, on a session or free-standing (session_id None)."""

    KIND: ClassVar[str] = "reflection"
    session_id: str | None = None
    client_id: str | None = None
    framework: str = "free"
    focus_domains: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    reactions: dict[str, int] = field(default_factory=dict)
    free_text: str = ""
    next_step: str = ""
    tags: list[str] = field(default_factory=list)
    flagged_for_supervision: bool = False
    written_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)

    def text(self) -> str:
        """All the words of the reflection, for search."""
        parts = [a.answer for a in self.answers] + [self.free_text, self.next_step]
        return "\n".join(p for p in parts if p)


@dataclass
class Draft:
    """Unsaved work of a screen, autosaved (encrypted) so nothing typed is lost."""

    KIND: ClassVar[str] = "draft"
    key: str
    fields: dict[str, Any] = field(default_factory=dict)
    saved_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass
class Settings:
    """The practitioner's preferences; one per journal."""

    KIND: ClassVar[str] = "settings"
    profession: str = "psychotherapy/counselling"
    idle_minutes: int = 10
    rupture_thresholds: dict[str, float] = field(default_factory=dict)
    srs_cutoff_inclusive: bool = True
    custom_instruments: list[dict[str, Any]] = field(default_factory=list)
    custom_prompts: list[dict[str, Any]] = field(default_factory=list)
    hidden_prompts: list[str] = field(default_factory=list)
    supervision_target_hours: float = 1.5
    backup_folder: str = ""
    backup_keep: int = 5
    # relatives, employers, towns, schools: redacted in every later share
    always_redact: list[str] = field(default_factory=list)
    # not on track: no reliable improvement by this session (CLINICAL.md)
    not_on_track_session: int = 6
    custom_outcomes: list[dict[str, Any]] = field(default_factory=list)
    # days a remote feedback form stays answerable
    request_expiry_days: int = 14
    id: str = field(default_factory=new_id)


@dataclass
class Identity:
    """This journal's own sharing keys (X25519 and Ed25519), encrypted like every record."""

    KIND: ClassVar[str] = "identity"
    keys: dict[str, Any]
    name: str = ""
    created_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass
class Contact:
    """A supervisor or supervisee whose public key card was pinned after comparing
    fingerprints out of band."""

    KIND: ClassVar[str] = "contact"
    name: str
    card: str
    fingerprint: str
    role: str = "supervisor"
    pinned_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass
class SupervisionMeeting:
    """One supervision session in the log: for CPD evidence and the monthly-hours chart."""

    KIND: ClassVar[str] = "supervision"
    date: date
    minutes: int
    supervisor: str = ""
    functions: list[str] = field(default_factory=list)
    notes: str = ""
    type: str = "individual"  # one of SUPERVISION_TYPES
    id: str = field(default_factory=new_id)


@dataclass
class SentShare:
    """A bundle of entries this journal wrote: what was shared, with whom, and when.

    Comments coming back are accepted only for entries shared with their author.
    """

    KIND: ClassVar[str] = "sent_share"
    bundle_id: str
    items: list[dict[str, Any]]
    recipients: list[str] = field(default_factory=list)
    recipient_names: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    sent_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass
class ReceivedBundle:
    """A verified bundle imported from a pinned contact, kept read-only as it came."""

    KIND: ClassVar[str] = "received_bundle"
    bundle_id: str
    kind: str
    sender_name: str
    sender_fingerprint: str
    created_at: str
    payload: dict[str, Any]
    received_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass
class Comment:
    """A comment on one shared entry, or a reply in a comment's thread.

    `contact_fingerprint` is the other party's. A comment written in this journal has
    `received` False; one that came in a bundle has `received` True, and
    `remote_id`/`remote_revision` name it as its author numbered it. `reply_to` is empty
    for a comment that starts a thread, else the thread's first comment as its author
    numbered it. Deleting keeps a tombstone (`deleted_at` set, text emptied) so the
    deletion travels in the next bundle.
    """

    KIND: ClassVar[str] = "comment"
    entry_id: str
    entry_revision: int
    text: str
    contact_fingerprint: str
    functions: list[str] = field(default_factory=list)
    author: str = ""
    received: bool = False
    remote_id: str = ""
    remote_revision: int = 0
    written_at: datetime = field(default_factory=now)
    reply_to: str = ""
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    id: str = field(default_factory=new_id)


RECORD_TYPES: dict[str, type] = {
    cls.KIND: cls
    for cls in (
        Client,
        Session,
        Estimate,
        Feedback,
        Outcome,
        Prediction,
        FeedbackRequest,
        Reflection,
        Draft,
        Settings,
        Identity,
        Contact,
        SupervisionMeeting,
        SentShare,
        ReceivedBundle,
        Comment,
    )
}
CONTACT_ROLES: tuple[str, ...] = ("supervisor", "supervisee")
PROCTOR_FUNCTIONS: tuple[str, ...] = ("normative", "formative", "restorative")
SUPERVISION_TYPES: tuple[str, ...] = ("individual", "group")

Record = (
    Client
    | Session
    | Estimate
    | Feedback
    | Outcome
    | Prediction
    | FeedbackRequest
    | Reflection
    | Draft
    | Settings
    | Identity
    | Contact
    | SupervisionMeeting
    | SentShare
    | ReceivedBundle
    | Comment
)


# ---- conversion to and from the JSON inside the ciphertext -------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


def to_plain(record: Any) -> dict[str, Any]:
    """The dict that is serialised and encrypted (the id travels in the row, not here)."""
    return {
        f.name: _encode(getattr(record, f.name))
        for f in dataclasses.fields(record)
        if f.name != "id"
    }


def _converter(hint: Any) -> Any:
    """How JSON for `hint` becomes Python, or None where the JSON value is already right."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _converter(inner[0])  # None itself is left as it is by the caller
    if hint is datetime:
        return datetime.fromisoformat
    if hint is date:
        return date.fromisoformat
    if origin is list:
        (item,) = typing.get_args(hint)
        if dataclasses.is_dataclass(item):
            decode_item = _codec(item).decode
            return lambda values: [decode_item(v) for v in values]
    if dataclasses.is_dataclass(hint):
        return _codec(hint).decode
    return None


class _Codec:
    """Turns the JSON of one dataclass back into an instance; built once per class."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        hints = typing.get_type_hints(cls)
        self.fields = frozenset(f.name for f in dataclasses.fields(cls))
        self.converters = tuple(
            (name, convert)
            for name in sorted(self.fields)
            if (convert := _converter(hints[name])) is not None
        )

    def decode(self, data: dict[str, Any], record_id: str | None = None) -> Any:
        """Build the instance from `data` (a fresh dict from json.loads, changed in place)."""
        for name, convert in self.converters:
            value = data.get(name)
            if value is not None:
                data[name] = convert(value)
        if record_id is not None:
            data["id"] = record_id
        if data.keys() == self.fields:
            # every field present: skip __init__, which costs more than the JSON parse
            record = object.__new__(self.cls)
            record.__dict__ = data
            return record
        return self.cls(**{k: v for k, v in data.items() if k in self.fields})


_CODECS: dict[type, _Codec] = {}


def _codec(cls: type) -> _Codec:
    if cls not in _CODECS:
        _CODECS[cls] = _Codec(cls)
    return _CODECS[cls]


def decoders() -> dict[str, Callable[[dict[str, Any], str], Any]]:
    """`from_plain` for each kind, looked up once: what opening a journal calls per row."""
    return {kind: _codec(cls).decode for kind, cls in RECORD_TYPES.items()}


def from_plain(kind: str, record_id: str, data: dict[str, Any]) -> Any:
    """Rebuild a typed record from its decrypted JSON.

    Missing fields (an older version) take their defaults; unknown keys (a newer minor
    version) are ignored. `data` is consumed.
    """
    return _codec(RECORD_TYPES[kind]).decode(data, record_id)
