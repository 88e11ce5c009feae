# Two entry points do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# Installs are reproducible: every package comes pinned, with its hashes, from a lock file
# (requirements-dev.lock here and in CI: the platform with the test and embedded extras;
# requirements.lock in the image: the platform alone). `make lock` refreshes both from
# pyproject.toml (docs/deployment.md).
$(VENV)/.installed: pyproject.toml requirements-dev.lock clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e . -e clients/python
	touch $@

install: $(VENV)/.installed

# Re-resolve the lock files from pyproject.toml (after changing a dependency, or to take
# newer releases): the dev lock first, then the runtime lock constrained to its versions, so
# that the image runs exactly the versions CI tested. CPython 3.11 on Linux, every wheel's hash.
# Versions already locked are kept; `make lock LOCK_FLAGS=--upgrade` takes the newest allowed.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) --python-version 3.11 --python-platform linux --generate-hashes -q --custom-compile-command "make lock"
lock: install
	$(BIN)/pip install -q 'uv>=0.13,<0.14'
	$(UV_COMPILE) --extra test --extra embedded -o requirements-dev.lock
	$(UV_COMPILE) -c requirements-dev.lock -o requirements.lock
	$(BIN)/uv pip compile clients/python/codegen.in $(LOCK_FLAGS) --python-version 3.11 --python-platform linux --generate-hashes -q \
		--custom-compile-command "make lock" -o clients/python/codegen.lock

# The Python client (clients/python): the OpenAPI document dumped from the app (no server),
# then the package regenerated from it by openapi-python-client, which runs in its own
# environment (it pins httpx below the platform's). tests/clients fails when they are stale.
CODEGEN_VENV ?= .venv-codegen
$(CODEGEN_VENV)/.installed: clients/python/codegen.lock
	$(PYTHON) -m venv $(CODEGEN_VENV)
	$(CODEGEN_VENV)/bin/pip install -q --require-hashes -r clients/python/codegen.lock
	touch $@

client: install $(CODEGEN_VENV)/.installed
	$(BIN)/capool openapi --output clients/python/openapi.json
	$(CODEGEN_VENV)/bin/python clients/python/generate.py

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

# The whole suite: SQLite always, PostgreSQL and Redis where reachable (required when CI=true),
# on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process).
TEST_WORKERS ?= auto
test: install $(EVM_NODE) $(CODEGEN_VENV)/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

.PHONY: install lock client run test lint
