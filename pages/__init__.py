"""Screens of the journal. UI only: widgets plus calls into storage/ and friends.

Each screen is a script in `pages/screens/` that `journal_app.py` registers with
st.navigation (url path = file name). They live one folder down because Streamlit still
scans `pages/*.py` for legacy multipage apps and, before the first st.navigation call of
a server (and on every AppTest run), would run such a file directly, skipping the lock
gate. A screen's sections sit in `pages/<screen>/` (e.g. `pages/reflect/`); `pages/ui/`
holds what every screen shares (the session's journal and lock, widgets, notices, the
idle rule).
"""
