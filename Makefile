# Orderflow: the two set-up commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
ORDERS ?= 2000
ARGS ?=

.PHONY: install run test lint unit bench schemas stop clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## Run the system: local Kafka broker and all five services on SQLite (Ctrl-C stops them).
run: install
	bash deploy/run-local.sh

## Run every check and the whole test suite against real Kafka and PostgreSQL.
test: install lint
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared services tests

unit: install
	$(VENV)/bin/pytest tests/unit

## Push ORDERS orders through the pipeline and two baselines (batched raw Kafka chain; the same
## with inbox and outbox rows in PostgreSQL) on durable PostgreSQL; prints a table, writes JSON.
## ARGS adds options, e.g. ARGS="--rate 50" or ARGS="--replicas 2". Not while tests run.
bench: install
	$(PY) -m tests.bench --orders $(ORDERS) $(ARGS)

## Rewrite the committed JSON Schemas and the AsyncAPI document from the contract models.
schemas: install
	$(PY) -m shared.contracts.schemas
	$(PY) -m shared.contracts.asyncapi

## Stop the local broker and database started by run, test or bench.
stop:
	bash deploy/kafka.sh stop || true
	bash deploy/postgres.sh stop || true

## Stop them and delete their state too (the PostgreSQL cluster may live outside .local).
clean:
	bash deploy/kafka.sh reset || true
	bash deploy/postgres.sh reset || true
	rm -rf .local data bench-results
