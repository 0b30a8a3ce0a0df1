"""Readers and editors. The page is read-only for everyone (ask, read sources, check wording); adding, removing
and rebuilding need an editor, who signs in in the sidebar with the editor password configured on the server
(only its hash: `KETAMINE_EDITOR_PASSWORD_HASH`, or `editor_password_hash` in `.streamlit/secrets.toml`; made with
`python -m indexer editor-password`). With no hash configured, nobody can edit from the page (the command line
stays the owner's tool).

Editing controls are drawn only for a signed-in editor, and every editing action checks again before it changes
anything (`require_editor`), so a crafted request from a reader's session reaches nothing. Failed sign-ins are
limited per server process (`SignInLimiter`), on top of the hash's own cost.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque

import streamlit as st

from indexer.access import valid_hash, verify_password

log = logging.getLogger(__name__)

HASH_VARIABLE = "KETAMINE_EDITOR_PASSWORD_HASH"
SECRET_KEY = "editor_password_hash"
FAILURES_ALLOWED = 5  # failed sign-ins per window, for the whole server
FAILURE_WINDOW_S = 60.0


class NotAnEditor(PermissionError):
    """An editing action was asked for by a session that is not signed in as an editor."""


def configured_hash() -> str | None:
    """The editor password's hash the server was given, or None (then the page is read-only for everyone)."""
    value = os.environ.get(HASH_VARIABLE, "").strip()
    if not value:
        try:
            value = str(st.secrets.get(SECRET_KEY, "") or "").strip()
        except Exception:  # no secrets file, or an unreadable one: no editor
            value = ""
    if value and not valid_hash(value):
        log.warning("%s is set but is not a hash made by `python -m indexer editor-password`; editing from the "
                    "page stays off.", HASH_VARIABLE)
        return None
    return value or None


class SignInLimiter:
    """At most `allowed` failed sign-ins in any `window` seconds, across every session of the process."""

    def __init__(self, allowed: int = FAILURES_ALLOWED, window: float = FAILURE_WINDOW_S) -> None:
        self.allowed = allowed
        self.window = window
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def wait_seconds(self, now: float | None = None) -> float:
        """0 when a sign-in may be tried now, else how long until one may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._failures and now - self._failures[0] > self.window:
                self._failures.popleft()
            if len(self._failures) < self.allowed:
                return 0.0
            return self.window - (now - self._failures[0])

    def failed(self, now: float | None = None) -> None:
        with self._lock:
            self._failures.append(time.monotonic() if now is None else now)


@st.cache_resource(show_spinner=False)
def sign_in_limiter() -> SignInLimiter:
    return SignInLimiter()


def is_editor() -> bool:
    return bool(st.session_state.get("editor")) and configured_hash() is not None


def require_editor() -> None:
    """Raises NotAnEditor unless this session is signed in as an editor (checked again by every action)."""
    if not is_editor():
        log.warning("An editing action was refused: the session is not signed in as an editor.")
        raise NotAnEditor("Only a signed-in editor can change the sources.")


def sign_in() -> None:
    password = st.session_state.pop("editor_password", "") or ""
    stored = configured_hash()
    limiter = sign_in_limiter()
    if stored is None:
        st.session_state.sign_in_error = "Editing is turned off on this server."
        return
    wait = limiter.wait_seconds()
    if wait > 0:
        st.session_state.sign_in_error = f"Too many failed sign-ins. Try again in {max(1, round(wait))} s."
        return
    if verify_password(password, stored):
        st.session_state.editor = True
        st.session_state.sign_in_error = None
        log.info("An editor signed in.")
    else:
        limiter.failed()
        st.session_state.sign_in_error = "That is not the editor password."


def sign_out() -> None:
    st.session_state.editor = False
    st.session_state.sign_in_error = None


def render_sign_in() -> None:
    """The sidebar's editor box: sign in (when the server has an editor password) or sign out."""
    if configured_hash() is None:
        return
    with st.sidebar:
        st.divider()
        if is_editor():
            st.caption("Signed in as an **editor**: you can add, remove and rebuild sources.")
            st.button("Sign out", key="editor-sign-out", on_click=sign_out, icon=":material/logout:")
            return
        with st.expander("Editor sign-in", icon=":material/lock:"):
            with st.form("editor-sign-in", border=False, clear_on_submit=True):
                st.text_input("Editor password", type="password", key="editor_password", max_chars=1024)
                st.form_submit_button("Sign in", on_click=sign_in)
            if st.session_state.get("sign_in_error"):
                st.error(st.session_state.sign_in_error)
