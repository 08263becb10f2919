from importlib import resources

import pandas as pd
import pytest

from argmine.classifiers.rules import RuleClassifier
from argmine.errors import SchemeError
from argmine.scheme import load_scheme


def test_bundled_scheme():
    scheme = load_scheme()
    assert scheme.as_dict() == {
        "role": ["benefit", "challenge", "recommendation", "none"],
        "level": ["grand_strategic", "strategic", "practical", "none"],
    }


@pytest.fixture
def scheme_with_evidence(tmp_path):
    """The bundled scheme with a new role label, 'evidence', added by a user."""
    text = resources.files("argmine").joinpath("config/labels.toml").read_text()
    text = text.replace(
        '  [[axis.label]]\n  name = "recommendation"\n',
        '  [[axis.label]]\n  name = "evidence"\n  definition = "Cites data."\n  cues = ["data show"]\n\n'
        '  [[axis.label]]\n  name = "recommendation"\n',
        1,
    )
    path = tmp_path / "labels.toml"
    path.write_text(text)
    return path


def test_a_new_label_reaches_every_axis_user(scheme_with_evidence):
    assert load_scheme(scheme_with_evidence).axis("role").names == [
        "benefit",
        "challenge",
        "evidence",
        "recommendation",
        "none",
    ]


def test_a_new_label_reaches_the_classifier(scheme_with_evidence):
    rules = RuleClassifier(axis="role", scheme_path=str(scheme_with_evidence)).fit(None)
    assert "evidence" in rules.classes_
    frame = pd.DataFrame({"text": ["The data show steady growth."], "section": [""], "position": [0.0]})
    assert list(rules.predict(frame)) == ["evidence"]


def test_bad_default_is_refused(tmp_path):
    path = tmp_path / "labels.toml"
    path.write_text('[[axis]]\nname = "role"\ndefault = "x"\n[[axis.label]]\nname = "a"\ndefinition = "d"\n')
    with pytest.raises(SchemeError, match="has default 'x', which is not one of its labels"):
        load_scheme(path)
