# The two commands of the quick start: `make up` and `make test`.
# Everything runs from .venv, which these targets create and keep up to date.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev

.PHONY: up test lint format render revision-check clean down

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependencies change.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP) $@

## up: install, render and lint the declared schema, start and migrate the dev database
up: $(STAMP)
	$(BIN)/tenantdb render --out .tenantdb/schema.sql
	$(BIN)/tenantdb lint
	$(BIN)/tenantdb dev up

## test: ruff, the formatter check, the pre-commit hooks and every test suite
test: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pre-commit run --all-files
	$(BIN)/python -m pytest

## lint: lint the rendered schema and the revisions (as pre-commit does)
lint: $(STAMP)
	$(BIN)/tenantdb lint

format: $(DEV)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

down: $(STAMP)
	$(BIN)/tenantdb dev down

clean:
	-$(BIN)/tenantdb dev down --purge
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
