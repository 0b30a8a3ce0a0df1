"""The plain data the stages hand to one another, and the modes that settings and results name.

Defined once, below every stage, so that no stage imports another for a type:

    Passage       an exact slice of a source with its heading path            ingest → index → ask
    Span          an exact slice a draft sentence is compared with            ingest → index → check
    SourceRecord  a source as the index remembers it                          index → ask, check, the page
    Manifest      what one version of an index holds (manifest.json)          index
    Ranked        a search candidate: its passage number and its scores       ask
    Citation      where a passage is: enough to open its exact characters     ask → the CLI and the page
    Hit           a ranked passage with its citation                          ask → the CLI, the page, evaluate

The modes are `StrEnum`s whose values are the strings that settings and JSON already use, so a mode compares equal
to its string and is written as it: `IndexState` (an index's state), `Fusion` (how search fuses its two
candidate lists) and `Verdict` (what the wording check says of a sentence). `Mode.from_str` reads one from a
setting, naming the allowed values when it is none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Self

from indexer.errors import ConfigError

# -- modes ----------------------------------------------------------------------------------------------------


class Mode(StrEnum):
    """A mode named by a string in settings and JSON (the values are those strings)."""

    @classmethod
    def setting(cls) -> str:
        """What the mode is called in messages."""
        return cls.__name__.lower()

    @classmethod
    def from_str(cls, value: object) -> Self:
        """The mode named `value`; ConfigError naming the allowed values when it is none of them."""
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(mode.value for mode in cls)
            raise ConfigError(f"{cls.setting()} must be one of {allowed}. Got {value!r}.") from None


class IndexState(Mode):
    """Whether an index can be used as it is (`indexer.index.status.index_status`)."""

    MISSING = "missing"
    STALE = "stale"  # the corpus or the settings changed since it was built: it still answers
    BROKEN = "broken"
    CURRENT = "current"
    FOREIGN = "foreign"  # the folder is not an index, and is never touched

    @classmethod
    def setting(cls) -> str:
        return "index state"


class Fusion(Mode):
    """How the dense and BM25 candidates are fused (`indexer.ask.search`)."""

    SCORES = "scores"  # the weighted cosine plus the weighted BM25 score relative to the question's best
    RRF = "rrf"  # weighted reciprocal rank fusion


class Verdict(Mode):
    """What the wording check says of a draft sentence, in the order a writer should see them."""

    CONFLICTS = "conflicts"  # a source says something incompatible, in other words
    VERBATIM = "verbatim"
    CHANGED = "changed"
    PARAPHRASE = "paraphrase"
    UNSUPPORTED = "unsupported"


# -- text and sources -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """An exact slice of a source: `text == source.text[start:end]`. `heading` is the path of headings above it;
    `context` the lead-in or table header it belongs to when it does not hold it itself."""

    source_id: str
    start: int
    end: int
    text: str
    heading: tuple[str, ...] = ()
    context: str = ""
    kind: str = "paragraph"  # "paragraph", "list", "table", "answer", "code" or "quote"


@dataclass(frozen=True)
class Span:
    """An exact slice of a source: `text == source_text[start:end]`."""

    source_id: str
    title: str
    path: str  # as cited, e.g. "corpus/000_c89290b5e323cd66.txt"
    start: int
    end: int
    text: str
    sentences: int = 1  # how many source sentences it covers (0 for a heading)

    def to_json(self) -> dict:
        return {"source_id": self.source_id, "title": self.title, "source": self.path, "start": self.start,
                "end": self.end, "text": self.text}


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
    original: str = ""  # the file name or URL it was added from (empty for files put in by hand)
    added: str = ""
    extractor: str = ""
    heading: str = ""  # what its passages are ranked under (`indexer.index.represent.source_heading`)


# -- the index's manifest -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelInfo:
    """The model an index was embedded with."""

    name: str
    dimension: int
    runtime: str | None = None  # what ran it (vectors are reused only from the same); None: not recorded

    def to_json(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "dimension": self.dimension}
        if self.runtime is not None:
            out["runtime"] = self.runtime
        return out


@dataclass(frozen=True)
class CorpusInfo:
    """The corpus folder as a build read it."""

    directory: str
    files: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256 of the bytes read (skipped files too)
    metadata_sha256: str = ""  # of sources.toml ("" when there was none)
    skipped: tuple[dict, ...] = ()  # {"file": name, "reason": why}

    def to_json(self) -> dict:
        return {"directory": self.directory, "files": dict(self.files), "metadata_sha256": self.metadata_sha256,
                "skipped": [dict(s) for s in self.skipped]}


# The keys of manifest.json, in the order a build writes them first; `build_id`, `drug_names_version` and `files`
# are added when a version is written (`Manifest.written`).
_KEYS = ("format_version", "model", "libraries", "corpus", "counts", "settings", "dense_index", "built_at",
         "build_id", "drug_names_version", "files")


@dataclass(frozen=True)
class Manifest:
    """What one version of an index holds (its manifest.json). Made once, never changed: writing a version makes
    a new one with its build id, the version of the drug dictionary stored with it and its files' sizes.

    `to_json()` gives the file's JSON, key for key and in the file's order; `from_json()` reads it back.
    """

    format_version: int
    model: ModelInfo
    libraries: dict[str, str]
    corpus: CorpusInfo
    counts: dict[str, int]
    settings: dict
    dense_index: str
    built_at: str
    build_id: str | None = None
    drug_names_version: str | None = None
    files: dict[str, int] | None = None  # every data file of the version (the manifest aside) -> its size
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # keys this program does not know
    key_order: tuple[str, ...] = field(default=(), compare=False, repr=False)  # the file's order, when read

    def to_json(self) -> dict:
        values: dict[str, Any] = {
            "format_version": self.format_version, "model": self.model.to_json(), "libraries": dict(self.libraries),
            "corpus": self.corpus.to_json(), "counts": dict(self.counts), "settings": self.settings,
            "dense_index": self.dense_index, "built_at": self.built_at, "build_id": self.build_id,
            "drug_names_version": self.drug_names_version, "files": None if self.files is None else dict(self.files),
        }
        values = {key: value for key, value in values.items() if value is not None} | self.extra
        order = [key for key in self.key_order if key in values]
        order += [key for key in values if key not in order]
        return {key: values[key] for key in order}

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        """A manifest as read from its file (checked by `indexer.index.store.check_manifest` first)."""
        model = data.get("model") or {}
        corpus = data.get("corpus") or {}
        return cls(
            format_version=data.get("format_version"),
            model=ModelInfo(model.get("name"), model.get("dimension"), model.get("runtime")),
            libraries=dict(data.get("libraries") or {}),
            corpus=CorpusInfo(corpus.get("directory", ""), dict(corpus.get("files") or {}),
                              corpus.get("metadata_sha256", ""), tuple(corpus.get("skipped") or ())),
            counts=dict(data.get("counts") or {}),
            settings=data.get("settings"),
            dense_index=data.get("dense_index"),
            built_at=data.get("built_at"),
            build_id=data.get("build_id"),
            drug_names_version=data.get("drug_names_version"),
            files=data.get("files"),
            extra={key: value for key, value in data.items() if key not in _KEYS},
            key_order=tuple(data),
        )

    def written(self, build_id: str, files: dict[str, int], drug_names_version: str | None = None) -> Manifest:
        """This manifest as a version written with `build_id` holds it: `files` its data files' sizes, and
        `drug_names_version` the version of the drug dictionary written with it (None: as before)."""
        order = tuple(self.to_json())
        order += tuple(key for key in ("build_id", "drug_names_version", "files") if key not in order)
        return replace(self, build_id=build_id, files=dict(files), key_order=order,
                       drug_names_version=self.drug_names_version if drug_names_version is None
                       else drug_names_version)

    def get(self, key: str, default: Any = None) -> Any:
        """A key of the file's JSON (for code that reads the manifest as the file has it)."""
        return self.to_json().get(key, default)


# -- search results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A search candidate: its passage number and its scores, both components kept so a ranking can be
    explained."""

    number: int
    score: float  # the ranking score (higher is better): the rerank model's (ask/rerank.py), or the fused one
    dense_score: float  # cosine similarity of question and passage
    sparse_score: float  # BM25 score (0 when no question term occurs)
    dense_rank: int | None  # 1-based rank among dense candidates, None if not among them
    sparse_rank: int | None


@dataclass(frozen=True)
class Citation:
    """Where a passage is: enough to open the exact characters of the source file."""

    source_id: str
    title: str
    publisher: str
    path: str  # e.g. "corpus/000_c89290b5e323cd66.txt"
    start: int
    end: int
    heading: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """A ranked passage with its citation; its scores are those of its candidate (`ranked`)."""

    passage: Passage
    citation: Citation
    ranked: Ranked

    @property
    def number(self) -> int:
        return self.ranked.number

    @property
    def score(self) -> float:
        return self.ranked.score

    @property
    def dense_score(self) -> float:
        return self.ranked.dense_score

    @property
    def sparse_score(self) -> float:
        return self.ranked.sparse_score

    @property
    def dense_rank(self) -> int | None:
        return self.ranked.dense_rank

    @property
    def sparse_rank(self) -> int | None:
        return self.ranked.sparse_rank
