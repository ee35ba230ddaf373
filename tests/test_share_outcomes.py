"""Outcomes in a supervision share: the "Outcomes" include option puts each shared client's
course in the payload (and nothing more), de-identified; the supervisor's journal reads it
back and shows it; a bundle made before outcomes still imports.

Invented caseload (tests/sharing_caseload.py): C-101 ("Wrenna") takes the PHQ-9, C-202
the PSFS, whose activity names are the client's own words and never leave the journal.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from insights import outcomes as rules
from practice import outcomes
from prompts.outcomes import builtin_measures, measures_for
from sharing import exchange, keys, report, share
from sharing.bundle import open_bundle
from sharing.identity import Identity as Keys
from sharing.identity import SharingError, new_identity
from sharing.payload import BAD_CONTENT, OutcomePoint, Payload, SharedCourse
from storage.journal import Journal
from storage.records import Client, Identity, ReceivedBundle, Reflection
from tests.apptest import app, click
from tests.conftest import PASSPHRASE, JournalTemplate
from tests.sharing_caseload import INSTRUMENTS, decide_all, fill_caseload, write_session
from tests.test_exchange import pin_each_other
from tests.test_payload import GOLDEN, golden
from tests.test_report import pdf_text

MEASURES = builtin_measures()
ACTIVITY = "CANARYALLOTMENTDIGGING"
COURSE_KEYS = {
    "client",
    "measure",
    "min",
    "max",
    "higher_is_better",
    "cutoff",
    "band",
    "points",
    "not_on_track",
    "calls",
}


def phq9(total: int) -> dict[str, float | None]:
    """PHQ-9 answers adding up to `total`, the risk item at 0."""
    answers: dict[str, float | None] = {}
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, total)
        total -= answers[f"q{n}"]
    return answers | {"q9": 0, "difficulty": 1}


def fill_outcomes(journal: Journal) -> dict[str, Reflection]:
    """The sharing caseload with outcome scores: C-101 on the PHQ-9 at sessions 1-3 (18,
    11, 4) with a call of "same" at session 2; C-202 on the PSFS at sessions 1-2."""
    found = fill_caseload(journal)
    ash = journal.client_by_code("C-101")
    found["third"] = write_session(journal, ash, 3, date(2026, 3, 16), "Lighter today.")
    for key, total in (("first", 18), ("second", 11), ("third", 4)):
        outcomes.record_outcome(journal, found[key].session_id, MEASURES["phq9"], phq9(total))
    outcomes.record_prediction(journal, found["second"].session_id, "same")
    for key, score in (("other", 3), ("unflagged", 2)):
        outcomes.record_outcome(
            journal,
            found[key].session_id,
            MEASURES["psfs"],
            {"activity1": score},
            {"activity1": ACTIVITY},
        )
    return found


@pytest.fixture
def caseload(journal: Journal) -> dict[str, Reflection]:
    return fill_outcomes(journal)


def shared_payload(
    journal: Journal, chosen: list[Reflection], include: set[str], keep_year: bool = False
) -> Payload:
    ids = {r.id for r in chosen}
    picked = [c for c in share.candidates(journal) if c.id in ids]
    shared = share.review(journal, picked, include, keep_year)
    courses = outcomes.courses(journal, measures_for(journal.settings))
    return share.payload(journal, shared, decide_all(shared), INSTRUMENTS, courses)


def test_the_outcomes_option_puts_each_shared_clients_course_in_the_payload(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    content = shared_payload(journal, [caseload["second"], caseload["other"]], {"outcomes"})
    ash, elm = content.outcomes
    assert (ash.client, ash.measure, elm.client, elm.measure) == (
        "Client A",
        "PHQ-9",
        "Client B",
        "Patient-Specific Functional Scale",
    )
    # up to the last shared session (2): the recovery at session 3 stays home
    assert ash.points == (
        OutcomePoint(1, 18, rules.BASELINE),
        OutcomePoint(2, 11, rules.IMPROVED),
    )
    assert (ash.min, ash.max, ash.cutoff, ash.band, ash.higher_is_better) == (
        0,
        27,
        10,
        (12, 24),
        False,
    )
    assert ash.not_on_track == ""
    # the one call, "same", met a reliable improvement
    assert (ash.calls.checked, ash.calls.right) == (1, 0)
    assert elm.points == (OutcomePoint(1, 3, rules.BASELINE),)
    assert content.include == ("outcomes",)
    wire = content.to_json()
    assert all(set(course) == COURSE_KEYS for course in wire["outcomes"])
    # nothing else was chosen, so nothing else goes
    assert wire["series"] == []
    assert all(i["estimate"] is None and i["answers"] == [] for i in wire["items"])


def test_without_the_option_no_course_goes_and_the_wire_form_is_unchanged(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    content = shared_payload(journal, [caseload["second"]], set(share.INCLUDE_OPTIONS))
    assert content.outcomes == ()
    assert set(content.to_json()) == {"items", "series", "include"}
    assert "outcomes" not in share.DEFAULT_INCLUDE


def test_a_client_not_on_track_goes_with_the_reason_in_words(journal: Journal) -> None:
    client = Client(code="C-303")
    journal.save(client)
    chosen = None
    for number, total in ((1, 12), (2, 19)):
        chosen = write_session(journal, client, number, date(2026, 4, number), "Hard week.")
        outcomes.record_outcome(journal, chosen.session_id, MEASURES["phq9"], phq9(total))
    outcomes.record_prediction(journal, chosen.session_id, "worse")
    (course,) = shared_payload(journal, [chosen], {"outcomes"}).outcomes
    assert course.points[-1].status == rules.DETERIORATED
    assert course.not_on_track == ("Session 2: reliably worse than at the start (12 then, 19 now).")
    assert report.calls_in_words(course.calls) == (
        "1 of 1 calls matched the client's score. You foresaw 1 of 1 reliable "
        "deterioration. 0 of your 1 \u201cworse\u201d call did not happen."
    )
    assert report.calls_in_words(course.calls, supervisee=True) == (
        "1 of 1 calls matched the client's score. They foresaw 1 of 1 reliable "
        "deterioration. 0 of their 1 \u201cworse\u201d call did not happen."
    )


def test_no_dates_client_codes_or_client_words_leave_with_the_courses(
    journal: Journal, caseload: dict[str, Reflection]
) -> None:
    content = shared_payload(
        journal, [caseload["second"], caseload["unflagged"]], {"outcomes", "chart"}
    )
    assert [c.client for c in content.outcomes] == ["Client A", "Client B"]
    documents = {
        "payload": json.dumps(content.to_json(), ensure_ascii=False),
        "report": report.html_report(content),
        "pdf": pdf_text(report.pdf_report(content, compress=False)),
    }
    for name, text in documents.items():
        for secret in ("C-101", "C-202", "Wrenna", "2026", "03-09", ACTIVITY, "activity1"):
            assert secret not in text, (name, secret)
    assert (
        "Patient-Specific Functional Scale" in documents["report"]
        and "Client B" in documents["report"]
    )


def test_the_supervisor_imports_the_courses_and_reads_them_back(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    (vale,) = keys.contacts(journal, "supervisor")
    content = shared_payload(journal, [caseload["second"], caseload["other"]], {"outcomes"})
    data = exchange.send_entries(journal, content, to=[vale])
    assert exchange.import_entries(supervisor, data).added == 2
    (bundles,) = exchange.shared_with_me(supervisor).values()
    assert exchange.latest_outcomes(bundles) == content.outcomes


def test_a_later_bundle_updates_a_clients_course_and_keeps_the_others(
    journal: Journal, supervisor: Journal, caseload: dict[str, Reflection]
) -> None:
    pin_each_other(journal, supervisor)
    (vale,) = keys.contacts(journal, "supervisor")
    early = shared_payload(journal, [caseload["first"], caseload["other"]], {"outcomes"})
    later = shared_payload(journal, [caseload["third"]], {"outcomes"})
    for content in (early, later):
        exchange.import_entries(supervisor, exchange.send_entries(journal, content, to=[vale]))
    (bundles,) = exchange.shared_with_me(supervisor).values()
    ash, elm = exchange.latest_outcomes(bundles)
    assert [p.session for p in ash.points] == [1, 2, 3] and ash.points[-1].status == "recovery"
    assert elm == early.outcomes[1]


def test_a_bundle_made_before_outcomes_still_imports_without_any(journal: Journal) -> None:
    found = golden()
    assert "outcomes" not in found["payload"]
    assert Payload.from_json(found["payload"]).outcomes == ()
    journal.save(Identity(keys=found["supervisor"]))
    card = Keys.from_dict(found["supervisee"]).public_card("Sam")
    keys.pin_contact(journal, card.to_text(), card.fingerprint, "supervisee", "Sam")
    done = exchange.import_entries(journal, (GOLDEN / "bundle-v1.rjshare").read_bytes())
    assert done.added == 4
    assert exchange.latest_outcomes(journal.all(ReceivedBundle)) == ()


def course_wire(**changes: Any) -> dict[str, Any]:
    base = SharedCourse(
        client="Client A",
        measure="PHQ-9",
        min=0,
        max=27,
        higher_is_better=False,
        points=(OutcomePoint(1, 18, "baseline"), OutcomePoint(2, 11, "reliable improvement")),
        cutoff=10,
        band=(12, 24),
    ).to_json()
    return base | changes


def one_course(**changes: Any) -> dict[str, Any]:
    return {"items": [{"id": "e1", "revision": 1}], "outcomes": [course_wire(**changes)]}


def test_a_course_reads_back_and_unknown_keys_such_as_a_date_are_dropped() -> None:
    wire = one_course(
        points=[{"session": 1, "total": 3.5, "status": "baseline", "date": "2026-03-02"}],
        min=0,
        max=10,
        cutoff=None,
        band=[1.5, 5.5],
        secret="CANARY",
    )
    (course,) = Payload.from_json(wire).outcomes
    assert course.points == (OutcomePoint(1, 3.5, "baseline"),)
    assert course.band == (1.5, 5.5) and course.cutoff is None
    back = json.dumps(Payload.from_json(wire).to_json())
    assert "2026" not in back and "CANARY" not in back


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"client": 3}, "outcome course 1: client or measure"),
        ({"min": 30}, "outcome course 1: range"),
        ({"points": []}, "outcome course 1: scores"),
        ({"points": [{"session": 1, "total": 28, "status": "baseline"}]}, "scores"),
        ({"points": [{"session": 1, "total": 3, "status": "cured"}]}, "scores"),
        ({"points": [{"session": -1, "total": 3, "status": "baseline"}]}, "scores"),
        ({"points": [{"session": 1, "total": 3.25, "status": "baseline"}]}, "scores"),
        ({"band": [20, 12]}, "outcome course 1: band"),
        ({"cutoff": 99}, "outcome course 1: cutoff"),
        ({"higher_is_better": "no"}, "outcome course 1: direction"),
        ({"not_on_track": None}, "outcome course 1: not on track"),
        ({"calls": {"checked": 1, "right": 2}}, "outcome course 1: predictions"),
    ],
)
def test_a_malformed_course_is_refused_naming_it(changes: dict[str, Any], detail: str) -> None:
    with pytest.raises(SharingError) as refused:
        Payload.from_json(one_course(**changes))
    assert refused.value.reason == "bad_content"
    assert detail in str(refused.value)
    assert str(refused.value).startswith(BAD_CONTENT.split("(")[0])


def test_outcomes_must_be_a_list() -> None:
    with pytest.raises(SharingError, match=r"\(outcomes\)"):
        Payload.from_json({"items": [], "outcomes": {"Client A": []}})


# ---- on screen -----------------------------------------------------------------------


@pytest.fixture
def supervisor(tmp_path: Path, empty_template: JournalTemplate):
    """A second, separate journal: the supervisor's."""
    folder = tmp_path / "supervisor"
    folder.mkdir()
    opened = empty_template.open(empty_template.copy_to(folder))
    yield opened
    opened.lock()


def open_supervision(at: AppTest, section: str) -> AppTest:
    at.text_input(key="unlock_passphrase").input(PASSPHRASE)
    at = click(at, "Unlock").switch_page("pages/screens/supervision.py").run()
    if section != "Share":
        at = at.segmented_control(key="sv_section").set_value(section).run()
    return at


def test_the_supervisor_sees_each_course_in_words_with_a_chart(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    supervisor = empty_template.open(journal_path)
    courses = [
        course_wire(),
        course_wire(
            client="Client B",
            measure="GAD-7",
            max=21,
            cutoff=8,
            band=(5, 13),
            points=[
                {"session": 1, "total": 9, "status": "baseline"},
                {"session": 6, "total": 14, "status": "reliable deterioration"},
            ],
            not_on_track="Session 6: reliably worse than at the start (9 then, 14 now).",
            calls=dict.fromkeys(
                ("checked", "right", "deteriorations", "foreseen", "called_worse"), 1
            )
            | {"called_worse_wrong": 0},
        ),
    ]
    supervisor.save(
        ReceivedBundle(
            bundle_id="b" * 64,
            kind="entries",
            sender_name="Sam",
            sender_fingerprint="AAAAA-BBBBB-CCCCC-DDDDD",
            created_at="2026-03-10T10:00:00+00:00",
            payload={
                "items": [{"id": "e1", "revision": 1, "client": "Client A"}],
                "include": ["outcomes"],
                "outcomes": courses,
            },
        )
    )
    supervisor.lock()
    at = open_supervision(app(), "Shared with me")
    assert not at.exception
    shown = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert "Client A · PHQ-9" in shown and "Client B · GAD-7" in shown
    assert "Latest score: 11 at session 2" in shown and "Status: Reliable improvement" in shown
    assert "They foresaw 1 of 1 reliable deterioration" in shown
    assert [w.value.replace("\\", "") for w in at.warning if "Not on track" in w.value] == [
        "Not on track: Session 6: reliably worse than at the start (9 then, 14 now)."
    ]
    tables = [t.value for t in at.dataframe]
    assert any(list(t["Status"]) == ["Baseline", "Reliable improvement"] for t in tables)
    assert len(at.get("vega_lite_chart")) == 1  # no alliance series: the outcome chart


def test_the_outcomes_box_is_off_by_default_and_puts_the_courses_in_the_bundle(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    supervisee = empty_template.open(journal_path)
    chosen = fill_outcomes(supervisee)["second"]
    vale = new_identity()
    card = vale.public_card("Dr Vale")
    keys.pin_contact(supervisee, card.to_text(), card.fingerprint, "supervisor", "Dr Vale")
    supervisee.lock()
    at = open_supervision(app(), "Share")
    at = at.checkbox(key=f"sv_pick_{chosen.id}").check().run()
    box = at.checkbox(key="sv_include_outcomes")
    assert box.value is False and box.label.startswith("Outcomes")
    at = click(click(box.check().run(), "Redact all undecided"), "Make bundle")
    assert not at.exception
    _, data = at.session_state["sv_bundle"]
    me = keys.my_keys(at.session_state["journal"]).public_card("Sam")
    payload = Payload.from_json(open_bundle(data, vale, [me]).payload)
    assert [(c.client, c.measure, len(c.points)) for c in payload.outcomes] == [
        ("Client A", "PHQ-9", 2)
    ]
