# Kuroko — front door. `make demo` runs the product with demo data; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python >= 3.12 already on the machine is used as is; without one, uv obtains a managed Python
# (this needs network access to python-build-standalone, as uv's own documentation describes).
PYTHON := $(shell scripts/find-python 2>/dev/null)
ifneq ($(PYTHON),)
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
endif
# uv is used from PATH if present, otherwise installed once into .tools/ with any python3.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PROJECT_ENVIRONMENT := .venv
VENV := .venv
RUN := $(VENV)/bin
DATA_DIR ?= $(CURDIR)/var
# The suites run on every CPU (pytest-xdist); TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= auto

.PHONY: help env demo test lint check-arch typecheck test-sqlite test-postgres test-browser bench messages screenshots clean

help:
	@echo "make demo   - run Kuroko with demo data on http://127.0.0.1:8000 (SQLite in ./var)"
	@echo "make test   - lint, type and architecture checks, tests on SQLite and PostgreSQL, browser tests"
	@echo "make bench  - benchmarks (print figures)"

.tools/bin/uv:
	$(or $(PYTHON),python3) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-extras
	@touch $@

env: $(VENV)/.synced

demo: env
	KUROKO_DATA_DIR=$(DATA_DIR) $(RUN)/kuroko demo

lint: env
	$(RUN)/ruff check src tests bench
	$(RUN)/ruff format --check src tests bench

check-arch: env
	$(RUN)/lint-imports

typecheck: env
	KUROKO_TESTING=1 $(RUN)/mypy

messages: env
	cd src/kuroko && ../../$(RUN)/django-admin compilemessages --settings=kuroko.settings --ignore=.venv

test-sqlite: env
	$(RUN)/pytest -m "not browser" -q -n $(TEST_WORKERS)

test-postgres: env
	scripts/with-postgres $(RUN)/pytest -m "not browser" -q -n $(TEST_WORKERS)

test-browser: env
	$(RUN)/pytest -m browser -q

test: lint check-arch typecheck test-sqlite test-postgres test-browser

bench: env
	$(RUN)/python bench/bench_risk.py
	$(RUN)/python bench/bench_foundation.py
	$(RUN)/python bench/bench_load.py
	$(RUN)/python bench/bench_leveling_app.py
	$(RUN)/python bench/bench_tracking.py
	$(RUN)/python bench/bench_tracking.py --postgres
	$(RUN)/python bench/bench_audit.py
	$(RUN)/python bench/bench_status_reports.py
	$(RUN)/python bench/bench_exports.py
	$(RUN)/python bench/bench_dashboard.py

clean:
	rm -rf .venv .tools var build
