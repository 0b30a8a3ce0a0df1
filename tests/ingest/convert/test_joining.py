"""Rejoining the lines of a paragraph: a hyphen that only broke a word goes, a real hyphen stays."""

from __future__ import annotations

import pytest

from indexer.ingest.convert.joining import join_lines


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("given this medi-", "cation because", "given this medication because"),
        ("an antidepres-", "sant effect", "an antidepressant effect"),
        ("generally well-", "tolerated when", "generally well-tolerated when"),
        ("risk of self-", "harm is", "risk of self-harm is"),
        ("use of esket-", "amine nasal spray", "use of esketamine nasal spray"),
        ("non-steroidal Anti-", "Inflammatory drugs", "non-steroidal Anti-Inflammatory drugs"),
        ("after COVID-", "19 infection", "after COVID-19 infection"),
        ("a soft\u00ad", "hyphen", "a softhyphen"),
        ("take and/", "or avoid", "take and/or avoid"),
        ("a dash -", "like this", "a dash - like this"),
        ("plain", "words", "plain words"),
    ],
)
def test_join_lines(left, right, joined):
    assert join_lines(left, right) == joined
