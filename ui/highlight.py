"""What to point out in a passage: the sentence(s) that best answer the question, and the question's terms.

Both are spans of the passage text (offsets relative to `passage.text`), so the page can wrap them in marks
without changing a character. Sentences are ranked by meaning (the embedder: question against each sentence)
plus a small bonus for the question's key terms; a question the sources don't cover gets no sentence
highlighted, only its terms emphasised, so nothing looks like an answer that isn't one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from indexer.ask.coverage import key_terms
from indexer.ask.engine import Answer
from indexer.index.embedder import Embedder
from indexer.index.vector_cache import VectorCache
from indexer.text.sentences import split_sentences
from indexer.text.tokens import terms, word_spans

TERM_BONUS = 0.15  # added to a sentence's similarity for the share of key terms it contains
NEAR_TIE = 0.03  # a second sentence is highlighted too when it scores within this of the best
MAX_SENTENCES = 2

Span = tuple[int, int]


@dataclass(frozen=True)
class Marks:
    """Spans of one passage's text: the best-answering sentences and the words to emphasise."""

    sentences: tuple[Span, ...] = ()
    terms: tuple[Span, ...] = ()


def emphasis_terms(answer: Answer, question_terms: frozenset[str]) -> frozenset[str]:
    """The stemmed terms worth emphasising: the question's topic terms and the names it was resolved to."""
    return frozenset(key_terms(answer.understood, question_terms))


def term_spans(text: str, wanted: frozenset[str]) -> list[Span]:
    """The words of `text` whose stemmed form is one of `wanted`."""
    if not wanted:
        return []
    return [(a, b) for a, b in word_spans(text) if wanted.intersection(terms(text[a:b]))]


def pick_sentences(scores: Sequence[float], spans: Sequence[Span]) -> tuple[Span, ...]:
    """The best sentence, and a second one when it is a near tie; in reading order."""
    if not spans:
        return ()
    order = sorted(range(len(spans)), key=lambda i: -scores[i])
    best = scores[order[0]]
    chosen = [i for i in order[:MAX_SENTENCES] if scores[i] >= best - NEAR_TIE]
    return tuple(spans[i] for i in sorted(chosen))


def mark_answer(answer: Answer, vectors: VectorCache | Embedder, question_terms: frozenset[str]) -> list[Marks]:
    """One `Marks` per hit of `answer`, in the same order. `vectors` is a VectorCache or a bare embedder."""
    wanted = emphasis_terms(answer, question_terms)
    texts = [hit.passage.text for hit in answer.hits]
    emphasis = [tuple(term_spans(text, wanted)) for text in texts]
    if not answer.covered or not texts:
        return [Marks((), e) for e in emphasis]
    spans = [split_sentences(text, 0, len(text)) or [(0, len(text))] for text in texts]
    # A passage of one sentence needs no ranking: only sentences of longer passages are compared.
    sentences = [text[a:b] for text, hit_spans in zip(texts, spans, strict=True) if len(hit_spans) > 1
                 for a, b in hit_spans]
    if not sentences:
        return [Marks(tuple(s), e) for s, e in zip(spans, emphasis, strict=True)]
    cache = vectors if isinstance(vectors, VectorCache) else VectorCache(vectors)
    similarity = cache.sentences(sentences) @ cache.encode_queries([answer.understood.search_text])[0]
    out = []
    row = 0
    for hit_spans, hit_emphasis, text in zip(spans, emphasis, texts, strict=True):
        if len(hit_spans) == 1:
            out.append(Marks(tuple(hit_spans), hit_emphasis))
            continue
        scores = []
        for a, b in hit_spans:
            found = set(terms(text[a:b])) & wanted
            share = len(found) / len(wanted) if wanted else 0.0
            scores.append(float(similarity[row]) + TERM_BONUS * share)
            row += 1
        out.append(Marks(pick_sentences(scores, hit_spans), hit_emphasis))
    return out
