"""The one heading rule: when a line of plain text is a title rather than a sentence.

Used by passage splitting (a heading starts a section and goes into each passage's heading path) and by
sentence splitting (a line break after a title ends a sentence even without a period).
"""

from __future__ import annotations

import re

from indexer.text.tokens import WORD

MARKDOWN_HEADING = re.compile(r"#{1,6}(?=\s)")
NUMBERED = re.compile(r"\(?\d{1,3}[.)]\s+")
MAX_WORDS = 14
MAX_CHARS = 120
# A labelled value: a label of one to three words, then ": " or " - ", then the value ("Color: BROWN",
# "Imprint Code - PERCOCET;5", "(UNII: U1O3J18SFL)"). A label opens the line or follows ",", ";" or "(".
FIELD = re.compile(r"(?:^|[,;(]\s*)[^\W\d_][^\W_]*(?: [^\W\d_][^\W_]*){0,2}\s*(?::|\s[-–]\s)\s*\S")
# Words that stay lower case in a title ("Medications That Work With Ketamine", "How to Prepare for an Infusion").
SMALL_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "per", "the", "to", "vs", "via", "with", "without", "is", "are", "be", "can", "do", "does", "your", "you", "it", "its", "how", "what", "when", "why", "who", "which", "that", "this"]
)


def looks_like_heading(line: str) -> bool:
    """A short title-like line: few words, possibly numbered ("2. Benzodiazepines"), no sentence punctuation at
    its end, mostly capitalised words ("BLADDER AND KIDNEYS" too). A trailing colon or question mark is allowed:
    "References:", "Can I Drink Alcohol?".

    A record of labelled values is data, not a title ("Color: BROWN; Shape: OVAL", "ACTIVE INGREDIENT: X (UNII:
    Y)"), and so is a label over a value that is not itself title-like ("Urinary Tract Infections: 250 mg every 12
    hours"); "Ketamine: What You Need to Know" is a title."""
    line = line.strip().rstrip(":?").rstrip()
    body = NUMBERED.sub("", line, count=1)
    words = WORD.findall(body)
    if not words or len(words) > MAX_WORDS or len(body) > MAX_CHARS:
        return False
    if body[-1] in ".,;!" or body.count(". ") > 1:
        return False
    if is_record(body):
        return False
    label, colon, value = body.partition(": ")
    if colon and label and not _capitalised(value):
        return False
    return _capitalised(body)


def is_record(line: str) -> bool:
    """Two or more labelled values on one line ("Color: BROWN; Shape: OVAL"): data, never a title."""
    return len(FIELD.findall(line)) > 1


def _capitalised(text: str) -> bool:
    """Most words that are not small words start with a capital or a digit."""
    words = WORD.findall(text)
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capitalised / len(content) >= 0.6


def ends_title_line(line: str) -> bool:
    """A line after which a line break ends a sentence: a Markdown heading, or a heading line that does not
    already end like a sentence or lead into what follows ("?" and ":" are left to the sentence rules)."""
    line = line.strip()
    if not line:
        return False
    if MARKDOWN_HEADING.match(line):
        return True
    return line[-1] not in "?:-–—(\"'“‘" and looks_like_heading(line)
