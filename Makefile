# Two commands on a fresh machine: `make run` (main job, embedded store) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PERSONS ?= 20000

.PHONY: install run test pytest lint bench neo4j clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# The project and its dev tools, at the versions pinned in uv.lock.
install: $(UV)
	$(UV) sync --frozen --all-extras

# The main job on the embedded default store.
run: install
	$(BIN)/registry demo run --city demo-city --store registry-data --persons $(PERSONS)
	$(BIN)/registry serve --store registry-data --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Lint, then the whole suite with a real Neo4j started (and always stopped) around it and
# Debian's Chromium installed for the console's browser tests.
# pytest's exit 5 (no test collected) is a failure, never a success.
test: install lint
	bash scripts/ensure-chromium.sh
	bash scripts/with-neo4j.sh bash scripts/pytest.sh $(PYTEST_ARGS)

# Figures are recorded in benchmarks/README.md; the full set takes about half an hour.
bench: install
	$(BIN)/python benchmarks/normalize.py
	$(BIN)/python benchmarks/ingest.py --persons 100000
	$(BIN)/python benchmarks/resolution.py --persons 20000
	$(BIN)/python benchmarks/incremental_scale.py --persons 300000

# A Neo4j for local exploration, data kept in .neo4j/data; Ctrl-C stops it.
neo4j:
	bash scripts/neo4j-server.sh --data .neo4j/data --port 7687

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
