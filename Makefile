# The one place where the project's commands live.
#   make run    set everything up and serve the demo portal at http://127.0.0.1:8000
#   make test   set everything up and run the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEPS_STAMP := $(VENV)/.deps-installed
VNU_VERSION := 26.9.27
VNU_INTEGRITY := sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA==
VNU_JAR := $(VENV)/vnu-$(VNU_VERSION)/vnu.jar
JOBS_EVERY := 60
# make run PORT=8001 when 8000 is taken.
PORT ?= 8000

# Install a Debian/Ubuntu package when a check fails: with apt-get as root,
# otherwise by telling the user the one command to run.
#   $(call need,<check command>,<apt package>,<what it is for>)
define need
	@if ! ( $(1) ) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing $(2) ($(3)) with apt-get …"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q --no-install-recommends $(2) >/dev/null 2>&1 \
	      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $(2) >/dev/null; } \
	      || { echo "Could not install $(2); please run: sudo apt-get install $(2)"; exit 1; }; \
	  else \
	    echo "Missing $(3). Please run: sudo apt-get install $(2)"; exit 1; \
	  fi; \
	fi
endef

.PHONY: help messages backup restore run test deps system-deps test-system-deps migrate demo jobs serve lint format check-migrations db-stop bench

help:
	@echo "make run    - install what is missing, load the demo community and serve http://127.0.0.1:8000 (PORT=8001 for another port)"
	@echo "make test   - install what is missing and run the whole test suite"
	@echo "make lint   - ruff check and format check"
	@echo "make backup - write a backup (database and media) to .data/backups/"
	@echo "make restore FILE=… - bring a backup back (replaces database and media)"
	@echo "make db-stop - stop the embedded PostgreSQL server"
	@echo "make bench  - seed a city-sized database once, load every page with wrk, print the table (RESEED=1 to seed again)"

# --- Set-up -------------------------------------------------------------------
system-deps:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is missing. Please run: sudo apt-get install python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed. Please run: sudo apt-get install python3.11"; exit 1; }
	$(call need,$(PYTHON) -c 'import ensurepip',python3-venv,the Python venv module)

test-system-deps: system-deps
	$(call need,test -x "$${CHROMIUM:-/usr/bin/chromium}",chromium,the Chromium browser for browser tests)
	$(call need,fc-list :lang=zh | grep -q .,fonts-noto-cjk,a Chinese font for headless Chromium)
	$(call need,command -v java,default-jre-headless,a Java runtime for the HTML checker)
	$(call need,command -v redis-server,redis-server,Redis for the tests of Redis failing)

$(DEPS_STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

deps: system-deps $(DEPS_STAMP)

$(VNU_JAR): | $(DEPS_STAMP)
	$(PY) tests/tools/fetch_vnu.py $(VNU_VERSION) $(VNU_INTEGRITY) $@

migrate: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py load_demo

# --- The two commands ----------------------------------------------------------
run: demo
	@echo "Periodic jobs run every $(JOBS_EVERY) s beside the server (manage.py run_jobs)."
	@$(PY) manage.py run_jobs --loop $(JOBS_EVERY) & jobs_pid=$$!; \
	  trap 'kill $$jobs_pid 2>/dev/null' EXIT INT TERM; \
	  echo "Serving the portal at http://127.0.0.1:$(PORT) (Ctrl+C stops it)"; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: deps test-system-deps $(VNU_JAR) check-migrations lint
	VNU_JAR=$(VNU_JAR) $(PY) -m pytest -n 2 --dist loadgroup --junitxml=test-results/junit.xml $(PYTEST_ARGS)

# --- Benchmark (issue #9): see bench/ and README, "Benchmark" ------------------------
BENCH_DIR := $(or $(DATA_DIR),.data)/bench
BENCH_ENV := $(BENCH_DIR)/env.sh
BENCH_PORT ?= 8765
BENCH_SECONDS ?= 10
BENCH_SIZES ?= city
# Every step runs with the benchmark's production settings and database (bench/environment.py writes them).
WITH_BENCH_ENV := set -a && . $(BENCH_ENV) && set +a &&

bench: deps
	$(call need,command -v wrk,wrk,the wrk HTTP load generator)
	$(PY) -m bench.environment $(BENCH_ENV) $(if $(RESEED),--reseed)
	$(WITH_BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(WITH_BENCH_ENV) $(PY) manage.py createcachetable
	$(WITH_BENCH_ENV) $(PY) manage.py bench_seed --sizes $(BENCH_SIZES)
	$(WITH_BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(WITH_BENCH_ENV) $(PY) manage.py run_jobs
	$(WITH_BENCH_ENV) $(PY) manage.py bench_run --port $(BENCH_PORT) --seconds $(BENCH_SECONDS) $(if $(BENCH_ONLY),--only "$(BENCH_ONLY)")

# --- Everyday tools --------------------------------------------------------------
check-migrations: deps
	$(PY) manage.py makemigrations --check --dry-run

lint: deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: deps
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages:
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/djangojs.mo locale/zh_Hans/LC_MESSAGES/djangojs.po

jobs: deps
	$(PY) manage.py run_jobs

backup: deps
	$(PY) manage.py backup

restore: deps
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=.data/backups/community-YYYYmmdd-HHMMSS.tar.gz [YES=1]"; exit 1; }
	$(PY) manage.py restore "$(FILE)" $(if $(YES),--yes)

db-stop:
	@if [ -f .data/pg/postmaster.pid ]; then \
	  $(PY) -c 'from pgserver._commands import pg_ctl; import os; pg_ctl(["-w", "stop"], pgdata=".data/pg", user="pgserver" if os.geteuid() == 0 else None)' && echo "Embedded PostgreSQL stopped."; \
	else echo "Embedded PostgreSQL is not running."; fi
