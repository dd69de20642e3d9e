# Parliament Tracker: developer commands. `make help` lists them.
#
# Everything runs from a virtual environment in .venv, made on first use. Dependencies are
# (re)installed only when setup.cfg or pyproject.toml changed since the last install.

SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 5000
# Extra arguments: `make test PYTEST_ARGS='-k browser -x'`, `make run RUN_ARGS=--debug`.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
RUN_ARGS ?=
BENCH ?=
BENCH_ARGS ?=

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := parliament_tracker/translations
POT := $(TRANSLATIONS)/messages.pot
LOCALES ?= nl
DEMO_USERS := registrar drafter director signer admin viewer archivist
DEMO_PASSWORD := demo-wachtwoord

.DEFAULT_GOAL := help
.PHONY: help install run db test lint scheduler translations bench clean

help: ## Show this list of commands
	@echo "Parliament Tracker: make <target>"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: PYTHON=$(PYTHON) VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) PYTEST_WORKERS=$(PYTEST_WORKERS) PYTEST_ARGS=... RUN_ARGS=..."

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(STAMP) ## Create .venv and install the app with its test extras (only when setup.cfg changed)

db: $(STAMP) ## Migrate the database (flask db upgrade) and load the demo data (idempotent)
	@mkdir -p instance
	@# A random SECRET_KEY for this checkout, made once (the app refuses to start without one).
	@test -s instance/secret_key || (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key)
	$(FLASK) db upgrade
	$(FLASK) demo load

run: db ## Set up everything, then serve the web app (default http://127.0.0.1:5000) and the scheduler (Ctrl-C stops both)
	@echo
	@echo "Parliament Tracker on http://$(HOST):$(PORT)/"
	@echo "Demo logins (password '$(DEMO_PASSWORD)'): $(DEMO_USERS)"
	@echo
	@export PARLIAMENT_TRACKER_SESSION_COOKIE_SECURE=false PARLIAMENT_TRACKER_REMEMBER_COOKIE_SECURE=false; \
	pids=""; \
	stop() { trap - INT TERM EXIT; if [ -n "$$pids" ]; then kill $$pids 2>/dev/null; wait $$pids 2>/dev/null; fi; }; \
	trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM; trap stop EXIT; \
	$(FLASK) run --host $(HOST) --port $(PORT) $(RUN_ARGS) & pids="$$!"; \
	if $(FLASK) scheduler --help >/dev/null 2>&1; then \
		echo "Starting the scheduler: flask --app wsgi scheduler run"; \
		$(FLASK) scheduler run & pids="$$pids $$!"; \
	else \
		echo "(No 'flask scheduler' command in this version: serving the web app only.)"; \
	fi; \
	wait -n; status=$$?; \
	echo "A process stopped (exit $$status); stopping the others."; \
	exit $$status

scheduler: db ## Run only the scheduler process (flask --app wsgi scheduler run), when the app has one
	@if $(FLASK) scheduler --help >/dev/null 2>&1; then \
		exec $(FLASK) scheduler run; \
	else \
		echo "This version has no 'flask scheduler' command yet."; exit 1; \
	fi

test: $(STAMP) ## Run the whole test suite, browser tests included (TEST_DATABASE_URL=postgresql://... for PostgreSQL)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP) ## Check the code: ruff, mypy (setup.cfg's [mypy]) and the package import contract
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -p no:xdist -q -o addopts= tests/unit/test_import_contract.py

translations: $(STAMP) ## Extract, update and compile message catalogues (needs babel.cfg)
	@if [ ! -f babel.cfg ]; then echo "No babel.cfg: nothing to translate yet."; exit 0; fi; \
	set -e; \
	mkdir -p $(TRANSLATIONS); \
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output --no-wrap --project "Parliament Tracker" -o $(POT) . ; \
	for locale in $(LOCALES); do \
		if [ -f $(TRANSLATIONS)/$$locale/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --ignore-obsolete --no-wrap -i $(POT) -d $(TRANSLATIONS) -l $$locale; \
		else \
			$(BIN)/pybabel init -i $(POT) -d $(TRANSLATIONS) -l $$locale; \
		fi; \
	done; \
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

bench: $(STAMP) ## Run the benchmarks bench/bench_*.py (or BENCH=bench/bench_rules.py); output kept in bench/results/
	@mkdir -p bench/results
	@set -o pipefail; shopt -s nullglob; scripts=($(or $(BENCH),bench/bench_*.py)); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "No benchmarks in bench/."; exit 0; fi; \
	for script in "$${scripts[@]}"; do \
		name=$$(basename "$$script" .py); \
		echo "== $$script (output also in bench/results/$$name.txt)"; \
		$(BIN)/python "$$script" $(BENCH_ARGS) 2>&1 | tee "bench/results/$$name.txt" || exit $$?; \
	done

clean: ## Remove .venv, caches and build output (keeps instance/ and its database)
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
