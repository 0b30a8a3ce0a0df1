"""The cross-encoder as trained: all-MiniLM-L6-v2's transformer reading the pair, mean pooling over the pair's
word pieces (the pooling the model was trained with), dropout and one linear layer to the three labels."""

from __future__ import annotations

import torch
from torch import nn

from indexer.check.entailment import LABELS


class PairClassifier(nn.Module):
    def __init__(self, transformer: nn.Module, hidden: int = 384, dropout: float = 0.1) -> None:
        super().__init__()
        self.transformer = transformer
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden, len(LABELS))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return self.classifier(self.dropout(pooled))


def base_model() -> PairClassifier:
    """The bundled all-MiniLM-L6-v2 weights under a new, seeded classification layer."""
    from transformers import BertModel
    from transformers.utils import logging as hf_logging

    from indexer.config import model_path

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    transformer = BertModel.from_pretrained(model_path(), add_pooling_layer=False)
    return PairClassifier(transformer, transformer.config.hidden_size)
