from __future__ import annotations

from pathlib import Path

import pytest

from indexer.config import model_path
from indexer.ingest.passages import split_passages
from indexer.ingest.sources import Source, load_corpus
from indexer.ingest.structure import document_blocks
from indexer.ingest.windows import TokenCounter
from tests.conftest import CORPUS


def make_source(text: str, title: str = "") -> Source:
    return Source(source_id="s", path=Path("s.txt"), title=title, text=text, sha256="")


def assert_exact(source: Source, passages) -> None:
    for p in passages:
        assert p.text == source.text[p.start : p.end]
        assert source.text.index(p.text, p.start) == p.start


def test_every_passage_of_the_real_corpus_is_an_exact_slice():
    for source in load_corpus(CORPUS).sources:
        passages = split_passages(source)
        assert passages
        assert_exact(source, passages)
        starts = [p.start for p in passages]
        assert starts == sorted(starts)
        assert all(a.end <= b.start for a, b in zip(passages, passages[1:], strict=False))


def test_headings_become_the_heading_path_not_passage_text():
    source = load_corpus(CORPUS).get("balanced-ketamine")
    passages = split_passages(source)
    benzo = next(p for p in passages if p.text.startswith("Benzodiazepine is okay"))
    assert benzo.heading == ("Medications That Interfere With Ketamine Infusion Therapy", "2. Benzodiazepines")
    assert benzo.text == "Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are."
    headings = {"Medications That Work With Ketamine Infusion", "2. Benzodiazepines", "Final Takeaway"}
    assert not any(p.text in headings for p in passages)


def test_page_debris_is_never_a_passage():
    for source in load_corpus(CORPUS).sources:
        texts = [p.text for p in split_passages(source)]
        joined = "\n".join(texts)
        assert "Skip to content" not in joined
        assert not any(t.strip() in ("Previous", "Next", "Previous\nPrevious", "Next\nNext") for t in texts)
        assert "Ensuring Safety and Comfort with IV Ketamine Treatment" not in joined
        assert "Ketamine vs. Psilocybin Treatment" not in joined


def test_passages_are_paragraphs_not_pages():
    for source in load_corpus(CORPUS).sources:
        passages = split_passages(source)
        assert len(passages) >= 10
        assert max(len(p.text) for p in passages) < len(source.text) / 4


def test_reference_list_items_are_separate_passages():
    passages = split_passages(load_corpus(CORPUS).get("aureo"))
    references = [p for p in passages if p.heading and p.heading[-1] == "References"]
    assert [p.text[:2] for p in references] == ["1.", "2.", "3.", "4."]


@pytest.mark.parametrize(
    "text",
    [
        "Título\r\n\r\nÁureo’s clinic — naïve façade, 10 µg per dose.\r\nSecond line of the same paragraph.\r\n\r\nLast one",
        "# Heading\n\nA paragraph about ketamine and sleep with enough words.\n\n- first item of a list here\n- second item of a list here",
        "No trailing newline, a single paragraph that runs on and on without any ending at all",
        "\ufeffBOM first. Then text 😀 with an emoji and more words to make it prose.",
        "Heading One\n\nFirst paragraph is prose with several words.\n\n\n\n   Indented paragraph after blank lines, still prose.   \n",
    ],
)
def test_offsets_hold_for_awkward_text(text: str):
    source = make_source(text)
    passages = split_passages(source)
    assert passages
    assert_exact(source, passages)


def test_long_paragraphs_are_cut_at_sentence_ends():
    sentence = "Ketamine is studied for depression in several trials. "
    source = make_source("Heading\n\n" + sentence * 60)
    counter = TokenCounter(model_path())
    passages = split_passages(source, counter, max_tokens=120)
    assert len(passages) > 3
    assert all(counter(p.text) <= 120 for p in passages)
    assert all(p.text.endswith(".") for p in passages)
    assert_exact(source, passages)


def test_markdown_headings_nest():
    text = "# Title\n\n## Part A\n\nAlpha paragraph with enough words in it.\n\n### Detail\n\nBeta paragraph with enough words.\n\n## Part B\n\nGamma paragraph with enough words in it."
    passages = split_passages(make_source(text, title="Title"))
    assert [p.heading for p in passages] == [("Part A",), ("Part A", "Detail"), ("Part B",)]


def test_block_kinds_of_navigation_debris():
    text = "Real Heading\n\nA real paragraph of text here.\n\nPrevious\nPrevious\n\nOther post title\n\nNext\nNext"
    blocks = document_blocks(text, markdown=False)
    assert [b.kind for b in blocks] == ["heading", "content", "debris"]
    assert text[blocks[-1].start : blocks[-1].end].startswith("Previous")


def test_a_lead_in_and_its_list_are_one_passage():
    text = "Side Effects\n\nCommon side effects include:\n\n- headache\n- dizziness\n- dry mouth\n"
    passages = split_passages(make_source(text))
    assert [p.text for p in passages] == ["Common side effects include:\n\n- headache\n- dizziness\n- dry mouth"]
    assert passages[0].heading == ("Side Effects",)


def test_a_question_heading_keeps_its_short_answer():
    text = "Can I drink alcohol while taking it?\n\nNo.\n\nHow should it be stored?\n\nAt room temperature, away from light.\n"
    passages = split_passages(make_source(text))
    assert [(p.heading, p.text) for p in passages] == [
        (("Can I drink alcohol while taking it?",), "No."),
        (("How should it be stored?",), "At room temperature, away from light."),
    ]
