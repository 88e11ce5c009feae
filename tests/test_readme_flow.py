"""The README's curl flow, as written there, run twice against a real `capool serve` on a
fresh SQLite file with the demo loaded: every call must answer 2xx both times (curl is run
with --fail-with-body, the script with `set -euo pipefail`, so a 422 idempotency_key_reused
or a traceback of one of its python3 one-liners fails the test) and each run must create its
own orders."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"


def readme_flow() -> str:
    """The shell blocks of "The flow with the demo keys" (REST, then GraphQL)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### The flow with the demo keys", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 2, "the README's flow section should hold the REST and the GraphQL block"
    return "\n".join(blocks)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _capool(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    run = subprocess.run([sys.executable, "-m", "capool.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return run


def _get_json(url: str, token: str) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the test's own server)
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_the_readme_flow_runs_twice_against_capool_serve(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "API")}
    env |= {"PYTHONPATH": str(REPO), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'readme.db'}", "LOG_LEVEL": "WARNING"}
    _capool("migrate", cwd=tmp_path, env=env)
    _capool("demo", "--orders", "20", "--seed", "3", cwd=tmp_path, env=env)
    keys = json.loads((tmp_path / "var" / "demo-keys.json").read_text())

    port = _free_port()
    api = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "capool.cli", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{api}/ready", timeout=2):  # noqa: S310
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.5)

        # curl as the README writes it, but failing on any HTTP error (and printing its body).
        script = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n' + readme_flow()
        (tmp_path / "flow.sh").write_text(script)
        references = []
        for attempt in (1, 2):
            before = {o["reference"] for o in _get_json(f"{api}/v1/orders?limit=100", keys["buyer (Inkwell Tees)"])["items"]}
            run = subprocess.run(["bash", str(tmp_path / "flow.sh")], cwd=tmp_path, env=env | {"API": api}, capture_output=True, text=True, timeout=300)
            assert run.returncode == 0, f"run {attempt}: exit {run.returncode}\n{run.stdout}\n{run.stderr}"
            assert "Traceback" not in run.stderr, run.stderr
            assert '"errors":[]' in run.stdout.replace(" ", ""), run.stdout  # the GraphQL mutation placed its order
            after = {o["reference"] for o in _get_json(f"{api}/v1/orders?limit=100", keys["buyer (Inkwell Tees)"])["items"]}
            new = sorted(after - before)
            # One order over REST (PO-...), one over GraphQL (G-...), with this run's tag.
            assert [r.split("-")[0] for r in new] == ["G", "PO"], new
            references.append(new)
        assert references[0] != references[1]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
