# Packline: the only entry points a newcomer needs. Needs python3 (3.11+) and make; the rest
# (uv, then every dependency from uv.lock) is installed into .tools/ and .venv/ on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
PACKAGES := $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)

.PHONY: install demo up test test-unit test-e2e lint format bench schemas asyncapi clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) uv.lock pyproject.toml $(PACKAGES)
	$(UV) sync --locked --all-packages
	@touch $@

install: $(VENV)/.synced

demo: install ## the whole pipeline on the embedded broker and PostgreSQL; ONCE=1 exits when settled
	$(VENV)/bin/packline demo $(if $(ONCE),--once) $(if $(ORDERS),--orders $(ORDERS))

up: install ## run every service until Ctrl-C
	$(VENV)/bin/packline up

test: install lint ## lint, unit, integration (embedded PostgreSQL) and end-to-end (embedded broker)
	$(PY) -m pytest -q -p no:cacheprovider

test-unit: install
	$(PY) -m pytest -q -m "not e2e" libs services/*/tests/unit

test-e2e: install
	$(PY) -m pytest -q -m e2e tests/e2e

lint: install ## formatting, lint rules, import boundaries, types
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

schemas: install ## write JSON Schemas for new event versions
	$(PY) -m packline_contracts.schema_files

asyncapi: install ## regenerate docs/asyncapi/ from the services' FastStream brokers
	@for s in collector matcher bundler allocator waybill shipper; do \
		$(PY) -m packline_$$s asyncapi > docs/asyncapi/$$s.json && echo "wrote docs/asyncapi/$$s.json"; \
	done

bench: install
	$(PY) tests/bench/pipeline.py $(if $(ORDERS),--orders $(ORDERS))

clean:
	rm -rf $(VENV) $(TOOLS) .packline
