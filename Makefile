# Two commands: `make run` and `make test`. Everything else is reachable from them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test install migrate seed lint check bench bench-letters bench-search bench-bus clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python scripts/run_dev.py

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

bench: install
	$(BIN)/python bench/load.py

bench-letters: install
	$(BIN)/python bench/letters.py $(BENCH_ARGS)

# Search relevance (the query set in bench/search_queries.py, starter synonyms) and latency.
bench-search: install
	$(BIN)/python bench/search_relevance.py --add-synonyms
	$(BIN)/python bench/search_latency.py $(BENCH_ARGS)

# 城市公交 planner on a synthetic network of 130 routes / 1,700+ stops (BENCH_ARGS=--db also imports it).
bench-bus: install
	$(BIN)/python bench/bus_transfer.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
