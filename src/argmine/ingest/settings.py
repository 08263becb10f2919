"""The ingest settings (config/ingest.toml with the user's overrides), compiled for use."""

from __future__ import annotations

import os
import re
from functools import lru_cache

from .. import config

__all__ = ["settings"]


def settings() -> dict:
    """The [ingest] settings, with the boilerplate headings lower-cased and the patterns compiled."""
    return _compiled(os.environ.get(config.ENV, ""))


@lru_cache(maxsize=4)
def _compiled(user_file: str) -> dict:
    compiled = config.settings("ingest")
    compiled = {**compiled}
    compiled["boilerplate_sections"] = {s.lower() for s in compiled["boilerplate_sections"]}
    compiled["table_caption"] = re.compile(compiled["table_caption"])
    compiled["table_end"] = re.compile(compiled["table_end"])
    compiled["furniture"] = {
        reason: [re.compile(p) for p in patterns] for reason, patterns in compiled["furniture"].items()
    }
    return compiled
