"""Typed records: ids, the one clock, and the JSON that goes inside the ciphertext."""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import UTC, date, datetime
from typing import Any

import pytest

from storage.records import (
    RECORD_TYPES,
    Answer,
    Client,
    Reflection,
    Session,
    from_plain,
    new_id,
    now,
    to_plain,
)

AT = datetime(2025, 3, 4, 17, 30, tzinfo=UTC)


def test_a_new_id_is_128_random_bits_in_hex() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_the_clock_is_timezone_aware_utc() -> None:
    assert now().tzinfo is UTC


def test_the_plain_form_leaves_out_the_id_and_writes_dates_as_iso_text() -> None:
    session = Session(client_id="c", date=date(2025, 3, 4), number=2)
    plain = to_plain(session)
    assert "id" not in plain
    assert plain["date"] == "2025-03-04"
    json.dumps(plain)  # JSON-ready as it is


SAMPLE_VALUES = {
    str: "C-\u00e9 \U0001f33f",
    int: 3,
    float: 12.5,
    datetime: datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
    date: date(2025, 1, 2),
    dict[str, int]: {"bond": 4},
    dict[str, float]: {"relationship": 7.5, "overall": 9},
    dict[str, Any]: {"nested": [1, "two", None]},
    list[dict[str, Any]]: [{"id": "e1", "revision": 2}],
}


def _sample(cls: type) -> Any:
    """A record of `cls` with every field without a default filled in."""
    hints = typing.get_type_hints(cls)
    required = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    return cls(**{name: SAMPLE_VALUES[hints[name]] for name in required})


@pytest.mark.parametrize("kind", sorted(RECORD_TYPES))
def test_every_kind_of_record_survives_the_plain_form_and_json(kind: str) -> None:
    record = _sample(RECORD_TYPES[kind])
    again = from_plain(kind, record.id, json.loads(json.dumps(to_plain(record))))
    assert again == record
    assert type(again) is type(record)


def test_nested_answers_and_datetimes_come_back_typed() -> None:
    reflection = Reflection(answers=[Answer("p-1", "What happened?", "a lot")], written_at=AT)
    again = from_plain("reflection", reflection.id, json.loads(json.dumps(to_plain(reflection))))
    assert again.answers == [Answer("p-1", "What happened?", "a lot")]
    assert again.written_at == AT


def test_missing_fields_take_their_defaults_and_unknown_ones_are_ignored() -> None:
    """An older version wrote fewer fields; a newer minor version may write more."""
    client = from_plain("client", "0" * 32, {"code": "C-007", "added_later": True})
    assert client == Client(code="C-007", id="0" * 32)
