"""Bad model files end in one line naming the file and the fix: a typed ModelError from
load_model, `Error: ...` and exit 1 from every command that takes --model, never a traceback;
`argmine run` refuses the model before any document and leaves no output behind."""

import os
import pickle
import zipfile
from importlib import resources

import pytest
import skops.io as sio
from click.testing import CliRunner

from argmine.cli import main
from argmine.errors import ModelError
from argmine.model import load_model, save_model
from conftest import GOLD, ROOT

DEFAULT = resources.files("argmine").joinpath("models/default.skops")
RETRAIN = "retrain it with `argmine train`"
CHOOSE = "give a model file written by `argmine train` (.skops), or a bundled model: accurate, default, fast, rules"
TRUNCATED = "a damaged or truncated zip archive (a model file cut short?); copy it again, or " + CHOOSE
EMPTY = "an empty file, not a model file (a copy or download cut short?); copy it again, or " + CHOOSE
SCHEME = "role: benefit, challenge, recommendation, none; level: grand_strategic, strategic, practical, none"


class Opaque:
    """A type no argmine model holds: the safe loader must not trust it."""


def _rules_model(path, **metadata):
    model = load_model("rules")
    model.metadata.update(metadata)
    return save_model(model, path)


def _dump(path, obj):
    sio.dump(obj, path)


def _zip_without_schema(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.txt", "not a skops archive")


def _word_document(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")


def _no_level_classifier(path):
    model = load_model("rules")
    del model.estimators["level"]
    save_model(model, path)


# (case, how to make the file at path, message after "PATH: ")
CASES = [
    (
        "missing",
        lambda p: None,
        "no such model file or bundled model; give a .skops path or one of: accurate, default, fast, rules",
    ),
    ("truncated", lambda p: p.write_bytes(DEFAULT.read_bytes()[: len(DEFAULT.read_bytes()) // 2]), TRUNCATED),
    ("empty", lambda p: p.write_bytes(b""), EMPTY),
    ("text-file", lambda p: p.write_text("role=rules\nlevel=rules\n"), "a text file, not a model file; " + CHOOSE),
    (
        "html-page",
        lambda p: p.write_text(
            "\n<!DOCTYPE html>\n<html><head><title>Releases</title></head><body>...</body></html>\n"
        ),
        "an HTML page, not a model file (a web page saved instead of the file it links to?);"
        " download the .skops file itself, or " + CHOOSE,
    ),
    (
        "pdf",
        lambda p: p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        "a PDF document, not a model file; " + CHOOSE,
    ),
    ("word", _word_document, "a Word document, not a model file; " + CHOOSE),
    (
        "pickle",
        lambda p: p.write_bytes(pickle.dumps({"estimators": {}})),
        "a pickle file, not a skops model file (argmine loads only skops files, which cannot run code when"
        " loaded); " + CHOOSE,
    ),
    ("binary", lambda p: p.write_bytes(bytes(range(256)) * 4), "a binary file that is not a model file; " + CHOOSE),
    (
        "folder",
        lambda p: p.mkdir(),
        "a folder, not a model file; give the .skops file inside it, or a bundled model: accurate, default, fast, rules",
    ),
    ("zip-not-skops", _zip_without_schema, "a zip archive that is not a skops model file; " + CHOOSE),
    (
        "untrusted-class",
        lambda p: _dump(p, {"metadata": "{}", "estimators": {"role": Opaque()}}),
        "refused: the file holds types argmine does not trust "
        f"({Opaque.__module__}.Opaque); use a model trained by argmine",
    ),
    (
        "untrusted-function",
        lambda p: _dump(p, {"metadata": "{}", "estimators": {"role": os.system}}),
        "refused: the file holds types argmine does not trust "
        f"({os.system.__module__}.system); use a model trained by argmine",
    ),
    ("not-a-model", lambda p: _dump(p, [1, 2, 3]), "not an argmine model file (no metadata); " + RETRAIN),
    (
        "no-scheme",
        lambda p: _dump(p, {"metadata": "{}", "estimators": {}}),
        "not an argmine model file (no label scheme in its metadata); " + RETRAIN,
    ),
    (
        "other-scheme",
        lambda p: _rules_model(p, scheme={"role": ["pro", "con"], "level": ["high", "low"]}),
        f"trained with another label scheme (level: high, low; role: pro, con) than the current one ({SCHEME}); "
        "retrain it with the current config/labels.toml",
    ),
    (
        "missing-axis",
        _no_level_classifier,
        "not an argmine model file (no classifier for the axis 'level'); " + RETRAIN,
    ),
]
IDS = [case[0] for case in CASES]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def make(workdir, build):
    """The bad model file built in workdir, and its name relative to it (as a user types it)."""
    build(workdir / "bad.skops")
    return workdir / "bad.skops", "bad.skops"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line_error(result, message):
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"
    assert "Traceback" not in result.output


def test_a_real_model_loads(workdir):
    """The baseline every case breaks: a saved model file loads."""
    path = _rules_model(workdir / "good.skops")
    assert set(load_model(path).estimators) == {"role", "level"}


@pytest.mark.parametrize("build, message", [case[1:] for case in CASES], ids=IDS)
def test_library(workdir, build, message):
    path, _ = make(workdir, build)
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert str(err.value) == f"{path}: {message}"


@pytest.mark.parametrize("build, message", [case[1:] for case in CASES], ids=IDS)
def test_run_refuses_before_any_document(workdir, build, message):
    _, name = make(workdir, build)
    result = invoke("run", ROOT / "corpus" / "raw" / "crs-sri-lanka-election.md", "--out", "out", "--model", name)
    assert_one_line_error(result, f"{name}: {message}")
    assert not (workdir / "out").exists()  # no output folder, so no outputs


def test_run_leaves_an_existing_output_folder_as_it_was(workdir):
    _, name = make(workdir, CASES[IDS.index("truncated")][1])
    out = workdir / "out"
    out.mkdir()
    (out / "notes.md").write_text("mine\n")
    result = invoke("run", ROOT / "corpus" / "raw" / "crs-sri-lanka-election.md", "--out", out, "--model", name)
    assert_one_line_error(result, f"{name}: {TRUNCATED}")
    assert [p.name for p in out.iterdir()] == ["notes.md"]


@pytest.mark.parametrize("build, message", [case[1:] for case in CASES], ids=IDS)
def test_evaluate_refuses_before_reading_the_gold(workdir, build, message):
    _, name = make(workdir, build)
    result = invoke("evaluate", "--gold", "no-gold-here", "--model", name, "--json", "report.json")
    assert_one_line_error(result, f"{name}: {message}")
    assert not (workdir / "report.json").exists()


@pytest.mark.parametrize("command", ["info", "explain", "suggest"])
def test_other_commands_taking_a_model(workdir, command):
    _, name = make(workdir, CASES[IDS.index("other-scheme")][1])
    args = {
        "info": ["info", name],
        "explain": ["explain", "--model", name, "Japan should act."],
        "suggest": [
            "suggest",
            ROOT / "corpus" / "raw" / "crs-sri-lanka-election.md",
            "--model",
            name,
            "--out",
            "next.jsonl",
        ],
    }[command]
    message = CASES[IDS.index("other-scheme")][2]
    assert_one_line_error(invoke(*args), f"{name}: {message}")
    assert not (workdir / "next.jsonl").exists()


def test_evaluate_with_a_good_model_file_still_works(workdir):
    """The refusal is about the file: the same command with a sound model file scores the gold."""
    _rules_model(workdir / "good.skops")
    result = invoke(
        "evaluate",
        "--gold",
        GOLD / "crs-sri-lanka-election.jsonl",
        "--documents",
        ROOT / "corpus" / "raw",
        "--model",
        "good.skops",
    )
    assert result.exit_code == 0
    assert result.output.startswith("sentences: 35")
