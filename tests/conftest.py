"""Shared fixtures: a copy of the real corpus, a fake embedder, engines built on either embedder."""

from __future__ import annotations

import io
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from indexer import Config, Engine
from indexer.cli import main
from indexer.config import MODEL_NAME
from indexer.lexicon.names import DrugNames
from tests.fakes import FakeEmbedder
from tests.ingest.convert.builders import ARTICLE_HTML, leaflet_pdf, word_docx

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def drug_names() -> DrugNames:
    """The drug dictionary takes ~2 s to load: once per test session."""
    names = DrugNames()
    names.wait()
    return names


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of the real corpus folder."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_config(corpus_dir: Path, tmp_path: Path) -> Config:
    return Config(corpus_dir=corpus_dir, index_dir=tmp_path / "index", model_name=FakeEmbedder.name)


@pytest.fixture
def fake_engine(fake_config: Config, fake_embedder: FakeEmbedder, drug_names: DrugNames) -> Engine:
    """An engine over the real corpus with the fake embedder (fast)."""
    engine = Engine.open(fake_config, embedder=fake_embedder, drug_names=drug_names)
    return engine


@pytest.fixture(scope="session")
def real_embedder():
    from indexer.index.embedder import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory, real_embedder, drug_names) -> Engine:
    """An engine over the real corpus with the real model (marked tests: slow)."""
    root = tmp_path_factory.mktemp("real")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    engine = Engine.open(Config(corpus_dir=corpus, index_dir=root / "index"), embedder=real_embedder, drug_names=drug_names)
    return engine


@pytest.fixture
def cli(tmp_path: Path, corpus_dir: Path, monkeypatch, capsys, drug_names):
    """Run `python -m indexer ...` in-process, in tmp_path (so paths are relative), with the fake embedder.

    `run(*args, stdin=...)` returns (exit status, stdout, stderr); stdin may be text or bytes.
    """

    def fake_embedder():
        embedder = FakeEmbedder()
        embedder.name = MODEL_NAME  # the CLI's default config expects the real model's name
        return embedder

    monkeypatch.setattr("indexer.index.embedder.load_embedder", fake_embedder)
    monkeypatch.setattr("indexer.ask.engine.load_embedder", fake_embedder)
    monkeypatch.setattr("indexer.index.removal.load_embedder", fake_embedder)  # add and remove load it lazily
    monkeypatch.setattr("indexer.ask.engine.DrugNames", lambda *lexicon: drug_names)
    monkeypatch.chdir(tmp_path)

    def run(*args: str, stdin: str | bytes = b"") -> tuple[int, str, str]:
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse's own errors
            code = e.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def assert_one_line_error(code: int, out: str, err: str, *fragments: str) -> None:
    """A user error: status 2, nothing on stdout, one line on stderr naming the problem, no traceback."""
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


# -- a local web server (127.0.0.1) serving documents, for adding sources by URL --------------------------------

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


RULE_THRESHOLDS = {"conflict_cosine": 0.45, "rule_conflict_entailment": 0.9}


@pytest.fixture
def rule_thresholds(monkeypatch):
    """The verdict thresholds of `Thresholds` with the word rules' conflicts standing unless the model reads the
    span as entailing (`RULE_THRESHOLDS`), in place of the fitted ones: for tests of the plumbing (CLI, page,
    report) run with the fake embedder, whose cosines are not the model's, so they do not move with each fit."""
    from indexer.check.decide import Thresholds

    monkeypatch.setattr(Thresholds, "load", classmethod(lambda cls, data=None: cls(**RULE_THRESHOLDS)))
    return Thresholds(**RULE_THRESHOLDS)
