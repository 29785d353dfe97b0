# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    set up, migrate, load demo data, serve on 127.0.0.1:$(PORT) with the jobs worker beside it
#   make test   set up, install the test browser and LibreOffice if needed, run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
# Background jobs: the database worker, or an RQ worker when REDIS_URL is set.
WORKER := $(if $(REDIS_URL),rqworker default,db_worker)
# Our catalogues, and the overrides of Django's and allauth's words (locale/GLOSSARY.md).
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po locale_overrides/*/LC_MESSAGES/django.po)
MO_FILES := $(patsubst %.po,%.mo,$(PO_FILES))

.PHONY: setup run serve worker test lint messages test-tools clean bench

setup: $(STAMP) $(MO_FILES)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Translations are compiled with polib (a pinned dependency), so gettext tools are not needed.
%/LC_MESSAGES/django.mo: %/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/python scripts/compile_messages.py $<

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "  Open http://$(HOST):$(PORT)/  (demo password: demo-2026)"
	@echo "  office staff 13800000001 · team leader 13800000002 · volunteer 13800000003 · resident 13800000005 · grid worker 13800000007"
	@echo "  imported, never signed in: 13800000004 (sign in with a texted code, shown on the page)"
	@echo ""
	@# The worker for background jobs runs beside the server and stops with it (Ctrl+C stops both).
	DEBUG=1 $(BIN)/python manage.py $(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production on this machine: gunicorn (config/gunicorn.py; HOST, PORT, WEB_CONCURRENCY),
# hashed and compressed static files through whitenoise, DEBUG off. Set SECRET_KEY,
# ALLOWED_HOSTS, DATABASE_URL and (behind TLS) HTTPS=1 first; run `make worker` beside it
# for background jobs. README: "Running a city".
serve: setup
	COLLECTED_STATIC=1 $(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py migrate --noinput
	COLLECTED_STATIC=1 $(BIN)/gunicorn -c config/gunicorn.py

worker: setup
	$(BIN)/python manage.py $(WORKER)

# Browser tests drive Debian's chromium and the export test converts a workbook with LibreOffice;
# as root on Debian both are installed when missing (CI runs as root). Without root a missing
# chromium is an error, a missing LibreOffice only skips its one test.
TEST_PACKAGES := chromium fonts-wqy-microhei libreoffice-calc-nogui

test-tools:
	@if command -v chromium >/dev/null 2>&1 && command -v soffice >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get install -y --no-install-recommends $(TEST_PACKAGES) \
	  || (apt-get update && apt-get install -y --no-install-recommends $(TEST_PACKAGES)); \
	elif ! command -v chromium >/dev/null 2>&1; then \
	  echo "chromium is missing: install Debian's chromium package" >&2; exit 1; \
	else echo "LibreOffice (soffice) is missing: its export test will be skipped" >&2; fi

test: setup test-tools
	$(BIN)/python -m ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(BIN)/python -m ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m ruff format --check .

# Every benchmark, and benchmarks/RESULTS.md from their figures (benchmarks/run_all.py; the
# PostgreSQL ones when a server answers on 127.0.0.1:5432). Full size takes about half an
# hour; QUICK=1 runs the same small, for CI, into an uncommitted RESULTS-quick.md.
bench: setup
	$(BIN)/python benchmarks/run_all.py $(if $(QUICK),--quick --output benchmarks/RESULTS-quick.md)

# Refresh the message catalogues after changing translatable strings.
messages: setup
	$(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore '$(VENV)/*' --no-obsolete
	$(BIN)/python scripts/compile_messages.py $(PO_FILES)

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache
