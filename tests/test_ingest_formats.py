"""HTML, PDF and DOCX ingest: fixtures built here, the sentences that come out checked exactly."""

import json
import re

import pytest
from click.testing import CliRunner

from argmine.cli import main
from argmine.errors import InputError
from argmine.ingest import extract_text, ingest, parse
from argmine.segment import segment


def sentences(path):
    return [(s.section, s.text) for s in segment(ingest(path))]


# --- PDF -------------------------------------------------------------------------------


def write_pdf(path, pages, header="Policy Brief 2024", heading_step=20):
    """A PDF with a running header and a page number on every page. ``pages``: per page a
    list of paragraphs, each a list of lines; a line starting "# " is a bold heading, set
    ``heading_step`` points above the next line (34: loose enough for pdfminer to make each
    line a text box of its own)."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    for number, paragraphs in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.text(250, 40, header)
        pdf.text(290, 810, str(number))
        y = 90
        for paragraph in paragraphs:
            for line in paragraph:
                if line.startswith("# "):
                    pdf.set_font("Helvetica", "B", 14)
                    pdf.text(72, y, line[2:])
                    y += heading_step
                else:
                    pdf.set_font("Helvetica", size=11)
                    pdf.text(72, y, line)
                    y += 14
            y += 12
    pdf.output(str(path))
    return path


PAGES = [
    [
        ["# Alliance Cooperation"],
        ["Japan and NATO should deepen their cyber infor-", "mation sharing. The allies face a long-term challenge."],
        ["# Recommendations"],
        [
            "The allies need a shared view of long-",
            "term risks. The alliance must fund the new centre and it will need",
        ],
    ],
    [
        ["steady support from every member. A new sentence starts here.", "Tokyo should also open a perma-"],
    ],
    [
        ["nent liaison office in Brussels.", "This is the last sentence."],
    ],
]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    return write_pdf(tmp_path_factory.mktemp("pdf") / "brief.pdf", PAGES)


def test_pdf_sentences(pdf):
    assert sentences(pdf) == [
        ("", "Japan and NATO should deepen their cyber information sharing."),
        ("", "The allies face a long-term challenge."),
        ("Recommendations", "The allies need a shared view of long-term risks."),
        (
            "Recommendations",
            "The alliance must fund the new centre and it will need steady support from every member.",
        ),
        ("Recommendations", "A new sentence starts here."),
        ("Recommendations", "Tokyo should also open a permanent liaison office in Brussels."),
        ("Recommendations", "This is the last sentence."),
    ]


def test_pdf_title_sections_and_dropped_lines(pdf):
    doc = ingest(pdf)
    assert doc.title == "Alliance Cooperation"
    assert doc.sections == ["Recommendations"]
    extracted = extract_text(pdf)
    # The running header and the page numbers are in the text layer, and cleaning drops them.
    assert extracted.count("Policy Brief 2024") == 3 and "Policy Brief" not in doc.text
    assert [line for line in extracted.splitlines() if line.isdigit()] == ["1", "2", "3"]
    assert not re.search(r"\b[123]\b", doc.text)


@pytest.mark.parametrize("heading_step", [20, 34], ids=["one text box", "a text box per line"])
def test_pdf_heading_wrapped_over_two_lines(tmp_path, heading_step):
    body = ["Japan and its partners should act now, before the next crisis arrives.", "NATO agrees with that view."]
    pages = [
        [["# Alliance Cooperation in the Age of", "# Cyber Threats"], body],
        [["# What the Allies Should Do About", "# Ransomware"], body],
        [body],
    ]
    path = write_pdf(tmp_path / "wrapped.pdf", pages, heading_step=heading_step)
    doc = ingest(path)
    assert doc.title == "Alliance Cooperation in the Age of Cyber Threats"
    assert doc.sections == ["What the Allies Should Do About Ransomware"]
    sections = {1: "", 2: "What the Allies Should Do About Ransomware", 3: "What the Allies Should Do About Ransomware"}
    assert [(s.page, s.section, s.text) for s in segment(doc)] == [(p, sections[p], t) for p in (1, 2, 3) for t in body]


def test_pdf_page_numbers(pdf):
    doc = ingest(pdf)
    pages = [(s.page, s.text.split()[0]) for s in segment(doc)]
    # A sentence continued across a page break is on the page where it starts.
    assert pages == [(1, "Japan"), (1, "The"), (1, "The"), (1, "The"), (2, "A"), (2, "Tokyo"), (3, "This")]
    records = [s.record() for s in segment(doc)]
    assert [r["page"] for r in records] == [p for p, _ in pages]
    assert len(doc.page_starts) == 3 and extract_text(pdf).count("\f") == 2


def test_pdf_offsets_lead_into_the_extracted_text(pdf):
    doc = ingest(pdf)
    extracted = extract_text(pdf)
    for s in segment(doc):
        first = s.text.split()[0]
        at = doc.offsets.to_original(s.start)
        assert extracted[at : at + len(first)] == first
    at = doc.offsets.to_original(doc.text.index("information"))
    assert extracted[at : at + 7] == "infor-\n"


def test_pdf_a_small_line_alone_above_or_below_the_text_is_left_out(tmp_path):
    """A line of small type above or below all of a page's body text is a page header or footer
    (once only, so not a running head); between paragraphs it stays."""
    from fpdf import FPDF

    body = [
        ["The agency should publish its data in open formats so that", "others can use it freely and build on it."],
        ["It should also keep an inventory of the data it holds and", "make that inventory public every quarter."],
    ]
    pdf = FPDF(unit="pt", format="A4")
    for page in range(2):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.text(72, 90, f"Part {page + 1}")
        pdf.set_font("Helvetica", size=11)
        pdf.text(72, 120, body[0][0])
        pdf.text(72, 134, body[0][1])
        pdf.set_font("Helvetica", size=8)
        pdf.text(72, 160, "Small type between the paragraphs")
        pdf.set_font("Helvetica", size=11)
        pdf.text(72, 186, body[1][0])
        pdf.text(72, 200, body[1][1])
    pdf.set_font("Helvetica", size=8)
    pdf.text(72, 40, "Office of the Chief Information Officer")
    pdf.text(72, 800, "Printed on Recycled Paper")
    path = tmp_path / "margins.pdf"
    pdf.output(str(path))
    doc = ingest(path)
    assert "Office of the" not in doc.text and "Recycled" not in doc.text
    assert doc.text.count("Small type between the paragraphs") == 2
    assert doc.dropped["running heads"] == 2


def test_pdf_without_text_layer(tmp_path):
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 100), "white"), x=10, y=10, w=100)  # a "scanned" page
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError) as err:
        ingest(path)
    assert str(err.value) == f"{path}: has no text layer (scanned images?); run OCR first, e.g. ocrmypdf in.pdf out.pdf"


@pytest.mark.parametrize("damage", ["truncated", "not a pdf"])
def test_corrupt_pdf(tmp_path, pdf, damage):
    path = tmp_path / "bad.pdf"
    data = pdf.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"<html><body>Not found</body></html>")
    with pytest.raises(InputError) as err:
        ingest(path)
    assert (
        str(err.value)
        == f"{path}: cannot be read as a PDF (damaged, truncated or not a PDF); download or export it again"
    )


def test_password_protected_pdf(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 20, "Japan should act.")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError) as err:
        ingest(path)
    assert str(err.value) == (
        f"{path}: is protected by a password; save an unprotected copy "
        "first, e.g. qpdf --decrypt --password=PASS in.pdf out.pdf"
    )


# --- line-end hyphenation (every format, plain text included) ------------------------------


@pytest.mark.parametrize(
    "lines, joined",
    [
        ("Cyber infor-\nmation sharing", "Cyber information sharing"),
        ("A NATO-\nled mission", "A NATO-led mission"),  # an acronym's hyphen is the word's
        ("A long-\nterm plan, and a long-term view", "A long-term plan, and a long-term view"),
        ("In 2023-\n24 the budget", "In 2023-24 the budget"),  # before a digit or a capital: a compound
        ("Japan and the\nU.S.-\nJapan alliance", "Japan and the U.S.-Japan alliance"),
        ("A soft infor\u00ad\nmation hyphen and a co\u00adoperation", "A soft information hyphen and a cooperation"),
        ("A dash -\nthen more", "A dash - then more"),
    ],
)
def test_line_end_hyphenation(lines, joined):
    assert parse(f"Title\n\n{lines}.\n").text == f"{joined}."


# --- HTML ------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Alliance Cooperation | Think Tank</title>
<style>body { font-family: serif; } .hidden-style-text {}</style>
<script>var tracking = "script text must not appear";</script></head>
<body>
<div id="cookie-banner"><p>We use cookies to improve your experience.</p><button>Accept all</button></div>
<header class="site-header"><a href="/">Think Tank home</a>
  <nav><ul><li><a href="/research">Research menu</a></li><li><a href="/about">About us</a></li></ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/research">Research</a></div>
<main>
  <article>
    <header><h1>Alliance <em>Cooperation</em> in Cyberspace</h1><p class="byline">By Jane Doe</p></header>
    <p>Japan and NATO have <a href="/x">expanded</a> their cooperation since 2014. The partnership now covers
       cyber defence.</p>
    <aside class="pullquote"><p>Aside text must not appear.</p></aside>
    <h2>Challenges</h2>
    <p>Budgets are tight<br>and priorities differ. Public support is uncertain.</p>
    <div class="share-buttons"><a href="#">Share on X</a> <a href="#">Share by e-mail</a></div>
    <p style="display: none">Hidden text must not appear.</p>
    <h2>Recommendations</h2>
    <ul>
      <li>Japan should fund a liaison office in Brussels.</li>
      <li>NATO should invite Japan to cyber exercises.<ul><li>The first exercise could be held in 2025.</li></ul></li>
    </ul>
    <h3>Next steps</h3>
    <div>Both sides should agree on a road map by the next summit.</div>
    <!-- comment text must not appear -->
    <ul class="tags"><li><a href="/t/1">Japan</a></li><li><a href="/t/2">NATO</a></li><li><a href="/t/3">Cyber</a></li></ul>
    <table><caption>Table 1. Budget</caption><tr><th>Year</th><th>Budget</th></tr><tr><td>2024</td><td>5</td></tr></table>
  </article>
</main>
<footer><p>Copyright 2024 Think Tank. Footer text must not appear.</p></footer>
<script>console.log("script text must not appear");</script>
</body></html>
"""


@pytest.fixture
def html(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_html_sentences(html):
    assert sentences(html) == [
        ("", "Japan and NATO have expanded their cooperation since 2014."),
        ("", "The partnership now covers cyber defence."),
        ("Challenges", "Budgets are tight and priorities differ."),
        ("Challenges", "Public support is uncertain."),
        ("Recommendations", "Japan should fund a liaison office in Brussels."),
        ("Recommendations", "NATO should invite Japan to cyber exercises."),
        ("Recommendations", "The first exercise could be held in 2025."),
        ("Next steps", "Both sides should agree on a road map by the next summit."),
    ]


def test_html_structure_and_no_boilerplate(html):
    doc = ingest(html)
    assert doc.title == "Alliance Cooperation in Cyberspace"
    assert doc.byline == "By Jane Doe"
    assert doc.sections == ["Challenges", "Recommendations", "Next steps"]
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph", "item", "item", "item", "paragraph"]
    extracted = extract_text(html)
    for junk in ("script", "cookies", "Accept", "menu", "About us", "Home", "Aside", "Share", "Hidden", "comment",
                 "Footer", "Copyright", "Table 1", "Year", "font-family", "Cyber\n"):  # fmt: skip
        assert junk not in extracted, junk
    assert all(s.page is None for s in segment(doc))


def test_html_title_outside_main_and_page_without_main(tmp_path):
    path = tmp_path / "plain.htm"
    path.write_text(
        "<html><head><title>Fallback</title></head><body>"
        "<nav><a href='/'>Home</a></nav>"
        "<div class='page-title'><h1>The Real Title</h1></div>"
        "<div class='content'><p>First paragraph here.</p><h2>Part two</h2>Loose text in a div.<p>Last one.</p></div>"
        "<div role='contentinfo'>Contact us</div></body></html>",
        encoding="utf-8",
    )
    doc = ingest(path)
    assert doc.title == "The Real Title"
    assert sentences(path) == [
        ("", "First paragraph here."),
        ("Part two", "Loose text in a div."),
        ("Part two", "Last one."),
    ]
    path.write_text("<html><head><title>The Page Title</title></head><body><main><h2>Only part</h2>"
                    "<p>Text of the page.</p></main></body></html>", encoding="utf-8")  # fmt: skip
    doc = ingest(path)
    assert (doc.title, doc.sections) == ("The Page Title", ["Only part"])


def test_html_declared_encoding(tmp_path):
    path = tmp_path / "latin.html"
    path.write_bytes(
        '<html><head><meta charset="windows-1252"></head><body><h1>Coopération</h1>'
        "<p>La coopération est très utile.</p></body></html>".encode("cp1252")
    )
    assert sentences(path) == [("", "La coopération est très utile.")]


def test_html_without_text(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest(path)
    assert str(err.value) == f"{path}: no body text found (only headings or whitespace); give a document with sentences"


# --- DOCX ------------------------------------------------------------------------------


def write_docx(path, title_style=True):
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Running header text"
    document.sections[0].footer.paragraphs[0].text = "Footer text 7"
    if title_style:
        document.add_heading("Alliance Cooperation", level=0)  # the Title style
    else:
        document.add_heading("Alliance Cooperation", level=1)
    document.add_paragraph("By Jane Doe")
    document.add_paragraph("Japan and NATO have expanded their cooperation. The partnership now covers cyber defence.")
    document.add_heading("Challenges", level=1 if title_style else 2)
    document.add_paragraph("Budgets are tight\tand priorities differ.")
    document.add_heading("Recommendations", level=2 if title_style else 3)
    document.add_paragraph("Japan should fund a liaison office.", style="List Bullet")
    document.add_paragraph("NATO should invite Japan to exercises.", style="List Number")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "Table cell text."
    document.add_paragraph("")
    document.add_paragraph("Both sides should agree on a road map.")
    document.save(str(path))
    return path


@pytest.mark.parametrize("title_style", [True, False], ids=["Title style", "lone Heading 1"])
def test_docx(tmp_path, title_style):
    path = write_docx(tmp_path / "paper.docx", title_style)
    assert sentences(path) == [
        ("", "Japan and NATO have expanded their cooperation."),
        ("", "The partnership now covers cyber defence."),
        ("Challenges", "Budgets are tight and priorities differ."),
        ("Recommendations", "Japan should fund a liaison office."),
        ("Recommendations", "NATO should invite Japan to exercises."),
        ("Recommendations", "Both sides should agree on a road map."),
    ]
    doc = ingest(path)
    assert (doc.title, doc.byline, doc.sections) == (
        "Alliance Cooperation",
        "By Jane Doe",
        ["Challenges", "Recommendations"],
    )
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph", "item", "item", "paragraph"]
    for junk in ("Running header", "Footer", "Table cell"):
        assert junk not in extract_text(path)


def test_docx_headings_without_a_title_are_sections(tmp_path):
    import docx

    document = docx.Document()
    for heading, text in (("Introduction", "Japan should act."), ("Conclusion", "NATO agreed.")):
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    document.save(str(tmp_path / "two.docx"))
    doc = ingest(tmp_path / "two.docx")
    assert (doc.title, doc.sections) == ("", ["Introduction", "Conclusion"])


def test_corrupt_docx(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(write_docx(tmp_path / "good.docx").read_bytes()[:500])
    with pytest.raises(InputError) as err:
        ingest(path)
    assert (
        str(err.value)
        == f"{path}: cannot be read as a Word .docx file (damaged, or another format); save it again as .docx"
    )


# --- a folder of all three through the command line -------------------------------------


def test_run_folder_with_html_pdf_and_docx(tmp_path, pdf):
    import jsonschema

    from conftest import ROOT

    folder = tmp_path / "papers"
    (folder / "sub").mkdir(parents=True)
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "sub" / "brief.pdf").write_bytes(pdf.read_bytes())
    write_docx(folder / "paper.docx")
    (folder / "notes.xlsx").write_bytes(b"ignored: not a document type")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    run = json.loads((out / "run.json").read_text())
    assert [(d["doc_id"], d["status"], d["sentences"]) for d in run["documents"]] == [
        ("page", "ok", 8),
        ("paper", "ok", 6),
        ("brief", "ok", 7),
    ]
    for doc_id in ("page", "paper", "brief"):
        for suffix in ("sentences.jsonl", "summary.json", "summary.md"):
            assert (out / f"{doc_id}.{suffix}").exists()
    schema = jsonschema.Draft202012Validator(json.loads((ROOT / "docs/schemas/sentence.schema.json").read_text()))
    pages = {}
    for doc_id in ("page", "paper", "brief"):
        lines = [json.loads(line) for line in (out / f"{doc_id}.sentences.jsonl").read_text().splitlines()]
        for line in lines:
            schema.validate(line)
        pages[doc_id] = [line["page"] for line in lines]
    assert pages == {"page": [None] * 8, "paper": [None] * 6, "brief": [1, 1, 1, 1, 2, 2, 3]}
    assert json.loads((out / "brief.summary.json").read_text())["title"] == "Alliance Cooperation"


def test_run_reports_a_scanned_pdf_and_goes_on(tmp_path):
    from fpdf import FPDF
    from PIL import Image

    folder = tmp_path / "papers"
    folder.mkdir()
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 100), "white"), x=10, y=10, w=100)
    pdf.output(str(folder / "scan.pdf"))
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    message = f"{folder / 'scan.pdf'}: has no text layer (scanned images?); run OCR first, e.g. ocrmypdf in.pdf out.pdf"
    assert f"Error: {message}\n" in result.output and "Traceback" not in result.output
    run = json.loads((out / "run.json").read_text())
    assert [(d["doc_id"], d["status"], d["error"]) for d in run["documents"]] == [
        ("page", "ok", None),
        ("scan", "failed", message),
    ]
    assert not (out / "scan.sentences.jsonl").exists() and (out / "page.sentences.jsonl").exists()
