"""The prompt library: prompts, frameworks and instruments, read from TOML and validated.

The shipped files live next to this module (one `DOMAIN.toml` per domain, plus
`frameworks.toml` and `instruments.toml`). Every file and field is checked on load; the
first problem raises `LibraryError`, whose message names the file, the entry's id and
the field, so a typo in a data file is found at once and never passes silently.

The user's own prompts and instruments (kept encrypted in Settings) arrive as plain
dicts of the same shape and go through the same checks (`custom_prompt`,
`custom_instrument`, `with_custom`).
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
    custom: bool = False

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


# ---- prompts -----------------------------------------------------------------------------

_PROMPT_FIELDS = ("id", "domain", "text", "phase", "professions", "proctor", "follow_ups")


def _prompt(table: _Table, *, custom: bool, domain: str | None = None) -> Prompt:
    prompt_id = table.identifier()
    found_domain = table.choice("domain", DOMAINS)
    if domain is not None and found_domain != domain:
        table.fail("domain", f"'{found_domain}' does not match the file's domain '{domain}'")
    professions = table.choices("professions", PROFESSION_GROUPS, ["all"] if custom else _REQUIRED)
    if "all" in professions and len(professions) > 1:
        table.fail("professions", "'all' already includes every profession: use it alone")
    return Prompt(
        id=prompt_id,
        domain=found_domain,
        text=table.text("text"),
        phase=table.choice("phase", PHASES, "make_sense" if custom else None),
        professions=professions,
        proctor=table.choices("proctor", PROCTOR, ["formative"] if custom else _REQUIRED),
        follow_ups=table.texts(
            "follow_ups",
            least=0 if custom else 1,
            most=_MAX_FOLLOW_UPS,
            default=[] if custom else _REQUIRED,
        ),
        custom=custom,
    )


def custom_prompt(data: dict[str, Any]) -> Prompt:
    """A user's own prompt from its Settings dict, checked like a shipped one.

    Required: id, domain, text. Defaults: phase "make_sense", professions ["all"],
    proctor ["formative"], follow_ups [] (at most 3).
    """
    table = _Table(data, "custom " + _entry_name("prompt", data, 0), _PROMPT_FIELDS)
    return _prompt(table, custom=True)


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
        custom=custom,
    )
    cutoff = instrument.cutoff
    if cutoff is not None and not instrument.total_min <= cutoff <= instrument.total_max:
        table.fail(
            "cutoff",
            f"{cutoff} is outside the total range {instrument.total_min}-{instrument.total_max}",
        )
    return instrument


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
    expected = {f"{d}.toml" for d in DOMAINS} | {FRAMEWORKS_FILE, INSTRUMENTS_FILE}
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
        prompt = custom_prompt(data)
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
    instruments applied (not cached: custom content is the user's own writing)."""
    return with_custom(
        builtin_library(),
        settings.custom_prompts,
        settings.hidden_prompts,
        settings.custom_instruments,
    )


def profession_group(profession: str) -> str:
    """The prompt group of a Settings.profession: "psychological", "physical" or "all"."""
    try:
        return _GROUP_OF_PROFESSION[profession]
    except KeyError:
        raise ValueError(
            f"unknown profession '{profession}' (expected one of: {', '.join(PROFESSIONS)})"
        ) from None
