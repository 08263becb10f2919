"""Sentence classifiers: one scikit-learn estimator per axis of the label scheme.

Each family lives in its own module and registers its classifiers by name
(``registry.register``): ``rules`` (the cue lexicon), ``linear`` (``tfidf-lr``, ``cues-lr``,
``words-lr``), ``ensemble`` (``rules+words``), ``embedding`` (``static-*``, ``embed-*``) and
``textcat`` (``spacy-textcat``). Every estimator takes the DataFrame ``features`` builds
(``text``, ``section``, ``position``).
"""

from .features import NO_HEADING, features
from .registry import Classifier, joint, learns, make_estimator, per_axis, register, registered, trusted_types

__all__ = [
    "NO_HEADING",
    "Classifier",
    "features",
    "joint",
    "learns",
    "make_estimator",
    "per_axis",
    "register",
    "registered",
    "trusted_types",
]
