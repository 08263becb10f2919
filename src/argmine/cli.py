"""The argmine command line: parse options, call one library function, print the result."""

from __future__ import annotations

import sys

import click

from . import __version__


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


class Group(click.Group):
    def invoke(self, ctx):
        from .errors import ArgmineError

        try:
            return super().invoke(ctx)
        except ArgmineError as exc:
            raise _fail(exc) from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="argmine")
def main():
    """Argument mining for policy texts.

    Finds the benefits, challenges and recommendations in a document, at the grand
    strategic, strategic and practical level, and summarises them.

    \b
    Example:
      argmine run corpus/raw --out out
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the outputs.")
@click.option("--model", default="default", show_default=True, help="A bundled model's name, 'rules', or a model file's path.")
def run(paths, out_dir, model):
    """Label and summarise documents (files or folders of .txt/.md).

    Writes per document DOC.sentences.jsonl, DOC.summary.json and DOC.summary.md,
    and run.json for the whole run. Exits 1 if any document failed.

    \b
    Example:
      argmine run corpus/raw/japan-nato-cooperation.txt --out out
    """
    from pathlib import Path

    from .errors import InputError
    from .pipeline import check_paths, run as run_documents

    try:
        check_paths(paths)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    record = run_documents(list(paths), out_dir, model)
    failed = 0
    for entry in record["documents"]:
        if entry["status"] == "ok":
            summary = Path(out_dir) / f"{entry['doc_id']}.summary.md"
            click.echo(summary.read_text(encoding="utf-8"))
        else:
            failed += 1
            click.echo(f"Error: {entry['error']}", err=True)
    ok = len(record["documents"]) - failed
    click.echo(f"{ok} document(s) done, {failed} failed; outputs in {out_dir}/", err=True)
    if not record["documents"]:
        raise click.UsageError("no .txt or .md documents found in the given paths")
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--gold", required=True, help="A gold .jsonl file or a folder of them.")
@click.option("--pred", "pred_dir", help="An `argmine run` output folder to score.")
@click.option("--model", help="A model (name or path) to run on the gold sentences.")
@click.option("--classifier", help="A classifier to cross-validate on the gold (with --cv).")
@click.option("--cv", "folds", default="documents", show_default=True, help="Number of folds, or 'documents' for leave-one-document-out.")
@click.option("--documents", type=click.Path(file_okay=False), help="Folder of the raw documents (default: raw/ beside the gold folder).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the report as JSON.")
@click.option("--plots", "plot_dir", type=click.Path(file_okay=False), help="Also draw confusion matrices and reliability diagrams (PNG) in this folder.")
def evaluate(gold, pred_dir, model, classifier, folds, documents, json_path, plot_dir):
    """Score predictions, a model, or a cross-validated classifier against the gold.

    Prints for each axis per-label precision, recall, F1 (with 95% bootstrap
    intervals) and support, macro-F1, accuracy, the confusion matrix and the
    calibration error; the summary built from predicted labels against the gold
    summary; and the segmenter's boundary scores.

    \b
    Examples:
      argmine evaluate --gold corpus/gold --model default
      argmine evaluate --gold corpus/gold --classifier tfidf-lr --cv documents
      argmine evaluate --gold corpus/gold --pred out --plots out/plots
    """
    from . import evaluate as ev
    from .classify import load_model
    from .gold import load_gold

    chosen = [o for o in (pred_dir, model, classifier) if o]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --pred DIR, --model M or --classifier NAME")
    if folds != "documents" and not folds.isdigit():
        raise click.UsageError(f"--cv must be a number of folds or 'documents', got '{folds}'")
    data = load_gold(gold, documents)
    if pred_dir:
        report = ev.evaluate_predictions(data, pred_dir)
    elif model:
        report = ev.evaluate_model(data, load_model(model))
    else:
        report = ev.cross_validate(data, classifier, folds if folds == "documents" else int(folds))
    report["segmentation"] = ev.segmentation_scores(data, documents, gold)
    click.echo(ev.format_table(report), nl=False)
    if json_path:
        ev.write_json(report, json_path)
    if plot_dir:
        for path in ev.write_plots(report, plot_dir):
            click.echo(f"wrote {path}", err=True)


@main.command()
@click.option("--gold", required=True, help="A gold .jsonl file or a folder of them.")
@click.option("--classifiers", default="rules,tfidf-lr", show_default=True, help="Comma-separated classifier names.")
@click.option("--cv", "folds", default="documents", show_default=True, help="Number of folds, or 'documents' for leave-one-document-out.")
@click.option("--documents", type=click.Path(file_okay=False), help="Folder of the raw documents (default: raw/ beside the gold folder).")
@click.option("--out", "out_prefix", default="comparison", show_default=True, help="Write OUT.md and OUT.json.")
def compare(gold, classifiers, folds, documents, out_prefix):
    """Cross-validate several classifiers on the same folds and print one table.

    Macro-F1 per axis with 95% bootstrap intervals, accuracy, calibration error,
    fitting time and prediction speed, written as Markdown and JSON too.

    \b
    Example:
      argmine compare --gold corpus/gold --classifiers rules,tfidf-lr --out bench/comparison
    """
    from . import evaluate as ev
    from .gold import load_gold

    names = [c.strip() for c in classifiers.split(",") if c.strip()]
    if not names:
        raise click.UsageError("--classifiers needs at least one classifier name")
    if folds != "documents" and not folds.isdigit():
        raise click.UsageError(f"--cv must be a number of folds or 'documents', got '{folds}'")
    result = ev.compare(load_gold(gold, documents), names, folds if folds == "documents" else int(folds))
    click.echo(ev.compare_markdown(result), nl=False)
    written = ev.write_comparison(result, out_prefix)
    click.echo("wrote " + " and ".join(map(str, written)), err=True)


@main.command()
@click.option("--gold", required=True, help="A gold .jsonl file or a folder of them.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), required=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False))
@click.option("--documents", type=click.Path(file_okay=False), help="Folder of the raw documents (default: raw/ beside the gold folder).")
def export(gold, fmt, out_path, documents):
    """Write the labelled gold as one flat table.

    \b
    Example:
      argmine export --gold corpus/gold --format csv --out gold.csv
    """
    from .export import export_gold

    rows = export_gold(gold, fmt, out_path, documents)
    click.echo(f"{rows} rows written to {out_path}")


@main.command()
@click.option("--gold", required=True, help="A gold .jsonl file or a folder of them.")
@click.option("--classifier", default="tfidf-lr", show_default=True,
              help="rules, tfidf-lr, static-lr, static-rules-lr, embed-lr or embed-rules-lr (embed-*: extra 'embed').")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="Model file to write (.skops).")
@click.option("--cv", "folds", default="documents", show_default=True, help="Cross-validation recorded in the model: folds or 'documents'.")
@click.option("--documents", type=click.Path(file_okay=False), help="Folder of the raw documents (default: raw/ beside the gold folder).")
def train(gold, classifier, out_path, folds, documents):
    """Train a classifier on the gold and save it with its metadata.

    \b
    Example:
      argmine train --gold corpus/gold --classifier tfidf-lr --out models/mine.skops
    """
    from .classify import save_model, train as train_model

    if folds != "documents" and not folds.isdigit():
        raise click.UsageError(f"--cv must be a number of folds or 'documents', got '{folds}'")
    model = train_model(gold, classifier, documents, folds if folds == "documents" else int(folds))
    save_model(model, out_path)
    cv = model.metadata["cross_validation"]
    scores = ", ".join(f"{k} {v:.3f}" for k, v in cv.items() if k.endswith("macro_f1"))
    click.echo(f"saved {out_path}: {classifier} on {model.metadata['training_data']['sentences']} sentences; {cv['folds']}: {scores}")


@main.command()
@click.argument("model")
def info(model):
    """Print a model's metadata (scheme, training data hash, versions, CV scores).

    \b
    Example:
      argmine info default
    """
    import json

    from .classify import load_model

    click.echo(json.dumps(load_model(model).metadata, indent=2, sort_keys=True))
