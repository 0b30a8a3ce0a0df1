"""Joining the lines of one paragraph back together, undoing hyphenation at line ends."""

from __future__ import annotations

import re

from wordfreq import zipf_frequency

LANGUAGE = "en"
_HYPHENS = "-\u2010"  # hyphen-minus, hyphen; a soft hyphen (U+00AD) at a line end is always a break
_LEFT_WORD = re.compile(r"([^\W\d_]+)[-\u2010\u00ad]$")
_RIGHT_WORD = re.compile(r"^([^\W\d_]+)")


def join_lines(left: str, right: str, language: str = LANGUAGE) -> str:
    """`left` and `right` as one line. "medi-" + "cation" gives "medication" and "well-" + "tolerated" gives
    "well-tolerated": a line-end hyphen is dropped when the joined word is a more common word than the
    hyphenated pair, or when neither the pair nor the joined form is known and one part is not a word."""
    if not left:
        return right
    if not right:
        return left
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if left[-1] in _HYPHENS and len(left) > 1 and left[-2].isalpha():
        start, end = _LEFT_WORD.search(left), _RIGHT_WORD.match(right)
        if start and end and right[0].islower() and _is_line_break_hyphen(start.group(1), end.group(1), language):
            return left[:-1] + right
        return left + right  # a real hyphen: "well-tolerated", "Anti-Inflammatory", "COVID-19"
    if left.endswith("/") and not right[0].isspace():
        return left + right  # "and/or", a URL broken after a slash
    return left + " " + right


def _is_line_break_hyphen(head: str, tail: str, language: str) -> bool:
    joined = zipf_frequency(head + tail, language)
    hyphenated = zipf_frequency(f"{head}-{tail}", language)
    if joined or hyphenated:
        return joined > hyphenated
    return not (zipf_frequency(head, language) and zipf_frequency(tail, language))
