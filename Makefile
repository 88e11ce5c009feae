# Two entry points do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The platform on its embedded default: SQLite file, in-process worker, demo data.
run: install
	$(BIN)/capool migrate
	$(BIN)/capool demo
	$(BIN)/capool serve

# The whole suite: SQLite always, PostgreSQL and Redis where reachable (required when CI=true).
test: install
	$(BIN)/python -m pytest

.PHONY: install run test
