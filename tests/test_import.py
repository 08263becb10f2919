"""`argmine import`: annotation tools' exports back into gold files; round trips through export."""

import json

import pytest
from click.testing import CliRunner

from argmine.cli import main
from argmine.gold import load_gold
from conftest import GOLD, ROOT

DOC = GOLD / "crs-us-japan-relations.jsonl"  # 75 rows, 2 excluded, notes, annotators A+B and adjudicated
RAW = ROOT / "corpus" / "raw"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def gold_rows(path):
    """A gold file's rows, without the defaults a writer may leave out."""
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return [
        {k: v for k, v in r.items() if not (k == "exclude" and v is False) and not (k == "note" and v == "")}
        for r in rows
    ]


@pytest.mark.parametrize("fmt", ["label-studio", "doccano", "prodigy"])
def test_export_then_import_gives_the_same_gold(tmp_path, fmt):
    exported = tmp_path / ("ls" if fmt == "label-studio" else "tasks.jsonl")
    assert invoke("export", "--gold", DOC, "--format", fmt, "--out", exported).exit_code == 0
    source = exported / "tasks.json" if fmt == "label-studio" else exported
    out = tmp_path / "gold" / "crs-us-japan-relations.jsonl"
    result = invoke("import", "--format", fmt, source, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.output == f"75 labelled sentences written to {out}\n"
    assert gold_rows(out) == gold_rows(DOC)  # labels, ids, text, section, exclude, note and annotator
    reloaded = load_gold(out, RAW)
    assert list(reloaded["role"]) == list(load_gold(DOC)["role"])


def test_predictions_annotated_in_label_studio_come_back_with_their_annotator(tmp_path):
    """A Label Studio export: predictions turned into annotations by two users, one of whom
    changed a label; --annotator picks one user's annotations."""
    out = tmp_path / "run"
    assert invoke("run", RAW / "crs-sri-lanka-election.md", "--out", out).exit_code == 0
    assert invoke("export", "--pred", out, "--format", "label-studio", "--out", tmp_path / "ls").exit_code == 0
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text())
    for i, task in enumerate(tasks, 1):
        result = task.pop("predictions")[0]["result"]
        task["id"] = i
        task["annotations"] = [
            {
                "id": 2 * i,
                "completed_by": {"id": 7, "email": "ann@example.org"},
                "result": result,
                "was_cancelled": False,
            },
            {"id": 2 * i + 1, "completed_by": 9, "result": json.loads(json.dumps(result))},
        ]
    tasks[0]["annotations"][1]["result"][0]["value"]["choices"] = ["challenge"]
    tasks[1]["annotations"][1]["was_cancelled"] = True
    export = tmp_path / "project-1.json"
    export.write_text(json.dumps(tasks, indent=2))

    result = invoke("import", "--format", "label-studio", export, "--out", tmp_path / "x.jsonl")
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {export}:2: 2 annotations of one task (by ann@example.org, 9); choose one annotator with --annotator\n"
    )

    for who, first_role in (
        ("ann@example.org", tasks[0]["annotations"][0]["result"][0]["value"]["choices"][0]),
        ("9", "challenge"),
    ):
        gold = tmp_path / f"{who}.jsonl"
        result = invoke(
            "import",
            "--format",
            "label-studio",
            export,
            "--out",
            gold,
            "--annotator",
            who,
            "--doc-id",
            "crs-sri-lanka-election",
        )
        assert result.exit_code == 0, result.output
        rows = [json.loads(line) for line in gold.read_text().splitlines()]
        assert {r["annotator"] for r in rows} == {who}
        assert rows[0]["role"] == first_role
        assert len(rows) == (35 if who == "ann@example.org" else 34)  # user 9 cancelled task 2
        assert rows[0]["doc_id"] == "crs-sri-lanka-election" and rows[0]["sent_id"] == 1
    load_gold(tmp_path / "9.jsonl", RAW)


def label_studio_task(**data):
    return {
        "data": {"text": "Japan should act.", **data},
        "annotations": [
            {
                "completed_by": 1,
                "result": [
                    {
                        "type": "choices",
                        "from_name": "role",
                        "to_name": "text",
                        "value": {"choices": ["recommendation"]},
                    },
                    {"type": "choices", "from_name": "level", "to_name": "text", "value": {"choices": ["strategic"]}},
                ],
            }
        ],
    }


def test_label_studio_errors_name_the_line_of_the_task(tmp_path):
    bad = label_studio_task()
    bad["annotations"][0]["result"][1]["value"]["choices"] = ["tactical"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps([label_studio_task(), bad], indent=2))
    line = [i for i, text in enumerate(path.read_text().splitlines(), 1) if text == "  {"][1]
    result = invoke("import", "--format", "label-studio", path, "--out", tmp_path / "doc.jsonl")
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {path}:{line}: unknown level label 'tactical'; use one of grand_strategic, strategic, practical, none\n"
    )

    one_axis = label_studio_task()
    one_axis["annotations"][0]["result"].pop()
    path.write_text(json.dumps([one_axis]))
    result = invoke("import", "--format", "label-studio", path, "--out", tmp_path / "doc.jsonl")
    assert result.output == f"Error: {path}:1: no level label; label every axis (role, level)\n"

    path.write_text('[{"data": {"text": "x"}}, ')
    result = invoke("import", "--format", "label-studio", path, "--out", tmp_path / "doc.jsonl")
    assert result.output == f"Error: {path}:1: not valid JSON (Expecting value); give Label Studio's JSON export\n"


def test_unlabelled_tasks_are_skipped_and_ids_default(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps([label_studio_task(), {"data": {"text": "Not yet."}, "annotations": []}, label_studio_task()])
    )
    out = tmp_path / "my-doc.jsonl"
    result = invoke("import", "--format", "label-studio", path, "--out", out)
    assert result.output == f"2 labelled sentences written to {out}; 1 unlabelled or rejected task skipped\n"
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["doc_id"], r["sent_id"], r["annotator"]) for r in rows] == [("my-doc", 1, "1"), ("my-doc", 3, "1")]


def test_doccano_needs_namespaced_labels(tmp_path):
    path = tmp_path / "admin.jsonl"
    path.write_text(
        json.dumps({"text": "Japan should act.", "label": ["role:recommendation", "level:strategic"]})
        + "\n"
        + json.dumps({"text": "It rains.", "label": ["none", "level:none"]})
        + "\n"
    )
    result = invoke("import", "--format", "doccano", path, "--out", tmp_path / "doc.jsonl")
    assert result.exit_code == 1
    assert result.output == f"Error: {path}:2: label 'none' names no axis; write it as axis:label, e.g. role:benefit\n"
    path.write_text(json.dumps({"text": "It rains.", "label": ["role:none", "role:challenge", "level:none"]}) + "\n")
    result = invoke("import", "--format", "doccano", path, "--out", tmp_path / "doc.jsonl")
    assert result.output == f"Error: {path}:1: 2 role labels (none, challenge); keep one per axis\n"


def test_doccano_annotator_from_the_option(tmp_path):
    path = tmp_path / "admin.jsonl"
    path.write_text(
        json.dumps(
            {"text": "Japan should act.", "label": ["role:recommendation", "level:strategic"], "meta": {"sent_id": 4}}
        )
        + "\n"
    )
    out = tmp_path / "doc.jsonl"
    assert invoke("import", "--format", "doccano", path, "--out", out, "--annotator", "admin").exit_code == 0
    assert json.loads(out.read_text()) == {
        "doc_id": "doc",
        "sent_id": 4,
        "section": "",
        "text": "Japan should act.",
        "role": "recommendation",
        "level": "strategic",
        "annotator": "admin",
    }


def test_prodigy_binary_answers_merge_per_sentence(tmp_path):
    meta = {"doc_id": "doc", "sent_id": 1, "section": "Intro"}
    lines = [
        {
            "text": "Japan should act.",
            "label": "role:recommendation",
            "answer": "accept",
            "meta": meta,
            "_annotator_id": "ds-alex",
        },
        {
            "text": "Japan should act.",
            "label": "level:strategic",
            "answer": "accept",
            "meta": meta,
            "_annotator_id": "ds-alex",
        },
        {
            "text": "Japan should act.",
            "label": "level:practical",
            "answer": "reject",
            "meta": meta,
            "_annotator_id": "ds-alex",
        },
        {
            "text": "It rains.",
            "accept": ["role:none", "level:none"],
            "answer": "ignore",
            "meta": {**meta, "sent_id": 2},
        },
    ]
    path = tmp_path / "db-out.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out = tmp_path / "doc.jsonl"
    result = invoke("import", "--format", "prodigy", path, "--out", out)
    assert result.output == f"1 labelled sentence written to {out}; 2 unlabelled or rejected tasks skipped\n"
    assert json.loads(out.read_text()) == {
        "doc_id": "doc",
        "sent_id": 1,
        "section": "Intro",
        "text": "Japan should act.",
        "role": "recommendation",
        "level": "strategic",
        "annotator": "ds-alex",
    }


def test_import_does_not_overwrite_gold(tmp_path):
    out = tmp_path / "doc.jsonl"
    out.write_text("kept\n")
    result = invoke("import", "--format", "doccano", tmp_path / "none.jsonl", "--out", out)
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: {out} exists; pass --force to replace it\n")
    assert out.read_text() == "kept\n"
    result = invoke("import", "--format", "doccano", tmp_path / "none.jsonl", "--out", out, "--force")
    assert result.output == f"Error: {tmp_path / 'none.jsonl'}: no such annotation file; check the path\n"
