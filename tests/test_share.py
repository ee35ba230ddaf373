"""Choosing entries to share and the de-identified payload they yield (`sharing.share`).

The Share list offers flagged reflections newest first and filters them; the review finds
identifiers and export waits for every decision; the payload holds only what was chosen,
de-identified, in the wire form of storage/FORMAT.md §8.1.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from sharing import share
from storage.journal import Journal
from storage.records import Reflection
from tests.sharing_caseload import INSTRUMENTS, decide_all, fill_caseload


@pytest.fixture
def caseload(journal: Journal) -> dict[str, Reflection]:
    """Two clients; three flagged reflections and one not flagged."""
    return fill_caseload(journal)


def test_the_list_offers_flagged_entries_newest_first_and_filters_them(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    listed = share.candidates(journal)
    newest_first = ("unflagged", "second", "other", "first")
    assert [c.id for c in listed] == [caseload[k].id for k in newest_first]
    caseload["unflagged"].flagged_for_supervision = False
    journal.save(caseload["unflagged"])
    listed = share.candidates(journal)
    assert [c.id for c in listed] == [caseload[k].id for k in ("second", "other", "first")]
    everything = share.candidates(journal, share.ShareFilter(flagged_only=False))
    assert caseload["unflagged"].id in {c.id for c in everything}
    march = share.ShareFilter(start=date(2026, 3, 3), end=date(2026, 3, 8))
    assert [c.id for c in share.candidates(journal, march)] == [caseload["other"].id]
    tagged = share.ShareFilter(tags=frozenset({"dropout-risk"}))
    assert [c.id for c in share.candidates(journal, tagged)] == [caseload["other"].id]
    elm = journal.client_by_code("C-202")
    by_client = share.ShareFilter(client_ids=frozenset({elm.id}))
    assert [c.id for c in share.candidates(journal, by_client)] == [caseload["other"].id]


def test_the_review_finds_the_alias_and_the_email_and_export_waits_for_every_decision(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    picked = [
        c
        for c in share.candidates(journal)
        if c.id in {caseload["first"].id, caseload["second"].id}
    ]
    shared = share.review(journal, picked)
    kinds = {(f.text, f.kind) for _, f in shared.findings()}
    assert ("Wrenna", "alias") in kinds
    assert ("wrenna.b@example.org", "email") in kinds
    decisions = decide_all(shared)
    first_key = next(iter(decisions))
    del decisions[first_key]
    assert share.undecided(shared, decisions) == 1
    with pytest.raises(ValueError, match="1 possible identifier still to decide"):
        share.payload(journal, shared, decisions, INSTRUMENTS)


def test_the_payload_is_de_identified_and_holds_only_what_was_chosen(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    picked = [c for c in share.candidates(journal) if c.id == caseload["second"].id]
    shared = share.review(journal, picked, include={"answers", "scores", "chart"})
    content = share.payload(journal, shared, decide_all(shared), INSTRUMENTS).to_json()
    (item,) = content["items"]
    assert item["client"] == "Client A"  # C-101 had the first session in the journal
    assert item["session"] == "session 2"
    assert item["answers"] == [
        {"prompt": "What did I notice?", "answer": "She said to email her at [email]."}
    ]
    assert item["next_step"] == "" and item["text"] == ""  # text not included
    assert item["estimate"]["total"] == 28 and item["feedback"]["total"] == 36
    assert item["estimate"]["max"] == INSTRUMENTS["sac4"].total_max
    assert [(r["client"], r["session"]) for r in content["series"]] == [
        ("Client A", 1),
        ("Client A", 2),
    ]
    flat = json.dumps(content)
    for secret in ("C-101", "Wrenna", "wrenna.b@example.org", "2026", "UNSELECTEDCANARY7731"):
        assert secret not in flat


def test_the_year_goes_only_when_asked(journal: Journal, caseload: dict[str, Reflection]) -> None:
    picked = [c for c in share.candidates(journal) if c.id == caseload["first"].id]
    shared = share.review(journal, picked, keep_year=True)
    content = share.payload(journal, shared, decide_all(shared), INSTRUMENTS)
    assert content.items[0].session == "session 1 (2026)"
    assert "year" in content.include


def test_an_entry_is_described_by_code_session_and_date_with_a_short_gist(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    (second,) = [c for c in share.candidates(journal) if c.id == caseload["second"].id]
    assert share.describe(second) == "C-101 · session 2 · 09 Mar 2026"
    assert share.describe(second, 3) == "C-101 · session 2 · 09 Mar 2026 — She said to …"
    free = Reflection(free_text="Tired today.", flagged_for_supervision=True)
    journal.save(free)
    (listed,) = [c for c in share.candidates(journal) if c.id == free.id]
    assert share.describe(listed, 5).startswith("No client · free reflection · ")
    assert share.describe(listed, 5).endswith(" — Tired today.")


def test_clients_keep_their_letter_by_first_session_even_in_the_trash(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    ash, elm = journal.client_by_code("C-101"), journal.client_by_code("C-202")
    assert share.client_labels(journal) == {ash.id: "Client A", elm.id: "Client B"}
    journal.delete(ash.id)
    assert share.client_labels(journal) == {ash.id: "Client A", elm.id: "Client B"}


def test_the_review_refuses_an_unknown_include_option(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    with pytest.raises(ValueError, match="unknown include option"):
        share.review(journal, share.candidates(journal), {"answers", "diagnosis"})


def test_a_free_reflection_goes_without_client_session_or_scores(journal: Journal) -> None:
    free = Reflection(free_text="Tired today.", flagged_for_supervision=True)
    journal.save(free)
    shared = share.review(journal, share.candidates(journal), share.INCLUDE_OPTIONS)
    (item,) = share.payload(journal, shared, decide_all(shared), INSTRUMENTS).items
    assert (item.client, item.session, item.estimate, item.feedback) == (None, None, None, None)
    assert item.text == "Tired today." and item.framework == "free"


def test_a_bundle_request_names_the_content_and_who_can_open_it(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    found = share.candidates(journal)
    one = share.review(journal, found[:1], include={"answers"})
    two = share.review(journal, found[:2], include={"answers"})
    first = share.payload(journal, one, decide_all(one), INSTRUMENTS)
    both = share.payload(journal, two, decide_all(two), INSTRUMENTS)
    assert share.bundle_request(first, ["k1"]) == share.bundle_request(first, ["k1"])
    assert share.bundle_request(first, ["k1", "k2"]) == share.bundle_request(first, ["k2", "k1"])
    requests = {
        share.bundle_request(first, ["k1"]),
        share.bundle_request(first, ["k2"]),
        share.bundle_request(first, None),
        share.bundle_request(first, []),
        share.bundle_request(both, ["k1"]),
    }
    assert len(requests) == 5


def test_bundles_made_the_same_day_get_different_file_names() -> None:
    morning = datetime(2026, 3, 2, 9, 30, 5)
    names = {
        share.bundle_file_name(morning, b"one bundle"),
        share.bundle_file_name(morning, b"another bundle"),
        share.bundle_file_name(morning.replace(second=6), b"one bundle"),
    }
    assert len(names) == 3
    assert all(n.startswith("supervision-2026-03-02-093") and n.endswith(".rjshare") for n in names)
