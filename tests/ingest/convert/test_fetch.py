"""Sources added by URL, fetched from a local server: documents of each type, and every way a fetch fails."""

from __future__ import annotations

import socket

import pytest

from indexer.errors import SourceError
from indexer.ingest.convert import Fetched, UrlFetcher, convert_input
from indexer.ingest.convert.inputs import kind_of_response


def test_web_page_by_url(site):
    converted = convert_input(site.url("/article"), fetcher=UrlFetcher())
    assert converted.text.startswith("# Ketamine and other medicines\n")
    assert "Accept all cookies" not in converted.text
    assert converted.original_name == site.url("/article")
    assert converted.url == "https://clinic.example.org/blog/ketamine-and-other-medicines/"


def test_request_names_the_tool(site):
    UrlFetcher()(site.url("/article"))
    assert site.requests[-1]["User-Agent"].startswith("ketamine-sources-indexer/")


def test_redirect_is_followed_and_the_final_address_recorded(site):
    fetched = UrlFetcher()(site.url("/old-address"))
    assert fetched.final_url == site.url("/article")
    assert convert_input(site.url("/old-address"), fetcher=UrlFetcher()).original_name == site.url("/article")


def test_pdf_by_url(site):
    converted = convert_input(site.url("/leaflet.pdf"), fetcher=UrlFetcher())
    assert converted.title == "Ketamine leaflet"
    assert "before you are given this medication because" in converted.text
    assert converted.url == site.url("/leaflet.pdf")


def test_pdf_sent_as_octet_stream_is_recognised_by_its_bytes(site):
    converted = convert_input(site.url("/download?id=7"), fetcher=UrlFetcher())
    assert converted.media_type == "application/pdf"


def test_word_document_by_url(site):
    converted = convert_input(site.url("/guide.docx"), fetcher=UrlFetcher())
    assert "1. Arrive 15 minutes early.\n" in converted.text


def test_text_by_url_is_kept_exactly_and_a_declared_charset_is_used(site):
    assert convert_input(site.url("/notes.txt"), fetcher=UrlFetcher()).text == "Dose notes\r\nno trailing newline"
    assert convert_input(site.url("/latin1.txt"), fetcher=UrlFetcher()).text == "Kétamine dose"


@pytest.mark.parametrize(
    ("path", "fetcher", "message"),
    [
        ("/missing", UrlFetcher(), r"answered HTTP 404 Not Found\. Check the address"),
        ("/broken", UrlFetcher(), r"answered HTTP 500 .*Try again later"),
        ("/image.png", UrlFetcher(), r"is image/png, which cannot be added"),
        ("/sheet", UrlFetcher(), r"is a ZIP package but not a Word document"),
        ("/big", UrlFetcher(max_bytes=1000), r"stopped: it is larger than"),
        ("/big-declared", UrlFetcher(max_bytes=1000), r"stopped: it is larger than"),
        ("/loop", UrlFetcher(), r"a redirect \(HTTP 302\) could not be followed"),
        ("/to-file", UrlFetcher(), r"redirects to file:///etc/passwd, which is not an http:// or https:// address"),
        ("/slow", UrlFetcher(timeout=0.2), r"no answer"),
    ],
    ids=["404", "500", "wrong-type", "zip-not-docx", "too-large-streamed", "too-large-declared", "redirect-loop",
         "redirect-to-file", "timeout"],
)
def test_failed_fetch_is_a_one_line_error(site, path, fetcher, message):
    with pytest.raises(SourceError, match=message) as error:
        convert_input(site.url(path), fetcher=fetcher)
    assert "\n" not in str(error.value)


def test_refused_connection(site):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError, match=r"the connection was refused\. Check the address"):
        UrlFetcher()(f"http://127.0.0.1:{port}/page")


def test_unknown_host(monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(SourceError, match=r"the host name could not be found"):
        UrlFetcher()("https://no-such-host.example/leaflet.pdf")


def test_html_without_a_declared_type_is_recognised():
    fetched = Fetched("u", "u", "application/octet-stream", "", b"\n<!DOCTYPE html><html><body></body></html>")
    assert kind_of_response(fetched) == "html"
