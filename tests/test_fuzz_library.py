"""Fuzzing the prompt library files: any folder of TOML loads, or fails naming the file.

A copy of the shipped `prompts/*.toml` is changed before each load: a file replaced by
random text or bytes, edited line by line, or parsed, changed (values of every TOML type,
fields deleted or added, entries and ids duplicated, huge strings) and written back; files
deleted, added or turned into folders. `load_library` returns a checked `Library`, or
raises `LibraryError` whose message starts with a file's name, names the changed file and
is readable. The user's own prompts and instruments (plain dicts, checked by the same
code) get the same treatment.
"""

from __future__ import annotations

import copy
import json
import math
import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from prompts.library import (
    FRAMEWORKS_FILE,
    INSTRUMENTS_FILE,
    OUTCOMES_FILE,
    PROMPTS_DIR,
    Library,
    LibraryError,
    custom_instrument,
    custom_prompt,
    instrument_data,
    load_library,
    prompt_data,
)
from prompts.outcomes import OutcomeMeasure, load_measures
from storage.records import DOMAINS
from tests import figures

SHIPPED = {path.name: path.read_bytes() for path in sorted(PROMPTS_DIR.glob("*.toml"))}
NAMES = sorted(SHIPPED)
TABLE_KEY = {
    FRAMEWORKS_FILE: "framework",
    INSTRUMENTS_FILE: "instrument",
    OUTCOMES_FILE: "measure",
} | {f"{domain}.toml": "prompt" for domain in DOMAINS}
_NOISE = re.compile(r"Traceback|\w+(?:Error|Exception)\(|<\w[\w.]* object|\bb'|\bb\"")
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def assert_readable(message: str, starts: tuple[str, ...]) -> None:
    """Not empty, not huge, no Python repr noise, and starting with what it is about (a
    file's name, or "custom" for the user's own content): the library's own style."""
    assert isinstance(message, str) and message.strip(), "the message is empty"
    size = len(message)  # not len() in the assert: pytest would print the whole message
    assert size <= 600, f"the message has {size} characters: {message[:120]!r}"
    assert message.startswith(starts), f"the message names no file first: {message[:120]!r}"
    assert not _NOISE.search(message), f"Python noise in the message: {message[:200]!r}"


def declared(folder: Path) -> dict[str, int]:
    """How many prompts, frameworks and instruments the folder's files hold."""
    counts = dict.fromkeys(("prompt", "framework", "instrument", "measure"), 0)
    for name, key in TABLE_KEY.items():
        counts[key] += len(tomllib.loads((folder / name).read_text("utf-8"))[key])
    return counts


def check_library(library: Library, measures: dict[str, OutcomeMeasure], folder: Path) -> None:
    """What every screen relies on in a library that loaded: every entry of the files is
    there once (an id used twice would hide one), with the checks' guarantees."""
    found = {
        "prompt": len(library.prompts),
        "framework": len(library.frameworks),
        "instrument": len(library.instruments),
        "measure": len(measures),
    }
    assert found == declared(folder), "entries of the files are missing from the library"
    assert {p.domain for p in library.prompts.values()} == set(DOMAINS)
    for instrument in library.instruments.values():
        assert instrument.min_score < instrument.max_score and instrument.items
        assert len({item.id for item in instrument.items}) == len(instrument.items)
    for measure in measures.values():
        assert measure.scored_items and measure.total_min < measure.total_max
        assert 0 < measure.reliable_change <= measure.total_max - measure.total_min
        assert set(measure.risk_items) <= {item.id for item in measure.items}
    for framework in library.frameworks.values():
        assert len({stage.id for stage in framework.stages}) == len(framework.stages)


def attempt(folder: Path, changed: str) -> bool:
    """Load the folder: True if it loaded, False if refused naming `changed`."""
    try:
        library = load_library(folder)
        measures = load_measures(folder)
    except LibraryError as error:
        message = str(error)
    else:
        check_library(library, measures, folder)
        return True
    present = tuple(p.name for p in folder.glob("*.toml")) + tuple(NAMES)
    assert_readable(message, present)
    assert changed in message, f"the message does not name {changed}: {message[:200]!r}"
    return False


def write_folder(folder: Path, files: dict[str, bytes | None]) -> None:
    """The folder holding exactly `files` (None: a folder of that name, which cannot be read)."""
    folder.mkdir(exist_ok=True)
    for path in folder.iterdir():
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()
    for name, data in files.items():
        if data is None:
            (folder / name).mkdir()
        else:
            (folder / name).write_bytes(data)


# ---- TOML written back ------------------------------------------------------------------


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, plus DEL, which TOML also forbids."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    """Any TOML value as inline TOML text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, Any]) -> bytes:
    """Top-level arrays of tables as `[[key]]` sections, everything else inline."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for table in value:
                lines.append(f"[[{toml_string(key)}]]")
                lines.extend(f"{toml_string(k)} = {toml_value(v)}" for k, v in table.items())
        else:
            lines.append(f"{toml_string(key)} = {toml_value(value)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


TOML_SCALARS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "   ", "x" * 401, "x" * 100_000, "free", "all", "Bad Id", "a" * 61]),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([0, 1, 10, 100, 101, -1]),
    st.floats(),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
)
TOML_VALUES = st.recursive(
    TOML_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = [
    "id",
    "domain",
    "text",
    "phase",
    "professions",
    "proctor",
    "follow_ups",
    "name",
    "summary",
    "stages",
    "min_score",
    "max_score",
    "items",
    "scores_only",
    "cutoff",
    "low_anchor",
    "high_anchor",
    "licence_note",
    "label",
    "patient",
    "subscale",
    "question",
    "phases",
    "free_ok",
    "note",
]
EDIT = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, 99), st.sampled_from(FIELDS), TOML_VALUES),
    st.tuples(st.just("delete"), st.integers(0, 99), st.sampled_from(FIELDS)),
    st.tuples(st.just("inner replace"), st.integers(0, 99), st.sampled_from(FIELDS), TOML_VALUES),
    st.tuples(st.just("inner delete"), st.integers(0, 99), st.sampled_from(FIELDS)),
    st.tuples(st.just("entry twice"), st.integers(0, 99)),
    st.tuples(st.just("id from"), st.integers(0, 99), st.sampled_from(NAMES)),
    st.tuples(st.just("drop entries"), st.integers(0, 99)),
    st.tuples(st.just("top level"), st.text(min_size=1, max_size=10), TOML_VALUES),
)


def edit(data: dict[str, Any], name: str, change: tuple[Any, ...]) -> dict[str, Any]:
    """One structural change to a parsed library file."""
    data = copy.deepcopy(data)
    entries = data.get(TABLE_KEY[name])
    kind, at = change[0], change[1]
    if kind == "top level":
        data[change[1]] = change[2]
        return data
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, dict) for e in entries)
    ):
        return data  # an earlier change left no entries to edit
    entry = entries[at % len(entries)]
    if kind == "replace":
        entry[change[2]] = change[3]
    elif kind == "delete":
        entry.pop(change[2], None)
    elif kind in ("inner replace", "inner delete"):  # an instrument item or framework stage
        inner = entry.get("items") or entry.get("stages")
        if isinstance(inner, list) and inner:
            target = inner[at % len(inner)]
            if not isinstance(target, dict):
                pass  # an earlier change replaced the table by a value
            elif kind == "inner replace":
                target[change[2]] = change[3]
            else:
                target.pop(change[2], None)
    elif kind == "entry twice":
        entries.append(copy.deepcopy(entry))
    elif kind == "id from":
        others = tomllib.loads(SHIPPED[change[2]].decode())[TABLE_KEY[change[2]]]
        entry["id"] = others[at % len(others)]["id"]
    elif kind == "drop entries":
        del entries[at % (len(entries) + 1) :]
    return data


# ---- the fuzz tests -----------------------------------------------------------------------

PARSED = {name: tomllib.loads(SHIPPED[name].decode("utf-8")) for name in NAMES}


def test_the_shipped_files_load_and_round_trip_through_the_toml_writer(tmp_path: Path) -> None:
    """The baseline: without a change, the writer's output loads like the shipped files."""
    write_folder(tmp_path / "lib", {n: toml_document(PARSED[n]) for n in NAMES})
    assert load_library(tmp_path / "lib") == load_library(PROMPTS_DIR)


def test_a_file_edited_in_its_structure_loads_or_is_refused_naming_the_file(
    tmp_path: Path,
) -> None:
    runs = {"cases": 0, "loaded": 0, "refused": 0}
    folder = tmp_path / "lib"

    @settings(max_examples=200, **SETTINGS)
    @given(st.sampled_from(NAMES), st.lists(EDIT, min_size=1, max_size=2))
    @example("alliance.toml", [("entry twice", 0)])  # an id twice in one file
    @example("biases.toml", [("id from", 0, "alliance.toml")])  # an id of another file
    @example(INSTRUMENTS_FILE, [("inner replace", 0, "id", "bond")])  # an item id twice
    @example(INSTRUMENTS_FILE, [("replace", 0, "max_score", 0)])
    @example(INSTRUMENTS_FILE, [("replace", 0, "cutoff", 10**18)])
    @example(FRAMEWORKS_FILE, [("replace", 0, "id", "free")])
    @example(FRAMEWORKS_FILE, [("replace", 0, "stages", [])])
    @example("presence.toml", [("replace", 0, "text", "x" * 100_000)])
    @example("presence.toml", [("replace", 0, "follow_ups", ["a", "a"])])
    @example("presence.toml", [("drop entries", 0)])
    @example("presence.toml", [("replace", 0, "domain", "alliance")])
    def run(name: str, changes: list[tuple[Any, ...]]) -> None:
        runs["cases"] += 1
        data = PARSED[name]
        for change in changes:
            data = edit(data, name, change)
        write_folder(folder, {**SHIPPED, name: toml_document(data)})
        runs["loaded" if attempt(folder, name) else "refused"] += 1

    try:
        run()
    finally:
        figures.report(
            f"fuzz, library TOML (structure edited): {runs['cases']} cases, "
            f"{runs['loaded']} loaded, {runs['refused']} refused naming the file"
        )
    assert runs["loaded"] and runs["refused"]


def text_edit(data: bytes, change: tuple[Any, ...]) -> bytes:
    """One change to the bytes of a file, line by line or byte by byte."""
    kind, at = change[0], change[1]
    lines = data.split(b"\n")
    line = at % len(lines)
    if kind == "drop line":
        del lines[line]
    elif kind == "line twice":
        lines.insert(line, lines[line])
    elif kind == "swap lines":
        other = change[2] % len(lines)
        lines[line], lines[other] = lines[other], lines[line]
    elif kind == "insert":
        position = at % (len(data) + 1)
        return data[:position] + change[2] + data[position:]
    elif kind == "truncate":
        return data[: at % (len(data) + 1)]
    elif kind == "replace":
        return change[2]
    return b"\n".join(lines)


TEXT_EDIT = st.one_of(
    st.tuples(st.sampled_from(["drop line", "line twice"]), st.integers(0, 1 << 16)),
    st.tuples(st.just("swap lines"), st.integers(0, 1 << 16), st.integers(0, 1 << 16)),
    st.tuples(
        st.just("insert"),
        st.integers(0, 1 << 16),
        st.one_of(
            st.binary(min_size=1, max_size=6),
            st.sampled_from([b"[", b"]", b'"', b"=", b"\n[[prompt]]\n", b"\x00", b"\xff"]),
            st.text(st.sampled_from('[]{}="#\n .,x1'), min_size=1, max_size=8).map(str.encode),
        ),
    ),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 16)),
    st.tuples(
        st.just("replace"),
        st.integers(0, 0),
        st.one_of(
            st.binary(max_size=200),
            st.text(max_size=200).map(lambda t: t.encode("utf-8")),
            st.text(st.sampled_from('[]{}="#\n .,xa1'), max_size=200).map(str.encode),
        ),
    ),
)


def test_a_file_edited_as_text_or_bytes_loads_or_is_refused_naming_the_file(
    tmp_path: Path,
) -> None:
    runs = {"cases": 0, "loaded": 0, "refused": 0}
    folder = tmp_path / "lib"

    @settings(max_examples=200, **SETTINGS)
    @given(st.sampled_from(NAMES), st.lists(TEXT_EDIT, min_size=1, max_size=3))
    @example("alliance.toml", [("replace", 0, b"")])  # an empty file
    @example("alliance.toml", [("replace", 0, b"\xef\xbb\xbf" + SHIPPED["alliance.toml"])])
    @example("alliance.toml", [("replace", 0, SHIPPED["alliance.toml"].decode().encode("utf-16"))])
    @example("alliance.toml", [("insert", 0, b"\xff")])  # not UTF-8
    @example("alliance.toml", [("insert", 0, b"\x00")])
    @example(INSTRUMENTS_FILE, [("replace", 0, b"instrument = 1\n")])
    @example(INSTRUMENTS_FILE, [("replace", 0, b"[instrument]\nid = 'x'\n")])  # a table
    def run(name: str, changes: list[tuple[Any, ...]]) -> None:
        runs["cases"] += 1
        data = SHIPPED[name]
        for change in changes:
            data = text_edit(data, change)
        write_folder(folder, {**SHIPPED, name: data})
        runs["loaded" if attempt(folder, name) else "refused"] += 1

    try:
        run()
    finally:
        figures.report(
            f"fuzz, library TOML (text and bytes edited): {runs['cases']} cases, "
            f"{runs['loaded']} loaded, {runs['refused']} refused naming the file"
        )
    assert runs["loaded"] and runs["refused"]


@pytest.mark.parametrize(
    ("files", "named"),
    [
        ({n: d for n, d in SHIPPED.items() if n != "alliance.toml"}, "alliance.toml"),
        ({**SHIPPED, "extra.toml": b""}, "extra.toml"),
        ({**SHIPPED, INSTRUMENTS_FILE: None}, INSTRUMENTS_FILE),  # a folder, not a file
    ],
    ids=["a file missing", "an unexpected file", "a folder in place of a file"],
)
def test_a_folder_with_a_file_missing_added_or_unreadable_is_refused_naming_it(
    tmp_path: Path, files: dict[str, bytes | None], named: str
) -> None:
    write_folder(tmp_path / "lib", files)
    assert attempt(tmp_path / "lib", named) is False


def test_the_users_own_prompts_and_instruments_are_checked_the_same_way() -> None:
    """The dicts kept in Settings: a Prompt or Instrument, or a LibraryError saying which."""
    runs = {"cases": 0, "accepted": 0, "refused": 0}
    library = load_library(PROMPTS_DIR)
    prompt = prompt_data(next(iter(library.prompts.values())))
    instrument = instrument_data(library.instruments["sac4"])

    @settings(max_examples=150, **SETTINGS)
    @given(
        st.sampled_from(["prompt", "instrument"]),
        st.lists(
            st.tuples(st.sampled_from(FIELDS), st.none() | TOML_VALUES), min_size=1, max_size=3
        ),
    )
    def run(kind: str, changes: list[tuple[str, Any]]) -> None:
        runs["cases"] += 1
        data = copy.deepcopy(prompt if kind == "prompt" else instrument)
        for field, value in changes:
            if value is None:
                data.pop(field, None)
            else:
                data[field] = value
        check = custom_prompt if kind == "prompt" else custom_instrument
        try:
            made = check(data)
        except LibraryError as error:
            message = str(error)
        else:
            assert made.id == data["id"].strip() and made.custom
            runs["accepted"] += 1
            return
        assert_readable(message, ("custom",))
        runs["refused"] += 1

    try:
        run()
    finally:
        figures.report(
            f"fuzz, custom prompts and instruments: {runs['cases']} cases, "
            f"{runs['accepted']} accepted, {runs['refused']} refused with a message"
        )


# ---- found by the fuzzing, pinned down ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[[prompt]]\nid = " + "[" * 2_000 + "]" * 2_000 + "\n",  # RecursionError in tomllib
        "x = {" * 2_000,
        "[[prompt]]\nid = " + "9" * 5_000 + "\n",  # ValueError: int() beyond 4300 digits
    ],
    ids=["nested arrays", "nested inline tables", "an integer of 5000 digits"],
)
def test_toml_that_tomllib_cannot_take_is_refused_naming_the_file(
    tmp_path: Path, text: str
) -> None:
    # _read_toml catches TOMLDecodeError, UnicodeDecodeError and OSError only
    write_folder(tmp_path / "lib", {**SHIPPED, "alliance.toml": text.encode()})
    assert attempt(tmp_path / "lib", "alliance.toml") is False


@pytest.mark.parametrize("where", ["file", "custom"])
def test_an_id_of_any_length_gives_a_message_of_readable_length(tmp_path: Path, where: str) -> None:
    # _entry_name quotes the raw id in every message about the entry: an id of 100,000
    # characters made a message of 100,000 characters (for the start-up error screen)
    long_id = "x" * 100_000
    if where == "custom":
        with pytest.raises(LibraryError) as refused:
            custom_prompt({"id": long_id, "domain": "alliance", "text": "What now?"})
        message = str(refused.value)
        assert_readable(message, ("custom",))
        return
    data = edit(PARSED["alliance.toml"], "alliance.toml", ("replace", 0, "id", long_id))
    write_folder(tmp_path / "lib", {**SHIPPED, "alliance.toml": toml_document(data)})
    assert attempt(tmp_path / "lib", "alliance.toml") is False
