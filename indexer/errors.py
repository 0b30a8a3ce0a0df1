"""Errors a user can run into. Each message says what is wrong and what to do about it."""

from __future__ import annotations


class IndexerError(Exception):
    """Base class: anything the CLI or the page shows as one line instead of a traceback."""


class ConfigError(IndexerError, ValueError):
    """A setting or argument is out of range."""


class SourceError(IndexerError):
    """The corpus folder or one of its files cannot be used."""


class IndexNotFound(IndexerError):
    """There is no index where one was expected."""


class IndexMismatch(IndexerError):
    """The index on disk was built by another format or model, or a file in it is corrupt."""


class QuestionError(IndexerError, ValueError):
    """The question is empty or too long."""


class DraftError(IndexerError, ValueError):
    """A draft to check is empty, too long, not text, or has no sentence."""


class NotAnIndex(IndexerError):
    """The folder given for the index holds files this program did not write: it is never changed."""


class IndexBusy(IndexerError):
    """Another build of the same index is running."""


class IndexWriteError(IndexerError):
    """The index cannot be written where it should go (no permission, not a folder, disk full)."""
