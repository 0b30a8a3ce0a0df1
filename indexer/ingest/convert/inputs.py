"""One entry point for `indexer add`: a file path or an http(s) URL in, a `Converted` text of record out."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

from indexer.errors import SourceError
from indexer.ingest.convert.converted import Converted
from indexer.ingest.convert.docx import convert_docx
from indexer.ingest.convert.fetch import Fetched, Fetcher, UrlFetcher, check_url
from indexer.ingest.convert.html import convert_html
from indexer.ingest.convert.pdf import convert_pdf
from indexer.ingest.convert.text import convert_text

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
KIND_OF_SUFFIX = {
    ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx",
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
}
KIND_OF_MEDIA_TYPE = {
    "text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt", "text/markdown": "md", "text/x-markdown": "md",
}
_ADVICE_FOR_SUFFIX = {
    ".doc": "Save it as .docx in Word",
    ".rtf": "Save it as .docx or PDF",
    ".odt": "Save it as .docx or PDF",
    ".mht": "Save the page again as \"Webpage, HTML only\"",
    ".mhtml": "Save the page again as \"Webpage, HTML only\"",
}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body)", re.IGNORECASE)
SUPPORTED = ".html, .htm, .pdf, .docx, .txt or .md"


def convert_input(path_or_url: str | Path, *, fetcher: Fetcher | None = None) -> Converted:
    """A file path or an http(s) URL (fetched with `fetcher`, by default `UrlFetcher()`) as a Converted."""
    if isinstance(path_or_url, str) and _URL.match(path_or_url.strip()):
        return convert_url(path_or_url.strip(), fetcher=fetcher or UrlFetcher())
    return convert_file(Path(path_or_url))


def convert_file(path: Path) -> Converted:
    shown = str(path)
    if path.is_dir():
        raise SourceError(f"{shown} is a folder. Give the files in it instead (for example {shown}/*.pdf).")
    if not path.is_file():
        raise SourceError(f"There is no file {shown}. Check the path (or give an http:// or https:// address).")
    kind = KIND_OF_SUFFIX.get(path.suffix.lower())
    if kind is None:
        advice = _ADVICE_FOR_SUFFIX.get(path.suffix.lower(), f"Add a {SUPPORTED} file instead")
        raise SourceError(f"{shown} is a {path.suffix or 'suffix-less'} file, which cannot be added. {advice}.")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SourceError(
            f"{shown} is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit. Add a smaller file or a text version."
        )
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceError(f"{shown} cannot be read ({e.strerror or e}). Check its permissions.") from e
    return convert_bytes(data, kind, name=path.name)


def convert_url(url: str, *, fetcher: Fetcher) -> Converted:
    check_url(url)
    fetched = fetcher(url)
    kind = kind_of_response(fetched)
    return convert_bytes(fetched.body, kind, name=fetched.final_url, url=fetched.final_url, charset=fetched.charset)


def convert_bytes(data: bytes, kind: str, *, name: str, url: str = "", charset: str = "") -> Converted:
    """`kind` is "html", "pdf", "docx", "txt" or "md"; `name` the file name or URL shown in errors."""
    if kind == "html":
        return convert_html(data, name, url=url, charset=charset)
    if kind == "pdf":
        return convert_pdf(data, name, url=url)
    if kind == "docx":
        return convert_docx(data, name, url=url)
    if kind in ("txt", "md"):
        return convert_text(data, name, kind=kind, url=url, charset=charset)
    raise ValueError(f"kind must be one of html, pdf, docx, txt, md. Got {kind!r}.")


def kind_of_response(fetched: Fetched) -> str:
    """What a server sent, from its first bytes when they say it and from the declared type otherwise."""
    body = fetched.body
    if body.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        if _is_docx(body):
            return "docx"
        raise SourceError(
            f"{fetched.final_url} is a ZIP package but not a Word document ({fetched.media_type}). "
            f"Add a {SUPPORTED} source instead."
        )
    kind = KIND_OF_MEDIA_TYPE.get(fetched.media_type)
    if kind is None and fetched.media_type in ("application/octet-stream", "") and _HTML_START.match(body[:512]):
        kind = "html"
    if kind is None:
        raise SourceError(
            f"{fetched.final_url} is {fetched.media_type or 'of no declared type'}, which cannot be added. "
            f"Give the address of a web page, PDF, Word (.docx), text or Markdown document."
        )
    return kind


def _is_docx(body: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as package:
            return "word/document.xml" in package.namelist()
    except zipfile.BadZipFile:
        return True  # a damaged package: let the Word converter say what is wrong with it
