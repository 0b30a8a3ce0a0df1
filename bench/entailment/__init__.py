"""The wording check's sentence-pair entailment model: its training data (`data.py`, `minimal_pairs.py`), its
training (`train.py`), and its export to a small ONNX file with a model card (`export.py`).

    python -m bench.entailment.train            # seeded, resumable; writes .cache/entailment/
    python -m bench.entailment.export           # int8 ONNX + card into indexer/check/data/
"""
