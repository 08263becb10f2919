"""Import spaCy without torch when nothing has loaded torch yet.

spaCy's machine-learning library thinc imports torch, when it is installed, only to record
whether torch is there (``thinc.compat.has_torch``). argmine uses spaCy for its rule-based
sentencizer and stop words, which never touch torch, and torch's import costs more than a
second of every run's start-up. While spaCy is first imported, torch is hidden from the import
system (``sys.modules["torch"] = None`` makes ``import torch`` raise ImportError, which thinc
catches); afterwards torch imports as usual for the code that needs it (fine-tuning).
"""

from __future__ import annotations

import sys

__all__ = ["import_spacy"]


def import_spacy():
    """The ``spacy`` module, imported without torch unless torch is already loaded."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if sys.modules.get("torch", "") is None:
            del sys.modules["torch"]
    return spacy
