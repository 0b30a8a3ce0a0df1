from __future__ import annotations

import re

import pytest

from indexer import Config, ConfigError


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"top_k": 0}, "top_k must be between 1 and 50. Got 0."),
        ({"max_passage_tokens": 10}, "max_passage_tokens must be between 64 and 8192. Got 10."),
        ({"rrf_k": 0}, "rrf_k must be between 1 and 10000. Got 0."),
        ({"dense_weight": -1.0}, "dense_weight must be between 0 and 10. Got -1.0."),
        ({"dense_weight": 0.0, "sparse_weight": 0.0}, "cannot both be 0"),
        ({"fusion": "sum"}, "fusion must be one of scores, rrf. Got 'sum'."),
        ({"covered_threshold": 1.0}, "covered_threshold must be between 0 and 1 (exclusive). Got 1.0."),
    ],
)
def test_invalid_settings_are_refused_with_the_rule(changes, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Config(**changes)


def test_k_falls_back_to_the_default_and_is_checked():
    config = Config()
    assert config.check_k(None) == 5
    assert config.check_k(7) == 7
    for bad in (0, 51, True, "3"):
        with pytest.raises(ConfigError, match="k must be"):
            config.check_k(bad)


def test_with_rejects_unknown_settings():
    assert Config().with_(top_k=3).top_k == 3
    with pytest.raises(ConfigError, match="Unknown setting 'topk'"):
        Config().with_(topk=3)
