"""The label scheme (config/labels.toml): axes, their labels, definitions and cues."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import bundled_text
from .errors import SchemeError

__all__ = ["Axis", "Label", "Scheme", "load_scheme"]


@dataclass(frozen=True)
class Label:
    name: str
    definition: str
    cues: tuple[str, ...] = ()
    heading_cues: tuple[str, ...] = ()
    rules_weight: float = 1.0


@dataclass(frozen=True)
class Axis:
    name: str
    question: str
    default: str
    labels: tuple[Label, ...]
    rules_fallback: str = ""

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]


@dataclass(frozen=True)
class Scheme:
    """The axes, and which two of them span the summary's table (``[summary]`` in labels.toml):
    one row per label of ``rows`` (level), one column per label of ``columns`` (role)."""

    axes: tuple[Axis, ...]
    summary: tuple[str, str] = ("", "")  # (rows, columns): axis names, checked when the scheme loads

    @property
    def rows(self) -> Axis:
        return self.axis(self.summary[0])

    @property
    def columns(self) -> Axis:
        return self.axis(self.summary[1])

    @property
    def axis_names(self) -> list[str]:
        return [axis.name for axis in self.axes]

    def axis(self, name: str) -> Axis:
        for axis in self.axes:
            if axis.name == name:
                return axis
        raise KeyError(name)

    def as_dict(self) -> dict[str, list[str]]:
        """{axis: [label, ...]}: what a model file records of the scheme it was trained with."""
        return {axis.name: axis.names for axis in self.axes}


def load_scheme(path: str | Path | None = None) -> Scheme:
    """Read a scheme file; without a path, the bundled config/labels.toml."""
    if path is None:
        return _bundled()
    return _parse(Path(path).read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def _bundled() -> Scheme:
    return _parse(bundled_text("labels.toml"), "argmine/config/labels.toml")


def _parse(text: str, where: str) -> Scheme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{where}: not valid TOML ({exc}); fix the syntax") from None
    axes = []
    for i, raw in enumerate(data.get("axis", []), 1):
        try:
            labels = tuple(
                Label(
                    label["name"],
                    label["definition"],
                    tuple(label.get("cues", ())),
                    tuple(label.get("heading_cues", ())),
                    float(label.get("rules_weight", 1.0)),
                )
                for label in raw["label"]
            )
            axis = Axis(
                raw["name"], raw.get("question", ""), raw["default"], labels, raw.get("rules_fallback", raw["default"])
            )
        except KeyError as exc:
            raise SchemeError(
                f"{where}: axis {i} lacks the key {exc}; every axis "
                "needs name, default and labels with name and definition"
            ) from None
        for key in ("default", "rules_fallback"):
            if getattr(axis, key) not in axis.names:
                raise SchemeError(
                    f"{where}: axis '{axis.name}' has {key} '{getattr(axis, key)}', which is not one of its labels"
                )
        if len(set(axis.names)) != len(axis.names):
            raise SchemeError(f"{where}: axis '{axis.name}' names a label twice")
        axes.append(axis)
    if len(axes) < 2:
        raise SchemeError(
            f"{where}: {len(axes) or 'no'} [[axis]] defined; the summary needs two axes (its rows and columns)"
        )
    names = [axis.name for axis in axes]
    table = data.get("summary", {"rows": names[-1], "columns": names[0]})
    summary = (table.get("rows"), table.get("columns")) if isinstance(table, dict) else (None, None)
    for key, name in zip(("rows", "columns"), summary):
        if name not in names:
            raise SchemeError(f"{where}: [summary] {key} = {name!r} is not an axis; use one of {', '.join(names)}")
    if summary[0] == summary[1]:
        raise SchemeError(f"{where}: [summary] rows and columns are both '{summary[0]}'; name two different axes")
    return Scheme(tuple(axes), (str(summary[0]), str(summary[1])))
