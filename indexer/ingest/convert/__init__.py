"""Bring your own sources: web pages, PDFs, Word documents, text and Markdown files as a Markdown (or text)
source of record, with the title, publisher, URL and date the document gives.

    converted = convert_input("leaflet.pdf")                  # or an http(s) URL (the command line)
    converted = convert_public_url("https://example.org/a")   # a URL a visitor typed: public addresses only
    converted = convert_upload(Upload("leaflet.pdf", data))   # a file a visitor uploaded
    added = add_to_corpus(converted, Path("corpus"), added=date.today())

Every input is untrusted: fetching reaches public addresses only unless told otherwise (`fetch.py`), and each
document is converted in a child process held to `limits.LIMITS` (`sandbox.py`).
"""

from __future__ import annotations

from indexer.ingest.convert.converted import Converted
from indexer.ingest.convert.fetch import Fetched, Fetcher, NotPublicAddress, UrlFetcher
from indexer.ingest.convert.inputs import (
    Upload,
    convert_bytes,
    convert_file,
    convert_input,
    convert_public_url,
    convert_upload,
    convert_url,
    kind_of_response,
)
from indexer.ingest.convert.limits import LIMITS, Limits
from indexer.ingest.convert.naming import file_name_for, slug
from indexer.ingest.convert.record import AddedSource, add_to_corpus

__all__ = [
    "LIMITS", "AddedSource", "Converted", "Fetched", "Fetcher", "Limits", "NotPublicAddress", "Upload", "UrlFetcher",
    "add_to_corpus", "convert_bytes", "convert_file", "convert_input", "convert_public_url", "convert_upload",
    "convert_url", "file_name_for", "kind_of_response", "slug",
]
