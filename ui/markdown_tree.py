"""The tree a Markdown source is shown as: `Node`s (a tag, constant attributes) whose leaves are exact spans
`(start, end)` of the text, and `MarkdownDoc`, a text with its tree."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

Span = tuple[int, int]


@dataclass(frozen=True)
class Node:
    """A block of the rendered document: a tag, its children (nodes, or leaves: spans of the text) and constant
    attributes (never text from the source)."""

    tag: str
    children: tuple[Node | Span, ...] = ()
    attrs: str = ""


@dataclass(frozen=True)
class MarkdownDoc:
    """A Markdown text and its block tree."""

    text: str
    nodes: tuple[Node, ...]


def leaves(nodes: Sequence[Node | Span]) -> Iterator[Span]:
    """The text spans under `nodes`, in reading order."""
    for node in nodes:
        if isinstance(node, Node):
            yield from leaves(node.children)
        else:
            yield node
