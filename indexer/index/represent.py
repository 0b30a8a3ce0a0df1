"""What ranking sees of a passage: the heading of its source (`source_heading`), its heading path and context (a
list's lead-in, a table's header row), then the passage text. The passage text itself is never changed."""

from __future__ import annotations

import re
from collections import Counter

from indexer.ingest.passages import Passage
from indexer.ingest.sources import Source
from indexer.lexicon.finder import DrugFinder
from indexer.text.headings import is_record
from indexer.text.tokens import WORD

_NUMBERING = re.compile(r"^\(?\d{1,3}[.)]\s+")
SUBJECT_NAMES = 2  # the drugs or classes an untitled source is ranked under: the ones it names most
TITLE_WORDS = 30  # a first line longer than this is running text, not a title


def source_heading(source: Source, finder: DrugFinder) -> str:
    """What every passage of a source is ranked under, so that a passage that never names its subject ("Take it
    with food.") is still found as being about it.

    A source's title when it has one: given in its metadata, or a first line that is a title (`has_title_line`).
    A file without one (its first line is already a sentence of the text, as in a folder of excerpts) is ranked
    under the drugs and drug classes it names most often, in its own words."""
    if has_title(source):
        return source.title
    words = WORD.findall(source.text)
    counts: Counter[str] = Counter()
    spelled: dict[str, Counter[str]] = {}
    for name, first, end in finder(words):
        counts[name] += 1
        spelled.setdefault(name, Counter())[" ".join(words[first:end]).lower()] += 1
    best = sorted(counts, key=lambda name: -counts[name])[:SUBJECT_NAMES]  # stable: first named first on ties
    return ", ".join(spelled[name].most_common(1)[0][0] for name in best)


def has_title(source: Source) -> bool:
    """Whether a source has a title to rank its passages under: given, or its first line (`has_title_line`)."""
    return source.titled or has_title_line(source.text)


def has_title_line(text: str) -> bool:
    """Whether the first line of a file is its title: a line of its own, followed by more text, that does not end
    like a sentence or clause and is not long ("Statin use and breast cancer survival", "WARFARIN SODIUM TABLETS";
    not "take it once a day with food.", nor a record of labelled values such as "Color - blue, Shape - ROUND", nor a
    file that is that one line)."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 2 or not lines[0]:
        return False
    first = lines[0].lstrip("#").strip()
    return bool(first) and first[-1] not in ".!;,:" and len(WORD.findall(first)) <= TITLE_WORDS \
        and not is_record(first)


def context_lines(passage: Passage, heading: str) -> list[str]:
    headings = [_NUMBERING.sub("", h) for h in passage.heading]
    return [line for line in [heading, *headings, passage.context] if line]


def ranking_text(passage: Passage, heading: str) -> str:
    """The text that is embedded and BM25-indexed for a passage; `heading` is its source's `source_heading`."""
    head = ". ".join(context_lines(passage, heading))
    return f"{head}.\n{passage.text}" if head else passage.text
