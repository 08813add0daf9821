# CareHub — every command the README names is a target here. `make help` lists them.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help install install-test-deps demo test lint typecheck fmt bench bench-simulator loadtest clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/carehub: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/carehub ## create .venv and install CareHub with its development tools

install-test-deps: install ## also install Mosquitto (Debian/Ubuntu) if it is missing
	@command -v mosquitto >/dev/null 2>&1 || { \
	  echo "installing mosquitto and mosquitto-clients (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients >/dev/null; }

demo: install ## run the whole hub on embedded servers with demo homes (Ctrl+C stops)
	$(BIN)/carehub demo

test: install-test-deps ## install what the tests need, then lint, type-check and run every test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest --cov --cov-report=term

lint: install ## ruff format check, ruff lint, import contracts
	$(BIN)/ruff format --check . && $(BIN)/ruff check . && $(BIN)/lint-imports

typecheck: install ## mypy --strict
	$(BIN)/mypy

fmt: install ## format and auto-fix
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: install-test-deps ## ingest benchmark: hub vs broker ceiling, 200,000 QoS 1 messages (prints a JSON line last)
	$(BIN)/python -m bench.ingest

bench-simulator: install-test-deps ## the simulator's own publish rate into Mosquitto, 10,000 homes (JSON line last)
	$(BIN)/python -m bench.simulator

loadtest: install-test-deps ## 10,000 simulated homes for 10 simulated minutes against a whole hub (JSON line last)
	$(BIN)/python -m bench.loadtest --homes 10000 --minutes 10 --speed 10

clean: ## remove the virtualenv, caches and the demo's data
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .carehub
