"""The settlement contracts (Vyper sources beside this file), compiled in-process.

`vyper.compile_code` runs inside this process, so there is no compiler download and
nothing to pin outside pyproject's `vyper` requirement.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import vyper
from vyper.compiler.settings import Settings

ANCHOR_REGISTRY = "anchor_registry"
MILESTONE_ESCROW = "milestone_escrow"

# Cancun runs on the in-process py-evm chain (which is at Prague) and on any mainnet-like
# chain since March 2024; targeting the newest fork would lock out slower networks.
EVM_VERSION = "cancun"


@dataclass(frozen=True)
class CompiledContract:
    name: str
    abi: list[dict[str, Any]]
    bytecode: str


@cache
def compile_contract(name: str) -> CompiledContract:
    source = files(__package__).joinpath(f"{name}.vy").read_text(encoding="utf-8")
    output = vyper.compile_code(
        source,
        output_formats=["abi", "bytecode"],
        settings=Settings(evm_version=EVM_VERSION),
    )
    return CompiledContract(name, output["abi"], output["bytecode"])
