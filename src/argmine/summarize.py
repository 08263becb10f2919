"""A document's structured argument map: level x role cells with their evidence sentences."""

from __future__ import annotations

import re

from .scheme import Scheme, load_scheme
from .types import Document, Sentence

SCHEMA_VERSION = "1.0"


def summarize(document: Document, sentences: list[Sentence], scheme: Scheme | None = None) -> dict:
    """Counts and evidence per (level, role) cell, strongest evidence first; plus title, byline, sections, totals.

    Strength is the product of the role and level confidences.
    """
    scheme = scheme or load_scheme()
    role, level = scheme.axis("role"), scheme.axis("level")
    cells = {lv: {r: [] for r in role.names} for lv in level.names}
    for s in sentences:
        cells[s.labels["level"]][s.labels["role"]].append(s)
    out_cells = {}
    for lv, by_role in cells.items():
        out_cells[lv] = {}
        for r, members in by_role.items():
            members.sort(key=lambda s: (-_strength(s), s.sent_id))
            out_cells[lv][r] = {
                "count": len(members),
                "evidence": [
                    {
                        "sent_id": s.sent_id,
                        "section": s.section,
                        "text": s.text,
                        "confidence": round(_strength(s), 4),
                        "role_confidence": round(s.confidences["role"], 4),
                        "level_confidence": round(s.confidences["level"], 4),
                    }
                    for s in members
                ],
            }
    return {
        "schema_version": SCHEMA_VERSION,
        "doc_id": document.doc_id,
        "path": document.path,
        "title": document.title,
        "byline": document.byline,
        "sections": document.sections,
        "warnings": document.warnings,
        "totals": {
            "sentences": len(sentences),
            "role": {r: sum(1 for s in sentences if s.labels["role"] == r) for r in role.names},
            "level": {lv: sum(1 for s in sentences if s.labels["level"] == lv) for lv in level.names},
        },
        "cells": out_cells,
    }


def _strength(s: Sentence) -> float:
    return s.confidences["role"] * s.confidences["level"]


_MARKUP = re.compile(r"[\\`*_\[\]<>&]")


def _md(text: str) -> str:
    """Text from a document, escaped for Markdown: a renderer shows it as it is and never turns it
    into a link, emphasis or HTML (a "<script>" in a sentence stays text)."""
    return _MARKUP.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(0), "\\" + m.group(0)), text)


def to_markdown(summary: dict, scheme: Scheme | None = None, per_cell: int = 5) -> str:
    """The summary as Markdown for a policy reader: one part per level, each argumentative role under it."""
    scheme = scheme or load_scheme()
    role, level = scheme.axis("role"), scheme.axis("level")
    roles = [r for r in role.names if r != role.default]
    title = _md(summary["title"] or summary["doc_id"])
    lines = [f"# {title}", ""]
    if summary["byline"]:
        lines += [f"*{_md(summary['byline'])}*", ""]
    totals = summary["totals"]
    counts = ", ".join(f"{totals['role'][r]} {_plural(r)}" for r in roles)
    lines += [f"{totals['sentences']} sentences: {counts}.", ""]
    for warning in summary.get("warnings", []):
        lines += [f"> **Warning:** {_md(warning)}", ""]
    lines += ["| level | " + " | ".join(_plural(r) for r in roles) + " |", "|---|" + "---|" * len(roles)]
    for lv in level.names:
        lines.append(f"| {_human(lv)} | " + " | ".join(str(summary["cells"][lv][r]["count"]) for r in roles) + " |")
    lines.append("")
    for lv in level.names:
        if not any(summary["cells"][lv][r]["count"] for r in roles):
            continue
        lines += [f"## {_human(lv).capitalize()} level" if lv != level.default else "## No particular level", ""]
        for r in roles:
            cell = summary["cells"][lv][r]
            if not cell["count"]:
                continue
            lines += [f"### {_plural(r).capitalize()} ({cell['count']})", ""]
            for e in cell["evidence"][:per_cell]:
                lines.append(f"- {_md(e['text'])} *(sentence {e['sent_id']}, {_md(e['section']) or 'no heading'}; confidence {e['confidence']:.2f})*")
            if cell["count"] > per_cell:
                lines.append(f"- ... and {cell['count'] - per_cell} more in the sentences file")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _human(name: str) -> str:
    return name.replace("_", " ")


def _plural(name: str) -> str:
    name = _human(name)
    return name[:-1] + "ies" if name.endswith("y") else name + "s"
