"""HTML: the main text of a web page."""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import InputError
from . import _BREAK, _SPACES, Blocks, Extracted, register

_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_HTML_BLOCKS = {
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "header", "hr", "html", "li", "main", "menu", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_CAMEL = re.compile(r"[-_\s:]+|(?<=[a-z])(?=[A-Z])")


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
    body = soup.body or soup
    root = body.find("main") or body.find(attrs={"role": "main"}) or body.find("article") or body
    outside = ("nav", "aside", "footer")
    title = next((h for h in root.find_all("h1") if not h.find_parent(outside)), None) or next(
        (h for h in body.find_all("h1") if not h.find_parent(outside)), None
    )
    keep = {id(title), *(id(t) for t in title.parents)} if title else set()
    for tag in root.find_all(True):
        if not tag.decomposed and id(tag) not in keep and _html_boilerplate(tag, settings):
            tag.decompose()
    for tag in root.find_all(True):
        if not tag.decomposed and id(tag) not in keep and _html_link_list(tag, settings):
            tag.decompose()

    blocks = Blocks()
    walker = _HtmlWalker(blocks)
    if title is not None and not any(p is root for p in title.parents):
        walker.walk_block(title, "heading", 1)
    walker.walk(root, "paragraph", 0)
    walker.flush()
    return blocks.extracted(soup.title.get_text(" ") if soup.title else "")


def _html_boilerplate(tag, settings: dict) -> bool:
    name = tag.name
    if name in settings["drop_tags"]:
        return True
    if name == "header" and not tag.find_parent(("article", "main", "section")):
        return True  # the page's banner; an article's or section's header holds its heading
    if name == "table" and tag.find(("th", "caption")):
        return True  # a data table; a layout table (no header cells, no caption) is walked
    attrs = tag.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true" or attrs.get("role") in settings["drop_roles"]:
        return True
    style = attrs.get("style", "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    words = settings["drop_words"]
    for token in [*(attrs.get("class") or []), attrs.get("id") or ""]:
        parts = {p.lower() for p in _CAMEL.split(token) if p}
        if parts & words or re.sub(r"[-_]", "", token.lower()) in words:
            return True
    return False


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

    def __init__(self, blocks: Blocks) -> None:
        self.blocks = blocks
        self.buffer: list[str] = []
        self.kind, self.level = "paragraph", 0

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
            elif child.name == "li":
                self.walk_block(child, "item", 0)
            elif child.name in ("ul", "ol"):
                self.walk_block(child, "paragraph", 0)
            elif child.name == "br":
                self.buffer.append(_BREAK)
            elif child.name in _HTML_BLOCKS:
                self.walk_block(child, kind, level)
            else:
                self.walk(child, kind, level)
