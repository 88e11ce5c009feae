"""The settlement contracts: Vyper sources beside this file and their compiled artefacts.

The server loads the compiled artefacts (`<name>.json`: ABI, bytecode, the compiler and EVM
version, and the SHA-256 of the source they came from), so production needs no compiler.
Vyper is a development dependency: `python -m settlement.contracts` rebuilds the artefacts
and a test fails when a source no longer matches its artefact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

ANCHOR_REGISTRY = "anchor_registry"
MILESTONE_ESCROW = "milestone_escrow"
CONTRACTS = (ANCHOR_REGISTRY, MILESTONE_ESCROW)

# Cancun runs on the in-process py-evm chain (which is at Prague), on hardhat's node and on
# any mainnet-like chain since March 2024; targeting the newest fork would lock out slower
# networks.
EVM_VERSION = "cancun"


@dataclass(frozen=True)
class CompiledContract:
    name: str
    abi: list[dict[str, Any]]
    bytecode: str


def source_text(name: str) -> str:
    return files(__package__).joinpath(f"{name}.vy").read_text(encoding="utf-8")


def source_digest(name: str) -> str:
    return hashlib.sha256(source_text(name).encode("utf-8")).hexdigest()


@cache
def compile_contract(name: str) -> CompiledContract:
    """The shipped artefact of contract `name`."""
    artefact = json.loads(files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8"))
    return CompiledContract(name, artefact["abi"], artefact["bytecode"])


def build_artefact(name: str) -> dict[str, Any]:
    """Compile `name` with the installed Vyper (a development dependency)."""
    import vyper
    from vyper.compiler.settings import Settings

    output = vyper.compile_code(source_text(name), output_formats=["abi", "bytecode"], settings=Settings(evm_version=EVM_VERSION))
    return {
        "contract": name,
        "compiler": f"vyper {vyper.__version__}",
        "evm_version": EVM_VERSION,
        "source_sha256": source_digest(name),
        "abi": output["abi"],
        "bytecode": output["bytecode"],
    }


def write_artefacts(directory: Path | None = None) -> list[Path]:
    target = directory or Path(__file__).parent
    written = []
    for name in CONTRACTS:
        path = target / f"{name}.json"
        path.write_text(json.dumps(build_artefact(name), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
