"""Numbers as a draft sentence and a source span state them: digits ("1,008", "1.7", "1·7", "22%"), number words
("thirty", "fifty-three"), multipliers ("1.7 billion"), each with the word it counts ("participants", "%"), and
whether two of them are the same number as written ("22" states 22.4; "about 25,000" is within 10 %). The wording
check's number conflicts and the numbers a sentence adds are read here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexer.check.align import Alignment
from indexer.check.diff import Token
from indexer.text.tokens import STOPWORDS, stem

NUMBER_WORDS = {"zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
                "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
                # how many times: "twice as likely" against "half as likely"
                "twice": 2, "double": 2, "thrice": 3, "triple": 3, "half": 0.5, "quarter": 0.25}
TENS = frozenset(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
MULTIPLIERS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_DECIMAL_MARKS = {".", "·", ","}
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
APPROXIMATE = frozenset(["about", "around", "approximately", "almost", "nearly", "roughly", "some", "over", "under",
                         "estimated", "circa", "ca", "up"])


@dataclass(frozen=True)
class Number:
    value: float
    decimals: int  # as written: 1.7 has one, 22 has none
    first: int  # token numbers
    last: int
    unit: str = ""  # the word after it ("%" for percentages), "" when none
    approximate: bool = False  # "about 25,000", "almost 25,000"


def numbers(tokens: Sequence[Token], units: Mapping[str, str] | None = None) -> list[Number]:
    """The numbers of a token list: digits (1,008; 1.7; 1·7; 22%), number words ("thirty") and multipliers
    ("1.7 billion"), each with the word after it as its unit (`units` maps abbreviations to unit words: "min" ->
    "minute"). Left out: "one" (as often a pronoun), digits that are part of a name ("COVID-19", "IL-6") and
    the codes of HTML character references ("&#8805;")."""
    out: list[Number] = []
    n = 0
    while n < len(tokens):
        key = tokens[n].key.rstrip("%")
        first = n
        if _DIGITS.fullmatch(key):
            if _part_of_name(tokens, n):
                n += 1
                continue
            text = key
            # "1·7" is three tokens: digits, a decimal mark, digits
            while (n + 2 < len(tokens) and tokens[n + 1].key in _DECIMAL_MARKS and tokens[n + 1].start == tokens[n].end
                   and tokens[n + 2].start == tokens[n + 1].end and tokens[n + 2].key.rstrip("%").isdigit()):
                text += "." + tokens[n + 2].key.rstrip("%")
                n += 2
            value, decimals = _parse_digits(text)
        elif key in NUMBER_WORDS:
            value, decimals = float(NUMBER_WORDS[key]), 0
            if (key in TENS and n + 2 < len(tokens) and tokens[n + 1].key == "-" and tokens[n + 2].key in NUMBER_WORDS
                    and NUMBER_WORDS[tokens[n + 2].key] < 10 and tokens[n + 1].start == tokens[n].end):
                value += NUMBER_WORDS[tokens[n + 2].key]  # "fifty-three"
                n += 2
        else:
            n += 1
            continue
        if n + 1 < len(tokens) and tokens[n + 1].key in MULTIPLIERS:
            value *= MULTIPLIERS[tokens[n + 1].key]
            n += 1
        percent = tokens[n].key.endswith("%")
        unit = "%" if percent else _unit(tokens, n + 1, units)
        approximate = first > 0 and tokens[first - 1].key in APPROXIMATE
        out.append(Number(value, decimals, first, n, unit, approximate))
        n += 1
    return out


def _part_of_name(tokens: Sequence[Token], n: int) -> bool:
    """Digits glued to a word by a hyphen ("COVID-19"), or the code of an HTML character reference left in a
    text file ("&#8805;" is "≥", not 8805)."""
    glued = [tokens[k].end == tokens[k + 1].start for k in range(max(n - 2, 0), n)]
    return n >= 2 and all(glued) and (
        (tokens[n - 1].key == "-" and tokens[n - 2].is_word)
        or (tokens[n - 1].key == "#" and tokens[n - 2].key == "&"))


def _unit(tokens: Sequence[Token], n: int, units: Mapping[str, str] | None = None) -> str:
    """The word a number counts: the next word ("-" skipped; an abbreviation read as its unit, "min" as
    "minute"), "%" for "percent", "" when none follows or the next word is a function word ("twice as likely")."""
    if n < len(tokens) and tokens[n].key == "-":
        n += 1
    if n >= len(tokens) or not tokens[n].is_word or tokens[n].key[0].isdigit():
        return ""
    key = tokens[n].key
    key = (units or {}).get(key, key)
    if key in ("percent", "per", "%"):
        return "%"
    return "" if key in STOPWORDS else stem(key)



def _parse_digits(text: str) -> tuple[float, int]:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):  # 1,008 and 60,000 are thousands
        text = text.replace(",", "")
    text = text.replace(",", ".")
    if text.count(".") > 1:
        text = text.replace(".", "", text.count(".") - 1)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), decimals


def comparable(a: Number, b: Number) -> bool:
    """Whether two numbers count the same thing: the same unit ("%", "participants"), or neither has one."""
    return a.unit == b.unit


def same_number(draft: Number, source: Number) -> bool:
    """Equal once the source is rounded as the draft writes it (22 states 22.4; 1.7 states 1.68); within 10 % when
    the draft says "about" or "almost"."""
    if abs(draft.value - source.value) <= 1e-9 * max(1.0, abs(source.value)):
        return True
    if draft.approximate and abs(draft.value - source.value) <= 0.1 * abs(source.value):
        return True
    if abs(source.value) >= 1e6 or abs(draft.value) >= 1e6:  # "1.7 billion": compare in the written unit
        magnitude = 10 ** (len(str(int(abs(draft.value)))) - 1)
        return round(source.value / magnitude, 1) == round(draft.value / magnitude, 1)
    scale = 10 ** draft.decimals
    return round(source.value * scale) == round(draft.value * scale)


def added_numbers(alignment: Alignment, units: Mapping[str, str] | None = None) -> int:
    """How many numbers the draft states that the span states nowhere."""
    source = numbers(alignment.source, units)
    return sum(1 for n in numbers(alignment.draft, units) if not any(same_number(n, other) for other in source))
