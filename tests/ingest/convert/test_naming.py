"""File names for new sources: readable, safe on every system, never overwriting another source."""

from __future__ import annotations

import pytest

from indexer.ingest.convert import file_name_for


def test_name_from_title():
    assert file_name_for("Kétamine & SSRIs: what to know?", ".md", set()) == "ketamine-ssris-what-to-know.md"


def test_taken_names_get_a_number_compared_without_case():
    existing = {"Ketamine-Leaflet.md", "ketamine-leaflet-2.md"}
    assert file_name_for("Ketamine leaflet", ".md", existing) == "ketamine-leaflet-3.md"
    assert file_name_for("Ketamine leaflet", ".txt", existing) == "ketamine-leaflet.txt"


def test_long_titles_are_cut_at_a_word_within_80_characters():
    title = "Ketamine " * 30
    name = file_name_for(title, ".md", set())
    assert len(name) <= 80 and name.endswith("ketamine.md") and "--" not in name
    taken = {name}
    second = file_name_for(title, ".md", taken)
    assert len(second) <= 80 and second.endswith("-2.md") and second != name


@pytest.mark.parametrize(("title", "name"), [("", "source.md"), ("Ω ≈ ∞", "source.md"), ("NUL", "nul-source.md")])
def test_titles_without_usable_letters_still_give_a_safe_name(title, name):
    assert file_name_for(title, ".md", set()) == name


def test_suffix_is_checked():
    with pytest.raises(ValueError, match=r"suffix must be .* Got 'md'"):
        file_name_for("x", "md", set())
