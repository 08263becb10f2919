"""argmine: argument mining for policy texts.

>>> import argmine
>>> model = argmine.load_model("default")
>>> result = argmine.process_text("Japan should expand cyber cooperation.", model)
>>> result.sentences[0].labels["role"]
'recommendation'
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load_model", "process_text", "process_file"]


def __getattr__(name):
    # Lazy: `argmine --help` must not import spaCy or scikit-learn.
    if name == "load_model":
        from .model import load_model

        return load_model
    if name in ("process_text", "process_file"):
        from .run import document

        return getattr(document, name)
    raise AttributeError(name)
