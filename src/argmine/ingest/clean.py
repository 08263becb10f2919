"""Cleaning: text into body blocks under their section headings, with an offset map back to the source.

Cleaning keeps the text of Markdown links, drops escaping backslashes, repairs words
hyphenated at a line end, removes page numbers and repeated running headers, and re-joins
paragraphs cut by a page break. Title and byline become metadata. Every character of the
cleaned text maps back to the source text through ``Document.offsets``.
"""

from __future__ import annotations

import bisect
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
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?(?:\d{1,4}|[ivx]{1,6})(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)
_LINK = re.compile(r"(!?)\[((?:[^\[\]\\]|\\.)*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|<>])")
_EMPHASIS = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1", re.S)  # also across a line break
_SPACES = re.compile(r"\s+")
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines splits
_LEADING_SPACE = re.compile(r"\s+")
# Whitespace that cleaning changes: a run of two or more, a line break or tab, a space at the end.
# It and _LINE_END_HYPHEN start with a character (not a choice or a look-behind): the regex engine
# then skips ahead to where they may match, several times faster on long paragraphs.
_ODD_SPACE = re.compile(r"\s(?:\s+|(?<=[^\S ])\s*|$)")
# A hyphen ending a line inside a word or compound: "infor-\nmation", "U.S.-\nJapan".
_LINE_END_HYPHEN = re.compile(r"([-\u00ad\u2010])(?<=[\w.][-\u00ad\u2010])[ \t]*\r?\n\s*(?=[^\W_])")
_HYPHEN_TAIL = re.compile(r"(?<=[\w.])[-\u00ad\u2010]$")  # a block ending like that (page break)
_SOFT_HYPHEN = re.compile("\u00ad")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_WORD_TOKEN = re.compile(r"[^\W\d_]+")
_LEFT_WORD = re.compile(r"[^\W\d_]*$")
_RIGHT_WORD = re.compile(r"[^\W\d_]*")
_ROMAN_PAGE = re.compile(r"^x{0,3}(?:ix|iv|v?i{0,3})$|^X{0,3}(?:IX|IV|V?I{0,3})$")
_ENUMERATOR = re.compile(r"^(?:\d{1,3}|[A-Za-z]|[IVXivx]{1,5})[.)]$")  # a list number without its item
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*$", re.S | re.M)
_FRONT_TITLE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.M)
_MD_NOTE = re.compile(r"^\[\^[^\]\s]+\]:")  # a Markdown footnote's text
_MD_LINK_DEFINITION = re.compile(r"^\[[^\]]+\]:\s*\S+")  # [ref]: https://...
_MD_ATTRIBUTES = re.compile(r"^\{:.*\}$")  # a kramdown attribute list alone on a line
# Footnote marks: "[^3]", and a bracketed number right after a word or punctuation ("ends.[12] Next").
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]{1,20}\]|(?<=[^\s\[(\\\0])\[\d{1,3}\](?!\()")
_MD_INLINE = re.compile(r"</?[A-Za-z][^<>\n]{0,300}>|\{:[^{}\n]*\}")  # HTML tags, kramdown attributes
_MD_REFERENCE = re.compile(r"\[([^\[\]\n^][^\[\]\n]*)\]\[[^\[\]\n]*\]")  # [text][ref]
_URL = re.compile(r"(?:https?://|www\.)\S+")
_NOTE_START = re.compile(r"^\d{1,3}\.?\s+\S")
_NOTE_SIGNS = re.compile(r"(?:https?://|www\.|\bIbid\b|\bop\. cit\.|\baccessed\b|\bavailable at\b)", re.I)
_FUNCTION_END = re.compile(r"\b(?:and|or|of|the|to|in|for|with|a|an|by|on|at|as|from|that|which)$", re.I)
_TOC_HEADINGS = {"contents", "table of contents"}
_CAPTION_WORD = re.compile(r"^(?:Figure|Table|Exhibit|Chart)(?:\s+\d+)?[.:]?$", re.I)
_ADDRESSEE = re.compile(r"^(?:The\s+)?Honorable\s+[A-Z]")
_ZIP_CODE = re.compile(r"\b(?:[A-Z]{2}|D\.\s?C\.)\s+\d{5}(?:-\d{4})?$")
_SENTENCE_END = re.compile(r"""[.!?]["'’”)\]]*$""")
# An e-mail address or a telephone number: "jdoe@crs.loc.gov", "(202) 512-6543", "202-512-6543".
_CONTACT = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|(?:\(\d{3}\)\s?|\b\d{3}[-.])\d{3}[-.]\d{4}\b")
_NUMBERS_AND_EMPHASIS = re.compile(r"[\d*_]+")
_NOTICE_WORDS = 100  # a notice's paragraph is at most this long; beyond, only the notice's line goes
_NAMED_CONTENTS = re.compile(r"\s((?:table of )?contents)$")
_LISTS = _TOC_HEADINGS | {"abbreviations", "acronyms", "list of figures", "list of tables", "figures", "tables"}


@dataclass
class RawBlock:
    start: int  # offsets of the block's text in the original file
    end: int
    kind: str  # paragraph, item or heading (or margin: a PDF page's header or footer, left out)
    lines: int = 1
    level: int = 0  # a Markdown heading's level (1 for '#')
    joined: list[RawBlock] | None = None  # the parts after it that a page break cut off
    body: bool = False  # typography says it is body text (PDF), never a heading

    def parts(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)] + [(b.start, b.end) for b in self.joined or []]


def parse(
    text: str,
    doc_id: str = "doc",
    path: str = "<text>",
    markdown: bool = False,
    page_starts: list[int] | None = None,
    styles: list[tuple[int, int, str]] | None = None,
    dropped: Counter | None = None,
) -> Document:
    """Clean ``text`` into a Document (body blocks, sections, title, byline). ``page_starts``:
    where each page starts in ``text`` (pages separated by form feeds), to number pages.
    ``styles``: spans of ``text`` that typography marks as "heading" or as body text (PDF);
    ``dropped``: what the reader already left out, by reason."""
    counts = Counter(dropped or {})
    skip, meta_title = _yaml_front_matter(text) if markdown else (0, "")
    if skip:
        counts["front matter"] += 1
    raw = _raw_blocks(text, markdown, counts, skip)
    if styles:
        raw = _mark_styled(raw, styles)
        counts["running heads"] += sum(b.kind == "margin" for b in raw)
        raw = [b for b in raw if b.kind != "margin"]
    if _punctuated(text, raw):
        raw = _join_page_breaks(text, raw)
    raw = _mark_headings(text, raw)
    return assemble_document(
        text,
        raw,
        doc_id,
        path,
        markdown,
        structured=bool(meta_title),  # the front matter names the document
        title=meta_title,
        page_starts=page_starts,
        dropped=counts,
        toc=True,
        cover=True,
    )


def _yaml_front_matter(text: str) -> tuple[int, str]:
    """Where a Markdown file's YAML front matter ("---" lines around it) ends, and its title."""
    match = _FRONT_MATTER.match(text)
    if not match or match.group(1).count("\n") > 60:
        return 0, ""
    title = _FRONT_TITLE.search(match.group(1))
    return match.end(), title.group(1).strip() if title else ""


def assemble_document(
    text: str,
    raw: list[RawBlock],
    doc_id: str,
    path: str,
    markdown: bool = False,
    structured: bool = False,
    title: str = "",
    page_starts: list[int] | None = None,
    dropped: Counter | None = None,
    toc: bool = False,
    cover: bool = False,
) -> Document:
    """Assemble the Document from raw blocks: front matter, boilerplate sections, cleaning.
    ``structured``: the blocks come from markup (HTML, DOCX), so only a level-1 heading is a
    title, and ``title`` is the fallback when there is none. ``toc``: after a "Contents" heading,
    headings and short lines are table-of-contents entries up to the first paragraph of prose.
    ``cover``: the lines of a cover, a title page or a form before the first paragraph of prose
    are left out (``_cover_end``). Every block, line or mark left out is counted in
    ``Document.dropped`` under its reason."""
    words = _vocabulary(text)
    counts: Counter = Counter(dropped or {})
    title_block, byline, body = _front_matter(text, raw, structured)
    title_text = _clean(text, title_block.start, title_block.end, markdown, words)[0] if title_block else title

    pieces: list[tuple[int, int, int]] = []
    out: list[str] = []
    blocks: list[Block] = []
    sections: list[str] = []
    section = ""
    length = 0
    boilerplate = ""  # why the current section is left out, if it is
    in_toc = False
    entry = ""  # the last table-of-contents entry: the heading of the first paragraph after it
    heading_words: Counter | None = None
    cleaned_body = [(block, *_clean_parts(text, block.parts(), markdown, words, counts)) for block in body]
    cover_end = _cover_end(cleaned_body) if cover else 0
    for at, (block, cleaned, block_pieces) in enumerate(cleaned_body):
        if not cleaned:
            continue
        if block.kind == "heading" and not (boilerplate and markdown and not block.level):
            # In Markdown only a marked heading ends a boilerplate section.
            if in_toc:
                counts["table of contents"] += 1
                entry = cleaned
                continue
            boilerplate = _section_reason(cleaned)
            if boilerplate:
                counts[boilerplate] += 1
                # In plain text and PDF a list (contents, abbreviations) ends at the first prose.
                in_toc = toc and not markdown and _list_name(cleaned) in _LISTS
                continue
            if settings()["table_caption"].match(cleaned) or cleaned == (title_text or None):
                counts["figures and tables" if settings()["table_caption"].match(cleaned) else "title repeated"] += 1
                continue
            if heading_words is None:
                heading_words = Counter(map(str.lower, _WORD_TOKEN.findall(text)))
            cleaned = _respace(cleaned, heading_words, text)
            junk = _line_reason(cleaned, False) or ("list numbers" if _ENUMERATOR.match(cleaned) else "")
            junk = junk or ("figures and tables" if _CAPTION_WORD.match(cleaned) else "")
            junk = junk or ("contact lines" if _contact_line(cleaned) else "")
            if junk:
                counts[junk] += 1
                continue
            section = cleaned
            sections.append(section)
            continue
        if in_toc:
            if not _prose(cleaned):
                counts["table of contents"] += 1
                continue
            in_toc = False
            listed = _list_name(entry) in _LISTS or bool(_CAPTION_WORD.match(entry))  # "Figures", "Table"
            boilerplate = _section_reason(entry) if not listed else ""
            # The body starts anew after the contents: under their last entry, or under no heading.
            section = entry if entry and not boilerplate and not listed else ""
            if section:
                sections.append(section)
            entry = ""
        if boilerplate:
            counts[boilerplate] += 1
            continue
        if at < cover_end and block.kind == "paragraph":
            counts["cover page"] += 1
            continue
        reason = _block_reason(cleaned, block.kind)
        if reason:
            counts[reason] += 1
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
        title=title_text,
        byline=" ".join(_clean(text, b.start, b.end, markdown, words)[0] for b in byline),
        sections=sections,
        offsets=OffsetMap(pieces),
        page_starts=list(page_starts or []),
        dropped={reason: n for reason, n in sorted(counts.items()) if n},
    )


def _cover_end(body: list[tuple[RawBlock, str, list]]) -> int:
    """Where the body starts after a cover's, a title page's or a form's lines (0 when nothing
    comes before it that looks like them): the first paragraph of prose, when at least three
    paragraphs come before it, most of them fragments (no final full stop, question or
    exclamation mark: "S.O.P.  REV", "Originator: Office of ...", a library card's fields), and
    more paragraphs of prose come after it than paragraphs before it (an agenda or a slide deck
    is not a cover with one paragraph after it)."""
    paragraphs = [(at, cleaned) for at, (block, cleaned, _) in enumerate(body) if block.kind == "paragraph" and cleaned]
    first = next((k for k, (_, cleaned) in enumerate(paragraphs) if _prose(cleaned)), None)
    if first is None:
        return 0
    before = [cleaned for _, cleaned in paragraphs[:first]]
    fragments = sum(not _SENTENCE_END.search(cleaned) for cleaned in before)
    prose = sum(_prose(cleaned) for _, cleaned in paragraphs[first:])
    if fragments >= 3 and fragments * 2 > len(before) and prose > len(before):
        return paragraphs[first][0]
    return 0


_SECTION_REASONS = {
    "contents": "table of contents",
    "table of contents": "table of contents",
    "footnotes": "notes",
    "endnotes": "notes",
    "notes": "notes",
    "references": "bibliography",
    "bibliography": "bibliography",
    "works cited": "bibliography",
    "list of figures": "figures and tables",
    "list of tables": "figures and tables",
    "figures": "figures and tables",
    "tables": "figures and tables",
}


def _section_reason(heading: str) -> str:
    """Why a section under this heading is left out ("" when it is body text)."""
    name = _list_name(heading)
    if name not in settings()["boilerplate_sections"]:
        return ""
    return _SECTION_REASONS.get(name, "boilerplate sections")


def _list_name(heading: str) -> str:
    """The heading lower-cased, without a final colon; a contents heading that names its
    document first ("TechFAR Handbook Table of Contents") is "table of contents"."""
    name = heading.lower().strip().rstrip(":").strip()
    named = _NAMED_CONTENTS.search(name)
    return named.group(1) if named and len(name.split()) <= 8 else name


def _prose(block: str) -> bool:
    """A paragraph of running text (mostly lower-case words), not a table-of-contents entry."""
    words = block.split()
    lower = sum(w[0].islower() for w in words)
    if lower * 2 < len(words):
        return False
    return len(words) >= 25 or (len(words) >= 8 and bool(_TERMINAL.search(block)))


def _block_reason(block: str, kind: str) -> str:
    """Why a cleaned block is not body text ("" when it is): a furniture line, a line of URLs,
    a note or bibliography entry, a list number without its item, a figure or table caption."""
    reason = _line_reason(block, False)
    if reason:
        return reason
    if _ENUMERATOR.match(block):
        return "list numbers"
    if _list_name(block) in _TOC_HEADINGS:
        return "table of contents"
    urls = sum(len(m.group(0)) for m in _URL.finditer(block))
    if urls and urls * 2 >= len(block.replace(" ", "")):
        return "URL lines"
    if (kind == "item" or _NOTE_START.match(block)) and len(block.split()) < 60 and _NOTE_SIGNS.search(block):
        return "notes"
    if settings()["table_caption"].match(block) and len(block.split()) < 30:
        return "figures and tables"
    return "contact lines" if _contact_line(block) else ""


def _contact_line(block: str) -> bool:
    """A name or an office with its e-mail address or telephone number, not a sentence: "Jane Doe,
    Analyst in Defense Policy (jdoe@crs.loc.gov, 7-1234)"."""
    return len(block.split()) <= 30 and not _SENTENCE_END.search(block) and bool(_CONTACT.search(block))


def _respace(heading: str, counts: Counter, text: str) -> str:
    """A letter-spaced display heading put back together ("MALI CIOUS ACTO RS" -> "MALICIOUS
    ACTORS"): in an upper-case heading with a token that the text uses nowhere else, the letters
    are split again into words that the text uses, when that takes fewer words."""
    tokens = heading.split()
    if len(tokens) < 2 or any(c.islower() for c in heading) or not all(t.isalpha() for t in tokens):
        return heading
    times = max(text.count(heading), 1)
    lower = [t.lower() for t in tokens]

    def elsewhere(word: str) -> int:  # how often the text uses the word outside this heading
        return counts[word] - times * lower.count(word)

    if not any(elsewhere(t) <= 0 for t in lower if len(t) > 1):
        return heading
    letters = "".join(lower)
    best: list[list[str] | None] = [[]] + [None] * len(letters)
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - 20), end):
            word = letters[start:end]
            prefix = best[start]
            if prefix is None or (len(word) < 2 and word != "a") or elsewhere(word) <= 0:
                continue
            if best[end] is None or len(prefix) + 1 < len(best[end]):  # type: ignore[arg-type]
                best[end] = prefix + [word]
    found = best[-1]
    if not found or len(found) >= len(tokens):
        return heading
    return " ".join(found).upper()


def _raw_blocks(text: str, markdown: bool, counts: Counter | None = None, skip: int = 0) -> list[RawBlock]:
    """Split into blocks at blank lines; Markdown headings and list items start blocks of their
    own. Lines that are never body text are left out and counted in ``counts`` by reason; so is
    everything before ``skip`` (front matter)."""
    counts = Counter() if counts is None else counts
    comments = [m.span() for m in _MD_COMMENT.finditer(text)] if markdown else []
    lines = []
    pos = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip(_LINE_BREAKS)
        end = pos + len(content)
        inside = pos < skip or any(a <= pos and end <= b for a, b in comments)
        lines.append((pos, end, "" if inside else content.strip(), "\f" in line[len(content) :]))
        pos += len(line)
    repeated = _running_lines(lines)
    addresses = _address_groups(lines)
    caption, table_end = settings()["table_caption"], settings()["table_end"]

    blocks: list[RawBlock] = []
    current: RawBlock | None = None
    in_table = in_note = after_notice = False
    notice_tails: list[RawBlock] = []  # the lines that go on from a notice's line
    for i, (start, end, stripped, page_break) in enumerate(lines):
        notice_tail, after_notice = after_notice, False  # the line right after a notice's line
        if i in addresses:  # before the running heads: "Chairman" may come up three times
            counts["addresses"] += addresses[i]
            current = None
            continue
        heading = _MD_HEADING.match(stripped) if markdown else None
        if markdown and (in_table or caption.match(stripped)) and not heading:
            in_table = not table_end.match(stripped)
            counts["figures and tables"] += bool(stripped)
            current = None
            continue
        in_table = False
        if markdown and (_MD_NOTE.match(stripped) or (in_note and stripped and not heading)):
            counts["notes"] += not in_note
            in_note = True  # its text goes on up to a blank line
            current = None
            continue
        in_note = False
        reason = _line_reason(stripped, markdown)
        if not reason and repeated and _running_key(stripped) in repeated:
            reason = "running heads"
        if reason or not stripped:
            counts[reason] += bool(reason)
            current = None
            after_notice = reason == "notices"
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
            if notice_tail:
                notice_tails.append(current)
        if page_break:  # a page ends the block; _join_page_breaks re-joins a cut paragraph
            current = None
    counts.pop("", None)
    return _without_notice_tails(text, blocks, notice_tails)


def _without_notice_tails(text: str, blocks: list[RawBlock], tails: list[RawBlock]) -> list[RawBlock]:
    """The blocks without the rest of a notice: the lines that go on from a notice's line up to
    the blank line, when the notice is short (a longer block is body text that a notice's line
    happened to open)."""
    dropped = {id(b) for b in tails if len(text[b.start : b.end].split()) <= _NOTICE_WORDS}
    return [b for b in blocks if id(b) not in dropped]


def _address_groups(lines: list[tuple[int, int, str, bool]]) -> dict[int, bool]:
    """The lines of a letter's head, by index (True for the first line of each group): a
    letterhead or an inside address is a group of short lines (up to a blank line), none
    ending with punctuation, whose first line names an addressee ("The Honorable ...") or whose
    last ends with a ZIP code ("Washington, DC 20548")."""
    found: dict[int, bool] = {}
    group: list[int] = []
    for i, (_, _, stripped, page_break) in enumerate([*lines, (0, 0, "", True)]):
        if stripped:
            group.append(i)
        if (page_break or not stripped) and group:
            texts = [lines[j][2] for j in group]
            short = all(len(t.split()) <= 10 and not _TERMINAL.search(t) for t in texts)
            if short and (_ADDRESSEE.match(texts[0]) or _ZIP_CODE.search(texts[-1])):
                found.update((j, j == group[0]) for j in group)
            group = []
    return found


def _mark_styled(blocks: list[RawBlock], styles: list[tuple[int, int, str]]) -> list[RawBlock]:
    """Blocks inside a span that typography marks as a heading are headings, as a page's margin
    (a header or footer line) margins; those inside body text never are headings, whatever
    their shape."""
    starts = [a for a, _, _ in styles]
    for block in blocks:
        i = bisect.bisect_right(starts, block.start) - 1
        if i < 0 or block.start >= styles[i][1]:
            continue
        if styles[i][2] in ("heading", "margin") and block.kind == "paragraph":
            block.kind = styles[i][2]
        elif styles[i][2] != "heading":
            block.body = True
    return blocks


def _mark_headings(text: str, blocks: list[RawBlock]) -> list[RawBlock]:
    """A short single line without final punctuation is a heading (Markdown converted from
    PDF often leaves headings unmarked)."""
    for block in blocks:
        if (
            block.kind == "paragraph"
            and not block.joined
            and not block.body
            and _looks_like_heading(text[block.start : block.end], block.lines)
        ):
            block.kind = "heading"
    return blocks


def _line_reason(stripped: str, markdown: bool) -> str:
    """Why a line is never body text ("" when it may be): a page number, a bare URL, a
    table-of-contents entry, a printer's slug, web furniture (``[furniture]`` in the settings);
    in Markdown also table rows, link definitions, attribute lists and a lone upper-case token
    such as a report number."""
    if not stripped:
        return ""
    if _PAGE_NUMBER.match(stripped) or _ROMAN_PAGE.match(stripped):
        return "page numbers"
    if _URL_LINE.match(stripped):
        return "URL lines"
    letters = sum(map(str.isalpha, stripped))
    if len(stripped) >= 4 and letters * 4 < len(stripped.replace(" ", "")):
        return "non-text lines"  # numbers, symbols, scanning noise
    for reason, patterns in settings()["furniture"].items():
        if any(p.search(stripped) for p in patterns):
            return reason
    if not markdown:
        return ""
    if stripped.startswith("|"):
        return "figures and tables"
    if _MD_LINK_DEFINITION.match(stripped):
        return "URL lines"
    if _MD_ATTRIBUTES.match(stripped):
        return "markup"
    lone_code = " " not in stripped and not any(c.islower() for c in stripped) and not _TERMINAL.search(stripped)
    return "running heads" if lone_code and not _MD_HEADING.match(stripped) else ""


def _running_key(line: str) -> str:
    """A line with emphasis marks and numbers taken out, so 'Report 2' and 'Report 3' match."""
    return _SPACES.sub(" ", _NUMBERS_AND_EMPHASIS.sub("", line)).strip()


def _running_lines(lines) -> set[str]:
    """Short unpunctuated lines repeated (numbers aside) often: running headers and footers."""
    counts = Counter(
        _running_key(s)
        for _, _, s, _ in lines
        if s and len(s) <= 160 and not _LIST_ITEM.match(s) and not _MD_HEADING.match(s) and not _TERMINAL.search(s)
    )
    return {k for k, n in counts.items() if k and n >= settings()["running_line_min_count"]}


def _looks_like_heading(block: str, lines: int) -> bool:
    """One short line, without final punctuation, not starting in lower case, not ending with a
    comma or a word that goes on ("and", "of", "the" ...), with letters, not a list number."""
    stripped = _FOOTNOTE_MARK.sub("", block).strip().strip("*_").strip()
    if not stripped:
        return False
    return (
        lines == 1
        and len(stripped.split()) <= settings()["heading_max_words"]
        and not _TERMINAL.search(stripped)
        and not stripped[0].islower()
        and not stripped.endswith((",", "-", "\u2013", "\u2014"))
        and not _FUNCTION_END.search(stripped)
        and sum(c.isalpha() for c in stripped) >= 2
        and not _ENUMERATOR.match(stripped)
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
    widths = [len(line.strip()) for line in tail.splitlines()]
    if len(widths) >= 3 and widths[-1] * 3 < max(widths) * 2:
        return False  # its last line ends short of the margin: a list, or a paragraph's end; not cut text
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
    text: str, parts: list[tuple[int, int]], markdown: bool, words: set[str], counts: Counter | None = None
) -> tuple[str, list[tuple[int, int, int]]]:
    """Clean each part of a block and join them with one space, or with none where a page
    break cut a hyphenated word ("infor-" | "mation"). Markup is found in the parts read as
    one paragraph, so emphasis or a link that a page break cut ("**very" | "important**") goes."""
    out, pieces = "", []
    for (start, end), deleted in zip(parts, _deletions_by_part(text, parts, markdown, words, counts)):
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
    text: str, parts: list[tuple[int, int]], markdown: bool, words: set[str], counts: Counter | None = None
) -> list[list[tuple[int, int]]]:
    """What cleaning deletes from the parts joined by spaces, as spans within each part."""
    if len(parts) == 1:
        start, end = parts[0]
        return [_deletions(text[start:end], markdown, words, counts)]
    bounds, at = [], 0
    for start, end in parts:
        bounds.append((at, at + end - start))
        at += end - start + 1
    by_part: list[list[tuple[int, int]]] = [[] for _ in parts]
    for a, b in _deletions(" ".join(text[start:end] for start, end in parts), markdown, words, counts):
        for spans, (lo, hi) in zip(by_part, bounds):
            if max(a, lo) < min(b, hi):
                spans.append((max(a, lo) - lo, min(b, hi) - lo))
    return by_part


def _vocabulary(text: str) -> set[str]:
    """Lower-cased words of ``text`` and the pairs of its hyphenated compounds ("long-term"),
    to tell a line-end hyphenation ("infor-mation") from a compound broken at a line end."""
    found = set(map(str.lower, _WORD.findall(text)))
    words = {w for w in found if "-" not in w}
    for compound in found - words:
        parts = compound.split("-")
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


def _deletions(
    segment: str, markdown: bool, words: set[str] | frozenset[str] = frozenset(), counts: Counter | None = None
) -> list[tuple[int, int]]:
    """The spans of ``segment`` that cleaning deletes: first line-end hyphenation and soft
    hyphens, then the markup (links, escapes, footnote marks, emphasis, in Markdown HTML tags
    and reference links) of the text they leave: markup that they interrupt is still markup (a
    link whose URL wraps at a hyphen), and none appears where they were. Footnote marks are
    counted in ``counts``."""
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
    marks = 0
    for m in _LINK.finditer(view) if "[" in view else ():
        # An image, or a footnote mark (digits right after a word: "NAFTA.[1](url)"): dropped whole.
        # Digits after a space are words: "fielded in [2007](url)".
        if m.group(1) or (m.group(2).isdigit() and m.start() > 0 and not view[m.start() - 1].isspace()):
            markup.append((m.start(), m.end()))
            marks += not m.group(1)
        else:
            markup.append((m.start(), m.start(2)))
            markup.append((m.end(2), m.end()))
    escapes = [m.start() for m in _ESCAPE.finditer(view)] if "\\" in view else []
    markup.extend((at, at + 1) for at in escapes)
    if "[" in view or (markdown and ("*" in view or "__" in view or "<" in view or "{:" in view)):
        found, marks_found = _inline_markup(view, markup, {at + 1 for at in escapes}, markdown)
        markup.extend(found)
        marks += marks_found
    if counts is not None and marks:
        counts["footnote marks"] += marks
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


def _inline_markup(
    segment: str, deleted: list[tuple[int, int]], escaped: set[int], markdown: bool
) -> tuple[list[tuple[int, int]], int]:
    """The footnote marks ("[^3]", "end.[12]") and, in Markdown, the emphasis marks, HTML tags,
    attribute lists and reference-link brackets of what ``deleted`` leaves of ``segment``, until
    none is left (inner ones too: "***both***", "**bold *it***"); an escaped character is a
    literal one. Also how many footnote marks there were."""
    kept = _kept(segment, deleted)
    marks: list[tuple[int, int]] = []
    notes = 0
    while True:
        whole = not escaped and len(kept) == len(segment)
        view = segment if whole else "".join("\0" if i in escaped else segment[i] for i in kept)
        drop = set()
        for m in _FOOTNOTE_MARK.finditer(view):
            drop.update(range(m.start(), m.end()))
            notes += 1
        if markdown:
            for m in _EMPHASIS.finditer(view):
                drop.update(range(m.start(1), m.end(1)))
                drop.update(range(m.end(2), m.end()))
            for m in _MD_INLINE.finditer(view):
                drop.update(range(m.start(), m.end()))
            for m in _MD_REFERENCE.finditer(view):
                drop.update((m.start(),))
                drop.update(range(m.end(1), m.end()))
        if not drop:
            return marks, notes
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
        if segment[a : a + 3].lower() == "<br" and a >= pos:  # a line break in HTML: a space
            space = -1 if space is None else space
        pos = max(pos, b)
    return "".join(out), pieces
