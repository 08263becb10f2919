"""The label scheme (config/labels.toml): axes, their labels, definitions and cues."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import SchemeError


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
    axes: tuple[Axis, ...]

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
    source = resources.files("argmine").joinpath("config/labels.toml")
    return _parse(source.read_text(encoding="utf-8"), "argmine/config/labels.toml")


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
                    l["name"],
                    l["definition"],
                    tuple(l.get("cues", ())),
                    tuple(l.get("heading_cues", ())),
                    float(l.get("rules_weight", 1.0)),
                )
                for l in raw["label"]
            )
            axis = Axis(raw["name"], raw.get("question", ""), raw["default"], labels, raw.get("rules_fallback", raw["default"]))
        except KeyError as exc:
            raise SchemeError(f"{where}: axis {i} lacks the key {exc}; every axis needs name, default and labels with name and definition") from None
        for key in ("default", "rules_fallback"):
            if getattr(axis, key) not in axis.names:
                raise SchemeError(f"{where}: axis '{axis.name}' has {key} '{getattr(axis, key)}', which is not one of its labels")
        if len(set(axis.names)) != len(axis.names):
            raise SchemeError(f"{where}: axis '{axis.name}' names a label twice")
        axes.append(axis)
    if not axes:
        raise SchemeError(f"{where}: no [[axis]] defined")
    return Scheme(tuple(axes))
