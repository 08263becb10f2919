import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from argmine.cli import main
from conftest import GOLD, REFERENCE, ROOT


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_help_and_version_show_examples():
    result = invoke("--help")
    assert result.exit_code == 0 and "argmine run corpus/raw --out out" in result.output
    for command in ("run", "evaluate", "export", "train", "info", "import", "agreement", "explain", "suggest"):
        assert "Example" in invoke(command, "--help").output
    assert invoke("--version").output == "argmine, version 0.1.0\n"


def test_missing_file_is_a_usage_error(tmp_path):
    result = invoke("run", tmp_path / "nope.txt", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: {tmp_path / 'nope.txt'}: no such file or folder; check the path\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty; give a document with text in it"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file, not text; convert it to .txt or .md first"),
    ],
)
def test_bad_document_fails_alone(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "out"
    result = invoke("run", bad, REFERENCE, "--out", out)
    assert result.exit_code == 1
    assert f"Error: {bad}: {message}\n" in result.output
    assert "Traceback" not in result.output
    run = json.loads((out / "run.json").read_text())
    assert [(d["doc_id"], d["status"]) for d in run["documents"]] == [
        ("bad", "failed"),
        ("japan-nato-cooperation", "ok"),
    ]
    assert run["documents"][0]["error"] == f"{bad}: {message}"
    assert (out / "japan-nato-cooperation.summary.json").exists()


def test_gold_with_unknown_label(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    line = json.loads((GOLD / "japan-nato-cooperation.jsonl").read_text().splitlines()[0])
    path = gold / "japan-nato-cooperation.jsonl"
    path.write_text(json.dumps(line) + "\n" + json.dumps({**line, "sent_id": 2, "role": "advice"}) + "\n")
    result = invoke("evaluate", "--gold", path, "--model", "rules", "--documents", ROOT / "corpus" / "raw")
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {path}:2: unknown role label 'advice'; use one of benefit, challenge, recommendation, none\n"
    )


def test_evaluate_model_table_and_json(tmp_path):
    report = tmp_path / "eval.json"
    result = invoke("evaluate", "--gold", GOLD / "japan-nato-cooperation.jsonl", "--model", "default", "--json", report)
    assert result.exit_code == 0, result.output
    assert "role: macro-F1" in result.output and "segmentation: boundary precision" in result.output
    data = json.loads(report.read_text())
    assert data["sentences"] == 137
    assert sum(map(sum, data["axes"]["role"]["confusion"]["matrix"])) == 137


def test_evaluate_needs_exactly_one_source():
    result = invoke("evaluate", "--gold", GOLD)
    assert result.exit_code == 2
    assert "Error: give exactly one of --pred DIR, --model M or --classifier NAME" in result.output


def test_cross_validation_by_folds_of_whole_documents():
    from argmine.evaluation import out_of_fold
    from argmine.gold import load_gold

    gold = load_gold(GOLD)
    rows, predicted, described, _ = out_of_fold(gold, "rules", "documents:3")
    documents = rows["doc_id"].nunique()
    assert described == f"3-fold grouped by document ({documents} documents)" and len(predicted) == len(rows)
    result = invoke("evaluate", "--gold", GOLD, "--classifier", "rules", "--cv", "documents:3")
    assert result.exit_code == 0, result.output
    assert f"cross-validation: 3-fold grouped by document ({documents} documents)" in result.output
    assert "(95% intervals: 1000 resamples of documents)" in result.output
    for bad in ("documents:1", "documents:x", "folds"):
        result = invoke("evaluate", "--gold", GOLD, "--classifier", "rules", "--cv", bad)
        assert result.exit_code == 2 and "'documents:K' (K >= 2)" in result.output


def test_evaluate_cross_validation_and_predictions(tmp_path):
    result = invoke("evaluate", "--gold", GOLD, "--classifier", "rules", "--cv", "documents")
    assert result.exit_code == 0, result.output
    documents = len(list(Path(GOLD).glob("*.jsonl")))
    assert f"cross-validation: leave-one-document-out ({documents} documents)" in result.output
    out = tmp_path / "out"
    assert invoke("run", REFERENCE, "--out", out).exit_code == 0
    result = invoke("evaluate", "--gold", GOLD / "japan-nato-cooperation.jsonl", "--pred", out)
    assert result.exit_code == 0, result.output
    assert "sentences: 137" in result.output


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export(tmp_path, fmt):
    import pandas as pd

    out = tmp_path / f"gold.{fmt}"
    result = invoke("export", "--gold", GOLD, "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.output
    read = {"csv": pd.read_csv, "jsonl": lambda p: pd.read_json(p, lines=True), "parquet": pd.read_parquet}[fmt]
    table = read(out)
    assert len(table) == sum(1 for f in GOLD.glob("*.jsonl") for _ in f.read_text().splitlines())
    assert {"doc_id", "sent_id", "section", "text", "role", "level", "start", "end"} <= set(table.columns)


def make_train_commands() -> dict[str, list[str]]:
    """The `argmine train` arguments of each model `make train` builds, by the model's name."""
    import shlex

    recipe = (ROOT / "Makefile").read_text().split("\ntrain:", 1)[1].split("\n\n", 1)[0]
    commands = {}
    for line in recipe.splitlines():
        if "argmine train" in line:
            args = shlex.split(line.split("argmine", 1)[1])
            commands[Path(args[args.index("--out") + 1]).stem] = args
    return commands


def option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def test_every_bundled_model_is_what_make_train_builds_from_the_current_gold():
    """Each bundled model's metadata: the Makefile's classifier, the gold files as they are now, its teacher."""
    import hashlib

    from argmine.classifiers import joint, make_estimator
    from argmine.model import bundled_models, load_model

    commands = make_train_commands()
    assert set(commands) == set(bundled_models()) == {"default", "accurate", "fast"}
    gold_files = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(GOLD.glob("*.jsonl"))}
    for name, args in commands.items():
        model = load_model(name)
        assert model.metadata["classifier"] == option(args, "--classifier"), name
        for axis, estimator in model.estimators.items():  # built as the registry builds it now
            spec = tuple(model.estimators) if joint(model.metadata["classifier"]) else axis
            assert repr(estimator) == repr(make_estimator(model.metadata["classifier"], spec)), f"{name}: {axis}"
        assert model.metadata["training_data"]["file_sha256"] == gold_files, f"{name}: retrain it with make train"
        teacher = option(args, "--teacher")
        if teacher:
            source = model.metadata["distilled_from"]
            assert source["teacher_training_data"] == load_model(Path(teacher).stem).metadata["training_data"]
            assert source["unlabelled_documents"] == sorted(
                f.name for f in (ROOT / option(args, "--unlabelled")).rglob("*") if f.is_file()
            )
        elif option(args, "--cv") == "none":
            assert model.metadata["cross_validation"] == {"folds": "none"}


@pytest.mark.slow
def test_train_reproduces_the_fast_model(tmp_path, monkeypatch):
    """`make train`'s command for `fast` rebuilds it: same metadata, same predictions. (The default, an
    encoder fine-tuned for minutes per axis, is checked by its metadata above and by its seeded fit in
    tests/test_finetuned.py.)"""
    from argmine.gold import load_gold
    from argmine.model import load_model

    monkeypatch.chdir(ROOT)  # the Makefile's paths are relative to the repository
    args = make_train_commands()["fast"]
    out = tmp_path / "fast.skops"
    args[args.index("--out") + 1] = str(out)
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    retrained, bundled = load_model(out), load_model("fast")
    for key in ("training_data", "cross_validation", "scheme", "classifier", "distilled_from"):
        assert retrained.metadata[key] == bundled.metadata[key]
    gold = load_gold(GOLD)
    assert retrained.predict(gold)[["role", "level"]].equals(bundled.predict(gold)[["role", "level"]])
    assert json.loads(invoke("info", out).output)["classifier"] == bundled.metadata["classifier"]


def test_compare_writes_markdown_and_json(tmp_path):
    prefix = tmp_path / "cmp"
    gold = GOLD / "japan-nato-cooperation.jsonl"
    result = invoke(
        "compare", "--gold", gold, "--classifiers", "rules,role=rules/level=rules", "--cv", "3", "--out", prefix
    )
    assert result.exit_code == 0, result.output
    table = (tmp_path / "cmp.md").read_text()
    assert "| rules | " in table and "| role=rules/level=rules | " in table
    data = json.loads((tmp_path / "cmp.json").read_text())
    assert [row["classifier"] for row in data["rows"]] == ["rules", "role=rules/level=rules"]
    low, high = data["rows"][0]["role_macro_f1_ci"]
    assert low <= data["rows"][0]["role_macro_f1"] <= high


@pytest.mark.parametrize(
    "spec, message",
    [
        ("nosuch", "Error: unknown classifier 'nosuch'; choose one of "),
        ("role=rules", "Error: classifier 'role=rules' names no classifier for the axis 'level'; add level=NAME"),
        (
            "role=rules/level",
            "Error: classifier 'role=rules/level': write one name, or AXIS=NAME pairs separated by '/'",
        ),
    ],
)
def test_compare_rejects_bad_classifier_specs(spec, message):
    result = invoke("compare", "--gold", GOLD / "japan-nato-cooperation.jsonl", "--classifiers", spec)
    assert result.exit_code == 1
    assert message in result.output


def test_evaluate_draws_plots(tmp_path):
    result = invoke(
        "evaluate", "--gold", GOLD / "japan-nato-cooperation.jsonl", "--model", "rules", "--plots", tmp_path
    )
    assert result.exit_code == 0, result.output
    for name in ("confusion-role", "confusion-level", "reliability-role", "reliability-level"):
        assert (tmp_path / f"{name}.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--gold", "{input}", "--format", "jsonl", "--out", "{input}"],
        ["train", "--gold", "{input}", "--classifier", "rules", "--out", "{input}"],
        ["evaluate", "--gold", "{input}", "--model", "rules", "--json", "{input}"],
        ["agreement", "{input}", "{input}", "--json", "{input}"],
        ["import", "{input}", "--format", "doccano", "--out", "{input}", "--force"],
        ["suggest", "{document}", "--out", "{document}"],
    ],
    ids=lambda c: c[0],
)
def test_an_output_file_never_replaces_an_input(tmp_path, command):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes((GOLD / "japan-nato-cooperation.jsonl").read_bytes())
    document = tmp_path / "paper.txt"
    document.write_bytes(REFERENCE.read_bytes())
    before = gold.read_bytes(), document.read_bytes()
    args = [a.format(input=gold, document=document) for a in command]
    result = invoke(*args)
    assert result.exit_code == 2
    output = args[-1] if args[-1] != "--force" else args[-2]
    assert result.output.endswith(
        f"Error: {output}: is an input of this command, and the output would replace it;"
        " write the output to another file\n"
    )
    assert (gold.read_bytes(), document.read_bytes()) == before
