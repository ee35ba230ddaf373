"""A message that outlives a rerun: set before `st.rerun()` (or in a button callback),
shown once on the next run, then forgotten.

What happened (good news or a problem, and under which section) is decided where the
notice is set; how it looks (an icon, a toast) where it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import streamlit as st


@dataclass(frozen=True)
class Notice:
    """One message waiting for the next run."""

    text: str
    ok: bool = True
    section: str | None = None


def set_notice(key: str, text: str, *, ok: bool = True, section: str | None = None) -> None:
    """Keep `text` under `key` until the next `show_notice(key)` (for that section)."""
    st.session_state[key] = Notice(text, ok, section)


def rerun_with_notice(
    key: str, text: str, *, ok: bool = True, section: str | None = None
) -> NoReturn:
    """Set the notice, then start the next run, which shows it."""
    set_notice(key, text, ok=ok, section=section)
    st.rerun()


def show_notice(
    key: str, *, section: str | None = None, icon: str | None = None, toast: bool = False
) -> None:
    """Show the notice kept under `key` once, if it belongs to `section`: a success or an
    error box (or a toast), with `icon` if given."""
    found = st.session_state.get(key)
    if not isinstance(found, Notice) or found.section != section:
        return
    del st.session_state[key]
    if toast:
        st.toast(found.text, icon=icon)
    elif found.ok:
        st.success(found.text, icon=icon)
    else:
        st.error(found.text, icon=icon)
