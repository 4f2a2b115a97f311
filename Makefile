# Bangfu Market: `make run` serves the demo shop, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
THREADS ?= 4
PYTEST_ARGS ?=
# `make bench BENCH_ARGS="--quick --database-url postgresql+psycopg://…"` (that database is emptied: make one for it).
BENCH_ARGS ?=
# Test processes (pytest-xdist); each has its own database.
PYTEST_WORKERS ?= 2
# Without STRIPE_SECRET_KEY, `make run` pays through localstripe on this port (loopback only).
STRIPE_PORT ?= 8420
DEMO_STRIPE = STRIPE_SECRET_KEY=sk_test_demo STRIPE_PUBLISHABLE_KEY=pk_test_demo STRIPE_WEBHOOK_SECRET=whsec_demo \
	STRIPE_API_BASE=http://127.0.0.1:$(STRIPE_PORT) STRIPE_JS_URL=http://127.0.0.1:$(STRIPE_PORT)/js.stripe.com/v3/
DEMO_BANK = BANK_ACCOUNT_NAME="$${BANK_ACCOUNT_NAME:-帮扶集市（演示账户）}" BANK_NAME="$${BANK_NAME:-演示银行湖州分行}" \
	BANK_ACCOUNT_NUMBER="$${BANK_ACCOUNT_NUMBER:-6200 0000 0000 0000 000}"

.PHONY: run test install translations extract-messages update-messages lint bench clean

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[demo,test]'
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are build products, not sources.
translations: install
	$(BIN)/pybabel compile --statistics -d shop/translations

# The job runner (order expiry, refunds, queued mail) runs beside gunicorn and stops with it. With no
# Stripe key configured, a local Stripe-API server (localstripe) runs too, delivering signed webhooks.
run: install translations
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi seed-demo --sales 80
	@echo "Bangfu Market on http://$(HOST):$(PORT)/"
	trap 'kill 0' EXIT; \
	export $(DEMO_BANK); \
	if [ -z "$$STRIPE_SECRET_KEY" ]; then \
	  echo "Payments: localstripe on 127.0.0.1:$(STRIPE_PORT); pay with the test card 4242 4242 4242 4242"; \
	  export $(DEMO_STRIPE); \
	  $(BIN)/python tools/localstripe_server.py --port $(STRIPE_PORT) --quiet --payment-methods card \
	    --webhook-url http://$(HOST):$(PORT)/payments/stripe/webhook --webhook-secret whsec_demo & \
	fi; \
	$(BIN)/flask --app wsgi run-jobs & \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --worker-class gthread --threads $(THREADS) \
	  --access-logfile - wsgi:app

test: install translations
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# flake8 and isort for style, import-linter for DESIGN.md's layers (setup.cfg), module and function sizes.
lint: install
	$(BIN)/flake8 shop tests bench tools wsgi.py
	$(BIN)/isort --check-only --diff shop tests bench tools wsgi.py
	$(BIN)/lint-imports
	$(BIN)/python tools/check_size.py shop
	$(BIN)/mypy

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 \
		--ignore-dirs='.* __pycache__ $(VENV) instance' --no-location --omit-header --sort-output \
		-o shop/translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i shop/translations/messages.pot -d shop/translations --no-fuzzy-matching --width 120

bench: install translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .coverage
