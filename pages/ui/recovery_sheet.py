"""The recovery key as a file to keep and as a sheet to print (text the user asked for,
made in memory, never written to disk by the app)."""

from __future__ import annotations

import html
from datetime import date

import streamlit as st

# a print shows the sheet alone: the rest of the page is hidden from the printer
_PRINT = """
<style>
@media print {
  body * { visibility: hidden; }
  #recovery-sheet, #recovery-sheet * { visibility: visible; }
  #recovery-sheet { position: absolute; left: 0; top: 0; width: 100%; }
}
#recovery-sheet { border: 1px solid #555; padding: 1.5rem; margin: 1rem 0; color: #111;
  background: #fff; }
#recovery-sheet code { font-size: 1.4rem; letter-spacing: .08em; word-break: break-all; }
</style>
<section id="recovery-sheet" aria-label="Recovery key sheet">
<h2>Reflective Practice Journal: recovery key</h2>
<p>Journal: <strong>NAME</strong>. Made on DAY.</p>
<p><code>KEY</code></p>
<p>This key opens the journal if the passphrase is forgotten. Keep this sheet apart from
the computer, somewhere locked. Anyone holding it and the journal file can read it.</p>
</section>
<script>setTimeout(() => window.print(), 300);</script>
"""


def sheet_text(journal_name: str, recovery_key: str, today: date) -> str:
    """The recovery key as a plain text file."""
    return (
        "Reflective Practice Journal: recovery key\n"
        f"Journal: {journal_name}\nMade on: {today.isoformat()}\n\n{recovery_key}\n\n"
        "This key opens the journal if the passphrase is forgotten. Keep it apart from the "
        "computer, somewhere locked: anyone holding it and the journal file can read it.\n"
    )


def keep_or_print(journal_name: str, recovery_key: str) -> None:
    """ "Download as a file" and "Print" for the recovery key."""
    left, right = st.columns(2)
    left.download_button(
        "Download as a file",
        sheet_text(journal_name, recovery_key, date.today()),
        file_name=f"{journal_name}-recovery-key.txt",
        mime="text/plain",
        icon=":material/download:",
        on_click="ignore",
    )
    if right.button("Print", icon=":material/print:", key="recovery_print"):
        sheet = (
            _PRINT.replace("NAME", html.escape(journal_name))
            .replace("DAY", date.today().isoformat())
            .replace("KEY", html.escape(recovery_key))
        )
        st.html(sheet, unsafe_allow_javascript=True)
