"""Web pages: the article is kept as Markdown, the page around it is not, and its metadata is recorded."""

from __future__ import annotations

import pytest

from indexer.errors import SourceError
from indexer.ingest.convert.html import convert_html
from tests.ingest.convert.builders import ARTICLE_HTML, BOILERPLATE, MENU_ONLY_HTML


@pytest.fixture(scope="module")
def article():
    return convert_html(ARTICLE_HTML.encode("utf-8"), "article.html")


def test_article_text_is_kept_whole(article):
    assert (
        "Ketamine is used as an anaesthetic and, at lower doses, as a treatment for depression that has not "
        "responded to other therapies. Many patients take other medicines at the same time, and some of them "
        "change how ketamine works.\n" in article.text
    )
    assert "Always follow the advice of your care team; never change a dose on your own." in article.text


@pytest.mark.parametrize("boilerplate", BOILERPLATE)
def test_page_boilerplate_is_dropped(article, boilerplate):
    assert boilerplate.lower() not in article.text.lower()


def test_structure_survives_as_markdown(article):
    lines = article.text.split("\n")
    assert lines[0] == "# Ketamine and other medicines"
    assert "## Medicines that may interact" in lines
    assert "## Typical doses" in lines
    assert (
        "- Benzodiazepines such as lorazepam may blunt the antidepressant effect.\n"
        "- Lamotrigine may reduce the response to ketamine.\n"
        "- Opioids can add to sedation and slow breathing.\n"
    ) in article.text
    assert (
        "| Route | Dose |\n|---|---|\n| Intravenous | 0.5 mg/kg over 40 minutes |\n"
        "| Intranasal esketamine | 56 or 84 mg |\n"
    ) in article.text


def test_inline_emphasis_reads_as_plain_text(article):
    assert "**" not in article.text and "as a treatment for depression that" in article.text


def test_clean_markdown_shape(article):
    text = article.text
    assert text.endswith(".\n") and not text.endswith("\n\n")
    assert "\n\n\n" not in text
    assert all(line == line.rstrip() for line in text.split("\n"))
    assert "  " not in text


def test_metadata_found_in_the_page(article):
    assert article.title == "Ketamine and other medicines"
    assert article.publisher == "Example Clinic"
    assert article.url == "https://clinic.example.org/blog/ketamine-and-other-medicines/"
    assert article.date == "2023-04-12"
    assert (article.suffix, article.media_type, article.extractor) == (".md", "text/html", "trafilatura")
    assert article.original_bytes == ARTICLE_HTML.encode("utf-8")


def test_metadata_that_the_page_does_not_give_stays_empty():
    page = ARTICLE_HTML
    for tag in ('<meta property="og:site_name" content="Example Clinic">',
                '<link rel="canonical" href="https://clinic.example.org/blog/ketamine-and-other-medicines/">',
                '<meta name="date" content="2023-04-12">',
                '<meta property="article:published_time" content="2023-04-12T09:30:00+00:00">'):
        page = page.replace(tag, "")
    converted = convert_html(page.encode("utf-8"), "article.html")
    # the footer's "Copyright © 2024" is not a publication date, and no address is made up
    assert (converted.date, converted.url) == ("", "")
    assert converted.title == "Ketamine and other medicines"


def test_a_page_saved_by_the_browser_keeps_its_address():
    saved = "<!-- saved from url=(0040)https://clinic.example.org/blog/ketamine -->\n" + ARTICLE_HTML.replace(
        '<link rel="canonical" href="https://clinic.example.org/blog/ketamine-and-other-medicines/">', ""
    )
    assert convert_html(saved.encode(), "saved.html").url == "https://clinic.example.org/blog/ketamine"


def test_a_fetched_page_keeps_its_canonical_address_without_tracking_parameters():
    converted = convert_html(
        ARTICLE_HTML.encode(), "x", url="https://clinic.example.org/blog/ketamine-and-other-medicines/?utm_source=a"
    )
    assert converted.url == "https://clinic.example.org/blog/ketamine-and-other-medicines/"


def test_a_page_with_only_menus_is_an_error():
    with pytest.raises(SourceError, match=r"No article text was found in menu\.html .*\.txt file") as error:
        convert_html(MENU_ONLY_HTML.encode(), "menu.html")
    assert "\n" not in str(error.value)


def test_declared_charset_decodes_the_page():
    page = ARTICLE_HTML.replace('<meta charset="utf-8">', "").replace("anaesthetic", "anesthésique")
    converted = convert_html(page.encode("latin-1"), "x", charset="iso-8859-1")
    assert "anesthésique" in converted.text
