"""The deployment artefacts: deploy/compose.yaml is a valid Compose file (the Compose
Specification's JSON schema, after compose's own variable interpolation: CI has no Docker
daemon or compose plugin to run `docker compose config`) with the topology the platform
needs; the Dockerfile builds from the lock file in stages and runs unprivileged; the wheel
the image installs carries the compiled contracts, the migrations and the model."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from capool.config import SECRET_ENV_NAMES, Settings

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "deploy" / "compose.yaml"
SECRETS = {"POSTGRES_PASSWORD": "pg-password-for-the-test", "METRICS_TOKEN": "metrics-token-for-the-test",
           **{env: f"{env.lower()}-for-the-test" for env in SECRET_ENV_NAMES.values()}}
_VARIABLE = re.compile(r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\})")


class Unset(Exception):
    pass


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's variable substitution: ${X}, ${X:-default}, ${X-default}, ${X:?error},
    ${X?error}, ${X:+alternative}, and $$ for a literal $."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg") or ""
        present, got = name in env, env.get(name, "")
        usable = present and (got != "" or not (op or "").startswith(":"))
        if op in (":-", "-"):
            return got if usable else arg
        if op in (":?", "?"):
            if not usable:
                raise Unset(f"{name}: {arg}")
            return got
        if op in (":+", "+"):
            return arg if usable else ""
        return got

    return _VARIABLE.sub(substitute, value)


def _compose(env: dict[str, str]) -> dict[str, Any]:
    return interpolate(yaml.safe_load(COMPOSE.read_text(encoding="utf-8")), env)


def test_the_compose_file_is_valid_against_the_compose_specification() -> None:
    schema = json.loads((REPO / "tests" / "data" / "compose-spec.json").read_text(encoding="utf-8"))
    compose = _compose(SECRETS)
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors] == []
    # The schema does catch a mistake of the kind one makes (a misspelt key).
    broken = _compose(SECRETS)
    broken["services"]["worker-1"]["stop_grace_periode"] = "40s"
    assert any("stop_grace_periode" in e.message for e in jsonschema.Draft7Validator(schema).iter_errors(broken))


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_start_without_each_secret(missing: str) -> None:
    with pytest.raises(Unset, match=missing):
        _compose({k: v for k, v in SECRETS.items() if k != missing})
    with pytest.raises(Unset, match=missing):
        _compose(SECRETS | {missing: ""})


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_topology_two_apis_behind_the_proxy_two_workers_one_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    services = _compose(SECRETS)["services"]
    assert {"postgres", "redis", "migrate", "api-1", "api-2", "worker-1", "worker-2", "scheduler", "proxy", "chain"} <= set(services)
    capool = {name: s for name, s in services.items() if _command(s)[:1] == ["capool"]}
    assert {name: _command(s)[1] for name, s in capool.items()} == {
        "migrate": "migrate", "api-1": "serve", "api-2": "serve", "worker-1": "worker", "worker-2": "worker", "scheduler": "scheduler"}
    # The schedule runs in one process; the workers leave it to the scheduler.
    assert all("--no-scheduler" in _command(capool[w]) for w in ("worker-1", "worker-2"))
    for name, service in capool.items():
        env = service["environment"]
        # Every process of the platform talks to the same PostgreSQL and Redis, and has its secrets.
        assert env["DATABASE_URL"].startswith("postgresql+asyncpg://capool:pg-password-for-the-test@postgres:5432/"), name
        assert env["REDIS_URL"].startswith("redis://redis:6379/"), name
        assert all(env[variable] == SECRETS[variable] for variable in SECRET_ENV_NAMES.values()), name
        if name != "migrate":
            assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
            # Docker's default of 10 s would kill a worker that is still draining.
            grace = int(service["stop_grace_period"].removesuffix("s"))
            assert grace > Settings(_env_file=None).worker_drain_seconds, name
        test = service["healthcheck"].get("test") if name != "migrate" else None
        if name.startswith("worker") or name == "scheduler":
            # Each one's health check asks its own metrics port, which it serves on the container's address.
            assert test[:4] == ["CMD", "capool", "health", "--port"] and test[4] == _option(_command(service), "--metrics-port"), name
            assert _option(_command(service), "--metrics-host") == "0.0.0.0"
        elif name.startswith("api"):
            assert test[:3] == ["CMD", "capool", "health"] and test[-1].endswith("/ready"), name
    # Each API process's settings load as capool reads them, and the pools of all processes
    # fit PostgreSQL's default max_connections (100) with room for migrations and psql.
    env = capool["api-1"]["environment"]
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    settings = Settings(_env_file=None)
    assert settings.database_url == env["DATABASE_URL"] and not settings.is_sqlite and settings.chain.rpc_url == ""
    running = [name for name in capool if name != "migrate"]
    assert len(running) * (settings.db_pool_size + settings.db_max_overflow) <= 90
    # The proxy's fixed address is the one trusted proxy.
    proxy_address = services["proxy"]["networks"]["capool"]["ipv4_address"]
    assert json.loads(env["TRUSTED_PROXIES"]) == [proxy_address]
    assert settings.trusted_proxies == [proxy_address]


def test_the_proxy_spreads_requests_over_both_api_processes_and_hides_metrics() -> None:
    caddyfile = (REPO / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    services = _compose(SECRETS)["services"]
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert upstreams is not None
    ports = {name: _option(_command(services[name]), "--port") for name in ("api-1", "api-2")}
    assert sorted(upstreams.group(1).split()) == sorted(f"{name}:{port}" for name, port in ports.items())
    assert "lb_policy round_robin" in caddyfile and "health_uri /ready" in caddyfile
    assert re.search(r"@metrics path /metrics\s+respond @metrics 404", caddyfile)
    assert services["proxy"]["volumes"][0].startswith("./Caddyfile:/etc/caddy/Caddyfile")


def _stages(dockerfile: str) -> dict[str, list[str]]:
    stages: dict[str, list[str]] = {}
    current = None
    for line in re.sub(r"\\\n", " ", dockerfile).splitlines():
        line = line.strip()
        if match := re.match(r"FROM\s+\S+(?:\s+AS\s+(\S+))?", line, re.IGNORECASE):
            current = match.group(1) or f"stage{len(stages)}"
            stages[current] = []
        elif current and line and not line.startswith("#"):
            stages[current].append(line)
    return stages


def test_the_dockerfile_installs_from_the_lock_in_stages_and_runs_unprivileged() -> None:
    stages = _stages((REPO / "Dockerfile").read_text(encoding="utf-8"))
    assert list(stages) == ["build", "runtime", "evm"]
    build, runtime = stages["build"], stages["runtime"]
    assert "COPY requirements.lock ./" in build
    assert any("pip install --require-hashes -r requirements.lock" in line for line in build)
    assert any("pip install --no-deps ." in line for line in build)
    # Every package the project declares is copied into the build.
    include = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = {line.split()[1] for line in build if line.startswith("COPY ") and len(line.split()) == 3 and line.split()[1] == line.split()[2]}
    assert copied == {pattern.removesuffix("*") for pattern in include}
    # The runtime stage gets the environment only, and runs as a user with its own uid.
    assert [line for line in runtime if line.startswith("COPY")] == ["COPY --from=build /opt/capool /opt/capool"]
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any("useradd --system --uid 10001" in line for line in runtime)
    assert runtime[-1] == 'CMD ["capool", "serve"]'
    # What the build copies is not excluded by .dockerignore.
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")}
    assert not (copied | {"requirements.lock", "pyproject.toml", "README.md"}) & ignored
    assert {".git", ".venv", ".env", "var"} <= ignored


@pytest.mark.timeout(600)
def test_the_wheel_the_image_installs_carries_the_contracts_migrations_and_model(tmp_path: Path) -> None:
    """`pip install --no-deps .` in the image installs this wheel: it must ship what the
    platform loads at run time, above all the compiled contracts (the image has no vyper)."""
    # Built from a copy of what the Dockerfile copies: setuptools' build/ in the work tree may
    # hold stale files that a build there would ship.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    include = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]["find"]["include"]
    for package in (pattern.removesuffix("*") for pattern in include):
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)], capture_output=True, text=True,
                           timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = tmp_path.glob("capool-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    from settlement.contracts import CONTRACTS

    for contract in CONTRACTS:
        assert f"settlement/contracts/{contract}.json" in names and f"settlement/contracts/{contract}.vy" in names
        artefact = json.loads(zipfile.ZipFile(wheel).read(f"settlement/contracts/{contract}.json"))
        assert artefact["bytecode"] and artefact["abi"], contract
    assert "migrations/env.py" in names and any(n.startswith("migrations/versions/") and n.endswith(".py") for n in names)
    assert any(n.startswith("inspection/models/") and n.endswith(".onnx") for n in names)
    assert any(n.startswith("api/portal/templates/") for n in names)
    assert any(n.startswith("marketplace/integrations/catenax/schemas/") and n.endswith(".json") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def _setting_variables() -> dict[str, object]:
    """Every environment variable capool/config.py reads, with its default."""
    from pydantic import BaseModel

    variables: dict[str, object] = {}
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for sub, subfield in annotation.model_fields.items():
                variables[f"CAPOOL_{name.upper()}_{sub.upper()}"] = subfield.default
        else:
            variables[SECRET_ENV_NAMES.get(name, name.upper())] = field.default
    return variables


def test_every_setting_is_in_the_deployment_guide() -> None:
    guide = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
    table = guide[guide.index("## Every setting"):guide.index("## Health and metrics")]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    missing = sorted(set(_setting_variables()) - documented)
    assert missing == [], f"add these settings to docs/deployment.md's settings table: {missing}"
    assert len(_setting_variables()) > 40
