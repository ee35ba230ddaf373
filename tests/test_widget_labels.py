"""Widget labels: Streamlit shows a label as Markdown and reads it out, as written, as the
widget's accessible name. `widgets.label` escapes only what Markdown would change, so a
screen reader hears "C-001", never "C backslash dash 001".

Each escaped form below was checked in Chromium to show exactly the text it escapes.
"""

from __future__ import annotations

import pytest

from pages.ui.widgets import label, plain


@pytest.mark.parametrize(
    "text",
    [
        "C-001 · session 3 · 30 May 2024 — At one point I felt defensive",
        "A small practice for next time: two quiet minutes",
        "“C-027”: matches the stored name 'C-027'",
        "Is a pattern forming: extra messages, overrunning sessions, favours?",
        "snake_case, C_01 and 2.5 sessions (or 3!) | a + b = c",
        "I felt ~ok, paid $5, 5*3 and 10:30",
        "www.example.com and http://example.org",
    ],
)
def test_text_markdown_leaves_alone_is_not_escaped(text: str) -> None:
    assert label(text) == text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("*bold* and 5*3", r"\*bold\* and 5\*3"),
        ("__init__", r"\_\_init\_\_"),
        ("~~gone~~", r"\~\~gone\~\~"),
        ("`code`", r"\`code\`"),
        ("$5 and $10", r"\$5 and \$10"),
        ("a [link](x)", r"a \[link\](x)"),
        (":smile: and :red[x]", r"\:smile\: and \:red\[x\]"),
        ("x &amp; y <b>", r"x \&amp; y \<b>"),
        ("back\\slash \\- x", "back\\slash \\\\- x"),
    ],
)
def test_markup_is_escaped_where_markdown_would_act(text: str, escaped: str) -> None:
    assert label(text) == escaped


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("- item", r"\- item"),
        ("# title", r"\# title"),
        ("> quote", r"\> quote"),
        ("1. one", r"1\. one"),
    ],
)
def test_a_lines_first_mark_is_escaped(text: str, escaped: str) -> None:
    assert label(text) == escaped
    assert label(f"ok\n{text}") == f"ok\n{escaped}"


def test_a_label_escapes_less_than_markdown_text_does() -> None:
    assert plain("C-001") == r"C\-001"
    assert label("C-001") == "C-001"
