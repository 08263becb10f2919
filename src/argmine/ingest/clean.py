"""Cleaning: text into body blocks under their section headings, with an offset map back to the source.

Cleaning keeps the text of Markdown links, drops escaping backslashes, repairs words
hyphenated at a line end, removes page numbers and repeated running headers, and re-joins
paragraphs cut by a page break. Title and byline become metadata. Every character of the
cleaned text maps back to the source text through ``Document.offsets``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..types import Block, Document, OffsetMap
from .settings import settings

__all__ = ["RawBlock", "assemble_document", "parse"]

_TERMINAL = re.compile(r"""[.!?:;]["'’”)\]]*$""")
_MD_HEADING = re.compile(r"^(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.S)
_URL_LINE = re.compile(r"^<?(?:https?://|www\.)\S+>?$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)
_LINK = re.compile(r"(!?)\[((?:[^\[\]\\]|\\.)*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|<>])")
_EMPHASIS = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1", re.S)  # also across a line break
_SPACES = re.compile(r"\s+")
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines splits
_LEADING_SPACE = re.compile(r"\s+")
# Whitespace that cleaning changes: a run of two or more, a line break or tab, a space at the end.
_ODD_SPACE = re.compile(r"\s{2,}|[^\S ]\s*|\s$")
# A hyphen ending a line inside a word or compound: "infor-\nmation", "U.S.-\nJapan".
_LINE_END_HYPHEN = re.compile(r"(?<=[\w.])([-\u00ad\u2010])[ \t]*\r?\n\s*(?=[^\W_])")
_HYPHEN_TAIL = re.compile(r"(?<=[\w.])[-\u00ad\u2010]$")  # a block ending like that (page break)
_SOFT_HYPHEN = re.compile("\u00ad")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_WORD_TOKEN = re.compile(r"[^\W\d_]+")
_LEFT_WORD = re.compile(r"[^\W\d_]*$")
_RIGHT_WORD = re.compile(r"[^\W\d_]*")


@dataclass
class RawBlock:
    start: int  # offsets of the block's text in the original file
    end: int
    kind: str  # paragraph, item or heading
    lines: int = 1
    level: int = 0  # a Markdown heading's level (1 for '#')
    joined: list[RawBlock] | None = None  # the parts after it that a page break cut off

    def parts(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)] + [(b.start, b.end) for b in self.joined or []]


def parse(
    text: str, doc_id: str = "doc", path: str = "<text>", markdown: bool = False, page_starts: list[int] | None = None
) -> Document:
    """Clean ``text`` into a Document (body blocks, sections, title, byline). ``page_starts``:
    where each page starts in ``text`` (pages separated by form feeds), to number pages."""
    raw = _raw_blocks(text, markdown)
    if _punctuated(text, raw):
        raw = _join_page_breaks(text, raw)
    raw = _mark_headings(text, raw)
    return assemble_document(text, raw, doc_id, path, markdown, page_starts=page_starts)


def assemble_document(
    text: str,
    raw: list[RawBlock],
    doc_id: str,
    path: str,
    markdown: bool = False,
    structured: bool = False,
    title: str = "",
    page_starts: list[int] | None = None,
) -> Document:
    """Assemble the Document from raw blocks: front matter, boilerplate sections, cleaning.
    ``structured``: the blocks come from markup (HTML, DOCX), so only a level-1 heading is a
    title, and ``title`` is the fallback when there is none."""
    words = _vocabulary(text)
    title_block, byline, body = _front_matter(text, raw, structured)

    pieces: list[tuple[int, int, int]] = []
    out: list[str] = []
    blocks: list[Block] = []
    sections: list[str] = []
    section = ""
    length = 0
    boilerplate = False
    for block in body:
        cleaned, block_pieces = _clean_parts(text, block.parts(), markdown, words)
        if not cleaned:
            continue
        if block.kind == "heading" and not (boilerplate and markdown and not block.level):
            # In Markdown only a marked heading ends a boilerplate section.
            boilerplate = cleaned.lower() in settings()["boilerplate_sections"]
            if not boilerplate:
                section = cleaned
                sections.append(section)
            continue
        if boilerplate:
            continue
        if blocks:
            out.append("\n\n")
            length += 2
        pieces.extend((length + c, o, n) for c, o, n in block_pieces)
        out.append(cleaned)
        blocks.append(Block(length, length + len(cleaned), section, block.kind))
        length += len(cleaned)
    return Document(
        doc_id=doc_id,
        path=path,
        text="".join(out),
        blocks=blocks,
        title=_clean(text, title_block.start, title_block.end, markdown, words)[0] if title_block else title,
        byline=" ".join(_clean(text, b.start, b.end, markdown, words)[0] for b in byline),
        sections=sections,
        offsets=OffsetMap(pieces),
        page_starts=list(page_starts or []),
    )


def _raw_blocks(text: str, markdown: bool) -> list[RawBlock]:
    """Split into blocks at blank lines; Markdown headings and list items start blocks of their own."""
    comments = [m.span() for m in _MD_COMMENT.finditer(text)] if markdown else []
    lines = []
    pos = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip(_LINE_BREAKS)
        end = pos + len(content)
        inside = any(a <= pos and end <= b for a, b in comments)
        lines.append((pos, end, "" if inside else content.strip(), "\f" in line[len(content) :]))
        pos += len(line)
    repeated = _running_lines(lines)
    caption, table_end = settings()["table_caption"], settings()["table_end"]

    blocks: list[RawBlock] = []
    current: RawBlock | None = None
    in_table = False
    for start, end, stripped, page_break in lines:
        heading = _MD_HEADING.match(stripped) if markdown else None
        if markdown and (in_table or caption.match(stripped)) and not heading:
            in_table = not table_end.match(stripped)
            current = None
            continue
        in_table = False
        if _skipped_line(stripped, markdown) or _running_key(stripped) in repeated:
            current = None
            continue
        item = _LIST_ITEM.match(text[start:end])
        if heading:
            if heading.group(2):
                lead = text.index(heading.group(2), start)
                blocks.append(RawBlock(lead, lead + len(heading.group(2)), "heading", level=len(heading.group(1))))
            current = None
        elif item:
            current = RawBlock(start + item.end(), end, "item")
            blocks.append(current)
        elif current is not None:
            current.end = end
            current.lines += 1
        else:
            current = RawBlock(start, end, "paragraph")
            blocks.append(current)
        if page_break:  # a page ends the block; _join_page_breaks re-joins a cut paragraph
            current = None
    return blocks


def _mark_headings(text: str, blocks: list[RawBlock]) -> list[RawBlock]:
    """A short single line without final punctuation is a heading (Markdown converted from
    PDF often leaves headings unmarked)."""
    for block in blocks:
        if (
            block.kind == "paragraph"
            and not block.joined
            and _looks_like_heading(text[block.start : block.end], block.lines)
        ):
            block.kind = "heading"
    return blocks


def _skipped_line(stripped: str, markdown: bool) -> bool:
    """Lines that are never body text: blank, page numbers, bare URLs; in Markdown also
    table rows and a lone upper-case token such as a report number."""
    if not stripped or _PAGE_NUMBER.match(stripped) or _URL_LINE.match(stripped):
        return True
    lone_code = " " not in stripped and not any(c.islower() for c in stripped) and not _TERMINAL.search(stripped)
    return markdown and (stripped.startswith("|") or (lone_code and not _MD_HEADING.match(stripped)))


def _running_key(line: str) -> str:
    """A line with emphasis marks and numbers taken out, so 'Report 2' and 'Report 3' match."""
    return _SPACES.sub(" ", re.sub(r"[\d*_]+", "", line)).strip()


def _running_lines(lines) -> set[str]:
    """Short unpunctuated lines repeated (numbers aside) often: running headers and footers."""
    counts = Counter(
        _running_key(s)
        for _, _, s, _ in lines
        if s and len(s) <= 80 and not _LIST_ITEM.match(s) and not _MD_HEADING.match(s) and not _TERMINAL.search(s)
    )
    return {k for k, n in counts.items() if k and n >= settings()["running_line_min_count"]}


def _looks_like_heading(block: str, lines: int) -> bool:
    stripped = block.strip()
    return (
        lines == 1
        and len(stripped.split()) <= settings()["heading_max_words"]
        and not _TERMINAL.search(stripped)
        and not stripped[0].islower()
    )


def _punctuated(text: str, blocks: list[RawBlock]) -> bool:
    """Whether most paragraphs of body text (more than one line, or longer than a heading) end
    with final punctuation. Only then is a paragraph without it a sign of a page break; in notes
    or transcripts without punctuation every paragraph stays a paragraph."""
    ends = [
        bool(_TERMINAL.search(text[b.start : b.end].rstrip()))
        for b in blocks
        if b.kind == "paragraph"
        and (b.lines > 1 or len(text[b.start : b.end].split()) > settings()["heading_max_words"])
    ]
    return sum(ends) * 2 >= len(ends)


def _join_page_breaks(text: str, blocks: list[RawBlock]) -> list[RawBlock]:
    """Re-join a paragraph that a page break cut: the next block starts in lower case, or this one
    lacks final punctuation without looking like a heading."""
    joined: list[RawBlock] = []
    for block in blocks:
        prev = joined[-1] if joined else None
        if prev is not None and _continues(text, prev, block):
            prev.joined = (prev.joined or []) + [block]
            continue
        joined.append(block)
    return joined


def _continues(text: str, prev: RawBlock, block: RawBlock) -> bool:
    head = text[block.start : block.end].lstrip()
    if not head or block.kind != "paragraph":
        return False
    if head[0].islower():
        return prev.kind != "heading"
    last = prev.joined[-1] if prev.joined else prev
    tail = text[last.start : last.end].rstrip()
    if prev.kind != "paragraph" or _TERMINAL.search(tail) or _looks_like_heading(tail, last.lines):
        return False
    # An unpunctuated short first line after a paragraph is a heading, not a continuation.
    return not (block.lines == 1 and _looks_like_heading(head, 1) and len(head.split()) < 4)


def _front_matter(text: str, blocks: list[RawBlock], structured: bool = False):
    """Title: a level-1 heading among the first blocks (what precedes it is a cover page),
    else (unless ``structured``) the first block when it reads like a heading. Byline: short
    unpunctuated or '|' lines after it."""
    first_h1 = next((i for i, b in enumerate(blocks[:10]) if b.level == 1), None)
    if first_h1 is not None:
        blocks = blocks[first_h1:]
    elif structured:
        return None, [], blocks
    if not blocks or blocks[0].kind != "heading":
        return None, [], blocks
    title, rest = blocks[0], blocks[1:]
    byline = []
    while rest and rest[0].kind == "paragraph" and not rest[0].joined:
        line = _SPACES.sub(" ", text[rest[0].start : rest[0].end]).strip()
        if len(line.split()) > 25 or not (
            "|" in line or line.lower().startswith(("by ", "updated ")) or not _TERMINAL.search(line)
        ):
            break
        byline.append(rest.pop(0))
    return title, byline, rest


def _clean_parts(
    text: str, parts: list[tuple[int, int]], markdown: bool, words: set[str]
) -> tuple[str, list[tuple[int, int, int]]]:
    """Clean each part of a block and join them with one space, or with none where a page
    break cut a hyphenated word ("infor-" | "mation"). Markup is found in the parts read as
    one paragraph, so emphasis or a link that a page break cut ("**very" | "important**") goes."""
    out, pieces = "", []
    for (start, end), deleted in zip(parts, _deletions_by_part(text, parts, markdown, words)):
        cleaned, part_pieces = _assemble(text[start:end], start, deleted)
        if not cleaned:
            continue
        if out and _HYPHEN_TAIL.search(out) and cleaned[0].isalnum():
            if not _keep_hyphen(out[-40:-1], out[-1], cleaned[:40], words):
                out = out[:-1]
                c, o, n = pieces[-1]
                pieces[-1] = (c, o, n - 1)
        elif out:
            out += " "
        pieces.extend((len(out) + c, o, n) for c, o, n in part_pieces)
        out += cleaned
    return out, [p for p in pieces if p[2] > 0]


def _deletions_by_part(
    text: str, parts: list[tuple[int, int]], markdown: bool, words: set[str]
) -> list[list[tuple[int, int]]]:
    """What cleaning deletes from the parts joined by spaces, as spans within each part."""
    if len(parts) == 1:
        start, end = parts[0]
        return [_deletions(text[start:end], markdown, words)]
    bounds, at = [], 0
    for start, end in parts:
        bounds.append((at, at + end - start))
        at += end - start + 1
    by_part: list[list[tuple[int, int]]] = [[] for _ in parts]
    for a, b in _deletions(" ".join(text[start:end] for start, end in parts), markdown, words):
        for spans, (lo, hi) in zip(by_part, bounds):
            if max(a, lo) < min(b, hi):
                spans.append((max(a, lo) - lo, min(b, hi) - lo))
    return by_part


def _vocabulary(text: str) -> set[str]:
    """Lower-cased words of ``text`` and the pairs of its hyphenated compounds ("long-term"),
    to tell a line-end hyphenation ("infor-mation") from a compound broken at a line end."""
    words: set[str] = set()
    for m in _WORD.finditer(text):
        parts = m.group(0).lower().split("-")
        words.update(parts)
        words.update(f"{a}-{b}" for a, b in zip(parts, parts[1:]))
    return words


def _keep_hyphen(before: str, hyphen: str, after: str, words: set[str]) -> bool:
    """Whether a hyphen ending a line stays when the lines are joined (without a space). A soft
    hyphen never does. It does before a capital or a digit ("U.S.-Japan", "2023-24"), after an
    acronym ("NATO-led"), and in a compound the text spells elsewhere but never as one word
    ("long-term"); otherwise it is hyphenation ("infor-mation")."""
    if hyphen == "\u00ad":
        return False
    if not after[:1].islower():
        return True
    left = _LEFT_WORD.search(before).group(0)
    right = _RIGHT_WORD.match(after).group(0)
    if not left or any(c.isupper() for c in left[1:]):
        return True
    return f"{left}-{right}".lower() in words and f"{left}{right}".lower() not in words


def _clean(
    text: str, start: int, end: int, markdown: bool, words: set[str] | frozenset[str] = frozenset()
) -> tuple[str, list[tuple[int, int, int]]]:
    """Clean text[start:end]; return it with its (clean_start, orig_start, length) pieces."""
    return _assemble(text[start:end], start, _deletions(text[start:end], markdown, words))


def _deletions(segment: str, markdown: bool, words: set[str] | frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """The spans of ``segment`` that cleaning deletes: first line-end hyphenation and soft
    hyphens, then the markup (links, escapes, emphasis) of the text they leave: markup that
    they interrupt is still markup (a link whose URL wraps at a hyphen), and none appears
    where they were."""
    layout: list[tuple[int, int]] = []
    for m in _LINE_END_HYPHEN.finditer(segment):
        keep = _keep_hyphen(
            segment[max(m.start() - 40, 0) : m.start()], m.group(1), segment[m.end() : m.end() + 40], words
        )
        layout.append((m.start() + keep, m.end()))
    layout.extend(m.span() for m in _SOFT_HYPHEN.finditer(segment))
    kept = _kept(segment, layout) if layout else None
    view = "".join(segment[i] for i in kept) if kept is not None else segment
    markup: list[tuple[int, int]] = []
    for m in _LINK.finditer(view):
        # An image, or a footnote mark (digits right after a word: "NAFTA.[1](url)"): dropped whole.
        # Digits after a space are words: "fielded in [2007](url)".
        if m.group(1) or (m.group(2).isdigit() and m.start() > 0 and not view[m.start() - 1].isspace()):
            markup.append((m.start(), m.end()))
        else:
            markup.append((m.start(), m.start(2)))
            markup.append((m.end(2), m.end()))
    escapes = [m.start() for m in _ESCAPE.finditer(view)]
    markup.extend((at, at + 1) for at in escapes)
    if markdown and ("*" in view or "__" in view):
        markup.extend(_emphasis(view, markup, {at + 1 for at in escapes}))
    if kept is not None:  # back to offsets in ``segment``
        markup = [(kept[a], kept[b - 1] + 1) for a, b in markup if a < b]
    return layout + markup


def _kept(segment: str, deleted: list[tuple[int, int]]) -> list[int]:
    """The offsets of the characters of ``segment`` outside the ``deleted`` spans."""
    kept: list[int] = []
    pos = 0
    for a, b in sorted(deleted) + [(len(segment), len(segment))]:
        kept.extend(range(pos, a))
        pos = max(pos, b)
    return kept


def _emphasis(segment: str, deleted: list[tuple[int, int]], escaped: set[int]) -> list[tuple[int, int]]:
    """The emphasis marks of what ``deleted`` leaves of ``segment``, inner ones too
    ("***both***", "**bold *it***"); an escaped '*' is a literal one."""
    kept = _kept(segment, deleted)
    marks: list[tuple[int, int]] = []
    while True:
        view = "".join("\0" if i in escaped else segment[i] for i in kept)
        drop = set()
        for m in _EMPHASIS.finditer(view):
            drop.update(range(m.start(1), m.end(1)))
            drop.update(range(m.end(2), m.end()))
        if not drop:
            return marks
        marks.extend((kept[k], kept[k] + 1) for k in sorted(drop))
        kept = [i for k, i in enumerate(kept) if k not in drop]


def _assemble(segment: str, start: int, deleted: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int, int]]]:
    """The characters of ``segment`` outside the ``deleted`` spans, each run of whitespace (also
    one that a deletion splits) made one space and none at either end; with the pieces
    (clean_start, orig_start, length) that map them to ``start + `` their offset. A space maps
    to a space of its run; a run without one (a line break, a tab) becomes an inserted space,
    so every piece is the source's own characters."""
    out: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    length = 0
    space: int | None = None  # whitespace pending since the last kept character: where a ' ' of it is, -1 for none

    def copy(at: int, n: int) -> None:
        nonlocal length
        out.append(segment[at : at + n])
        if pieces and pieces[-1][0] + pieces[-1][2] == length and pieces[-1][1] + pieces[-1][2] == start + at:
            c, o, m = pieces[-1]
            pieces[-1] = (c, o, m + n)
        else:
            pieces.append((length, start + at, n))
        length += n

    def whitespace(at: int, end: int) -> None:
        nonlocal space
        if space is None or space < 0:
            space = segment.find(" ", at, end)

    def text(at: int, end: int) -> None:  # no whitespace at either end, none inside but lone spaces
        nonlocal space, length
        if space is not None and out:
            if space >= 0:
                copy(space, 1)
            else:
                out.append(" ")
                length += 1
        space = None
        copy(at, end - at)

    pos = 0
    for a, b in sorted(deleted) + [(len(segment), len(segment))]:
        # Only whitespace other than a lone space between two words is looked at one by one.
        at, end = pos, max(a, pos)
        lead = _LEADING_SPACE.match(segment, at, end)
        if lead:
            whitespace(lead.start(), lead.end())
            at = lead.end()
        for m in _ODD_SPACE.finditer(segment, at, end):
            if m.start() > at:
                text(at, m.start())
            whitespace(m.start(), m.end())
            at = m.end()
        if at < end:
            text(at, end)
        pos = max(pos, b)
    return "".join(out), pieces
