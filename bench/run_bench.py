"""Benchmark `argmine run` on a collection (a script, not a test): `make bench`.

Builds corpora by repeating the bundled documents in corpus/raw (copies named
<stem>-<n>.txt) and reports, from one run:

- end-to-end sentences/s of `argmine run CORPUS --out OUT --quiet --model M`, one process, as a
  child process timed from its start to its exit (start-up, model loading and the combined
  outputs included), on a corpus of at least 20,000 sentences, for each bundled model M and
  the rules, each against its speed rule (MODELS: the least ratio to the sentencizer; accurate
  has none). Each run is paired with a run of the sentencizer (below) right before it, so that
  both meet the same state of a shared machine; the models that take seconds run REPEATS
  times, and their ratio is the median of the pairs' ratios;
- sentences/s of spaCy's blank English pipeline with the `sentencizer` alone on the same
  files' text: in a child process timed the same way (start-up included), and its processing
  alone; the ratio of argmine's throughput to each, and argmine's own processing throughput
  (run.json `seconds`, start-up excluded) against the sentencizer's processing alone;
- the same throughputs and ratio in CPU time (user + system of the child), which a busy
  machine distorts less than wall-clock time;
- throughput with --jobs 2, of the default and of `fast`;
- peak RSS (ru_maxrss of the child, from os.wait4) of single-process runs over corpora of 10x
  and 100x the bundled documents, and its growth;
- the start-up time of `argmine --help` (median of 9 runs).

Timings are wall-clock; the machine's load average is recorded with them because a busy
machine slows every figure. Writes bench/results.json.

Run from the repository root: .venv/bin/python bench/run_bench.py
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "corpus" / "raw"
ARGMINE = [sys.executable, "-m", "argmine"]
MIN_SENTENCES = 20_000
HELP_RUNS = 9
TARGETS = {"rss_growth_max": 0.10, "help_seconds_max": 0.5}
# The speed rule of each model: its end-to-end throughput at least this share of the sentencizer's.
MODELS = {"default": 0.05, "accurate": None, "fast": 0.5, "rules": 0.5}
# How many paired runs of each model (the slow ones once).
REPEATS = {"default": 1, "accurate": 1, "fast": 3, "rules": 3}

SENTENCIZER = """
import sys, time, json
from pathlib import Path
import spacy
nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
files = sorted(Path(sys.argv[1]).glob("*.txt"))
start, cpu = time.perf_counter(), time.process_time()
texts = (f.read_text(encoding="utf-8") for f in files)
n = sum(1 for doc in nlp.pipe(texts) for _ in doc.sents)
print(json.dumps({"sentences": n, "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}))
"""


def child(cmd: list[str]) -> dict:
    """Run ``cmd``; its wall time, peak RSS (MiB), exit code and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own resource usage
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr.decode()}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024,
        "stdout": stdout.decode(),
    }


def build(folder: Path, copies: int) -> Path:
    folder.mkdir(parents=True)
    for n in range(1, copies + 1):
        for f in sorted(RAW.glob("*.txt")):
            shutil.copyfile(f, folder / f"{f.stem}-{n}.txt")
    return folder


def run_sentencizer(corpus: Path) -> dict:
    result = child([sys.executable, "-c", SENTENCIZER, str(corpus)])
    inner = json.loads(result.pop("stdout"))
    result.update(
        sentences=inner["sentences"],
        processing_seconds=inner["seconds"],
        processing_cpu_seconds=inner["cpu_seconds"],
        sentences_per_second=inner["sentences"] / result["seconds"],
        processing_sentences_per_second=inner["sentences"] / inner["seconds"],
        sentences_per_cpu_second=inner["sentences"] / result["cpu_seconds"],
    )
    return result


def paired(corpus: Path, work: Path, name: str) -> dict:
    """``name``'s end-to-end throughput against the sentencizer's, from REPEATS[name] pairs of
    runs (the sentencizer first): the median pair's figures and ratios."""
    pairs = []
    for k in range(REPEATS[name]):
        base = run_sentencizer(corpus)
        run = run_argmine(corpus, work / f"out-{name}-{k}", "--model", name)
        ratio = run["sentences_per_second"] / base["sentences_per_second"]
        pairs.append((ratio, run, base))
    ratio, run, base = sorted(pairs, key=lambda pair: pair[0])[len(pairs) // 2]
    return {
        **run,
        "ratio": ratio,
        "ratio_cpu": run["sentences_per_cpu_second"] / base["sentences_per_cpu_second"],
        "ratios": [pair[0] for pair in pairs],
        "sentencizer": base,
    }


def run_argmine(corpus: Path, out: Path, *extra: str) -> dict:
    result = child([*ARGMINE, "run", str(corpus), "--out", str(out), "--quiet", *extra])
    record = json.loads((out / "run.json").read_text())
    assert all(d["status"] == "ok" for d in record["documents"]), "a document failed"
    result["sentences"] = sum(d["sentences"] for d in record["documents"])
    result["documents"] = len(record["documents"])
    result["run_json_seconds"] = record["seconds"]
    result["sentences_per_second"] = result["sentences"] / result["seconds"]
    result["sentences_per_cpu_second"] = result["sentences"] / result["cpu_seconds"]
    del result["stdout"]
    return result


def rounded(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def main() -> dict:
    from argmine.ingest import ingest
    from argmine.segment import segment

    per_copy = sum(len(segment(ingest(f))) for f in sorted(RAW.glob("*.txt")))
    copies = math.ceil(MIN_SENTENCES / per_copy)
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="argmine-bench-"))
    try:
        corpus = build(work / "corpus", copies)
        models = {name: paired(corpus, work, name) for name in MODELS}
        single = {k: v for k, v in models["default"].items() if k not in ("ratio", "ratio_cpu", "ratios")}
        sentencizer = single.pop("sentencizer")
        jobs2 = run_argmine(corpus, work / "out-2", "--jobs", "2")
        jobs2_fast = run_argmine(corpus, work / "out-2-fast", "--model", "fast", "--jobs", "2")
        memory = {}
        for factor in (10, 100):
            memory[f"{factor}x"] = run_argmine(build(work / f"corpus-{factor}x", factor), work / f"out-{factor}x")
        growth = memory["100x"]["peak_rss_mib"] / memory["10x"]["peak_rss_mib"] - 1
        helps = [child([str(Path(sys.executable).with_name("argmine")), "--help"])["seconds"] for _ in range(HELP_RUNS)]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    speed_rules = {
        name: {
            "sentences_per_second": run["sentences_per_second"],
            "sentencizer_sentences_per_second": run["sentencizer"]["sentences_per_second"],
            "ratio_end_to_end": run["ratio"],
            "ratio_end_to_end_runs": run["ratios"],
            "ratio_end_to_end_cpu": run["ratio_cpu"],
            "ratio_at_least": MODELS[name],
            "met": None if MODELS[name] is None else run["ratio"] >= MODELS[name],
        }
        for name, run in models.items()
    }
    steady = single["sentences"] / single["run_json_seconds"]
    results = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "corpus": {"copies_of_corpus_raw": copies, "documents": single["documents"], "sentences": single["sentences"]},
        "end_to_end": single,
        "models": speed_rules,
        "jobs_2": {**jobs2, "speed_up": jobs2["sentences_per_second"] / single["sentences_per_second"]},
        "jobs_2_fast": {
            **jobs2_fast,
            "speed_up": jobs2_fast["sentences_per_second"] / models["fast"]["sentences_per_second"],
            "ratio_end_to_end": jobs2_fast["sentences_per_second"]
            / models["fast"]["sentencizer"]["sentences_per_second"],
        },
        "sentencizer": sentencizer,
        "argmine_processing_sentences_per_second": steady,
        "ratio_processing": steady / sentencizer["processing_sentences_per_second"],
        "peak_rss": {**{k: v["peak_rss_mib"] for k, v in memory.items()}, "growth_10x_to_100x": growth},
        "memory_runs": {
            k: {"documents": v["documents"], "sentences": v["sentences"], "seconds": v["seconds"]}
            for k, v in memory.items()
        },
        "help_seconds": {"median": statistics.median(helps), "runs": helps},
        "targets": {
            **{f"{name}_speed_rule": rule["met"] for name, rule in speed_rules.items() if rule["met"] is not None},
            "rss_growth_under_10_percent": growth < TARGETS["rss_growth_max"],
            "help_under_0.5_s": statistics.median(helps) < TARGETS["help_seconds_max"],
        },
    }
    results = rounded(results)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def _listed(ratios: list[float]) -> str:
    return ", ".join(f"{x:.3f}" for x in ratios)


def report(r: dict) -> str:
    s = r["sentencizer"]
    lines = [
        f"{r['date']}, {r['machine']['cpu_count']} CPUs, Python {r['machine']['python']}, {r['machine']['platform']}"
        f" (load average {r['machine']['load_average_before'][0]})",
        f"corpus: {r['corpus']['copies_of_corpus_raw']} x corpus/raw = "
        f"{r['corpus']['documents']} documents, {r['corpus']['sentences']} sentences",
        f"sentencizer alone:        {s['sentences_per_second']:.0f} sentences/s "
        f"end to end, {s['processing_sentences_per_second']:.0f} processing only",
        *(
            f"--model {name + ':':9}        {m['sentences_per_second']:.0f} sentences/s end to end, ratio "
            f"{m['ratio_end_to_end']:.3f} "
            + (f"(median of {_listed(m['ratio_end_to_end_runs'])}) " if len(m["ratio_end_to_end_runs"]) > 1 else "")
            + (
                "(no rule)"
                if m["met"] is None
                else f"(rule >= {m['ratio_at_least']}: {'met' if m['met'] else 'NOT met'})"
            )
            + f"; in CPU time {m['ratio_end_to_end_cpu']:.3f}"
            for name, m in r["models"].items()
        ),
        f"default, processing only: ratio {r['ratio_processing']:.3f} (argmine "
        f"{r['argmine_processing_sentences_per_second']:.0f} sentences/s without start-up)",
        f"argmine run --jobs 2:     {r['jobs_2']['sentences_per_second']:.0f} "
        f"sentences/s (x{r['jobs_2']['speed_up']:.2f})",
        f"--model fast --jobs 2:    {r['jobs_2_fast']['sentences_per_second']:.0f} sentences/s "
        f"(x{r['jobs_2_fast']['speed_up']:.2f}), ratio {r['jobs_2_fast']['ratio_end_to_end']:.3f}",
        f"peak RSS 10x / 100x:      {r['peak_rss']['10x']:.0f} / {r['peak_rss']['100x']:.0f} "
        f"MiB, growth {100 * r['peak_rss']['growth_10x_to_100x']:.1f}%"
        f" (target < 10%: {'met' if r['targets']['rss_growth_under_10_percent'] else 'NOT met'})",
        f"argmine --help:           {r['help_seconds']['median']:.3f} s median "
        f"(target < 0.5 s: {'met' if r['targets']['help_under_0.5_s'] else 'NOT met'})",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(main()))
    print("written: bench/results.json")
