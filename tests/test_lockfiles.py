"""The lock files (requirements.lock for the image, requirements-dev.lock for `make install`
and CI) agree with pyproject.toml, with each other and with what is installed: every pin
carries hashes, every declared requirement is pinned to a version it allows, the image runs
the versions CI tested, and an environment installed from the lock has not drifted."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def _pins(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from a `uv pip compile --generate-hashes` file."""
    pins: dict[str, tuple[str, int]] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)", line):
            current = canonicalize_name(match.group(1))
            assert current not in pins, f"{path.name}: {current} pinned twice"
            pins[current] = (match.group(2), 0)
        elif (hashed := re.match(r"^\s+--hash=sha256:[0-9a-f]{64}", line)) and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
        elif hashed is None and line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{path.name}: unexpected line {line!r}")
    return pins


def _declared(extras: list[str]) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]
    for extra in extras:
        requirements += [Requirement(text) for text in project["optional-dependencies"][extra]]
    return requirements


def test_every_pin_has_hashes_and_every_declared_requirement_is_pinned_to_an_allowed_version() -> None:
    for lock, extras in (("requirements.lock", []), ("requirements-dev.lock", ["test", "embedded"])):
        pins = _pins(REPO / lock)
        assert len(pins) > 50, lock
        assert [name for name, (_, hashes) in pins.items() if hashes == 0] == [], f"{lock}: pins without hashes"
        for requirement in _declared(extras):
            name = canonicalize_name(requirement.name)
            assert name in pins, f"{lock} lacks {requirement} (run `make lock`)"
            assert requirement.specifier.contains(pins[name][0], prereleases=True), f"{lock} pins {name}=={pins[name][0]}, pyproject wants {requirement}"


def test_the_image_runs_the_versions_ci_tested() -> None:
    runtime, dev = _pins(REPO / "requirements.lock"), _pins(REPO / "requirements-dev.lock")
    assert {name: version for name, (version, _) in runtime.items() if dev.get(name, ("-",))[0] != version} == {}
    # The development tools stay out of the image.
    for tool in ("pytest", "vyper", "eth-tester", "playwright", "ruff"):
        assert tool in dev and tool not in runtime, tool


def test_the_installed_environment_has_not_drifted_from_the_dev_lock() -> None:
    """`make install` installs the dev lock; a package installed at another version (a manual
    `pip install -U`, an old venv) is what this catches. Packages absent here are not
    compared: a shared development venv may lack a marker-only dependency."""
    pins = _pins(REPO / "requirements-dev.lock")
    drifted = {}
    for name, (version, _) in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if installed != version:
            drifted[name] = (installed, version)
    assert drifted == {}, f"installed != locked (run `make install` in a fresh venv, or `make lock`): {drifted}"
    # The platform's own dependencies are all there.
    environment = default_environment()
    missing = [str(r) for r in _declared([]) if (r.marker is None or r.marker.evaluate(environment)) and canonicalize_name(r.name) not in
               {canonicalize_name(d.metadata["Name"]) for d in metadata.distributions()}]
    assert missing == []
