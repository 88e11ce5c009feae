"""The server deploys the shipped compiled artefacts; they must be what the sources compile to."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from settlement import contracts


@pytest.mark.parametrize("name", contracts.CONTRACTS)
def test_the_shipped_artefact_is_the_compiled_source(name: str) -> None:
    shipped = json.loads(files(contracts).joinpath(f"{name}.json").read_text(encoding="utf-8"))
    assert shipped["source_sha256"] == contracts.source_digest(name), f"{name}.vy changed: run `python -m settlement.contracts`"
    fresh = contracts.build_artefact(name)
    assert (shipped["abi"], shipped["bytecode"], shipped["evm_version"]) == (fresh["abi"], fresh["bytecode"], fresh["evm_version"])
    assert contracts.compile_contract(name).bytecode == fresh["bytecode"]


def test_serving_needs_no_compiler() -> None:
    import subprocess
    import sys

    # Loading an artefact must not import vyper (a development dependency only).
    code = "import sys; from settlement.contracts import compile_contract; compile_contract('anchor_registry'); print('vyper' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
