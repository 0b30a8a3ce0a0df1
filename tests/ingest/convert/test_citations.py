"""Converted texts are texts of record: written as they are, read back unchanged, cited exactly."""

from __future__ import annotations

import pytest

from indexer import load_corpus, split_passages
from indexer.ingest.convert import convert_input, file_name_for
from tests.ingest.convert.builders import ARTICLE_HTML, leaflet_pdf, word_docx

INPUTS = {
    "page.html": ARTICLE_HTML.encode(),
    "leaflet.pdf": leaflet_pdf(title="Ketamine leaflet"),
    "guide.docx": word_docx(),
    "notes.txt": "Ketamine notes\r\n\r\nÜber 0,5 mg/kg, no final newline".encode(),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Each input converted and written the way `add` writes it: the text's UTF-8 bytes, nothing else."""
    inputs, corpus_dir = tmp_path_factory.mktemp("inputs"), tmp_path_factory.mktemp("corpus")
    converted = {}
    for name, data in INPUTS.items():
        (inputs / name).write_bytes(data)
        result = convert_input(inputs / name)
        target = file_name_for(result.title, result.suffix, {p.name for p in corpus_dir.iterdir()})
        (corpus_dir / target).write_bytes(result.text.encode("utf-8"))
        converted[target] = result
    return load_corpus(corpus_dir), converted


def test_every_source_reads_back_as_converted(corpus):
    loaded, converted = corpus
    assert {s.path.name: s.text for s in loaded.sources} == {name: c.text for name, c in converted.items()}


def test_every_passage_is_an_exact_slice(corpus):
    loaded, _ = corpus
    for source in loaded.sources:
        passages = split_passages(source)
        assert passages, source.path.name
        for passage in passages:
            assert source.text[passage.start : passage.end] == passage.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Lamotrigine may reduce the response to ketamine.",
        "Read all of this leaflet carefully before you are given this medication because it contains important "
        "information for you.",
        "Ketamine is an anaesthetic. It is generally well-tolerated when it is given by a trained doctor",
        "a faster heartbeat and higher blood pressure, which your doctor will check during the treatment",
        "Have someone drive you home.",
    ],
)
def test_sentences_that_were_wrapped_or_marked_up_are_found_in_one_passage(corpus, sentence):
    loaded, _ = corpus
    assert any(sentence in p.text for s in loaded.sources for p in split_passages(s))
