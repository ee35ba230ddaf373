"""The printable report's Outcomes section: each shared client's measure, baseline, latest
score, status in words, the not-on-track flag and the calibration of the predictions, in
both formats, with the outcome chart inline; nothing when no course was shared."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from sharing.payload import Payload
from sharing.report import (
    OUTCOMES_TITLE,
    calls_in_words,
    course_facts,
    html_report,
    outcomes_table,
    pdf_report,
    shared_outcome_chart,
)
from tests.test_report import flat, make_payload, pdf_text

GAD7_REASON = "Session 6: reliably worse than at the start (9 then, 14 now)."


def courses() -> list[dict[str, Any]]:
    """Two invented courses in the wire form: one improving, one not on track."""
    return [
        {
            "client": "Client A",
            "measure": "PHQ-9",
            "min": 0,
            "max": 27,
            "higher_is_better": False,
            "cutoff": 10,
            "band": [12, 24],
            "points": [
                {"session": 1, "total": 18, "status": "baseline"},
                {"session": 3, "total": 14, "status": "no reliable change"},
                {"session": 5, "total": 8, "status": "recovery"},
            ],
            "not_on_track": "",
            "calls": {
                "checked": 2,
                "right": 1,
                "deteriorations": 0,
                "foreseen": 0,
                "called_worse": 1,
                "called_worse_wrong": 1,
            },
        },
        {
            "client": "Client B",
            "measure": "GAD-7",
            "min": 0,
            "max": 21,
            "higher_is_better": False,
            "cutoff": 8,
            "band": [5, 13],
            "points": [
                {"session": 1, "total": 9, "status": "baseline"},
                {"session": 6, "total": 14, "status": "reliable deterioration"},
            ],
            "not_on_track": GAD7_REASON,
            "calls": {
                "checked": 1,
                "right": 0,
                "deteriorations": 1,
                "foreseen": 0,
                "called_worse": 0,
                "called_worse_wrong": 0,
            },
        },
    ]


def with_outcomes(outcomes: list[dict[str, Any]] | None = None) -> Payload:
    wire = make_payload() | {"outcomes": courses() if outcomes is None else outcomes}
    wire["include"] = [*wire["include"], "outcomes"]
    return Payload.from_json(wire)


@pytest.fixture(scope="module")
def reported() -> dict[str, Any]:
    """Both reports of a payload with outcomes, rendered once (charts are slow)."""
    payload = with_outcomes()
    return {
        "payload": payload,
        "html": html_report(payload, sender="Sam", created="2026"),
        "pdf": pdf_report(payload, sender="Sam", created="2026", compress=False),
    }


EXPECTED = [
    "Client A · PHQ-9",
    "PHQ-9 (lower is better; clinical cutoff 10)",
    "18 at session 1",
    "8 at session 5",
    "Recovery",
    "Client B · GAD-7",
    "9 at session 1",
    "14 at session 6",
    "Reliable deterioration",
    f"yes — {GAD7_REASON}",
    "1 of 2 calls matched the client's score. No checked session showed a reliable "
    "deterioration. 1 of your 1 \u201cworse\u201d call did not happen.",
    "You foresaw 0 of 1 reliable deterioration.",
]


def test_the_html_report_has_each_course_in_words(reported: dict[str, Any]) -> None:
    out = reported["html"]
    assert f"<h2>{OUTCOMES_TITLE}</h2>" in out
    for wanted in EXPECTED:
        assert html.escape(wanted) in out, wanted
    # Client A is on track: said so, not left blank
    assert "<dt>Not on track</dt><dd>no</dd>" in out
    # each score by session number, status in words
    assert re.search(
        r"<td class=\"n\">3</td><td class=\"n\">14</td><td>No reliable change</td>", out
    )


def test_the_pdf_report_has_the_same_courses(reported: dict[str, Any]) -> None:
    text = flat(pdf_text(reported["pdf"]))
    assert OUTCOMES_TITLE in text
    # the reader of PDF text sees the last line of a wrapped paragraph: check short facts
    for wanted in [w for w in EXPECTED if len(w) < 70]:
        assert flat(wanted) in text, wanted
    assert "1 of your 1 \u201cworse\u201d call did not happen." in text
    assert "1 18 Baseline 3 14 No reliable change 5 8 Recovery" in text


def test_the_outcome_chart_is_inline_beside_the_alliance_chart_or_alone(
    reported: dict[str, Any],
) -> None:
    images = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', reported["html"])
    assert len(images) == 1  # the payload has no alliance series: the outcome chart alone
    assert "Alliance chart" not in reported["html"]
    assert reported["pdf"].count(b"/Subtype /Image") == 1


def test_no_outcomes_section_without_courses() -> None:
    payload = Payload.from_json(make_payload())
    out = html_report(payload)
    assert OUTCOMES_TITLE not in out and "data:image" not in out
    assert OUTCOMES_TITLE not in pdf_text(pdf_report(payload, compress=False))


def test_the_report_escapes_what_a_course_carries() -> None:
    hostile = courses()[:1]
    hostile[0] |= {"measure": "<img src=x onerror=alert(1)>", "client": "Client <b>A</b>"}
    out = html_report(with_outcomes(hostile))
    assert "<img src=x" not in out and "<b>A</b>" not in out
    assert html.escape("Client <b>A</b> · <img src=x onerror=alert(1)>") in out
    for forbidden in ("http://", "https://", "<script", "url("):
        assert forbidden not in out


def test_a_course_with_only_a_baseline_says_so() -> None:
    only = courses()[:1]
    only[0]["points"] = only[0]["points"][:1]
    (course,) = with_outcomes(only).outcomes
    facts = dict(course_facts(course))
    assert facts["Status"] == "Baseline only: no later score yet"
    assert "Latest score" not in facts


def test_the_supervisor_reads_the_calls_about_the_supervisee() -> None:
    a, b = with_outcomes().outcomes
    assert calls_in_words(a.calls) == a.calls.in_words()
    assert calls_in_words(b.calls, supervisee=True) == (
        "0 of 1 calls matched the client's score. They foresaw 0 of 1 reliable deterioration."
    )
    facts = dict(course_facts(b, supervisee=True))
    assert "Your supervisee's predictions" in facts and "Your predictions" not in facts


def test_the_outcomes_table_has_one_row_per_score_in_words() -> None:
    table = outcomes_table(with_outcomes().outcomes)
    assert list(table.columns) == [
        "Client",
        "Measure",
        "Session",
        "Score",
        "Status",
        "Not on track",
    ]
    assert list(table["Session"]) == [1, 3, 5, 1, 6]
    assert list(table["Status"])[-2:] == ["Baseline", "Reliable deterioration"]
    assert list(table["Not on track"]) == ["", "", "", "", "yes"]


def test_the_chart_draws_each_client_with_band_and_cutoff() -> None:
    spec = shared_outcome_chart(with_outcomes().outcomes).to_dict()
    rows = spec["data"]["values"] if "values" in spec.get("data", {}) else None
    if rows is None:
        rows = next(iter(spec["datasets"].values()))
    baselines = {r["client"]: (r["low"], r["high"], r["cutoff"]) for r in rows if r["first"]}
    assert baselines == {"Client A · PHQ-9": (12, 24, 10), "Client B · GAD-7": (5, 13, 8)}
    marks = [layer["mark"]["type"] for layer in spec["spec"]["layer"]]
    assert marks == ["rect", "rule", "line", "point"]


def test_an_empty_course_list_draws_a_message_not_a_blank() -> None:
    spec = shared_outcome_chart(()).to_dict()
    assert spec["mark"]["type"] == "text"


@pytest.mark.parametrize(
    "changes",
    [
        {"points": [{"session": 4, "total": 0, "status": "baseline"}], "band": None},
        {"cutoff": None, "band": None},
        {"client": "Client\u2028A", "measure": "Sleep \u201cdiary\u201d \U0001f319 \u4e2d"},
        {"min": 0, "max": 10, "cutoff": 2.5, "band": [0, 4.5], "higher_is_better": True},
    ],
)
def test_any_course_the_payload_accepts_prints_in_both_formats(changes: dict[str, Any]) -> None:
    course = courses()[0] | changes
    if course["max"] == 10:
        course["points"] = [
            {"session": 1, "total": 2.5, "status": "baseline"},
            {"session": 2, "total": 7.5, "status": "recovery"},
        ]
    payload = with_outcomes([course])
    out = html_report(payload)
    assert out.count("data:image/png") == 1
    text = flat(pdf_text(pdf_report(payload, compress=False)))
    assert "Session Score Status" in text
