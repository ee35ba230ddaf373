"""The prompt library: prompts, frameworks and instruments, read from TOML and validated.

The shipped files live next to this module (one `DOMAIN.toml` per domain, plus
`frameworks.toml` and `instruments.toml`). Every file and field is checked on load; the
first problem raises `LibraryError`, whose message names the file, the entry's id and
the field, so a typo in a data file is found at once and never passes silently.

The user's own prompts and instruments (kept encrypted in Settings) arrive as plain
dicts of the same shape and go through the same checks (`custom_prompt`,
`custom_instrument`, `with_custom`).

Prompt texts also follow the wording rules of CLINICAL.md ("Prompt library rules
(2026-12)"), checked on load:

- One question: a text holds one "?" and no second question joined on (`second_question`).
- Stands alone: no phrase that refers back to another prompt (`back_reference`).
- A prompt marked `free_ok` (fit for a free reflection, not about one session) does not
  say "today", "the room" and the like (`session_reference`).

`library_for` words the built-in texts for the user's profession: "client" or "patient"
(`worded`).
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn

from storage.records import DOMAINS, PROFESSIONS

if TYPE_CHECKING:
    from storage.records import Settings

PROMPTS_DIR = Path(__file__).resolve().parent
PHASES: tuple[str, ...] = ("describe", "feel", "make_sense", "act")
PROFESSION_GROUPS: tuple[str, ...] = ("all", "psychological", "physical")
PROCTOR: tuple[str, ...] = ("normative", "formative", "restorative")
FRAMEWORKS_FILE = "frameworks.toml"
INSTRUMENTS_FILE = "instruments.toml"
OUTCOMES_FILE = "outcomes.toml"
FREE_ID = "free"

_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_MAX_ID = 60
_MAX_TEXT = 400
_MAX_FOLLOW_UPS = 3
_MAX_ITEMS = 40
_MAX_STAGES = 8
_SCORE_LIMIT = 100

_GROUP_OF_PROFESSION = {
    "psychotherapy/counselling": "psychological",
    "physiotherapy": "physical",
    "osteopathy": "physical",
    "other": "all",
}
assert set(_GROUP_OF_PROFESSION) == set(PROFESSIONS)


_REQUIRED: Any = object()  # marks a field without a default


class LibraryError(ValueError):
    """A prompt, framework or instrument that does not validate; the message says where."""


# ---- the records -------------------------------------------------------------------------


@dataclass(frozen=True)
class Prompt:
    """One reflective question, tagged with its domain, phase, professions and Proctor
    functions, with a few follow-up questions."""

    id: str
    domain: str
    text: str
    phase: str
    professions: tuple[str, ...]
    proctor: tuple[str, ...]
    follow_ups: tuple[str, ...]
    free_ok: bool = False  # fit for a free reflection: not about one session
    custom: bool = False


@dataclass(frozen=True)
class Stage:
    """One stage of a framework, with its guiding question and the phases it draws on."""

    id: str
    name: str
    question: str
    phases: tuple[str, ...]


@dataclass(frozen=True)
class Framework:
    """A reflective framework: ordered stages (none for free reflection)."""

    id: str
    name: str
    summary: str
    stages: tuple[Stage, ...]


FREE = Framework(
    id=FREE_ID,
    name="Free reflection",
    summary="No stages: answer the prompts in any order.",
    stages=(),
)


@dataclass(frozen=True)
class InstrumentItem:
    """One item of an instrument. Scores-only instruments carry a label and no wording."""

    id: str
    label: str
    patient: str = ""
    practitioner: str = ""
    subscale: str = ""


@dataclass(frozen=True)
class Instrument:
    """A session rating scale: item range, items, and an optional cutoff on the total."""

    id: str
    name: str
    min_score: int
    max_score: int
    items: tuple[InstrumentItem, ...]
    scores_only: bool
    cutoff: int | None
    low_anchor: str
    high_anchor: str
    comment_prompt: str = ""
    licence_note: str = ""
    note: str = ""  # shown where a user chooses the instrument (e.g. "not validated")
    custom: bool = False
    # decimal places a client's score may carry (paper forms marked on a 10 cm line give one)
    decimals: int = 0

    @property
    def total_min(self) -> int:
        return self.min_score * len(self.items)

    @property
    def total_max(self) -> int:
        return self.max_score * len(self.items)

    @property
    def subscales(self) -> dict[str, tuple[str, ...]]:
        """{subscale: item ids}, in item order (empty when the instrument has none)."""
        found: dict[str, list[str]] = {}
        for item in self.items:
            if item.subscale:
                found.setdefault(item.subscale, []).append(item.id)
        return {name: tuple(ids) for name, ids in found.items()}


@dataclass(frozen=True)
class Library:
    """Prompts, frameworks and instruments by id (read-only mappings)."""

    prompts: Mapping[str, Prompt]
    frameworks: Mapping[str, Framework]
    instruments: Mapping[str, Instrument]

    def __post_init__(self) -> None:
        # the built-in library is shared by every browser session: nobody may change it
        for name in ("prompts", "frameworks", "instruments"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def in_domain(self, domain: str) -> list[Prompt]:
        """The prompts of one domain, in file order (custom ones last)."""
        return [p for p in self.prompts.values() if p.domain == domain]

    def framework(self, framework_id: str) -> Framework:
        """The framework with this id; "free" is the built-in framework without stages."""
        if framework_id == FREE_ID:
            return FREE
        try:
            return self.frameworks[framework_id]
        except KeyError:
            raise KeyError(f"there is no framework '{framework_id}'") from None

    def framework_choices(self) -> list[Framework]:
        """Free reflection first, then the frameworks in file order: for a menu."""
        return [FREE, *self.frameworks.values()]


# ---- reading one table, field by field ---------------------------------------------------


class _Table:
    """One TOML table (or custom dict), read field by field with every check.

    `where` names the entry (e.g. "boundaries.toml: prompt 'boundaries-touch-consent'"),
    so each error message says file, id and field.
    """

    def __init__(self, data: object, where: str, fields: Iterable[str]) -> None:
        self.where = where
        if not isinstance(data, dict):
            raise LibraryError(f"{where}: expected a table of fields, got {_kind(data)}")
        self.data = data
        unknown = sorted(set(data) - set(fields))
        if unknown:
            expected = ", ".join(sorted(fields))
            self.fail(unknown[0], f"unknown field (expected one of: {expected})")

    def fail(self, name: str, problem: str) -> NoReturn:
        raise LibraryError(f"{self.where}, field '{name}': {problem}")

    def _get(self, name: str, default: Any) -> Any:
        if name not in self.data:
            if default is _REQUIRED:
                self.fail(name, "missing")
            return default
        return self.data[name]

    def text(self, name: str, default: Any = None, *, limit: int = _MAX_TEXT) -> str:
        """A string; required and non-blank unless a default is given."""
        value = self._get(name, _REQUIRED if default is None else default)
        if not isinstance(value, str):
            self.fail(name, f"expected text, got {_kind(value)}")
        value = value.strip()
        if default is None and not value:
            self.fail(name, "is empty")
        if len(value) > limit:
            self.fail(name, f"is longer than {limit} characters")
        return value

    def identifier(self, name: str = "id") -> str:
        value = self.text(name, limit=_MAX_ID)
        if not _ID.fullmatch(value):
            self.fail(name, f"'{value}' is not an id (lowercase letters, digits, - and _)")
        return value

    def choice(self, name: str, allowed: tuple[str, ...], default: Any = None) -> str:
        value = self.text(name, default)
        if value not in allowed:
            self.fail(name, f"'{value}' is not one of {', '.join(allowed)}")
        return value

    def integer(self, name: str) -> int:
        value = self._get(name, _REQUIRED)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"expected a whole number, got {_kind(value)}")
        return value

    def optional_integer(self, name: str) -> int | None:
        return None if self.data.get(name) is None else self.integer(name)

    def flag(self, name: str, default: bool) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            self.fail(name, f"expected true or false, got {_kind(value)}")
        return value

    def texts(
        self, name: str, *, least: int, most: int, default: Any = _REQUIRED
    ) -> tuple[str, ...]:
        """A list of non-blank strings, without repeats, of length least..most."""
        value = self._get(name, default)
        if not isinstance(value, list | tuple):
            self.fail(name, f"expected a list of text, got {_kind(value)}")
        cleaned = []
        for entry in value:
            if not isinstance(entry, str):
                self.fail(name, f"expected a list of text, but one entry is {_kind(entry)}")
            if not entry.strip():
                self.fail(name, "has an empty entry")
            if len(entry) > _MAX_TEXT:
                self.fail(name, f"has an entry longer than {_MAX_TEXT} characters")
            cleaned.append(entry.strip())
        if len(set(cleaned)) != len(cleaned):
            self.fail(name, "has the same entry twice")
        if not least <= len(cleaned) <= most:
            size = f"{least}" if least == most else f"{least} to {most}"
            self.fail(name, f"expected {size} entries, got {len(cleaned)}")
        return tuple(cleaned)

    def choices(
        self, name: str, allowed: tuple[str, ...], default: Any = _REQUIRED
    ) -> tuple[str, ...]:
        values = self.texts(name, least=1, most=len(allowed), default=default)
        for value in values:
            if value not in allowed:
                self.fail(name, f"'{value}' is not one of {', '.join(allowed)}")
        return values

    def tables(self, name: str, *, most: int) -> list[Any]:
        value = self._get(name, _REQUIRED)
        if not isinstance(value, list) or not value:
            self.fail(name, f"expected a non-empty list of tables, got {_kind(value)}")
        if len(value) > most:
            self.fail(name, f"expected at most {most} entries, got {len(value)}")
        return value


def _kind(value: object) -> str:
    """How a wrong value is described in a message (its type, never its content)."""
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }
    if isinstance(value, list) and not value:
        return "an empty list"
    return names.get(type(value), type(value).__name__)


def _entry_name(kind: str, data: object, position: int) -> str:
    """ "prompt 'x'" when the entry has a usable id, else "prompt #3" (1-based)."""
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"].strip():
        shown = data["id"].strip()
        shown = shown if len(shown) <= 60 else shown[:60] + "…"  # a message stays readable
        return f"{kind} '{shown}'"
    return f"{kind} #{position + 1}"


# ---- the wording rules (CLINICAL.md, "Prompt library rules (2026-12)") --------------------

_QUESTION_WORDS = "what|how|why|when|where|who|whom|whose|which"
_AUXILIARIES = (
    "am|is|are|was|were|do|does|did|have|has|had|can|could|will|would|shall|should|may|might|must"
)
# A second question joined on: ", and how ...", ", but did ...", ", and if not, what ...",
# " and why ...", " or what ...", ": was ...". An alternative ("Did X, or did Y?") is one
# question, so "or" followed by did/was/... is allowed, and so are question words joined
# to each other ("who or what", "when and how": the `paired` group).
_JOINED_QUESTION = re.compile(
    rf",\s*(?:and|but)\s+(?:if (?:not|so),\s*)?(?:{_QUESTION_WORDS}|{_AUXILIARIES})\b"
    rf"|(?P<paired>\b(?:{_QUESTION_WORDS}))?\s(?:and|but|or)\s+(?:{_QUESTION_WORDS})\b"
    rf"|[:;]\s+(?:{_QUESTION_WORDS}|{_AUXILIARIES})\b",
    re.IGNORECASE,
)
ONE_QUESTION_ADVICE = "ask one question; put the second in follow_ups"

# Phrases that point at something another prompt brought up: the selector may show any
# prompt on its own, so none may lean on another.
REFERS_BACK: tuple[str, ...] = (
    "that step",
    "this step",
    "that pattern",
    "this pattern",
    "that feeling",
    "this feeling",
    "that moment",
    "that limit",
    "this limit",
    "that reaction",
    "this reaction",
    "this way of relating",
    "the above",
    "as above",
    "as before",
    "the previous question",
    "the last question",
)
# Words that tie a prompt to one session: a prompt fit for free reflection has none.
ABOUT_ONE_SESSION: tuple[str, ...] = (
    "today",
    "tonight",
    "this session",
    "that session",
    "the session",
    "the room",
    "this patient",
    "this client",
)


def _phrases(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b", re.IGNORECASE)


_REFERS_BACK = _phrases(REFERS_BACK)
_ABOUT_ONE_SESSION = _phrases(ABOUT_ONE_SESSION)


def second_question(text: str) -> str:
    """What makes `text` ask more than one question, or "" when it asks one: "2 question
    marks", or the words that join a second question on (", and how")."""
    if (marks := text.count("?")) > 1:
        return f"{marks} question marks"
    for found in _JOINED_QUESTION.finditer(text):
        if not found.group("paired"):
            return " ".join(found.group().split())
    return ""


def back_reference(text: str) -> str:
    """The phrase of `REFERS_BACK` in `text` ("this pattern"), lowercased, or ""."""
    found = _REFERS_BACK.search(text)
    return found.group().lower() if found else ""


def session_reference(text: str) -> str:
    """The phrase of `ABOUT_ONE_SESSION` in `text` ("today"), lowercased, or ""."""
    found = _ABOUT_ONE_SESSION.search(text)
    return found.group().lower() if found else ""


def _check_wording(table: _Table, text: str, follow_ups: tuple[str, ...]) -> None:
    """One question in the text and in each follow-up; a text that stands alone."""
    if found := second_question(text):
        table.fail("text", f"asks more than one question ({found}): {ONE_QUESTION_ADVICE}")
    for number, follow_up in enumerate(follow_ups, start=1):
        if found := second_question(follow_up):
            table.fail(
                "follow_ups",
                f"entry {number} asks more than one question ({found}): "
                "ask one question in each follow-up",
            )
    if found := back_reference(text):
        table.fail(
            "text",
            f"refers back to another prompt ('{found}'): write it so it stands alone "
            "(any prompt may be shown on its own)",
        )


def _free_ok(table: _Table, text: str, follow_ups: tuple[str, ...], *, custom: bool) -> bool:
    """The `free_ok` flag: set in the file (default false) or, for the user's own prompts,
    true unless the text or a follow-up ties the prompt to one session."""
    tied = next((found for t in (text, *follow_ups) if (found := session_reference(t))), "")
    free_ok = table.flag("free_ok", not tied if custom else False)
    if free_ok and tied:
        table.fail(
            "free_ok",
            f"a prompt for free reflection (not about one session) cannot say '{tied}'",
        )
    return free_ok


# ---- prompts -----------------------------------------------------------------------------

_PROMPT_FIELDS = (
    "id",
    "domain",
    "text",
    "phase",
    "professions",
    "proctor",
    "follow_ups",
    "free_ok",
)


def _prompt(
    table: _Table, *, custom: bool, domain: str | None = None, wording_rules: bool = True
) -> Prompt:
    prompt_id = table.identifier()
    found_domain = table.choice("domain", DOMAINS)
    if domain is not None and found_domain != domain:
        table.fail("domain", f"'{found_domain}' does not match the file's domain '{domain}'")
    professions = table.choices("professions", PROFESSION_GROUPS, ["all"] if custom else _REQUIRED)
    if "all" in professions and len(professions) > 1:
        table.fail("professions", "'all' already includes every profession: use it alone")
    text = table.text("text")
    phase = table.choice("phase", PHASES, "make_sense" if custom else None)
    proctor = table.choices("proctor", PROCTOR, ["formative"] if custom else _REQUIRED)
    follow_ups = table.texts(
        "follow_ups",
        least=0 if custom else 1,
        most=_MAX_FOLLOW_UPS,
        default=[] if custom else _REQUIRED,
    )
    if wording_rules:
        _check_wording(table, text, follow_ups)
    return Prompt(
        id=prompt_id,
        domain=found_domain,
        text=text,
        phase=phase,
        professions=professions,
        proctor=proctor,
        follow_ups=follow_ups,
        free_ok=_free_ok(table, text, follow_ups, custom=custom),
        custom=custom,
    )


def custom_prompt(data: dict[str, Any], *, wording_rules: bool = True) -> Prompt:
    """A user's own prompt from its Settings dict, checked like a shipped one.

    Required: id, domain, text. Defaults: phase "make_sense", professions ["all"],
    proctor ["formative"], follow_ups [] (at most 3), free_ok true unless the text or a
    follow-up says "today", "the room" and the like. `wording_rules=False` skips the
    one-question and stands-alone checks (for prompts saved before those rules).
    """
    table = _Table(data, "custom " + _entry_name("prompt", data, 0), _PROMPT_FIELDS)
    return _prompt(table, custom=True, wording_rules=wording_rules)


def prompt_data(prompt: Prompt) -> dict[str, Any]:
    """The dict of a prompt as kept in Settings (round-trips through `custom_prompt`)."""
    return {
        "id": prompt.id,
        "domain": prompt.domain,
        "text": prompt.text,
        "phase": prompt.phase,
        "professions": list(prompt.professions),
        "proctor": list(prompt.proctor),
        "follow_ups": list(prompt.follow_ups),
        "free_ok": prompt.free_ok,
    }


def new_custom_prompt_id(text: str, existing: set[str]) -> str:
    """A readable id for a new custom prompt ("custom-what-did-i-notice"), not in
    `existing` (pass every id in use, built-in and custom)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())[:6]
    base = "-".join(["custom", *words] if words else ["custom", "prompt"])[: _MAX_ID - 4]
    base = base.rstrip("-")
    candidate, number = base, 1
    while candidate in existing:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


# ---- frameworks --------------------------------------------------------------------------


def _framework(table: _Table) -> Framework:
    framework_id = table.identifier()
    if framework_id == FREE_ID:
        table.fail("id", f"'{FREE_ID}' is built in (free reflection has no stages)")
    stages: list[Stage] = []
    for position, raw in enumerate(table.tables("stages", most=_MAX_STAGES)):
        where = f"{table.where}, {_entry_name('stage', raw, position)}"
        stage = _Table(raw, where, ("id", "name", "question", "phases"))
        stage_id = stage.identifier()
        if any(s.id == stage_id for s in stages):
            stage.fail("id", f"'{stage_id}' is used twice in this framework")
        stages.append(
            Stage(
                id=stage_id,
                name=stage.text("name"),
                question=stage.text("question"),
                phases=stage.choices("phases", PHASES),
            )
        )
    return Framework(
        id=framework_id,
        name=table.text("name"),
        summary=table.text("summary"),
        stages=tuple(stages),
    )


# ---- instruments -------------------------------------------------------------------------

_INSTRUMENT_FIELDS = (
    "id",
    "name",
    "min_score",
    "max_score",
    "items",
    "scores_only",
    "cutoff",
    "low_anchor",
    "high_anchor",
    "comment_prompt",
    "licence_note",
    "note",
    "decimals",
)


def _instrument(table: _Table, *, custom: bool) -> Instrument:
    instrument_id = table.identifier()
    min_score = table.integer("min_score")
    max_score = table.integer("max_score")
    if not 0 <= min_score <= _SCORE_LIMIT:
        table.fail("min_score", f"{min_score} is outside 0-{_SCORE_LIMIT}")
    if not min_score < max_score <= _SCORE_LIMIT:
        table.fail("max_score", f"{max_score} must be above min_score and at most {_SCORE_LIMIT}")
    scores_only = table.flag("scores_only", False)
    licence_note = table.text("licence_note", "")
    if scores_only and not licence_note:
        table.fail("licence_note", "a scores-only instrument needs a note on its licence")
    items: list[InstrumentItem] = []
    for position, raw in enumerate(table.tables("items", most=_MAX_ITEMS)):
        where = f"{table.where}, {_entry_name('item', raw, position)}"
        item = _Table(raw, where, ("id", "label", "patient", "practitioner", "subscale"))
        item_id = item.identifier()
        if any(i.id == item_id for i in items):
            item.fail("id", f"'{item_id}' is used twice in this instrument")
        patient, practitioner = item.text("patient", ""), item.text("practitioner", "")
        for name, wording in (("patient", patient), ("practitioner", practitioner)):
            if scores_only and wording:
                item.fail(name, "a scores-only instrument carries no item wording")
            if not scores_only and not wording:
                item.fail(name, "missing (needed unless the instrument is scores_only)")
        subscale = item.text("subscale", "", limit=_MAX_ID)
        if subscale and not _ID.fullmatch(subscale):
            item.fail("subscale", f"'{subscale}' is not an id (lowercase letters, digits, - and _)")
        items.append(InstrumentItem(item_id, item.text("label"), patient, practitioner, subscale))
    instrument = Instrument(
        id=instrument_id,
        name=table.text("name"),
        min_score=min_score,
        max_score=max_score,
        items=tuple(items),
        scores_only=scores_only,
        cutoff=table.optional_integer("cutoff"),
        low_anchor=table.text("low_anchor"),
        high_anchor=table.text("high_anchor"),
        comment_prompt=table.text("comment_prompt", ""),
        licence_note=licence_note,
        note=table.text("note", ""),
        custom=custom,
        decimals=_decimals(table),
    )
    cutoff = instrument.cutoff
    if cutoff is not None and not instrument.total_min <= cutoff <= instrument.total_max:
        table.fail(
            "cutoff",
            f"{cutoff} is outside the total range {instrument.total_min}-{instrument.total_max}",
        )
    return instrument


def _decimals(table: _Table) -> int:
    decimals = table.optional_integer("decimals")
    if decimals is not None and decimals not in (0, 1):
        table.fail("decimals", f"{decimals} must be 0 (whole numbers) or 1 (one decimal place)")
    return decimals or 0


def custom_instrument(data: dict[str, Any]) -> Instrument:
    """A user's own instrument from its Settings dict, checked like a shipped one (same
    fields as in instruments.toml, items as a list of dicts under "items")."""
    where = "custom " + _entry_name("instrument", data, 0)
    return _instrument(_Table(data, where, _INSTRUMENT_FIELDS), custom=True)


def instrument_data(instrument: Instrument) -> dict[str, Any]:
    """The dict of an instrument as kept in Settings (round-trips through
    `custom_instrument`)."""
    data: dict[str, Any] = {
        "id": instrument.id,
        "name": instrument.name,
        "min_score": instrument.min_score,
        "max_score": instrument.max_score,
        "scores_only": instrument.scores_only,
        "low_anchor": instrument.low_anchor,
        "high_anchor": instrument.high_anchor,
        "comment_prompt": instrument.comment_prompt,
        "licence_note": instrument.licence_note,
        "note": instrument.note,
        "items": [
            {k: v for k, v in vars(item).items() if v or k in ("id", "label")}
            for item in instrument.items
        ],
    }
    if instrument.cutoff is not None:
        data["cutoff"] = instrument.cutoff
    return data


# ---- files -------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        line = f", line {found.group(1)}" if found else ""
        raise LibraryError(f"{path.name}{line}: not valid TOML ({error})") from None
    except UnicodeDecodeError:
        raise LibraryError(f"{path.name}: not valid TOML (the file is not UTF-8)") from None
    except (RecursionError, ValueError):  # nesting too deep, a number too long to read
        raise LibraryError(f"{path.name}: not valid TOML (nested or sized beyond reason)") from None
    except OSError as error:
        raise LibraryError(f"{path.name}: cannot be read ({error.strerror})") from None


def _entries(path: Path, key: str) -> list[Any]:
    """The `[[key]]` tables of a file, which must hold nothing else."""
    document = _Table(_read_toml(path), path.name, (key,))
    return document.tables(key, most=1000)


@dataclass
class _Seen:
    """Which file first used each id, to name both files when an id repeats."""

    files: dict[str, str] = field(default_factory=dict)

    def claim(self, table: _Table, entry_id: str, kind: str, file_name: str) -> None:
        if entry_id in self.files:
            other = self.files[entry_id]
            place = "earlier in this file" if other == file_name else f"in {other}"
            table.fail("id", f"'{entry_id}' is already used by a {kind} {place}")
        self.files[entry_id] = file_name


def load_library(folder: Path = PROMPTS_DIR) -> Library:
    """Read and check every file of a library folder; raise `LibraryError` on the first
    problem, naming the file, the entry's id and the field."""
    # outcomes.toml sits beside them and is read by prompts.outcomes
    expected = {f"{d}.toml" for d in DOMAINS} | {FRAMEWORKS_FILE, INSTRUMENTS_FILE, OUTCOMES_FILE}
    present = {p.name for p in folder.glob("*.toml")}
    if missing := sorted(expected - present):
        raise LibraryError(f"{missing[0]}: file is missing from {folder}")
    if unexpected := sorted(present - expected):
        listed = ", ".join(sorted(expected))
        raise LibraryError(f"{unexpected[0]}: unexpected file (expected only {listed})")

    prompts: dict[str, Prompt] = {}
    seen = _Seen()
    for domain in DOMAINS:
        path = folder / f"{domain}.toml"
        for position, raw in enumerate(_entries(path, "prompt")):
            where = f"{path.name}: {_entry_name('prompt', raw, position)}"
            table = _Table(raw, where, _PROMPT_FIELDS)
            prompt = _prompt(table, custom=False, domain=domain)
            seen.claim(table, prompt.id, "prompt", path.name)
            prompts[prompt.id] = prompt

    frameworks: dict[str, Framework] = {}
    seen = _Seen()
    path = folder / FRAMEWORKS_FILE
    for position, raw in enumerate(_entries(path, "framework")):
        where = f"{path.name}: {_entry_name('framework', raw, position)}"
        table = _Table(raw, where, ("id", "name", "summary", "stages"))
        framework = _framework(table)
        seen.claim(table, framework.id, "framework", path.name)
        frameworks[framework.id] = framework

    instruments: dict[str, Instrument] = {}
    seen = _Seen()
    path = folder / INSTRUMENTS_FILE
    for position, raw in enumerate(_entries(path, "instrument")):
        where = f"{path.name}: {_entry_name('instrument', raw, position)}"
        table = _Table(raw, where, _INSTRUMENT_FIELDS)
        instrument = _instrument(table, custom=False)
        seen.claim(table, instrument.id, "instrument", path.name)
        instruments[instrument.id] = instrument

    return Library(prompts, frameworks, instruments)


@functools.cache
def builtin_library() -> Library:
    """The shipped library, loaded and checked once per process (holds no user data)."""
    return load_library(PROMPTS_DIR)


# ---- the user's own content --------------------------------------------------------------


def with_custom(
    library: Library,
    custom_prompts: list[dict[str, Any]],
    hidden_prompts: list[str],
    custom_instruments: list[dict[str, Any]],
) -> Library:
    """A new library: `library` plus the user's prompts and instruments (their ids must
    not clash with any other), minus the prompts whose ids are in `hidden_prompts`
    (ids no longer in the library are ignored)."""
    prompts = dict(library.prompts)
    for data in custom_prompts:
        # a prompt saved before the wording rules keeps working as the user wrote it;
        # Settings checks every new or edited prompt with them (`custom_prompt`)
        prompt = custom_prompt(data, wording_rules=False)
        if prompt.id in prompts:
            owner = "another custom prompt" if prompts[prompt.id].custom else "a built-in prompt"
            raise LibraryError(
                f"custom prompt '{prompt.id}', field 'id': '{prompt.id}' is already used by {owner}"
            )
        prompts[prompt.id] = prompt
    for hidden in hidden_prompts:
        prompts.pop(hidden, None)
    instruments = dict(library.instruments)
    for data in custom_instruments:
        instrument = custom_instrument(data)
        if instrument.id in instruments:
            owner = "another custom" if instruments[instrument.id].custom else "a built-in"
            raise LibraryError(
                f"custom instrument '{instrument.id}', field 'id': "
                f"'{instrument.id}' is already used by {owner} instrument"
            )
        instruments[instrument.id] = instrument
    return Library(prompts, library.frameworks, instruments)


def library_for(settings: Settings) -> Library:
    """The built-in library with this journal's custom and hidden prompts and custom
    instruments applied, its own texts in the word of the user's profession ("client" or
    "patient", see `worded`). Not cached: custom content is the user's own writing."""
    library = with_custom(
        builtin_library(),
        settings.custom_prompts,
        settings.hidden_prompts,
        settings.custom_instruments,
    )
    return in_words_of(library, settings.profession)


# ---- "client" or "patient" ---------------------------------------------------------------

# Counsellors and psychotherapists say "client", physiotherapists and osteopaths "patient".
# "other" gets "client", the word the rest of the journal uses (its Clients screen).
_WORD_OF_GROUP = {"psychological": "client", "physical": "patient", "all": "client"}
_CLIENT_OR_PATIENT = re.compile(r"\b(client|patient)(s?)\b", re.IGNORECASE)


def worded(text: str, profession: str) -> str:
    """`text` with "client" and "patient" (any case, plural or possessive) in the word of a
    Settings.profession, case kept: "The patient's" -> "The client's" for a counsellor.

    Only for texts where "patient" is a noun: the adjective ("be patient") would change too.
    """
    word = _WORD_OF_GROUP[profession_group(profession)]

    def swap(found: re.Match[str]) -> str:
        old, plural = found.group(1), found.group(2)
        if old.isupper() and len(old) > 1:
            return word.upper() + plural
        return (word.capitalize() if old[0].isupper() else word) + plural

    return _CLIENT_OR_PATIENT.sub(swap, text)


def in_words_of(library: Library, profession: str) -> Library:
    """`library` with its built-in prompts, follow-ups, framework questions and
    instruments' practitioner wording in the word of `profession` (see `worded`); the
    user's own prompts and instruments stay as they wrote them."""

    def say(text: str) -> str:
        return worded(text, profession)

    prompts = {
        key: p
        if p.custom
        else replace(p, text=say(p.text), follow_ups=tuple(map(say, p.follow_ups)))
        for key, p in library.prompts.items()
    }
    frameworks = {
        key: replace(
            f,
            summary=say(f.summary),
            stages=tuple(replace(s, question=say(s.question)) for s in f.stages),
        )
        for key, f in library.frameworks.items()
    }
    instruments = {
        key: i
        if i.custom
        else replace(i, items=tuple(replace(t, practitioner=say(t.practitioner)) for t in i.items))
        for key, i in library.instruments.items()
    }
    return Library(prompts, frameworks, instruments)


def profession_group(profession: str) -> str:
    """The prompt group of a Settings.profession: "psychological", "physical" or "all"."""
    try:
        return _GROUP_OF_PROFESSION[profession]
    except KeyError:
        raise ValueError(
            f"unknown profession '{profession}' (expected one of: {', '.join(PROFESSIONS)})"
        ) from None


DOMAIN_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "transference": "Transference",
        "countertransference": "Countertransference",
        "boundaries": "Boundaries",
        "biases": "Biases",
        "presence": "Presence",
        "alliance": "Alliance and rupture",
        "safeguarding": "Risk and safeguarding awareness",
        "endings": "Endings and breaks",
        "telehealth": "Telehealth sessions",
        "burnout": "Burnout and self-care",
        "groups": "Couple, family and group work",
        "culture": "Cultural humility",
        "disclosure": "Self-disclosure",
        "nocebo": "Pain beliefs and nocebo language",
        "chaperones": "Chaperones and intimate examinations",
        "manipulation": "Explaining risks before manipulation",
    }
)
assert set(DOMAIN_NAMES) == set(DOMAINS)


def domain_in_words(domain: str) -> str:
    """A domain as the screens name it ("Alliance and rupture"); an unknown one as given."""
    return DOMAIN_NAMES.get(domain, domain)
