# civic-letters: `make run` serves the app, `make test` runs every check. Both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 4
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export FLASK_APP := app

.PHONY: help install system-deps run serve test lint format bench clean

help:
	@echo "make run     serve on http://127.0.0.1:$(PORT) (SQLite under instance/)"
	@echo "make serve   the same under gunicorn ($(WORKERS) workers)"
	@echo "make test    install everything, then ruff, mypy and pytest (SQLite + PostgreSQL)"
	@echo "make lint    ruff check and format check; make format rewrites"
	@echo "make bench   run the benchmarks in bench/"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the test suite drives for real: a PostgreSQL server and a headless Chromium.
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v chromium >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql chromium; \
	fi

# The outbox worker runs beside the web process and stops with it.
run: install
	$(BIN)/python -m webapp.bootstrap
	$(BIN)/flask outbox work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

serve: install
	$(BIN)/python -m webapp.bootstrap
	$(BIN)/flask outbox work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile - app:app

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/mypy webapp
	$(BIN)/pytest -n 2 --dist loadgroup

bench: install system-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
