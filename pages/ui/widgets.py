"""Widgets every screen shares: text committed while typing, charts with downloads,
text shown exactly as typed, scores that start unanswered."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

# Text areas send their value only on blur or Ctrl+Enter. This commits a text area after
# a pause in typing, so drafts autosave and typing counts as activity for the idle lock.
_COMMIT_WHILE_TYPING = """
<script>
(() => {
  if (window.__journalCommitWhileTyping) return;
  window.__journalCommitWhileTyping = true;
  const timers = new WeakMap();
  document.addEventListener("input", (event) => {
    const area = event.target;
    if (!(area instanceof HTMLTextAreaElement)) return;
    clearTimeout(timers.get(area));
    timers.set(area, setTimeout(() => {
      if (!area.isConnected || area.closest("[data-testid='stForm']")) return;
      area.dispatchEvent(new KeyboardEvent("keydown",
        {key: "Enter", code: "Enter", keyCode: 13, ctrlKey: true, bubbles: true}));
    }, PAUSE_MS));
  }, true);
})();
</script>
"""
TYPING_PAUSE_MS = 1500


def commit_text_while_typing() -> None:
    """Install (once per browser tab) the commit-on-pause script for text areas."""
    script = _COMMIT_WHILE_TYPING.replace("PAUSE_MS", str(TYPING_PAUSE_MS))
    st.html(script, unsafe_allow_javascript=True)


# Streamlit greys a disabled widget's label to 40% of the text colour (2.3:1, under WCAG AA),
# and a saved read stays on screen as disabled scores: their labels keep the text colour.
_READABLE_DISABLED_LABELS = """
<style>
label[data-testid="stWidgetLabel"][disabled] { color: inherit; }
</style>
"""


# Streamlit's own chart toolbar offers "Download as PNG", "Show data" and "Copy spec":
# plaintext exports without our warning. Charts keep only the Download menu below them.
_HIDE_CHART_TOOLBAR = """
<style>
[class*="st-key-chart_"] [data-testid="stElementToolbar"] { display: none !important; }
</style>
"""


def chart(figure: Any, data: Any, name: str, description: str) -> None:
    """An Altair chart with PNG, SVG and CSV downloads, made only when clicked."""
    # imported here: only the screens that chart pay for vl-convert
    from insights.export import EXPORT_WARNING, chart_png, chart_svg, frame_csv

    # SVG keeps Vega's ARIA labels in the page, so screen readers can read each point
    figure = figure.properties(usermeta={"embedOptions": {"renderer": "svg"}})
    with st.container(key=f"chart_{name}"):
        st.altair_chart(figure, width="stretch", alt=description)
    with st.popover("Download", icon=":material/download:", key=f"download_{name}"):
        st.caption(EXPORT_WARNING)
        formats = {
            "PNG": (lambda: chart_png(figure), "png", "image/png"),
            "SVG": (lambda: chart_svg(figure), "svg", "image/svg+xml"),
            "CSV": (lambda: frame_csv(data), "csv", "text/csv"),
        }
        for column, (label, (make, suffix, mime)) in zip(
            st.columns(3), formats.items(), strict=True
        ):
            column.download_button(
                label, make, f"{name}.{suffix}", mime, key=f"{suffix}_{name}", on_click="ignore"
            )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^])")


def plain(text: str) -> str:
    """`text` escaped for st.markdown: shown as typed, never read as markup or links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


# A widget's label is Markdown on screen, but Streamlit also makes it the widget's accessible
# name as written, where every escape is read out ("C\\-001"). So a label escapes only what
# Markdown would act on: paired markers, a link's brackets, shortcodes, a line's first mark.
_LABEL_MARKUP = re.compile(
    r"\\(?=[!-/:-@\[-`{-~]|$)"  # a backslash that would escape the next character
    r"|:(?=[\w+\-/]+\[)"  # :red[text]
    r"|&(?=#?\w+;)"  # &amp; and &#42;
    r"|<(?=[A-Za-z/!?])"  # HTML, <autolinks>
    r"|^ {0,3}[#>+=|*\-]"  # a heading, quote, list item or rule at a line's start
    r"|^ {0,3}\d+[.)](?=\s|$)",  # a numbered list item
    re.MULTILINE,
)
_LABEL_SHORTCODE = re.compile(r":[\w+\-]+:")
# markers that act only in pairs: code, emphasis, strikethrough, LaTeX; `_` only at a word's edge
_LABEL_PAIRED = re.compile(r"[`*~$]|(?<![^\W_])_|_(?![^\W_])")


def label(text: str) -> str:
    """`text` for a widget's label: shown as typed, and its accessible name carries no
    escape unless Markdown would otherwise change what is shown (unlike `plain`)."""
    marks = {m.end() - 1 for m in _LABEL_MARKUP.finditer(text)}
    for code in _LABEL_SHORTCODE.finditer(text):  # :smile: stays an emoji unless both escape
        marks.update((code.start(), code.end() - 1))
    paired = [m.start() for m in _LABEL_PAIRED.finditer(text)]
    for char in {text[i] for i in paired}:
        same = [i for i in paired if text[i] == char]
        marks.update(same if len(same) > 1 else [])
    opening = text.find("[")
    if opening >= 0 and "]" in text[opening:]:  # a link's [text]
        marks.update(i for i, c in enumerate(text) if c in "[]")
    return "".join(f"\\{c}" if i in marks else c for i, c in enumerate(text))


# Up to 11 points (0-10) a scale is a row of buttons; a wider one (a custom instrument may
# run 0-100) is typed. Either starts unanswered: a preset score would anchor the answer.
_SCORE_BUTTONS_UP_TO = 11
# Buttons sized by their text and padding wrap a 0-10 row on a phone (7-10 under 0-6, or
# scrolled out of sight): the scale's buttons share one row in equal parts instead.
_SCORE_ROW = """
<style>
[class*="st-key-score_"] [role="radiogroup"] > button {
  flex: 1 1 0; min-width: 0; padding-inline: 0; min-height: 2.5rem;
}
</style>
"""


def app_styles() -> None:
    """The app's own styles, once per run for every screen: readable disabled labels,
    score rows and charts without Streamlit's toolbar. One style element, not one per
    chart or score row: each added to the page makes the browser restyle all of it."""
    st.html(_READABLE_DISABLED_LABELS + _HIDE_CHART_TOOLBAR + _SCORE_ROW)


def score(label: str, low: int, high: int, *, key: str, **options: Any) -> int | None:
    """A score from `low` to `high`, None until one is chosen: nothing is preselected, so
    an untouched form never passes for a middle score. Once chosen it can be changed, not
    cleared. `options` go to the Streamlit widget (disabled, persist_state, ...)."""
    if high - low >= _SCORE_BUTTONS_UP_TO:
        return st.number_input(
            label, low, high, value=None, step=1, key=key, placeholder=f"{low} to {high}", **options
        )
    with st.container(key=f"score_{key}"):
        return st.segmented_control(
            label,
            list(range(low, high + 1)),
            selection_mode="single",
            default=None,
            required=True,
            key=key,
            width="stretch",
            wrap=False,
            **options,
        )


def not_answered(names: list[str], how: str = "Choose") -> str:
    """What to say when a Save or Submit is refused for unanswered scores."""
    return f"Not answered yet: {', '.join(names)}. {how} a score for each, nothing was saved."


def uploader_key(base: str) -> str:
    """The key of an uploader, new after each refused file (see `drop_upload`)."""
    rounds = st.session_state.get(f"{base}__dropped", 0)
    return base if rounds == 0 else f"{base}_{rounds}"


def drop_upload(upload: UploadedFile, base: str, reason: str) -> None:
    """Take a refused file out of the server's memory and empty its uploader; the reason
    is shown until another file is chosen."""
    context = get_script_run_ctx()
    if context is not None:
        context.uploaded_file_mgr.remove_file(context.session_id, upload.file_id)
    st.session_state[f"{base}__dropped"] = st.session_state.get(f"{base}__dropped", 0) + 1
    st.session_state[f"{base}__refused"] = f"{upload.name} was not kept: {reason}"
    st.rerun()


def refusal(base: str) -> str | None:
    """Why the last file of this uploader was refused, while no other file is chosen."""
    return st.session_state.get(f"{base}__refused")


def forget_refusal(base: str) -> None:
    """A new file was chosen: the last refusal no longer applies."""
    st.session_state.pop(f"{base}__refused", None)


def confirm(pending: str, question: str, yes: str, key: str) -> bool:
    """Ask once more before a removal: True when `yes` is pressed. Either answer closes
    the question (its subject is kept under `pending` in the session until then)."""
    st.warning(question)
    left, right = st.columns(2)
    if left.button(yes, type="primary", key=f"{key}_confirm"):
        st.session_state.pop(pending, None)
        return True
    if right.button("Cancel", key=f"{key}_cancel"):
        st.session_state.pop(pending, None)
        st.rerun()
    return False
