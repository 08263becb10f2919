"""Compare sentence segmenters on accuracy and speed (see docs/segmentation.md).

Candidates: (a) spaCy's sentencizer alone, (b) argmine's segmenter (sentencizer +
argmine_boundaries), (c) pysbd, if installed (it is not a project dependency).

Accuracy is boundary precision/recall/F1, counting only boundaries inside a block,
as argmine.evaluation.segmentation_scores does: against corpus/gold and against a
small hand-written hard set (HARD below). Speed is sentences per second over the
bundled documents' blocks repeated to >= 20,000 gold sentences, best of 3 runs.

Run from the repository root: .venv/bin/python bench/segmenters.py
Writes bench/segmenters.json.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import spacy

from argmine.evaluation import segmentation_scores
from argmine.gold import load_gold
from argmine.ingest import ingest
from argmine.segment import load_segmenter

ROOT = Path(__file__).resolve().parent.parent
MIN_SENTENCES = 20_000
RUNS = 3

# Each item is one block, written as its expected sentences (joined by one space).
HARD = [
    ["The U.S. and Japan signed the treaty in 1960.", "It has been revised since."],
    ["Forces were deployed in the U.S.", "The next year they returned."],
    ["Allies such as the U.K. contribute ships.", "Others send aircraft."],
    ["Some partners, e.g. Australia, share intelligence.", "Others do not."],
    ["The budget grew, i.e. by 3.5 percent.", "That was a record."],
    ["Dr. Smith testified before the committee.", "She warned of the risks."],
    ["See Executive Order No. 5 for details.", "It was issued in 2019."],
    ["The House passed H.Res. 971 in 2022.", "The Senate did not act."],
    ["See 10 U.S.C. 2241 et seq. and related provisions.", "These govern the funds."],
    ['He said, "We will not retreat."', "The crowd cheered."],
    ['The report called it "a turning point."', "Critics disagreed."],
    ["Spending rose to $716.0 billion in 2019.", "It later fell to 2.5 percent of GDP."],
    ["J. F. Kennedy visited Berlin in 1963.", "His speech is still remembered."],
    ["The talks stalled...", "Then a new offer came."],
    ["The options are limited... but not exhausted."],
    ["Mr. Abe met Gen. Milley in Tokyo.", "They discussed Korea."],
    ["Japan, the U.S., and Australia held drills.", "China objected."],
    ["Is deterrence failing?", "Many analysts say no."],
    ["The U.N. Security Council met on Jan. 5.", "No resolution passed."],
    ["They bought ships, aircraft, etc.", "The cost was high."],
    ["The U.S. Navy operates there.", "Japan hosts it."],
    ["The vote was 52 vs. 48.", "It passed."],
    ["Approx. 50,000 troops are stationed in Japan.", "Most are on Okinawa."],
    ['"Deterrence works," he said.', "Not everyone agrees."],
    ['Abe asked: "Can we rely on the alliance?"', "The answer was yes."],
    ["Section 1.2 describes the method.", "Section 1.3 gives the results."],
]


def spacy_starts(nlp):
    """Sentence starts (offsets into each text, leading space skipped) from a spaCy pipeline."""

    def run(texts):
        return [[_skip_space(doc.text, s.start_char) for s in doc.sents] for doc in nlp.pipe(texts, batch_size=256)]

    return run


def pysbd_starts():
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def run(texts):
        return [[_skip_space(t, s.start) for s in seg.segment(t)] for t in texts]

    return run


def _skip_space(text, i):
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def candidates():
    found = {
        "(a) sentencizer": spacy_starts(_sentencizer()),
        "(b) argmine": spacy_starts(load_segmenter()),
    }
    try:
        found["(c) pysbd"] = pysbd_starts()
    except ImportError:
        print("note: pysbd is not installed; skipping candidate (c) (pip install pysbd to include it)")
    return found


def _sentencizer():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def prf(truth: set, found: set) -> dict:
    tp, fp, fn = len(truth & found), len(found - truth), len(truth - found)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"boundaries": tp + fn, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def inner_starts(texts, starts_per_text):
    """(text index, offset) of every sentence start except the one at the block's start."""
    return {(i, s) for i, starts in enumerate(starts_per_text) for s in starts if s > _skip_space(texts[i], 0)}


def gold_blocks():
    """Block texts of the gold documents and the gold inner boundaries as (block index, offset)."""
    gold = load_gold(ROOT / "corpus/gold")
    texts, truth = [], set()
    for doc_id, group in gold.groupby("doc_id", sort=False):
        doc = ingest(ROOT / "corpus/raw" / f"{doc_id}.txt", doc_id)
        for block in doc.blocks:
            i = len(texts)
            texts.append(doc.text[block.start : block.end])
            truth |= {(i, s - block.start) for s in group["start"] if block.start < s < block.end}
    return gold, texts, truth


def main():
    runs = candidates()
    gold, texts, truth = gold_blocks()
    hard_texts = [" ".join(item) for item in HARD]
    hard_truth = inner_starts(hard_texts, [[len(" ".join(item[:k])) + 1 for k in range(1, len(item))] for item in HARD])

    # Check the harness against argmine's own scorer for (b).
    reference = segmentation_scores(gold, ROOT / "corpus/raw", ROOT / "corpus/gold")

    repeats = -(-MIN_SENTENCES // len(gold))
    bench_texts = texts * repeats
    n_sentences = len(gold) * repeats

    results = {}
    for name, run in runs.items():
        run(texts[:5])  # warm up
        gold_score = prf(truth, inner_starts(texts, run(texts)))
        hard_found = inner_starts(hard_texts, run(hard_texts))
        best = min(_timed(run, bench_texts) for _ in range(RUNS))
        results[name] = {
            "gold": gold_score,
            "hard": prf(hard_truth, hard_found),
            "hard_items_wrong": [hard_texts[i] for i in sorted({i for i, _ in hard_truth ^ hard_found})],
            "seconds": round(best, 3),
            "sentences_per_second": round(n_sentences / best),
        }
        if name == "(b) argmine":
            assert gold_score == reference, (gold_score, reference)
    base = results["(a) sentencizer"]["sentences_per_second"]
    for r in results.values():
        r["speed_ratio_to_a"] = round(r["sentences_per_second"] / base, 3)

    print(
        f"gold: {len(gold)} sentences, {len(truth)} boundaries inside {len(texts)} blocks; "
        f"hard set: {len(HARD)} blocks, {len(hard_truth)} boundaries"
    )
    print(f"speed: {len(bench_texts)} blocks, {n_sentences} gold sentences, best of {RUNS}")
    print(f"{'candidate':<18}{'gold P':>8}{'R':>7}{'F1':>7}{'hard P':>8}{'R':>7}{'F1':>7}{'sent/s':>10}{'vs (a)':>8}")
    for name, r in results.items():
        g, h = r["gold"], r["hard"]
        print(
            f"{name:<18}{g['precision']:>8.3f}{g['recall']:>7.3f}{g['f1']:>7.3f}"
            f"{h['precision']:>8.3f}{h['recall']:>7.3f}{h['f1']:>7.3f}"
            f"{r['sentences_per_second']:>10,}{r['speed_ratio_to_a']:>8.2f}"
        )

    out = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {
            "nproc": _nproc(),
            "cpu": _cpu_model(),
            "python": platform.python_version(),
            "spacy": spacy.__version__,
            "pysbd": _version("pysbd"),
        },
        "gold": {"sentences": len(gold), "inner_boundaries": len(truth), "blocks": len(texts)},
        "hard_set": {"blocks": len(HARD), "inner_boundaries": len(hard_truth)},
        "speed": {"blocks": len(bench_texts), "sentences": n_sentences, "runs": RUNS},
        "results": results,
    }
    (ROOT / "bench/segmenters.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


def _timed(run, texts):
    start = time.perf_counter()
    run(texts)
    return time.perf_counter() - start


def _nproc():
    import os

    return len(os.sched_getaffinity(0))


def _cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _version(package):
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    main()
