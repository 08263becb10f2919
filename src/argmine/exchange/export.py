"""Labelled datasets out of argmine: flat tables, a spaCy DocBin, and the task formats of
the annotation tools Label Studio, doccano and Prodigy.

Every exporter takes rows (a DataFrame of sentences: ``text`` and the axes' labels, plus
``doc_id``, ``sent_id``, ``section`` ... where known), from the gold (``load_gold``) or from
``argmine run`` predictions (``load_predictions``). Label names come from the label scheme;
where both axes share one field they are namespaced by their axis: ``role:benefit``,
``level:none`` (``cat_key``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..files import atomic, json_lines, read_text, write_atomic
from ..gold import load_gold
from ..scheme import Scheme, load_scheme
from .spacy import cat_key, to_docbin
from .spacy import plain as _plain

TABLE_FORMATS = ("csv", "jsonl", "parquet")
TOOL_FORMATS = ("spacy", "label-studio", "doccano", "prodigy")
FORMATS = TABLE_FORMATS + TOOL_FORMATS

# Row fields carried along with the text into a Label Studio task's data, a doccano line, a
# Prodigy task's meta: what `argmine import` reads back (a Doc's user_data: spacy.DOC_META).
TASK_META = ("doc_id", "sent_id", "section", "exclude", "note", "annotator")
# Beside them, what argmine exported: `exported_from` ("gold", or "prediction" with the `model`)
# and `exported_labels` (the namespaced labels, one per axis), so that `argmine import` can tell
# labels a person changed or confirmed from argmine's own, whatever the tool records; and, for
# predictions numbered by the gold's sentences, `run_sent_id` (the predicted sentence's own id).
EXPORTED_FROM = "exported_from"
EXPORTED_LABELS = "exported_labels"

LABEL_STUDIO_TASKS = "tasks.json"
LABEL_STUDIO_CONFIG = "label_config.xml"
LABEL_STUDIO_TEXT = "text"  # name of the Text object tag the Choices label


def export_gold(gold: str | Path, fmt: str, out: str | Path, documents: str | Path | None = None) -> int:
    """Write the gold as csv, jsonl or parquet; returns the number of rows."""
    return write_table(load_gold(gold, documents), fmt, out)


def export(
    fmt: str,
    out: str | Path,
    gold: str | Path | None = None,
    pred: str | Path | None = None,
    documents: str | Path | None = None,
) -> dict:
    """Export the gold (``gold``) or predictions (``pred``: an ``argmine run`` folder or a sentences
    JSONL file) in ``fmt``; returns ``{"rows": n, "files": [written paths], "differences": [...]}``.

    Given both, the predictions of the gold's documents are exported sentence by gold sentence
    (``align_to_gold``): the gold's ``sent_id`` and text, the labels of the predicted sentence that
    overlaps it most; ``differences`` says where the two segmentations part (else it is empty).
    """
    differences: list[str] = []
    if pred is None:
        rows = load_gold(gold, documents)
    else:
        rows = load_predictions(pred)
        if gold is not None:
            rows, differences = align_to_gold(rows, load_gold(gold, documents))
    if fmt in TABLE_FORMATS:
        return {"rows": write_table(rows, fmt, out), "files": [Path(out)], "differences": differences}
    predicted = pred is not None
    if fmt == "spacy" and "exclude" in rows:
        rows = rows[~rows["exclude"].astype(bool)]
    files = export_annotations(
        rows, fmt, out, predicted=predicted, version=model_version(pred) if predicted else "gold"
    )
    return {"rows": len(rows), "files": files, "differences": differences}


def align_to_gold(pred: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Predictions renumbered by the gold's sentences, for the documents the gold holds.

    Each gold sentence becomes one row: the gold's ``doc_id``, ``sent_id``, ``section`` and text,
    with the labels and confidences of the predicted sentence overlapping it most (by character
    offsets in the cleaned document, as ``argmine evaluate --pred`` matches them) and that
    sentence's own id as ``run_sent_id``. Predicted documents the gold does not hold keep their
    own rows. Returns the rows and one line per place where the segmentations differ, e.g.
    ``crs-mq9-reaper: predicted sentence 2 spans gold sentences 2 and 3``.
    """
    if not {"start", "end"} <= set(pred.columns):
        raise InputError("the predictions have no start and end offsets; give `argmine run` sentences to align")
    gold_docs = set(gold["doc_id"])
    shared = [d for d in pd.unique(pred["doc_id"]) if d in gold_docs]
    if not shared:
        raise InputError(
            "no predicted document is in the gold; run `argmine run` on the gold's documents "
            f"({', '.join(sorted(gold_docs)[:3])}{', ...' if len(gold_docs) > 3 else ''})"
        )
    out, differences = [], []
    label_columns = [c for c in pred.columns if c not in ("doc_id", "sent_id", "section", "text", "start", "end")]
    for doc_id in pd.unique(pred["doc_id"]):
        predicted = pred[pred["doc_id"] == doc_id]
        if doc_id not in gold_docs:
            out += predicted.to_dict("records")
            continue
        sentences = gold[gold["doc_id"] == doc_id].sort_values("sent_id")
        starts, ends = predicted["start"].to_numpy(), predicted["end"].to_numpy()
        run_ids = [int(i) for i in predicted["sent_id"]]
        records = predicted.to_dict("records")
        spans: dict[int, list[int]] = {}  # predicted sentence -> the gold sentences overlapping it
        for g in sentences.to_dict("records"):
            overlap = (np.minimum(ends, g["end"]) - np.maximum(starts, g["start"])).clip(min=0)
            parts = [run_ids[i] for i in np.flatnonzero(overlap)]
            for r in parts:
                spans.setdefault(r, []).append(int(g["sent_id"]))
            if not parts:
                differences.append(f"{doc_id}: gold sentence {g['sent_id']} has no predicted sentence; left out")
                continue
            best = int(overlap.argmax())
            if len(parts) > 1:
                differences.append(
                    f"{doc_id}: gold sentence {g['sent_id']} spans predicted sentences {_and(parts)} "
                    f"(it takes the labels of {run_ids[best]})"
                )
            row = {key: g[key] for key in ("doc_id", "sent_id", "section", "text", "start", "end")}
            row.update({key: records[best][key] for key in label_columns})
            row["run_sent_id"] = run_ids[best]
            out.append(row)
        for r, ids in spans.items():
            if len(ids) > 1:
                differences.append(f"{doc_id}: predicted sentence {r} spans gold sentences {_and(ids)}")
    return pd.DataFrame(out), differences


def _and(ids: list[int]) -> str:
    return ", ".join(map(str, ids[:-1])) + f" and {ids[-1]}" if len(ids) > 1 else str(ids[0])


def write_table(data: pd.DataFrame, fmt: str, out: str | Path) -> int:
    """Write rows as one flat table (csv, jsonl or parquet); returns the number of rows."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_atomic(out, data.to_csv(index=False))
    elif fmt == "jsonl":
        write_atomic(out, data.to_json(orient="records", lines=True, force_ascii=False))
    elif fmt == "parquet":
        with atomic(out) as tmp:
            data.to_parquet(tmp, index=False)
    else:
        raise ValueError(f"unknown format {fmt}")
    return len(data)


def load_predictions(path: str | Path, scheme: Scheme | None = None) -> pd.DataFrame:
    """Predicted sentences as rows: every ``*.sentences.jsonl`` of an ``argmine run`` output folder
    (sorted by name), or one JSONL file of sentence records (such as ``argmine suggest --out``)."""
    scheme = scheme or load_scheme()
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.sentences.jsonl"))
        if not files:
            raise InputError(f"{path}: no *.sentences.jsonl files in this folder; give an `argmine run` output folder")
    elif path.exists():
        files = [path]
    else:
        raise InputError(f"{path}: no such predictions folder or file; check the path")
    rows = []
    for file in files:
        for where, row in json_lines(file, read_text(file, InputError), InputError):
            if "text" not in row:
                raise InputError(f"{where}: not a sentence record (no 'text'); give `argmine run` sentences")
            for axis in scheme.axes:
                if row.get(axis.name) not in axis.names:
                    raise InputError(
                        f"{where}: unknown {axis.name} label {row.get(axis.name)!r}; use one of {', '.join(axis.names)}"
                    )
            rows.append(row)
    if not rows:
        raise InputError(f"{path}: no sentences in the predictions; run `argmine run` on documents with text")
    return pd.DataFrame(rows)


def model_version(path: str | Path) -> str:
    """The model named in an output folder's run.json (or beside a predictions file), else 'argmine'."""
    path = Path(path)
    run = (path if path.is_dir() else path.parent) / "run.json"
    try:
        return f"argmine {json.loads(run.read_text(encoding='utf-8'))['model']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "argmine"


def to_label_studio(
    rows: pd.DataFrame, scheme: Scheme | None = None, predicted: bool = False, version: str = "argmine"
) -> list[dict]:
    """Label Studio tasks, one per row: ``data`` holds the text and the row's fields; the labels
    are one ``choices`` result per axis (``from_name`` the axis, ``to_name`` "text"), as the
    task's ``annotations`` for gold rows, or for predicted rows as ``predictions`` with
    ``model_version`` and ``score`` (the product of the axes' confidences, as in the summary;
    the per-axis confidences are in ``data`` too)."""
    scheme = scheme or load_scheme()
    tasks = []
    for i, record in enumerate(rows.to_dict("records"), 1):
        data = {LABEL_STUDIO_TEXT: str(record["text"])}
        data.update(_meta(record, predicted, scheme, version))
        result = []
        for axis in scheme.axes:
            label = _plain(record.get(axis.name))
            if label in (None, ""):
                continue
            result.append(
                {
                    "id": f"t{i}-{axis.name}",
                    "type": "choices",
                    "from_name": axis.name,
                    "to_name": LABEL_STUDIO_TEXT,
                    "value": {"choices": [label]},
                }
            )
        task: dict = {"data": data}
        if predicted:
            score = math.prod(
                float(record[f"{axis.name}_confidence"]) for axis in scheme.axes if f"{axis.name}_confidence" in record
            )
            task["predictions"] = [{"model_version": version, "score": round(score, 4), "result": result}]
        elif result:
            task["annotations"] = [{"result": result}]
        tasks.append(task)
    return tasks


def label_studio_config(scheme: Scheme | None = None) -> str:
    """Label Studio's labelling config: the section heading and the sentence as Text objects, and
    one single-choice Choices control per axis, named after the axis, with one Choice per label."""
    import xml.etree.ElementTree as ET

    scheme = scheme or load_scheme()
    view = ET.Element("View")
    ET.SubElement(view, "Text", name="section", value="$section")  # the heading, shown above the sentence
    ET.SubElement(view, "Text", name=LABEL_STUDIO_TEXT, value=f"${LABEL_STUDIO_TEXT}")
    for axis in scheme.axes:
        ET.SubElement(view, "Header", value=f"{axis.name}: {axis.question}" if axis.question else axis.name)
        choices = ET.SubElement(
            view,
            "Choices",
            name=axis.name,
            toName=LABEL_STUDIO_TEXT,
            choice="single-radio",
            showInline="true",
            required="true",
        )
        for label in axis.names:
            ET.SubElement(choices, "Choice", value=label)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def to_doccano(
    rows: pd.DataFrame, scheme: Scheme | None = None, predicted: bool = False, version: str = "argmine"
) -> list[dict]:
    """doccano text-classification JSONL records: ``text``, ``label`` (a list of namespaced
    labels, one per axis) and the row's fields beside them (doccano keeps them as metadata).
    doccano has no predictions: predicted labels become the importing user's labels, so the
    records say ``"exported_from": "prediction"``, and ``argmine import`` leaves out those
    nobody changed unless told they were reviewed."""
    scheme = scheme or load_scheme()
    records = []
    for record in rows.to_dict("records"):
        labels = exported_labels(record, scheme)
        records.append({"text": str(record["text"]), "label": labels, **_meta(record, predicted, scheme, version)})
    return records


def to_prodigy(
    rows: pd.DataFrame, scheme: Scheme | None = None, predicted: bool = False, version: str = "argmine"
) -> list[dict]:
    """Prodigy tasks for its ``choice`` interface (the format of ``textcat.manual``): ``text``,
    ``options`` (every namespaced label, ``id`` and display ``text``), ``accept`` (the selected
    option ids, one per axis) and ``meta`` (the row's fields, shown in the app). Gold rows carry
    ``"answer": "accept"``; predicted rows leave the answer to the annotator, their labels
    preselected."""
    scheme = scheme or load_scheme()
    options = [
        {"id": cat_key(axis.name, label), "text": f"{axis.name}: {label}"}
        for axis in scheme.axes
        for label in axis.names
    ]
    tasks = []
    for record in rows.to_dict("records"):
        accept = exported_labels(record, scheme)
        task = {
            "text": str(record["text"]),
            "options": options,
            "accept": accept,
            "meta": _meta(record, predicted, scheme, version),
        }
        if not predicted:
            task["answer"] = "accept"
        tasks.append(task)
    return tasks


def export_annotations(
    rows: pd.DataFrame,
    fmt: str,
    out: str | Path,
    predicted: bool = False,
    version: str = "argmine",
    scheme: Scheme | None = None,
) -> list[Path]:
    """Write rows in an annotation-tool or spaCy format; returns the files written.

    ``spacy``: ``out`` is the ``.spacy`` file. ``label-studio``: ``out`` is a folder that receives
    ``tasks.json`` and ``label_config.xml``. ``doccano`` and ``prodigy``: ``out`` is a JSONL file.
    """
    scheme = scheme or load_scheme()
    out = Path(out)
    if fmt == "spacy":
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic(out) as tmp:
            to_docbin(rows, scheme).to_disk(tmp)
        return [out]
    if fmt == "label-studio":
        if out.exists() and not out.is_dir():
            raise InputError(
                f"{out}: is a file; Label Studio export needs a folder "
                f"for {LABEL_STUDIO_TASKS} and {LABEL_STUDIO_CONFIG}"
            )
        out.mkdir(parents=True, exist_ok=True)
        tasks = to_label_studio(rows, scheme, predicted, version)
        write_atomic(out / LABEL_STUDIO_TASKS, json.dumps(tasks, indent=1, ensure_ascii=False) + "\n")
        write_atomic(out / LABEL_STUDIO_CONFIG, label_studio_config(scheme))
        return [out / LABEL_STUDIO_TASKS, out / LABEL_STUDIO_CONFIG]
    if fmt in ("doccano", "prodigy"):
        convert = to_doccano if fmt == "doccano" else to_prodigy
        out.parent.mkdir(parents=True, exist_ok=True)
        records = convert(rows, scheme, predicted, version)
        write_atomic(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        return [out]
    raise ValueError(f"unknown format {fmt}")


def _meta(record: dict, predicted: bool, scheme: Scheme, version: str = "argmine") -> dict:
    """The row's fields that travel with the text: ids, section, and the gold's exclude, note and
    annotator, or the predictions' confidences (and ``run_sent_id`` where they are numbered by the
    gold's sentences); then what argmine exported: ``exported_from`` (``gold``, or ``prediction``
    with the ``model``) and ``exported_labels``."""
    keys = list(TASK_META)
    if predicted:
        keys += [f"{a}_confidence" for a in scheme.axis_names] + ["run_sent_id"]
    meta = {}
    for key in keys:
        if key in record:
            value = _plain(record[key])
            if value is not None:
                meta[key] = value
    meta[EXPORTED_FROM] = "prediction" if predicted else "gold"
    if predicted:
        meta["model"] = version
    meta[EXPORTED_LABELS] = exported_labels(record, scheme)
    return meta


def exported_labels(record: dict, scheme: Scheme) -> list[str]:
    """A row's labels, namespaced, in the scheme's axis order (``["role:none", "level:strategic"]``)."""
    return [
        cat_key(axis.name, _plain(record[axis.name]))
        for axis in scheme.axes
        if _plain(record.get(axis.name)) not in (None, "")
    ]
