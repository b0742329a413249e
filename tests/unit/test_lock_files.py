"""The lock files pin what pyproject.toml pins, every locked package with its hashes, and both
installs (the README's `make`, the services' image) go through them with hash checking on.

Regenerate them with `make lock` after changing a pin; this test says when they drift.
"""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(?P<version>[^\s;\\]+)")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, how many hashes) of every package in a lock file."""
    found: dict[str, tuple[str, int]] = {}
    current = ""
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = normal(match["name"])
            found[current] = (match["version"], 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
    return found


def pins(requirements: list[str]) -> dict[str, str]:
    result = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"not pinned to one version: {requirement}"
        result[normal(match["name"])] = match["version"]
    return result


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = pins(PROJECT["dependencies"])
DEV = pins(PROJECT["optional-dependencies"]["dev"])
BUILD = pins(
    [line for line in (ROOT / "deploy/build-system.txt").read_text().splitlines() if "==" in line]
)


@pytest.mark.parametrize(
    ("lock", "wanted"),
    [("requirements.lock", RUNTIME | BUILD), ("requirements-dev.lock", RUNTIME | DEV | BUILD)],
)
def test_the_lock_pins_what_the_project_pins_and_hashes_every_package(
    lock: str, wanted: dict[str, str]
) -> None:
    packages = locked(ROOT / lock)

    assert {name: packages.get(name, ("missing", 0))[0] for name in wanted} == wanted
    assert [name for name, (_version, hashes) in packages.items() if hashes == 0] == []
    assert len(packages) > len(wanted)  # their own dependencies are locked too


def test_the_services_lock_is_the_development_lock_without_the_tools() -> None:
    runtime, dev = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-dev.lock")

    assert {name: version for name, (version, _) in runtime.items()} == {
        name: dev[name][0] for name in runtime
    }
    assert not set(DEV) & set(runtime) - set(RUNTIME)


def test_make_and_the_image_install_through_the_locks_with_hashes_required() -> None:
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()

    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--no-deps --no-build-isolation -e ." in makefile
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert "--no-deps --no-build-isolation ." in dockerfile
