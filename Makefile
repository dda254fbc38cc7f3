# DueDiligence: `make run` serves the app with demo data, `make test` runs every check.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTHON ?= python3
# Two workers on this 2-core machine; each gets its own test database and Redis db.
PYTEST_ARGS ?= -n 2

.PHONY: run test bench load messages lint format clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e ".[test]"
	touch $@

system-deps:
	scripts/install-system-deps.sh

system-deps-test:
	scripts/install-system-deps.sh --test

run: system-deps $(VENV)/.installed
	scripts/run.sh

test: system-deps-test $(VENV)/.installed-test
	$(PY) manage.py compilemessages -v0 --ignore=$(VENV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: system-deps $(VENV)/.installed-test
	$(PY) -m benchmarks

# gunicorn and a Celery worker on DATABASE_URL / REDIS_URL under a bounded load (~2 min).
load: system-deps $(VENV)/.installed-test
	$(PY) -m benchmarks.load

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l ja -l en --ignore=$(VENV) --ignore=tests --ignore=var
	$(PY) manage.py makemessages -d djangojs -l ja -l en --ignore=$(VENV) --ignore=static/vendor --ignore=var

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/celery var/staticfiles
