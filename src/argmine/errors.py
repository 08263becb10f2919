"""Typed domain errors. The CLI turns each into a one-line message and a non-zero exit."""

__all__ = [
    "ArgmineError",
    "InputError",
    "GoldError",
    "ModelError",
    "AnnotationError",
    "SchemeError",
    "ConfigError",
    "EngineError",
    "OutputError",
]


class ArgmineError(Exception):
    """Base class: the message is one line naming the file, the line where known, and the fix."""


class InputError(ArgmineError):
    """A document cannot be read or holds no usable text."""


class GoldError(ArgmineError):
    """A gold file is malformed or disagrees with the label scheme or its document."""


class ModelError(ArgmineError):
    """A model file is missing, damaged, untrusted or built for another label scheme."""


class AnnotationError(ArgmineError):
    """An annotation file (an annotation tool's export, or an annotation pass) is malformed or
    disagrees with the label scheme."""


class SchemeError(ArgmineError):
    """The label scheme configuration is malformed."""


class ConfigError(ArgmineError):
    """A user settings file (--config, ARGMINE_CONFIG) is unreadable or sets unknown keys."""


class EngineError(ArgmineError):
    """An execution engine cannot be used: not installed, or its scheduler cannot be reached."""


class OutputError(ArgmineError):
    """An output folder cannot take a run's outputs: one would replace an input or a file argmine
    did not write, or another run is writing into the folder."""
