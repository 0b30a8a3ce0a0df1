"""The shape of the package: the stages import one another in one direction only (pyproject.toml's import-linter
contracts, and no cycle between the stage packages), importing one module loads no other stage, no constructor
starts a thread, no library function writes the environment, and what was written twice is one function."""

from __future__ import annotations

import graphlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import grimp
import pytest

from tests.conftest import REPO

STAGES = ["indexer.text", "indexer.lexicon", "indexer.ingest", "indexer.index", "indexer.ask", "indexer.check",
          "indexer.evaluate", "indexer.cli", "indexer.config", "indexer.types", "indexer.errors"]


def test_the_import_contracts_are_kept():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint_imports, "import-linter is part of the dev extra: pip install -e '.[dev]'"
    done = subprocess.run([lint_imports, "--no-cache", "--no-logo"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout


def test_no_stage_imports_a_stage_that_imports_it():
    graph = grimp.build_graph("indexer", "ui", cache_dir=None)
    imports = {stage: {other for other in STAGES if other != stage and graph.direct_import_exists(
        importer=stage, imported=other, as_packages=True)} for stage in STAGES}
    try:
        order = list(graphlib.TopologicalSorter(imports).static_order())
    except graphlib.CycleError as e:
        pytest.fail(f"The stages import one another in a circle: {' → '.join(e.args[1])}")
    assert order.index("indexer.text") < order.index("indexer.ingest") < order.index("indexer.index") \
        < order.index("indexer.ask") < order.index("indexer.check")
    assert not graph.chain_exists(importer="indexer", imported="ui", as_packages=True)


def test_importing_the_tokenizer_loads_no_other_stage():
    code = ("import json, sys; import indexer.text.tokens; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('faiss', 'bm25s', 'indexer'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert not {"faiss", "bm25s", "indexer.ask.engine"} & set(loaded)
    assert set(loaded) <= {"indexer", "indexer.lazy", "indexer.text", "indexer.text.tokens"}  # lazy: the loader


def test_the_public_api_is_loaded_on_first_use():
    code = ("import sys; import indexer; assert 'indexer.ask.engine' not in sys.modules; "
            "from indexer import Engine; assert Engine.__module__ == 'indexer.ask.engine'; "
            "assert 'indexer.ask.engine' in sys.modules; print(sorted(set(indexer.__all__) - set(dir(indexer))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_making_the_drug_dictionary_starts_no_thread():
    from indexer.lexicon.names import DrugNames

    before = set(threading.enumerate())
    names = DrugNames()
    assert set(threading.enumerate()) == before and not any(t.name == "drug-names" for t in threading.enumerate())
    assert names.start() is names  # loading on a thread is asked for explicitly (the engine does, at open)


def test_no_library_function_writes_the_environment():
    from indexer.index import embedder

    assert not hasattr(embedder, "offline")
    writes = re.compile(r"environ\[[^]]*\]\s*=[^=]|environ\.(setdefault|update|pop|clear)\(|putenv\(|\bdel\s+os\.environ")
    for path in (REPO / "indexer").rglob("*.py"):
        if path.name != "__main__.py":  # the command line's entry point sets the offline environment
            assert not writes.search(path.read_text(encoding="utf-8")), path


@pytest.mark.slow
def test_loading_the_model_changes_no_environment_variable():
    code = ("import os; from indexer.index.embedder import load_embedder; before = dict(os.environ); "
            "load_embedder().encode_queries(['ketamine']); print(dict(os.environ) == before)")
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "True"


def test_what_was_written_twice_is_one_function():
    from indexer.check import spans as check_spans
    from indexer.index import build, span_vectors, status
    from indexer.ingest import layout, sources
    from indexer.text import tokens

    assert not hasattr(layout, "words") and layout.count_words is tokens.count_words
    assert not hasattr(check_spans, "span_vectors") or check_spans.span_vectors is span_vectors.span_vectors
    assert not hasattr(span_vectors, "SpanLike")
    for function in (status.index_status, build.changed_during_build, sources.corpus_changes):
        assert "corpus_changes" in inspect.getsource(function) or "changed_files" in inspect.getsource(function)
    assert "changed_files" in (REPO / "ui" / "sources.py").read_text(encoding="utf-8")


def test_which_corpus_files_changed():
    from indexer.ingest.sources import changed_files

    before = {"a.txt": "1", "b.txt": "2", "c.txt": "3"}
    now = {"b.txt": "2", "c.txt": "4", "d.md": "5"}
    assert changed_files(before, now) == {"a.txt": "removed", "c.txt": "changed", "d.md": "added"}
    assert list(changed_files(before, now)) == ["a.txt", "c.txt", "d.md"]


MAX_MODULE_LINES = 350  # small modules with one job each: none this long
MODULES = sorted(path.relative_to(REPO).as_posix() for path in [
    *(REPO / "indexer").rglob("*.py"), *(REPO / "ui").rglob("*.py"), REPO / "app.py"])


@pytest.mark.parametrize("module", MODULES)
def test_the_modules_have_one_job_each(module):
    lines = len((REPO / module).read_text(encoding="utf-8").splitlines())
    assert lines < MAX_MODULE_LINES, (
        f"{module} is {lines} lines long; a module must be under {MAX_MODULE_LINES} lines. Split it into modules "
        "whose names say their one job each.")


def test_every_module_is_checked_for_its_length():
    assert {"app.py", "indexer/index/build.py", "indexer/index/store.py", "indexer/ingest/convert/fetch.py",
            "ui/html.py"} <= set(MODULES)
