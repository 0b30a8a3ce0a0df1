"""How much an added document may become: the bounds every conversion is held to, and the cheap checks made
before anything is extracted.

An added document is untrusted: a 500 KB Word file can expand to gigabytes, a PDF can have tens of thousands of
pages, a web page can keep trafilatura busy for minutes. Each bound is one field of `Limits`; `LIMITS` is the
default (tests lower it with `monkeypatch.setattr(limits, "LIMITS", replace(LIMITS, ...))`, which is read at each
conversion). `sandbox.py` holds time and memory to them; the checks here refuse a document from its ZIP directory,
its page count or its size, before it is read, with a one-line `SourceError`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import asdict, dataclass, fields

from indexer.errors import SourceError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on one conversion. Sizes are in bytes, time in seconds (wall clock, from the converter's start)."""

    max_chars: int = 2_000_000  # characters of extracted text
    seconds: float = 60.0
    memory_bytes: int = 1536 * MB  # address space of the converting process
    max_pdf_pages: int = 1000
    max_html_bytes: int = 5 * MB
    max_zip_entries: int = 1000
    max_zip_bytes: int = 100 * MB  # all entries of a .docx, expanded
    max_zip_ratio: int = 200  # expanded / compressed, for an entry over ZIP_RATIO_FLOOR expanded

    def __post_init__(self) -> None:
        for item in fields(self):
            if not getattr(self, item.name) > 0:
                raise ValueError(f"{item.name} must be positive. Got {getattr(self, item.name)!r}.")

    def to_json(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, float]) -> Limits:
        known = {item.name for item in fields(cls)}
        return cls(**{key: (float if key == "seconds" else int)(value) for key, value in data.items() if key in known})


LIMITS = Limits()
ZIP_RATIO_FLOOR = 1 * MB  # small entries may compress well (an empty style sheet): only large ones are judged


def current(limits: Limits | None = None) -> Limits:
    """`limits`, or the defaults as they are now (`LIMITS`, read at each call)."""
    return limits or LIMITS


def check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a ZIP package (a .docx) whose directory says it has too many entries or expands too far. Python's
    zipfile never expands an entry past the size its directory gives, so these sizes bound what is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return  # a damaged package: the converter says what is wrong with it
    if len(entries) > limits.max_zip_entries:
        raise SourceError(
            f"{name} stopped: it has {len(entries):,} parts, more than the {limits.max_zip_entries:,} a document may "
            "have. Save it again from Word (or as PDF) and add that."
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > limits.max_zip_bytes:
            raise SourceError(
                f"{name} stopped: it expands to more than {_mb(limits.max_zip_bytes)} MB, which no ordinary document "
                "does. Save it again from Word, without large pictures, and add that."
            )
        if entry.file_size > ZIP_RATIO_FLOOR and entry.file_size > limits.max_zip_ratio * entry.compress_size:
            raise SourceError(
                f"{name} stopped: one of its parts expands to more than {limits.max_zip_ratio:,} times its packed "
                "size, which no ordinary document does. Save it again from Word and add that."
            )


def check_pages(count: int, name: str, limits: Limits) -> None:
    if count > limits.max_pdf_pages:
        raise SourceError(
            f"{name} has {count:,} pages, more than the {limits.max_pdf_pages:,} that can be added. Add only the part "
            "you need (print those pages to PDF)."
        )


def check_html_size(data: bytes, name: str, limits: Limits) -> None:
    if len(data) > limits.max_html_bytes:
        raise SourceError(
            f"{name} stopped: it is {len(data) / MB:,.1f} MB of HTML, more than the {_mb(limits.max_html_bytes)} MB "
            "a web page may be. Save only the article (or its text as .txt) and add that."
        )


def check_chars(count: int, name: str, limits: Limits) -> None:
    if count > limits.max_chars:
        raise SourceError(
            f"{name} stopped: its text is longer than {limits.max_chars:,} characters. Add a shorter document, or "
            "split it into parts."
        )


def _mb(size: int) -> str:
    return f"{size / MB:,.0f}" if size >= MB else f"{size / MB:,.2f}"
