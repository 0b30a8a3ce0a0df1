"""Sources added by URL, fetched from a local server: documents of each type, and every way a fetch fails.

The server is on 127.0.0.1, so these fetchers allow private addresses (as `add --allow-private-addresses` does);
test_fetch_safety.py checks that the default fetcher refuses them."""

from __future__ import annotations

import socket

import pytest

from indexer.errors import SourceError
from indexer.ingest.convert import Fetched, UrlFetcher, convert_input
from indexer.ingest.convert.inputs import kind_of_response
from tests.conftest import Route


def local(**settings) -> UrlFetcher:
    """A fetcher that may reach the test server on 127.0.0.1."""
    return UrlFetcher(allow_private_addresses=True, **settings)


def test_web_page_by_url(site):
    converted = convert_input(site.url("/article"), fetcher=local())
    assert converted.text.startswith("# Ketamine and other medicines\n")
    assert "Accept all cookies" not in converted.text
    assert converted.original_name == site.url("/article")
    assert converted.url == "https://clinic.example.org/blog/ketamine-and-other-medicines/"


def test_request_names_the_tool(site):
    local()(site.url("/article"))
    assert site.requests[-1]["User-Agent"].startswith("ketamine-sources-indexer/")


def test_redirect_is_followed_and_the_final_address_recorded(site):
    fetched = local()(site.url("/old-address"))
    assert fetched.final_url == site.url("/article")
    assert convert_input(site.url("/old-address"), fetcher=local()).original_name == site.url("/article")


def test_pdf_by_url(site):
    converted = convert_input(site.url("/leaflet.pdf"), fetcher=local())
    assert converted.title == "Ketamine leaflet"
    assert "before you are given this medication because" in converted.text
    assert converted.url == site.url("/leaflet.pdf")


def test_pdf_sent_as_octet_stream_is_recognised_by_its_bytes(site):
    converted = convert_input(site.url("/download?id=7"), fetcher=local())
    assert converted.media_type == "application/pdf"


def test_word_document_by_url(site):
    converted = convert_input(site.url("/guide.docx"), fetcher=local())
    assert "1. Arrive 15 minutes early.\n" in converted.text


def test_text_by_url_is_kept_exactly_and_a_declared_charset_is_used(site):
    assert convert_input(site.url("/notes.txt"), fetcher=local()).text == "Dose notes\r\nno trailing newline"
    assert convert_input(site.url("/latin1.txt"), fetcher=local()).text == "Kétamine dose"


@pytest.mark.parametrize(
    ("path", "fetcher", "message"),
    [
        ("/missing", local(), r"answered HTTP 404 Not Found\. Check the address"),
        ("/broken", local(), r"answered HTTP 500 .*Try again later"),
        ("/image.png", local(), r"is image/png, which cannot be added"),
        ("/sheet", local(), r"is a ZIP package but not a Word document"),
        ("/big", local(max_bytes=1000), r"stopped: it is larger than"),
        ("/big-declared", local(max_bytes=1000), r"stopped: it is larger than"),
        ("/loop", local(), r"a redirect \(HTTP 302\) could not be followed"),
        ("/to-file", local(), r"redirects to file:///etc/passwd, which is not an http:// or https:// address"),
        ("/slow", local(timeout=0.2), r"no answer"),
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
        local()(f"http://127.0.0.1:{port}/page")


def test_unknown_host(monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(SourceError, match=r"the host name could not be found"):
        UrlFetcher()("https://no-such-host.example/leaflet.pdf")


def test_html_without_a_declared_type_is_recognised():
    fetched = Fetched("u", "u", "application/octet-stream", "", b"\n<!DOCTYPE html><html><body></body></html>")
    assert kind_of_response(fetched) == "html"


def test_an_empty_answer_says_so(site):
    site.routes["/empty"] = Route(content_type="application/pdf", body=b"")
    with pytest.raises(SourceError, match=r"/empty is empty: there is nothing to add\."):
        convert_input(site.url("/empty"), fetcher=local())
