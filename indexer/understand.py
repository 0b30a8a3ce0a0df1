"""How a question is understood: typos corrected against the index vocabulary, brand names resolved to generic
names, generic names mapped to the drug classes the sources speak of, and the words no source contains."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from indexer.drugs import (
    MAX_PHRASE_WORDS,
    DrugClass,
    DrugNames,
    curated_phrases,
    load_abbreviations,
    load_drug_classes,
    match_phrases,
    phrase_key,
)
from indexer.errors import QuestionError
from indexer.text import STOPWORDS, fold, stem, terms

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True)
class Correction:
    original: str
    corrected: str


@dataclass(frozen=True)
class DrugMention:
    """A drug named in a question: what the user wrote, its generic name, and its classes."""

    mention: str
    generic: str
    classes: tuple[str, ...] = ()  # class keys
    in_sources: bool = False  # the sources name this drug (or one of its classes)


@dataclass(frozen=True)
class Understanding:
    question: str
    corrected: str
    corrections: tuple[Correction, ...] = ()
    drugs: tuple[DrugMention, ...] = ()
    classes: tuple[str, ...] = ()  # class keys the question names directly ("benzos", "SSRIs")
    expansions: tuple[str, ...] = ()  # source words added to the search
    unmatched: tuple[str, ...] = ()  # topic words, drugs or classes that no source mentions
    unknown_drugs: tuple[str, ...] = ()  # the drugs and classes among `unmatched`
    anchored: bool = False  # names a drug or class that some (not most) passages discuss
    search_text: str = ""
    search_terms: tuple[str, ...] = ()
    key_terms: tuple[str, ...] = ()  # terms of the question and of the source words it was expanded with
    class_names: dict = field(default_factory=dict, compare=False, repr=False)  # key -> (name, singular)

    def notes(self) -> list[str]:
        """One line per thing worth telling the user: 'Xanax → alprazolam (a benzodiazepine)'."""
        out = [f"{c.original} → {c.corrected}" for c in self.corrections]
        for drug in self.drugs:
            singular = [self.class_names.get(k, (k, k))[1] for k in drug.classes]
            described = f" ({', '.join(singular)})" if singular else ""
            if fold(drug.mention) != drug.generic:
                out.append(f"{drug.mention} → {drug.generic}{described}")
            elif described:
                out.append(f"{drug.mention}{described}")
        for key in self.classes:
            name = self.class_names.get(key, (key, key))[0]
            out.append(f"asked about {name}")
        if self.unmatched:
            out.append("not in the sources: " + ", ".join(self.unmatched))
        return out

    def to_json(self) -> dict:
        return {
            "corrected": self.corrected,
            "corrections": [{"from": c.original, "to": c.corrected} for c in self.corrections],
            "drugs": [
                {
                    "mention": d.mention,
                    "generic": d.generic,
                    "classes": [self.class_names.get(k, (k, k))[0] for k in d.classes],
                    "in_sources": d.in_sources,
                }
                for d in self.drugs
            ],
            "classes": [self.class_names.get(k, (k, k))[0] for k in self.classes],
            "expansions": list(self.expansions),
            "unmatched": list(self.unmatched),
            "search_text": self.search_text,
            "notes": self.notes(),
        }


def load_question_words() -> frozenset[str]:
    text = resources.files("indexer").joinpath("data/question_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


class QuestionReader:
    """Understands questions against one index: its vocabulary decides what counts as a typo or as unmatched."""

    def __init__(
        self,
        index_terms: frozenset[str],
        index_words: dict[str, int],
        drug_names: DrugNames,
        known_words: frozenset[str] = frozenset(),
        classes: dict[str, DrugClass] | None = None,
        max_chars: int = 2000,
        passage_terms: Callable[[], list[str]] | None = None,
    ) -> None:
        self.index_terms = index_terms  # stemmed terms of the passages' ranking text
        self.index_words = index_words  # folded words of the passages' ranking text -> count
        self.drug_names = drug_names
        self.known_words = known_words  # common English words (the model's whole-word vocabulary)
        self.classes = classes if classes is not None else load_drug_classes()
        self.question_words = load_question_words()
        self.max_chars = max_chars
        # Each passage's stemmed terms as " term term ... " (made on first use): multi-word terms must occur
        # in a passage as phrases, and how many passages hold a name tells whether it is specific.
        self._passage_terms_source = passage_terms
        self._passage_texts: list[str] | None = None
        self._phrase_cache: dict[str, bool] = {}
        self._phrases = curated_phrases(self.classes)
        self._abbreviations: dict[tuple[str, ...], tuple[str, ...]] = {}
        for short, forms in load_abbreviations().items():
            self._abbreviations[(short,)] = forms
            for form in forms:
                self._abbreviations[phrase_key(form)] = (short, *[f for f in forms if f != form])
        self._members: dict[str, list[str]] = {}
        for drug_class in self.classes.values():
            for member in drug_class.members:
                self._members.setdefault(member, []).append(drug_class.key)
        self._lexicon_words = {w for key in self._phrases for w in key}
        self._candidates: list[str] | None = None
        self._drug_names_by_length: dict[int, list[str]] | None = None
        self.class_names = {k: (c.name, c.singular) for k, c in self.classes.items()}

    # -- public -------------------------------------------------------------------------------------------

    def read(self, question: str) -> Understanding:
        question = check_question(question, self.max_chars)
        spans = [(m.start(), m.end()) for m in _WORD.finditer(question)]
        tokens = [question[a:b] for a, b in spans]
        corrections: list[Correction] = []
        fixed = list(tokens)
        for i, token in enumerate(tokens):
            better = self._correct(token)
            if better:
                corrections.append(Correction(token, better))
                fixed[i] = better
        corrected = _replace(question, spans, tokens, fixed)
        folded = [fold(t) for t in fixed]

        covered_tokens: set[int] = set()
        drugs: list[DrugMention] = []
        class_keys: list[str] = []
        # Phrases of the curated lexicon first (class terms, generic names, brands), longest first.
        for (kind, value), first, end in match_phrases(fixed, self._phrases):
            if kind == "class":
                class_keys.append(value)
            else:
                drugs.append(DrugMention(" ".join(fixed[first:end]), value, tuple(self._members.get(value, ()))))
            covered_tokens.update(range(first, end))
        # Then brand names and synonyms through the drug dictionary.
        for generic, first, end in self.drug_names.find(fixed):
            if covered_tokens.intersection(range(first, end)):
                continue
            if all(folded[j] in STOPWORDS or folded[j] in self.question_words for j in range(first, end)):
                continue
            mention = " ".join(fixed[first:end])
            drugs.append(DrugMention(mention, generic, tuple(self._members.get(generic, ()))))
            covered_tokens.update(range(first, end))

        expansions: list[str] = []
        unmatched: list[str] = []
        unknown_drugs: list[str] = []
        # Abbreviations and their spelled-out forms ("PTSD" / "posttraumatic stress disorder").
        for j in range(len(folded)):
            for n in range(min(MAX_PHRASE_WORDS, len(folded) - j), 0, -1):
                if covered_tokens.intersection(range(j, j + n)):
                    continue
                forms = self._abbreviations.get(tuple(folded[j : j + n]))
                if forms:
                    found = [f for f in forms if self._in_index(f)]
                    expansions.extend(found)
                    if found:
                        covered_tokens.update(range(j, j + n))
                    break
        resolved_drugs = []
        anchored = False
        described: list[str] = []  # generic names the user did not write, to help the dense search
        for drug in drugs:
            words_found = self._in_index(drug.generic) or self._in_index(drug.mention)
            class_terms = self._class_terms(drug.classes)
            if words_found:
                expansions.append(drug.generic)
            else:
                described.append(drug.generic)
                expansions.extend(class_terms)
            in_sources = words_found or bool(class_terms)
            anchored = anchored or (bool(class_terms) and not words_found) or (
                words_found and self._specific(drug.generic if self._in_index(drug.generic) else drug.mention))
            if not in_sources:
                unmatched.append(drug.mention)
                unknown_drugs.append(drug.mention)
            resolved_drugs.append(DrugMention(drug.mention, drug.generic, drug.classes, in_sources))
        for key in dict.fromkeys(class_keys):
            class_terms = self._class_terms((key,))
            if class_terms:
                expansions.extend(class_terms)
                anchored = True
            else:
                unmatched.append(self.classes[key].name)
                unknown_drugs.append(self.classes[key].name)
        for j, word in enumerate(folded):
            if j in covered_tokens or word in STOPWORDS or word in self.question_words or len(word) < 3:
                continue
            if word.isdigit():
                continue
            if stem(word) not in self.index_terms:
                unmatched.append(fixed[j])

        expansions = [e for e in dict.fromkeys(expansions) if fold(e) not in fold(corrected)]
        added = [d for d in dict.fromkeys(described) if fold(d) not in fold(corrected)] + expansions
        search_text = corrected if not added else f"{corrected} ({', '.join(added)})"
        return Understanding(
            question=question,
            corrected=corrected,
            corrections=tuple(corrections),
            drugs=tuple(resolved_drugs),
            classes=tuple(dict.fromkeys(class_keys)),
            expansions=tuple(expansions),
            unmatched=tuple(dict.fromkeys(unmatched)),
            unknown_drugs=tuple(dict.fromkeys(unknown_drugs)),
            anchored=anchored,
            search_text=search_text,
            search_terms=tuple(terms(search_text)),
            key_terms=tuple(dict.fromkeys(terms(" ".join([corrected, *expansions])))),
            class_names=self.class_names,
        )

    # -- helpers ------------------------------------------------------------------------------------------

    def _in_index(self, phrase: str) -> bool:
        """The phrase occurs in the indexed passages (a multi-word phrase as a phrase, not word by word)."""
        parts = terms(phrase.replace("/", " "))
        if not parts or not all(p in self.index_terms for p in parts):
            return False
        if len(parts) == 1 or self._passage_terms_source is None:
            return True
        key = f" {' '.join(parts)} "
        if key not in self._phrase_cache:
            self._phrase_cache[key] = any(key in p for p in self._passages())
        return self._phrase_cache[key]

    def _specific(self, phrase: str) -> bool:
        """The phrase occurs in some passages but not in most (it is not the corpus's subject, like ketamine)."""
        if self._passage_terms_source is None:
            return True
        key = " " + " ".join(terms(phrase.replace("/", " "))) + " "
        passages = self._passages()
        return sum(1 for p in passages if key in p) <= len(passages) / 2

    def _passages(self) -> list[str]:
        if self._passage_texts is None:
            self._passage_texts = self._passage_terms_source()
        return self._passage_texts

    def _class_terms(self, keys: tuple[str, ...]) -> list[str]:
        """For each class, the first of its terms the sources use (its broader class's, when none of its own
        occur). One term per class: more would match look-alike classes ("serotonin reuptake inhibitors")."""
        found: list[str] = []
        for key in keys:
            drug_class = self.classes.get(key)
            if drug_class is None:
                continue
            own = [t for t in drug_class.terms if self._in_index(t)][:1]
            if not own:
                for parent in drug_class.broader:
                    own.extend([t for t in self.classes[parent].terms if self._in_index(t)][:1])
            found.extend(own)
        # Keep one spelling per stemmed form ("benzodiazepine"/"benzodiazepines").
        seen: set[tuple[str, ...]] = set()
        out = []
        for term in found:
            key = tuple(terms(term))
            if key not in seen:
                seen.add(key)
                out.append(term)
        return out

    def _is_known(self, word: str) -> bool:
        return (
            word in self.index_words
            or word in self.known_words
            or word in STOPWORDS
            or word in self.question_words
            or word in self._lexicon_words
            or stem(word) in self.index_terms
            or self.drug_names.is_name(word)
        )

    def _correct(self, token: str) -> str | None:
        """The intended word for a misspelt token, or None when it is a known word or nothing is close."""
        word = fold(token)
        if len(word) < 4 or not word.isalpha() or self._is_known(word):
            return None
        limit = 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3
        # The index's own words and the class lexicon first; the large drug-name lexicon only when they have
        # nothing close, and only names of a similar length.
        for candidates in (self._candidate_words(), *self._drug_names_near(len(word), limit)):
            best = process.extractOne(word, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=limit)
            if best is not None:
                candidate = best[0]
                return candidate.upper() if token.isupper() else candidate.capitalize() if token[0].isupper() else candidate
        return None

    def _candidate_words(self) -> list[str]:
        """Words of the index (most frequent first), then the drug and class lexicon."""
        if self._candidates is None:
            ordered = sorted(self.index_words, key=lambda w: -self.index_words[w])
            ordered += sorted(w for w in self._lexicon_words if w.isalpha())
            self._candidates = [w for w in dict.fromkeys(ordered) if len(w) >= 4 and w not in STOPWORDS]
        return self._candidates

    def _drug_names_near(self, length: int, limit: int) -> list[list[str]]:
        """Single-word drug names whose length is within `limit` of `length`, grouped by length."""
        if self._drug_names_by_length is None:
            by_length: dict[int, list[str]] = {}
            for name in sorted(self.drug_names.single_word_names()):
                by_length.setdefault(len(name), []).append(name)
            self._drug_names_by_length = by_length
        near = [w for n in range(length - limit, length + limit + 1) for w in self._drug_names_by_length.get(n, ())]
        return [near] if near else []


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
