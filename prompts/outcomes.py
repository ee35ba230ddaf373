"""Outcome measures, read from `outcomes.toml` and checked like the rest of the library.

An outcome measure is taken at the start of a session (CLINICAL.md, "Outcome measures"):
its items, their answer choices, how the total is scored, its direction, clinical cutoff,
reliable-change threshold, risk items, and the licence and attribution shown beside its
wording. Users define their own scores-only measures in Settings (`custom_measure`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prompts.library import (
    _MAX_ITEMS,
    _SCORE_LIMIT,
    OUTCOMES_FILE,
    PROFESSION_GROUPS,
    PROMPTS_DIR,
    LibraryError,
    _entries,
    _entry_name,
    _Table,
)

if TYPE_CHECKING:
    from storage.records import Settings

SCORINGS: tuple[str, ...] = ("sum", "mean")
_MAX_OPTIONS = 11
_MAX_WORDING = 1000

_MEASURE_FIELDS = (
    "id",
    "name",
    "long_name",
    "group",
    "min_score",
    "max_score",
    "decimals",
    "scores_only",
    "higher_is_better",
    "cutoff",
    "reliable_change",
    "reliable_change_percent",
    "scoring",
    "named_items",
    "bands",
    "risk_items",
    "stem",
    "options",
    "low_anchor",
    "high_anchor",
    "attribution",
    "licence",
    "licence_note",
    "items",
)
_ITEM_FIELDS = ("id", "label", "text", "reverse", "scored", "options")


@dataclass(frozen=True)
class OutcomeItem:
    """One question of an outcome measure (a label only when the measure is scores-only)."""

    id: str
    label: str
    text: str = ""
    # CORE-10's positively worded items score from the other end
    reverse: bool = False
    # PHQ-9's closing difficulty question is asked, not counted
    scored: bool = True
    # this item's own answer choices, else the measure's
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutcomeMeasure:
    """An outcome measure: what the client answers and how the answers become a total."""

    id: str
    name: str
    long_name: str
    group: str
    min_score: int
    max_score: int
    items: tuple[OutcomeItem, ...]
    higher_is_better: bool
    reliable_change: float
    cutoff: float | None = None
    reliable_change_percent: float | None = None
    scoring: str = "sum"
    named_items: bool = False
    bands: tuple[tuple[float, str], ...] = ()
    risk_items: tuple[str, ...] = ()
    stem: str = ""
    options: tuple[str, ...] = ()
    low_anchor: str = ""
    high_anchor: str = ""
    attribution: str = ""
    licence: str = ""
    licence_note: str = ""
    scores_only: bool = False
    decimals: int = 0
    custom: bool = False

    @property
    def scored_items(self) -> tuple[OutcomeItem, ...]:
        return tuple(item for item in self.items if item.scored)

    @property
    def total_min(self) -> float:
        count = 1 if self.scoring == "mean" else len(self.scored_items)
        return self.min_score * count

    @property
    def total_max(self) -> float:
        count = 1 if self.scoring == "mean" else len(self.scored_items)
        return self.max_score * count

    def choices(self, item: OutcomeItem) -> list[tuple[str, int]]:
        """The answers a client picks from, in the order shown, with the score each gives
        (a reversed item scores from the top down; an unlabelled scale gives numbers)."""
        labels = item.options or self.options
        if not labels:
            return [(str(n), n) for n in range(self.min_score, self.max_score + 1)]
        if not item.scored:
            return [(label, n) for n, label in enumerate(labels)]
        scores = range(self.min_score, self.max_score + 1)
        ordered = list(reversed(scores)) if item.reverse else list(scores)
        return list(zip(labels, ordered, strict=True))

    def total(self, answers: Mapping[str, float]) -> float:
        """The measure's total from the scored items answered: a sum, or (PSFS) the mean
        of the activities rated, to one decimal place."""
        values = [float(answers[item.id]) for item in self.scored_items if item.id in answers]
        if not values:
            raise ValueError(f"{self.name}: no item was answered")
        if self.scoring == "mean":
            return round(sum(values) / len(values), 1)
        total = sum(values)
        return int(total) if total.is_integer() else round(total, 1)

    def band(self, total: float) -> str:
        """The severity band a total falls in ("" for a measure without bands)."""
        found = ""
        for lower, name in self.bands:
            if total >= lower:
                found = name
        return found


def _number(table: _Table, name: str, *, optional: bool) -> float | None:
    value = table.data.get(name)
    if value is None:
        if optional:
            return None
        table.fail(name, "missing")
    if isinstance(value, bool) or not isinstance(value, int | float):
        table.fail(name, "expected a number")
    if value < 0 or value > _SCORE_LIMIT * _MAX_ITEMS:
        table.fail(name, f"{value} is out of range")
    return float(value)


def _options(table: _Table, name: str) -> tuple[str, ...]:
    if name not in table.data:
        return ()
    return table.texts(name, least=2, most=_MAX_OPTIONS)


def _bands(table: _Table, low: float, high: float) -> tuple[tuple[float, str], ...]:
    raw = table.data.get("bands", [])
    if not isinstance(raw, list):
        table.fail("bands", "expected a list of [lower bound, name] pairs")
    bands: list[tuple[float, str]] = []
    for pair in raw:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or isinstance(pair[0], bool)
            or not isinstance(pair[0], int | float)
            or not isinstance(pair[1], str)
            or not pair[1].strip()
        ):
            table.fail("bands", "expected a list of [lower bound, name] pairs")
        if not low <= pair[0] <= high or (bands and pair[0] <= bands[-1][0]):
            table.fail("bands", "lower bounds must rise within the total's range")
        bands.append((float(pair[0]), pair[1].strip()))
    return tuple(bands)


def _item(raw: object, where: str, scores_only: bool) -> OutcomeItem:
    item = _Table(raw, where, _ITEM_FIELDS)
    text = item.text("text", "", limit=_MAX_WORDING)
    if scores_only and text:
        item.fail("text", "a scores-only measure carries no item wording")
    return OutcomeItem(
        id=item.identifier(),
        label=item.text("label"),
        text=text,
        reverse=item.flag("reverse", False),
        scored=item.flag("scored", True),
        options=_options(item, "options"),
    )


def _measure(table: _Table, *, custom: bool) -> OutcomeMeasure:
    min_score = table.integer("min_score")
    max_score = table.integer("max_score")
    if not 0 <= min_score < max_score <= _SCORE_LIMIT:
        table.fail("max_score", f"the range {min_score}-{max_score} must lie within 0-100")
    scores_only = table.flag("scores_only", False)
    licence_note = table.text("licence_note", "")
    if scores_only and not licence_note:
        table.fail("licence_note", "a scores-only measure needs a note on its licence")
    items: list[OutcomeItem] = []
    for position, raw in enumerate(table.tables("items", most=_MAX_ITEMS)):
        item = _item(raw, f"{table.where}, {_entry_name('item', raw, position)}", scores_only)
        if any(i.id == item.id for i in items):
            table.fail("items", f"'{item.id}' is used twice in this measure")
        items.append(item)
    options = _options(table, "options")
    for item in items:
        shown = item.options or options
        if item.scored and shown and len(shown) != max_score - min_score + 1:
            table.fail("options", f"{len(shown)} answers for a {min_score}-{max_score} scale")
    decimals = table.optional_integer("decimals") or 0
    if decimals not in (0, 1):
        table.fail("decimals", f"{decimals} must be 0 (whole numbers) or 1 (one decimal place)")
    measure = OutcomeMeasure(
        id=table.identifier(),
        name=table.text("name", limit=80),
        long_name=table.text("long_name", "", limit=120) or table.text("name", limit=80),
        group=table.choice("group", PROFESSION_GROUPS, "all"),
        min_score=min_score,
        max_score=max_score,
        items=tuple(items),
        higher_is_better=table.flag("higher_is_better", False),
        reliable_change=_number(table, "reliable_change", optional=False) or 0.0,
        cutoff=_number(table, "cutoff", optional=True),
        reliable_change_percent=_number(table, "reliable_change_percent", optional=True),
        scoring=table.choice("scoring", SCORINGS, "sum"),
        named_items=table.flag("named_items", False),
        risk_items=table.texts("risk_items", least=0, most=len(items), default=[]),
        stem=table.text("stem", "", limit=_MAX_WORDING),
        options=options,
        low_anchor=table.text("low_anchor", ""),
        high_anchor=table.text("high_anchor", ""),
        attribution=table.text("attribution", ""),
        licence=table.text("licence", "", limit=_MAX_WORDING),
        licence_note=licence_note,
        scores_only=scores_only,
        decimals=decimals,
        custom=custom,
    )
    if not measure.scored_items:
        table.fail("items", "at least one item must be scored")
    if measure.reliable_change <= 0:
        table.fail("reliable_change", "must be above 0")
    span = measure.total_max - measure.total_min
    if measure.reliable_change > span:
        table.fail("reliable_change", f"is larger than the whole range ({span:g})")
    cutoff = measure.cutoff
    if cutoff is not None and not measure.total_min < cutoff <= measure.total_max:
        table.fail(
            "cutoff",
            f"{cutoff:g} is outside the total range {measure.total_min:g}-{measure.total_max:g}",
        )
    ids = {item.id for item in items}
    for risk in measure.risk_items:
        if risk not in ids:
            table.fail("risk_items", f"'{risk}' is not an item of this measure")
    object.__setattr__(measure, "bands", _bands(table, measure.total_min, measure.total_max))
    return measure


def load_measures(folder: Path = PROMPTS_DIR) -> dict[str, OutcomeMeasure]:
    """Read and check `outcomes.toml`; raise `LibraryError` naming file, id and field."""
    path = folder / OUTCOMES_FILE
    measures: dict[str, OutcomeMeasure] = {}
    for position, raw in enumerate(_entries(path, "measure")):
        table = _Table(
            raw, f"{path.name}: {_entry_name('measure', raw, position)}", _MEASURE_FIELDS
        )
        measure = _measure(table, custom=False)
        if measure.id in measures:
            table.fail("id", f"'{measure.id}' is already used by a measure earlier in this file")
        measures[measure.id] = measure
    return measures


@functools.cache
def builtin_measures() -> Mapping[str, OutcomeMeasure]:
    """The shipped measures, loaded and checked once per process (no user data)."""
    from types import MappingProxyType

    return MappingProxyType(load_measures(PROMPTS_DIR))


# A user's own measure records scores only: the journal cannot check its wording's licence.
CUSTOM_FIELDS = (
    "id",
    "name",
    "min_score",
    "max_score",
    "decimals",
    "higher_is_better",
    "cutoff",
    "reliable_change",
    "items",
)


def custom_measure(data: Mapping[str, Any]) -> OutcomeMeasure:
    """A user's own scores-only measure from its Settings dict, checked like a shipped one
    (fields `CUSTOM_FIELDS`; items a list of {"id", "label"})."""
    where = "custom " + _entry_name("measure", data, 0)
    table = _Table(dict(data), where, CUSTOM_FIELDS)
    full = dict(table.data)
    full["scores_only"] = True
    full["licence_note"] = "Your own measure: only its scores are recorded."
    return _measure(_Table(full, where, _MEASURE_FIELDS), custom=True)


def measure_data(measure: OutcomeMeasure) -> dict[str, Any]:
    """The Settings dict of a user's measure (round-trips through `custom_measure`)."""
    data: dict[str, Any] = {
        "id": measure.id,
        "name": measure.name,
        "min_score": measure.min_score,
        "max_score": measure.max_score,
        "decimals": measure.decimals,
        "higher_is_better": measure.higher_is_better,
        "reliable_change": measure.reliable_change,
        "items": [{"id": item.id, "label": item.label} for item in measure.items],
    }
    if measure.cutoff is not None:
        data["cutoff"] = measure.cutoff
    return data


def measures_for(settings: Settings) -> dict[str, OutcomeMeasure]:
    """The shipped measures plus the journal's own (whose ids may not clash)."""
    measures = dict(builtin_measures())
    for data in settings.custom_outcomes:
        measure = custom_measure(data)
        if measure.id in measures:
            owner = "another custom" if measures[measure.id].custom else "a built-in"
            raise LibraryError(
                f"custom measure '{measure.id}', field 'id': "
                f"'{measure.id}' is already used by {owner} measure"
            )
        measures[measure.id] = measure
    return measures
