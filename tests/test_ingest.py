import pytest

from argmine.errors import InputError
from argmine.ingest import ingest, parse
from argmine.segment import segment
from conftest import REFERENCE


def test_reference_metadata_and_sections():
    doc = ingest(REFERENCE)
    assert doc.title.startswith("Benefits and challenges of Japan-NATO cooperation")
    assert doc.byline == "Ryosuke Tanaka | National Institute for Defense Studies, Japan."
    assert doc.sections[:4] == ["Theme", "Summary", "Analysis", "Introduction"]
    assert doc.sections[-1] == "Conclusions"
    assert "Ryosuke Tanaka" not in doc.text and "Theme" not in doc.text.split("\n\n")[0][:10]


@pytest.mark.parametrize(
    "joined",
    [
        "as it is in its infancy.",
        "international joint development of defence equipment, and cooperation",
        "a NATO liaison office in Tokyo and Turkey's refusal",
        "However, if these can be successfully delivered",
        "To avoid such a situation, both NATO and Japan",
    ],
)
def test_page_breaks_rejoined(joined):
    assert joined in ingest(REFERENCE).text


def test_link_markup_and_escapes_cleaned():
    text = ingest(REFERENCE).text
    assert "Enhanced Japan-NATO cooperation could" in text
    assert "Individual Partnership and Cooperation Programme (IPCP)" in text
    assert "](" not in text and "\\(" not in text and "[" not in text


def test_offsets_map_back_to_original():
    original = REFERENCE.read_text(encoding="utf-8")
    doc = ingest(REFERENCE)
    for word in ("infancy.", "Turkey's", "IPCP", "Conclusions"):
        at = doc.text.find(word)
        if at < 0:
            continue
        o = doc.offsets.to_original(at)
        assert original[o : o + len(word)] == word


def test_markdown_headings_and_bullets():
    doc = parse(
        "# Title\n\n## Options\n\n- Congress should fund it.\n- Agencies need to report\n\nA paragraph.\n",
        markdown=True,
    )
    assert doc.title == "Title"
    assert doc.sections == ["Options"]
    assert [doc.text[b.start : b.end] for b in doc.blocks] == [
        "Congress should fund it.",
        "Agencies need to report",
        "A paragraph.",
    ]
    assert [b.kind for b in doc.blocks] == ["item", "item", "paragraph"]


def test_page_numbers_and_running_headers_dropped():
    page = "Policy Brief 2024\n\nThe first point is made here and it continues\n\n12\n\nPolicy Brief 2024\n\nacross the page.\n\nPolicy Brief 2024\n"
    doc = parse("Title Line\n\n" + page)
    assert doc.text == "The first point is made here and it continues across the page."


def test_latin1_is_decoded(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(
        "Title\n\nLa coopération est très utile pour l'Europe et le Japon aujourd'hui.\n".encode("latin-1")
    )
    assert "coopération" in ingest(path).text


def test_the_document_decoder_is_decode_text(tmp_path):
    """argmine.files.read_text (UTF-8 only, the project's own files) is the only read_text."""
    import argmine.ingest

    path = tmp_path / "cp1252.txt"
    path.write_bytes("Z\u00fcrich \u2013 a dash.".encode("cp1252"))
    assert argmine.ingest.decode_text(path) == "Z\u00fcrich \u2013 a dash."
    assert not hasattr(argmine.ingest, "read_text")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty; give a document with text in it"),
        (b"   \n\n", "the file is empty; give a document with text in it"),
        (b"\x00\x01\x02binary\x00", "looks like a binary file, not text; convert it to .txt or .md first"),
    ],
)
def test_unreadable_documents(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        ingest(path)
    assert str(err.value) == f"{path}: {message}"


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "paper.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError) as err:
        ingest(path)
    assert str(err.value) == (
        f"{path}: unsupported file type '.doc'; argmine reads .docx, .htm, .html, .markdown, .md, .pdf, .text, .txt"
    )


CONVERTED_REPORT = """<!-- SOURCE: a provenance note -->

**CRS INSIGHT** Prepared for Members and Committees of Congress

### 

# Counter-Drone Policy

### Background

Congress has expressed concerns about drones.[1](https://example.org/r.html#fn1) DOD is fielding defences.

**Congressional Research Service**

https://crsreports.congress.gov

IN12418

Congressional Research Service 2

**Table 1. Selected Provisions**

**House Senate**

Section 902 would have designated an agent.

**Source:** CRS analysis.

Congressional Research Service 3

| a | b |
| --- | --- |

Congress may wish to extend the authority.

Congressional Research Service 4

## Author Information

Jane Doe Analyst in Defense Policy

## Disclaimer

This document was prepared by CRS.
"""


def test_converted_report_markup_dropped():
    doc = parse(CONVERTED_REPORT, markdown=True)
    assert doc.title == "Counter-Drone Policy"
    assert doc.sections == ["Background"]
    assert [doc.text[b.start : b.end] for b in doc.blocks] == [
        "Congress has expressed concerns about drones. DOD is fielding defences.",
        "Congress may wish to extend the authority.",
    ]


@pytest.mark.parametrize(
    "source, cleaned",
    [
        ("the\nthe", "the the"),  # a line break becomes a space that the source does not have
        ("a\t\tb c", "a b c"),
        ("a [](https://x.org) b", "a b"),  # the spaces around dropped markup collapse
        ("![chart](c.png) Text here.", "Text here."),
        ("a\u00a0b", "a b"),
    ],
)
def test_whitespace_becomes_one_mapped_or_inserted_space(source, cleaned):
    """Every piece of the offset map is the source's own characters: a run of whitespace is one
    space, mapped to a space of the run, or inserted (unmapped) where the run has none."""
    doc = parse(source)
    assert doc.text == cleaned
    for c, o, n in doc.offsets.pieces:
        assert doc.text[c : c + n] == source[o : o + n]


@pytest.mark.parametrize(
    "source, cleaned",
    [
        ("Both ***at once*** here.", "Both at once here."),  # was "Both *at once* here."
        ("A **bold *and italic*** claim.", "A bold and italic claim."),
        ("It is **very\nimportant** to note.", "It is very important to note."),  # across a line break
        ("It is **very\n\nimportant** to note.", "It is very important to note."),  # across a page break
        ("A \\*literal* star.", "A *literal* star."),  # an escaped '*' is no emphasis mark
    ],
)
def test_emphasis_removed_whole(source, cleaned):
    """Emphasis is removed until none is left, so cleaning the cleaned text changes nothing."""
    assert parse("# Title\n\n" + source, markdown=True).text == cleaned


@pytest.mark.parametrize(
    "source, cleaned",
    [
        ("See [the report](http://x.org/long-\npath) now.", "See the report now."),
        ("A \\\u00ad. b.", "A . b."),  # was "A \\. b.", which cleaning turned into "A . b."
    ],
)
def test_markup_read_after_hyphenation_and_soft_hyphens(source, cleaned):
    assert parse("Title\n\n" + source).text == cleaned


def test_a_page_break_inside_a_line_keeps_both_pages_text():
    """A form feed ends a line (and a block) like a line break; the text before it is kept."""
    document = parse("The first page ends here.\fThe second page starts here.")
    assert [s.text for s in segment(document)] == ["The first page ends here.", "The second page starts here."]
    cut = parse("The first page ends in the mid-\fdle of a word and goes on.")
    assert cut.text == "The first page ends in the middle of a word and goes on."


def test_a_linked_number_after_a_word_is_a_footnote_mark_after_a_space_a_word():
    document = parse(
        "The deal replaced NAFTA.[1](https://x.org/n1) Fielding began in [2007](https://x.org/a) and [2008](https://x.org/b)."
    )
    assert document.text == "The deal replaced NAFTA. Fielding began in 2007 and 2008."


LETTER = """Report to the Chairman

This is a work of the U.S. government and is not subject to copyright protection in the
United States. It may be reproduced and distributed in its entirety without further
permission from the agency.

United States Government Accountability Office
Washington, DC 20548

The Honorable Jane Roe
Chairman
Committee on Oversight
House of Representatives

The Honorable John Doe
Ranking Member
Committee on Oversight
House of Representatives

The Honorable Ann Poe
Chairman
Subcommittee on Audits

Federal grants to states made up a fifth of federal outlays last year, and
the agencies that award them have begun to tie payments to results.
"""


def test_a_notices_paragraph_and_a_letters_addresses_are_left_out():
    """The notice's line opens its paragraph: the whole paragraph goes. The letterhead and each
    inside address go whole, though "Chairman" comes up three times (a running head's count)."""
    doc = parse(LETTER)
    assert [doc.text[b.start : b.end] for b in doc.blocks] == [
        "Federal grants to states made up a fifth of federal outlays last year, and the agencies "
        "that award them have begun to tie payments to results."
    ]
    assert doc.dropped["notices"] == 1 and doc.dropped["addresses"] == 4


def test_a_long_paragraph_that_a_notices_line_opens_keeps_its_text():
    body = " ".join(["The agency reviewed every grant it awarded and reported the results to the committee."] * 10)
    doc = parse(f"Report\n\nFor more information, contact the agency\n{body}\n")
    assert doc.text == body


def test_a_list_column_is_not_joined_to_the_paragraph_after_it():
    """A block whose last line stops short of its longest is a list (or a paragraph's end), not
    prose that a page break cut."""
    text = (
        "Report\n\nAbbreviations\n\nDepartment of Energy\nEnergy Information Administration\n"
        "enhanced oil recovery\ngas to liquids\n\n"
        "Consumers paid $38 billion more for gasoline in the first half of the year than a year before.\n"
    )
    doc = parse(text)
    assert doc.text == "Consumers paid $38 billion more for gasoline in the first half of the year than a year before."


@pytest.mark.parametrize(
    "line",
    [
        "Jane Doe, Analyst in Defense Policy (jdoe@crs.loc.gov, 7-1234)",
        "Press contact: John Roe, (202) 512-4800",
    ],
)
def test_contact_lines_are_left_out(line):
    body = "The committee reviewed the program and found that it met its goals."
    doc = parse(f"Report\n\n{body}\n\n{line}\n\nWrite to jdoe@example.gov with questions about the program.\n")
    assert doc.text == f"{body}\n\nWrite to jdoe@example.gov with questions about the program."
    assert doc.dropped["contact lines"] == 1 and doc.sections == []


PROSE = [
    "This procedure sets out how the agency publishes the data it collects and who approves it.",
    "Every office keeps an inventory of its data and reviews it with the data officer each quarter.",
    "The data officer decides what may be released and publishes it in an open format.",
]


def test_a_covers_lines_before_the_first_paragraph_of_prose_are_left_out():
    """A scanned cover and a library card: stacked lines, none a sentence, before the body."""
    cover = (
        "NATIONAL\nSECURITY\nSTRATEGY\n\nPLEASE RETURN TO:\n\nTECHNICAL INFORMATION CENTER\n"
        "WASHINGTON D.C. 20301-7100\n\nAccession Number: 3131\nPublication Date: Aug 01, 1991\nPages: 00034"
    )
    doc = parse(cover + "\n\n" + "\n\n".join(PROSE + PROSE[:1]) + "\n")
    assert doc.text == "\n\n".join(PROSE + PROSE[:1])
    assert doc.dropped["cover page"] == 3 and doc.dropped["addresses"] == 1


@pytest.mark.parametrize(
    "opening",
    [
        "Thank you.\n\nGood morning.\n\nPlease, be seated.",  # sentences: a speech's opening
        "Chairman Doe and Members of the Subcommittee:",  # one line, not a cover
    ],
)
def test_short_sentences_before_the_first_paragraph_of_prose_stay(opening):
    doc = parse("Remarks\n\n" + opening + "\n\n" + "\n\n".join(PROSE) + "\n")
    assert doc.text.startswith(opening.replace("\n\n", "\n\n"))
    assert "cover page" not in doc.dropped


def test_an_agenda_is_not_a_cover():
    """Fragments before a single paragraph of prose: the document is a list, and stays."""
    agenda = "9:00 Registration\n9:30 Welcome remarks\n\n10:00 Panel on open data\n11:00 Panel on privacy\n\n12:00 Lunch\n1:00 Workshops"
    doc = parse("Town Hall Agenda\n\nProgram\n\n" + agenda + "\n\n" + PROSE[0] + "\n")
    assert "cover page" not in doc.dropped and doc.text.endswith(PROSE[0])
    assert len(doc.blocks) == 4


def test_a_contents_heading_that_names_its_document_is_a_contents_heading():
    text = (
        "Open Data Handbook\n\nHandbook Table of Contents\n\nPurpose\n\nScope\n\nFigures\n\nFigure\n\n"
        + "\n\n".join(PROSE)
        + "\n"
    )
    doc = parse(text)
    assert doc.sections == [] and doc.text == "\n\n".join(PROSE)
    assert doc.dropped["table of contents"] == 5  # the heading and its four entries


def test_the_body_after_the_contents_is_under_no_earlier_heading():
    """The contents end at the first prose; a list's name ("Figure") is no section for it, nor is
    the heading before the contents."""
    text = "Report\n\nHighlights\n\n" + PROSE[0] + "\n\nContents\n\nFigure\n\n" + "\n\n".join(PROSE[1:]) + "\n"
    doc = parse(text)
    assert [b.section for b in doc.blocks] == ["Highlights", "", ""]
