"""What ranking sees of a passage: its source title, heading path and context (a list's lead-in, a table's header
row), labels for the kinds of facts it holds (a phone number, a journal reference), then the passage text. The passage text itself is never changed."""

from __future__ import annotations

import re

from indexer.ingest.passages import Passage

_PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?!\d)")
_DOI = re.compile(r"\b(?:doi:?\s*|https?://doi\.org/)?10\.\d{4,9}/\S+", re.IGNORECASE)
_CITATION = re.compile(r"\b[A-Z][a-z]+, (?:[A-Z]\. ?)+.*\((?:19|20)\d{2}\)")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_NUMBERING = re.compile(r"^\(?\d{1,3}[.)]\s+")

REFERENCE = "journal article reference, cited published study, research paper, citation, authors"
LABELS = (
    (_PHONE, "phone number, telephone, call, contact"),
    (_EMAIL, "email address, contact"),
    (_URL, "website link"),
    (_DOI, REFERENCE),
    (_CITATION, REFERENCE),
)


def fact_labels(text: str) -> list[str]:
    """Plain words for the kinds of facts in a text, so a question in those words can find them."""
    labels = []
    for pattern, label in LABELS:
        if pattern.search(text) and label not in labels:
            labels.append(label)
    return labels


def context_lines(passage: Passage, title: str) -> list[str]:
    headings = [_NUMBERING.sub("", h) for h in passage.heading]
    return [line for line in [title, *headings, passage.context] if line]


def ranking_text(passage: Passage, title: str) -> str:
    """The text that is embedded and BM25-indexed for a passage."""
    lines = context_lines(passage, title)
    labels = fact_labels(passage.text)
    head = ". ".join(lines)
    if labels:
        head = f"{head}. {'; '.join(labels)}" if head else "; ".join(labels)
    return f"{head}.\n{passage.text}" if head else passage.text
