"""Custom instruments typed in Settings become valid instrument data, or a named error."""

from __future__ import annotations

import pytest

from prompts.authoring import instrument_from_form
from prompts.library import LibraryError, custom_instrument


def test_a_scores_only_instrument_from_plain_labels() -> None:
    data = instrument_from_form("Pain check", 0, 10, "Pain now\nPain worst\n", set())
    instrument = custom_instrument(data)
    assert instrument.id == "pain-check"
    assert instrument.scores_only
    assert [i.label for i in instrument.items] == ["Pain now", "Pain worst"]
    assert instrument.total_max == 20


def test_worded_items_keep_both_wordings() -> None:
    text = "Trust | My client trusted me today. | I trusted my practitioner today."
    instrument = custom_instrument(instrument_from_form("Trust", 1, 5, text, set(), cutoff=3))
    (item,) = instrument.items
    assert item.practitioner == "My client trusted me today."
    assert item.patient == "I trusted my practitioner today."
    assert not instrument.scores_only and instrument.cutoff == 3


def test_an_id_already_in_use_gets_a_suffix() -> None:
    data = instrument_from_form("Pain check", 0, 10, "Pain", {"pain-check"})
    assert data["id"] == "pain-check-2"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"items_text": ""}, "items"),
        ({"items_text": "a | b"}, "items"),
        ({"min_score": 5, "max_score": 5}, "max_score"),
        ({"cutoff": 99}, "cutoff"),
        ({"name": "  "}, "name"),
    ],
)
def test_bad_input_is_refused_naming_the_field(kwargs: dict, field: str) -> None:
    args = {"name": "Check", "min_score": 0, "max_score": 10, "items_text": "One"} | kwargs
    with pytest.raises(LibraryError, match=f"'{field}'"):
        instrument_from_form(existing_ids=set(), **args)
