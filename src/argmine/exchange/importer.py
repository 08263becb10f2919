"""Annotations from Label Studio, doccano and Prodigy back into a gold file.

Each reader turns a tool's export into gold rows (the fields of ``argmine.gold``: ``doc_id,
sent_id, section, text``, one label per axis, ``annotator``, and ``exclude`` and ``note``
where known), checked against the label scheme; a problem is one line naming the file and
the line of the offending task (for Label Studio also the task's id, doc_id and sent_id). The
fields argmine exported beside the text (``doc_id``, ``sent_id``, ``section`` ...) come back
from the task's data or meta; a task without them takes the default document id and its position.

Who labelled: what the tool records (Label Studio's ``completed_by``, its id and, where the
export carries it, email; the doccano user whose export file it is; Prodigy's ``_annotator_id``
and ``_session_id``) lands in ``tool_annotator``, beside ``annotator``: the annotator argmine
exported where the labels are still the ones it exported (``exported_labels``), else the tool's user.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import AnnotationError
from ..files import json_lines, read_text, write_atomic
from ..scheme import Scheme, load_scheme
from .export import EXPORTED_FROM, EXPORTED_LABELS, LABEL_STUDIO_TEXT, TASK_META
from .spacy import cat_key

FORMATS = ("label-studio", "doccano", "prodigy")
# Tools without a notion of predictions: argmine's predicted labels become ordinary labels there,
# so those nobody changed are left out unless the export is declared reviewed.
WITHOUT_PREDICTIONS = ("doccano",)


def import_annotations(
    path: str | Path,
    fmt: str,
    doc_id: str = "",
    annotator: str | None = None,
    scheme: Scheme | None = None,
    reviewed: bool = False,
) -> dict:
    """Read a tool's export; returns ``{"rows": [gold row, ...], "skipped": n, "unreviewed": n}``.

    ``doc_id`` is the document id of tasks that carry none; a task without ``sent_id`` takes
    its position among the file's tasks (sentences, for Prodigy's binary answers).
    ``annotator`` selects by what the tool writes: Label Studio's user id or email, Prodigy's
    ``_annotator_id`` or ``_session_id`` (an export may hold several annotators per sentence);
    doccano writes no user into its export but one file per user, so for doccano it names the
    user whose file this is. Tasks without a usable annotation (unlabelled, cancelled, rejected
    or ignored) are skipped and counted. In a doccano export, sentences exported as argmine's
    predictions whose labels nobody changed are left out and counted as ``unreviewed``, unless
    ``reviewed`` (the export holds only examples a person checked: doccano's approved ones).
    """
    scheme = scheme or load_scheme()
    path = Path(path)
    if not path.is_file():
        raise AnnotationError(f"{path}: no such annotation file; check the path")
    readers = {"label-studio": _label_studio, "doccano": _doccano, "prodigy": _prodigy}
    if fmt not in readers:
        raise AnnotationError(f"{path}: unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    text = read_text(path, AnnotationError)
    found, skipped, annotators = readers[fmt](path, text, scheme, annotator)
    rows = []
    unreviewed = []
    ids: dict[tuple[str, int], str] = {}
    for where, row in found:
        row["doc_id"] = str(row.get("doc_id") or doc_id)
        if not row["doc_id"]:
            raise AnnotationError(f"{where}: no doc_id in the task; give the document id (--doc-id)")
        if not isinstance(row["sent_id"], int) or isinstance(row["sent_id"], bool) or row["sent_id"] < 1:
            raise AnnotationError(f"{where}: sent_id must be a positive integer, got {row['sent_id']!r}")
        key = (row["doc_id"], row["sent_id"])
        if key in ids:
            raise AnnotationError(
                f"{where}: sentence {row['sent_id']} of '{row['doc_id']}' is labelled "
                f"again (first at {ids[key]}); keep one annotation per sentence"
            )
        ids[key] = where
        exported = row.get(EXPORTED_LABELS)
        known = isinstance(exported, list)
        changed = known and sorted(cat_key(a, row[a]) for a in scheme.axis_names) != sorted(map(str, exported))
        if fmt in WITHOUT_PREDICTIONS and row.get(EXPORTED_FROM) == "prediction" and known and not changed:
            if not reviewed:
                unreviewed.append(where)
                continue
        who = row.pop("_who", "")  # the tool's user, as the reader found it
        if row.get("annotator") and known and not changed:
            pass  # still the labels argmine exported: their annotator stands
        elif who:
            row["annotator"] = who
        elif not (row.get("annotator") and not known):
            row["annotator"] = annotator or ""
        rows.append(_gold_row(row, scheme))
    if not rows:
        if unreviewed:
            raise AnnotationError(
                f"{path}: all {len(unreviewed)} labelled sentences are argmine's predictions as exported, "
                "unchanged: nobody reviewed them; label or confirm them in the tool, then export the approved "
                "examples only and pass --reviewed"
            )
        if annotator and annotators and annotator not in annotators:
            raise AnnotationError(
                f"{path}: no annotation by '{annotator}' (the file's annotators: {', '.join(sorted(annotators))}); "
                "give one of them to --annotator"
            )
        raise AnnotationError(f"{path}: no labelled sentences in the file ({skipped} skipped); label some first")
    rows.sort(key=lambda r: (r["doc_id"], r["sent_id"]))
    return {"rows": rows, "skipped": skipped, "unreviewed": len(unreviewed)}


def write_gold(rows: list[dict], out: str | Path) -> Path:
    """Write gold rows as JSON Lines (atomically)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return out


def _gold_row(row: dict, scheme: Scheme) -> dict:
    gold = {key: row[key] for key in ("doc_id", "sent_id", "section", "text")}
    gold.update({axis: row[axis] for axis in scheme.axis_names})
    gold["annotator"] = str(row.get("annotator") or "")
    if row.get("_tool"):
        gold["tool_annotator"] = row["_tool"]
    if row.get("exclude"):
        gold["exclude"] = True
    if row.get("note"):
        gold["note"] = str(row["note"])
    return gold


def _check(where: str, labels: dict[str, list[str]], scheme: Scheme) -> dict[str, str]:
    """One known label per axis, or a one-line error."""
    out = {}
    for axis in scheme.axes:
        chosen = labels.get(axis.name, [])
        if not chosen:
            raise AnnotationError(f"{where}: no {axis.name} label; label every axis ({', '.join(scheme.axis_names)})")
        if len(chosen) > 1:
            raise AnnotationError(f"{where}: {len(chosen)} {axis.name} labels ({', '.join(chosen)}); keep one per axis")
        if chosen[0] not in axis.names:
            raise AnnotationError(
                f"{where}: unknown {axis.name} label '{chosen[0]}'; use one of {', '.join(axis.names)}"
            )
        out[axis.name] = chosen[0]
    return out


def _namespaced(where: str, names, scheme: Scheme) -> dict[str, list[str]]:
    """``["role:benefit", "level:none"]`` -> ``{"role": ["benefit"], "level": ["none"]}``."""
    if not isinstance(names, list):
        raise AnnotationError(f"{where}: labels must be a list of axis:label names, got {names!r}")
    labels: dict[str, list[str]] = {}
    for name in names:
        axis, sep, label = str(name).partition(":")
        if not sep or axis not in scheme.axis_names:
            raise AnnotationError(
                f"{where}: label '{name}' names no axis; write it as axis:label, "
                f"e.g. {scheme.axes[0].name}:{scheme.axes[0].names[0]}"
            )
        labels.setdefault(axis, []).append(label)
    return labels


def _fields(where: str, source: dict, text, position: int) -> dict:
    """The sentence and the fields argmine exported beside it; ``sent_id`` defaults to ``position``."""
    if not isinstance(text, str) or not text.strip():
        raise AnnotationError(f"{where}: the task has no text")
    row = {"text": text, "section": str(source.get("section") or ""), "sent_id": position}
    for key in (*TASK_META, EXPORTED_FROM, EXPORTED_LABELS):
        if key in source and key != "section" and source[key] is not None:
            row[key] = source[key]
    return row


def _json_array(path: Path, text: str):
    """The items of a JSON array (or one object), each with the line it starts on."""
    decoder = json.JSONDecoder()
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnnotationError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); give Label Studio's JSON export"
        ) from None
    if isinstance(whole, dict):
        yield f"{path}:{text[: len(text) - len(text.lstrip())].count(chr(10)) + 1}", whole
        return
    if not isinstance(whole, list):
        raise AnnotationError(f"{path}:1: not a list of tasks; give Label Studio's JSON export")
    at = text.index("[") + 1
    for _ in whole:
        while text[at] in " \t\r\n,":
            at += 1
        item, end = decoder.raw_decode(text, at)
        where = f"{path}:{text.count(chr(10), 0, at) + 1}"
        if not isinstance(item, dict):
            raise AnnotationError(f"{where}: not a task object; give Label Studio's JSON export")
        yield where, item
        at = end


def _task_where(where: str, task: dict, data: dict) -> str:
    """A Label Studio task's place: its line, and its id, doc_id and sent_id where it has them (an
    export on one line says nothing by its line alone)."""
    named = [
        f"{key} {value}"
        for key, value in (("task", task.get("id")), ("doc_id", data.get("doc_id")), ("sent_id", data.get("sent_id")))
        if value is not None
    ]
    return f"{where} ({', '.join(named)})" if named else where


def _label_studio(path: Path, text: str, scheme: Scheme, annotator: str | None):
    """Label Studio's JSON export: a list of tasks with ``data`` and ``annotations`` (older
    versions: ``completions``), each annotation a ``result`` list of ``choices`` items whose
    ``from_name`` is an axis; ``completed_by`` (a user id, or an object with ``id`` and ``email``
    in the exports made with full user details) is who labelled."""
    found, skipped, annotators = [], 0, set()
    for position, (line, task) in enumerate(_json_array(path, text), 1):
        data = task.get("data", task)
        if not isinstance(data, dict):
            raise AnnotationError(f"{line}: the task's data is not an object")
        where = _task_where(line, task, data)
        annotations = [
            a
            for a in task.get("annotations", task.get("completions")) or []
            if isinstance(a, dict) and not a.get("was_cancelled")
        ]
        for a in annotations:
            annotators.update(_ls_names(a))
        if annotator:
            annotations = [a for a in annotations if annotator in _ls_names(a)]
        if not annotations:
            skipped += 1
            continue
        if len(annotations) > 1:
            by = ", ".join(_ls_user(a)[1] or "?" for a in annotations)
            raise AnnotationError(
                f"{where}: {len(annotations)} annotations of one task (by {by}); choose one annotator with --annotator"
            )
        annotation = annotations[0]
        labels: dict[str, list[str]] = {}
        for item in annotation.get("result") or []:
            if item.get("type") == "choices" and item.get("from_name") in scheme.axis_names:
                labels.setdefault(item["from_name"], []).extend((item.get("value") or {}).get("choices") or [])
        row = _fields(where, data, data.get(LABEL_STUDIO_TEXT), position)
        row.update(_check(where, labels, scheme))
        row["_tool"], row["_who"] = _ls_user(annotation)
        found.append((where, row))
    return found, skipped, annotators


def _ls_user(annotation: dict) -> tuple[dict | None, str]:
    """What Label Studio recorded about who made an annotation, and the name that stands for it:
    the email where the export has it, else the user id."""
    who = annotation.get("completed_by")
    if who is None:
        return None, ""
    if isinstance(who, dict):
        tool = {"tool": "label-studio", **{k: who[k] for k in ("id", "email") if who.get(k) is not None}}
        return tool, str(who.get("email") or who.get("id") or "")
    return {"tool": "label-studio", "id": who}, str(who)


def _ls_names(annotation: dict) -> set[str]:
    """The names --annotator may give for an annotation's user: its id and its email."""
    tool, _ = _ls_user(annotation)
    return {str(tool[k]) for k in ("id", "email") if k in tool} if tool else set()


def _doccano(path: Path, text: str, scheme: Scheme, annotator: str | None):
    """doccano's text-classification JSONL: ``text`` and ``label`` (namespaced labels, one per
    axis); argmine's fields beside them or under ``meta``. doccano writes no user per label but
    one file per user (``<username>.jsonl`` in the export's zip): ``annotator`` names that user;
    a ``user`` or ``username`` field, where an export has one, is used instead, and selected by."""
    found, skipped, annotators = [], 0, set()
    for position, (where, item) in enumerate(json_lines(path, text, AnnotationError), 1):
        source = {**(item.get("meta") if isinstance(item.get("meta"), dict) else {}), **item}
        labels = item.get("label", item.get("labels"))
        user = source.get("user") or source.get("username")
        if user is not None:
            annotators.add(str(user))
        if not labels:
            skipped += 1
            continue
        if annotator and user is not None and str(user) != annotator:
            skipped += 1
            continue
        row = _fields(where, source, item.get("text"), position)
        row.update(_check(where, _namespaced(where, labels, scheme), scheme))
        who = str(user) if user is not None else (annotator or "")
        row["_tool"], row["_who"] = ({"tool": "doccano", "user": who} if who else None), who
        found.append((where, row))
    return found, skipped, annotators


def _prodigy(path: Path, text: str, scheme: Scheme, annotator: str | None):
    """Prodigy's JSONL (``db-out``): choice tasks with ``accept`` (namespaced option ids), or
    binary tasks with one ``label`` each, merged per sentence; only ``"answer": "accept"``
    counts. argmine's fields are in ``meta``; who answered is ``_annotator_id`` (or ``_session_id``)."""
    merged: dict[tuple, tuple[str, dict, dict[str, list[str]]]] = {}
    positions: dict[tuple, int] = {}
    skipped, annotators = 0, set()
    for where, item in json_lines(path, text, AnnotationError):
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        sentence = (meta.get("doc_id"), meta.get("sent_id"), item.get("text"))
        position = positions.setdefault(sentence, len(positions) + 1)
        tool = {
            "tool": "prodigy",
            **{k.strip("_"): item[k] for k in ("_annotator_id", "_session_id") if item.get(k) is not None},
        }
        names = {str(item[k]) for k in ("_annotator_id", "_session_id") if item.get(k) is not None}
        annotators |= names
        if annotator and names and annotator not in names:
            skipped += 1
            continue
        if item.get("answer") != "accept":
            skipped += 1
            continue
        if "accept" in item:
            labels = _namespaced(where, item["accept"], scheme)
        elif "label" in item:
            labels = _namespaced(where, [item["label"]], scheme)
        else:
            raise AnnotationError(
                f"{where}: neither 'accept' nor 'label'; give Prodigy's choice or binary textcat annotations"
            )
        row = _fields(where, meta, item.get("text"), position)
        row["_tool"] = tool if names else None
        row["_who"] = str(item.get("_annotator_id") or item.get("_session_id") or "")
        key = (row.get("doc_id"), row["sent_id"])
        if key not in merged:
            merged[key] = (where, row, {})
        for axis, names_ in labels.items():
            merged[key][2].setdefault(axis, []).extend(names_)
    found = []
    for where, row, labels in merged.values():
        row.update(_check(where, labels, scheme))
        found.append((where, row))
    return found, skipped, annotators
