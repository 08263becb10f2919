from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "corpus" / "raw" / "japan-nato-cooperation.txt"
GOLD = ROOT / "corpus" / "gold"


@pytest.fixture
def reference():
    return REFERENCE
