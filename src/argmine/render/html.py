"""A document's labels as one self-contained HTML page (``argmine run`` writes ``<doc_id>.html``).

The page shows the summary table, then the document with every sentence coloured by its
role and underlined by its level, each also named in a tag before the sentence (a symbol
and the label's name), so no reader depends on colour; hovering a sentence shows its
confidences. Checkboxes filter the sentences by role and by level (a few lines of inline
JavaScript). The page loads nothing: styles and script are inline, and all text from the
document is escaped. Its Content-Security-Policy lets the browser run that one script and
nothing else, so even markup that slipped through the escaping could not execute.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from html import escape

from ..scheme import Scheme, load_scheme
from .markdown import counted
from .markdown import human as _human

# Symbols and colours for the bundled labels; a label added to the scheme gets the first
# letter of its name and the next spare colour.
ROLE_SYMBOLS = {"benefit": "+", "challenge": "!", "recommendation": "→", "none": "·"}
LEVEL_SYMBOLS = {"grand_strategic": "◆", "strategic": "■", "practical": "●", "none": "○"}
# Okabe-Ito hues (distinguishable with the common colour-vision deficiencies), as light tints.
ROLE_COLOURS = {"benefit": "#cdeee2", "challenge": "#f8d5bd", "recommendation": "#cfe2f3", "none": "transparent"}
SPARE_COLOURS = ["#f9eab0", "#ead5e6", "#d9eef9", "#e0e0e0"]
LEVEL_LINES = {"grand_strategic": "double", "strategic": "solid", "practical": "dashed", "none": "none"}
SPARE_LINES = ["dotted", "wavy"]

STYLE = """
body {
  font: 16px/1.55 Georgia, "Times New Roman", serif;
  color: #1b1b1b;
  max-width: 60rem;
  margin: 0 auto;
  padding: 1rem 1.5rem 4rem;
}
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font: 600 1.1rem/1.3 system-ui, sans-serif; margin-top: 2rem; }
h3.section { font: 600 1rem/1.3 system-ui, sans-serif; margin: 1.6rem 0 .4rem; color: #333; }
.byline, .meta { color: #555; margin: .1rem 0; }
.warning { background: #fff4d6; border-left: 4px solid #e69f00; padding: .4rem .7rem; margin: .6rem 0; }
table.summary { border-collapse: collapse; font: .95rem system-ui, sans-serif; }
table.summary th, table.summary td { border: 1px solid #bbb; padding: .25rem .6rem; }
table.summary td { text-align: right; }
table.summary tr.total th, table.summary tr.total td, table.summary td.total { font-weight: 600; background: #f3f3f3; }
#filters {
  font: .95rem system-ui, sans-serif;
  position: sticky;
  top: 0;
  background: #fff;
  padding: .3rem 0;
  border-bottom: 1px solid #ddd;
  z-index: 1;
}
#filters fieldset { display: inline-block; border: 1px solid #ccc; margin: .2rem .5rem .2rem 0; padding: .2rem .6rem; }
#filters label { margin-right: .6rem; white-space: nowrap; }
#shown { margin: .3rem 0 0; color: #444; }
p.block { margin: .5rem 0; }
p.item::before { content: "– "; }
.sentence { padding: .05rem .1rem; border-radius: 3px; }
.sentence, .underline {
  text-decoration-line: underline;
  text-decoration-thickness: 1px;
  text-decoration-color: #666;
  text-underline-offset: 3px;
}
.tag {
  font: .72rem/1 system-ui, sans-serif;
  color: #333;
  border: 1px solid #888;
  border-radius: 3px;
  padding: 0 .2rem;
  margin-right: .25rem;
  white-space: nowrap;
  vertical-align: 1px;
  background: #fff;
}
.chip { display: inline-block; padding: 0 .3rem; border-radius: 3px; border: 1px solid #999; }
"""

SCRIPT = """
(function () {
  var boxes = document.querySelectorAll('#filters input[type=checkbox]');
  var sentences = document.querySelectorAll('#document .sentence');
  var shown = document.getElementById('shown');
  function update() {
    var off = {};
    boxes.forEach(function (box) {
      if (!box.checked) { off[box.getAttribute('data-axis') + '=' + box.value] = true; }
    });
    var axes = [];
    boxes.forEach(function (box) {
      var axis = box.getAttribute('data-axis');
      if (axes.indexOf(axis) < 0) { axes.push(axis); }
    });
    var count = 0;
    sentences.forEach(function (s) {
      var hide = axes.some(function (axis) { return off[axis + '=' + s.getAttribute('data-' + axis)]; });
      s.hidden = hide;
      if (!hide) { count += 1; }
    });
    var total = sentences.length;
    shown.textContent = 'Showing ' + count + ' of ' + total + (total === 1 ? ' sentence' : ' sentences');
  }
  boxes.forEach(function (box) { box.addEventListener('change', update); });
  update();
})();
"""
# The page's own script (by its hash) and inline styles; no other script, no loads, no forms.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{base64.b64encode(hashlib.sha256(SCRIPT.encode('utf-8')).digest()).decode('ascii')}'; "
    "form-action 'none'; base-uri 'none'"
)


def to_html(result, scheme: Scheme | None = None) -> str:
    """The page for one processed document (an ``argmine.pipeline.Result``)."""
    scheme = scheme or load_scheme()
    role, level = scheme.columns, scheme.rows
    look = _look(role.names, level.names)
    look["axes"] = {"role": role.name, "level": level.name}  # the scheme's names of the columns and rows axes
    document, sentences, summary = result.document, result.sentences, result.summary
    title = summary.get("title") or document.title or document.doc_id
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
        f"<title>{escape(title)} · argmine</title>",
        f"<style>{STYLE}{_label_style(look)}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(title)}</h1>",
    ]
    if summary.get("byline") or document.byline:
        parts.append(f'<p class="byline">{escape(summary.get("byline") or document.byline)}</p>')
    meta = f"{escape(document.doc_id)} · {escape(str(document.path))} · {counted(len(sentences), 'sentence')}"
    parts.append(f'<p class="meta">{meta}</p>')
    parts.extend(f'<p class="warning"><strong>Warning:</strong> {escape(w)}</p>' for w in summary.get("warnings", []))
    parts.append("</header>")
    parts.append(_summary_table(summary, role.names, level.names, look))
    parts.append(_filters(sentences, role.names, level.names, look))
    parts.append('<main id="document">')
    parts.append("<h2>Document</h2>")
    parts.extend(_body(document, sentences, look))
    parts.append("</main>")
    parts.append(f"<script>{SCRIPT}</script>")
    parts.append("</body>")
    parts.append("</html>")
    return "\n".join(parts) + "\n"


def _look(roles: list[str], levels: list[str]) -> dict:
    spare_colours, spare_lines = iter(SPARE_COLOURS * 4), iter(SPARE_LINES * 8)
    return {
        "role": {r: (ROLE_SYMBOLS.get(r) or r[:1].upper(), ROLE_COLOURS.get(r) or next(spare_colours)) for r in roles},
        "level": {
            lv: (LEVEL_SYMBOLS.get(lv) or lv[:1].upper(), LEVEL_LINES.get(lv) or next(spare_lines)) for lv in levels
        },
    }


def _label_style(look: dict) -> str:
    rules = [f".role-{_css(r)} {{ background: {colour}; }}" for r, (_, colour) in look["role"].items()]
    rules += [
        f".level-{_css(lv)} {{ text-decoration-style: {line}; }}"
        for lv, (_, line) in look["level"].items()
        if line != "none"
    ]
    rules += [
        f".level-{_css(lv)} {{ text-decoration-line: none; }}"
        for lv, (_, line) in look["level"].items()
        if line == "none"
    ]
    return "\n" + "\n".join(rules) + "\n"


@cache
def _css(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)


def _role_chip(role: str, look: dict) -> str:
    symbol, _ = look["role"][role]
    return f'<span class="chip role-{_css(role)}">{escape(symbol)} {escape(_human(role))}</span>'


def _level_chip(level: str, look: dict) -> str:
    symbol, _ = look["level"][level]
    return f'<span class="underline level-{_css(level)}">{escape(symbol)} {escape(_human(level))}</span>'


def _summary_table(summary: dict, roles: list[str], levels: list[str], look: dict) -> str:
    cells, totals = summary["cells"], summary["totals"]
    rows = [
        '<section id="summary">',
        "<h2>Summary</h2>",
        '<table class="summary">',
        "<caption>Sentences by level of analysis (rows) and role (columns)</caption>",
    ]
    rows.append(
        '<thead><tr><th scope="col">level \\ role</th>'
        + "".join(f'<th scope="col">{_role_chip(r, look)}</th>' for r in roles)
        + '<th scope="col">all</th></tr></thead>'
    )
    rows.append("<tbody>")
    for lv in levels:
        counts = [cells[lv][r]["count"] for r in roles]
        rows.append(
            f'<tr><th scope="row">{_level_chip(lv, look)}</th>'
            + "".join(f"<td>{c}</td>" for c in counts)
            + f'<td class="total">{sum(counts)}</td></tr>'
        )
    rows.append(
        '<tr class="total"><th scope="row">all</th>'
        + "".join(f"<td>{totals[look['axes']['role']][r]}</td>" for r in roles)
        + f"<td>{totals['sentences']}</td></tr>"
    )
    rows.append("</tbody></table></section>")
    return "\n".join(rows)


def _filters(sentences, roles: list[str], levels: list[str], look: dict) -> str:
    out = ['<section id="filters" aria-label="Filters">']
    for kind, names, chip in (("role", roles, _role_chip), ("level", levels, _level_chip)):
        axis = look["axes"][kind]
        out.append(f"<fieldset><legend>{_human(axis).capitalize()}</legend>")
        for name in names:
            count = sum(1 for s in sentences if s.labels.get(axis) == name)
            out.append(
                f'<label><input type="checkbox" data-axis="{kind}" '
                f'value="{escape(name)}" checked> {chip(name, look)} ({count})</label>'
            )
        out.append("</fieldset>")
    shown = f"Showing {len(sentences)} of {counted(len(sentences), 'sentence')}"
    out.append(f'<p id="shown" aria-live="polite">{shown}</p>')
    out.append("</section>")
    return "\n".join(out)


def _body(document, sentences, look: dict) -> list[str]:
    """Paragraphs and list items as the document has them, each sentence in its block, headings between."""
    out: list[str] = []
    pending = sorted(sentences, key=lambda s: s.start)
    section = None
    i = 0
    for block in document.blocks:
        inside = []
        while i < len(pending) and pending[i].start < block.end:
            inside.append(pending[i])
            i += 1
        if not inside:
            continue
        if block.section != section:
            section = block.section
            if section:
                out.append(f'<h3 class="section">{escape(section)}</h3>')
        kind = "item" if block.kind == "item" else "paragraph"
        out.append(f'<p class="block {kind}">' + " ".join(_sentence(s, look) for s in inside) + "</p>")
    if i < len(pending):  # sentences outside every block (not expected): keep them visible
        out.append('<p class="block">' + " ".join(_sentence(s, look) for s in pending[i:]) + "</p>")
    return out


def _sentence(s, look: dict) -> str:
    role_axis, level_axis = look["axes"]["role"], look["axes"]["level"]
    role, level = s.labels[role_axis], s.labels[level_axis]
    role_symbol, _ = look["role"][role]
    level_symbol, _ = look["level"][level]
    # from the confidences as the sentences file holds them (4 decimals), so both show the same
    role_confidence, level_confidence = (round(s.confidences[axis], 4) for axis in (role_axis, level_axis))
    hover = (
        f"sentence {s.sent_id} · {_human(role_axis)}: {_human(role)}, confidence {role_confidence:.2f}"
        f" · {_human(level_axis)}: {_human(level)}, confidence {level_confidence:.2f}"
    )
    if s.explanation:
        pushed = [f["feature"] for entry in s.explanation.values() for f in entry["features"][:3]]
        if pushed:
            hover += " · pushed by: " + ", ".join(dict.fromkeys(pushed))
    tag = (
        f'<span class="tag">{escape(role_symbol)} {escape(_human(role))} | '
        f"{escape(level_symbol)} {escape(_human(level))}</span>"
    )
    return (
        f'<span class="sentence role-{_css(role)} level-{_css(level)}" '
        f'data-sent-id="{s.sent_id}" data-role="{escape(role)}" '
        f'data-level="{escape(level)}" title="{escape(hover)}">{tag}{escape(s.text)}</span>'
    )
