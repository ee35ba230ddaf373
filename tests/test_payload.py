"""The typed payload of a bundle of entries (`sharing.payload`): one shape, same bytes.

What the app wrote before the payload had a type still reads, to the same canonical
bytes; a bundle made then still imports; what `share.payload` builds travels in the
documented wire form (storage/FORMAT.md §8.1); malformed content is refused naming the
faulty part, and keys the app does not know never reach a screen.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sharing import exchange, keys, share
from sharing.identity import Identity as Keys
from sharing.identity import SharingError
from sharing.payload import (
    BAD_CONTENT,
    ChartPoint,
    Payload,
    Scores,
    SharedAnswer,
    SharedItem,
)
from storage.journal import Journal
from storage.records import Identity, ReceivedBundle
from tests.sharing_caseload import INSTRUMENTS, decide_all, fill_caseload

GOLDEN = Path(__file__).resolve().parent / "golden"
ITEM_KEYS = {
    "id",
    "revision",
    "client",
    "session",
    "year",
    "framework",
    "focus",
    "answers",
    "text",
    "next_step",
    "tags",
    "reactions",
    "estimate",
    "feedback",
    "flagged",
}
SCORES_KEYS = {"instrument", "name", "total", "max", "items"}
POINT_KEYS = {"client", "session", "estimate", "feedback", "max", "instrument"}


def golden() -> dict[str, Any]:
    """The keys of both journals and the payload, as the app wrote them in format 1."""
    return json.loads((GOLDEN / "bundle-v1-keys.json").read_text(encoding="utf-8"))


def canonical(value: Any) -> bytes:
    """The payload's bytes inside a bundle (as `sharing.bundle` writes them)."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def one_item(**fields: Any) -> dict[str, Any]:
    return {"items": [{"id": "e1", "revision": 1, **fields}]}


def test_a_payload_written_before_it_had_a_type_reads_back_to_the_same_bytes() -> None:
    wire = golden()["payload"]
    content = Payload.from_json(wire)
    assert content.to_json() == wire
    assert canonical(content.to_json()) == canonical(wire)
    assert [item.client for item in content.items] == [
        "Client A",
        "Client B",
        "Client A",
        None,
    ]
    assert content.items[0].estimate == Scores(
        "sac4", "Session Alliance Check (SAC-4)", 20, 40, {"bond": 8, "goals": 6, "tasks": 6}
    )


def test_a_bundle_made_before_the_typed_payload_still_imports(journal: Journal) -> None:
    found = golden()
    journal.save(Identity(keys=found["supervisor"]))  # this journal is the addressee
    card = Keys.from_dict(found["supervisee"]).public_card("Sam")
    keys.pin_contact(journal, card.to_text(), card.fingerprint, "supervisee", "Sam")
    done = exchange.import_entries(journal, (GOLDEN / "bundle-v1.rjshare").read_bytes())
    assert (done.sender, done.added) == ("Sam", 4)
    (received,) = journal.all(ReceivedBundle)
    assert received.payload == found["payload"]
    expected = Payload.from_json(found["payload"])
    assert exchange.latest_entries([received]) == list(expected.items)
    assert exchange.latest_series([received]) == expected.series
    assert "[alias] was quiet." in exchange.latest_entries([received])[0].answers[0].answer


def test_share_builds_the_documented_wire_form(journal: Journal) -> None:
    caseload = fill_caseload(journal)
    picked = [c for c in share.candidates(journal) if c.id == caseload["second"].id]
    shared = share.review(journal, picked, share.INCLUDE_OPTIONS, keep_year=True)
    wire = share.payload(journal, shared, decide_all(shared), INSTRUMENTS).to_json()
    assert set(wire) == {"items", "series", "include"}
    (item,) = wire["items"]
    assert set(item) == ITEM_KEYS
    assert set(item["estimate"]) == set(item["feedback"]) == SCORES_KEYS
    assert item["answers"] == [
        {"prompt": "What did I notice?", "answer": "She said to email her at [email]."}
    ]
    assert all(set(point) == POINT_KEYS for point in wire["series"])
    assert wire["include"] == ["answers", "chart", "reactions", "scores", "text", "year"]
    assert Payload.from_json(json.loads(canonical(wire))).to_json() == wire


def test_keys_the_app_does_not_know_are_left_out_and_missing_ones_take_defaults() -> None:
    wire = one_item(secret="CANARY", answers=[{"prompt": "P", "answer": "A", "extra": 1}])
    wire |= {"extra": "CANARY", "series": [{"client": "Client A", "session": 1, "x": 2}]}
    content = Payload.from_json(wire)
    assert content == Payload(
        items=(SharedItem("e1", 1, answers=(SharedAnswer("P", "A"),)),),
        series=(ChartPoint("Client A", 1),),
    )
    assert "CANARY" not in json.dumps(content.to_json())
    assert content.manifest_items() == [("e1", 1)]


@pytest.mark.parametrize(
    ("wire", "detail"),
    [
        ({"entries": []}, "items"),
        (one_item(client=5), "entry 1: client"),
        (one_item(next_step=None), "entry 1: next step"),
        (one_item(text="\ud800"), "entry 1: text"),
        (one_item(tags="rupture"), "entry 1: tags"),
        (one_item(answers="not a list"), "entry 1: answers"),
        (one_item(answers=[{"prompt": "P"}]), "entry 1: answers"),
        (one_item(reactions={"positive": 4}), "entry 1: reactions"),
        (one_item(estimate={"name": "S", "total": 3}), "entry 1: scores"),
        (one_item(feedback={"name": "S", "total": 3, "items": {"a": -1}}), "entry 1: item scores"),
        (
            one_item(estimate={"name": "S", "total": 41, "max": 40, "items": {}}),
            "entry 1: maximum score",
        ),
        (one_item(year="2026"), "entry 1: year"),
        (one_item(flagged="yes"), "entry 1: flagged"),
        (one_item() | {"series": {"client": "A"}}, "chart data"),
        (
            one_item() | {"series": [{"client": "A", "session": 1, "estimate": 41, "max": 40}]},
            "chart data",
        ),
        (one_item() | {"series": [{"client": "A", "session": True}]}, "chart data"),
        (one_item() | {"include": "answers"}, "include"),
    ],
)
def test_malformed_content_is_refused_naming_the_part(wire: dict[str, Any], detail: str) -> None:
    with pytest.raises(SharingError) as refused:
        Payload.from_json(wire)
    assert refused.value.reason == "bad_content"
    assert str(refused.value) == BAD_CONTENT.format(detail=detail)


def test_the_second_entry_is_named_when_it_is_the_faulty_one() -> None:
    wire = {"items": [{"id": "e1", "revision": 1}, {"id": "e2", "revision": 1, "focus": [1]}]}
    with pytest.raises(SharingError, match=r"\(entry 2: focus\)"):
        Payload.from_json(wire)
