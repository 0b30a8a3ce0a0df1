"""A safe, unique file name for a new source, made from its title."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 80
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def slug(title: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Kétamine & SSRIs: a review" -> "ketamine-ssris-a-review"."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def file_name_for(title: str, suffix: str, existing: set[str]) -> str:
    """`<slug><suffix>`, at most 80 characters, not in `existing` (compared without case, as on macOS and
    Windows): "-2", "-3"... is added when it is taken. An empty slug becomes "source"."""
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        raise ValueError(f"suffix must be a dot and up to 8 lower-case letters or digits, like '.md'. Got {suffix!r}.")
    base = slug(title) or "source"
    if base in _WINDOWS_RESERVED:
        base += "-source"
    taken = {name.lower() for name in existing}
    number = 1
    while True:
        ending = f"-{number}{suffix}" if number > 1 else suffix
        stem = _shorten(base, MAX_NAME_CHARS - len(ending))
        name = stem + ending
        if name.lower() not in taken:
            return name
        number += 1


def _shorten(base: str, limit: int) -> str:
    """`base` cut to `limit` characters, at a hyphen when one is near the end."""
    if len(base) <= limit:
        return base
    cut = base[:limit]
    at = cut.rfind("-")
    return (cut[:at] if at >= limit // 2 else cut).strip("-")
