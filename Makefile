# Two commands do everything on a fresh machine with Python 3.11: `make run`, `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test setup install translations lint format messages clean bench bench-pdf backup restore

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (set PYTHON=... to use another)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Compiled with Babel (a Python package) so that no system gettext is needed.
translations: $(STAMP)
	$(BIN)/pybabel compile --domain django --directory locale --statistics

setup: install translations

run: setup
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	@echo "Serving http://127.0.0.1:8000 (Ctrl+C stops it)."
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

test: setup
	$(BIN)/ruff check .
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Pages on the demo and the large cluster against gunicorn and PostgreSQL, then 20 users
# of load (not a test: figures depend on the machine). Needs PostgreSQL on 127.0.0.1.
bench: setup
	tests/bench/run_pages.sh

# The dossier of a large cluster against WeasyPrint's plain-text floor (not a test:
# figures depend on the machine). Builds its own SQLite database of the large demo.
BENCH_DB ?= /tmp/clusters-bench.sqlite3
bench-pdf: setup
	rm -f $(BENCH_DB)
	DEBUG=1 DATABASE_URL=sqlite:///$(BENCH_DB) MEDIA_ROOT=/tmp/clusters-bench-media $(BIN)/python manage.py migrate --no-input -v0
	DEBUG=1 DATABASE_URL=sqlite:///$(BENCH_DB) MEDIA_ROOT=/tmp/clusters-bench-media $(BIN)/python manage.py seed_demo --large
	DEBUG=1 DATABASE_URL=sqlite:///$(BENCH_DB) MEDIA_ROOT=/tmp/clusters-bench-media $(BIN)/python tests/bench/bench_pdf.py

# The database (pg_dump, or SQLite's online backup) and the media files, into backups/.
# make restore BACKUP=backups/20261127-101500 replaces both with a backup's.
backup: setup
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py backup $(if $(BACKUP),--to $(BACKUP))

# Asks before replacing anything when run at a terminal; YES=1 answers for scripts (any
# other value, YES=0 included, does not).
restore: setup
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=backups/<folder>"; exit 1; }
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py restore $(BACKUP) $(if $(filter 1 yes,$(YES)),--yes)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs GNU gettext (xgettext) on the developer's machine.
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages --locale ca --locale es --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(MAKE) translations

clean:
	rm -rf $(VENV) staticfiles
