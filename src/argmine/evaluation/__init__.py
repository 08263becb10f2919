"""Evaluation against the gold: metrics, scoring a model or a run, cross-validation, the
segmenter's boundaries, agreement between annotators, and the reports for reading."""

from .agreement import agreement
from .agreement import format_report as format_agreement
from .crossval import compare, cross_validate, out_of_fold
from .metrics import calibration, full_report, score, summary_agreement
from .output import compare_markdown, format_table, write_comparison, write_json, write_plots
from .scoring import evaluate_model, evaluate_predictions
from .segmentation import segmentation_scores

__all__ = [
    "agreement",
    "calibration",
    "compare",
    "compare_markdown",
    "cross_validate",
    "evaluate_model",
    "evaluate_predictions",
    "format_agreement",
    "format_table",
    "full_report",
    "out_of_fold",
    "score",
    "segmentation_scores",
    "summary_agreement",
    "write_comparison",
    "write_json",
    "write_plots",
]
