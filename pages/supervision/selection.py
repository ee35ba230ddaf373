"""A passage of the de-identification review in which words can be selected with the mouse
and redacted: a Streamlit v2 component, written here (no files, no network).

The passage travels as data and is put on the page with `textContent`, never as HTML, so
nothing in an entry can run as code. The selected words come back as a trigger value and
are added to the passage's "Also redact here" box.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from sharing import share

_JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  parentElement.replaceChildren();
  const box = document.createElement("div");
  box.className = "rj-passage";
  for (const [text, marked] of data.pieces) {
    const piece = document.createElement(marked ? "mark" : "span");
    piece.textContent = text;
    box.appendChild(piece);
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "rj-redact";
  button.textContent = data.label;
  const hint = document.createElement("span");
  hint.className = "rj-hint";
  hint.setAttribute("role", "status");
  let chosen = "";
  const remember = () => {
    const selection = window.getSelection();
    if (selection && selection.rangeCount && box.contains(selection.anchorNode)) {
      chosen = selection.toString().trim();
    }
  };
  document.addEventListener("selectionchange", remember);
  button.addEventListener("click", () => {
    remember();
    if (chosen && box.textContent.includes(chosen)) {
      setTriggerValue("picked", chosen);
      hint.textContent = "";
    } else {
      hint.textContent = data.hint;
    }
  });
  parentElement.append(box, button, hint);
  return () => document.removeEventListener("selectionchange", remember);
}
"""
_CSS = """
.rj-passage { white-space: pre-wrap; line-height: 1.6; margin-bottom: 0.5rem; }
.rj-passage mark { background: #fde68a; color: #1f2328; }
.rj-redact { font: inherit; padding: 0.25rem 0.75rem; border-radius: 0.5rem;
  border: 1px solid rgba(49, 51, 63, 0.3); background: transparent; cursor: pointer; }
.rj-hint { margin-left: 0.75rem; }
"""
_PASSAGE = st.components.v2.component(
    "reflective_journal.redact_selection", js=_JS, css=_CSS, isolate_styles=False
)
LABEL = "Redact the selected words"
HINT = "Select words in this passage with the mouse first, then press the button."


def pieces(passage: share.Passage) -> list[tuple[str, bool]]:
    """The passage as (text, highlighted) pieces, findings highlighted."""
    parts, cursor = [], 0
    for finding in passage.findings:
        parts += [(passage.text[cursor : finding.start], False), (finding.text, True)]
        cursor = finding.end
    parts.append((passage.text[cursor:], False))
    return [(text, marked) for text, marked in parts if text]


def selectable(passage: share.Passage, on_picked: Callable[[str], None], key: str) -> None:
    """Show the passage; words selected in it and sent with the button go to `on_picked`."""

    def picked() -> None:
        value = st.session_state[key].get("picked")
        if isinstance(value, str) and value.strip():
            on_picked(value.strip())

    _PASSAGE(
        data={"pieces": pieces(passage), "label": LABEL, "hint": HINT},
        key=key,
        on_picked_change=picked,
    )
