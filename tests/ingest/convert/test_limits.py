"""Added documents are untrusted: what one may expand to is bounded (ZIP directory, pages, HTML size, characters)
and its conversion runs in a child process held to a time and a memory limit. Every limit hit is one line.

The hostile files are made here, small on disk; limits are lowered through `limits.LIMITS` where a real one
would make the test slow."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.errors import SourceError
from indexer.ingest.convert import convert_bytes, convert_input, limits, sandbox
from indexer.ingest.convert.limits import MB, Limits
from indexer.ingest.convert.pdf_lines import read_lines
from tests.ingest.convert.builders import (
    ARTICLE_HTML,
    dense_pdf,
    docx_with_doctype,
    leaflet_pdf,
    repacked_docx,
    word_docx,
)


@pytest.fixture(scope="module")
def expanding_docx() -> bytes:
    """A real Word document whose body expands to 150 MB (about 1 MB packed): an ordinary-looking ZIP bomb."""
    return repacked_docx(body_megabytes=150)


def lower(monkeypatch, **changes) -> Limits:
    """Set the limits every conversion uses for this test."""
    changed = replace(limits.LIMITS, **changes)
    monkeypatch.setattr(limits, "LIMITS", changed)
    return changed


def one_line_error(call, pattern: str) -> str:
    with pytest.raises(SourceError, match=pattern) as error:
        call()
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_zip_bomb_is_refused_from_its_directory(expanding_docx, tmp_path: Path):
    assert len(expanding_docx) < 2 * MB
    started = time.monotonic()
    (tmp_path / "bomb.docx").write_bytes(expanding_docx)
    one_line_error(lambda: convert_input(tmp_path / "bomb.docx"),
                   r"^bomb\.docx stopped: it expands to more than 100 MB, which no ordinary document does\.")
    assert time.monotonic() - started < 5


def test_a_part_that_expands_too_many_times_is_refused():
    data = repacked_docx(extra={"word/media/image1.png": bytes(4 * MB)})
    one_line_error(lambda: convert_bytes(data, "docx", name="pictures.docx"),
                   r"pictures\.docx stopped: one of its parts expands to more than 200 times its packed size")


def test_a_package_with_too_many_parts_is_refused():
    data = repacked_docx(extra={f"docProps/extra{n}.xml": b"<a/>" for n in range(1001)})
    one_line_error(lambda: convert_bytes(data, "docx", name="parts.docx"),
                   r"parts\.docx stopped: it has 1,0\d\d parts, more than the 1,000 a document may have")


def test_an_ordinary_document_passes_the_checks():
    assert convert_bytes(word_docx(), "docx", name="guide.docx").title == "Ketamine for Treatment-Resistant Depression"


def test_a_pdf_over_the_page_limit_is_refused_before_its_text_is_read(monkeypatch):
    lower(monkeypatch, max_pdf_pages=2)
    one_line_error(lambda: convert_bytes(leaflet_pdf(), "pdf", name="leaflet.pdf"),
                   r"^leaflet\.pdf has 3 pages, more than the 2 that can be added\. Add only the part you need")


def test_pages_are_counted_as_they_are_read_too():
    """Whatever the page count in the file says, reading stops after the limit."""
    with pytest.raises(SourceError, match=r"leaflet\.pdf has more than 1 page"):
        read_lines(leaflet_pdf(), "leaflet.pdf", max_pages=1)


def test_an_html_page_over_the_size_limit_is_refused():
    page = ("<html><body>" + "<p>Ketamine dose notes.</p>" * 200_000 + "</body></html>").encode()
    assert len(page) > 5 * MB
    one_line_error(lambda: convert_bytes(page, "html", name="huge.html"),
                   r"^huge\.html stopped: it is 5\.\d MB of HTML, more than the 5 MB a web page may be\.")


def test_text_longer_than_the_character_limit_is_refused(monkeypatch, tmp_path: Path):
    lower(monkeypatch, max_chars=300)
    (tmp_path / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Ketamine notes. " * 100, encoding="utf-8")
    for name in ("page.html", "notes.txt"):
        one_line_error(lambda name=name: convert_input(tmp_path / name),
                       rf"^{name.replace('.', '[.]')} stopped: its text is longer than 300 characters\.")


def test_a_conversion_that_runs_too_long_is_stopped(monkeypatch):
    lower(monkeypatch, seconds=1.5)
    slow = dense_pdf(pages=200)  # about 25 s of pdfminer on a laptop
    started = time.monotonic()
    one_line_error(lambda: convert_bytes(slow, "pdf", name="long.pdf"),
                   r"^long\.pdf took longer than 1\.5 s to convert, so it was stopped\.")
    assert time.monotonic() - started < 5


def test_the_memory_limit_turns_a_runaway_into_one_line(monkeypatch, expanding_docx):
    lower(monkeypatch, max_zip_bytes=1024 * MB, max_zip_ratio=10**6, memory_bytes=250 * MB)
    started = time.monotonic()
    one_line_error(lambda: convert_bytes(expanding_docx, "docx", name="bomb.docx"),
                   r"^bomb\.docx needs more than 0\.2 GB of memory to convert, so it was stopped\.")
    assert time.monotonic() - started < 10


def test_a_converter_that_dies_is_one_line(monkeypatch):
    monkeypatch.setattr(sandbox, "_BOOTSTRAP", "import os\nos.abort()\n")
    one_line_error(lambda: convert_bytes(leaflet_pdf(), "pdf", name="leaflet.pdf"),
                   r"^leaflet\.pdf could not be converted: the converter stopped \(exit status -6\)")


@pytest.mark.parametrize(("name", "kind"), [("empty.pdf", "pdf"), ("empty.docx", "docx"), ("empty.html", "html"),
                                            ("empty.txt", "txt")])
def test_an_empty_file_says_so(tmp_path: Path, name, kind):
    (tmp_path / name).write_bytes(b"")
    one_line_error(lambda: convert_input(tmp_path / name), rf"^{name.replace('.', '[.]')} is empty: there is nothing "
                                                           "to add\\.")


LAUGHS = ('<!DOCTYPE w:document [<!ENTITY a "dosedosedose">'
          + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8)) + "]>")


def test_entities_are_never_expanded_billion_laughs():
    try:
        text = convert_bytes(docx_with_doctype(LAUGHS, "&i;"), "docx", name="laughs.docx").text
    except SourceError as error:
        assert "\n" not in str(error)
    else:
        assert "dosedose" not in text


def test_external_entities_are_never_read(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-42", encoding="utf-8")
    doctype = f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{secret}">]>'
    page = ARTICLE_HTML.replace("<!DOCTYPE html>", doctype.replace("w:document", "html")).replace(
        "Always follow", "&x; Always follow")
    for data, kind in ((docx_with_doctype(doctype, "&x;"), "docx"), (page.encode(), "html")):
        try:
            assert "SECRET-42" not in convert_bytes(data, kind, name=f"entity.{kind}").text
        except SourceError as error:
            assert "SECRET-42" not in str(error)


@pytest.mark.parametrize("field", ["max_chars", "seconds", "memory_bytes", "max_pdf_pages"])
def test_limits_are_positive(field):
    with pytest.raises(ValueError, match=rf"{field} must be positive\. Got 0\."):
        Limits(**{field: 0})


def test_limits_cross_to_the_child_as_json():
    chosen = Limits(max_chars=10, seconds=2.5, memory_bytes=300 * MB)
    assert Limits.from_json(chosen.to_json()) == chosen
