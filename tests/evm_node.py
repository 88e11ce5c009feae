"""A real JSON-RPC EVM node (hardhat's, installed from the npm registry into .ci/evm by
`.ci/run` and `make test`) for the chain tests, beside the in-process eth-tester chain.

With CI=true the node must be there: the tests fail instead of skipping."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

NODE_DIR = Path(__file__).resolve().parent.parent / ".ci" / "evm"
HARDHAT = NODE_DIR / "node_modules" / ".bin" / "hardhat"


@dataclass(frozen=True)
class EvmNode:
    url: str
    keys: tuple[str, ...]
    """Private keys (0x-hex) of accounts the node funded at genesis."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chain_id(url: str) -> int | None:
    try:
        reply = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}, timeout=1)
        return int(reply.json()["result"], 16)
    except (httpx.HTTPError, ValueError, KeyError):
        return None


@pytest.fixture(scope="session")
def evm_node() -> Iterator[EvmNode]:
    if not HARDHAT.exists() or shutil.which("node") is None:
        message = f"no JSON-RPC EVM node: run `npm ci --prefix {NODE_DIR}` (needs Node.js)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    keys = tuple("0x" + os.urandom(32).hex() for _ in range(6))
    port = _free_port()
    env = os.environ | {"CAPOOL_EVM_ACCOUNTS": json.dumps(keys), "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true"}
    log_path = NODE_DIR / f"node{os.environ.get('PYTEST_XDIST_WORKER', '')}.log"
    log = log_path.open("w")
    process = subprocess.Popen([str(HARDHAT), "node", "--hostname", "127.0.0.1", "--port", str(port)],
                               cwd=NODE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _chain_id(url) != 31337:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"hardhat node did not start: see {log_path}")
            time.sleep(0.2)
        yield EvmNode(url, keys)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
