"""How common a word is in English, from wordfreq's word lists (Zipf scale: 3 is once per million words, 2 once
per hundred million, 0 never seen). The question reader uses it to tell real words from typos."""

from __future__ import annotations

from wordfreq import get_frequency_dict, zipf_frequency

# A word at least this frequent is a real English word and is never "corrected". At 2.0 (once per hundred million
# words), the words of real questions (MedicationQA's and the seed sets') below it are typos and run-together
# words ("aday", "inthis", "seratonin"), drug names, or rare medical terms, while rare medical terms such as
# "hepatic" (3.1), "erythema" (2.3) or "bradycardia" (2.1) lie above it.
KNOWN_FLOOR = 2.0
# A brand name or synonym of the drug dictionary this frequent in general English usually means something else
# first ("Armour", "Fargo", "caps"): it is read as a drug only when the curated or WordNet lexicon names it too.
COMMON_WORD = 3.0


def zipf(word: str) -> float:
    """The word's frequency on the Zipf scale (0 for a word wordfreq has never seen)."""
    return zipf_frequency(word, "en")


def is_english(word: str) -> bool:
    """A real English word by its frequency (see KNOWN_FLOOR)."""
    return zipf(word) >= KNOWN_FLOOR


def english_words() -> list[str]:
    """The English words at least as frequent as KNOWN_FLOOR (about 96,000)."""
    floor = 10 ** (KNOWN_FLOOR - 9)  # Zipf is log10 of the frequency per billion words
    return [w for w, f in get_frequency_dict("en").items() if f >= floor]
