"""`python -m indexer`: the command line (`indexer.cli`), run offline: the settings of
`indexer.config.OFFLINE_ENVIRONMENT` are set first, unless the environment already has them."""

from __future__ import annotations

import os
import sys

from indexer.config import OFFLINE_ENVIRONMENT

for name, value in OFFLINE_ENVIRONMENT.items():
    os.environ.setdefault(name, value)

from indexer.cli import main  # noqa: E402  (after the environment: nothing the CLI loads reads it earlier)

sys.exit(main())
