"""argmine train: progress, the training data it records, and evaluate telling training-set
scores from scores on unseen gold."""

import shutil

from click.testing import CliRunner

from argmine.cli import main
from argmine.evaluation import evaluate_model, format_table
from argmine.gold import load_gold
from argmine.model import load_model
from argmine.training import train
from conftest import GOLD, ROOT


def small_gold(tmp_path, *doc_ids):
    (tmp_path / "gold").mkdir()
    for doc_id in doc_ids:
        shutil.copy(GOLD / f"{doc_id}.jsonl", tmp_path / "gold")
    return tmp_path / "gold"


def test_train_reports_progress_and_records_its_documents(tmp_path):
    gold = small_gold(tmp_path, "crs-mq9-reaper", "crs-sri-lanka-election")
    calls = []
    model = train(gold, "words-lr", ROOT / "corpus" / "raw", "documents", lambda *call: calls.append(call))
    assert calls == [("cross-validation", 1, 2), ("cross-validation", 2, 2), ("fitting", 0, 1), ("fitting", 1, 1)]
    data = model.metadata["training_data"]
    assert data["doc_ids"] == ["crs-mq9-reaper", "crs-sri-lanka-election"]
    assert set(data["file_sha256"]) == {"crs-mq9-reaper.jsonl", "crs-sri-lanka-election.jsonl"}
    assert model.training_documents() == {"crs-mq9-reaper", "crs-sri-lanka-election"}


def argmine(command: str, gold, *options: str):
    """An argmine command on a small gold whose documents are corpus/raw's."""
    return CliRunner().invoke(
        main, [command, "--gold", str(gold), "--documents", str(ROOT / "corpus" / "raw"), *options]
    )


def test_train_without_cross_validation_says_so(tmp_path):
    gold = small_gold(tmp_path, "crs-mq9-reaper", "crs-sri-lanka-election")
    out = tmp_path / "m.skops"
    result = argmine("train", gold, "--classifier", "words-lr", "--cv", "none", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "cross-validation" not in result.stderr and "no scores recorded" in result.stdout
    assert load_model(out).metadata["cross_validation"] == {"folds": "none"}
    refused = argmine("evaluate", gold, "--model", "rules", "--cv", "none")
    assert refused.exit_code == 2 and "'documents:K' (K >= 2), got 'none'" in refused.output


def test_evaluate_says_when_the_model_saw_the_gold(tmp_path):
    gold = small_gold(tmp_path, "crs-mq9-reaper", "crs-sri-lanka-election")
    out = tmp_path / "m.skops"
    result = argmine("train", gold, "--classifier", "words-lr", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "cross-validation: fold 2 of 2 done" in result.output  # stderr is mixed in by CliRunner
    model = load_model(out)
    seen = evaluate_model(load_gold(GOLD / "crs-mq9-reaper.jsonl"), model)
    assert seen["trained_on"] == {"documents": ["crs-mq9-reaper"], "of": 1}
    assert format_table(seen).startswith("NOTE: the model was trained on 1 of these 1 documents")
    unseen = evaluate_model(load_gold(GOLD / "crs-china-fentanyl.jsonl"), model)
    assert "trained_on" not in unseen and "NOTE" not in format_table(unseen)


def test_rules_learn_nothing_so_no_note():
    model = train(GOLD / "crs-mq9-reaper.jsonl", "rules", ROOT / "corpus" / "raw", 2)
    assert model.training_documents() == set()
    report = evaluate_model(load_gold(GOLD / "crs-mq9-reaper.jsonl"), model)
    assert "trained_on" not in report


def test_distill_learns_from_the_teacher_over_unlabelled_documents(tmp_path):
    from argmine.training import distill

    gold = load_gold(GOLD / "crs-mq9-reaper.jsonl")
    teacher = load_model("rules")
    unlabelled = ROOT / "corpus" / "raw" / "japan-nato-cooperation.txt"
    student = distill(teacher, gold, [unlabelled], "static-lr")
    info = student.metadata["distilled_from"]
    assert info["teacher"] == "rules" and info["unlabelled_documents"] == ["japan-nato-cooperation.txt"]
    assert info["unlabelled_sentences"] > 100
    # On the unlabelled document the student agrees with its teacher far more than a gold-only student does.
    from argmine.ingest import ingest
    from argmine.model import fit_model
    from argmine.segment import segment

    sentences = segment(ingest(unlabelled))
    taught, learned, alone = (
        teacher.predict(sentences),
        student.predict(sentences),
        fit_model(gold, "static-lr").predict(sentences),
    )
    agree = sum((learned[axis] == taught[axis]).mean() for axis in ("role", "level")) / 2
    without = sum((alone[axis] == taught[axis]).mean() for axis in ("role", "level")) / 2
    assert agree > without + 0.04


def test_train_distils_with_a_teacher(tmp_path):
    out = tmp_path / "fast.skops"
    args = ["train", "--gold", str(GOLD / "crs-mq9-reaper.jsonl"), "--classifier", "static-lr", "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--teacher", "rules"])
    assert result.exit_code == 2 and "--teacher and --unlabelled go together" in result.output
    result = CliRunner().invoke(
        main, [*args, "--teacher", "rules", "--unlabelled", str(ROOT / "corpus" / "raw" / "japan-nato-cooperation.txt")]
    )
    assert result.exit_code == 0, result.output
    metadata = load_model(out).metadata
    assert (
        metadata["cross_validation"] == {"folds": "none (distilled)"}
        and metadata["distilled_from"]["teacher"] == "rules"
    )
