"""A local web server for the fetch tests: it serves the fixture documents on 127.0.0.1 and stops at teardown."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.ingest.convert.builders import ARTICLE_HTML, leaflet_pdf, word_docx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Route:
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    body: bytes = b""
    location: str = ""
    declare_length: bool = True
    hang: bool = False  # never answer (until the server stops): a timeout


@dataclass
class Site:
    base: str
    routes: dict[str, Route]
    requests: list[dict[str, str]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def site() -> Iterator[Site]:
    release = threading.Event()
    routes = {
        "/article": Route(body=ARTICLE_HTML.encode("utf-8")),
        "/leaflet.pdf": Route(content_type="application/pdf", body=leaflet_pdf(title="Ketamine leaflet")),
        "/download?id=7": Route(content_type="application/octet-stream", body=leaflet_pdf()),
        "/guide.docx": Route(content_type=DOCX_TYPE, body=word_docx()),
        "/notes.txt": Route(content_type="text/plain; charset=utf-8", body=b"Dose notes\r\nno trailing newline"),
        "/latin1.txt": Route(content_type="text/plain; charset=iso-8859-1", body="Kétamine dose".encode("latin-1")),
        "/missing": Route(status=404, body=b"<h1>Not found</h1>"),
        "/broken": Route(status=500, body=b"oops"),
        "/image.png": Route(content_type="image/png", body=b"\x89PNG\r\n\x1a\n" + bytes(64)),
        "/sheet": Route(content_type="application/octet-stream", body=_xlsx_like()),
        "/big": Route(body=b"<p>" + b"x" * 5000 + b"</p>", declare_length=False),
        "/big-declared": Route(body=b"<p>" + b"x" * 5000 + b"</p>"),
        "/old-address": Route(status=301, location="/article"),
        "/loop": Route(status=302, location="/loop"),
        "/to-file": Route(status=302, location="file:///etc/passwd"),
        "/slow": Route(hang=True),
    }
    site = Site("", routes)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            site.requests.append(dict(self.headers))
            route = routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.hang:
                release.wait()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.location:
                self.send_header("Location", route.location)
            if route.declare_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def _xlsx_like() -> bytes:
    """A ZIP package that is not a Word document (a spreadsheet's layout)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()
