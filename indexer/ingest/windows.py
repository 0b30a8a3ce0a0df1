"""The model's window: counting word pieces the way the embedding model does, and cutting a span of text into
pieces that fit a token budget at sentence ends, then line ends, then word boundaries.

`TokenCounter(model_path)` reads the model's own `tokenizer.json` (all-MiniLM-L6-v2: lower-cased WordPiece)
and its `sentence_bert_config.json` (`max_seq_length`, 256 for all-MiniLM-L6-v2: the model truncates anything
longer, its two special tokens included). When `tokenizer.json` is missing it falls back to an estimate of one
token per four characters, rounded up (English WordPiece averages a little over four characters a token, so the
estimate errs on the short side of the real count for plain prose and on the long side for numbers and codes).
Create one counter per process and pass it in: nothing here is cached at module level.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable
from pathlib import Path

from tokenizers import Tokenizer

from indexer.ingest.layout import Span, trim
from indexer.text.sentences import split_sentences

log = logging.getLogger(__name__)

DEFAULT_WINDOW = 256  # all-MiniLM-L6-v2's max_seq_length, used when the model folder does not say
SPECIAL_TOKENS = 2  # [CLS] and [SEP], counted inside the window
CHARS_PER_TOKEN = 4  # the fallback estimate

_LINE = re.compile(r"[^\r\n]+")
_WORD_RUN = re.compile(r"\S+")


class TokenCounter:
    """Counts the word pieces of a text with the model's tokenizer, special tokens excluded: `counter(text)`."""

    def __init__(self, model_path: Path | str) -> None:
        path = Path(model_path)
        self.max_tokens = max_seq_length(path / "sentence_bert_config.json")
        tokenizer_file = path / "tokenizer.json"
        self._tokenizer = None
        if tokenizer_file.is_file():
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            tokenizer.no_truncation()  # the file truncates at 128 and pads: neither is what the model sees
            tokenizer.no_padding()
            self._tokenizer = tokenizer
        else:
            log.warning("%s is missing: estimating one token per %d characters.", tokenizer_file, CHARS_PER_TOKEN)

    @property
    def exact(self) -> bool:
        """True when counts come from the model's tokenizer, False when they are the chars/4 estimate."""
        return self._tokenizer is not None

    def __call__(self, text: str) -> int:
        if self._tokenizer is None:
            return estimate_tokens(text)
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)


def estimate_tokens(text: str) -> int:
    """One token per four characters of non-blank text, rounded up."""
    return math.ceil(len(text.strip()) / CHARS_PER_TOKEN)


def max_seq_length(config: Path) -> int:
    """The model's window in word pieces, special tokens included, from its sentence_bert_config.json."""
    try:
        value = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
    except (OSError, ValueError, AttributeError):
        value = None
    return value if isinstance(value, int) and value > SPECIAL_TOKENS else DEFAULT_WINDOW


def cut_to_window(text: str, start: int, end: int, budget: int, count: Callable[[str], int]) -> list[Span]:
    """Pieces of text[start:end] of at most `budget` tokens each, in order, trimmed, cut at sentence ends when
    possible, else at line ends, else at word boundaries, balanced so the last piece is not a scrap. A single run
    of non-blank characters longer than the budget (a URL, a chemical name) is never cut inside: it stays one
    piece over the budget."""
    start, end = trim(text, start, end)
    if start >= end:
        return []
    return _cut(text, start, end, budget, count, 0)


def _cut(text: str, start: int, end: int, budget: int, count: Callable[[str], int], level: int) -> list[Span]:
    if count(text[start:end]) <= budget:
        return [(start, end)]
    for depth in range(level, len(_SPLITTERS)):
        parts = [s for s in (trim(text, a, b) for a, b in _SPLITTERS[depth](text, start, end)) if s[0] < s[1]]
        if len(parts) > 1:
            fitted = [p for a, b in parts for p in _cut(text, a, b, budget, count, depth + 1)]
            return _pack(text, fitted, budget, count)
    return [(start, end)]


def _lines(text: str, start: int, end: int) -> list[Span]:
    return [m.span() for m in _LINE.finditer(text, start, end)]


def _word_runs(text: str, start: int, end: int) -> list[Span]:
    return [m.span() for m in _WORD_RUN.finditer(text, start, end)]


_SPLITTERS = (split_sentences, _lines, _word_runs)


def _pack(text: str, parts: list[Span], budget: int, count: Callable[[str], int]) -> list[Span]:
    """Consecutive parts joined into pieces of at most `budget` tokens, as even as the parts allow: as many pieces
    as filling each to the budget would give, each cut nearest its share of the total. Word-piece counts of
    white-space separated parts add up, so sums plan the cut; each piece is then counted exactly."""
    sizes = [count(text[a:b]) for a, b in parts]
    pieces_needed = size = 0
    for n in sizes:
        if pieces_needed and size + n <= budget:
            size += n
        else:
            pieces_needed, size = pieces_needed + 1, n
    share = sum(sizes) / max(pieces_needed, 1)
    groups: list[list[int]] = []
    size = done = 0
    for i, n in enumerate(sizes):
        boundary = share * len(groups)  # where the current piece should end
        if groups and size + n <= budget and (done + n <= boundary or done + n - boundary < boundary - done):
            groups[-1].append(i)
            size += n
        else:
            groups.append([i])
            size = n
        done += n
    pieces: list[Span] = []
    for group in groups:
        a, b = parts[group[0]][0], parts[group[-1]][1]
        if len(group) == 1 or count(text[a:b]) <= budget:
            pieces.append((a, b))
            continue
        # The counts did not add up (the chars/4 estimate): re-pack this group part by part, counting exactly.
        current = parts[group[0]]
        for i in group[1:]:
            if count(text[current[0] : parts[i][1]]) <= budget:
                current = (current[0], parts[i][1])
            else:
                pieces.append(current)
                current = parts[i]
        pieces.append(current)
    return pieces
