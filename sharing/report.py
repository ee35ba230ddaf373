"""Printable reports of shared reflections: a self-contained HTML page and a PDF.

Both are drawn from the de-identified ``sharing.payload.Payload`` (what also goes into
the encrypted bundle) and from nothing else, so the supervisor never sees more on paper
than in the bundle. The only other text is what the caller passes:
the sender's name and a "created" string such as "2026", both printed as given.

- HTML: one UTF-8 document with no external resource at all (no script, no URL; the
  charts are PNG ``data:`` URIs), a Content-Security-Policy that forbids loading
  anything, and print CSS for A4. Every payload string is HTML-escaped. A passphrase
  bundle encrypts this page, with the payload JSON added in one non-executable
  ``<script type="application/json">`` block (``sharing.bundle.readable_document``).
- PDF: fpdf2 with DejaVu Sans embedded from ``sharing/fonts`` (subset), so Latin, Greek
  and Cyrillic text prints anywhere; characters the font lacks (CJK, most emoji) print
  as U+FFFD. Metadata: the title, the sender when given, and 1 January of the year in
  ``created`` as creation date. The same payload gives the same bytes.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re
import struct
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace

from insights import outcomes as rules
from insights.charts import BLUE, ESTIMATE, FEEDBACK, GREY, ORANGE
from insights.charts.common import GREEN, VERMILLION
from insights.export import chart_png
from prompts.library import builtin_library
from sharing.payload import ChartPoint, Payload, Scores, SharedCourse, SharedItem
from sharing.share import FREE_REFLECTION

__all__ = [
    "CHART_TITLE",
    "NOTICE",
    "OUTCOMES_TITLE",
    "TITLE",
    "calls_in_words",
    "course_facts",
    "course_label",
    "course_table",
    "framework_name",
    "html_report",
    "outcomes_table",
    "pdf_report",
    "series_table",
    "shared_alliance_chart",
    "shared_outcome_chart",
]

TITLE = "Reflections shared for supervision"
NOTICE = (
    "De-identified: clients appear as letters and sessions by number, and details that "
    "could identify anyone were removed or replaced by placeholders such as [name]. "
    "Still confidential: keep it as safely as clinical notes, show it only in "
    "supervision, and destroy it (shred or delete) after use."
)
CHART_TITLE = "Your estimate and the client's feedback, session by session"
CHART_ALT = (
    "Line chart of your estimate and the client's feedback by session number, one panel per client."
)
OUTCOMES_TITLE = "Outcomes"
OUTCOMES_NOTE = (
    "Each client's outcome scores by session number, each read against their first score "
    "(the baseline), up to the last session shared."
)
OUTCOME_CHART_TITLE = "Outcome scores by session, against each client's baseline"
OUTCOME_CHART_ALT = (
    "Line chart of each client's outcome score by session number, one panel per client, "
    "with the band of no reliable change around the baseline shaded and the clinical "
    "cutoff dashed."
)
OUTCOME_CHART_KEY = (
    "Shaded: no reliable change from the baseline. Dashed line: the clinical cutoff."
)
# each status with its colour and shape, so the chart reads in black and white print too
STATUS_MARKS = {
    rules.BASELINE: (GREY, "circle"),
    rules.RECOVERED: (GREEN, "diamond"),
    rules.IMPROVED: (BLUE, "triangle-up"),
    rules.NO_CHANGE: ("#000000", "square"),
    rules.DETERIORATED: (VERMILLION, "triangle-down"),
}
FOOTER = "Confidential, de-identified: destroy after use"
NO_SCORES = "No scores to chart"
NO_ANSWER = "(no answer)"
NOT_RATED = "—"
REPLACEMENT = "\ufffd"
# CR and the Unicode line and paragraph separators end a line too; left in a chart label,
# U+2028/U+2029 break the chart's Vega expressions (vl-convert: "Unexpected token ILLEGAL")
_LINE_ENDS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})

# Words for reaction intensities, as on the Reflect screen (0, "none", is left out).
INTENSITY = {1: "mild", 2: "moderate", 3: "strong"}

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
_FONT = "DejaVu"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# Characters the fonts lack that carry no meaning alone (joiners, variation selectors,
# emoji skin-tone modifiers): dropped rather than printed as U+FFFD.
_SILENT = frozenset({"Cf", "Mn", "Me", "Sk"})
# PDF creation date when ``created`` names no year: fixed, so it dates nothing.
_FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=UTC)
_YEAR = re.compile(r"\b(?:19|20|21)\d\d\b")


# ------------------------------------------------------------------ what an entry shows


@dataclass(frozen=True)
class _Scores:
    """One session's ratings, ready to print: totals and item scores side by side."""

    caption: str
    estimate: str
    feedback: str
    items: list[tuple[str, str, str]]  # (item, your estimate, client's feedback)


@dataclass(frozen=True)
class _Entry:
    """One shared reflection as both formats print it, in order."""

    label: str
    facts: list[tuple[str, str]]
    scores: _Scores | None
    reactions: list[str]
    answers: list[tuple[str, str]]
    text: str
    next_step: str
    tags: list[str]


def _text(value: Any) -> str:
    """A payload value as display text: line ends as \\n, control characters dropped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").translate(_LINE_ENDS)
    return "".join(
        REPLACEMENT if unicodedata.category(ch) == "Cs" else ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )


def _number(value: Any) -> str:
    if value is None:
        return NOT_RATED
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def _label(item: SharedItem) -> str:
    """An entry's heading, e.g. "Client A · session 6"; the year only if the payload has it."""
    parts = [_text(item.client), _text(item.session)]
    label = " · ".join(p for p in parts if p) or FREE_REFLECTION
    year = _text(item.year)
    return f"{label} ({year})" if year and year not in label else label


def framework_name(framework: str) -> str:
    """A framework's name in words ("free" -> "Free reflection"); an id the built-in
    library does not know (a framework of the sender's own) is shown as it came."""
    try:
        return builtin_library().framework(framework).name
    except KeyError:
        return framework


def _facts(item: SharedItem) -> list[tuple[str, str]]:
    facts = []
    framework = _text(item.framework)
    if framework:
        facts.append(("Framework", framework_name(framework)))
    focus = ", ".join(_text(domain) for domain in item.focus)
    if focus:
        facts.append(("Focus", focus))
    facts.append(("Flagged for supervision", "yes" if item.flagged else "no"))
    return facts


def _reactions(reactions: Mapping[str, int]) -> list[str]:
    """Non-zero reactions as words: "parental/protective: moderate"."""
    return [
        f"{_text(name)}: {INTENSITY.get(level, _text(level))}"
        for name, level in reactions.items()
        if level
    ]


def _item_labels(instrument_ids: Iterable[str]) -> dict[str, str]:
    """Item labels of the built-in instruments among ``instrument_ids`` (e.g. "Goals")."""
    labels: dict[str, str] = {}
    for instrument_id in instrument_ids:
        instrument = builtin_library().instruments.get(instrument_id)
        if instrument is not None:
            labels.update({item.id: item.label for item in instrument.items})
    return labels


def _total(rating: Scores | None) -> str:
    if rating is None:
        return NOT_RATED
    total, top = _number(rating.total), rating.max
    return f"{total} / {_number(top)}" if top is not None else total


def _scores(estimate: Scores | None, feedback: Scores | None) -> _Scores | None:
    ratings = [r for r in (estimate, feedback) if r is not None]
    if not ratings:
        return None
    names = dict.fromkeys(_text(r.name or r.instrument) for r in ratings)
    labels = _item_labels(_text(r.instrument) for r in ratings)
    keys = dict.fromkeys(key for r in ratings for key in r.items)

    def item(rating: Scores | None, key: str) -> str:
        return _number(rating.items.get(key)) if rating else NOT_RATED

    return _Scores(
        caption=" / ".join(n for n in names if n),
        estimate=_total(estimate),
        feedback=_total(feedback),
        items=[
            (labels.get(key, _text(key)), item(estimate, key), item(feedback, key)) for key in keys
        ],
    )


def _entry(item: SharedItem) -> _Entry:
    """What one payload item shows, shared by the HTML and the PDF."""
    return _Entry(
        label=_label(item),
        facts=_facts(item),
        scores=_scores(item.estimate, item.feedback),
        reactions=_reactions(item.reactions),
        answers=[(_text(answer.prompt), _text(answer.answer)) for answer in item.answers],
        text=_text(item.text),
        next_step=_text(item.next_step),
        tags=[tag for tag in (_text(t) for t in item.tags) if tag],
    )


def _meta_line(sender: str, created: str) -> str:
    """The line under the title, e.g. "From: Sam · Created: 2026", without what is empty."""
    parts = [(f"From: {_text(sender)}", sender), (f"Created: {_text(created)}", created)]
    return " · ".join(line for line, given in parts if given)


# ----------------------------------------------------------------------------- chart


def _session_axis() -> alt.Axis:
    """Whole session numbers only: in a faceted chart Vega ignores `tickMinStep`, and a
    tick at 1.5 printed as "2" would name a session twice."""
    whole = {"condition": {"test": "datum.value % 1 != 0", "value": 0}, "value": 1}
    return alt.Axis(
        format="d",
        tickMinStep=1,
        labelExpr="datum.value % 1 ? '' : datum.label",
        gridOpacity=whole,
        tickOpacity=whole,
    )


def _chart_rows(
    series: Iterable[ChartPoint], estimate: str = ESTIMATE
) -> tuple[pd.DataFrame, str, list[float]]:
    """Long form (client, session, who, score), the y title and the y domain.

    Totals stay raw when every session used one instrument; otherwise they become
    percent of the instrument's maximum so instruments compare.
    """
    rows = [r for r in series if r.estimate is not None or r.feedback is not None]
    scales = {(r.instrument, r.max) for r in rows}
    raw = len(scales) == 1
    top = next(iter(scales))[1] if raw else None
    long = []
    for r in rows:
        for who, value in ((estimate, r.estimate), (FEEDBACK, r.feedback)):
            if value is None or not (raw or r.max):
                continue
            score = value if raw else round(100 * value / r.max, 1)
            client, session = _text(r.client).replace("\n", " "), int(r.session)
            long.append({"client": client, "session": session, "who": who, "score": score})
    frame = pd.DataFrame(long, columns=["client", "session", "who", "score"])
    if not raw:
        return frame, "Score (% of the scale's maximum)", [0, 100]
    if top:
        return frame, f"Total score (out of {_number(top)})", [0, top]
    return frame, "Total score", []


def series_table(series: Iterable[ChartPoint], estimate: str = ESTIMATE) -> pd.DataFrame:
    """The alliance series as a table to download: columns in words, whose estimate it is
    named by ``estimate``, the instrument by its name (as it came when not a built-in)."""
    names = {key: value.name for key, value in builtin_library().instruments.items()}
    columns = ["Client", "Session", estimate, FEEDBACK, "Out of", "Instrument"]
    rows = [
        (
            _text(r.client),
            r.session,
            r.estimate,
            r.feedback,
            r.max,
            names.get(r.instrument, _text(r.instrument)),
        )
        for r in series
    ]
    return pd.DataFrame(rows, columns=columns)


def shared_alliance_chart(
    series: Sequence[ChartPoint], estimate: str = ESTIMATE
) -> alt.FacetChart | alt.Chart:
    """Your estimate against the client's feedback by session number, a panel per client.

    ``series`` is the payload's alliance series. ``estimate`` names whose estimate it is:
    "Your estimate" in the supervisee's report, ``SUPERVISEE_ESTIMATE`` where a supervisor
    reads it. Lines differ by colour, dash and point shape, so the chart still reads in
    black and white print.
    """
    frame, y_title, domain = _chart_rows(series, estimate)
    title = CHART_TITLE.replace(ESTIMATE, estimate, 1)
    if frame.empty:
        return (
            alt.Chart(pd.DataFrame({"message": [NO_SCORES]}), title=title)
            .mark_text(size=15, color=GREY)
            .encode(text="message:N")
            .properties(width=520, height=80)
        )
    clients = sorted(frame["client"].unique(), key=lambda c: (len(c), c))
    columns = 1 if len(clients) == 1 else 2
    who = [estimate, FEEDBACK]

    def legend(channel: type, values: list[Any]) -> Any:
        return channel("who:N", title="Whose rating", scale=alt.Scale(domain=who, range=values))

    base = alt.Chart().encode(
        x=alt.X(
            "session:Q",
            title="Session number",
            axis=_session_axis(),
            scale=alt.Scale(zero=False, nice=False, padding=10),
        ),
        y=alt.Y(
            "score:Q",
            title=y_title,
            scale=alt.Scale(domain=domain) if domain else alt.Scale(zero=False),
        ),
        color=legend(alt.Color, [BLUE, ORANGE]),
    )
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=legend(alt.StrokeDash, [[6, 3], [1, 0]])
    )
    points = base.mark_point(filled=True, size=60, opacity=1).encode(
        shape=legend(alt.Shape, ["circle", "square"]),
        tooltip=["client:N", "session:Q", "who:N", "score:Q"],
    )
    return (
        alt.layer(lines, points, data=frame)
        .properties(width=520 if columns == 1 else 250, height=180)
        .facet(
            facet=alt.Facet(
                "client:N",
                title=None,
                sort=clients,
                header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelAnchor="start"),
            ),
            columns=columns,
            title=title,
        )
        .resolve_scale(x="independent")
        .configure_legend(orient="bottom")
    )


# --------------------------------------------------------------------------- outcomes


def _status_word(status: str) -> str:
    """A status as a reader sees it: "Reliable improvement"."""
    return _text(status)[:1].upper() + _text(status)[1:]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def calls_in_words(calls: rules.PredictionCalibration, supervisee: bool = False) -> str:
    """The calibration of the sender's predictions in sentences: in the sender's own words
    (as `PredictionCalibration.in_words`), or about them when a supervisor reads it."""
    if not supervisee:
        return calls.in_words()
    if not calls.checked:
        return "No call of your supervisee's has an outcome score to check it against yet."
    parts = [f"{calls.right} of {calls.checked} calls matched the client's score."]
    if calls.deteriorations:
        parts.append(
            f"They foresaw {calls.foreseen} of "
            f"{_plural(calls.deteriorations, 'reliable deterioration')}."
        )
    else:
        parts.append("No checked session showed a reliable deterioration.")
    if calls.called_worse:
        worse = "\u201cworse\u201d call" + ("" if calls.called_worse == 1 else "s")
        parts.append(
            f"{calls.called_worse_wrong} of their {calls.called_worse} {worse} did not happen."
        )
    return " ".join(parts)


def course_label(course: SharedCourse) -> str:
    """A course's heading: "Client A · PHQ-9"."""
    return f"{_text(course.client)} · {_text(course.measure)}"


def course_facts(course: SharedCourse, supervisee: bool = False) -> list[tuple[str, str]]:
    """What a course says in words: measure and direction, baseline, latest score, status,
    the not-on-track flag and the calibration of the predictions."""
    first, latest = course.points[0], course.points[-1]
    direction = "higher" if course.higher_is_better else "lower"
    cutoff = f"; clinical cutoff {_number(course.cutoff)}" if course.cutoff is not None else ""
    facts = [
        ("Measure", f"{_text(course.measure)} ({direction} is better{cutoff})"),
        ("Baseline", f"{_number(first.total)} at session {first.session}"),
    ]
    if len(course.points) > 1:
        facts.append(("Latest score", f"{_number(latest.total)} at session {latest.session}"))
        facts.append(("Status", _status_word(latest.status)))
    else:
        facts.append(("Status", "Baseline only: no later score yet"))
    reason = _text(course.not_on_track)
    facts.append(("Not on track", f"yes — {reason}" if reason else "no"))
    whose = "Your supervisee's predictions" if supervisee else "Your predictions"
    facts.append((whose, calls_in_words(course.calls, supervisee)))
    return facts


def _course_rows(course: SharedCourse) -> list[tuple[str, str, str]]:
    """(session, score, status) of each score, in words."""
    return [(str(p.session), _number(p.total), _status_word(p.status)) for p in course.points]


def course_table(course: SharedCourse) -> pd.DataFrame:
    """One course's scores as a small table in words: session, score, status."""
    return pd.DataFrame(_course_rows(course), columns=["Session", "Score", "Status"])


def outcomes_table(courses: Iterable[SharedCourse]) -> pd.DataFrame:
    """The outcome courses as one table to read or download, columns in words."""
    columns = ["Client", "Measure", "Session", "Score", "Status", "Not on track"]
    rows = [
        (
            _text(c.client),
            _text(c.measure),
            p.session,
            p.total,
            _status_word(p.status),
            "yes" if c.not_on_track and p is c.points[-1] else "",
        )
        for c in courses
        for p in c.points
    ]
    return pd.DataFrame(rows, columns=columns)


def _outcome_frame(courses: Iterable[SharedCourse]) -> pd.DataFrame:
    rows = []
    for course in courses:
        panel = course_label(course).replace("\n", " ")
        low, high = course.band if course.band else (None, None)
        for n, point in enumerate(course.points):
            rows.append(
                {
                    "client": panel,
                    "session": int(point.session),
                    "score": float(point.total),
                    "status": _status_word(point.status),
                    "first": n == 0,
                    "low": low,
                    "high": high,
                    "cutoff": course.cutoff,
                }
            )
    columns = ["client", "session", "score", "status", "first", "low", "high", "cutoff"]
    return pd.DataFrame(rows, columns=columns)


def shared_outcome_chart(courses: Sequence[SharedCourse]) -> alt.FacetChart | alt.Chart:
    """Each client's outcome score by session number, a panel per client: the band of no
    reliable change around the baseline shaded, the clinical cutoff dashed, and each
    score's status by colour and shape."""
    frame = _outcome_frame(courses)
    if frame.empty:
        return (
            alt.Chart(pd.DataFrame({"message": [NO_SCORES]}), title=OUTCOME_CHART_TITLE)
            .mark_text(size=15, color=GREY)
            .encode(text="message:N")
            .properties(width=520, height=80)
        )
    panels = list(dict.fromkeys(frame["client"]))
    columns = 1 if len(panels) == 1 else 2
    words = [_status_word(s) for s in STATUS_MARKS]
    marks = list(STATUS_MARKS.values())

    def legend(channel: type, values: list[Any]) -> Any:
        return channel("status:N", title="Status", scale=alt.Scale(domain=words, range=values))

    x = alt.X(
        "session:Q",
        title="Session number",
        axis=_session_axis(),
        scale=alt.Scale(zero=False, nice=False, padding=10),
    )
    y = alt.Y("score:Q", title="Outcome score", scale=alt.Scale(zero=False))
    first = alt.Chart().transform_filter("datum.first")
    band = first.transform_filter("datum.low != null").mark_rect(color=GREY, opacity=0.18)
    cutoff = first.transform_filter("datum.cutoff != null").mark_rule(
        color=VERMILLION, strokeDash=[5, 3], strokeWidth=1.5
    )
    base = alt.Chart().encode(x=x, y=y)
    layers = alt.layer(
        band.encode(y=alt.Y("low:Q"), y2="high:Q"),
        cutoff.encode(y=alt.Y("cutoff:Q")),
        base.mark_line(color=BLUE, strokeWidth=2),
        base.mark_point(filled=True, size=70, opacity=1).encode(
            color=legend(alt.Color, [colour for colour, _ in marks]),
            shape=legend(alt.Shape, [shape for _, shape in marks]),
            tooltip=["client:N", "session:Q", "score:Q", "status:N"],
        ),
        data=frame,
    )
    return (
        layers.properties(width=520 if columns == 1 else 250, height=180)
        .facet(
            facet=alt.Facet(
                "client:N",
                title=None,
                sort=panels,
                header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelAnchor="start"),
            ),
            columns=columns,
            title=OUTCOME_CHART_TITLE,
        )
        .resolve_scale(x="independent", y="independent")
        .configure_legend(orient="bottom")
    )


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG header."""
    return struct.unpack(">II", png[16:24])


# ------------------------------------------------------------------------------ HTML

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans",
  sans-serif; line-height: 1.45; color: #111; max-width: 46rem; margin: 2rem auto;
  padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
.meta { color: #444; margin: 0 0 .8rem; }
.notice { border: 1px solid #888; background: #f3f3f3; padding: .6rem .8rem; }
.entry, .chart { border-top: 2px solid #333; margin-top: 1.6rem; padding-top: .4rem; }
h2 { font-size: 1.25rem; margin: .2rem 0 .4rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem;
  margin: 0; color: #333; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.prompt { font-weight: 600; margin: .6rem 0 .1rem; }
section p { margin: .2rem 0; }
.answer, .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 .4rem; }
.none { color: #666; font-style: italic; }
.totals { font-weight: 600; margin: .2rem 0; }
table { border-collapse: collapse; font-size: .92rem; }
caption { text-align: left; color: #444; padding-bottom: .2rem; }
th, td { padding: .15rem .7rem .15rem 0; border-bottom: 1px solid #ccc; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
ul { margin: .2rem 0; padding-left: 1.2rem; }
.chart img { max-width: 100%; height: auto; }
.course { margin-top: 1rem; }
@page { size: A4; margin: 16mm 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  .notice { background: none; }
  .entry, .chart, .qa, .course, table, tr { break-inside: avoid; page-break-inside: avoid; }
  h2, h3, .prompt { break-after: avoid; page-break-after: avoid; }
}
"""

# Defence in depth: even a tag that slipped through could load nothing.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_section(title: str, body: str) -> str:
    return f"<section><h3>{_esc(title)}</h3>{body}</section>"


def _html_scores(scores: _Scores) -> str:
    totals = (
        f'<p class="totals">{_esc(ESTIMATE)}: {_esc(scores.estimate)} · '
        f"{_esc(FEEDBACK)}: {_esc(scores.feedback)}</p>"
    )
    if not scores.items:
        return totals
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in ("Item", ESTIMATE, FEEDBACK))
    rows = "".join(
        f'<tr><th scope="row">{_esc(name)}</th>'
        f'<td class="n">{_esc(est)}</td><td class="n">{_esc(fb)}</td></tr>'
        for name, est, fb in scores.items
    )
    return (
        f"{totals}<table><caption>{_esc(scores.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _html_answer(prompt: str, answer: str) -> str:
    shown = (
        f'<p class="answer" dir="auto">{_esc(answer)}</p>'
        if answer
        else f'<p class="answer none">{_esc(NO_ANSWER)}</p>'
    )
    asked = f'<p class="prompt" dir="auto">{_esc(prompt)}</p>' if prompt else ""
    return f'<div class="qa">{asked}{shown}</div>'


def _html_entry(entry: _Entry) -> str:
    facts = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in entry.facts)
    parts = [f'<article class="entry"><h2 dir="auto">{_esc(entry.label)}</h2>']
    parts.append(f'<dl class="facts">{facts}</dl>')
    if entry.scores:
        parts.append(_html_section("Scores", _html_scores(entry.scores)))
    if entry.reactions:
        items = "".join(f"<li>{_esc(r)}</li>" for r in entry.reactions)
        parts.append(_html_section("Reactions", f"<ul>{items}</ul>"))
    if entry.answers:
        answers = "".join(_html_answer(p, a) for p, a in entry.answers)
        parts.append(_html_section("Prompts and answers", answers))
    for title, text in (("Free text", entry.text), ("Next step", entry.next_step)):
        if text:
            parts.append(_html_section(title, f'<p class="text" dir="auto">{_esc(text)}</p>'))
    if entry.tags:
        parts.append(_html_section("Tags", f'<p dir="auto">{_esc(", ".join(entry.tags))}</p>'))
    parts.append("</article>")
    return "\n".join(parts)


def _html_image(png: bytes, alt_text: str) -> str:
    width = _png_size(png)[0] // 2  # rendered at scale 2
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" width="{width}" alt="{_esc(alt_text)}">'


def _html_chart(png: bytes) -> str:
    return f'<section class="chart"><h2>Alliance chart</h2>{_html_image(png, CHART_ALT)}</section>'


def _html_course(course: SharedCourse) -> str:
    facts = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in course_facts(course))
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in ("Session", "Score", "Status"))
    rows = "".join(
        f'<tr><td class="n">{_esc(n)}</td><td class="n">{_esc(score)}</td>'
        f"<td>{_esc(status)}</td></tr>"
        for n, score, status in _course_rows(course)
    )
    return (
        f'<div class="course"><h3 dir="auto">{_esc(course_label(course))}</h3>'
        f'<dl class="facts">{facts}</dl>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _html_outcomes(courses: Sequence[SharedCourse]) -> str:
    png = chart_png(shared_outcome_chart(courses))
    return (
        f'<section class="chart outcomes"><h2>{_esc(OUTCOMES_TITLE)}</h2>'
        f"<p>{_esc(OUTCOMES_NOTE)}</p>"
        + "".join(_html_course(course) for course in courses)
        + f"<p>{_esc(OUTCOME_CHART_KEY)}</p>{_html_image(png, OUTCOME_CHART_ALT)}</section>"
    )


def html_report(payload: Payload, *, sender: str = "", created: str = "") -> str:
    """The payload as one self-contained, printable HTML5 document (a str, UTF-8 ready).

    ``sender`` and ``created`` (e.g. "November 2026") are printed as given; nothing
    else outside the payload is added.
    """
    meta = _meta_line(sender, created)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(TITLE)}</title>",
        f"<style>{_CSS}</style></head>",
        "<body><header>",
        f"<h1>{_esc(TITLE)}</h1>",
        f'<p class="meta">{_esc(meta)}</p>' if meta else "",
        f'<p class="notice">{_esc(NOTICE)}</p>',
        "</header><main>",
        *(_html_entry(_entry(item)) for item in payload.items),
    ]
    if payload.series:
        parts.append(_html_chart(chart_png(shared_alliance_chart(payload.series))))
    if payload.outcomes:
        parts.append(_html_outcomes(payload.outcomes))
    parts.append("</main></body></html>\n")
    return "\n".join(p for p in parts if p)


# ------------------------------------------------------------------------------- PDF


@functools.cache
def _glyphs() -> frozenset[int]:
    """Code points that both report fonts can draw."""
    maps = [set(TTFont(FONTS_DIR / name, lazy=True).getBestCmap()) for name in _FONT_FILES.values()]
    return frozenset(set.intersection(*maps))


def _printable(text: str) -> str:
    """``text`` with only characters the embedded font has: others become U+FFFD."""
    glyphs, out = _glyphs(), []
    for ch in unicodedata.normalize("NFC", _text(text)):
        if ch == "\n" or ord(ch) in glyphs:
            out.append(ch)
        elif ch == "\t":
            out.append("    ")
        elif unicodedata.category(ch) not in _SILENT:
            out.append(REPLACEMENT)
    return "".join(out)


def _creation_date(created: str) -> datetime:
    """1 January of the year named in ``created``: the file must not date itself closer."""
    year = _YEAR.search(created or "")
    return datetime(int(year[0]), 1, 1, tzinfo=UTC) if year else _FALLBACK_DATE


class _ReportPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, "", 8)
        self.set_text_color(90)
        self.cell(0, 5, f"{FOOTER} · page {self.page_no()}", align="C")


def _new_pdf(sender: str, created: str, compress: bool) -> FPDF:
    pdf = _ReportPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    for style, name in _FONT_FILES.items():
        pdf.add_font(_FONT, style, str(FONTS_DIR / name))
    pdf.set_title(TITLE)
    pdf.set_lang("en")
    if sender:
        pdf.set_author(_text(sender))
    pdf.set_creation_date(_creation_date(created))
    pdf.add_page()
    return pdf


def _write(
    pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, grey: bool = False
) -> None:
    pdf.set_font(_FONT, "B" if bold else "", size)
    pdf.set_text_color(70 if grey else 0)
    pdf.multi_cell(0, size * 0.5, _printable(text), new_x="LMARGIN", new_y="NEXT")


def _pdf_heading(pdf: FPDF, title: str) -> None:
    pdf.ln(1.5)
    _write(pdf, title, size=10.5, bold=True)


def _pdf_scores(pdf: FPDF, scores: _Scores) -> None:
    _pdf_heading(pdf, "Scores")
    _write(pdf, f"{ESTIMATE}: {scores.estimate} · {FEEDBACK}: {scores.feedback}", bold=True)
    if not scores.items:
        return
    _write(pdf, scores.caption, size=9, grey=True)
    pdf.set_font(_FONT, "", 9)
    pdf.set_text_color(0)
    with pdf.table(
        width=min(pdf.epw, 130),
        col_widths=(56, 37, 37),
        align="LEFT",
        text_align=("LEFT", "RIGHT", "RIGHT"),
        line_height=4.5,
        borders_layout="HORIZONTAL_LINES",
        cell_fill_mode="NONE",
        headings_style=FontFace(emphasis="BOLD", fill_color=255),
    ) as table:
        for cells in [("Item", ESTIMATE, FEEDBACK), *scores.items]:
            row = table.row()
            for cell in cells:
                row.cell(_printable(cell))


def _pdf_entry(pdf: FPDF, entry: _Entry) -> None:
    pdf.set_draw_color(60)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(2)
    _write(pdf, entry.label, size=13, bold=True)
    _write(pdf, "  ·  ".join(f"{k}: {v}" for k, v in entry.facts), size=9, grey=True)
    if entry.scores:
        _pdf_scores(pdf, entry.scores)
    if entry.reactions:
        _pdf_heading(pdf, "Reactions")
        _write(pdf, "; ".join(entry.reactions))
    if entry.answers:
        _pdf_heading(pdf, "Prompts and answers")
        for prompt, answer in entry.answers:
            pdf.ln(1)
            if prompt:
                _write(pdf, prompt, bold=True)
            _write(pdf, answer or NO_ANSWER, grey=not answer)
    for title, text in (("Free text", entry.text), ("Next step", entry.next_step)):
        if text:
            _pdf_heading(pdf, title)
            _write(pdf, text)
    if entry.tags:
        _pdf_heading(pdf, "Tags")
        _write(pdf, ", ".join(entry.tags))
    pdf.ln(5)


def _keep_together(pdf: FPDF, draw: Callable[[FPDF], None]) -> None:
    """Start ``draw`` on a new page if it would be split here but fits on one page.

    Something taller than a page starts here, unless too little room is left for its
    heading and first lines.
    """
    page, y = pdf.page, pdf.y
    with pdf.offset_rendering() as trial:
        draw(trial)
        height = (trial.page - page) * pdf.eph + trial.y - y
    room = pdf.page_break_trigger - pdf.y
    if height > room and (height <= pdf.eph or room < 40) and pdf.y > pdf.t_margin + 1:
        pdf.add_page()
    draw(pdf)


def _pdf_chart(pdf: FPDF, png: bytes, title: str = "Alliance chart") -> None:
    px_width, px_height = _png_size(png)
    width = min(pdf.epw, px_width / 2 * 25.4 / 96)  # scale 2, 96 CSS pixels per inch
    height = width * px_height / px_width
    if height + 12 > pdf.page_break_trigger - pdf.y:
        pdf.add_page()
    if title:
        _write(pdf, title, size=13, bold=True)
    pdf.ln(2)
    pdf.image(io.BytesIO(png), w=width, h=height)


def _pdf_course(pdf: FPDF, course: SharedCourse) -> None:
    _write(pdf, course_label(course), size=11, bold=True)
    for key, value in course_facts(course):
        _write(pdf, f"{key}: {value}", size=9.5)
    pdf.ln(1)
    pdf.set_font(_FONT, "", 9)
    pdf.set_text_color(0)
    with pdf.table(
        width=min(pdf.epw, 110),
        col_widths=(22, 22, 66),
        align="LEFT",
        text_align=("RIGHT", "RIGHT", "LEFT"),
        line_height=4.5,
        borders_layout="HORIZONTAL_LINES",
        cell_fill_mode="NONE",
        headings_style=FontFace(emphasis="BOLD", fill_color=255),
    ) as table:
        for cells in [("Session", "Score", "Status"), *_course_rows(course)]:
            row = table.row()
            for cell in cells:
                row.cell(_printable(cell))
    pdf.ln(4)


def _pdf_outcomes(pdf: FPDF, courses: Sequence[SharedCourse]) -> None:
    pdf.set_draw_color(60)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(2)
    _write(pdf, OUTCOMES_TITLE, size=13, bold=True)
    _write(pdf, OUTCOMES_NOTE, size=9, grey=True)
    pdf.ln(2)
    for course in courses:
        _keep_together(pdf, lambda target, course=course: _pdf_course(target, course))
    _write(pdf, OUTCOME_CHART_KEY, size=9, grey=True)
    _pdf_chart(pdf, chart_png(shared_outcome_chart(courses)), "")


def pdf_report(
    payload: Payload, *, sender: str = "", created: str = "", compress: bool = True
) -> bytes:
    """The payload as an A4 PDF with the same content as ``html_report``.

    ``compress=False`` leaves the content streams readable (for tests).
    """
    pdf = _new_pdf(sender, created, compress)
    _write(pdf, TITLE, size=17, bold=True)
    meta = _meta_line(sender, created)
    if meta:
        _write(pdf, meta, grey=True)
    pdf.ln(2)
    pdf.set_fill_color(243)
    pdf.set_draw_color(140)
    pdf.set_font(_FONT, "", 9.5)
    pdf.set_text_color(0)
    pdf.multi_cell(
        0, 5, _printable(NOTICE), border=1, fill=True, padding=2, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_fill_color(255)
    pdf.ln(5)
    for item in payload.items:
        entry = _entry(item)
        _keep_together(pdf, lambda target, entry=entry: _pdf_entry(target, entry))
    if payload.series:
        _pdf_chart(pdf, chart_png(shared_alliance_chart(payload.series)))
    if payload.outcomes:
        pdf.ln(4)
        _pdf_outcomes(pdf, payload.outcomes)
    return bytes(pdf.output())
