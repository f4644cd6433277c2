# civic-letters: `make run` serves the app, `make test` runs every check. Both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# PORT, WORKERS and THREADS as `make PORT=8000 run` or the environment gives them, else as .env
# does (the app reads PORT from it for the links in its emails: both must agree), else below.
DOTENV = $(strip $(shell sed -n -E 's/^[[:space:]]*(export[[:space:]]+)?$(1)[[:space:]]*=//p' \
	.env 2>/dev/null | sed -E 's/[[:space:]]+\#.*//' | tr -d "\"' " | tail -n 1))
PORT ?= $(or $(call DOTENV,PORT),5000)
# One gunicorn worker a core: each takes its fair share of the connections (webapp/fair_accept.py)
# and its threads wait on upstreams, so more processes than cores only take turns at the cores.
WORKERS ?= $(or $(call DOTENV,WORKERS),$(shell nproc 2>/dev/null || echo 2))
THREADS ?= $(or $(call DOTENV,THREADS),16)
# Two layers: what the app needs to run (`make run`, `make serve`), and on top of it the test,
# lint and bench tools (`make test`, `make bench`), so a server's environment holds no test kit.
STAMP := $(VENV)/.runtime-stamp
DEV_STAMP := $(VENV)/.dev-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export FLASK_APP := app

.PHONY: help install install-dev system-deps bench-deps run serve test lint format bench clean translations pot

help:
	@echo "make run     serve on http://127.0.0.1:$(PORT) (SQLite under instance/)"
	@echo "make serve   the same under gunicorn ($(WORKERS) workers x $(THREADS) threads)"
	@echo "make test    install everything, then ruff, mypy and pytest (SQLite + PostgreSQL)"
	@echo "make lint    ruff check and format check; make format rewrites"
	@echo "make bench   run the benchmarks in bench/ (BENCH=\"civic_lookup widget_size\" to pick)"
	@echo "make translations  extract strings, update every catalog, compile them"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(DEV_STAMP)

# Interface translations: the .po catalogs are committed, the compiled .mo files are built here
# (install compiles them, so run, serve and test always have them).
TRANSLATIONS := webapp/translations
POT ?= $(TRANSLATIONS)/messages.pot
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

install: $(STAMP) $(MO_FILES)

install-dev: install $(DEV_STAMP)

# The strings as the source has them now (the catalog test extracts the same way).
pot: $(STAMP)
	mkdir -p $(dir $(POT))
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k counted:1,2 --add-location=file --sort-by-file --no-wrap \
		-o $(POT) webapp templates

# One command after changing strings: extract, merge into each language, compile.
translations: pot
	$(BIN)/pybabel update -i $(POT) -d $(TRANSLATIONS) --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

# Debian packages the test suite drives for real: PostgreSQL, headless Chromium, npm (axe-core),
# and for PDF packets fonts that cover Latin and Arabic (WeasyPrint shapes through Pango, which
# needs an Arabic font on the system) plus poppler-utils (pdftotext, pdftoppm) to check them.
PDF_FONTS := fonts-dejavu-core fonts-hosny-amiri
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v chromium >/dev/null \
			|| ! command -v npm >/dev/null || ! command -v pdftotext >/dev/null \
			|| ! fc-list :lang=ar family | grep -q Amiri \
			|| ! fc-list : family | grep -q "DejaVu Sans"; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql chromium \
			poppler-utils $(PDF_FONTS) $$(command -v npm >/dev/null || echo nodejs npm); \
	fi

# The outbox worker runs beside the web process and stops with it. `serve` uses threaded
# workers (gunicorn.conf.py): a request waiting on an upstream holds a thread, not a process.
run: install
	$(BIN)/python -m webapp.bootstrap
	$(BIN)/flask outbox work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

serve: install
	$(BIN)/python -m webapp.bootstrap
	$(BIN)/flask outbox work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
			--threads $(THREADS) --access-logfile - app:app

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# axe-core (accessibility checks injected by the browser tests), from the npm registry.
AXE := node_modules/axe-core/axe.min.js
$(AXE):
	npm install --no-save --no-audit --no-fund axe-core@4

test: install-dev bench-deps $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy webapp
	# The 25 slowest tests are listed at the end: the suite is meant to stay under 15 minutes.
	$(BIN)/pytest -n 2 --dist loadgroup --durations=25

# The load benchmark drives the app with wrk and runs once with the rate limits in Redis
# (Debian packages wrk and redis-server; bench.load starts its own redis-server);
# bench.letter_instructions counts a letter's instructions under valgrind's callgrind (vgdb).
bench-deps: system-deps
	@if ! command -v wrk >/dev/null || ! command -v redis-server >/dev/null \
			|| ! command -v vgdb >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk redis-server valgrind; \
	fi

bench: install-dev bench-deps
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
