# Two commands matter: `make demo` and `make test`. Both build .venv from the machine's Python.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= demo.db

.PHONY: demo test install dev lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

demo: install
	DB=$(DB) BIN=$(BIN) bash examples/demo.sh

test: dev
	$(BIN)/python -m pytest

lint: dev
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-dev

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .hypothesis
