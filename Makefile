# City Cohesion Self-Assessment: the two commands, `make run` and `make test`, and friends.
# Every target sets up what it needs; repeating one is quick when nothing changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
AXE    := tests/e2e/axe/node_modules/axe-core/axe.min.js

.PHONY: run test check bench system system-test db lint typecheck clean

run: $(VENV)/.runtime system db  ## Set everything up and serve the app on http://127.0.0.1:$(PORT)
	@$(PY) cli.py user first-run --url http://127.0.0.1:$(PORT)
	$(PY) -m streamlit run server.py --server.address 127.0.0.1 --server.port $(PORT) \
	  --server.headless true --browser.gatherUsageStats false

test: $(VENV)/.dev system-test $(AXE)  ## Set up, then run every test
	$(PY) -m pytest

check: $(VENV)/.dev system-test $(AXE) lint typecheck  ## Lint, type-check the core, run every test
	$(PY) -m pytest

bench: $(VENV)/.dev system  ## Run the performance benchmarks (writes benchmarks/results/*.json)
	$(PY) -m benchmarks

lint: $(VENV)/.dev
	$(PY) -m ruff check .

typecheck: $(VENV)/.dev
	$(PY) -m mypy

db: $(VENV)/.runtime  ## Create or upgrade the database ($$DATABASE_URL, default data/cohesion.db)
	$(PY) cli.py db upgrade

system:
	scripts/system-packages.sh run

system-test:
	scripts/system-packages.sh test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); scripts/system-packages.sh run && $(PYTHON) -m venv $(VENV); }

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

$(AXE): tests/e2e/axe/package.json tests/e2e/axe/package-lock.json | system-test
	npm ci --prefix tests/e2e/axe --no-audit --no-fund --loglevel=error
	@touch $@

clean:  ## Remove the virtual environment and caches (keeps the database)
	rm -rf $(VENV) tests/e2e/axe/node_modules .pytest_cache .mypy_cache .ruff_cache
