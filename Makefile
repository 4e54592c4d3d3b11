# OpenCERS developer commands. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUN_VERSION := 1.4.5
PORT ?= 3000

export CERS_ENV ?= development
export CERS_BASE_URL ?= http://localhost:$(PORT)
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export REFLEX_USE_SYSTEM_BUN := 1
export NPM_CONFIG_REGISTRY ?= https://registry.npmjs.org/
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)

.PHONY: help setup setup-dev system-packages db run test test-unit test-e2e demo-video lint bench bench-load bench-scale migration clean security-report

help:
	@echo "make run        set up, migrate, load demo data and serve on http://localhost:$(PORT)"
	@echo "make test       set up (with dev tools, chromium, poppler) and run the whole suite"
	@echo "make demo-video re-record the Help page's demo video (assets/video/)"
	@echo "make lint       ruff"
	@echo "make security-report  the security suites with a table of cases per suite"
	@echo "make bench      benchmarks (ratios against a yardstick measured in the same run)"
	@echo "make bench-load simulated users over websockets: 1 vs 2 workers, SQLite/PostgreSQL/Redis"
	@echo "make bench-scale statewide dataset on PostgreSQL: search, queue, inventory p95 (SCALE=0.1)"
	@echo "make migration m='what changed'   generate an Alembic revision to review"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e .
	@touch $@

# chemicals (PyPI, MIT) ships the PubChem-derived identifier tables and the CRC and safety tables
# the chemical library is seeded from. Pinned here (one place; the seed records the version it
# loaded) and installed WITHOUT its dependencies: the seed reads its data files with the csv
# module and never imports it, so numpy/scipy/pandas are never needed.
CHEMICALS_VERSION := 1.5.2

$(VENV)/.chemicals-$(CHEMICALS_VERSION): $(VENV)/.installed
	$(BIN)/pip install -q --no-deps chemicals==$(CHEMICALS_VERSION)
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

.tools/node_modules/.bin/bun:
	npm install --prefix .tools --no-save --no-audit --no-fund bun@$(BUN_VERSION)
	@.tools/node_modules/.bin/bun --version >/dev/null 2>&1 || node .tools/node_modules/bun/install.js
	@.tools/node_modules/.bin/bun --version

setup: $(VENV)/.installed $(VENV)/.chemicals-$(CHEMICALS_VERSION) .tools/node_modules/.bin/bun

setup-dev: setup $(VENV)/.installed-dev system-packages

# Debian's chromium (browser tests), poppler-utils (PDF checks) and ffmpeg (Playwright records
# the Help page's demo video with it); installed when missing and root.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing$$missing with apt-get"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing$$missing: install them (sudo apt-get install$$missing) for the browser tests"; \
	  fi; \
	fi

db: setup
	$(BIN)/python -m cers_app migrate
	$(BIN)/python -m cers_app chemicals seed
	$(BIN)/python -m cers_app seed-demo

run: db
	@echo ""
	@echo "OpenCERS is starting on $(CERS_BASE_URL)  (first start builds the frontend: about a minute)"
	@echo "Mail is written to data/outbox/ and listed at $(CERS_BASE_URL)/dev/outbox"
	@echo ""
	$(BIN)/reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

test: setup-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 tests/unit tests/state tests/security
	$(BIN)/python -m pytest tests/e2e

test-unit: setup-dev
	$(BIN)/python -m pytest -n 2 tests/unit tests/state tests/security

test-e2e: setup-dev
	$(BIN)/python -m pytest tests/e2e

# Re-record the Help page's demo video from its browser journey (commit the new file).
demo-video: setup-dev
	CERS_DEMO_VIDEO_OUT=$(CURDIR)/assets/video/getting-started.webm \
		$(BIN)/python -m pytest tests/e2e/test_demo_video.py -k record

# The security suites with a table of cases tried, refused, allowed, leaked and crashed per suite.
security-report: setup-dev
	rm -rf build/security-report
	CERS_SECURITY_REPORT=$(CURDIR)/build/security-report $(BIN)/python -m pytest -q -n 2 tests/security \
		tests/unit/core/test_audit_chain.py tests/unit/core/test_audit_hook.py tests/unit/concurrency
	@echo ""
	@$(BIN)/python -m tests.security.report build/security-report

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check cers_app tests bench

bench: setup-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/chemical_search.py
	$(BIN)/python bench/inventory.py
	$(BIN)/python bench/inventory_page_state.py
	$(BIN)/python bench/inventory_import.py

# Simulated users over real websockets: 1 worker on SQLite, 1 on PostgreSQL, 2 on PostgreSQL +
# Redis, and 1 on PostgreSQL + Redis (needs both at 127.0.0.1); about 8 minutes, so not part of
# `make bench`.
bench-load: setup-dev
	$(BIN)/python bench/load.py

# A synthetic statewide dataset (150,000 facilities, 3,000,000 inventory rows, 400,000
# submittals) in its own PostgreSQL database `bench_scale` at 127.0.0.1 (reused when present),
# then facility search, review queue and inventory page timings; opt-in, not in `make bench`.
# Smaller: make bench-scale SCALE=0.1
bench-scale: setup-dev
	$(BIN)/python bench/scale.py --scale $(or $(SCALE),1)

migration: setup
	$(BIN)/alembic revision --autogenerate -m "$(m)"

clean:
	rm -rf .web .states data/outbox
