# Orderflow: the two set-up commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements-dev.lock | sha1sum | cut -c1-12)
UV := uv==0.13.9
LOCK := --generate-hashes --universal --python-version 3.11 --no-header --quiet
ORDERS ?= 2000
ARGS ?=

.PHONY: install lock run test lint unit bench schemas image image-smoke compose-test stop clean

## Every dependency (and the build backend) from the lock file, each checked by its hash; then
## the project itself, editable, without resolving anything else.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## Rewrite the lock files from pyproject.toml (after changing a pin): requirements.lock for the
## services' image, requirements-dev.lock for development and the tests.
lock:
	test -x .venv-lock/bin/uv || ($(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet $(UV))
	.venv-lock/bin/uv pip compile pyproject.toml deploy/build-system.txt $(LOCK) -o requirements.lock
	.venv-lock/bin/uv pip compile pyproject.toml deploy/build-system.txt --extra dev $(LOCK) -o requirements-dev.lock

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

## Build the services' image with podman from Debian's packages (no Docker, no registry needed):
## a debootstrap base, a python:3.11-slim stand-in, then deploy/Dockerfile unchanged.
image:
	bash deploy/podman/images.sh build

## Run the sales service from that image against the local broker, as its own principal.
image-smoke: install
	bash deploy/podman/images.sh smoke

## docker-compose.yml for real with podman: Kafka (SASL_SSL), PostgreSQL, the five services; an
## order submitted with kcat reaches order.closed while a service container restarts.
compose-test: install
	bash deploy/compose-test.sh

## Stop the local broker and database started by run, test or bench.
stop:
	bash deploy/kafka.sh stop || true
	bash deploy/postgres.sh stop || true

## Stop them and delete their state too (the PostgreSQL cluster may live outside .local).
clean:
	bash deploy/kafka.sh reset || true
	bash deploy/postgres.sh reset || true
	rm -rf .local data bench-results
