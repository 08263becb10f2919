"""Settings of every stage, read in one place: the bundled ``config/<section>.toml`` files,
overridden key by key by the user's TOML file.

The user's file is named by ``argmine --config FILE`` or the environment variable
``ARGMINE_CONFIG``; its tables are sections (``[ingest]``, ``[run]``, ``[ingest.language]``)
and it may set only keys the bundled files have, with values of the same type. The
variable is how the override reaches every stage: worker processes and Dask workers started
by a run inherit it.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ConfigError

__all__ = ["ENV", "SECTIONS", "settings", "bundled_text"]

ENV = "ARGMINE_CONFIG"
SECTIONS = ("ingest", "run")


def bundled_text(name: str) -> str:
    """The text of a file in argmine's ``config/`` folder (``labels.toml``, ``segmenter.cfg`` ...)."""
    return resources.files("argmine").joinpath("config", name).read_text(encoding="utf-8")


def settings(section: str) -> dict:
    """The settings of ``section`` (``ingest`` or ``run``): the bundled file with the user's
    overrides applied."""
    return _settings(section, os.environ.get(ENV, ""))


@lru_cache(maxsize=8)
def _settings(section: str, user_file: str) -> dict:
    if section not in SECTIONS:
        raise ValueError(f"unknown settings section '{section}'; one of {', '.join(SECTIONS)}")
    merged = tomllib.loads(bundled_text(f"{section}.toml"))
    if user_file:
        overrides = _user(user_file)
        unknown = sorted(set(overrides) - set(SECTIONS))
        if unknown:
            raise ConfigError(
                f"{user_file}: unknown section [{unknown[0]}]; use {', '.join(f'[{s}]' for s in SECTIONS)}"
            )
        _apply(merged, overrides.get(section, {}), user_file, section)
    return merged


@lru_cache(maxsize=4)
def _user(path: str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(
            f"{path}: cannot read the settings file ({reason}); check the path given by --config or {ENV}"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax") from None


def _apply(base: dict, overrides: dict, path: str, where: str) -> None:
    """Set every key of ``overrides`` in ``base``, refusing keys and types ``base`` does not have."""
    for key, value in overrides.items():
        name = f"{where}.{key}"
        if key not in base:
            raise ConfigError(
                f"{path}: unknown setting '{name}'; see the bundled config/{where.split('.')[0]}.toml for the keys"
            )
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: '{name}' must be a table ([{name}])")
            _apply(base[key], value, path, name)
        elif not _same_type(base[key], value):
            raise ConfigError(
                f"{path}: '{name}' must be {type(base[key]).__name__}, like the bundled value {base[key]!r}"
            )
        else:
            base[key] = value


def _same_type(old: object, new: object) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, (int, float)):
        return isinstance(new, (int, float))
    return isinstance(new, type(old))
