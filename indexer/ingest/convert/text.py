"""Plain text and Markdown sources: kept exactly as they are, once they are known to be UTF-8 text of at most
`limits.max_chars` characters."""

from __future__ import annotations

from indexer.errors import SourceError
from indexer.ingest.convert.converted import MEDIA_TYPES, Converted
from indexer.ingest.convert.limits import Limits, check_chars, current
from indexer.ingest.convert.markdown import squash


def convert_text(data: bytes, name: str, *, kind: str, url: str = "", charset: str = "",
                 limits: Limits | None = None) -> Converted:
    """A .txt or .md source unchanged. `charset` is the one an HTTP server declared, if any."""
    try:
        text = data.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError) as e:
        raise SourceError(
            f"{name} is not valid {charset or 'UTF-8'} text. Save it as UTF-8 and add it again."
        ) from e
    if not text.strip():
        raise SourceError(f"{name} is empty. Add a file that has the article's text.")
    if "\x00" in text:
        raise SourceError(f"{name} is not a text file (it has NUL bytes). Add a .txt, .md, .html, .pdf or .docx file.")
    check_chars(len(text), name, current(limits))
    return Converted(
        text=text,
        suffix=".md" if kind == "md" else ".txt",
        title=_first_line(text),
        publisher="",
        url=url,
        date="",
        original_name=name,
        original_bytes=data,
        media_type=MEDIA_TYPES[kind],
        extractor="verbatim",
        extractor_version="",
    )


def _first_line(text: str) -> str:
    """The title a text file gives itself: its first non-empty line (a Markdown heading's text)."""
    for line in text.splitlines():
        line = squash(line.lstrip("\ufeff").strip().lstrip("#"))
        if line:
            return line[:200]
    return ""
