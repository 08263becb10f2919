"""The HTML report: escaped, self-contained, and checked as rendered by headless Chromium."""

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import argmine
from argmine.cli import main
from argmine.render.html import to_html
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DOC = ROOT / "corpus" / "raw" / "crs-sri-lanka-election.md"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_all_document_text_is_escaped():
    # Plain text: markup is text, and every character of it is escaped (in Markdown, tags are dropped).
    text = 'Tricky <b>"quoted"</b> & co\n\nRisks <script>alert(1)</script>\n\nJapan should act <img src=x onerror=alert(2)>. The "summit" was <i>held</i> in 2023.\n'
    result = argmine.process_text(text, "rules", doc_id="x<y", markdown=False)
    page = to_html(result)
    assert "<script>alert" not in page and "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Japan should act &lt;img src=x onerror=alert(2)&gt;." in page
    assert "x&lt;y" in page
    assert page.count("<script>") == 1  # the page's own filter script, inline


def test_the_page_is_self_contained():
    page = to_html(argmine.process_file(DOC, "rules"))
    assert not re.search(r"""(src|href)\s*=|<link|@import|url\(""", page)
    assert "http://" not in page and "https://" not in page


def test_run_writes_the_report(tmp_path):
    out = tmp_path / "out"
    assert invoke("run", DOC, "--out", out).exit_code == 0
    page = (out / "crs-sri-lanka-election.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.count('class="sentence ') == 35


@pytest.fixture
def browser(tmp_path):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: .ci/run installs the Debian packages chromium and chromium-driver")
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def test_rendered_page_in_chromium(tmp_path, browser):
    from selenium.webdriver.common.by import By

    out = tmp_path / "out"
    assert invoke("run", DOC, "--out", out).exit_code == 0
    lines = [json.loads(x) for x in (out / "crs-sri-lanka-election.sentences.jsonl").read_text().splitlines()]
    browser.get((out / "crs-sri-lanka-election.html").as_uri())

    sentences = browser.find_elements(By.CSS_SELECTOR, "#document .sentence")
    assert len(sentences) == len(lines) == 35
    shown = browser.find_element(By.ID, "shown")
    assert shown.text == "Showing 35 of 35 sentences"  # the script ran
    # each sentence shows its labels as text, not only as colour, and its confidences on hover
    for element, line in zip(sentences, lines):
        assert element.is_displayed()
        tag = element.find_element(By.CSS_SELECTOR, ".tag").text
        assert line["role"].replace("_", " ") in tag and line["level"].replace("_", " ") in tag
        assert element.text.endswith(line["text"])
        title = element.get_attribute("title")
        assert f"role: {line['role'].replace('_', ' ')}, confidence {line['role_confidence']:.2f}" in title
    by_role = {}
    for line in lines:
        by_role[line["role"]] = by_role.get(line["role"], 0) + 1
    for role, count in by_role.items():
        assert len(browser.find_elements(By.CSS_SELECTOR, f'#document .sentence[data-role="{role}"]')) == count
    colours = {e.get_attribute("data-role"): e.value_of_css_property("background-color") for e in sentences}
    assert len(set(colours.values())) == len(colours)  # one colour per role present

    # the summary table on top counts the same
    header = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.summary thead th")]
    assert header[0] == "level \\ role" and header[-1] == "all"
    total = browser.find_elements(By.CSS_SELECTOR, "table.summary tr.total td")
    assert total[-1].text == "35"

    # a filter click hides that role's sentences; a level filter narrows further; unchecking undoes it
    none_count = by_role["none"]
    browser.find_element(By.CSS_SELECTOR, '#filters input[data-axis="role"][value="none"]').click()
    assert shown.text == f"Showing {35 - none_count} of 35 sentences"
    for element, line in zip(sentences, lines):
        assert element.is_displayed() == (line["role"] != "none")
    browser.find_element(By.CSS_SELECTOR, '#filters input[data-axis="level"][value="practical"]').click()
    visible = [line for line in lines if line["role"] != "none" and line["level"] != "practical"]
    assert shown.text == f"Showing {len(visible)} of 35 sentences"
    assert sum(e.is_displayed() for e in sentences) == len(visible)
    browser.find_element(By.CSS_SELECTOR, '#filters input[data-axis="role"][value="none"]').click()
    browser.find_element(By.CSS_SELECTOR, '#filters input[data-axis="level"][value="practical"]').click()
    assert shown.text == "Showing 35 of 35 sentences" and all(e.is_displayed() for e in sentences)
