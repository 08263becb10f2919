"""Typed domain errors. The CLI turns each into a one-line message and a non-zero exit."""


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


class EngineError(ArgmineError):
    """An execution engine cannot be used: not installed, or its scheduler cannot be reached."""


def located(path, line=None) -> str:
    """'path' or 'path:line', the prefix every error message starts with."""
    return f"{path}:{line}" if line is not None else f"{path}"
