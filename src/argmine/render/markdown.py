"""Summaries as Markdown for a policy reader: a document's, and a collection's."""

from __future__ import annotations

import re

from ..scheme import Scheme, load_scheme

__all__ = ["collection_markdown", "counted", "human", "plural", "summary_markdown"]


_MARKUP = re.compile(r"[\\`*_\[\]<>&]")


def _md(text: str) -> str:
    """Text from a document, escaped for Markdown: a renderer shows it as it is and never turns it
    into a link, emphasis or HTML (a "<script>" in a sentence stays text)."""
    return _MARKUP.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(0), "\\" + m.group(0)), text)


def summary_markdown(summary: dict, scheme: Scheme | None = None, per_cell: int = 5) -> str:
    """The summary as Markdown for a policy reader: one part per level, each argumentative role under it."""
    scheme = scheme or load_scheme()
    role, level = scheme.columns, scheme.rows
    roles = [r for r in role.names if r != role.default]
    title = _md(summary["title"] or summary["doc_id"])
    lines = [f"# {title}", ""]
    if summary["byline"]:
        lines += [f"*{_md(summary['byline'])}*", ""]
    totals = summary["totals"]
    counts = ", ".join(counted(totals[role.name][r], r) for r in roles)
    lines += [f"{counted(totals['sentences'], 'sentence')}: {counts}.", ""]
    for warning in summary.get("warnings", []):
        lines += [f"> **Warning:** {_md(warning)}", ""]
    lines += [f"| {human(level.name)} | " + " | ".join(plural(r) for r in roles) + " |", "|---|" + "---|" * len(roles)]
    for lv in level.names:
        lines.append(f"| {human(lv)} | " + " | ".join(str(summary["cells"][lv][r]["count"]) for r in roles) + " |")
    lines.append("")
    for lv in level.names:
        if not any(summary["cells"][lv][r]["count"] for r in roles):
            continue
        lines += [f"## {human(lv).capitalize()} level" if lv != level.default else "## No particular level", ""]
        for r in roles:
            cell = summary["cells"][lv][r]
            if not cell["count"]:
                continue
            lines += [f"### {plural(r).capitalize()} ({cell['count']})", ""]
            shown = cell["evidence"][:per_cell]
            for e in shown:
                lines.append(
                    f"- {_md(e['text'])} *(sentence {e['sent_id']}, "
                    f"{_md(e['section']) or 'no heading'}; confidence {e['confidence']:.2f})*"
                )
            if cell["count"] > len(shown):
                lines.append(f"- ... and {cell['count'] - len(shown)} more in the sentences file")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def human(name: str) -> str:
    return name.replace("_", " ")


def plural(name: str) -> str:
    name = human(name)
    return name[:-1] + "ies" if name.endswith("y") else name + "s"


def counted(number: int, noun: str) -> str:
    """'1 document', '2 documents', '0 challenges': the number with its noun, plural unless it is 1."""
    return f"{number} {human(noun) if number == 1 else plural(noun)}"


def collection_markdown(collection: dict, scheme: Scheme | None = None, per_cell: int = 5) -> str:
    """The collection summary for reading: a count table per document, then the strongest evidence."""
    scheme = scheme or load_scheme()
    role, level = scheme.columns, scheme.rows
    roles = [r for r in role.names if r != role.default]
    totals = collection["totals"]
    by_role = {r: sum(totals["cells"][lv][r] for lv in level.names) for r in roles}
    counts = ", ".join(counted(by_role[r], r) for r in roles)
    initials = "/".join(r[0].upper() for r in roles)
    lines = [
        "# Collection summary",
        "",
        f"{counted(totals['documents'], 'document')}, {counted(totals['sentences'], 'sentence')}: {counts}.",
        "",
    ]
    lines += [
        "## Documents",
        "",
        f"Counts per level as {initials} ({', '.join(plural(r) for r in roles)}).",
        "",
        "| document | sentences | " + " | ".join(_level_name(lv, level.default) for lv in level.names) + " |",
        "|---|---|" + "---|" * len(level.names),
    ]
    for doc in collection["documents"]:
        cells = " | ".join("/".join(str(doc["cells"][lv][r]) for r in roles) for lv in level.names)
        lines.append(f"| {_md(doc['doc_id'])} | {doc['sentences']} | {cells} |")
    lines += ["", "## Strongest evidence", ""]
    for lv in level.names:
        if not any(collection["evidence"][lv][r] for r in roles):
            continue
        lines += [f"### {_level_name(lv, level.default).capitalize()}", ""]
        for r in roles:
            items = collection["evidence"][lv][r][:per_cell]
            if not items:
                continue
            lines += [f"#### {plural(r).capitalize()} ({totals['cells'][lv][r]} in all)", ""]
            for e in items:
                lines.append(
                    f"- {_md(e['text'])} *({_md(e['doc_id'])}, sentence {e['sent_id']};"
                    f" confidence {e['confidence']:.2f})*"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _level_name(name: str, default: str) -> str:
    return "no particular level" if name == default else f"{human(name)} level"
