"""Converting an untrusted document in a child process held to `Limits`, so that no document can take this
program, or the page's server, down.

The parent starts a fresh Python (`convert_in_child`) and writes one JSON line (the document's kind, the name
used in messages, its URL and declared charset, the limits) and then the document's bytes to its standard input.
The child caps its own address space (RLIMIT_AS) and CPU time (RLIMIT_CPU) before it reads the document, converts
it (the converters check the ZIP directory, the page count, the HTML size and the text's length on the way), and
writes one JSON object to its standard output: the `Converted`'s fields without the original bytes, which the
parent has, or a one-line error, and the first few warnings the converter logged (the parent logs them again). The parent kills the child once it has run `limits.seconds` of wall-clock time.
Only bytes and JSON cross the pipes; nothing is unpickled. Whatever limit is hit, the caller gets a one-line
SourceError and nothing has been written.

The child imports only the converters, not the `indexer` package's `__init__` (which loads the search engine:
NumPy, FAISS, the lexicon): it starts in about half a second, in under 100 MB.
"""

from __future__ import annotations

import json
import logging
import math
import signal
import subprocess
import sys
from pathlib import Path

from indexer.errors import SourceError
from indexer.ingest.convert.converted import Converted
from indexer.ingest.convert.limits import MB, Limits, current

log = logging.getLogger(__name__)

KINDS = ("html", "pdf", "docx", "txt", "md")
_HERE = Path(__file__).resolve().parent
_PACKAGES = (  # name, folder
    "indexer", str(_HERE.parents[1]), "indexer.ingest", str(_HERE.parent), "indexer.ingest.convert", str(_HERE),
)
# `-I` (isolated): no user site, no PYTHON* variables, no current folder on the path. The packages above the
# converters are bare ones, so that importing a converter does not run their `__init__`.
_BOOTSTRAP = (
    "import sys, types\n"
    "for name, folder in zip(sys.argv[1::2], sys.argv[2::2]):\n"
    "    sys.modules[name] = package = types.ModuleType(name)\n"
    "    package.__path__ = [folder]\n"
    "from indexer.ingest.convert.sandbox import main\n"
    "sys.exit(main())\n"
)
_TEXT_FIELDS = ("text", "suffix", "title", "publisher", "url", "date", "original_name", "media_type", "extractor",
                "extractor_version")
_MAX_REQUEST_LINE = 64 * 1024
_MAX_WARNINGS = 20  # a damaged PDF can log a warning per object: the rest are dropped


def convert_in_child(data: bytes, kind: str, *, name: str, url: str = "", charset: str = "",
                     limits: Limits | None = None) -> Converted:
    """`data` converted by `convert_document` in a child process held to `limits` (by default `LIMITS`)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}. Got {kind!r}.")
    limits = current(limits)
    request = {"kind": kind, "name": name, "url": url, "charset": charset, "limits": limits.to_json()}
    payload = json.dumps(request).encode("utf-8") + b"\n" + data
    command = [sys.executable, "-I", "-c", _BOOTSTRAP, *_PACKAGES]
    try:
        done = subprocess.run(command, input=payload, capture_output=True, timeout=limits.seconds, check=False)
    except subprocess.TimeoutExpired as e:
        raise SourceError(_too_slow(name, limits)) from e
    except OSError as e:
        raise SourceError(f"{name} could not be converted: the converter did not start ({e.strerror or e}). "
                          "Try again.") from e
    answer = _answer(done, name, limits)
    for warning in answer.get("warnings", [])[:_MAX_WARNINGS]:
        log.warning("%s", warning)
    return _converted(answer, data, name, limits)


def convert_document(data: bytes, kind: str, *, name: str, url: str = "", charset: str = "",
                     limits: Limits | None = None) -> Converted:
    """The converter for `kind`, in this process: what the child runs. Only the one converter needed is
    imported (the child starts faster)."""
    if kind == "html":
        from indexer.ingest.convert.html import convert_html

        return convert_html(data, name, url=url, charset=charset, limits=limits)
    if kind == "pdf":
        from indexer.ingest.convert.pdf import convert_pdf

        return convert_pdf(data, name, url=url, limits=limits)
    if kind == "docx":
        from indexer.ingest.convert.docx import convert_docx

        return convert_docx(data, name, url=url, limits=limits)
    if kind in ("txt", "md"):
        from indexer.ingest.convert.text import convert_text

        return convert_text(data, name, kind=kind, url=url, charset=charset, limits=limits)
    raise ValueError(f"kind must be one of {', '.join(KINDS)}. Got {kind!r}.")


# -- the parent's side: the child's answer ------------------------------------------------------------------------


def _answer(done: subprocess.CompletedProcess, name: str, limits: Limits) -> dict:
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if isinstance(answer, dict) and ("converted" in answer or "error" in answer):
        return answer
    stderr = done.stderr.decode("utf-8", "replace")
    log.warning("The converter of %s stopped with exit status %s: %s", name, done.returncode, stderr[-2000:])
    if _killed_by(done, "SIGXCPU"):
        return {"error": _too_slow(name, limits)}
    if "MemoryError" in stderr or _killed_by(done, "SIGKILL"):  # SIGKILL: the system's out-of-memory killer
        return {"error": _too_big(name, limits)}
    return {"error": f"{name} could not be converted: the converter stopped (exit status {done.returncode}). The "
                     "file may be damaged: save or download it again, or add a PDF or text version."}


def _killed_by(done: subprocess.CompletedProcess, signal_name: str) -> bool:
    number = getattr(signal, signal_name, None)  # not every system has every signal
    return number is not None and done.returncode == -number


def _converted(answer: dict, data: bytes, name: str, limits: Limits) -> Converted:
    if "error" in answer:
        raise SourceError(_one_line(str(answer["error"])))
    found = answer["converted"]
    if not isinstance(found, dict) or not all(isinstance(found.get(key), str) for key in _TEXT_FIELDS):
        raise SourceError(f"{name} could not be converted: the converter's answer was not understood. Try again.")
    if len(found["text"]) > limits.max_chars:  # the child checks this too
        raise SourceError(f"{name} stopped: its text is longer than {limits.max_chars:,} characters. Add a shorter "
                          "document, or split it into parts.")
    return Converted(**{key: found[key] for key in _TEXT_FIELDS}, original_bytes=data)


def _too_slow(name: str, limits: Limits) -> str:
    return (f"{name} took longer than {limits.seconds:g} s to convert, so it was stopped. Add a shorter document, or "
            "a PDF or text version of it.")


def _too_big(name: str, limits: Limits) -> str:
    return (f"{name} needs more than {limits.memory_bytes / 1024 / MB:.1f} GB of memory to convert, so it was "
            "stopped. Add a shorter document, or a PDF or text version of it.")


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- the child's side ---------------------------------------------------------------------------------------------


def main() -> int:
    """Read the request and the document from standard input, write the answer as JSON to standard output."""
    stdin = sys.stdin.buffer
    request = json.loads(stdin.readline(_MAX_REQUEST_LINE))
    limits = Limits.from_json(request["limits"])
    _cap_resources(limits)
    warnings = _KeptWarnings()
    logging.getLogger().addHandler(warnings)
    answer = _convert(stdin.read(), request, limits) | {"warnings": warnings.messages}
    sys.stdout.buffer.write(json.dumps(answer).encode("ascii"))
    sys.stdout.buffer.flush()
    return 0


def _convert(data: bytes, request: dict, limits: Limits) -> dict:
    name = str(request["name"])
    try:
        converted = convert_document(data, str(request["kind"]), name=name, url=str(request["url"]),
                                     charset=str(request["charset"]), limits=limits)
    except MemoryError:
        return {"error": _too_big(name, limits)}
    except SourceError as e:
        return {"error": _too_big(name, limits) if _out_of_memory(e) else _one_line(str(e))}
    except Exception as e:  # a converter's own failure on a strange file
        if _out_of_memory(e):
            return {"error": _too_big(name, limits)}
        return {"error": f"{name} could not be converted ({type(e).__name__}: {_one_line(str(e))[:80]}). The file "
                         "may be damaged: save or download it again, or add a PDF or text version."}
    return {"converted": {key: getattr(converted, key) for key in _TEXT_FIELDS}}


class _KeptWarnings(logging.Handler):
    """The first warnings logged in the child, to be sent to the parent (instead of flooding standard error)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) < _MAX_WARNINGS:
            self.messages.append(_one_line(record.getMessage())[:300])


def _out_of_memory(error: BaseException) -> bool:
    """Whether `error` was caused by running out of memory (converters wrap what they catch)."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, MemoryError):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _cap_resources(limits: Limits) -> None:
    """This process's address space and CPU time, capped (never above what the system already allows)."""
    try:
        import resource
    except ImportError:  # not a Unix: the parent's wall-clock limit still holds
        return
    memory = int(limits.memory_bytes)
    cpu = math.ceil(limits.seconds) + 1
    for which, soft in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu), (resource.RLIMIT_CORE, 0)):
        _, hard = resource.getrlimit(which)
        value = soft if hard == resource.RLIM_INFINITY else min(soft, hard)
        resource.setrlimit(which, (value, value))


if __name__ == "__main__":
    sys.exit(main())
