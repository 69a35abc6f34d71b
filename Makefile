# `make play` and `make test` each set everything up from nothing (a .venv in this folder) and run.
# Everything is installed from the lock files in requirements/ (exact versions and hashes), so a clone made
# next year installs what CI tested today. `make upgrade` re-resolves them; see README.md, "Developing".
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input --quiet
PLAY_STAMP := $(VENV)/.play-installed
WEB_STAMP := $(VENV)/.web-installed
DEV_STAMP := $(VENV)/.dev-installed
UV := $(BIN)/uv
LOCK_OPTIONS := --universal --generate-hashes --python-version 3.11 --custom-compile-command "make upgrade" --quiet

.PHONY: play serve test check lint format typecheck test-latest test-oldest upgrade mutate validate bench bench-search bench-journal fuzz clean i18n

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Escape Lines needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)

# What playing needs, and nothing else: the game's dependencies and the build backend that installs it.
$(PLAY_STAMP): requirements/play.txt pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes --no-deps -r requirements/play.txt
	$(PIP) install --no-deps --no-build-isolation --editable .
	@touch $@

# Playing in a browser (escape serve) adds textual-serve and the web server under it.
$(WEB_STAMP): requirements/web.txt $(PLAY_STAMP)
	$(PIP) install --require-hashes --no-deps -r requirements/web.txt
	@touch $@

# The developer tools on top (tests, lint, types, mutation testing, uv for the lock).
$(DEV_STAMP): requirements/dev.txt $(PLAY_STAMP)
	$(PIP) install --require-hashes --no-deps -r requirements/dev.txt
	@touch $@

play: $(PLAY_STAMP)
	$(BIN)/escape

# The game in a browser on this machine: http://127.0.0.1:8000 (make serve HOST=0.0.0.0 PORT=N to change: on the
# command line only, never from the environment; see README).
HOST := 127.0.0.1
PORT := 8000
serve: $(WEB_STAMP)
	$(BIN)/escape serve --host $(HOST) --port $(PORT)

# Every check CI runs (.ci/run calls this).
test: $(DEV_STAMP)
	$(MAKE) --no-print-directory lint
	FUZZ_SEED=$${FUZZ_SEED:-1} $(BIN)/python -m pytest -n auto --dist loadscope

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Drift as a signal: the suite against the newest versions pyproject.toml allows, and against its lowest bounds.
# Each builds a scratch venv (.venv-latest, .venv-oldest); the lock and .venv are untouched.
test-latest: $(DEV_STAMP)
	rm -rf .venv-latest && $(PYTHON) -m venv .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --upgrade --group dev --editable .
	FUZZ_SEED=$${FUZZ_SEED:-1} .venv-latest/bin/python -m pytest -p no:cacheprovider

test-oldest: $(DEV_STAMP)
	rm -rf .venv-oldest && $(PYTHON) -m venv .venv-oldest
	$(UV) pip install --quiet --python .venv-oldest/bin/python --resolution lowest-direct --group dev --editable .
	FUZZ_SEED=$${FUZZ_SEED:-1} .venv-oldest/bin/python -m pytest -p no:cacheprovider

# Re-resolve the lock files to the newest versions pyproject.toml allows (then run make test-latest, make test).
upgrade: $(DEV_STAMP)
	$(UV) pip compile pyproject.toml --group dev --extra web $(LOCK_OPTIONS) --upgrade -o requirements/dev.txt
	$(UV) pip compile pyproject.toml --group build $(LOCK_OPTIONS) -c requirements/dev.txt -o requirements/play.txt
	$(UV) pip compile pyproject.toml --group build --extra web $(LOCK_OPTIONS) -c requirements/dev.txt -o requirements/web.txt
	@echo "Lock files updated: review 'git diff requirements/', then run make test."

# Mutation testing of the engine, run state, expression language and save reader (see benchmarks/mutation.md).
mutate: $(DEV_STAMP)
	$(BIN)/python benchmarks/mutation.py

# The interface's messages: extract them from the code into the template, and bring each language's catalog
# up to date (new messages untranslated, removed ones dropped); then translate in game/i18n/locale/*/LC_MESSAGES/.
I18N := game/i18n/locale
i18n: $(DEV_STAMP)
	$(BIN)/pybabel -q extract --no-wrap --sort-by-file --project "Escape Lines" --copyright-holder "Escape Lines" \
		-k N_ -k pgettext:1c,2 -o $(I18N)/escape.pot game
	$(BIN)/pybabel -q update --no-wrap --no-fuzzy-matching --ignore-obsolete -D escape -i $(I18N)/escape.pot -d $(I18N)

validate: $(PLAY_STAMP)
	$(BIN)/escape validate --strict

# Escape Lines side by side with inkjs (pinned in benchmarks/ink); without node and npm, Escape Lines alone.
bench-search: $(DEV_STAMP)
	$(BIN)/python benchmarks/search_bench.py

# How long the journal takes to open and to search for a 60-scene run (benchmarks/journal.md).
bench-journal: $(DEV_STAMP)
	$(BIN)/python benchmarks/journal_bench.py

bench: $(DEV_STAMP)
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
		npm ci --prefix benchmarks/ink --no-audit --no-fund --silent \
			|| echo "bench: npm ci failed in benchmarks/ink: measuring Escape Lines alone" >&2; \
	else echo "bench: node or npm is not installed: measuring Escape Lines alone" >&2; fi
	$(BIN)/python benchmarks/bench.py

fuzz: $(DEV_STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-5000} FUZZ_REPORT=fuzz-report.json $(BIN)/python -m pytest tests/test_fuzz.py tests/test_property.py tests/test_fuzz_arguments.py -q
	@cat fuzz-report.json

clean:
	rm -rf $(VENV) .venv-latest .venv-oldest build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis mutants
