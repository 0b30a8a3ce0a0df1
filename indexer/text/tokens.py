"""The one tokenizer every stage uses: what a word is, how it is folded, how it is stemmed.

`WORD` is the project's single word pattern: letters and digits, with inner apostrophes ("don't", "Áureo’s") and inner
invisible marks and syllable dots ("Hu·mira").
Ingest (headings, debris), the index (BM25 terms), question reading and the wording check all count and match
words with it; only units of another kind have patterns of their own (a hyphenated compound below; the wording
check's tokens, which include numbers with decimals and punctuation marks).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Marks that sit inside a word without ending it. Invisible ones (soft hyphen, zero-width space and joiners, word
# joiner, byte-order mark), which web pages put inside words as break hints, join anything and are removed by
# `fold`. Syllable dots ("Hu·mi·ra" in a dictionary, Catalan "col·lecció") join letters only: between digits the
# middle dot is a decimal point ("1·7 billion", as The Lancet prints it), read by the wording check's numbers.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
SYLLABLE = "\u00b7\u2027"
_INNER = rf"['’]|[{INVISIBLE}]+|(?<=[^\W\d_])[{SYLLABLE}][{INVISIBLE}]*(?=[^\W\d_])"
WORD_PATTERN = rf"[^\W_]+(?:(?:{_INNER})[^\W_]+)*"
WORD = re.compile(WORD_PATTERN)
TOKENIZER_VERSION = 2  # changes when the same text would give other words (the index records it)
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
_DROP_MARKS = dict.fromkeys(map(ord, INVISIBLE + SYLLABLE))
# A second unit: words joined by hyphens ("well-tolerated", "St-John's"), so a question's drug or class name is
# matched, corrected and replaced as the user wrote it, not piece by piece.
COMPOUND = re.compile(rf"{WORD_PATTERN}(?:-{WORD_PATTERN})*")

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "few", "for", "from", "further", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "he'd", "he'll", "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "let's", "me", "more", "most", "mustn't", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "shan't", "she", "she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they", "they'd", "they'll", "they're", "they've", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "wasn't", "we", "we'd", "we'll", "we're", "we've", "were", "weren't", "what", "what's", "when", "when's", "where", "where's", "which", "while", "who", "who's", "whom", "why", "why's", "with", "won't", "would", "wouldn't", "you", "you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves", "s", "t", "d", "ll", "m", "re", "ve", "also", "just", "will", "may", "might", "must", "shall", "can't", "im", "ive", "dont", "doesnt", "isnt"]
)


def fold(text: str) -> str:
    """Lower-case, accents removed, curly apostrophes straightened, invisible marks removed: 'Áureo’s' -> "aureo's",
    "medi\u00adcation" -> "medication"."""
    if text.isascii():  # the common case, and ten times faster than decomposing every character
        return text.lower()
    text = unicodedata.normalize("NFKD", text.translate(_DROP_INVISIBLE))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower().replace("’", "'")


def unmarked(word: str) -> str:
    """A word without its inner marks (invisible ones and syllable dots), case and accents kept: "Hu·mira" ->
    "Humira"."""
    return word if word.isascii() else word.translate(_DROP_MARKS)


def words(text: str) -> list[str]:
    """Folded word tokens, stopwords kept."""
    return [unmarked(t).split("'")[0] for t in WORD.findall(fold(text))]


def count_words(text: str) -> int:
    """How many words `text` holds, as written (nothing folded): what document structure counts to tell a short
    item or a sentence from a fragment."""
    return len(WORD.findall(text))


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of text, in the original string's offsets."""
    return [(m.start(), m.end()) for m in WORD.finditer(text)]


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """Stemmed content terms: what lexical search and coverage compare."""
    if len(text) <= _SHORT:
        return list(_short_terms(text))
    return [stem(w) for w in words(text) if w not in STOPWORDS]


_SHORT = 200  # questions, words and phrases: asked for again and again on the question path


@lru_cache(maxsize=50_000)
def _short_terms(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text) if w not in STOPWORDS)
