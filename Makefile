# The two commands: `make demo` (set up, build the example alliance, print its report)
# and `make test` (set up, lint, type-check, run the whole test suite). `make check` is the
# quicker inner loop: the same without the slow and Spark tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := sqlite:///.demo/synergies.db
# Found by the CLI in this folder or a parent, so the README's commands need no --db.
PROJECT_FILE := .synergies.toml
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test check lint typecheck pytest pytest-quick bench lock clean browser office pdf screenshots

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
	@echo '# Written by make demo: synergies commands run here use the demo store.' > $(PROJECT_FILE)
	@echo 'db = "$(DEMO_DB)"' >> $(PROJECT_FILE)
	$(BIN)/synergies init --db $(DEMO_DB)
	$(BIN)/synergies demo --db $(DEMO_DB) --accounts-file .demo/accounts.txt
	$(BIN)/synergies report --db $(DEMO_DB) --year 2015 --by function
	@echo
	@cat .demo/accounts.txt

# The browser tests drive Debian's chromium (never a browser Playwright downloads).
browser:
	@command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The workbook tests open exports in Debian's LibreOffice Calc (a second, independent reader
# that recalculates the summary); about 45 s to install.
office:
	@command -v soffice >/dev/null || { \
	  echo "installing Debian's libreoffice-calc for the workbook tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libreoffice-calc >/dev/null; }

# The board pack prints through WeasyPrint (pango, DejaVu fonts, HarfBuzz's subsetter: without
# it WeasyPrint falls back to fontTools, whose subsets differ from run to run, so the same pack
# would not give the same bytes); its tests read the PDF with poppler's pdftotext and picture
# its pages with pdftoppm.
pdf:
	@{ command -v pdftoppm >/dev/null && [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
	  && ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset; } || { \
	  echo "installing Debian's poppler-utils, pango, HarfBuzz and DejaVu fonts for the board pack"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	    >/dev/null; }

test: $(VENV)/.dev browser office pdf lint typecheck pytest

check: $(VENV)/.dev browser office pdf lint typecheck pytest-quick

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

pytest: $(VENV)/.dev
	$(BIN)/pytest -n 2 --dist loadgroup

pytest-quick: $(VENV)/.dev
	$(BIN)/pytest -n 2 --dist loadgroup -m "not slow and not spark"

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/measure.py
	$(BIN)/python benchmarks/forecast.py
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/boardpack.py
	$(BIN)/python benchmarks/alerts.py
	$(BIN)/python benchmarks/backtest.py
	$(BIN)/python benchmarks/pg_store.py
	$(BIN)/python benchmarks/scale.py

# The README's pictures of the dashboard (docs/screenshots/), taken in Debian's chromium.
screenshots: $(VENV)/.dev browser
	$(BIN)/python docs/screenshots.py

# Re-pin after changing dependencies in pyproject.toml.
lock: $(VENV)/.dev
	$(BIN)/pip freeze --exclude-editable | sort > requirements.lock

clean:
	rm -rf $(VENV) .demo $(PROJECT_FILE) .pytest_cache .mypy_cache .ruff_cache
