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
        == f"Error: {export}:2 (task 1, doc_id crs-sri-lanka-election, sent_id 1): 2 annotations of one task "
        "(by ann@example.org, 9); choose one annotator with --annotator\n"
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
        assert {r["annotator"] for r in rows} == {who}  # predictions carry no annotator: the tool's user is it
        assert rows[0]["tool_annotator"] == (
            {"tool": "label-studio", "id": 7, "email": "ann@example.org"}
            if who == "ann@example.org"
            else {"tool": "label-studio", "id": 9}
        )
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
        "tool_annotator": {"tool": "doccano", "user": "admin"},
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
        "tool_annotator": {"tool": "prodigy", "annotator_id": "ds-alex"},
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


MQ9 = GOLD / "crs-mq9-reaper.jsonl"  # 69 rows by A+B (2 adjudicated); `argmine run` merges sentences 2 and 3


@pytest.fixture(scope="module")
def mq9_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("mq9-run")
    result = invoke("run", RAW / "crs-mq9-reaper.md", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def through_label_studio(tasks, user=1, email=None):
    """What Label Studio's JSON export makes of imported tasks: ids, and every annotation completed
    by the importing user (by id only, unless the export was made with full user details)."""
    out = []
    for i, task in enumerate(json.loads(json.dumps(tasks)), 1):
        task["id"] = 100 + i
        for j, annotation in enumerate(task.get("annotations", [])):
            annotation.update(id=1000 + 2 * i + j, completed_by={"id": user, "email": email} if email else user)
        task.setdefault("predictions", [])
        out.append(task)
    return out


def test_label_studio_keeps_the_gold_annotator_beside_the_tool_user(tmp_path):
    """A gold project round trip through Label Studio: every annotation comes back completed by the
    importing user; labels nobody changed keep the gold's annotator, a changed one is the user's."""
    assert invoke("export", "--gold", MQ9, "--format", "label-studio", "--out", tmp_path / "ls").exit_code == 0
    tasks = through_label_studio(json.loads((tmp_path / "ls" / "tasks.json").read_text()))
    tasks[3]["annotations"][0]["result"][0]["value"]["choices"] = ["recommendation"]  # sentence 4
    export = tmp_path / "project-1-at-2026.json"
    export.write_text(json.dumps(tasks))  # Label Studio writes the whole export on one line
    out = tmp_path / "crs-mq9-reaper.jsonl"
    result = invoke("import", "--format", "label-studio", export, "--out", out)
    assert result.output == f"69 labelled sentences written to {out}\n"
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    gold = [json.loads(line) for line in MQ9.read_text().splitlines()]
    assert [r["annotator"] for r in rows] == [g["annotator"] for g in gold[:3]] + ["1"] + [
        g["annotator"] for g in gold[4:]
    ]
    assert rows[3]["role"] == "recommendation" and gold[3]["role"] == "challenge"
    assert {json.dumps(r["tool_annotator"]) for r in rows} == {'{"tool": "label-studio", "id": 1}'}
    assert [{k: v for k, v in r.items() if k not in ("annotator", "tool_annotator")} for r in rows[4:]] == [
        {k: v for k, v in g.items() if k != "annotator"} for g in gold_rows(MQ9)[4:]
    ]

    for who in ("1", "admin@example.org"):  # by id, and by email where the export carries it
        export.write_text(json.dumps(through_label_studio(tasks, 1, "admin@example.org")))
        picked = tmp_path / f"by-{who}.jsonl"
        assert invoke("import", "--format", "label-studio", export, "--out", picked, "--annotator", who).exit_code == 0
        first = json.loads(picked.read_text().splitlines()[0])
        assert first["tool_annotator"] == {"tool": "label-studio", "id": 1, "email": "admin@example.org"}
        assert first["annotator"] == "A+B"
    result = invoke("import", "--format", "label-studio", export, "--out", tmp_path / "x.jsonl", "--annotator", "A+B")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {export}: no annotation by 'A+B' (the file's annotators: 1, admin@example.org); "
        "give one of them to --annotator\n"
    )


def test_label_studio_errors_in_a_one_line_export_name_the_task(tmp_path):
    tasks = [label_studio_task(doc_id="doc", sent_id=n) for n in (1, 2, 3)]
    for i, task in enumerate(tasks, 1):
        task["id"] = 40 + i
    tasks[2]["annotations"].append(json.loads(json.dumps(tasks[2]["annotations"][0])) | {"completed_by": 2})
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    result = invoke("import", "--format", "label-studio", path, "--out", tmp_path / "doc.jsonl")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}:1 (task 43, doc_id doc, sent_id 3): 2 annotations of one task (by 1, 2); "
        "choose one annotator with --annotator\n"
    )


def doccano_export(records, user_labels=None):
    """What doccano 1.8's JSONL export makes of imported records: the example's id, its text, its
    metadata (argmine's fields) at the top level, the user's labels in doccano's order, comments."""
    out = []
    for i, record in enumerate(records, 1):
        meta = {k: v for k, v in record.items() if k not in ("text", "label")}
        labels = (user_labels or {}).get(i, record["label"])
        out.append({"id": i, "text": record["text"], **meta, "label": sorted(labels), "Comments": []})
    return "".join(json.dumps(x) + "\n" for x in out)


def test_doccano_gold_with_the_user_of_the_export_file(tmp_path):
    """The README's example: admin.jsonl from doccano's zip, --annotator admin names doccano's user."""
    assert invoke("export", "--gold", MQ9, "--format", "doccano", "--out", tmp_path / "mq9.jsonl").exit_code == 0
    records = [json.loads(x) for x in (tmp_path / "mq9.jsonl").read_text().splitlines()]
    admin = tmp_path / "admin.jsonl"
    admin.write_text(doccano_export(records, {4: ["role:benefit", "level:practical"]}))
    out = tmp_path / "crs-mq9-reaper.jsonl"
    result = invoke("import", "--format", "doccano", admin, "--out", out, "--annotator", "admin")
    assert result.output == f"69 labelled sentences written to {out}\n"
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["annotator"] for r in rows][:6] == ["A+B", "A+B", "A+B", "admin", "A+B", "A+B"]
    assert {json.dumps(r["tool_annotator"]) for r in rows} == {'{"tool": "doccano", "user": "admin"}'}
    assert rows[3]["role"] == "benefit"

    result = invoke("import", "--format", "doccano", admin, "--out", tmp_path / "anonymous.jsonl")
    assert result.exit_code == 0  # no doccano user named: a changed label has no annotator
    rows = [json.loads(line) for line in (tmp_path / "anonymous.jsonl").read_text().splitlines()]
    assert rows[3]["annotator"] == "" and rows[4]["annotator"] == "A+B" and "tool_annotator" not in rows[3]


def test_doccano_predictions_nobody_changed_are_not_gold(tmp_path, mq9_run):
    out = tmp_path / "mq9.jsonl"
    assert invoke("export", "--pred", mq9_run, "--format", "doccano", "--out", out).exit_code == 0
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(records) == 68
    admin = tmp_path / "admin.jsonl"
    admin.write_text(doccano_export(records))
    gold = tmp_path / "gold.jsonl"
    result = invoke("import", "--format", "doccano", admin, "--out", gold, "--annotator", "admin")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {admin}: all 68 labelled sentences are argmine's predictions as exported, unchanged: nobody "
        "reviewed them; label or confirm them in the tool, then export the approved examples only and pass --reviewed\n"
    )
    changed = ["role:recommendation", "level:strategic"]
    assert sorted(records[9]["label"]) != sorted(changed)
    admin.write_text(doccano_export(records, {10: changed}))
    result = invoke("import", "--format", "doccano", admin, "--out", gold, "--annotator", "admin")
    assert result.output == (
        f"1 labelled sentence written to {gold}; 67 of argmine's predictions, unchanged, left out (--reviewed takes them)\n"
    )
    (row,) = [json.loads(line) for line in gold.read_text().splitlines()]
    assert (row["sent_id"], row["role"], row["level"], row["annotator"]) == (10, "recommendation", "strategic", "admin")
    result = invoke(
        "import", "--format", "doccano", admin, "--out", gold, "--annotator", "admin", "--reviewed", "--force"
    )
    assert result.output == f"68 labelled sentences written to {gold}\n"
    assert {json.loads(line)["annotator"] for line in gold.read_text().splitlines()} == {"admin"}


def test_prodigy_annotator_is_the_one_prodigy_writes(tmp_path):
    """--annotator selects by _annotator_id, not by the annotator argmine exported in meta."""
    path = tmp_path / "mq9.prodigy.jsonl"
    assert invoke("export", "--gold", MQ9, "--format", "prodigy", "--out", path).exit_code == 0
    tasks = [json.loads(x) for x in path.read_text().splitlines()][:3]
    answers = [t | {"_annotator_id": "mq9-alex", "_session_id": "mq9-alex"} for t in tasks]
    answers += [
        t | {"_annotator_id": "mq9-sam", "_session_id": "mq9-sam", "accept": ["role:benefit", "level:none"]}
        for t in tasks
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in answers))
    for who, annotator, role in (("mq9-alex", "A+B", "none"), ("mq9-sam", "mq9-sam", "benefit")):
        out = tmp_path / f"{who}.jsonl"
        result = invoke("import", "--format", "prodigy", path, "--out", out, "--annotator", who)
        assert result.output == f"3 labelled sentences written to {out}; 3 unlabelled or rejected tasks skipped\n"
        first = json.loads(out.read_text().splitlines()[0])
        assert (first["annotator"], first["role"]) == (annotator, role)
        assert first["tool_annotator"] == {"tool": "prodigy", "annotator_id": who, "session_id": who}
    result = invoke("import", "--format", "prodigy", path, "--out", tmp_path / "x.jsonl", "--annotator", "A+B")
    assert result.output == (
        f"Error: {path}: no annotation by 'A+B' (the file's annotators: mq9-alex, mq9-sam); give one of them to --annotator\n"
    )


def test_predictions_take_the_gold_sentence_ids(tmp_path, mq9_run):
    """crs-mq9-reaper: the run merges gold sentences 2 and 3; numbered by the gold, the tasks line up."""
    out = tmp_path / "ls"
    result = CliRunner().invoke(
        main, ["export", "--pred", str(mq9_run), "--gold", str(MQ9), "--format", "label-studio", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == "Warning: crs-mq9-reaper: predicted sentence 2 spans gold sentences 2 and 3\n"
    assert result.stdout == f"69 sentences written to {out / 'tasks.json'} and {out / 'label_config.xml'}\n"
    tasks = json.loads((out / "tasks.json").read_text())
    gold = [json.loads(line) for line in MQ9.read_text().splitlines()]
    assert [(t["data"]["sent_id"], t["data"]["text"]) for t in tasks] == [(g["sent_id"], g["text"]) for g in gold]
    assert [t["data"]["run_sent_id"] for t in tasks[:5]] == [1, 2, 2, 3, 4]
    predicted = [json.loads(line) for line in (mq9_run / "crs-mq9-reaper.sentences.jsonl").read_text().splitlines()]
    assert tasks[2]["data"]["exported_labels"] == [f"role:{predicted[1]['role']}", f"level:{predicted[1]['level']}"]
