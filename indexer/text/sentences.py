"""Sentence boundaries with exact character offsets.

Rule-based: a sentence ends at `.`, `!` or `?` (plus closing quotes or brackets) followed by white space and
something that can start a sentence, unless the period belongs to an abbreviation ("e.g.", "Dr.", "vs."), an
initial ("D. J."), a decimal number or a list marker ("2."), or the end mark sits inside a quotation that closes
later ("He said "Stop. Wait." and left." is one sentence). A sentence ending in `."` or `.”` keeps its quote.
A period before a lower-case word ends a sentence too, after a plain word ("It works. so does this.").
A blank line, a line break before a list item, and a line break after a title-like line (a Markdown `#` heading
or a short capitalised line without end punctuation) always end one.
"""

from __future__ import annotations

import re

from indexer.text.headings import ends_title_line
from indexer.text.tokens import WORD

# Always abbreviations: a period after these never ends a sentence.
ABBREVIATIONS = frozenset(
    ["dr", "mr", "mrs", "ms", "prof", "st", "sr", "jr", "vs", "e.g", "eg", "i.e", "ie", "al", "approx", "ca", "cf", "incl", "resp", "viz", "inc", "ltd", "co", "corp", "dept", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "ph.d", "m.d", "b.a", "m.a", "d.o", "r.n", "ed", "eds", "rev", "gen", "gov", "sen", "rep", "mt", "ft", "ave", "blvd"]
)
# Abbreviations only before a number ("No. 5", "Fig. 2", "pp. 10"); before a capital they end a sentence.
NUMBER_ABBREVIATIONS = frozenset(["no", "nos", "fig", "figs", "vol", "vols", "pp", "p", "ch", "sec", "eq", "ref"])
# Units ("5 mg.") and "etc." are not in either list: followed by a capital, they end a sentence.

_END = re.compile(r"""[.!?]+['"’”)\]]*""")
_STARTER = re.compile(r"""['"‘“(\[]*[A-Z0-9]""")
_LIST_ITEM = re.compile(r"(?:[-*+•]|\d{1,3}[.)])\s+")
_MARKER = re.compile(r"(?:#{1,6}|[-*+•>]|\(?\d{1,3}[.)])\s+")
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_LINE_BREAK = re.compile(r"\r?\n[ \t]*")
_QUOTE_REACH = 600  # how far ahead a closing quote may be for an end mark to count as inside a quotation


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in text[start:end], trimmed of surrounding white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text, start, end):
        spans.extend(_split_block(text, block_start, block_end))
    return spans


def skip_marker(text: str, start: int, end: int) -> int:
    """Where a sentence starts once a leading list marker, heading mark or quote mark ("2. ", "- ", "## ", "> ")
    is skipped (`start` itself when there is none, or when nothing would be left)."""
    m = _MARKER.match(text, start, end)
    return m.end() if m and m.end() < end else start


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces separated by blank lines, by line breaks that start a list item, or that follow a title line."""
    cuts = [start]
    for m in _BLANK_LINE.finditer(text, start, end):
        cuts.extend((m.start(), m.end()))
    line_start = start
    for m in _LINE_BREAK.finditer(text, start, end):
        after = m.end()
        if after < end and (_LIST_ITEM.match(text, after) or ends_title_line(text[line_start : m.start()])):
            cuts.extend((m.start(), m.start()))
        line_start = after
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
        bare_period = m.group().rstrip("'\"’”)]") == "."
        if nxt < end and not _STARTER.match(text, nxt) and not (
            m.group() == "." and text[nxt].islower() and _ends_plain_sentence(text, sentence_start, m.start())
        ):
            continue
        if bare_period and _is_abbreviation(text, sentence_start, m.start(), nxt < end and text[nxt].isdigit()):
            continue
        if nxt < end and _inside_quote(text, sentence_start, after, end):
            continue
        a, b = _trim(text, sentence_start, after)
        if a < b:
            spans.append((a, b))
        sentence_start = after
    a, b = _trim(text, sentence_start, end)
    if a < b:
        spans.append((a, b))
    return spans


def _ends_plain_sentence(text: str, sentence_start: int, dot: int) -> bool:
    """A sloppy draft may start a sentence in lower case: "It works. so does this." A period before a lower-case
    word ends a sentence only after at least three words and a plain word (no abbreviation, initial or "etc")."""
    words = WORD.findall(text[sentence_start:dot])
    last = re.search(r"(\S+)$", text[sentence_start:dot])
    if len(words) < 3 or not last:
        return False
    word = last.group(1).lower()
    return (word.isalpha() and len(word) > 1 and word not in ABBREVIATIONS and word not in NUMBER_ABBREVIATIONS
            and word not in ("etc", "al", "seq", "esp", "approx"))


def _inside_quote(text: str, sentence_start: int, pos: int, end: int) -> bool:
    """The end mark before `pos` is inside a quotation that closes later in the block."""
    before = text[sentence_start:pos]
    ahead = text[pos : min(end, pos + _QUOTE_REACH)]
    if before.count("“") > before.count("”") and "”" in ahead:
        return True
    straight = len(re.findall(r'(?<![A-Za-z0-9])"|"(?![A-Za-z0-9])', before))
    return straight % 2 == 1 and '"' in ahead


def _is_abbreviation(text: str, sentence_start: int, dot: int, before_number: bool = False) -> bool:
    word_start = dot
    while word_start > sentence_start and not text[word_start - 1].isspace() and text[word_start - 1] not in "([\"'“‘":
        word_start -= 1
    word = text[word_start:dot]
    if not word:
        return False
    key = word.lower().rstrip(".")
    if key in ("a.m", "p.m"):
        return False  # "at 5 p.m. The clinic ..." (a capital follows: the time ends the sentence)
    if key in ABBREVIATIONS or word.lower() in ABBREVIATIONS:
        return True
    if before_number and key in NUMBER_ABBREVIATIONS:
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
