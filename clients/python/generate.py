"""Regenerate capool_client/generated from openapi.json with openapi-python-client.

    .venv-codegen/bin/python clients/python/generate.py              # what `make client` runs
    .venv-codegen/bin/python clients/python/generate.py --output DIR # elsewhere (the staleness test)

Run it with the generator environment's Python: the generator and the ruff its post hooks
call are taken from that interpreter's bin directory. It generates in a temporary directory
(so formatting does not depend on the checkout's ruff settings) and replaces the target."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def generate(document: Path, output: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "generated"
        command = [str(bin_dir / "openapi-python-client"), "generate", "--path", str(document), "--meta", "none",
                   "--config", str(HERE / "codegen.yaml"), "--output-path", str(target), "--overwrite"]
        result = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not (target / "client.py").is_file():
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit(f"openapi-python-client failed ({result.returncode})")
        # What the generator skipped (e.g. a response schema it cannot model), one line each.
        where = ""
        for line in (result.stdout + result.stderr).splitlines():
            if line.startswith("WARNING parsing "):
                where = line.removeprefix("WARNING parsing ")
            elif where and (reason := re.search(r"\(([^()]*)\)[^()]*$", line)):
                detail = re.sub(r"\s*<[^<>]* object at 0x[0-9a-f]+>", "", reason.group(1))
                sys.stderr.write(f"skipped a response of {where.rstrip('.')}: {detail}\n")
                where = ""
        for cache in [*target.rglob("__pycache__"), *target.rglob(".ruff_cache")]:
            shutil.rmtree(cache)
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(target, output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--document", type=Path, default=HERE / "openapi.json")
    parser.add_argument("--output", type=Path, default=HERE / "capool_client" / "generated")
    args = parser.parse_args()
    generate(args.document.resolve(), args.output.resolve())


if __name__ == "__main__":
    main()
