# argmine: the two commands a user needs are `make run` and `make test`; `make bench` measures speed and memory.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast check docs train bench distill clean

$(BIN)/python:
	$(shell command -v $(PYTHON) >/dev/null 2>&1 && echo $(PYTHON) || echo python3) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,dask,finetune]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/argmine run corpus/raw --out out

test: $(STAMP)
	$(BIN)/python -m pytest

# The tests not marked slow or integration (the real annotation tools): under a minute, for the edit-test loop.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not integration"

# Lint, format and type checks (configured in pyproject.toml); CI runs them before the tests.
check: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/python scripts/reference.py --check

# Regenerate docs/cli.md and docs/classifiers.md from the code.
docs: $(STAMP)
	$(BIN)/python scripts/reference.py

# The bundled models: default (the encoder fine-tuned on all the gold with one encoder for both axes, about
# 13 minutes on 2 cores), accurate (a network per axis, about 20 minutes) and fast (distilled from accurate, 2 minutes).
# The fine-tuned ones are measured by grouped cross-validation in bench/finetune.py, so no --cv here.
train: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/argmine train --gold corpus/gold --classifier finetuned-minilm --cv none --out models/default.skops
	HF_HUB_OFFLINE=1 $(BIN)/argmine train --gold corpus/gold --classifier finetuned-minilm-per-axis --cv none --out models/accurate.skops
	$(BIN)/argmine train --gold corpus/gold --classifier static-rules-lr --teacher models/accurate.skops --unlabelled corpus/unlabelled --out models/fast.skops

bench: $(STAMP)
	$(BIN)/python bench/run_bench.py
	$(BIN)/python bench/furniture.py

# Rebuild the static embedding model shipped in src/argmine/models/static-minilm/ (offline).
distill: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,embed,distill]'
	HF_HUB_OFFLINE=1 $(BIN)/python scripts/distill_static.py

clean:
	rm -rf $(VENV) out
