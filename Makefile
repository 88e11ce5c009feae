# Two entry points do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,embedded]'
	touch $@

install: $(VENV)/.installed

# The platform on its embedded default: SQLite file, in-process worker, demo data.
run: install
	$(BIN)/capool migrate
	$(BIN)/capool demo
	$(BIN)/capool serve

# The JSON-RPC EVM node (hardhat's, from the npm registry) that the chain tests also run
# against; skipped without npm (required when CI=true).
EVM_NODE := .ci/evm/node_modules/.bin/hardhat
$(EVM_NODE): .ci/evm/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix .ci/evm --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the chain tests against a JSON-RPC node will be skipped"; fi

# The whole suite: SQLite always, PostgreSQL and Redis where reachable (required when CI=true).
test: install $(EVM_NODE)
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

.PHONY: install run test lint
