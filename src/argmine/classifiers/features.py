"""The classifier input built from sentences or gold rows: text, section heading and position."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = ["NO_HEADING", "features"]

NO_HEADING = "(no heading)"
_FEATURES = "argmine.features"


def features(rows: pd.DataFrame | Iterable) -> pd.DataFrame:
    """The classifier input: text, section heading and relative position of each sentence."""
    if isinstance(rows, pd.DataFrame) and rows.attrs.get(_FEATURES):
        return rows
    if not isinstance(rows, pd.DataFrame):
        rows = list(rows)
        frame = pd.DataFrame(
            {
                "text": [s.text for s in rows],
                "section": [s.section or NO_HEADING for s in rows],
                "position": [float(s.position) for s in rows],
            },
            columns=["text", "section", "position"],
        )
    else:
        frame = rows[["text", "section", "position"]].copy()
        frame["section"] = frame["section"].fillna("").replace("", NO_HEADING)
        frame["position"] = frame["position"].astype(float)
    frame.attrs[_FEATURES] = True  # built here: features(frame) returns it as it is
    return frame
