"""The reference pages in docs/ are generated from the code and kept current (as sqlite-utils does with cog)."""

import importlib.util

from conftest import ROOT

spec = importlib.util.spec_from_file_location("reference", ROOT / "scripts" / "reference.py")
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)


def test_reference_pages_are_current():
    for path, text in reference.render().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is out of date: run `make docs`"


def test_every_command_and_classifier_is_documented():
    from argmine.classifiers import registered
    from argmine.cli import main

    cli, classifiers = reference.cli_page(), reference.classifiers_page()
    assert all(f"## argmine {name}" in cli for name in main.commands)
    assert all(f"| `{name}` |" in classifiers for name in registered())
