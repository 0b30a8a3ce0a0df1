"""Bring your own sources: web pages, PDFs, Word documents, text and Markdown files as a Markdown (or text)
source of record, with the title, publisher, URL and date the document gives.

    converted = convert_input("leaflet.pdf")                  # or an http(s) URL
    added = add_to_corpus(converted, Path("corpus"), added=date.today())
"""

from __future__ import annotations

from indexer.ingest.convert.converted import Converted
from indexer.ingest.convert.fetch import Fetched, Fetcher, UrlFetcher
from indexer.ingest.convert.inputs import (
    convert_bytes,
    convert_file,
    convert_input,
    convert_url,
    kind_of_response,
)
from indexer.ingest.convert.naming import file_name_for, slug
from indexer.ingest.convert.record import AddedSource, add_to_corpus

__all__ = [
    "AddedSource", "Converted", "Fetched", "Fetcher", "UrlFetcher", "add_to_corpus", "convert_bytes", "convert_file",
    "convert_input", "convert_url", "file_name_for", "kind_of_response", "slug",
]
