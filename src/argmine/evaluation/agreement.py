"""Agreement between two annotators: Cohen's kappa and Krippendorff's alpha per axis, the
confusion between them, and the sentences they labelled differently.

An annotation file is JSON Lines with ``sent_id`` and one label per axis on each line: an
annotation pass (``corpus/annotations/DOC.A.jsonl``: ``sent_id, role, level, exclude, note``)
or a gold file (with ``doc_id`` and ``text``). Rows pair up by ``(doc_id, sent_id)``; rows
that both annotators excluded are not compared, as in the guidelines' agreement table.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..errors import AnnotationError, ArgmineError
from ..files import json_lines, read_text
from ..scheme import Scheme, load_scheme
from ..types import SCHEMA_VERSION


def krippendorff_alpha(units: list[list]) -> float | None:
    """Krippendorff's alpha for nominal data.

    ``units`` holds, per unit (sentence), the values the coders gave it; ``None`` is a
    missing value. Units with fewer than two values are not pairable and drop out. From the
    coincidence matrix: alpha = 1 - (n - 1) * D_o / D_e with D_o the coincidences off the
    diagonal and D_e the off-diagonal products of the value totals (Krippendorff 2011,
    "Computing Krippendorff's Alpha-Reliability"). None when nothing is pairable; 1.0 when
    every pairable value is the same (no variation, no disagreement).
    """
    coincidences: Counter = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidences[c, k] += 1 / (m - 1)
    n = sum(coincidences.values())
    if n == 0:
        return None
    totals: Counter = Counter()
    for (c, _), value in coincidences.items():
        totals[c] += value
    observed = sum(v for (c, k), v in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if expected == 0:
        return 1.0
    return 1 - (n - 1) * observed / expected


def read_annotations(path: str | Path, scheme: Scheme | None = None) -> list[dict]:
    """The rows of an annotation pass or gold file, each with its ``line``, labels checked."""
    scheme = scheme or load_scheme()
    path = Path(path)
    if not path.is_file():
        raise AnnotationError(f"{path}: no such annotation file; check the path")
    rows = []
    seen: dict[tuple, int] = {}
    for where, row in json_lines(path, read_text(path, AnnotationError), AnnotationError):
        for key in ("sent_id", *scheme.axis_names):
            if key not in row:
                raise AnnotationError(
                    f"{where}: missing field '{key}'; every row needs sent_id, {', '.join(scheme.axis_names)}"
                )
        if not isinstance(row["sent_id"], int) or row["sent_id"] < 1:
            raise AnnotationError(f"{where}: sent_id must be a positive integer, got {row['sent_id']!r}")
        for axis in scheme.axes:
            if row[axis.name] not in axis.names:
                raise AnnotationError(
                    f"{where}: unknown {axis.name} label '{row[axis.name]}'; use one of {', '.join(axis.names)}"
                )
        key = (row.get("doc_id") or "", row["sent_id"])
        if key in seen:
            raise AnnotationError(
                f"{where}: sentence {row['sent_id']} is labelled twice "
                f"(also line {seen[key]}); keep one row per sentence"
            )
        number = int(where.rsplit(":", 1)[1])
        seen[key] = number
        rows.append({**row, "line": number})
    if not rows:
        raise AnnotationError(f"{path}: no rows; add one JSON object per sentence")
    return rows


def agreement(a: str | Path, b: str | Path, documents: str | Path | None = None, scheme: Scheme | None = None) -> dict:
    """Compare two annotators' files. Returns per axis kappa, alpha, observed agreement and the
    confusion matrix (rows: A's labels, columns: B's), the row counts, and the disagreements.

    Sentences without ``text`` in the files take it from their document, segmented as argmine
    segments it (the annotation passes number those sentences): ``documents`` is the folder of
    raw documents (default: ``raw/`` beside the files' folder) and the document id is the file
    name before its first dot (``crs-mq9-reaper.A.jsonl``).
    """
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    scheme = scheme or load_scheme()
    rows_a, rows_b = read_annotations(a, scheme), read_annotations(b, scheme)
    by_key_b = {(r.get("doc_id") or "", r["sent_id"]): r for r in rows_b}
    keys_a = {(r.get("doc_id") or "", r["sent_id"]) for r in rows_a}
    pairs, both_excluded = [], 0
    for ra in rows_a:
        rb = by_key_b.get((ra.get("doc_id") or "", ra["sent_id"]))
        if rb is None:
            continue
        if ra.get("exclude") and rb.get("exclude"):
            both_excluded += 1
            continue
        pairs.append((ra, rb))
    if not pairs:
        raise AnnotationError(
            f"{b}: no sentence pairs with {a} (rows pair by doc_id and "
            "sent_id); compare two annotations of the same document"
        )
    texts = _texts(Path(a), [ra for ra, _ in pairs], documents)
    axes = {}
    for axis in scheme.axes:
        y_a = [ra[axis.name] for ra, _ in pairs]
        y_b = [rb[axis.name] for _, rb in pairs]
        kappa = float(cohen_kappa_score(y_a, y_b, labels=axis.names))
        alpha = krippendorff_alpha([[x, y] for x, y in zip(y_a, y_b)])
        axes[axis.name] = {
            "kappa": None if kappa != kappa else round(kappa, 4),  # NaN: one label throughout
            "alpha": None if alpha is None else round(alpha, 4),
            "observed_agreement": round(sum(x == y for x, y in zip(y_a, y_b)) / len(pairs), 4),
            "confusion": {"labels": axis.names, "matrix": confusion_matrix(y_a, y_b, labels=axis.names).tolist()},
        }
    disagreements = []
    for ra, rb in pairs:
        differ = [axis for axis in scheme.axis_names if ra[axis] != rb[axis]]
        if differ:
            key = (ra.get("doc_id") or "", ra["sent_id"])
            disagreements.append(
                {
                    "doc_id": ra.get("doc_id") or None,
                    "sent_id": ra["sent_id"],
                    "text": ra.get("text") or rb.get("text") or texts.get(key),
                    "axes": differ,
                    "a": {axis: ra[axis] for axis in scheme.axis_names},
                    "b": {axis: rb[axis] for axis in scheme.axis_names},
                    "note_a": ra.get("note") or "",
                    "note_b": rb.get("note") or "",
                }
            )
    return {
        "schema_version": SCHEMA_VERSION,
        "a": str(a),
        "b": str(b),
        "rows": {
            "a": len(rows_a),
            "b": len(rows_b),
            "compared": len(pairs),
            "both_excluded": both_excluded,
            "only_in_a": len(keys_a - set(by_key_b)),
            "only_in_b": len(set(by_key_b) - keys_a),
        },
        "axes": axes,
        "disagreements": disagreements,
    }


def _texts(path: Path, rows: list[dict], documents: str | Path | None) -> dict:
    """Sentence texts for rows that have none, from the segmented document (empty if not found)."""
    if all(r.get("text") for r in rows):
        return {}
    from ..gold import document_path
    from ..ingest import ingest
    from ..segment import segment

    named = any(r.get("doc_id") for r in rows)  # keys as agreement() pairs rows: (doc_id or "", sent_id)
    wanted = {r.get("doc_id") or path.name.split(".")[0] for r in rows if not r.get("text")}
    texts = {}
    for doc_id in wanted:
        source = document_path(doc_id, documents, path)
        if source is None:
            continue
        try:
            sentences = segment(ingest(source, doc_id))
        except ArgmineError:  # a text is a convenience; the scores do not need it
            continue
        for s in sentences:
            texts[doc_id if named else "", s.sent_id] = s.text
    return texts


def format_report(report: dict) -> str:
    """The report for reading: per axis the two coefficients and the confusion, then the disagreements."""
    rows = report["rows"]
    lines = [
        f"A: {report['a']}",
        f"B: {report['b']}",
        f"sentences compared: {rows['compared']} (A {rows['a']}, B {rows['b']}; both excluded {rows['both_excluded']}, "
        f"only in A {rows['only_in_a']}, only in B {rows['only_in_b']})",
        "",
    ]
    for name, axis in report["axes"].items():
        kappa = "n/a" if axis["kappa"] is None else f"{axis['kappa']:.3f}"
        alpha = "n/a" if axis["alpha"] is None else f"{axis['alpha']:.3f}"
        lines.append(
            f"{name}: Cohen's kappa {kappa}, Krippendorff's alpha {alpha}, "
            f"observed agreement {axis['observed_agreement']:.3f}"
        )
        labels = axis["confusion"]["labels"]
        width = max(len(x) for x in labels + ["A \\ B"])
        lines.append("  " + "A \\ B".ljust(width) + "".join(f" {x:>{max(len(x), 4)}}" for x in labels))
        for label, counts in zip(labels, axis["confusion"]["matrix"]):
            lines.append("  " + label.ljust(width) + "".join(f" {c:>{max(len(x), 4)}}" for x, c in zip(labels, counts)))
        lines.append("")
    lines.append(f"disagreements: {len(report['disagreements'])}")
    for d in report["disagreements"]:
        where = f"{d['doc_id']}:{d['sent_id']}" if d["doc_id"] else f"sentence {d['sent_id']}"
        changes = "; ".join(f"{axis} {d['a'][axis]} / {d['b'][axis]}" for axis in d["axes"])
        lines.append(f"- {where}: {changes}")
        if d["text"]:
            lines.append(f"    {d['text']}")
        for who in ("a", "b"):
            if d[f"note_{who}"]:
                lines.append(f"    {who.upper()}'s note: {d[f'note_{who}']}")
    return "\n".join(lines) + "\n"
