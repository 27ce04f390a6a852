# JET Pedidos. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# `make lock` regenerates both lock files from pyproject.toml (pip-compile, with hashes):
# requirements.lock (runtime + dev, for .venv and CI), requirements-prod.lock (the image).
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host

.PHONY: install lock run test lint format bench migrate seed clean

install: $(STAMP)

# Reinstalls only when pyproject.toml or the lock changed, so a second `make install` is
# instant. Exact versions with hashes from the lock, then our own package without deps.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The dev lock is constrained by the production one, so both hold the same versions.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip-tools>=7.5,<8"
	$(PIP_COMPILE) --output-file requirements-prod.lock pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements-prod.lock \
		--output-file requirements.lock pyproject.toml

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# `make run PORT=8001` when 8000 is taken; the links in e-mails follow unless SITE_URL is set.
PORT ?= 8000
run: seed
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Against the local PostgreSQL and Redis unless DATABASE_URL / CELERY_BROKER_URL say otherwise;
# sizes and runs as arguments: make bench BENCH_ARGS="--pages 100000 --runs 5".
bench: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jetorders_bench} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/13} \
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
