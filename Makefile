# Jejaring: `make run` starts the demo, `make test` runs every check. Both set themselves up from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?= -n 2

.PHONY: run test test-sqlite lint setup setup-dev messages css bench clean help

help:
	@echo "make run      set up, migrate, load the demo network, start the web app and the reminder worker"
	@echo "make test     set up and run ruff, mypy and the whole test suite (DATABASE_URL selects PostgreSQL)"
	@echo "make bench    seed a large network into PostgreSQL and measure pages and jobs"
	@echo "make messages refresh and compile the translation catalogues"
	@echo "make css      rebuild the trimmed Bootstrap stylesheet (PurgeCSS, from npm)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.run-installed

setup: $(VENV)/.run-installed

setup-dev: $(VENV)/.dev-installed

# Links in emails (reminders, password resets) follow the port given: make run PORT=8080.
run: export JEJARING_SITE_URL ?= http://$(HOST):$(PORT)
run: export JEJARING_STATIC_COLLECTED = 1
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --quiet
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@$(BIN)/python manage.py run_demo --host $(HOST) --port $(PORT)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core accounts notifications audit casework referrals network learning config
	$(BIN)/lint-imports

# Without DATABASE_URL the suite runs on SQLite and leaves out the tests that need PostgreSQL.
test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(if $(DATABASE_URL),,-m "not postgres") $(PYTEST_ARGS)

# The suite on SQLite whatever DATABASE_URL says, without the browser and PostgreSQL-only tests (CI's second run).
test-sqlite: setup-dev
	DATABASE_URL= $(BIN)/pytest -m "not browser and not postgres" $(PYTEST_ARGS)

messages: setup-dev
	$(BIN)/python manage.py makemessages --locale id --locale en --ignore ".venv/*" --ignore "var/*" --ignore "bench/*" --ignore "tests/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

# Trim Bootstrap to the classes the pages use (PurgeCSS from the npm registry; needs node and npm). The result,
# static/vendor/bootstrap/bootstrap.purged.min.css, is committed: tests/test_purged_css.py fails when it is stale.
css:
	npx --yes purgecss@6.0.0 --config purgecss.config.cjs

bench: setup-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
