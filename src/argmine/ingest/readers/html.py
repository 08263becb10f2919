"""HTML: the main text of a web page."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ...errors import InputError
from . import _BREAK, _SPACES, Blocks, Extracted, register

_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_HTML_BLOCKS = {
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "header", "hr", "html", "li", "main", "menu", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_CAMEL = re.compile(r"[-_\s:]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)")
_CLASS_HEADING = re.compile(r"^(?:heading|head|title|subhead|subheading|subtitle)$", re.I)
_TERMINAL = re.compile(r"""[.!?;]["'’”)\]]*$""")
_MARK = re.compile(r"^\W*\d{1,3}\W*$|^[*†‡§]+$")
_REASONS = {"toc": "table of contents", "footnote": "notes", "footnotes": "notes", "endnotes": "notes"}


@register(".html", ".htm")
def read_html(path: Path, data: bytes, config: dict) -> Extracted:
    """The main text of a web page: the <main> element (else [role=main], else the first
    <article>, else <body>), without navigation, scripts, styles, headers and footers, asides,
    forms, cookie banners, hidden elements, data tables and link lists. h1-h6 become
    headings (the first h1, even outside the main element, is the title), list items items,
    every other block of text a paragraph."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception:
        raise InputError(f"{path}: cannot be read as HTML; save the page again as .html") from None
    settings = {**config["html"], "drop_words": set(config["html"]["drop_words"])}
    settings["heading_max_words"] = config["heading_max_words"]
    body = soup.body or soup
    root = body.find("main") or body.find(attrs={"role": "main"}) or body.find("article") or _densest(body)
    outside = ("nav", "aside", "footer")

    def named(h) -> bool:  # a heading that names the page, not the table of contents or a menu
        return not h.find_parent(outside) and not any(_html_boilerplate(t, settings) for t in (h, *h.parents))

    title = next((h for h in root.find_all("h1") if named(h)), None) or next(
        (h for h in body.find_all("h1") if named(h)), None
    )
    keep = {id(title), *(id(t) for t in title.parents)} if title else set()
    dropped: Counter = Counter()
    for tag in root.find_all(True):
        if not tag.decomposed and id(tag) not in keep:
            reason = _html_boilerplate(tag, settings) or ("web boilerplate" if _html_link_list(tag, settings) else "")
            if reason:
                dropped[reason] += bool(tag.get_text(strip=True))
                tag.decompose()

    blocks = Blocks()
    walker = _HtmlWalker(blocks, settings, dropped)
    if title is not None and not any(p is root for p in title.parents):
        walker.walk_block(title, "heading", 1)
    walker.walk(root, "paragraph", 0)
    walker.flush()
    return blocks.extracted(
        soup.title.get_text(" ") if soup.title else "", Counter({k: n for k, n in dropped.items() if n})
    )


def _densest(body):
    """Without a <main> or an <article>: the innermost element that holds most (80%) of the
    page's paragraph text, so that a site's banner, menus and side panels stay out."""
    total = sum(len(p.get_text()) for p in body.find_all("p"))
    node = body
    while total:
        inner = next(
            (
                c
                for c in node.find_all(True, recursive=False)
                if sum(len(p.get_text()) for p in c.find_all("p")) >= 0.8 * total
            ),
            None,
        )
        if inner is None:
            break
        node = inner
    return node


def _html_boilerplate(tag, settings: dict) -> str:
    """Why an element is not the page's text ("" when it may be)."""
    name = tag.name
    if name in settings["drop_tags"]:
        return "figures and tables" if name in ("figure", "img", "picture", "svg", "canvas") else "web boilerplate"
    if name == "header" and not tag.find_parent(("article", "main", "section")):
        return "web boilerplate"  # the page's banner; an article's or section's header holds its heading
    if name == "table" and (tag.find(("th", "caption")) or _data_table(tag)):
        return "figures and tables"  # a data table; a layout table (no header cells, no caption) is walked
    attrs = tag.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true" or attrs.get("role") in settings["drop_roles"]:
        return "web boilerplate"
    style = attrs.get("style", "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return "web boilerplate"
    words = settings["drop_words"]
    for token in [*(attrs.get("class") or []), attrs.get("id") or ""]:
        parts = {p.lower() for p in _CAMEL.split(token) if p}
        hit = parts & words or ({re.sub(r"[-_]", "", token.lower())} & words)
        if hit:
            return next((_REASONS[w] for w in sorted(hit) if w in _REASONS), "web boilerplate")
    return ""


def _data_table(tag) -> bool:
    """A table of figures: two columns or more, and most cells a few words or a number."""
    rows = tag.find_all("tr")
    cells = [c.get_text(" ", strip=True) for c in tag.find_all(("td", "th"))]
    cells = [c for c in cells if c]
    if len(rows) < 2 or len(cells) < 2 * len(rows):
        return False
    return sum(len(c.split()) <= 4 for c in cells) >= 0.7 * len(cells)


def _html_link_list(tag, settings: dict) -> bool:
    """A container whose text is almost all links: a menu, a tag cloud, a list of related pages."""
    if tag.name not in ("div", "ul", "ol", "section", "p", "dl", "table"):
        return False
    links = tag.find_all("a")
    if len(links) < settings["link_list_min_links"]:
        return False
    text = len(_SPACES.sub("", tag.get_text()))
    linked = sum(len(_SPACES.sub("", a.get_text())) for a in links)
    return text > 0 and linked >= settings["link_list_share"] * text


class _HtmlWalker:
    """Walks the tree in document order, collecting text until a block element ends it."""

    def __init__(self, blocks: Blocks, settings: dict | None = None, dropped: Counter | None = None) -> None:
        self.blocks = blocks
        self.buffer: list[str] = []
        self.kind, self.level = "paragraph", 0
        self.max_words = (settings or {}).get("heading_max_words", 20)
        self.dropped = Counter() if dropped is None else dropped

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        for part in re.split(f"{_BREAK}\\s*{_BREAK}", text):
            self.blocks.add(part.replace(_BREAK, " "), self.kind, self.level)

    def walk_block(self, tag, kind: str, level: int) -> None:
        self.flush()
        self.walk(tag, kind, level)
        self.flush()

    def walk(self, node, kind: str, level: int) -> None:
        from bs4.element import NavigableString, PreformattedString

        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, CDATA, doctype
                    self.buffer.append(str(child))
                    self.kind, self.level = kind, level
            elif child.name in _HEADINGS:
                self.walk_block(child, "heading", _HEADINGS[child.name])
            elif _footnote_mark(child):
                self.dropped["footnote marks"] += 1
            elif child.name == "li":
                self.walk_block(child, "item", 0)
            elif child.name in ("ul", "ol"):
                self.walk_block(child, "paragraph", 0)
            elif child.name == "br":
                self.buffer.append(_BREAK)
            elif child.name in _HTML_BLOCKS:
                heading = _markup_heading(child, self.max_words) if kind == "paragraph" else 0
                if heading:
                    self.walk_block(child, "heading", heading)
                else:
                    self.walk_block(child, kind, level)
            else:
                self.walk(child, kind, level)


def _footnote_mark(tag) -> bool:
    """A raised note number, or a link to a note on the same page ("[3]", "<sup>3</sup>")."""
    if tag.name not in ("sup", "a"):
        return False
    text = tag.get_text(strip=True)
    if tag.name == "a":
        href = tag.get("href") or ""
        return href.startswith("#") and bool(_MARK.match(text)) and bool(text.strip("[]()"))
    link = tag.find("a", href=True)
    return bool(text) and (bool(_MARK.match(text)) or (link is not None and link["href"].startswith("#")))


def _markup_heading(tag, max_words: int) -> int:
    """The heading level of a paragraph that the markup marks as a heading without h1-h6: a class
    named like one ("Heading1", "subhead"), or bold text alone, short and without final
    punctuation (level 2 and 3; 0 for a paragraph)."""
    if tag.name not in ("p", "div", "dt"):
        return 0
    text = tag.get_text(" ", strip=True)
    if not text or len(text.split()) > max_words or _TERMINAL.search(text):
        return 0
    for token in tag.get("class") or []:
        if any(_CLASS_HEADING.match(p) for p in _CAMEL.split(token) if p):
            return 2
    if tag.find(_HTML_BLOCKS):
        return 0
    bold = "".join(
        b.get_text(" ", strip=True) for b in tag.find_all(("b", "strong")) if not b.find_parent(("b", "strong"))
    )
    return 3 if bold.replace(" ", "") == text.replace(" ", "") else 0
