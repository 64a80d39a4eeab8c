# The two commands: `make demo` (set up, build the example alliance, print its report)
# and `make test` (set up, lint, type-check, run the whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := sqlite:///.demo/synergies.db

.PHONY: demo test lint typecheck pytest bench lock clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "synergies needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install -q -c requirements.lock -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $@

demo: $(VENV)/.runtime
	rm -rf .demo && mkdir -p .demo
	$(BIN)/synergies init --db $(DEMO_DB)
	$(BIN)/synergies demo --db $(DEMO_DB)
	$(BIN)/synergies report --db $(DEMO_DB) --year 2015 --by function

test: $(VENV)/.dev lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

pytest: $(VENV)/.dev
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/measure.py
	$(BIN)/python benchmarks/forecast.py

# Re-pin after changing dependencies in pyproject.toml.
lock: $(VENV)/.dev
	$(BIN)/pip freeze --exclude-editable | sort > requirements.lock

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache
