"""What a converter returns: the text of record plus what the document says about itself."""

from __future__ import annotations

from dataclasses import dataclass, field

MEDIA_TYPES = {
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
    "md": "text/markdown",
}
SUFFIX_OF_MEDIA_TYPE = {media_type: "." + kind for kind, media_type in MEDIA_TYPES.items()}


@dataclass(frozen=True)
class Converted:
    """One converted source.

    `text` is the source of record: write it as UTF-8 bytes and never rewrite it, since citations index into
    it. `title`, `publisher`, `url` and `date` (ISO `YYYY-MM-DD`) are what the document itself says; each is
    empty when the document does not say it. `original_name` is the input's file name, or its URL (after
    redirects) when it was fetched; `original_bytes` and `media_type` are the input as received.
    """

    text: str = field(repr=False)
    suffix: str  # ".md" or ".txt"
    title: str
    publisher: str
    url: str
    date: str
    original_name: str
    original_bytes: bytes = field(repr=False)
    media_type: str
    extractor: str
    extractor_version: str

    def __post_init__(self) -> None:
        if self.suffix not in (".md", ".txt"):
            raise ValueError(f"suffix must be '.md' or '.txt'. Got {self.suffix!r}.")

    @property
    def original_suffix(self) -> str:
        """The file suffix under which to keep the original (".html", ".pdf", ".docx", ".txt", ".md")."""
        return SUFFIX_OF_MEDIA_TYPE.get(self.media_type, ".bin")
