"""The entry points for adding a source: a file path or an http(s) URL from the command line (`convert_input`), a
URL a visitor of the page typed (`convert_public_url`), an uploaded file's name and bytes (`convert_upload`); a
`Converted` text of record out.

What is given is untrusted. A visitor's URL is never taken for a path, never fetched from this computer or its
network, and its errors never mention the server's files; an upload is only its bytes and its base name. The
document is converted in a child process held to `limits.LIMITS` (`sandbox.py`); an empty one is refused first.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from indexer.errors import SourceError
from indexer.ingest.convert.converted import Converted
from indexer.ingest.convert.fetch import Fetched, Fetcher, UrlFetcher, check_url
from indexer.ingest.convert.limits import Limits, check_html_size, current
from indexer.ingest.convert.sandbox import KINDS, convert_in_child
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
_HTTP_URL = re.compile(r"^https?://", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body)", re.IGNORECASE)
SUPPORTED = ".html, .htm, .pdf, .docx, .txt or .md"


@dataclass(frozen=True)
class Upload:
    """A file sent to the page: the name it had on the visitor's computer (only its last part is used) and its
    bytes. Nothing of it is read from or written to the server's disk."""

    name: str
    data: bytes = field(repr=False)


def convert_input(path_or_url: str | Path, *, fetcher: Fetcher | None = None,
                  allow_private_addresses: bool = False) -> Converted:
    """A file path or an http(s) URL as a Converted. A URL is fetched with `fetcher`, by default
    `UrlFetcher(allow_private_addresses=allow_private_addresses)`."""
    if isinstance(path_or_url, str) and _URL.match(path_or_url.strip()):
        fetcher = fetcher or UrlFetcher(allow_private_addresses=allow_private_addresses)
        return convert_url(path_or_url.strip(), fetcher=fetcher)
    return convert_file(Path(path_or_url))


def convert_public_url(url: str) -> Converted:
    """An address typed by a visitor of the page: only an http(s) URL (never a path, a file: or another scheme),
    fetched only from public addresses (`UrlFetcher()`). Its errors never mention the server's files."""
    text = url.strip() if isinstance(url, str) else ""
    if not _HTTP_URL.match(text):
        shown = " ".join(str(url).split())[:100]
        raise SourceError(f"{shown!r} is not an http:// or https:// address. Paste the address of a public web "
                          "page, or upload the file instead.")
    return convert_url(text, fetcher=UrlFetcher())


def convert_upload(upload: Upload) -> Converted:
    """An uploaded file, from its bytes; its name (the last part only) gives its type and is shown in errors."""
    name = PurePosixPath(upload.name.replace("\\", "/")).name.strip() or "the uploaded file"
    return convert_bytes(upload.data, _kind_of_name(name, PurePosixPath(name).suffix), name=name)


def convert_file(path: Path) -> Converted:
    shown = str(path)
    if path.is_dir():
        raise SourceError(f"{shown} is a folder. Give the files in it instead (for example {shown}/*.pdf).")
    if not path.is_file():
        raise SourceError(f"There is no file {shown}. Check the path (or give an http:// or https:// address).")
    kind = _kind_of_name(shown, path.suffix)
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
    if not fetched.body:
        raise SourceError(_empty(fetched.final_url))
    kind = kind_of_response(fetched)
    return convert_bytes(fetched.body, kind, name=fetched.final_url, url=fetched.final_url, charset=fetched.charset)


def convert_bytes(data: bytes, kind: str, *, name: str, url: str = "", charset: str = "",
                  limits: Limits | None = None) -> Converted:
    """`kind` is "html", "pdf", "docx", "txt" or "md"; `name` the file name or URL shown in errors. Web pages,
    PDFs and Word documents are converted in a child process held to `limits` (by default `LIMITS`); text is
    only decoded, here."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}. Got {kind!r}.")
    if not data:
        raise SourceError(_empty(name))
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(f"{name} is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit. Add a smaller "
                          "file or a text version.")
    limits = current(limits)
    if kind in ("txt", "md"):
        return convert_text(data, name, kind=kind, url=url, charset=charset, limits=limits)
    if kind == "html":
        check_html_size(data, name, limits)  # refused without starting a converter
    return convert_in_child(data, kind, name=name, url=url, charset=charset, limits=limits)


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
    """A ZIP package with a Word document part, judged by the part's name (a damaged package too, so that the
    Word converter says what is wrong with it): the package is not opened here, outside the sandbox."""
    return b"word/document.xml" in body


def _kind_of_name(shown: str, suffix: str) -> str:
    kind = KIND_OF_SUFFIX.get(suffix.lower())
    if kind is None:
        advice = _ADVICE_FOR_SUFFIX.get(suffix.lower(), f"Add a {SUPPORTED} file instead")
        raise SourceError(f"{shown} is a {suffix or 'suffix-less'} file, which cannot be added. {advice}.")
    return kind


def _empty(name: str) -> str:
    return f"{name} is empty: there is nothing to add. Check that it was saved or downloaded completely."
