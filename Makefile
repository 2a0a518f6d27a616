# The two set-up commands of the README: `make demo` and `make test`. Both create the venv.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) on PATH (or make PYTHON=python3)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/huiqi demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

# Figures go to bench/results/. The PostgreSQL race needs a server: HUIQI_TEST_PG_URL, else the local one.
PG_URL ?= $(or $(HUIQI_TEST_PG_URL),postgresql+psycopg://postgres@127.0.0.1:5432/test)

bench: $(STAMP)
	$(BIN)/python bench/evaluate_batch.py
	$(BIN)/python bench/ledger.py --pg $(PG_URL)

lint: $(STAMP)
	$(BIN)/python -m compileall -q core plugins tests bench

clean:
	rm -rf $(VENV) build *.egg-info
