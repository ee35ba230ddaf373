"""The server `make run` starts: the journal app behind a Host check.

Streamlit's `server.allowedHosts` guards only its WebSocket, so a page fetched under a
foreign Host name (DNS rebinding) would still be served. Starlette's TrustedHostMiddleware
refuses any request whose Host is not this computer, before Streamlit sees it.
"""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

LOCAL_HOSTS = ["localhost", "127.0.0.1"]

app = st.App(
    "journal_app.py",
    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_HOSTS)],
)
