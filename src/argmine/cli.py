"""The argmine command line: parse options, call one library function, print the result."""

from __future__ import annotations

import sys

import click

from . import __version__


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _not_an_input(output, *inputs) -> None:
    """A usage error when an output file of a command is one of its input files: writing it would
    destroy the input."""
    import os

    if not output:
        return
    for given in inputs:
        if given and os.path.isfile(given) and os.path.realpath(given) == os.path.realpath(output):
            raise click.UsageError(
                f"{output}: is an input of this command, and the output would replace it;"
                " write the output to another file"
            )


class Group(click.Group):
    def invoke(self, ctx):
        from .errors import ArgmineError

        try:
            return super().invoke(ctx)
        except ArgmineError as exc:
            raise _fail(exc) from None


class Folds(click.ParamType):
    """--cv: a number of folds (at least 2), 'documents' for leave-one-document-out, or
    'documents:K' for K folds of whole documents; with ``allow_none``, also 'none'."""

    name = "FOLDS"

    def __init__(self, allow_none: bool = False):
        self.allow_none = allow_none

    def convert(self, value, param, ctx):
        if isinstance(value, int) or value == "documents" or (self.allow_none and value == "none"):
            return value
        if str(value).isdigit() and int(value) >= 2:
            return int(value)
        k = str(value).partition("documents:")[2]
        if str(value).startswith("documents:") and k.isdigit() and int(k) >= 2:
            return str(value)
        none = ", 'none'" if self.allow_none else ""
        self.fail(
            f"must be a number of folds (2 or more), 'documents' or 'documents:K' (K >= 2){none}, got '{value}'",
            param,
            ctx,
        )


class ClassifierOption(click.Option):
    """--classifier, whose help lists the registered classifiers: built when help is shown, so that
    `argmine --help` imports no classifier."""

    def get_help_record(self, ctx):
        from .classifiers import registered

        names = "; ".join(
            f"{c.name} ({c.help}{', extra ' + repr(c.extra) if c.extra else ''})" for c in registered().values()
        )
        base = self.__dict__.setdefault("base_help", self.help)
        self.help = f"{base} One of: {names}; or one per axis, e.g. role=rules+words/level=words-lr."
        return super().get_help_record(ctx)


FOLDS = Folds()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="argmine")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="A TOML file overriding argmine's settings ([ingest], [run]) for every stage; also ARGMINE_CONFIG.",
)
def main(config_file):
    """Argument mining for policy texts.

    Finds the benefits, challenges and recommendations in a document, at the grand
    strategic, strategic and practical level, and summarises them.

    \b
    Example:
      argmine run corpus/raw --out out
    """
    if config_file:
        import os

        from .config import ENV

        os.environ[ENV] = os.path.abspath(config_file)  # inherited by worker processes


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the outputs, e.g. --out out."
)
@click.option(
    "--model",
    default="default",
    show_default=True,
    help="A bundled model's name, 'rules', or a model file's path, e.g. --model models/mine.skops.",
)
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Documents processed in parallel (worker processes, or Dask workers), e.g. --jobs 4.",
)
@click.option("--force", is_flag=True, help="Redo every document, even those whose outputs are up to date.")
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress bar and no summaries; errors and the final tally still go to stderr.",
)
@click.option(
    "--engine",
    default="local",
    show_default=True,
    type=click.Choice(["local", "dask"]),
    help="Where documents run: here (local) or on Dask distributed, e.g. --engine dask.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help=(
        "A running Dask scheduler for --engine dask, e.g. --scheduler "
        "tcp://scheduler-host:8786 (default: a local cluster of --jobs workers)."
    ),
)
@click.option(
    "--explain", is_flag=True, help="Add to each sentence an `explanation`: the features that pushed its labels."
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help=(
        "Seconds one document may take before it fails and the run "
        "goes on (default 300, set in config/run.toml; 0: no limit)."
    ),
)
def run(paths, out_dir, model, jobs, force, quiet, engine, scheduler, explain, time_limit):
    """Label and summarise documents (files, folders or glob patterns of .txt, .md, .html, .pdf, .docx).

    Writes per document DOC.sentences.jsonl, DOC.summary.json, DOC.summary.md and DOC.html;
    for every document in the folder sentences.parquet, sentences.csv,
    collection.summary.json and collection.summary.md; and run.json. Never replaces an
    input or a file it did not write; one run at a time per folder. A rerun skips documents
    whose outputs are up to date (same input file, same content, same model). Exits 1 if
    any document failed; Ctrl-C stops the run (exit code 130) and the same command
    continues it.

    \b
    Examples:
      argmine run corpus/raw/japan-nato-cooperation.txt --out out
      argmine run 'reports/**/*.md' --out out --jobs 4
      argmine run reports --out out --engine dask --scheduler tcp://scheduler-host:8786
      argmine run corpus/raw --out out --explain
    """
    from pathlib import Path

    from .errors import InputError
    from .render.markdown import counted
    from .run.pipeline import run as run_documents

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    bar = _ProgressBar() if not quiet and _terminal() else None
    latest = []  # the last progress report, for the message of an interrupted run

    def progress(report) -> None:
        latest[:] = [report]
        if bar is not None:
            bar(report)

    try:
        try:
            record = run_documents(
                list(paths),
                out_dir,
                model,
                jobs=jobs,
                force=force,
                engine=engine,
                scheduler=scheduler,
                progress=progress,
                explain=explain,
                time_limit=time_limit,
            )
        finally:
            if bar is not None:
                bar.close()
    except InputError as exc:  # a path that does not exist, no documents: nothing was written
        raise click.UsageError(str(exc)) from None
    except KeyboardInterrupt:
        # Ctrl-C: the finished documents keep their outputs and the rerun skips them; run.json and
        # the combined outputs are written only by a run that ends.
        done = (
            f": {latest[0].documents} of {counted(latest[0].total, 'document')} done"
            if latest
            else " before any document was done"
        )
        click.echo(f"Interrupted{done}; run the same command again to continue", err=True)
        sys.exit(130)
    counts = {"ok": 0, "skipped": 0, "failed": 0}
    for entry in record["documents"]:
        counts[entry["status"]] += 1
        if entry["status"] == "ok":  # a skipped document's warnings were printed when it was processed
            for warning in entry["warnings"]:
                click.echo(f"Warning: {warning}", err=True)
        if entry["status"] == "failed":
            click.echo(f"Error: {entry['error']}", err=True)
        elif not quiet:
            summary = Path(out_dir) / f"{entry['doc_id']}.summary.md"
            click.echo(summary.read_text(encoding="utf-8"))
    sentences = sum(entry["sentences"] for entry in record["documents"])
    click.echo(
        f"{counted(counts['ok'], 'document')} done, {counts['skipped']} skipped (up to date),"
        f" {counts['failed']} failed; {counted(sentences, 'sentence')}; outputs in {out_dir}/",
        err=True,
    )
    sys.exit(1 if counts["failed"] else 0)


def _terminal() -> bool:
    """Whether stderr is a terminal: the progress bar is drawn only there."""
    return sys.stderr.isatty()


class _ProgressBar:
    """Draws the library's progress reports as a tqdm bar on stderr: documents done of all, sentences
    done, documents and sentences per second, time left."""

    def __init__(self):
        self.bar = None

    def __call__(self, progress) -> None:
        from tqdm import tqdm

        from .render.markdown import counted

        if self.bar is None:
            tqdm.monitor_interval = 0  # no monitor thread: --jobs forks worker processes from this one
            self.bar = tqdm(total=progress.total, unit="doc", desc="documents", file=sys.stderr, dynamic_ncols=True)
        if progress.entry is not None:
            self.bar.update(1)
        elapsed = self.bar.format_dict["elapsed"]
        rate = f", {progress.sentences / elapsed:.0f} sentences/s" if elapsed > 0 else ""
        stage = "; writing combined outputs" if progress.stage == "combining" else ""
        self.bar.set_postfix_str(f"{counted(progress.sentences, 'sentence')}{rate}{stage}", refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@main.command()
@click.option("--gold", required=True, help="A gold .jsonl file or a folder of them.")
@click.option("--pred", "pred_dir", help="An `argmine run` output folder to score.")
@click.option("--model", help="A model (name or path) to run on the gold sentences.")
@click.option("--classifier", cls=ClassifierOption, help="A classifier to cross-validate on the gold (with --cv).")
@click.option(
    "--cv",
    "folds",
    default="documents",
    show_default=True,
    type=FOLDS,
    help="Number of folds, 'documents' for leave-one-document-out, or 'documents:K' for K folds of whole documents.",
)
@click.option(
    "--split", help="Only the gold documents of this split (splits.tsv beside the gold folder), e.g. --split train."
)
@click.option(
    "--documents",
    type=click.Path(file_okay=False),
    help="Folder of the raw documents (default: raw/ beside the gold folder).",
)
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the report as JSON.")
@click.option(
    "--plots",
    "plot_dir",
    type=click.Path(file_okay=False),
    help="Also draw confusion matrices and reliability diagrams (PNG) in this folder.",
)
def evaluate(gold, pred_dir, model, classifier, folds, split, documents, json_path, plot_dir):
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
    from . import evaluation as ev
    from .gold import load_gold
    from .model import load_model

    chosen = [o for o in (pred_dir, model, classifier) if o]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --pred DIR, --model M or --classifier NAME")
    _not_an_input(json_path, gold, model)
    loaded = load_model(model) if model else None  # a bad model is refused before the gold is read
    data = load_gold(gold, documents, split=split)
    if pred_dir:
        report = ev.evaluate_predictions(data, pred_dir)
    elif loaded is not None:
        report = ev.evaluate_model(data, loaded)
    else:
        report = ev.cross_validate(data, classifier, folds)
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
@click.option(
    "--cv",
    "folds",
    default="documents",
    show_default=True,
    type=FOLDS,
    help="Number of folds, 'documents' for leave-one-document-out, or 'documents:K' for K folds of whole documents.",
)
@click.option(
    "--split", help="Only the gold documents of this split (splits.tsv beside the gold folder), e.g. --split train."
)
@click.option(
    "--documents",
    type=click.Path(file_okay=False),
    help="Folder of the raw documents (default: raw/ beside the gold folder).",
)
@click.option("--out", "out_prefix", default="comparison", show_default=True, help="Write OUT.md and OUT.json.")
def compare(gold, classifiers, folds, split, documents, out_prefix):
    """Cross-validate several classifiers on the same folds and print one table.

    Macro-F1 per axis with 95% bootstrap intervals, accuracy, calibration error,
    fitting time and prediction speed, written as Markdown and JSON too.

    \b
    Example:
      argmine compare --gold corpus/gold --classifiers rules,tfidf-lr --out bench/comparison
    """
    from . import evaluation as ev
    from .gold import load_gold

    names = [c.strip() for c in classifiers.split(",") if c.strip()]
    if not names:
        raise click.UsageError("--classifiers needs at least one classifier name")
    result = ev.compare(load_gold(gold, documents, split=split), names, folds)
    click.echo(ev.compare_markdown(result), nl=False)
    written = ev.write_comparison(result, out_prefix)
    click.echo("wrote " + " and ".join(map(str, written)), err=True)


@main.command()
@click.option(
    "--gold",
    help="A gold .jsonl file or a folder of them; with --pred, the gold whose sentence ids the predictions take.",
)
@click.option(
    "--pred",
    "pred_path",
    help="Predictions instead: an `argmine run` output folder, or a sentences .jsonl file (argmine suggest --out).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "parquet", "spacy", "label-studio", "doccano", "prodigy"]),
    required=True,
    help="A flat table (csv, jsonl, parquet), a spaCy DocBin (spacy), or an annotation tool's tasks.",
)
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(),
    help="File to write; a folder for label-studio (tasks.json, label_config.xml).",
)
@click.option(
    "--documents",
    type=click.Path(file_okay=False),
    help="Folder of the raw documents (default: raw/ beside the gold folder).",
)
def export(gold, pred_path, fmt, out_path, documents):
    """Write labelled sentences, gold or predicted, as a table or for another tool.

    spacy: a .spacy DocBin, one Doc per sentence, cats namespaced by axis
    (role:benefit, level:none), for `spacy train` (the gold's excluded rows,
    run-in headings, left out). label-studio: a folder with
    tasks.json (gold labels as annotations, predictions as predictions with
    scores) and label_config.xml. doccano, prodigy: JSONL tasks. Every task
    says what argmine exported (exported_from: gold or prediction, and
    exported_labels), so that `argmine import` tells changed labels from
    argmine's own. --pred with --gold: the predictions of the gold's documents,
    one per gold sentence, with the gold's sent_id (a warning names each place
    where the run's sentences and the gold's differ).

    \b
    Examples:
      argmine export --gold corpus/gold --format csv --out gold.csv
      argmine export --gold corpus/gold --format spacy --out train.spacy
      argmine export --pred out --format label-studio --out ls/
      argmine export --pred out --gold corpus/gold/crs-mq9-reaper.jsonl --format doccano --out mq9.pred.jsonl
      argmine export --gold corpus/gold/crs-mq9-reaper.jsonl --format prodigy --out mq9.prodigy.jsonl
    """
    from .exchange.export import TABLE_FORMATS
    from .exchange.export import export as export_rows

    if not gold and not pred_path:
        raise click.UsageError("give --gold GOLD, --pred DIR, or both (predictions numbered by the gold's sentences)")
    _not_an_input(out_path, gold, pred_path)
    result = export_rows(fmt, out_path, gold, pred_path, documents)
    from .render.markdown import counted

    for difference in result["differences"]:
        click.echo(f"Warning: {difference}", err=True)
    what = counted(result["rows"], "row" if fmt in TABLE_FORMATS else "sentence")
    click.echo(f"{what} written to {' and '.join(map(str, result['files']))}")


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["label-studio", "doccano", "prodigy"]),
    required=True,
    help="The tool whose export FILE is.",
)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="Gold file to write (.jsonl).")
@click.option("--doc-id", default="", help="Document id of tasks that carry none (default: the --out file's name).")
@click.option(
    "--annotator",
    help="Keep only this annotator's annotations, as the tool names them: Label Studio's user id or email, "
    "Prodigy's _annotator_id; for doccano, the user whose export file FILE is (doccano writes one per user).",
)
@click.option(
    "--reviewed",
    is_flag=True,
    help="doccano: every example in FILE was checked by a person (exported as approved only), so argmine's "
    "predictions nobody changed count as labels.",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def import_(file, fmt, out_path, doc_id, annotator, reviewed, force):
    """Turn an annotation tool's export back into a gold file.

    Reads Label Studio's JSON export, doccano's JSONL or Prodigy's JSONL (db-out),
    checks every label against the label scheme and writes one gold row per
    labelled sentence. Each row's annotator is the one argmine exported while
    the labels are unchanged, else the tool's user; what the tool recorded
    about its user is kept beside it as tool_annotator. In a doccano export,
    argmine's predictions nobody changed are left out (see --reviewed).

    \b
    Examples:
      argmine import --format label-studio export.json --out corpus/gold/crs-mq9-reaper.jsonl
      argmine import --format doccano admin.jsonl --annotator admin --out corpus/gold/crs-mq9-reaper.jsonl
    """
    from pathlib import Path

    from .exchange.importer import import_annotations, write_gold
    from .render.markdown import counted

    out = Path(out_path)
    _not_an_input(out, file)
    if out.exists() and not force:
        raise click.UsageError(f"{out} exists; pass --force to replace it")
    result = import_annotations(file, fmt, doc_id or out.name.removesuffix(".jsonl"), annotator, reviewed=reviewed)
    write_gold(result["rows"], out)
    skipped = f"; {counted(result['skipped'], 'unlabelled or rejected task')} skipped" if result["skipped"] else ""
    if result["unreviewed"]:
        skipped += f"; {result['unreviewed']} of argmine's predictions, unchanged, left out (--reviewed takes them)"
    labelled = counted(len(result["rows"]), "labelled sentence")
    click.echo(f"{labelled} written to {out}{skipped}")


@main.command()
@click.argument("a", type=click.Path(dir_okay=False))
@click.argument("b", type=click.Path(dir_okay=False))
@click.option(
    "--documents",
    type=click.Path(file_okay=False),
    help="Folder of the raw documents, for the text of disagreements (default: raw/ beside the files' folder).",
)
@click.option("--json", "json_path", help="Also write the report as JSON to this file ('-': print only the JSON).")
def agreement(a, b, documents, json_path):
    """Agreement between two annotators of the same sentences.

    Per axis: Cohen's kappa, Krippendorff's alpha (nominal), observed agreement and
    the confusion between the annotators (rows A, columns B); then every sentence
    they labelled differently. A and B are annotation passes (sent_id, role, level,
    exclude, note per line) or gold files; rows pair by doc_id and sent_id, and rows
    both annotators excluded are left out.

    \b
    Example:
      argmine agreement corpus/annotations/crs-mq9-reaper.A.jsonl corpus/annotations/crs-mq9-reaper.B.jsonl
    """
    import json

    from .evaluation.agreement import agreement as compare_annotators
    from .evaluation.agreement import format_report

    _not_an_input(None if json_path == "-" else json_path, a, b)
    report = compare_annotators(a, b, documents)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if json_path == "-":
        click.echo(text, nl=False)
        return
    click.echo(format_report(report), nl=False)
    if json_path:
        from pathlib import Path

        from .files import write_atomic

        write_atomic(Path(json_path), text)


@main.command()
@click.option("--gold", required=True, help="A gold .jsonl file or a folder of them.")
@click.option(
    "--classifier", cls=ClassifierOption, default="static-rules-lr", show_default=True, help="The classifier to train."
)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="Model file to write (.skops).")
@click.option(
    "--cv",
    "folds",
    default="documents",
    show_default=True,
    type=Folds(allow_none=True),
    help="Cross-validation recorded in the model: folds, 'documents', 'documents:K', or 'none' to skip it "
    "(for a classifier too slow to fit once per fold; measure it with `argmine compare` or bench/).",
)
@click.option(
    "--split", help="Only the gold documents of this split (splits.tsv beside the gold folder), e.g. --split train."
)
@click.option(
    "--documents",
    type=click.Path(file_okay=False),
    help="Folder of the raw documents (default: raw/ beside the gold folder).",
)
@click.option(
    "--teacher", metavar="MODEL", help="Distil: also learn this model's probabilities over the --unlabelled documents."
)
@click.option(
    "--unlabelled",
    multiple=True,
    metavar="PATH",
    help="Documents or folders for --teacher (repeatable), e.g. --unlabelled corpus/unlabelled.",
)
def train(gold, classifier, out_path, folds, split, documents, teacher, unlabelled):
    """Train a classifier on the gold and save it with its metadata.

    Cross-validates the classifier first (the scores recorded in the model; --cv none skips it),
    then fits it on all the gold; progress goes to stderr.

    \b
    Example:
      argmine train --gold corpus/gold --classifier static-rules-lr --out models/mine.skops
    """
    import time

    from .model import load_model, save_model
    from .training import train as train_model

    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        if stage == "cross-validation":
            click.echo(f"cross-validation: fold {done} of {total} done ({elapsed:.0f} s)", err=True)
        elif done == 0:
            gold_part = f"the {split} split of the gold" if split else "all the gold"
            click.echo(f"fitting {classifier} on {gold_part} ({elapsed:.0f} s)", err=True)

    _not_an_input(out_path, gold)
    if bool(teacher) != bool(unlabelled):
        raise click.UsageError("--teacher and --unlabelled go together (distillation)")

    teacher_model = load_model(teacher) if teacher else None
    model = train_model(gold, classifier, documents, folds, progress, split, teacher_model, list(unlabelled))
    save_model(model, out_path)
    cv = model.metadata["cross_validation"]
    scores = ", ".join(f"{k} {v:.3f}" for k, v in cv.items() if k.endswith("macro_f1")) or "no scores recorded"
    click.echo(
        f"saved {out_path}: {classifier} on {model.metadata['training_data']['sentences']} "
        f"sentences; {cv['folds']}: {scores}"
    )


@main.command()
@click.argument("sentence")
@click.option(
    "--model", default="default", show_default=True, help="A bundled model's name, 'rules', or a model file's path."
)
@click.option("--section", default="", help="The heading the sentence stands under (heading cues count).")
@click.option(
    "-k", "--top", "top_k", default=5, show_default=True, type=click.IntRange(min=1), help="Features to show per axis."
)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
def explain(sentence, model, section, top_k, as_json):
    """Show which features pushed a sentence's labels.

    For a linear model (tfidf-lr, cues-lr) the model's own weights times the
    feature values, named as the model names its features (words__should,
    cues__role:recommendation:text, heading__options); for any other model (rules,
    the default) the fall in the label's probability when each word, or the
    heading, is left out.

    \b
    Examples:
      argmine explain "Japan should deepen its cyber cooperation with NATO."
      argmine explain --model models/tfidf-lr.skops --section "Policy options" "Congress could consider new sanctions."
    """
    import json

    from .explain import explain_text, format_explanation
    from .model import load_model

    explanation = explain_text(sentence, load_model(model), section, top_k)
    if as_json:
        click.echo(json.dumps(explanation, indent=2, ensure_ascii=False))
    else:
        click.echo(format_explanation(explanation), nl=False)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--model", default="default", show_default=True, help="A bundled model's name, 'rules', or a model file's path."
)
@click.option(
    "-n", "count", default=50, show_default=True, type=click.IntRange(min=1), help="How many sentences to suggest."
)
@click.option(
    "--by",
    type=click.Choice(["margin", "entropy"]),
    default="margin",
    show_default=True,
    help="Smallest margin between the top two probabilities, or highest entropy.",
)
@click.option("--axis", help="Rank by this axis only (default: each sentence's least certain axis).")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    help="Also write the sentences as JSONL, for `argmine export --pred FILE`.",
)
def suggest(paths, model, count, by, axis, out_path):
    """List the sentences whose predictions are least certain: what to label next.

    Labels every sentence of the documents (files or folders, as for `run`) and
    ranks them by the margin between their two most probable labels (smallest
    first) or by the entropy of their label probabilities (highest first), on
    their least certain axis.

    \b
    Examples:
      argmine suggest corpus/unlabelled/crs -n 50
      argmine suggest corpus/unlabelled/crs -n 50 --by entropy --out next.jsonl
      argmine export --pred next.jsonl --format label-studio --out ls-next/
    """
    from .errors import InputError
    from .model import load_model
    from .render.markdown import counted
    from .run.pipeline import check_paths
    from .suggest import format_table, write_jsonl
    from .suggest import suggest as least_certain

    try:
        check_paths(paths)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    _not_an_input(out_path, *paths)
    result = least_certain(list(paths), load_model(model), count, by, axis)
    click.echo(format_table(result), nl=False)
    for failure in result["failed"]:
        click.echo(f"Error: {failure['error']}", err=True)
    click.echo(
        f"{len(result['sentences'])} of {counted(result['pool'], 'sentence')} in"
        f" {counted(result['documents'], 'document')}, by {by}",
        err=True,
    )
    if out_path:
        click.echo(f"wrote {write_jsonl(result['sentences'], out_path)}", err=True)


@main.command()
@click.argument("model")
def info(model):
    """Print a model's metadata (scheme, training data hash, versions, CV scores).

    \b
    Example:
      argmine info default
    """
    import json

    from .model import load_model

    click.echo(json.dumps(load_model(model).metadata, indent=2, sort_keys=True))
