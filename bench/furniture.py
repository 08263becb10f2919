"""The furniture report: the share of sentences per real document that are not body text.

Ingests every document of tests/realdocs/, segments it, and judges its sentences against the
hand-checked expectations (tests/realdocs/expectations.toml): a sentence that contains one of
the document's `absent` strings is furniture (a running head, a table-of-contents entry, a note,
cover or web furniture ...); every hand-checked sentence must come out whole, under its section.
Prints a table and writes bench/furniture.json. Run by `make bench`, or alone:

    PYTHONPATH=src python bench/furniture.py
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

from argmine.ingest import ingest
from argmine.segment import segment

ROOT = Path(__file__).resolve().parent.parent
REALDOCS = ROOT / "tests" / "realdocs"
TARGET_MEAN, TARGET_MAX = 0.01, 0.03


def matcher(pattern: str):
    if pattern.startswith("re:"):
        regex = re.compile(pattern[3:])
        return lambda text: bool(regex.search(text))
    return lambda text: pattern in text


def judge(name: str, expected: dict) -> dict:
    """One document's figures: sentences, furniture sentences and their share, hand-checked
    sentences found (whole, under their section), expected sections found in order."""
    document = ingest(REALDOCS / name)
    sentences = segment(document)
    absent = [matcher(p) for p in expected.get("absent", [])]
    furniture = [s.text for s in sentences if any(m(s.text) for m in absent)]
    found = {(s.section, s.text) for s in sentences}
    checked = [tuple(pair) for pair in expected.get("sentences", [])]
    missing = [text for section, text in checked if (section, text) not in found]
    it = iter(document.sections)
    sections_ok = all(any(h == want for h in it) for want in expected.get("sections", []))
    return {
        "document": name,
        "sentences": len(sentences),
        "furniture": len(furniture),
        "share": round(len(furniture) / len(sentences), 4) if sentences else 0.0,
        "checked": len(checked),
        "checked_ok": len(checked) - len(missing),
        "sections_ok": sections_ok,
        "dropped": document.dropped,
        "furniture_sentences": furniture,
        "missing": missing,
    }


def main() -> int:
    expectations = tomllib.loads((REALDOCS / "expectations.toml").read_text(encoding="utf-8"))
    rows = [judge(name, expected) for name, expected in expectations.items()]
    mean = sum(r["share"] for r in rows) / len(rows)
    worst = max(r["share"] for r in rows)
    print(f"{'document':48} {'sentences':>9} {'furniture':>9} {'share':>7} {'checked':>8} sections")
    for r in rows:
        print(
            f"{r['document']:48} {r['sentences']:9} {r['furniture']:9} {r['share']:7.1%} "
            f"{r['checked_ok']:>3}/{r['checked']:<4} {'ok' if r['sections_ok'] else 'WRONG'}"
        )
    print(f"mean share {mean:.2%} (target {TARGET_MEAN:.0%}), worst {worst:.2%} (target {TARGET_MAX:.0%})")
    report = {"mean_share": round(mean, 4), "max_share": round(worst, 4), "documents": rows}
    (ROOT / "bench" / "furniture.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
