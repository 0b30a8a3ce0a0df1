"""How a question is read: typos corrected (`spelling.py`), drugs and drug classes found and resolved (brand →
generic → the class words the sources use), abbreviations spelled out, and the words no source contains.

The result, `Understanding`, says what was read and what the search will look for. Whether the sources cover
the question is decided from it and from the hits, in `coverage.py`.

A message of several sentences ("Hello. My mother takes warfarin. Can she take aspirin? Thank you.") is searched
whole, but its topic (what coverage judges, and the words reported as missing) is what its questions ask: the
sentences that end in "?". A greeting, a sign-off or the story around a question is not what must be answered.
The asking sentences are also kept apart (`asking_text`, with the names the search adds), so that the question's
vector can weigh them as much as the whole message (`question_vectors.message_vector`). A message with no such
sentence, or with only such sentences, is read whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.ask.spelling import Speller
from indexer.ask.vocabulary import IndexVocabulary
from indexer.errors import QuestionError
from indexer.lexicon.classes import MAX_PHRASE_WORDS, match_phrases
from indexer.lexicon.english import COMMON_WORD, zipf
from indexer.lexicon.lexicon import ClassRef, Lexicon
from indexer.text.sentences import split_sentences
from indexer.text.tokens import COMPOUND, STOPWORDS, fold, stem, terms


@dataclass(frozen=True)
class Correction:
    original: str
    corrected: str


@dataclass(frozen=True)
class DrugMention:
    """A drug named in a question: what the user wrote, its generic name, its classes, and how the sources
    speak of it (by one of its names; only through a class; and whether they name it in most passages or some)."""

    mention: str
    generic: str
    classes: tuple[ClassRef, ...] = ()
    in_sources: bool = False  # the sources name this drug (or one of its classes)
    named: bool = False  # the sources name the drug itself, by its generic name or another of its names
    specific: bool = False  # the sources speak of it in some passages but not most (it is not their subject)
    via_class: bool = False  # the sources speak of one of its classes
    source_names: tuple[str, ...] = ()  # the names of the drug the sources use ("seroquel" for quetiapine)
    class_terms: tuple[str, ...] = ()  # the words the sources use for its classes
    passages: int = 0  # how many passages name it (by its most used name; by its class when never named)


@dataclass(frozen=True)
class ClassMention:
    """A drug class the question names directly ("benzos", "SSRIs")."""

    ref: ClassRef
    in_sources: bool
    mention: str = ""
    source_terms: tuple[str, ...] = ()  # the words the sources use for the class
    passages: int = 0  # how many passages name it
    specific: bool = False  # ... some but not most


@dataclass(frozen=True)
class Understanding:
    question: str
    corrected: str
    corrections: tuple[Correction, ...] = ()
    drugs: tuple[DrugMention, ...] = ()
    classes: tuple[ClassMention, ...] = ()
    expansions: tuple[str, ...] = ()  # source words added to the search
    unmatched: tuple[str, ...] = ()  # topic words, drugs or classes that no source mentions
    search_text: str = ""
    search_terms: tuple[str, ...] = ()
    key_terms: tuple[str, ...] = ()  # terms of the question and of the source words it was expanded with
    topic_terms: tuple[str, ...] = ()  # stemmed words of the question that name neither a drug nor a class
    topic_text: str = ""  # the question without the drugs and classes it names ("How much does cost?")
    asking_text: str = ""  # of a message, its sentences that ask, with the names searched; "" for a question

    @property
    def unknown_drugs(self) -> tuple[str, ...]:
        """The drugs and classes the question names that no source mentions."""
        names = [d.mention for d in self.drugs if not d.in_sources]
        names += [c.ref.name for c in self.classes if not c.in_sources]
        return tuple(dict.fromkeys(names))

    def notes(self) -> list[str]:
        """One line per thing worth telling the user, only when it teaches them something: a brand or other name
        read as its generic ('Xanax → alprazolam (a benzodiazepine)'), a correction, a drug the sources speak of
        only through its class ('sertraline (an SSRI)'), a class asked about. A drug named as itself that the
        sources name too ('ketamine' in a corpus about ketamine) gets no note."""
        out = [f"{c.original} → {c.corrected}" for c in self.corrections]
        for drug in self.drugs:
            described = f" ({', '.join(c.singular for c in drug.classes)})" if drug.classes else ""
            if fold(drug.mention) != drug.generic:
                out.append(f"{drug.mention} → {drug.generic}{described}")
            elif described and not drug.named:
                out.append(f"{drug.mention}{described}")
        out.extend(f"asked about {c.ref.name}" for c in self.classes)
        if self.unmatched:
            out.append("not in the sources: " + ", ".join(self.unmatched))
        return out

    def to_json(self) -> dict:
        return {
            "corrected": self.corrected,
            "corrections": [{"from": c.original, "to": c.corrected} for c in self.corrections],
            "drugs": [
                {"mention": d.mention, "generic": d.generic, "classes": [c.name for c in d.classes],
                 "in_sources": d.in_sources, "named": d.named, "via_class": d.via_class,
                 "source_names": list(d.source_names)}
                for d in self.drugs
            ],
            "classes": [c.ref.name for c in self.classes],
            "expansions": list(self.expansions),
            "unmatched": list(self.unmatched),
            "search_text": self.search_text,
            "notes": self.notes(),
        }


class QuestionReader:
    """Reads questions against one index: its vocabulary decides what counts as a typo or as unmatched."""

    def __init__(self, vocabulary: IndexVocabulary, lexicon: Lexicon, speller: Speller, max_chars: int = 8000) -> None:
        self.vocabulary = vocabulary
        self.lexicon = lexicon
        self.speller = speller
        self.max_chars = max_chars

    def read(self, question: str) -> Understanding:
        question = check_question(question, self.max_chars)
        corrections, corrected = self._correct(question)
        found = list(COMPOUND.finditer(corrected))
        fixed = [m.group() for m in found]
        folded = [fold(t) for t in fixed]
        asking_spans, context_spans = _by_asking(corrected)
        context = {j for j, m in enumerate(found) if any(a <= m.start() < b for a, b in context_spans)}
        covered: set[int] = set()  # tokens already read as a name
        found_drugs, found_classes = self._names(fixed, folded, covered)
        expansions = self._abbreviations(folded, covered)
        drugs, classes, unmatched, described = [], [], [], []
        for mention, generic in found_drugs:
            drug = self._resolve(mention, generic)
            if drug.named:
                expansions.extend(drug.source_names[:2])
            else:
                described.append(generic)  # generic names the user did not write, to help the dense search
                expansions.extend(drug.class_terms)
            if not drug.in_sources:
                unmatched.append(mention)
            drugs.append(drug)
        for mention, key in found_classes:
            class_terms = tuple(self.vocabulary.class_terms(self.lexicon.classes, (key,)))
            expansions.extend(class_terms)
            passages = max((self.vocabulary.count(t) for t in class_terms), default=0)
            classes.append(ClassMention(self.lexicon.ref(key), bool(class_terms), mention, class_terms, passages,
                                        bool(class_terms) and self.vocabulary.narrows_to(passages)))
            if not class_terms:
                unmatched.append(self.lexicon.ref(key).name)
        unmatched.extend(self._unmatched_words(fixed, folded, covered | context))
        expansions = [e for e in dict.fromkeys(expansions) if fold(e) not in fold(corrected)]
        added = [d for d in dict.fromkeys(described) if fold(d) not in fold(corrected)] + expansions
        added_names = f" ({', '.join(added)})" if added else ""
        search_text = corrected + added_names
        asking_text = " ".join(corrected[a:b] for a, b in asking_spans) + added_names if asking_spans else ""
        asking = self.lexicon.question_terms
        topic = [t for j, word in enumerate(folded) if j not in covered and j not in context for t in terms(word)
                 if t not in asking and not t.isdigit()]
        topic_text = " ".join(t for j, t in enumerate(fixed) if j not in covered and j not in context)
        return Understanding(
            question=question,
            corrected=corrected,
            corrections=tuple(corrections),
            drugs=tuple(drugs),
            classes=tuple(classes),
            expansions=tuple(expansions),
            unmatched=tuple(dict.fromkeys(unmatched)),
            search_text=search_text,
            search_terms=tuple(terms(search_text)),
            key_terms=tuple(dict.fromkeys(terms(" ".join([corrected, *expansions])))),
            topic_terms=tuple(dict.fromkeys(topic)),
            topic_text=topic_text,
            asking_text=asking_text,
        )

    # -- steps --------------------------------------------------------------------------------------------

    def _correct(self, question: str) -> tuple[list[Correction], str]:
        spans = [(m.start(), m.end()) for m in COMPOUND.finditer(question)]
        tokens = [question[a:b] for a, b in spans]
        corrections: list[Correction] = []
        out, pos = [], 0
        for edit in self.speller.edits(tokens):
            start, end = spans[edit.first][0], spans[edit.end - 1][1]
            corrections.append(Correction(question[start:end], edit.text))
            out.extend([question[pos:start], edit.text])
            pos = end
        out.append(question[pos:])
        return corrections, "".join(out)

    def _names(self, fixed: list[str], folded: list[str], covered: set[int]
               ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(mention, generic) of each drug and (mention, key) of each class named: the curated and WordNet
        phrases first (class terms, generic names, brands; longest first), then the drug dictionary's brand
        names and synonyms, except those that are everyday English words meaning something else first."""
        drugs: list[tuple[str, str]] = []
        classes: list[tuple[str, str]] = []
        for (kind, value), first, end in match_phrases(fixed, self.lexicon.phrases):
            mention = " ".join(fixed[first:end])
            (classes if kind == "class" else drugs).append((mention, value))
            covered.update(range(first, end))
        asking = self.lexicon.question_words
        for generic, first, end in self.lexicon.drug_names.find(fixed):
            if covered.intersection(range(first, end)):
                continue
            if all(folded[j] in STOPWORDS or folded[j] in asking for j in range(first, end)):
                continue
            if end - first == 1 and folded[first] != generic and zipf(folded[first]) >= COMMON_WORD:
                continue
            drugs.append((" ".join(fixed[first:end]), generic))
            covered.update(range(first, end))
        return _first_of_each(drugs), _first_of_each(classes)

    def _abbreviations(self, folded: list[str], covered: set[int]) -> list[str]:
        """The forms the sources use of abbreviations and their spelled-out forms ("PTSD")."""
        expansions: list[str] = []
        for j in range(len(folded)):
            for n in range(min(MAX_PHRASE_WORDS, len(folded) - j), 0, -1):
                if covered.intersection(range(j, j + n)):
                    continue
                forms = self.lexicon.abbreviations.get(tuple(folded[j : j + n]))
                if forms:
                    found = [f for f in forms if self.vocabulary.has(f)]
                    expansions.extend(found)
                    if found:
                        covered.update(range(j, j + n))
                    break
        return expansions

    def _resolve(self, mention: str, generic: str) -> DrugMention:
        """How the sources speak of a drug: by one of its names (generic, as written, a brand or synonym), or
        only through a class (the words they use for its classes)."""
        classes = self.lexicon.classes_of(generic)
        candidates = dict.fromkeys([fold(mention), *self.lexicon.names_of(generic)])
        source_names = tuple(name for name in candidates if self.vocabulary.has(name))
        named = bool(source_names)
        class_terms = tuple(self.vocabulary.class_terms(self.lexicon.classes, tuple(c.key for c in classes)))
        passages = max((self.vocabulary.count(n) for n in (source_names or class_terms)), default=0)
        specific = (named or bool(class_terms)) and self.vocabulary.narrows_to(passages)
        return DrugMention(mention, generic, classes, named or bool(class_terms), named, specific,
                           bool(class_terms), source_names, class_terms, passages)

    def _unmatched_words(self, fixed: list[str], folded: list[str], covered: set[int]) -> list[str]:
        """Topic words of the question that no passage contains."""
        asking = self.lexicon.question_words
        return [
            fixed[j] for j, word in enumerate(folded)
            if j not in covered and word not in STOPWORDS and word not in asking and len(word) >= 3
            and not word.isdigit() and stem(word) not in self.vocabulary.terms
        ]


def _by_asking(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The spans of a message's sentences that ask (end in "?") and of those that do not, when it has both; two
    empty lists otherwise (the text is read whole)."""
    sentences = split_sentences(text)
    asking = [(a, b) for a, b in sentences if _asks(text[a:b])]
    if len(asking) in (0, len(sentences)):
        return [], []
    return asking, [span for span in sentences if span not in asking]


def _asks(sentence: str) -> bool:
    return sentence.rstrip(" \t\"'”’)]").endswith("?")


def check_question(question: str, max_chars: int) -> str:
    if question is None or not str(question).strip():
        raise QuestionError("The question is empty. Type a question, e.g. \"Can I take Xanax with ketamine?\"")
    question = str(question).strip()
    if len(question) > max_chars:
        raise QuestionError(
            f"The question is {len(question):,} characters long; the limit is {max_chars:,}. Shorten it to the "
            "part you want answered."
        )
    return question


def _first_of_each(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(mention, name) pairs, one per name: "atorvastatin and lipitor" asks about one drug."""
    seen: set[str] = set()
    out = []
    for mention, name in found:
        if name not in seen:
            seen.add(name)
            out.append((mention, name))
    return out
