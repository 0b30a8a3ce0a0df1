"""What a wording check gives: a verdict for each sentence of a draft (`SentenceCheck`, `CheckReport`), what a
draft may be (`validate_draft`, `read_draft`), and the near-copy test (`closest_wording`).

    conflicts    a source says something incompatible (the conflicting words of both sides are the changes)
    verbatim     the source says exactly this (case, curly vs straight quotes, dashes and spacing ignored)
    changed      nearly the source's wording, with words changed, added or dropped (a word-level diff); each change
                 that can alter the meaning is flagged, and the source supports the sentence only when none is
    paraphrase   the same claim in other words: the span entails it (the entailment model), and nothing in it
                 conflicts with the span
    unsupported  no source says this

How the verdict is decided is `decide.py`; the check that gathers the evidence is `checker.py`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from indexer.check.diff import Change
from indexer.check.spans import Span, SpanIndex
from indexer.errors import DraftError
from indexer.text.sentences import skip_marker, split_sentences
from indexer.text.tokens import STOPWORDS, WORD

# The verdicts before `conflicts` existed, in their order (callers that colour or filter by verdict use it);
# ALL_VERDICTS adds `conflicts`, first: what a writer must see first.
VERDICTS = ("verbatim", "changed", "paraphrase", "unsupported")
ALL_VERDICTS = ("conflicts", *VERDICTS)
SUPPORTING = ("verbatim", "changed", "paraphrase")  # `changed` only with no meaning change flagged
MAX_DRAFT_CHARS = 100_000
MAX_DOCX_DRAFT_BYTES = 5 * 1024 * 1024  # a Word draft's file (its text is held to MAX_DRAFT_CHARS as well)


# A near copy ("changed"): the word-sequence similarity (difflib ratio over words) to the most similar span reaches
# CHANGED_RATIO, or the span holds CHANGED_COVER of the draft's words in order while the draft reuses
# CHANGED_SPAN_COVER of the span (a source sentence with a clause dropped). Calibrated on tests/eval/drafts.jsonl.
CHANGED_RATIO = 0.7
CHANGED_COVER = 0.85
CHANGED_SPAN_COVER = 0.3


@dataclass(frozen=True)
class SentenceCheck:
    text: str
    start: int  # offsets in the draft
    end: int
    verdict: str
    score: float  # 1.0 for verbatim, the word similarity for changed, the embedding similarity otherwise
    span: Span | None  # None exactly when the verdict is "unsupported"
    changes: tuple[Change, ...] = ()  # for "conflicts", the conflicting words of both sides
    lexical: float = 0.0
    semantic: float = 0.0
    # the entailment model's probabilities that the cited span entails / contradicts the sentence (for
    # "unsupported", the highest of each among the spans it read; for "verbatim", 1 and 0)
    entailment: float = 0.0
    contradiction: float = 0.0

    @property
    def meaning_changes(self) -> int:
        return sum(1 for c in self.changes if c.meaning)

    @property
    def supported(self) -> bool:
        """Whether the verdict presents the sentence as said by the source."""
        return self.verdict in SUPPORTING and not (self.verdict == "changed" and self.meaning_changes)


@dataclass(frozen=True)
class CheckReport:
    draft: str
    sentences: tuple[SentenceCheck, ...]

    def summary(self) -> dict:
        counts = Counter(s.verdict for s in self.sentences)
        return {
            "conflicts": counts.get("conflicts", 0),
            "sentences": len(self.sentences),
            **{verdict: counts.get(verdict, 0) for verdict in VERDICTS},
            "meaning_changes": sum(s.meaning_changes for s in self.sentences),
            "sentences_with_meaning_changes": sum(1 for s in self.sentences if s.meaning_changes),
        }


def check_draft_text(draft: str | None, max_chars: int = MAX_DRAFT_CHARS) -> str:
    """The draft if it can be checked; DraftError (one line, says what to do) if not."""
    if draft is None or not draft.strip():
        raise DraftError("The draft is empty. Paste some text or give a .txt or .md file.")
    if len(draft) > max_chars:
        raise DraftError(f"The draft is {len(draft):,} characters long; the limit is {max_chars:,} characters. "
                         "Check it in parts.")
    if "\x00" in draft:
        raise DraftError("The draft contains NUL bytes: it is not a text file. Give a .txt or .md file.")
    return draft


def validate_draft(draft: str | None, max_chars: int = MAX_DRAFT_CHARS) -> list[tuple[int, int]]:
    """The sentence spans of a draft that can be checked; DraftError if it cannot be."""
    draft = check_draft_text(draft, max_chars)
    spans = draft_sentences(draft)
    if not spans:
        raise DraftError("The draft has no sentence to check (no words in it). Paste the text of your draft.")
    return spans


def read_draft(data: bytes, name: str, max_chars: int = MAX_DRAFT_CHARS) -> str:
    """A draft file's bytes as text: UTF-8 (a byte-order mark is dropped), else DraftError."""
    if len(data) > 4 * max_chars:
        raise DraftError(f"{name} is {len(data):,} bytes long; drafts are limited to {max_chars:,} characters. "
                         "Check it in parts.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DraftError(f"{name} is not UTF-8 text (byte {e.start} cannot be read). Save it as UTF-8 .txt or .md, "
                         "or as a Word file (.docx), and try again.") from e
    return check_draft_text(text, max_chars)


def read_draft_file(data: bytes, name: str, max_chars: int = MAX_DRAFT_CHARS) -> str:
    """A draft file as text, for the command line and the page alike: a Word file (.docx) as its text (headings,
    lists and tables as Markdown, converted in the sandboxed converter like an added source), anything else as
    UTF-8 text (`read_draft`)."""
    if name.lower().endswith(".docx"):
        from indexer.errors import SourceError
        from indexer.ingest.convert import convert_bytes

        if len(data) > MAX_DOCX_DRAFT_BYTES:
            raise DraftError(f"{name} is {len(data):,} bytes; a Word draft is limited to "
                             f"{MAX_DOCX_DRAFT_BYTES // (1024 * 1024)} MB. Check it in parts.")
        try:
            text = convert_bytes(data, "docx", name=name).text
        except SourceError as e:
            raise DraftError(str(e)) from e
        return check_draft_text(text, max_chars)
    return read_draft(data, name, max_chars)


def draft_sentences(draft: str) -> list[tuple[int, int]]:
    """Sentence spans of a draft, without list markers or heading marks, and only those with a word in them."""
    out = []
    for a, b in split_sentences(draft):
        a = skip_marker(draft, a, b)
        if a < b and WORD.search(draft, a, b):
            out.append((a, b))
    return out


def closest_wording(words: list[str], index: SpanIndex, depth: int = 40) -> tuple[int, float, bool]:
    """The span whose words are most like the sentence's, its word similarity, and whether that makes the sentence
    "changed". Only the `depth` spans sharing the most (rarity-weighted) content words with it are compared.

    The most similar span wins; when it is not similar enough, a span that holds nearly all of the sentence's
    words in order can still make it "changed" (a source sentence with a clause dropped)."""
    shared: Counter = Counter()
    for w in {w for w in words if w not in STOPWORDS}:
        for n in index.by_word.get(w, ()):
            shared[n] += index.word_idf.get(w, 1.0)
    if not words or not shared:
        return -1, 0.0, False
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(words)  # the sentence is compared with every candidate: analysed once
    scored = []
    for n, _ in shared.most_common(depth):
        span_words = index.words[n]
        matcher.set_seq1(span_words)
        ratio = matcher.ratio()
        matched = ratio * (len(words) + len(span_words)) / 2
        scored.append((ratio, matched / len(words), matched / len(span_words), -index.spans[n].sentences, n))
    ratio, cover, span_cover, _, best = max(scored)
    if ratio >= CHANGED_RATIO:
        return best, ratio, True
    if len(words) >= 4:
        kept = [row for row in scored if row[1] >= CHANGED_COVER and row[2] >= CHANGED_SPAN_COVER]
        if kept:
            ratio, _, _, _, best = max(kept, key=lambda row: (row[1], row[0]))
            return best, ratio, True
    return best, ratio, False
