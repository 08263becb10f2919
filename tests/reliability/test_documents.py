"""Documents that real collections contain, fed to ``ingest`` and to ``argmine run``: each ends in
a correct result or a one-line error naming the file, never a traceback, and never costs
another document its outputs. docs/reliability.md lists the cases."""

import json
import os
import re
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from spacy.lang.en.stop_words import STOP_WORDS

from argmine.cli import main
from argmine.errors import InputError
from argmine.ingest import ingest
from argmine.ingest.language import looks_foreign
from argmine.model import model_digest
from argmine.render import html as report
from argmine.run.worker import Task, process_document
from argmine.segment import segment

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = (ROOT / "corpus" / "raw" / "japan-nato-cooperation.txt").read_text(encoding="utf-8")[:3000]
GERMAN = (
    "Die Zusammenarbeit zwischen Japan und der NATO hat sich in den letzten Jahren deutlich vertieft. "
    "Beide Partner teilen gemeinsame Werte und Sicherheitsinteressen. Die Regierungen sollten regelmäßige "
    "Konsultationen einrichten, um auf hybride Bedrohungen und Cyberangriffe auf kritische Infrastrukturen "
    "zu reagieren. Die geografische Entfernung bleibt jedoch ein großes Hindernis für eine engere "
    "militärische Zusammenarbeit. Deshalb empfehlen wir gemeinsame Übungen, einen ständigen Austausch von "
    "Verbindungsoffizieren und eine engere Abstimmung bei Ausfuhrkontrollen für Hochtechnologie.\n"
)
ACCENTED = "Officials in Zürich and Québec agreed on a façade of cooperation. The café talks will resume in 2025.\n"
UNPUNCTUATED = (
    "Japan and NATO should deepen their cooperation on cyber defence and maritime security\n"
    "the two partners face the same challenges from authoritarian states and should act together\n\n"
    "A liaison office in Brussels would give Tokyo a permanent voice in the alliance discussions\n"
    "and allow regular exchanges between the staffs of both sides without new treaties\n"
)
SCRIPTED = """<!doctype html><html><head><title>Scripted page</title>
<script>alert("head")</script></head>
<body onload="alert('body')"><main>
<h1 onclick="alert('title')">Alliance brief</h1>
<p onmouseover="alert('p')">Japan and NATO should deepen cooperation. <a href="javascript:alert('a')">The link text stays.</a></p>
<script>document.write("injected sentence should not appear.")</script>
<p>The text &lt;script&gt;alert("text")&lt;/script&gt; is quoted here as text. The allies face a long-term challenge.</p>
<p><img src="x" onerror="alert('img')">An image that fails to load is dropped.</p>
</main></body></html>
"""


def hanging_pdf(repeats: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``repeats`` x "q Q " (save and restore the
    graphics state) before its one line of text: about 1 KB on disk, tens of millions of operators
    for the extractor to interpret, minutes of work for pdfminer (a decompression bomb)."""
    text = b"BT /F1 12 Tf 72 720 Td (Hello world.) Tj ET\n"
    content = zlib.compress(b"q Q " * repeats + text, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, ENGLISH[:1500].encode("latin-1", "replace").decode("latin-1"))
    pdf.output(str(path))
    return path


def scanned_pdf(path: Path) -> Path:
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 100), "white"), x=10, y=10, w=100)
    pdf.output(str(path))
    return path


# name -> (write the file into a folder, the error after "PATH: ", or None for a good document)
def _write(name, data):
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    return write


def _truncated_pdf(folder: Path) -> Path:
    whole = text_pdf(folder / "whole.tmp.pdf")
    path = folder / "truncated.pdf"
    path.write_bytes(whole.read_bytes()[:900])
    whole.unlink()
    return path


def _link(name, target):
    def write(folder: Path) -> Path:
        path = folder / name
        os.symlink(target, path)
        return path

    return write


FAILING = {
    "empty": (_write("empty.txt", b""), "the file is empty; give a document with text in it"),
    "whitespace": (_write("blank.md", " \n\t\n\r\n   \n"), "the file is empty; give a document with text in it"),
    "binary": (
        _write("image.txt", bytes(range(256)) * 64),
        "looks like a binary file, not text; convert it to .txt or .md first",
    ),
    "truncated pdf": (
        _truncated_pdf,
        "cannot be read as a PDF (damaged, truncated or not a PDF); download or export it again",
    ),
    "no text layer": (
        lambda f: scanned_pdf(f / "scan.pdf"),
        "has no text layer (scanned images?); run OCR first, e.g. ocrmypdf in.pdf out.pdf",
    ),
    "not English": (_write("bericht.txt", GERMAN * 2), None),  # message checked in its own test
    "broken symlink": (
        _link("gone.txt", "nowhere.txt"),
        "a broken symbolic link (to nowhere.txt); fix the link or remove it",
    ),
    "symlink loop": (
        _link("loop.md", "loop.md"),
        "a symbolic link loop (following it never reaches a file); fix the link or remove it",
    ),
}


@pytest.mark.parametrize("case", [c for c, (_, message) in FAILING.items() if message])
def test_bad_document_is_one_line_error(tmp_path, case):
    write, message = FAILING[case]
    path = write(tmp_path)
    with pytest.raises(InputError) as err:
        ingest(path)
    assert str(err.value) == f"{path}: {message}"


def test_not_english_is_refused(tmp_path):
    path = _write("bericht.txt", GERMAN * 2)(tmp_path)
    with pytest.raises(InputError) as err:
        ingest(path)
    assert str(err.value) == (
        f"{path}: does not look like English (only 1% of its words are common English words, against 34-48% in"
        " English prose); argmine's classifiers read English only, so translate it into English first"
    )


FOREIGN_PARAGRAPH = (
    'a paragraph does not look like English ("Die Zusammenarbeit zwischen Japan und der ...", 70 words); argmine reads'
    " English only, so the labels of its sentences are unreliable"
)


def test_english_with_a_foreign_paragraph_is_read_with_a_warning(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text(ENGLISH + "\n\n" + GERMAN, encoding="utf-8")
    document = ingest(path)
    assert document.text.endswith("Hochtechnologie.")
    assert document.warnings == [f"{path}: {FOREIGN_PARAGRAPH}"]
    assert ingest(ROOT / "corpus" / "raw" / "japan-nato-cooperation.txt").warnings == []


def test_foreign_paragraph_warning_reaches_every_output(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "mixed.txt").write_text(ENGLISH + "\n\n" + GERMAN, encoding="utf-8")
    out = tmp_path / "out"
    warning = f"{tmp_path / 'in' / 'mixed.txt'}: {FOREIGN_PARAGRAPH}"
    for status in ("ok", "skipped"):
        result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), "--out", str(out), "--quiet"])
        assert result.exit_code == 0
        # printed when the document is processed, not again by a rerun that skips it
        assert ("Warning: " in result.output) == (status == "ok")
        if status == "ok":
            assert result.output.splitlines()[0] == f"Warning: {warning}"
        entry = json.loads((out / "run.json").read_text())["documents"][0]
        assert (entry["status"], entry["warnings"]) == (status, [warning])  # run.json keeps it
    assert json.loads((out / "mixed.summary.json").read_text())["warnings"] == [warning]
    assert "> **Warning:** " in (out / "mixed.summary.md").read_text()
    page = BeautifulSoup((out / "mixed.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("p", class_="warning").get_text() == f"Warning: {warning}"


# Paragraphs of English documents that hold few common English words without being in another
# language: each would have set off the warning before prose was told apart from them.
NOT_PROSE = {
    "table of contents": (
        "Executive Summary .......... 1\nStrategic Environment .......... 3\nRussian Aggression .......... 5\n"
        "Integrated Deterrence .......... 7\nCampaigning .......... 9\nBuilding Enduring Advantages .......... 11\n"
        "Force Planning Construct .......... 13\nRisk Management .......... 15\nNuclear Posture Review .......... 17\n"
        "Missile Defense Review .......... 19\nConclusion .......... 21"
    ),
    "contents without leaders": (
        "Overview 1 Background 3 Issues for Congress 7 Funding and Appropriations 9 Program Oversight 12"
        " Policy Options 15 Appendix A Legislative History 18 Appendix B Related Reports 21 Author Information 23"
    ),
    "acronyms": (
        "AI Artificial Intelligence\nCCP Chinese Communist Party\nDOD Department of Defense\nEU European Union\n"
        "NATO North Atlantic Treaty Organization\nPRC People's Republic of China\nUN United Nations\n"
        "INDOPACOM Indo-Pacific Command\nDHS Department of Homeland Security"
    ),
    "acronyms in lower case": (
        "AI: artificial intelligence; CBRN: chemical, biological, radiological and nuclear; C2: command and"
        " control; DIB: defense industrial base; ISR: intelligence, surveillance and reconnaissance; PNT:"
        " positioning, navigation and timing; UAS: uncrewed aircraft systems"
    ),
    "web addresses": (
        "Sources: https://www.defense.gov/News/Releases/Release/Article/3202438/"
        " https://www.whitehouse.gov/briefing-room/statements-releases/2022/10/12/fact-sheet/"
        " https://crsreports.congress.gov/product/pdf/IF/IF12120 https://www.gao.gov/products/gao-23-105341."
    ),
    "references": (
        "Smith, John. 2020. Alliance Politics in East Asia. New York: Columbia University Press. Tanaka, Aiko."
        ' 2019. "Japan\'s Security Policy After 2015." Asian Survey 59 (4): 601-625. Miller, Paul. 2021.'
        " Deterrence Theory Revisited. Washington, DC: Brookings Institution Press."
    ),
    "names": (
        "Witnesses: Hon. Jane Doe, Assistant Secretary of Defense for Indo-Pacific Security Affairs; Admiral"
        " John Roe, Commander, U.S. Indo-Pacific Command; General Mary Major, Commander, U.S. Forces Korea;"
        " Ambassador Richard Miles, Deputy Secretary of State"
    ),
    "terms": (
        "Keywords: deterrence; alliances; extended deterrence; missile defense; cyber; space; maritime security;"
        " supply chains; semiconductors; critical minerals; export controls; sanctions; industrial policy;"
        " economic security; climate; pandemics"
    ),
    "numbers": (
        "Active Duty Personnel Army 480 485 486 466 452 Navy 340 347 346 341 332 Air Force 332 333 329 319 320"
        " Marine Corps 186 181 178 174 172 Space Force 2 8 8 9 Coast Guard 41 42 43 42 41 Total Department"
        " Personnel Civilian Employees Reserve Component Guard Component Budget Request Enacted Amount Difference"
    ),
}
# Prose in other languages, written for these tests.
FOREIGN_PROSE = {
    "German": GERMAN,
    "French": (
        "La coopération entre le Japon et l'OTAN s'est nettement renforcée au cours des dernières années. Les"
        " deux partenaires partagent des valeurs communes et des intérêts de sécurité. Les gouvernements"
        " devraient organiser des consultations régulières afin de répondre aux menaces hybrides."
    ),
    "Spanish": (
        "La cooperación entre Japón y la OTAN se ha profundizado de manera notable en los últimos años. Ambos"
        " socios comparten valores comunes e intereses de seguridad. Los gobiernos deberían celebrar consultas"
        " periódicas para responder a las amenazas híbridas."
    ),
    "Russian": (
        "Сотрудничество между Японией и НАТО заметно углубилось в последние годы. Оба партнёра разделяют общие"
        " ценности и интересы в области безопасности. Правительствам следует проводить регулярные консультации,"
        " чтобы отвечать на гибридные угрозы и кибератаки на критическую инфраструктуру."
    ),
    "Chinese": (
        "近年来，日本与北约之间的合作明显加深。双方拥有共同的价值观和安全利益。"
        "两国政府应当定期举行磋商，以应对混合威胁和针对关键基础设施的网络攻击。"
    ),
}


@pytest.mark.parametrize("case", NOT_PROSE)
def test_lists_tables_and_addresses_are_not_taken_for_another_language(tmp_path, case):
    path = tmp_path / "report.txt"
    path.write_text(ENGLISH + "\n\n" + NOT_PROSE[case] + "\n\nThe allies should act together.\n", encoding="utf-8")
    assert ingest(path).warnings == []
    assert not looks_foreign(NOT_PROSE[case])
    # ... which the rule before, counting every word, took for another language
    words = re.findall(r"[^\W\d_]+", NOT_PROSE[case].lower())
    assert len(words) >= 20 and sum(w in STOP_WORDS for w in words) < 0.15 * len(words)


@pytest.mark.parametrize("language", FOREIGN_PROSE)
def test_prose_in_another_language_is_told_apart(language):
    assert looks_foreign(FOREIGN_PROSE[language])


def test_foreign_paragraphs_give_one_warning_per_document(tmp_path):
    path = tmp_path / "mixed.txt"
    foreign = [FOREIGN_PROSE[name].strip() for name in ("German", "French", "Spanish", "Russian")]
    path.write_text("\n\n".join([ENGLISH, *foreign, *NOT_PROSE.values()]) + "\n", encoding="utf-8")
    assert ingest(path).warnings == [
        f'{path}: 4 paragraphs do not look like English (the first: "Die Zusammenarbeit zwischen Japan und der'
        ' ...", 70 words); argmine reads English only, so the labels of their sentences are unreliable'
    ]


def test_short_text_is_not_judged_by_language(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("Zusammenarbeit vertieft. Gemeinsame Übungen empfohlen.\n", encoding="utf-8")
    assert [s.text for s in segment(ingest(path))] == ["Zusammenarbeit vertieft.", "Gemeinsame Übungen empfohlen."]


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "utf-8-sig", "cp1252"])
def test_encodings_are_decoded(tmp_path, encoding):
    path = tmp_path / "accents.txt"
    path.write_bytes((ACCENTED * 3).encode(encoding))
    sentences = [s.text for s in segment(ingest(path))]
    assert sentences[:2] == [
        "Officials in Zürich and Québec agreed on a façade of cooperation.",
        "The café talks will resume in 2025.",
    ]


def test_text_without_final_punctuation_is_one_sentence_per_paragraph(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(UNPUNCTUATED, encoding="utf-8")
    assert [s.text for s in segment(ingest(path))] == [
        " ".join(paragraph.split("\n")) for paragraph in UNPUNCTUATED.strip().split("\n\n")
    ]


def fifty_megabytes(path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(50 * 1024 * 1024 // len(ENGLISH) + 1):
            f.write(ENGLISH)
    return path


def test_fifty_megabyte_file_is_refused(tmp_path):
    path = fifty_megabytes(tmp_path / "dump.txt")
    size = len(path.read_text(encoding="utf-8"))
    assert size > 50 * 1024 * 1024
    with pytest.raises(InputError) as err:
        ingest(path)
    assert str(err.value) == (
        f"{path}: {size:,} characters of text, more than the 10,000,000 "
        "argmine reads from one document; split it into smaller documents"
    )


def _task(path: Path, out: Path, time_limit: float) -> Task:
    out.mkdir(exist_ok=True)
    return Task(str(path), str(path), path.stem, str(out), "default", model_digest("default"), time_limit=time_limit)


@pytest.mark.slow
def test_hanging_pdf_stops_at_the_time_limit(tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(hanging_pdf(10_000_000))  # about 5 minutes of pdfminer on this machine
    entry = process_document(_task(path, tmp_path / "out", 2))
    assert entry == {
        "path": str(path),
        "doc_id": "bomb",
        "status": "failed",
        "error": f"{path}: took longer than 2 s, the limit for one "
        "document; split it, or raise the limit with --time-limit",
        "sentences": 0,
        "warnings": [],
        "dropped": {},
    }
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.slow
def test_time_limit_in_a_worker_thread(tmp_path):
    """Dask runs documents in worker threads, where no signal arrives: the limit still holds."""
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "bomb.pdf"
    path.write_bytes(hanging_pdf(10_000_000))
    with ThreadPoolExecutor(1) as pool:
        entry = pool.submit(process_document, _task(path, tmp_path / "out", 2)).result(timeout=120)
    assert entry["status"] == "failed" and "took longer than 2 s" in entry["error"]


def test_small_pdf_finishes_within_the_limit(tmp_path):
    path = tmp_path / "small.pdf"
    path.write_bytes(hanging_pdf(1000))
    entry = process_document(_task(path, tmp_path / "out", 60))
    assert (entry["status"], entry["sentences"]) == ("ok", 1)


def test_html_report_carries_nothing_executable(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text(SCRIPTED, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    sentences = [json.loads(line)["text"] for line in (out / "page.sentences.jsonl").read_text().splitlines()]
    assert sentences == [
        "Japan and NATO should deepen cooperation.",
        "The link text stays.",
        'The text <script>alert("text")</script> is quoted here as text.',
        "The allies face a long-term challenge.",
        "An image that fails to load is dropped.",
    ]
    page = BeautifulSoup((out / "page.html").read_text(encoding="utf-8"), "html.parser")
    assert [s.string for s in page.find_all("script")] == [report.SCRIPT]
    attributes = [(tag.name, a, str(v)) for tag in page.find_all(True) for a, v in tag.attrs.items()]
    assert not [a for a in attributes if a[1].lower().startswith("on") or "javascript:" in a[2].lower()]
    assert 'The text <script>alert("text")</script> is quoted here as text.' in page.get_text()
    # The Markdown summary escapes markup, so no Markdown renderer turns text into HTML.
    assert "<script>" not in (out / "page.summary.md").read_text(encoding="utf-8")


def test_folder_with_links_and_a_directory_named_like_a_document(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "paper.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "annex.pdf").mkdir()  # a directory named like a document: its files are read, it is not
    (folder / "annex.pdf" / "inside.md").write_text(ACCENTED, encoding="utf-8")
    (folder / "sub").mkdir()
    os.symlink("..", folder / "sub" / "up")  # a folder loop: not followed
    os.symlink("paper.txt", folder / "alias.txt")  # a link to a document read already: read once
    _link("gone.txt", "nowhere.txt")(folder)
    _link("loop.md", "loop.md")(folder)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "--quiet"])
    assert result.exit_code == 1
    run = json.loads((out / "run.json").read_text())
    # paper.txt is read once, under the name it was first found by (folders are read in name order)
    assert [(d["path"], d["status"]) for d in run["documents"]] == [
        (str(folder / "alias.txt"), "ok"),
        (str(folder / "annex.pdf" / "inside.md"), "ok"),
        (str(folder / "gone.txt"), "failed"),
        (str(folder / "loop.md"), "failed"),
    ]
    assert result.output.splitlines()[:2] == [
        f"Error: {folder / 'gone.txt'}: {FAILING['broken symlink'][1]}",
        f"Error: {folder / 'loop.md'}: {FAILING['symlink loop'][1]}",
    ]


def test_broken_link_named_on_the_command_line(tmp_path):
    os.symlink("nowhere.txt", tmp_path / "gone.txt")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "gone.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: {tmp_path / 'gone.txt'}: {FAILING['broken symlink'][1]}"


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_of_bad_documents_loses_no_good_one(tmp_path, jobs):
    """Every bad document of the issue in one folder with two good ones: one line per failure,
    the good documents' outputs complete, run.json listing every document."""
    folder = tmp_path / "in"
    folder.mkdir()
    expected = {}
    for write, message in FAILING.values():
        path = write(folder)
        expected[path.name] = message
    (folder / "bomb.pdf").write_bytes(hanging_pdf(10_000_000))
    expected["bomb.pdf"] = (
        "took longer than 3 s, the limit for one document; split it, or raise the limit with --time-limit"
    )
    fifty_megabytes(folder / "dump.txt")
    expected["dump.txt"] = None  # its message: test_fifty_megabyte_file_is_refused
    (folder / "paper.txt").write_text(ENGLISH, encoding="utf-8")
    text_pdf(folder / "brief.pdf")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["run", str(folder), "--out", str(out), "--quiet", "--time-limit", "3", "--jobs", jobs]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == len(expected)
    assert f"Error: {folder / 'dump.txt'}: " in "\n".join(
        errors
    ) and "characters of text, more than the 10,000,000" in "\n".join(errors)
    for line in errors:
        name = line[len(f"Error: {folder}/") :].split(":", 1)[0]
        if expected[name] is not None:
            assert line == f"Error: {folder / name}: {expected[name]}"
    run = json.loads((out / "run.json").read_text())
    statuses = {Path(d["path"]).name: d["status"] for d in run["documents"]}
    assert statuses == {**{name: "failed" for name in expected}, "paper.txt": "ok", "brief.pdf": "ok"}
    for doc_id in ("paper", "brief"):
        assert all(
            (out / f"{doc_id}{suffix}").is_file()
            for suffix in (".sentences.jsonl", ".summary.json", ".summary.md", ".html")
        )
    produced = {
        p.name.split(".")[0]
        for p in out.iterdir()
        if p.name.endswith(".summary.json") and p.name != "collection.summary.json"
    }
    assert produced == {"paper", "brief"}
