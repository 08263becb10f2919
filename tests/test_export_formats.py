"""`argmine export` for spaCy and the annotation tools: each file loaded back by the consuming
library where it installs (spaCy), else checked against the tool's documented format."""

import dataclasses
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
import spacy
from click.testing import CliRunner
from spacy.tokens import DocBin
from spacy.training import Corpus

from argmine.cli import main
from argmine.exchange.export import label_studio_config, to_label_studio, to_prodigy
from argmine.exchange.spacy import cat_key, namespaced_labels, to_docbin
from argmine.gold import load_gold
from argmine.scheme import Label, load_scheme
from conftest import GOLD, REFERENCE

DOC = GOLD / "crs-us-japan-relations.jsonl"  # 75 rows, 2 of them excluded run-in headings


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def gold():
    return load_gold(DOC)


@pytest.fixture(scope="module")
def predictions(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    result = invoke("run", REFERENCE, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def scheme_with(label="evidence"):
    """The bundled scheme with one more role label, as a user might add it."""
    scheme = load_scheme()
    role = scheme.axis("role")
    role = dataclasses.replace(role, labels=(*role.labels, Label(label, "Cites data.")))
    return dataclasses.replace(scheme, axes=(role, *scheme.axes[1:]))


def test_spacy_docbin_loads_back_with_both_axes_namespaced(tmp_path, gold):
    out = tmp_path / "train.spacy"
    result = invoke("export", "--gold", DOC, "--format", "spacy", "--out", out)
    assert result.exit_code == 0, result.output
    kept = gold[~gold["exclude"]]
    assert result.output == f"73 sentences written to {out}\n"
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    assert len(docs) == len(kept) == 73  # excluded run-in headings are no training sentences
    scheme = load_scheme()
    for doc, row in zip(docs, kept.to_dict("records")):
        assert doc.text == row["text"]
        assert set(doc.cats) == set(namespaced_labels(scheme))
        for axis in scheme.axes:
            assert {k: v for k, v in doc.cats.items() if k.startswith(axis.name + ":")} == {
                cat_key(axis.name, label): float(label == row[axis.name]) for label in axis.names
            }
        assert (doc.user_data["doc_id"], doc.user_data["sent_id"]) == (row["doc_id"], row["sent_id"])
    examples = list(Corpus(str(out))(nlp))  # how `spacy train` reads its corpus
    assert len(examples) == 73
    assert examples[0].reference.cats["role:none"] == 1.0 and examples[0].reference.cats["level:grand_strategic"] == 1.0


def test_spacy_train_accepts_the_docbin(tmp_path, gold):
    """Two steps of `spacy train` with textcat_multilabel on the exported DocBin."""
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train

    data = tmp_path / "train.spacy"
    to_docbin(gold[~gold["exclude"]].head(30)).to_disk(data)
    config = init_config(lang="en", pipeline=["textcat_multilabel"], optimize="efficiency")
    config_path = tmp_path / "config.cfg"
    config.to_disk(config_path)
    overrides = {
        "paths.train": str(data),
        "paths.dev": str(data),
        "training.max_steps": 2,
        "training.eval_frequency": 1,
    }
    train(config_path, tmp_path / "model", overrides=overrides)
    trained = spacy.load(tmp_path / "model" / "model-last")
    assert set(trained.get_pipe("textcat_multilabel").labels) <= set(namespaced_labels())
    assert "role:recommendation" in trained("Japan should act.").cats


def test_docbin_of_predictions_keeps_confidences(tmp_path, predictions):
    out = tmp_path / "pred.spacy"
    assert invoke("export", "--pred", predictions, "--format", "spacy", "--out", out).exit_code == 0
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    lines = [json.loads(x) for x in (predictions / "japan-nato-cooperation.sentences.jsonl").read_text().splitlines()]
    assert len(docs) == len(lines) == 137
    assert docs[5].cats[cat_key("role", lines[5]["role"])] == 1.0
    assert docs[5].user_data["role_confidence"] == lines[5]["role_confidence"]


def test_label_studio_gold_tasks_and_config(tmp_path, gold):
    out = tmp_path / "ls"
    result = invoke("export", "--gold", DOC, "--format", "label-studio", "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["label_config.xml", "tasks.json"]
    config = ET.fromstring((out / "label_config.xml").read_text())
    assert config.tag == "View"
    objects = {t.get("name"): t.get("value") for t in config.iter("Text")}
    assert objects == {"section": "$section", "text": "$text"}
    controls = {c.get("name"): c for c in config.iter("Choices")}
    scheme = load_scheme()
    assert list(controls) == scheme.axis_names
    for axis in scheme.axes:
        control = controls[axis.name]
        assert control.get("toName") == "text" and control.get("choice") == "single-radio"
        assert [c.get("value") for c in control.iter("Choice")] == axis.names
    tasks = json.loads((out / "tasks.json").read_text())
    assert len(tasks) == len(gold) == 75
    ids = [r["id"] for t in tasks for a in t["annotations"] for r in a["result"]]
    assert len(ids) == len(set(ids)) == 150  # unique result ids, as Label Studio requires
    for task, row in zip(tasks, gold.to_dict("records")):
        assert set(task) == {"data", "annotations"}
        data = task["data"]
        assert data["text"] == row["text"] and data["section"] == row["section"]  # what $text and $section show
        assert (data["doc_id"], data["sent_id"], data["exclude"], data["annotator"]) == (
            row["doc_id"],
            row["sent_id"],
            row["exclude"],
            row["annotator"],
        )
        results = task["annotations"][0]["result"]
        for item in results:
            assert item["type"] == "choices" and item["to_name"] == "text"
            assert item["value"]["choices"][0] in [c.get("value") for c in controls[item["from_name"]].iter("Choice")]
        assert {r["from_name"]: r["value"]["choices"] for r in results} == {
            "role": [row["role"]],
            "level": [row["level"]],
        }


def test_label_studio_predictions_with_scores(tmp_path, predictions):
    out = tmp_path / "ls"
    assert invoke("export", "--pred", predictions, "--format", "label-studio", "--out", out).exit_code == 0
    tasks = json.loads((out / "tasks.json").read_text())
    lines = [json.loads(x) for x in (predictions / "japan-nato-cooperation.sentences.jsonl").read_text().splitlines()]
    assert len(tasks) == 137
    for task, line in zip(tasks, lines):
        assert set(task) == {"data", "predictions"}
        (prediction,) = task["predictions"]
        assert prediction["model_version"] == "argmine default"
        assert prediction["score"] == pytest.approx(line["role_confidence"] * line["level_confidence"], abs=1e-4)
        assert {r["from_name"]: r["value"]["choices"] for r in prediction["result"]} == {
            "role": [line["role"]],
            "level": [line["level"]],
        }
        assert task["data"]["role_confidence"] == line["role_confidence"]


def test_doccano_jsonl(tmp_path, gold):
    out = tmp_path / "gold.doccano.jsonl"
    assert invoke("export", "--gold", DOC, "--format", "doccano", "--out", out).exit_code == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 75
    for line, row in zip(lines, gold.to_dict("records")):
        assert line["text"] == row["text"]
        assert line["label"] == [f"role:{row['role']}", f"level:{row['level']}"]
        assert (line["doc_id"], line["sent_id"], line["section"]) == (row["doc_id"], row["sent_id"], row["section"])
        assert (line["exported_from"], line["exported_labels"], line["annotator"]) == (
            "gold",
            line["label"],
            row["annotator"],
        )


def test_doccano_predictions_say_they_are_predictions(tmp_path, predictions):
    """doccano has no predictions: its import makes every label the importing user's, so each record
    carries what argmine exported, for `argmine import` to tell reviewed labels from argmine's."""
    out = tmp_path / "pred.doccano.jsonl"
    assert invoke("export", "--pred", predictions, "--format", "doccano", "--out", out).exit_code == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 137
    assert {(x["exported_from"], x["model"]) for x in lines} == {("prediction", "argmine default")}
    assert all(x["exported_labels"] == x["label"] for x in lines)
    assert "annotator" not in lines[0]


def test_prodigy_choice_tasks(tmp_path, gold, predictions):
    out = tmp_path / "gold.prodigy.jsonl"
    assert invoke("export", "--gold", DOC, "--format", "prodigy", "--out", out).exit_code == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    for line, row in zip(lines, gold.to_dict("records")):
        option_ids = [o["id"] for o in line["options"]]
        assert option_ids == namespaced_labels() and all(o["text"] for o in line["options"])
        assert line["accept"] == [f"role:{row['role']}", f"level:{row['level']}"]
        assert set(line["accept"]) <= set(option_ids)
        assert line["answer"] == "accept"
        assert line["meta"]["sent_id"] == row["sent_id"] and line["meta"]["doc_id"] == row["doc_id"]
    out = tmp_path / "pred.prodigy.jsonl"
    assert invoke("export", "--pred", predictions, "--format", "prodigy", "--out", out).exit_code == 0
    first = json.loads(out.read_text().splitlines()[0])
    assert "answer" not in first  # to be answered; the predicted options come preselected
    assert set(first["meta"]) == {
        "doc_id",
        "sent_id",
        "section",
        "role_confidence",
        "level_confidence",
        "exported_from",
        "model",
        "exported_labels",
    }
    assert (first["meta"]["exported_from"], first["meta"]["model"]) == ("prediction", "argmine default")
    assert first["meta"]["exported_labels"] == first["accept"]  # what `argmine import` compares the answer with


def test_label_names_come_from_the_scheme():
    scheme = scheme_with("evidence")
    rows = pd.DataFrame({"text": ["The data show growth."], "role": ["evidence"], "level": ["none"]})
    config = ET.fromstring(label_studio_config(scheme))
    role = next(c for c in config.iter("Choices") if c.get("name") == "role")
    assert [c.get("value") for c in role.iter("Choice")] == [
        "benefit",
        "challenge",
        "recommendation",
        "none",
        "evidence",
    ]
    assert to_label_studio(rows, scheme)[0]["annotations"][0]["result"][0]["value"] == {"choices": ["evidence"]}
    assert "role:evidence" in [o["id"] for o in to_prodigy(rows, scheme)[0]["options"]]
    doc = next(iter(to_docbin(rows, scheme).get_docs(spacy.blank("en").vocab)))
    assert doc.cats["role:evidence"] == 1.0 and len(doc.cats) == 9


def test_export_needs_a_source(tmp_path):
    result = invoke("export", "--format", "doccano", "--out", tmp_path / "x.jsonl")
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: give --gold GOLD, --pred DIR, or both (predictions numbered by the gold's sentences)\n"
    )


def test_export_of_a_folder_without_predictions(tmp_path):
    result = invoke("export", "--pred", tmp_path, "--format", "doccano", "--out", tmp_path / "x.jsonl")
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {tmp_path}: no *.sentences.jsonl files in this folder; give an `argmine run` output folder\n"
    )


def test_label_studio_needs_a_folder(tmp_path):
    taken = tmp_path / "ls"
    taken.write_text("")
    result = invoke("export", "--gold", DOC, "--format", "label-studio", "--out", taken)
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {taken}: is a file; Label Studio export needs a folder for tasks.json and label_config.xml\n"
    )


def test_align_to_gold_says_where_the_segmentations_differ():
    """Merged, split and uncovered gold sentences: each gold sentence takes the labels of the
    predicted sentence overlapping it most, and every difference is named."""
    from argmine.exchange.export import align_to_gold

    gold = pd.DataFrame(
        {
            "doc_id": ["d"] * 5,
            "sent_id": [1, 2, 3, 4, 5],
            "section": [""] * 5,
            "text": ["A.", "B.", "C is long.", "D.", "E."],
            "start": [0, 10, 20, 40, 60],
            "end": [8, 18, 38, 48, 68],
        }
    )
    pred = pd.DataFrame(
        {
            "doc_id": ["d"] * 5 + ["other"],
            "sent_id": [1, 2, 3, 4, 5, 1],
            "section": [""] * 6,
            "text": ["A.", "B. C is", "long.", "D.", "Tail.", "Elsewhere."],
            "start": [0, 10, 30, 40, 70, 0],
            "end": [8, 29, 38, 48, 80, 10],
            "role": ["none", "benefit", "challenge", "none", "none", "none"],
            "level": ["none"] * 6,
            "role_confidence": [0.5] * 6,
        }
    )
    rows, differences = align_to_gold(pred, gold)
    assert differences == [
        "d: gold sentence 3 spans predicted sentences 2 and 3 (it takes the labels of 2)",
        "d: gold sentence 5 has no predicted sentence; left out",
        "d: predicted sentence 2 spans gold sentences 2 and 3",
    ]
    assert list(zip(rows["doc_id"], rows["sent_id"], rows["run_sent_id"].fillna(0).astype(int), rows["role"])) == [
        ("d", 1, 1, "none"),
        ("d", 2, 2, "benefit"),
        ("d", 3, 2, "benefit"),
        ("d", 4, 4, "none"),
        ("other", 1, 0, "none"),  # a document the gold does not hold keeps its own sentences
    ]
    assert list(rows["text"][:4]) == ["A.", "B.", "C is long.", "D."]  # the gold's text
