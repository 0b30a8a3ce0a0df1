"""How a question is read: typos corrected (`spelling.py`), drugs and drug classes found and resolved (brand →
generic → the class words the sources use), abbreviations spelled out, and the words no source contains.

The result, `Understanding`, says what was read and what the search will look for. Whether the sources cover
the question is decided from it and from the hits, in `coverage.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.ask.spelling import Speller
from indexer.ask.vocabulary import IndexVocabulary
from indexer.errors import QuestionError
from indexer.lexicon.classes import MAX_PHRASE_WORDS, match_phrases
from indexer.lexicon.lexicon import ClassRef, Lexicon
from indexer.text.tokens import COMPOUND, STOPWORDS, fold, stem, terms


@dataclass(frozen=True)
class Correction:
    original: str
    corrected: str


@dataclass(frozen=True)
class DrugMention:
    """A drug named in a question: what the user wrote, its generic name, its classes, and how the sources
    speak of it (by name; only through a class; and whether they name it in most passages or some)."""

    mention: str
    generic: str
    classes: tuple[ClassRef, ...] = ()
    in_sources: bool = False  # the sources name this drug (or one of its classes)
    named: bool = False  # the sources name the drug itself
    specific: bool = False  # ... in some passages but not most (it is not the corpus's subject)
    via_class: bool = False  # the sources speak of one of its classes


@dataclass(frozen=True)
class ClassMention:
    """A drug class the question names directly ("benzos", "SSRIs")."""

    ref: ClassRef
    in_sources: bool


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

    @property
    def unknown_drugs(self) -> tuple[str, ...]:
        """The drugs and classes the question names that no source mentions."""
        names = [d.mention for d in self.drugs if not d.in_sources]
        names += [c.ref.name for c in self.classes if not c.in_sources]
        return tuple(dict.fromkeys(names))

    def notes(self) -> list[str]:
        """One line per thing worth telling the user: 'Xanax → alprazolam (a benzodiazepine)'."""
        out = [f"{c.original} → {c.corrected}" for c in self.corrections]
        for drug in self.drugs:
            described = f" ({', '.join(c.singular for c in drug.classes)})" if drug.classes else ""
            if fold(drug.mention) != drug.generic:
                out.append(f"{drug.mention} → {drug.generic}{described}")
            elif described:
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
                 "in_sources": d.in_sources}
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

    def __init__(self, vocabulary: IndexVocabulary, lexicon: Lexicon, speller: Speller, max_chars: int = 2000) -> None:
        self.vocabulary = vocabulary
        self.lexicon = lexicon
        self.speller = speller
        self.max_chars = max_chars

    def read(self, question: str) -> Understanding:
        question = check_question(question, self.max_chars)
        spans = [(m.start(), m.end()) for m in COMPOUND.finditer(question)]
        tokens = [question[a:b] for a, b in spans]
        corrections, fixed = self._correct(tokens)
        corrected = _replace(question, spans, tokens, fixed)
        folded = [fold(t) for t in fixed]
        covered: set[int] = set()  # tokens already read as a name
        found_drugs, class_keys = self._names(fixed, folded, covered)
        expansions = self._abbreviations(folded, covered)
        drugs, classes, unmatched, described = [], [], [], []
        for mention, generic in found_drugs:
            drug, class_terms = self._resolve(mention, generic)
            if drug.named:
                expansions.append(generic)
            else:
                described.append(generic)  # generic names the user did not write, to help the dense search
                expansions.extend(class_terms)
            if not drug.in_sources:
                unmatched.append(mention)
            drugs.append(drug)
        for key in dict.fromkeys(class_keys):
            class_terms = self.vocabulary.class_terms(self.lexicon.classes, (key,))
            expansions.extend(class_terms)
            classes.append(ClassMention(self.lexicon.ref(key), bool(class_terms)))
            if not class_terms:
                unmatched.append(self.lexicon.ref(key).name)
        unmatched.extend(self._unmatched_words(fixed, folded, covered))
        expansions = [e for e in dict.fromkeys(expansions) if fold(e) not in fold(corrected)]
        added = [d for d in dict.fromkeys(described) if fold(d) not in fold(corrected)] + expansions
        search_text = corrected if not added else f"{corrected} ({', '.join(added)})"
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
        )

    # -- steps --------------------------------------------------------------------------------------------

    def _correct(self, tokens: list[str]) -> tuple[list[Correction], list[str]]:
        corrections: list[Correction] = []
        fixed = list(tokens)
        for i, token in enumerate(tokens):
            better = self.speller.correct(token)
            if better:
                corrections.append(Correction(token, better))
                fixed[i] = better
        return corrections, fixed

    def _names(self, fixed: list[str], folded: list[str], covered: set[int]) -> tuple[list[tuple[str, str]], list[str]]:
        """(mention, generic) of each drug and the keys of the classes named: curated phrases first (class terms,
        generic names, brands; longest first), then brand names and synonyms through the drug dictionary."""
        drugs: list[tuple[str, str]] = []
        class_keys: list[str] = []
        for (kind, value), first, end in match_phrases(fixed, self.lexicon.phrases):
            if kind == "class":
                class_keys.append(value)
            else:
                drugs.append((" ".join(fixed[first:end]), value))
            covered.update(range(first, end))
        asking = self.lexicon.question_words
        for generic, first, end in self.lexicon.drug_names.find(fixed):
            if covered.intersection(range(first, end)):
                continue
            if all(folded[j] in STOPWORDS or folded[j] in asking for j in range(first, end)):
                continue
            drugs.append((" ".join(fixed[first:end]), generic))
            covered.update(range(first, end))
        return drugs, class_keys

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

    def _resolve(self, mention: str, generic: str) -> tuple[DrugMention, list[str]]:
        """How the sources speak of a drug (by its name, generic or as written, or only through a class), and
        the words they use for its classes."""
        classes = self.lexicon.classes_of(generic)
        named = self.vocabulary.has(generic) or self.vocabulary.has(mention)
        class_terms = self.vocabulary.class_terms(self.lexicon.classes, tuple(c.key for c in classes))
        specific = named and self.vocabulary.specific(generic if self.vocabulary.has(generic) else mention)
        drug = DrugMention(mention, generic, classes, named or bool(class_terms), named, specific, bool(class_terms))
        return drug, class_terms

    def _unmatched_words(self, fixed: list[str], folded: list[str], covered: set[int]) -> list[str]:
        """Topic words of the question that no passage contains."""
        asking = self.lexicon.question_words
        return [
            fixed[j] for j, word in enumerate(folded)
            if j not in covered and word not in STOPWORDS and word not in asking and len(word) >= 3
            and not word.isdigit() and stem(word) not in self.vocabulary.terms
        ]


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


def _replace(text: str, spans: list[tuple[int, int]], old: list[str], new: list[str]) -> str:
    out = []
    pos = 0
    for (a, b), before, after in zip(spans, old, new, strict=True):
        out.append(text[pos:a])
        out.append(after if after != before else text[a:b])
        pos = b
    out.append(text[pos:])
    return "".join(out)
