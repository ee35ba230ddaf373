"""Printable reports: everything chosen is shown, nothing else is, and nothing is loaded.

PDF text is read back without a PDF library: ``pdf_report(..., compress=False)`` leaves
the content streams readable, and fpdf2 writes each embedded font's ToUnicode map, so
``pdf_pages`` below decodes what each page shows.
"""

from __future__ import annotations

import copy
import html
import logging
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharing.payload import ChartPoint, Payload
from sharing.report import NOTICE, TITLE, html_report, pdf_report, shared_alliance_chart

SAC4 = "Session Alliance Check (SAC-4)"
ANSWER = "I noticed a tight chest when she said “I’m fine” – ψυχή, Zażółć gęślą jaźń"
NEXT_STEP = "Name the rupture early next time"
CANARY = "CANARY-7f3a"


def rating(total: int, bond: int, goals: int, tasks: int, voice: int) -> dict[str, Any]:
    return {
        "instrument": "sac4",
        "name": SAC4,
        "total": total,
        "max": 40,
        "items": {"bond": bond, "goals": goals, "tasks": tasks, "voice": voice},
    }


def item(**changes: Any) -> dict[str, Any]:
    base = {
        "id": "a" * 32,
        "revision": 3,
        "client": "Client A",
        "session": "session 6",
        "year": None,
        "framework": "gibbs",
        "focus": ["alliance", "boundaries"],
        "answers": [{"prompt": "What did I notice in my body?", "answer": ANSWER}],
        "text": "I hurried to fill the silence with [name] present.",
        "next_step": NEXT_STEP,
        "tags": ["dropout-risk"],
        "reactions": {"parental/protective": 2, "disengaged": 0, "helpless/inadequate": 3},
        "estimate": rating(31, 8, 7, 8, 8),
        "feedback": rating(23, 6, 5, 6, 6),
        "flagged": True,
    }
    return base | changes


SERIES = [
    {
        "client": "Client A",
        "session": 5,
        "estimate": 30,
        "feedback": 33,
        "max": 40,
        "instrument": "sac4",
    },
    {
        "client": "Client A",
        "session": 6,
        "estimate": 31,
        "feedback": 23,
        "max": 40,
        "instrument": "sac4",
    },
    {
        "client": "Client B",
        "session": 2,
        "estimate": None,
        "feedback": 36,
        "max": 40,
        "instrument": "sac4",
    },
]


def make_payload(series: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "items": [
            item(),
            item(
                id="b" * 32,
                client="Client B",
                session="session 2 (2026)",
                year=2026,
                framework="driscoll",
                focus=[],
                answers=[{"prompt": "What? What happened?", "answer": "Client B arrived late."}],
                text="",
                next_step="Check the agreed task",
                tags=["late", "formative"],
                reactions={},
                estimate=None,
                feedback=None,
                flagged=False,
            ),
            item(
                id="c" * 32,
                client=None,
                session=None,
                framework="free",
                focus=["presence"],
                answers=[],
                text="A free reflection on tiredness after a long week.",
                next_step="",
                tags=[],
                reactions={"positive": 1},
                estimate=None,
                feedback=None,
            ),
        ],
        "series": [] if series is None else series,
        "include": ["answers", "chart", "reactions", "scores", "text"],
    }


def html_of(payload: dict[str, Any], **options: Any) -> str:
    """The HTML report of a payload given in its wire form."""
    return html_report(Payload.from_json(payload), **options)


def pdf_of(payload: dict[str, Any], **options: Any) -> bytes:
    """The PDF report of a payload given in its wire form."""
    return pdf_report(Payload.from_json(payload), **options)


def series_of(rows: list[dict[str, Any]]) -> tuple[ChartPoint, ...]:
    return tuple(ChartPoint.from_json(row) for row in rows)


@pytest.fixture(scope="module")
def charted() -> dict[str, Any]:
    """A payload with the chart, rendered once per format (chart rendering is slow)."""
    payload = make_payload(SERIES)
    return {
        "payload": payload,
        "html": html_of(payload, sender="Sam", created="2026"),
        "pdf": pdf_of(payload, sender="Sam", created="2026", compress=False),
    }


# ------------------------------------------------------------------- reading PDFs back


def _unescape(literal: str) -> bytes:
    """The bytes of a PDF literal string body."""
    out, i = bytearray(), 0
    simple = {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "f": b"\f"}
    while i < len(literal):
        ch = literal[i]
        if ch != "\\":
            out += ch.encode("latin-1")
            i += 1
            continue
        nxt = literal[i + 1]
        octal = re.match(r"[0-7]{1,3}", literal[i + 1 :])
        if octal:
            out.append(int(octal[0], 8))
            i += 1 + len(octal[0])
        else:
            out += simple.get(nxt, nxt.encode("latin-1"))
            i += 2
    return bytes(out)


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page of an uncompressed fpdf2 PDF, one line per text run."""
    source = pdf.decode("latin-1")
    objects = dict(re.findall(r"(?s)\n(\d+) 0 obj\n(.*?)\nendobj", source))
    cmaps: dict[str, dict[int, str]] = {}
    for name, ref in re.findall(r"/(F\d+) (\d+) 0 R", source):
        to_unicode = re.search(r"/ToUnicode (\d+) 0 R", objects[ref])
        pairs = re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", objects[to_unicode[1]])
        cmaps[name] = {int(a, 16): bytes.fromhex(b).decode("utf-16-be") for a, b in pairs}
    pages = []
    for stream in re.findall(r"(?s)stream\n(.*?)endstream", source):
        if "BT " not in stream or " Tf" not in stream:
            continue
        font, runs = None, []
        for tf, literal in re.findall(r"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\()])*)\) Tj", stream):
            if tf:
                font = tf
                continue
            raw = _unescape(literal)
            codes = [int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw), 2)]
            runs.append("".join(cmaps[font][code] for code in codes))
        pages.append("\n".join(runs))
    return pages


def flat(text: str) -> str:
    """Whitespace collapsed, so text wrapped across lines still matches."""
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return flat(" ".join(pdf_pages(pdf)))


def shown_strings(payload: dict[str, Any]) -> list[str]:
    """Every payload string a reader should find in the report."""
    found = []
    for entry in payload["items"]:
        found += [entry[key] for key in ("client", "session", "text", "next_step") if entry[key]]
        found += entry["focus"] + entry["tags"]
        found += [a[key] for a in entry["answers"] for key in ("prompt", "answer")]
        found += [name for name, level in entry["reactions"].items() if level]
        found += [r["name"] for r in (entry["estimate"], entry["feedback"]) if r]
    return found


# ------------------------------------------------------------------------------ HTML


def test_html_is_a_complete_utf8_document_with_the_notice() -> None:
    out = html_of(make_payload(), sender="Dr Sam Okafor", created="November 2026")
    assert out.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in out
    assert f"<h1>{TITLE}</h1>" in out
    assert "From: Dr Sam Okafor · Created: November 2026" in out
    assert html.escape(NOTICE) in out
    assert out.rstrip().endswith("</html>")


def test_html_leaves_out_sender_and_created_when_not_given() -> None:
    out = html_of(make_payload())
    assert "From:" not in out
    assert "Created:" not in out


def test_html_shows_each_entry_label_answers_next_step_and_scores() -> None:
    out = html_of(make_payload())
    for label in ("Client A · session 6", "Client B · session 2 (2026)", "Free reflection"):
        assert f">{label}</h2>" in out
    assert html.escape(ANSWER) in out
    assert NEXT_STEP in out
    assert "Your estimate: 31 / 40 · Client&#x27;s feedback: 23 / 40" in out
    assert '<th scope="row">Goals</th><td class="n">7</td><td class="n">5</td>' in out
    assert "Gibbs&#x27; reflective cycle" in out


def test_html_shows_only_non_zero_reactions_as_words() -> None:
    out = html_of(make_payload())
    assert "<li>parental/protective: moderate</li>" in out
    assert "<li>helpless/inadequate: strong</li>" in out
    assert "<li>positive: mild</li>" in out
    assert "disengaged" not in out


def test_html_escapes_a_script_in_an_answer() -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    payload = make_payload()
    payload["items"][0]["answers"][0]["answer"] = attack
    payload["items"][0]["tags"] = ['"><svg onload=alert(1)>']
    out = html_of(payload, sender="<b>Sam</b>", created="<i>2026</i>")
    assert "<script" not in out
    assert "<img src=x" not in out
    assert "<svg" not in out
    assert html.escape(attack) in out
    assert "&lt;b&gt;Sam&lt;/b&gt;" in out


@pytest.mark.parametrize("with_chart", [False, True])
def test_html_loads_nothing_from_anywhere(with_chart: bool, charted: dict[str, Any]) -> None:
    out = charted["html"] if with_chart else html_of(make_payload())
    for forbidden in ("http://", "https://", 'src="//', "<script", "url(", "@import", "<link"):
        assert forbidden not in out
    assert "default-src 'none'" in out


def test_html_embeds_the_chart_inline_only_when_series_given(charted: dict[str, Any]) -> None:
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', charted["html"])
    without = html_of(make_payload(series=[]))
    assert "data:image" not in without
    assert "<img" not in without
    assert "Alliance chart" not in without


def test_html_has_print_css_that_keeps_entries_whole() -> None:
    out = html_of(make_payload())
    assert "@media print" in out
    assert "@page { size: A4" in out
    assert re.search(r"\.entry[^{]*\{[^}]*break-inside: avoid", out)


def test_html_drops_control_characters_but_keeps_line_breaks() -> None:
    payload = make_payload()
    payload["items"][0]["text"] = "first\r\nsecond\x00\x1b[31m"
    out = html_of(payload)
    assert "first\nsecond[31m" in out
    assert "\x00" not in out
    assert "\x1b" not in out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_html_shows_any_typed_answer_escaped(answer: str) -> None:
    payload = make_payload()
    payload["items"][0]["answers"][0]["answer"] = "<script>" + answer
    out = html_of(payload)
    assert html.escape("<script>" + answer) in out
    assert "<script" not in out


# ------------------------------------------------------------------------------- PDF


def test_pdf_is_a_pdf_with_labels_and_non_latin1_answer_as_text() -> None:
    out = pdf_of(make_payload(), sender="Sam", created="2026", compress=False)
    assert out.startswith(b"%PDF-")
    assert out.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in out  # the Unicode font is embedded
    text = pdf_text(out)
    for label in ("Client A · session 6", "Client B · session 2 (2026)", "Free reflection"):
        assert label in text
    assert flat(ANSWER) in text
    assert NEXT_STEP in text
    assert "Your estimate: 31 / 40 · Client's feedback: 23 / 40" in text
    assert "parental/protective: moderate" in text
    assert "disengaged" not in text


def test_pdf_compressed_by_default_is_still_a_pdf() -> None:
    out = pdf_of(make_payload())
    assert out.startswith(b"%PDF-")
    assert b"/FlateDecode" in out
    assert ANSWER.encode() not in out


def test_pdf_embeds_the_chart_image_only_when_series_given(charted: dict[str, Any]) -> None:
    assert b"/Subtype /Image" in charted["pdf"]
    assert "Alliance chart" in pdf_text(charted["pdf"])
    without = pdf_of(make_payload(series=[]), compress=False)
    assert b"/Subtype /Image" not in without
    assert "Alliance chart" not in pdf_text(without)


def test_pdf_replaces_glyphs_the_font_lacks_without_crashing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    payload = make_payload()
    payload["items"][0]["answers"][0]["answer"] = "I felt 🫠 then 中文 and 👍🏽 ok"
    payload["items"][0]["next_step"] = "🦩" * 400
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        out = pdf_of(payload, compress=False)
    text = pdf_text(out)
    assert "I felt \ufffd then \ufffd\ufffd and \ufffd ok" in text
    assert not [r for r in caplog.records if "glyph" in r.getMessage().lower()]


def test_pdf_metadata_reveals_no_date_beyond_the_year_and_no_one_unnamed() -> None:
    out = pdf_of(make_payload(), created="12 November 2026")
    assert b"/CreationDate (D:20260101000000Z)" in out
    assert b"/ModDate" not in out
    assert b"/Author" not in out
    assert b"/Author (Sam)" in pdf_of(make_payload(), sender="Sam")


def test_pdf_is_the_same_for_the_same_payload() -> None:
    assert pdf_of(make_payload(), created="2026") == pdf_of(make_payload(), created="2026")


def test_pdf_starts_an_entry_on_a_new_page_rather_than_split_it() -> None:
    payload = make_payload()
    long_answer = " ".join(["This answer fills part of a page."] * 40)
    payload["items"] = [
        item(id=f"{n:032x}", session=f"session {n}", next_step=f"Step for {n}")
        | {"answers": [{"prompt": "What happened?", "answer": long_answer}]}
        for n in range(1, 7)
    ]
    pages = [flat(page) for page in pdf_pages(pdf_of(payload, compress=False))]
    assert len(pages) > 2
    for n in range(1, 7):
        holding = [p for p in pages if f"Client A · session {n} " in p]
        assert len(holding) == 1
        assert f"Step for {n}" in holding[0]


# ---------------------------------------------------------------- nothing more, nothing less


def test_report_shows_nothing_that_is_not_in_the_payload(charted: dict[str, Any]) -> None:
    left_out = item(
        id="d" * 32,
        client="Client Z",
        answers=[{"prompt": "Unshared prompt", "answer": f"{CANARY} answer"}],
        next_step=f"{CANARY} step",
    )
    payload = make_payload()
    payload["items"][0] = payload["items"][0] | {"comment": f"{CANARY} client comment"}
    payload["items"][1] = payload["items"][1] | {"date": "2026-03-14", "code": f"{CANARY}-code"}
    assert left_out not in payload["items"]
    out_html = html_of(payload, sender="Sam", created="2026")
    out_pdf = pdf_text(pdf_of(payload, sender="Sam", created="2026", compress=False))
    for out in (out_html, out_pdf):
        assert CANARY not in out
        assert "Client Z" not in out
        assert "2026-03-14" not in out
        assert "14 March" not in out
        assert "a" * 32 not in out  # entry ids are for the bundle, not the page


def test_report_loses_nothing_chosen(charted: dict[str, Any]) -> None:
    payload = charted["payload"]
    strings = shown_strings(payload)
    assert len(strings) > 20
    pdf = pdf_text(charted["pdf"])
    for value in strings:
        assert html.escape(value) in charted["html"]
        assert flat(value) in pdf


def test_reports_do_not_change_the_payload() -> None:
    payload = Payload.from_json(make_payload(SERIES[:1]))
    before = copy.deepcopy(payload.to_json())
    html_report(payload)
    pdf_report(payload)
    assert payload.to_json() == before


# ----------------------------------------------------------------------------- chart


def test_chart_keeps_raw_totals_when_all_sessions_share_one_instrument() -> None:
    spec = shared_alliance_chart(series_of(SERIES)).to_dict()
    assert spec["spec"]["layer"][0]["encoding"]["y"]["title"] == "Total score (out of 40)"
    assert spec["spec"]["layer"][0]["encoding"]["x"]["axis"]["format"] == "d"
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert {"client": "Client B", "session": 2, "who": "Client's feedback", "score": 36} in values
    assert {v["who"] for v in values} == {"Your estimate", "Client's feedback"}


def test_chart_uses_percent_of_maximum_when_instruments_differ() -> None:
    mixed = SERIES + [
        {
            "client": "Client C",
            "session": 1,
            "estimate": 5,
            "feedback": 8,
            "max": 10,
            "instrument": "srs",
        }
    ]
    spec = shared_alliance_chart(series_of(mixed)).to_dict()
    assert spec["spec"]["layer"][0]["encoding"]["y"]["title"] == "Score (% of the scale's maximum)"
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert {"client": "Client C", "session": 1, "who": "Client's feedback", "score": 80.0} in values
    assert {"client": "Client A", "session": 5, "who": "Your estimate", "score": 75.0} in values


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"], ids=["line sep", "paragraph sep"])
def test_a_client_label_with_a_line_or_paragraph_separator_still_charts(separator: str) -> None:
    # found by fuzzing: a partner's label "Client\u2028A" reached the chart's Vega
    # expressions, and vl-convert failed with "Unexpected token ILLEGAL", so no report
    label = f"Client{separator}A"
    payload = make_payload([row | {"client": label} for row in SERIES[:2]])
    payload["items"][0]["client"] = label
    out_html = html_of(payload)
    out_pdf = pdf_text(pdf_of(payload, compress=False))
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', out_html)
    assert "Alliance chart" in out_pdf
    for out in (out_html, out_pdf):
        assert separator not in out
        assert "Client A · session 6" in flat(out)
