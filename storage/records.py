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
)
PROFESSIONS: tuple[str, ...] = ("psychotherapy/counselling", "physiotherapy", "osteopathy", "other")
MODALITIES: tuple[str, ...] = ("in person", "video", "phone")
FEEDBACK_SOURCES: tuple[str, ...] = ("kiosk", "paper", "csv")


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
    items: dict[str, int]
    comment: str = ""
    source: str = "paper"
    recorded_at: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)

    @property
    def total(self) -> int:
        return sum(self.items.values())


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
    id: str = field(default_factory=new_id)


RECORD_TYPES: dict[str, type] = {
    cls.KIND: cls for cls in (Client, Session, Estimate, Feedback, Reflection, Draft, Settings)
}

Record = Client | Session | Estimate | Feedback | Reflection | Draft | Settings


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


def _decoder(hint: Any):
    """A function turning JSON for `hint` back into Python; built once per field."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        decode = _decoder(inner[0])
        return lambda v: None if v is None else decode(v)
    if hint is datetime:
        return datetime.fromisoformat
    if hint is date:
        return date.fromisoformat
    if origin is list:
        (item,) = typing.get_args(hint)
        if dataclasses.is_dataclass(item):
            decode_item = _decoder(item)
            return lambda v: [decode_item(x) for x in v]
        return list
    if dataclasses.is_dataclass(hint):
        fields = _field_decoders(hint)
        return lambda v: hint(**{k: d(v[k]) for k, d in fields.items() if k in v})
    return lambda v: v


_DECODERS: dict[type, dict[str, Any]] = {}


def _field_decoders(cls: type) -> dict[str, Any]:
    if cls not in _DECODERS:
        hints = typing.get_type_hints(cls)
        _DECODERS[cls] = {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(cls)}
    return _DECODERS[cls]


def from_plain(kind: str, record_id: str, data: dict[str, Any]) -> Any:
    """Rebuild a typed record; unknown keys (from a newer minor version) are ignored."""
    cls = RECORD_TYPES[kind]
    decoders = _field_decoders(cls)
    values = {k: decoders[k](v) for k, v in data.items() if k in decoders}
    values["id"] = record_id
    return cls(**values)
