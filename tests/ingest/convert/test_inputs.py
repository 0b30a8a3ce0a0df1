"""Files given to `add`: the right converter for each type, text files kept as they are, clear errors; the page's
entry points (a visitor's URL, an uploaded file) never reach the server's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.errors import SourceError
from indexer.ingest.convert import Upload, convert_input, convert_public_url, convert_upload
from tests.ingest.convert.builders import ARTICLE_HTML, leaflet_pdf, word_docx


@pytest.mark.parametrize(
    ("name", "data", "first_line", "extractor"),
    [
        ("page.html", ARTICLE_HTML.encode(), "# Ketamine and other medicines", "trafilatura"),
        ("leaflet.PDF", leaflet_pdf(), "# Ketamine Injection: Information for the Patient", "pdfminer.six"),
        ("guide.docx", word_docx(), "# Ketamine for depression", "python-docx"),
    ],
)
def test_each_type_goes_to_its_converter(tmp_path: Path, name, data, first_line, extractor):
    path = tmp_path / name
    path.write_bytes(data)
    converted = convert_input(path)
    assert converted.text.split("\n")[0] == first_line
    assert (converted.extractor, converted.original_name, converted.original_bytes) == (extractor, name, data)


@pytest.mark.parametrize(
    ("name", "data", "suffix"),
    [
        ("notes.txt", b"Ketamine notes\r\n\r\nTrailing spaces stay.   \r\nNo final newline", ".txt"),
        ("notes.md", "\ufeff# Dose\n\nÜber 0,5 mg/kg — *as written*.\n\n\n".encode(), ".md"),
    ],
)
def test_text_and_markdown_are_kept_exactly(tmp_path: Path, name, data, suffix):
    path = tmp_path / name
    path.write_bytes(data)
    converted = convert_input(str(path))
    assert converted.text.encode("utf-8") == data
    assert (converted.suffix, converted.extractor) == (suffix, "verbatim")
    assert converted.title in ("Ketamine notes", "Dose")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: d / "nothing.pdf", r"There is no file .*nothing\.pdf\. Check the path"),
        (lambda d: d, r"is a folder\. Give the files in it"),
        (lambda d: _write(d / "table.xlsx", b"PK\x03\x04"), r"table\.xlsx is a \.xlsx file, which cannot be added"),
        (lambda d: _write(d / "scan.png", b"\x89PNG"), r"scan\.png is a \.png file, which cannot be added"),
        (lambda d: _write(d / "old.doc", b"\xd0\xcf"), r"Save it as \.docx in Word"),
        (lambda d: _write(d / "latin1.txt", "café".encode("latin-1")), r"latin1\.txt is not valid UTF-8 text"),
        (lambda d: _write(d / "blank.md", b" \n\n"), r"blank\.md is empty"),
        (lambda d: _write(d / "zero.pdf", b""), r"zero\.pdf is empty: there is nothing to add\."),
        (lambda d: _write(d / "fake.pdf", b"hello"), r"fake\.pdf is not a PDF"),
        (lambda d: _write(d / "fake.docx", b"hello"), r"fake\.docx is not a Word \.docx file"),
    ],
    ids=["missing", "folder", "xlsx", "png", "doc", "not-utf8", "empty", "zero-bytes", "text-as-pdf", "text-as-docx"],
)
def test_user_mistakes_are_one_line_errors(tmp_path: Path, setup, message):
    with pytest.raises(SourceError, match=message) as error:
        convert_input(setup(tmp_path))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/leaflet.pdf", "javascript://alert(1)"])
def test_only_http_addresses_are_fetched(url):
    def never(_: str):
        raise AssertionError("the fetcher must not be called")

    with pytest.raises(SourceError, match=r"only http:// and https:// addresses are supported"):
        convert_input(url, fetcher=never)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- the page: a visitor's URL is only ever a URL; an upload is only its bytes and base name ----------------------


@pytest.fixture
def no_file_system(monkeypatch):
    """Any look at the server's files fails the test."""

    def touched(*args, **kwargs):
        raise AssertionError("the file system was touched")

    for method in ("exists", "is_file", "is_dir", "read_bytes", "stat", "open"):
        monkeypatch.setattr(Path, method, touched)


@pytest.mark.parametrize(
    "typed",
    ["/etc/passwd", "corpus/sources.toml", "~/.ssh/id_rsa", "file:///etc/passwd", "FILE:///etc/passwd",
     "ftp://example.org/a.pdf", "javascript:alert(1)", "data:text/html,<p>x</p>", "", "   ", "//example.org/a",
     "C:\\Windows\\win.ini", "..", "."],
)
def test_a_visitors_url_is_never_a_path(no_file_system, typed):
    with pytest.raises(SourceError, match=r"is not an http:// or https:// address\. Paste the address") as error:
        convert_public_url(typed)
    message = str(error.value)
    assert "\n" not in message
    assert not any(word in message for word in ("folder", "no file", "There is", "permission", "cannot be read"))


def test_an_upload_is_converted_from_its_bytes_under_its_base_name(no_file_system):
    converted = convert_upload(Upload("../../etc/notes.txt", b"Ketamine notes"))
    assert (converted.original_name, converted.text) == ("notes.txt", "Ketamine notes")
    assert convert_upload(Upload("C:\\Users\\me\\page.html", ARTICLE_HTML.encode())).original_name == "page.html"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (Upload("leaflet.pdf", b""), r"^leaflet\.pdf is empty: there is nothing to add\."),
        (Upload("/srv/app/scan.png", b"\x89PNG"), r"^scan\.png is a \.png file, which cannot be added"),
        (Upload("fake.pdf", b"hello"), r"^fake\.pdf is not a PDF"),
        (Upload("", b"text"), r"^the uploaded file is a suffix-less file"),
    ],
)
def test_upload_mistakes_are_one_line_and_name_only_the_upload(no_file_system, upload, message):
    with pytest.raises(SourceError, match=message) as error:
        convert_upload(upload)
    assert "\n" not in str(error.value) and "/srv" not in str(error.value)
