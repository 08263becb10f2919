"""Evaluation reports for reading: plain-text tables, Markdown, JSON and PNG figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..files import atomic, write_atomic

__all__ = ["compare_markdown", "format_table", "write_comparison", "write_json", "write_plots"]


def _ci(interval) -> str:
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]" if interval else ""


def format_table(report: dict) -> str:
    """The report as plain-text tables, one per axis."""
    lines = []
    if "trained_on" in report:
        seen = report["trained_on"]
        lines += [
            f"NOTE: the model was trained on {len(seen['documents'])} of these {seen['of']} documents: these are"
            " training-set scores, not what documents it never saw get. Score it on other gold, or"
            " cross-validate its classifier with --classifier NAME --cv documents.",
            "",
        ]
    if "folds" in report:
        lines.append(f"cross-validation: {report['folds']}")
    lines.append(
        f"sentences: {report['sentences']}"
        + (f"  (95% intervals: {report['bootstrap']})" if "bootstrap" in report else "")
    )
    for axis, result in report["axes"].items():
        lines += [
            "",
            f"{axis}: macro-F1 {result['macro_f1']:.3f} {_ci(result.get('macro_f1_ci'))} "
            f" accuracy {result['accuracy']:.3f} {_ci(result.get('accuracy_ci'))}",
        ]
        lines.append(f"  {'label':<16}{'precision':>10}{'recall':>8}{'f1':>8}  {'f1 95% CI':<16}{'support':>8}")
        for label, m in result["labels"].items():
            lines.append(
                f"  {label:<16}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f} "
                f" {_ci(m.get('f1_ci')):<16}{m['support']:>8}"
            )
        names = result["confusion"]["labels"]
        width = max(len(n) for n in names) + 2
        lines.append("  confusion (rows gold, columns predicted):")
        lines.append("  " + " " * width + "".join(f"{n[:8]:>10}" for n in names))
        for name, row in zip(names, result["confusion"]["matrix"]):
            lines.append(f"  {name:<{width}}" + "".join(f"{v:>10}" for v in row))
        cal = report.get("calibration", {}).get(axis)
        if cal:
            brier = f"  Brier {cal['brier']:.3f}" if cal["brier"] is not None else ""
            lines.append(f"  calibration: expected calibration error {cal['ece']:.3f}{brier}")
    if "summary_agreement" in report:
        lines += ["", "summary from predicted vs gold labels (per level x role cell; evidence precision/recall):"]
        lines.append(f"  {'level':<16}{'role':<16}{'gold':>6}{'pred':>6}{'precision':>11}{'recall':>8}")
        for level, by_role in report["summary_agreement"]["cells"].items():
            for role, c in by_role.items():
                if c["gold_count"] or c["predicted_count"]:
                    fmt = lambda v: f"{v:.3f}" if v is not None else "-"
                    lines.append(
                        "  "
                        f"{level:<16}{role:<16}{c['gold_count']:>6}{c['predicted_count']:>6}{fmt(c['precision']):>11}{fmt(c['recall']):>8}"
                    )
    if "by_genre" in report:
        axes = list(report["axes"])
        lines += [
            "",
            "by genre (macro-F1):",
            f"  {'genre':<16}{'documents':>10}{'sentences':>10}" + "".join(f"{a:>10}" for a in axes),
        ]
        for genre, g in report["by_genre"].items():
            scores = "".join(f"{g[f'{a}_macro_f1']:>10.3f}" for a in axes)
            lines.append(f"  {genre:<16}{g['documents']:>10}{g['sentences']:>10}" + scores)
    if "timing" in report:
        t = report["timing"]
        lines += [
            "",
            f"timing: fitting {t['fit_seconds']:.1f} s per fold; "
            f"predicting {t['predict_sentences_per_second']} sentences/s",
        ]
    if "segmentation" in report:
        seg = report["segmentation"]
        lines += [
            "",
            f"segmentation: boundary precision {seg['precision']:.3f}  recall {seg['recall']:.3f} "
            f" F1 {seg['f1']:.3f}  ({seg['boundaries']} gold boundaries inside paragraphs)",
        ]
    return "\n".join(lines) + "\n"


def compare_markdown(result: dict) -> str:
    """The comparison as one Markdown table."""
    axes = [k[: -len("_macro_f1")] for k in result["rows"][0] if k.endswith("_macro_f1")]
    head = (
        ["classifier"]
        + [f"{a} macro-F1 (95% CI)" for a in axes]
        + [f"{a} accuracy" for a in axes]
        + [f"{a} ECE" for a in axes]
    )
    head += ["fit s/fold", "predict sent/s"]
    lines = [
        f"Cross-validation: {result['folds']}, {result['sentences']} sentences; intervals from {result['bootstrap']}.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for row in result["rows"]:
        cells = [row["classifier"]]
        cells += [f"{row[f'{a}_macro_f1']:.3f} {_ci(row[f'{a}_macro_f1_ci'])}" for a in axes]
        cells += [f"{row[f'{a}_accuracy']:.3f}" for a in axes]
        cells += [f"{row[f'{a}_ece']:.3f}" if row[f"{a}_ece"] is not None else "-" for a in axes]
        cells += [
            f"{row['fit_seconds']:.2f}",
            f"{row['predict_sentences_per_second']:,.0f}" if row["predict_sentences_per_second"] else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_comparison(result: dict, prefix: str | Path) -> list[Path]:
    """Write PREFIX.md (the table) and PREFIX.json (everything)."""
    md, js = Path(f"{prefix}.md"), Path(f"{prefix}.json")
    write_atomic(md, compare_markdown(result))
    write_json(result, js)
    return [md, js]


def write_plots(report: dict, folder: str | Path) -> list[Path]:
    """PNG figures: a confusion matrix and a reliability diagram per axis. Returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    title = report.get("source", {}).get("classifier") or report.get("source", {}).get("model") or "predictions"
    for axis, result in report["axes"].items():
        names = result["confusion"]["labels"]
        matrix = np.array(result["confusion"]["matrix"])
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
        ax.set_yticks(range(len(names)), names)
        for i in range(len(names)):
            for j in range(len(names)):
                color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", color=color)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(f"{title}: {axis} (macro-F1 {result['macro_f1']:.2f})")
        written.append(_save(fig, folder / f"confusion-{axis}.png"))
        cal = report.get("calibration", {}).get(axis)
        if cal:
            fig, ax = plt.subplots(figsize=(4.5, 4.5))
            ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
            ax.plot(
                [b["confidence"] for b in cal["reliability"]],
                [b["accuracy"] for b in cal["reliability"]],
                marker="o",
                label=title,
            )
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
            ax.set_xlabel("confidence")
            ax.set_ylabel("accuracy")
            ax.set_title(
                f"{axis}: ECE {cal['ece']:.3f}" + (f", Brier {cal['brier']:.3f}" if cal["brier"] is not None else "")
            )
            ax.legend(loc="upper left")
            written.append(_save(fig, folder / f"reliability-{axis}.png"))
    return written


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    with atomic(path) as tmp:
        fig.savefig(tmp, dpi=100, format="png")
    plt.close(fig)
    return path


def write_json(report: dict, path: str | Path) -> None:
    write_atomic(Path(path), json.dumps(report, indent=2) + "\n")
