# One loop for developers, pre-commit and CI: lint, typecheck, test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install install-dev system-deps run lint typecheck imports test check bench schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python  ## runtime dependencies and the `dpia` command
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python  ## everything the tests, lint and type checks need
	$(BIN)/pip install --quiet -r requirements-dev.txt

system-deps:  ## Debian packages for browser, PostgreSQL and PDF tests (skipped when not root)
	scripts/install-system-deps.sh

run: install  ## start the app on http://localhost:8501 (SQLite in data/); options: make run ARGS="--server.port 8502"
	$(BIN)/python -m views.serve $(ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy engine

imports:  ## the engine stays a pure core (import-linter contract in pyproject.toml)
	$(BIN)/lint-imports

test:
	$(BIN)/pytest -n auto

check: system-deps install-dev  ## the README's test command: installs, then lint, types, imports, tests
	$(MAKE) lint typecheck imports test

bench: system-deps $(BIN)/python  ## install requirements-bench.txt, then print every benchmark's figures (docs/benchmarks.md)
	$(BIN)/pip install --quiet -r requirements-bench.txt
	$(BIN)/python -m benchmarks

schema:  ## regenerate questionnaires/schema.json from the models
	$(BIN)/dpia schema -o questionnaires/schema.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
