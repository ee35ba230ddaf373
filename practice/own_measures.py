"""Your own outcome measures and the not-on-track setting: what Settings writes.

A measure of your own records scores only (the journal cannot check its wording's
licence): a name, item labels, the items' range, whole numbers or one decimal place, its
direction, an optional clinical cutoff and the change that counts as reliable. It is
checked like a shipped measure (`prompts.outcomes.custom_measure`) and kept in
`Settings.custom_outcomes`; every refusal names the field as the screen labels it, and
nothing is saved then. Everything takes an unlocked Journal.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from prompts.library import LibraryError
from prompts.outcomes import builtin_measures, custom_measure, measures_for
from storage.errors import InvalidRecord
from storage.journal import Journal
from storage.records import Client, Outcome, Session

NOT_ON_TRACK_RANGE = (2, 30)
_MAX_ID = 40
# the screen's label of each field custom_measure may name in a refusal
FIELD_LABELS: Mapping[str, str] = {
    "id": "Measure name",
    "name": "Measure name",
    "items": "Items",
    "label": "Items",
    "min_score": "Lowest item score",
    "max_score": "Highest item score",
    "decimals": "Scores typed as",
    "higher_is_better": "Direction",
    "cutoff": "Clinical cutoff",
    "reliable_change": "Reliable change",
}
_FIELD = re.compile(r"field '(\w+)': (.*)$", re.DOTALL)


@dataclass(frozen=True)
class MeasureForm:
    """What the Settings fields of one measure hold."""

    name: str
    items: str  # one label a line
    min_score: int = 0
    max_score: int = 10
    decimals: int = 0
    higher_is_better: bool = False
    cutoff: float | None = None
    reliable_change: float | None = None


def form_of(data: Mapping[str, Any]) -> MeasureForm:
    """The fields of a saved measure, to edit it."""
    cutoff = data.get("cutoff")
    return MeasureForm(
        name=str(data["name"]),
        items="\n".join(str(item["label"]) for item in data["items"]),
        min_score=int(data["min_score"]),
        max_score=int(data["max_score"]),
        decimals=int(data.get("decimals", 0)),
        higher_is_better=bool(data.get("higher_is_better", False)),
        cutoff=None if cutoff is None else float(cutoff),
        reliable_change=float(data["reliable_change"]),
    )


def _slug(text: str, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:_MAX_ID].strip("-")
    return slug or fallback


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def new_measure_id(name: str, taken: set[str]) -> str:
    """A readable id for a new measure ("low-mood-check"), not in `taken` (every id in
    use, shipped and your own)."""
    return _unique(_slug(name, "measure"), taken)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _items(text: str, current: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """Item dicts from one label a line; an unchanged label keeps its id, so the scores
    already recorded still name their items (and a removed item's id is not reused)."""
    labels = [line.strip() for line in text.splitlines() if line.strip()]
    if not labels:
        raise InvalidRecord("Items", "write one item label a line")
    seen: set[str] = set()
    for label in labels:
        if label.casefold() in seen:
            raise InvalidRecord("Items", f"'{label}' is listed twice")
        seen.add(label.casefold())
    kept = {item["label"]: item["id"] for item in (current or {}).get("items", [])}
    taken = set(kept.values())
    items = []
    for label in labels:
        item_id = kept.get(label) or _unique(_slug(label, "item"), taken)
        taken.add(item_id)
        items.append({"id": item_id, "label": label})
    return items


def measure_from_form(
    form: MeasureForm, custom: list[dict[str, Any]], current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The Settings dict of a measure from its fields, checked like a shipped measure
    (`custom` is the journal's own measures; `current` the one being edited, whose id
    stays). Raises InvalidRecord naming the field as the screen labels it."""
    name = form.name.strip()
    if not name:
        raise InvalidRecord("Measure name", "is empty")
    others = [measure.name for measure in builtin_measures().values()]
    others += [str(d["name"]) for d in custom if current is None or d["id"] != current["id"]]
    if name.casefold() in {other.casefold() for other in others}:
        raise InvalidRecord("Measure name", f"'{name}' is already the name of a measure")
    if form.reliable_change is None:
        raise InvalidRecord("Reliable change", "type the change in points that counts as reliable")
    if current is not None:
        measure_id = str(current["id"])
    else:
        measure_id = new_measure_id(name, set(builtin_measures()) | {d["id"] for d in custom})
    data: dict[str, Any] = {
        "id": measure_id,
        "name": name,
        "min_score": int(form.min_score),
        "max_score": int(form.max_score),
        "decimals": int(form.decimals),
        "higher_is_better": bool(form.higher_is_better),
        "reliable_change": _number(form.reliable_change),
        "items": _items(form.items, current),
    }
    if form.cutoff is not None:
        data["cutoff"] = _number(form.cutoff)
    try:
        custom_measure(data)  # the same checks as a shipped measure
    except LibraryError as error:
        raise _in_words(error) from None
    return data


def _in_words(error: LibraryError) -> InvalidRecord:
    """The library's refusal ("custom measure 'x', field 'cutoff': ...") as the screen
    says it ("Clinical cutoff: ...")."""
    found = _FIELD.search(str(error))
    if found is None:
        return InvalidRecord("Measure", str(error))
    if found[1] == "label":
        return InvalidRecord("Items", f"an item label {found[2].rstrip('.')}")
    return InvalidRecord(FIELD_LABELS.get(found[1], found[1]), found[2].rstrip("."))


def add_own_measure(journal: Journal, form: MeasureForm) -> dict[str, Any]:
    """Add a measure of your own; returns its Settings dict."""
    settings = journal.settings
    data = measure_from_form(form, list(settings.custom_outcomes))
    _save(journal, [*settings.custom_outcomes, data])
    return data


def update_own_measure(journal: Journal, measure_id: str, form: MeasureForm) -> dict[str, Any]:
    """Change a measure of your own; its id (which clients and scores name) stays."""
    custom = list(journal.settings.custom_outcomes)
    position = next((i for i, d in enumerate(custom) if d["id"] == measure_id), None)
    if position is None:
        raise InvalidRecord("Measure", "no such measure of your own")
    data = measure_from_form(form, custom, custom[position])
    if data == custom[position]:
        raise InvalidRecord("Measure", "nothing was changed")
    custom[position] = data
    _save(journal, custom)
    return data


def users_of(journal: Journal, measure_id: str) -> tuple[list[str], list[str]]:
    """The codes of the clients given this measure, and of those with scores on it."""
    clients = {c.id: c for c in journal.all(Client)}
    given = sorted(c.code for c in clients.values() if c.outcome_measure == measure_id)
    sessions = {s.id: s.client_id for s in journal.all(Session)}
    scored = {
        clients[sessions[o.session_id]].code
        for o in journal.all(Outcome)
        if o.measure == measure_id
        and o.session_id in sessions
        and sessions[o.session_id] in clients
    }
    return given, sorted(scored)


def remove_own_measure(journal: Journal, measure_id: str) -> None:
    """Remove a measure of your own; refused, naming the clients, while a client has it
    as their measure or has scores recorded on it."""
    custom = list(journal.settings.custom_outcomes)
    found = next((d for d in custom if d["id"] == measure_id), None)
    if found is None:
        raise InvalidRecord("Remove measure", "no such measure of your own")
    given, scored = users_of(journal, measure_id)
    reasons = []
    if given:
        reasons.append(
            f"{', '.join(given)} {'has' if len(given) == 1 else 'have'} it as their outcome "
            "measure (choose another for them on Clients first)"
        )
    if scored:
        reasons.append(
            f"{', '.join(scored)} {'has' if len(scored) == 1 else 'have'} scores recorded on "
            "it, which could no longer be read"
        )
    if reasons:
        raise InvalidRecord("Remove measure", f"{found['name']} is in use: {'; '.join(reasons)}")
    _save(journal, [d for d in custom if d["id"] != measure_id])


def _save(journal: Journal, custom: list[dict[str, Any]]) -> None:
    changed = dataclasses.replace(journal.settings, custom_outcomes=custom)
    try:
        measures_for(changed)  # every id still unique, every measure still valid
    except LibraryError as error:
        raise _in_words(error) from None
    journal.save_settings(changed)


def set_not_on_track_session(journal: Journal, session: int) -> None:
    """Save the session by which no reliable improvement counts as not on track."""
    low, high = NOT_ON_TRACK_RANGE
    if isinstance(session, bool) or not isinstance(session, int) or not low <= session <= high:
        raise InvalidRecord("Not on track", f"choose a session from {low} to {high}")
    journal.save_settings(dataclasses.replace(journal.settings, not_on_track_session=session))
