# Bangfu Market: `make run` serves the demo shop, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run test install translations extract-messages update-messages lint bench clean

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are build products, not sources.
translations: install
	$(BIN)/pybabel compile --statistics -d shop/translations

# The job runner (order expiry, queued mail) runs beside gunicorn and stops with it.
run: install translations
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi seed-demo
	@echo "Bangfu Market on http://$(HOST):$(PORT)/"
	trap 'kill 0' EXIT; \
	$(BIN)/flask --app wsgi run-jobs & \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

test: install translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/flake8 shop tests bench tools wsgi.py
	$(BIN)/isort --check-only --diff shop tests bench tools wsgi.py

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 \
		--ignore-dirs='.* __pycache__ $(VENV) instance' --no-location --omit-header --sort-output \
		-o shop/translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i shop/translations/messages.pot -d shop/translations --no-fuzzy-matching

bench: install translations
	$(BIN)/python bench/catalog.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .coverage
