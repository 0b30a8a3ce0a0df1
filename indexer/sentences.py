"""Sentence boundaries with exact character offsets.

Rule-based: a sentence ends at `.`, `!` or `?` (plus closing quotes or brackets) followed by white space and
something that can start a sentence, unless the period belongs to an abbreviation, an initial ("D. J."), a
decimal number or a list marker ("2."). A blank line, or a line break before a list item, always ends one.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    ["dr", "mr", "mrs", "ms", "prof", "st", "sr", "jr", "vs", "etc", "e.g", "eg", "i.e", "ie", "al", "approx", "ca", "cf", "fig", "figs", "no", "nos", "vol", "vols", "pp", "inc", "ltd", "co", "corp", "dept", "est", "min", "max", "mg", "mcg", "ml", "kg", "lb", "oz", "hr", "hrs", "wk", "wks", "mo", "yr", "yrs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "a.m", "p.m", "ph.d", "m.d", "b.a", "m.a", "d.o", "r.n", "ed", "eds", "rev", "gen", "gov", "sen", "rep", "mt", "ft", "ave", "blvd"]
)

_END = re.compile(r"""[.!?]+['"’”)\]]*""")
_STARTER = re.compile(r"""['"‘“(\[]*[A-Z0-9]""")
_LIST_ITEM = re.compile(r"(?:[-*+•]|\d{1,3}[.)])\s+")
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in text[start:end], trimmed of surrounding white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text, start, end):
        spans.extend(_split_block(text, block_start, block_end))
    return spans


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces separated by blank lines, or by line breaks that start a list item."""
    cuts = [start]
    for m in _BLANK_LINE.finditer(text, start, end):
        cuts.extend((m.start(), m.end()))
    for m in re.finditer(r"\n[ \t]*", text[start:end]):
        after = start + m.end()
        if _LIST_ITEM.match(text, after):
            cuts.extend((start + m.start(), start + m.start()))
    cuts.append(end)
    cuts = sorted(cuts)
    pieces = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        a, b = _trim(text, a, b)
        if a < b:
            pieces.append((a, b))
    return _merge_overlaps(pieces)


def _merge_overlaps(pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(pieces):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    sentence_start = start
    marker = _LIST_ITEM.match(text, start)
    search_from = marker.end() if marker else start
    for m in _END.finditer(text, search_from, end):
        after = m.end()
        if after < end and not text[after].isspace():
            continue
        nxt = after
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt < end and not _STARTER.match(text, nxt):
            continue
        if text[m.start()] == "." and m.group().rstrip("'\"’”)]") == "." and _is_abbreviation(text, sentence_start, m.start()):
            continue
        a, b = _trim(text, sentence_start, after)
        if a < b:
            spans.append((a, b))
        sentence_start = after
    a, b = _trim(text, sentence_start, end)
    if a < b:
        spans.append((a, b))
    return spans


def _is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    word_start = dot
    while word_start > sentence_start and not text[word_start - 1].isspace() and text[word_start - 1] not in "([\"'“‘":
        word_start -= 1
    word = text[word_start:dot]
    if not word:
        return False
    if word.lower().rstrip(".") in ABBREVIATIONS or word.lower() in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "D. J. Newport"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return True  # "e.g", "U.S"
    return bool(re.fullmatch(r"\d{1,3}", word) and word_start == sentence_start)  # list marker "2."


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
