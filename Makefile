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

.PHONY: install demo up test test-unit test-e2e test-kafka lint format bench schemas asyncapi clean

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

# The Apache Kafka tests (marker `kafka`) need a JDK and Maven; without them they are deselected.
HAVE_JAVA_MVN := $(shell command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1 && echo yes)

HAVE_CHROMIUM := $(shell command -v chromium >/dev/null 2>&1 && echo yes)
HAVE_PROMETHEUS := $(shell command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 && echo yes)
# scripts/test_lanes.py runs the tests in two pytest lanes side by side (unit/integration/API/
# browser/docs, and the end-to-end stacks), each keeping its servers' data under its own
# temporary directory, removed afterwards: another pytest on the same machine (pytest prunes old
# /tmp/pytest-of-<user> directories) cannot delete a database or broker directory under a test.

test: install lint ## lint, unit, integration, end-to-end (embedded broker, and Apache Kafka with java+mvn)
ifneq ($(HAVE_CHROMIUM),yes)
	@echo "chromium not on PATH: SKIPPING the console's browser tests (tests/browser, marker browser)."
	@echo "Install Debian's chromium and fonts-nanum (apt-get install chromium fonts-nanum)."
endif
ifneq ($(HAVE_PROMETHEUS),yes)
	@echo "prometheus/promtool not on PATH: SKIPPING the Prometheus rule checks (tests/ops) and"
	@echo "the Prometheus integration test (tests/e2e/observed/test_prometheus.py). apt-get install prometheus"
endif
ifeq ($(HAVE_JAVA_MVN),yes)
	$(PY) scripts/kafka/kafka.py fetch
	$(PY) scripts/test_lanes.py
else
	@echo "java and/or mvn not on PATH: SKIPPING the Apache Kafka tests (tests/kafka, marker kafka)."
	@echo "Install a JDK 17+ and Maven to run them; see README 'Apache Kafka'."
	$(PY) scripts/test_lanes.py -m "not kafka"
endif

test-unit: install
	$(PY) -m pytest -q -m "not e2e" libs services/*/tests/unit

test-e2e: install
	$(PY) -m pytest -q -m e2e tests/e2e

test-kafka: install ## the Apache Kafka suite: jars from Maven Central (cached), KRaft nodes on loopback
	$(PY) scripts/kafka/kafka.py fetch
	$(PY) -m pytest -q -p no:cacheprovider -m kafka tests/kafka

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

bench: install ## issue 12's benchmark (README "Performance"); QUICK=1: 5,000/10,000 orders, no 100k run
	$(PY) tests/bench/bench.py $(if $(QUICK),--quick) $(if $(ORDERS),--orders $(ORDERS))

clean:
	rm -rf $(VENV) $(TOOLS) .packline
