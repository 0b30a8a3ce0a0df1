"""Spans: what the wording check compares a draft sentence with. Every heading and sentence of a source, and every
run of two or three consecutive sentences of one paragraph, each an exact slice of the source file
(`text == source_text[start:end]`).

They follow the document's structure (`structure.document_blocks`) and the sentence boundaries of
`indexer.text.sentences`; the index embeds them at build time (`indexer.index.span_vectors`), the wording check
reads them (`indexer.check.spans`). `Span` itself is one of the shared types (`indexer.types`).
"""

from __future__ import annotations

from indexer.ingest.structure import document_blocks
from indexer.text.sentences import skip_marker, split_sentences
from indexer.types import Span

MAX_RUN = 3  # sentences in the longest run


def source_spans(source_id: str, title: str, path: str, text: str) -> list[Span]:
    """Headings, sentences and runs of 2–3 sentences of one paragraph, in reading order."""
    out: list[Span] = []
    for block in document_blocks(text, markdown=path.lower().endswith(".md")):
        if block.kind == "heading":
            a = skip_marker(text, block.start, block.end)
            out.append(Span(source_id, title, path, a, block.end, text[a : block.end], 0))
            continue
        if block.kind != "content":
            continue
        sentences = [(skip_marker(text, a, b), b) for a, b in split_sentences(text, block.start, block.end)]
        for i in range(len(sentences)):
            for n in range(1, MAX_RUN + 1):
                if i + n > len(sentences):
                    break
                a, b = sentences[i][0], sentences[i + n - 1][1]
                out.append(Span(source_id, title, path, a, b, text[a:b], n))
    return out
