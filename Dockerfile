# syntax=docker/dockerfile:1
# The capool image: the platform installed from requirements.lock (every package pinned with
# its hashes), the compiled contract artefacts, migrations and the inspection model inside the
# package, run as an unprivileged user. One image for every process: `capool serve`,
# `capool worker`, `capool scheduler`, `capool migrate` (deploy/compose.yaml, docs/deployment.md).
#
#   docker build -t capool .                 # the platform
#   docker build -t capool-evm --target evm .  # hardhat's JSON-RPC node, for a test chain only
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: a virtual environment in /opt/capool, from the lock file ----------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/capool
WORKDIR /src
# The dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements.lock ./
RUN /opt/capool/bin/pip install --require-hashes -r requirements.lock
# Then the platform itself, without dependencies (all of them came from the lock).
COPY pyproject.toml README.md ./
COPY capool capool
COPY api api
COPY marketplace marketplace
COPY matching matching
COPY settlement settlement
COPY quality quality
COPY forecasting forecasting
COPY inspection inspection
COPY migrations migrations
RUN /opt/capool/bin/pip install --no-deps . \
    # The image must run without a compiler: the contracts come compiled, and match their sources.
    && /opt/capool/bin/python -c "from settlement.contracts import CONTRACTS, compile_contract; [compile_contract(n) for n in CONTRACTS]" \
    && /opt/capool/bin/capool --help >/dev/null

# ---- runtime: the environment and nothing else ---------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 capool \
    && useradd --system --uid 10001 --gid capool --home-dir /srv/capool --create-home --shell /usr/sbin/nologin capool \
    && install -d -o capool -g capool /srv/capool/var
COPY --from=build /opt/capool /opt/capool
ENV PATH=/opt/capool/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000
# Relative paths in the settings (CAPOOL_INSPECTION_STORAGE_DIR=var/inspection) live here:
# mount a volume on /srv/capool/var that every API process and worker shares.
WORKDIR /srv/capool
VOLUME ["/srv/capool/var"]
USER capool:capool
EXPOSE 8000
# The API's liveness; workers and schedulers override it with `capool health --port <metrics port>`.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["capool", "health", "--url", "http://127.0.0.1:8000/health"]
CMD ["capool", "serve"]

# ---- evm: hardhat's JSON-RPC node from .ci/evm's lock file (a development/test chain) -------
FROM node:22-bookworm-slim AS evm
WORKDIR /evm
COPY .ci/evm/package.json .ci/evm/package-lock.json .ci/evm/hardhat.config.js ./
RUN npm ci --no-audit --no-fund --loglevel=error && chown -R node:node /evm
USER node
EXPOSE 8545
CMD ["npx", "hardhat", "node", "--hostname", "0.0.0.0", "--port", "8545"]
