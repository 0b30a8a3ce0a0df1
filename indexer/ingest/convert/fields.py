"""Metadata values taken from a document only when they carry information."""

from __future__ import annotations

import re
from datetime import date, datetime

from indexer.ingest.convert.markdown import squash

# Author fields filled in by software rather than by a person: application names, account placeholders and
# login names (one lower-case token such as "jsmith").
_NOT_A_PUBLISHER = re.compile(
    r"microsoft|adobe|acrobat|libreoffice|openoffice|pdf|latex|\btex\b|"
    r"^(administrator|admin|user|owner|unknown|author|anonymous|default|none|null|n/?a)$|^[a-z0-9._-]+$",
    re.IGNORECASE,
)
# Titles that tools write by default: file names, "Untitled", "Microsoft Word - x.docx", "Slide 1".
_NOT_A_TITLE = re.compile(
    r"^(untitled|title|document\d*|slide \d+|microsoft word\b.*|.*\.(docx?|pdf|rtf|odt|txt|html?|indd|qxp))$",
    re.IGNORECASE,
)


def publisher_or_empty(value: object) -> str:
    text = squash(str(value or ""))
    return "" if not text or _NOT_A_PUBLISHER.search(text) else text


def title_or_empty(value: object) -> str:
    text = squash(str(value or ""))
    return "" if not text or _NOT_A_TITLE.match(text) else text


def iso_date(value: object) -> str:
    """`YYYY-MM-DD` from a date, a datetime or an ISO-like string; empty when there is none."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    if not match:
        return ""
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return ""
