"""The escape helpers: text from a source file or a user as HTML (`esc`), or as text Streamlit's Markdown elements
show literally (`md_escape`)."""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$&:])")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def md_escape(text: object) -> str:
    """Text shown literally by Streamlit's Markdown elements (st.error, st.caption...): no markup, no links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
