"""The conda environment and pyproject.toml must describe the same package set."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$")


def _split(requirement: str) -> tuple[str, str]:
    match = _NAME.match(requirement)
    assert match, f"cannot parse requirement {requirement!r}"
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    spec = match.group(2).replace(" ", "")
    return name, spec


def _pyproject(*, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = data["project"]
    reqs = list(project["dependencies"])
    for name, group in project["optional-dependencies"].items():
        if name not in exclude:
            reqs += group
    return dict(_split(r) for r in reqs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or item in ("pip",):
                continue
            name, spec = _split(item)
            if name != "python":
                out[name] = spec
    return out


def test_environment_and_pyproject_list_the_same_packages():
    pyproject, environment = _pyproject(), _environment()
    assert sorted(pyproject) == sorted(environment), (
        f"only in pyproject.toml: {sorted(set(pyproject) - set(environment))}; "
        f"only in environment.yml: {sorted(set(environment) - set(pyproject))}"
    )


def test_environment_and_pyproject_agree_on_versions():
    pyproject, environment = _pyproject(), _environment()
    differ = {n: (pyproject[n], environment[n]) for n in pyproject if pyproject[n] != environment.get(n)}
    assert not differ, f"version ranges differ (pyproject, environment.yml): {differ}"


def test_jupyter_book_is_pinned_below_2_everywhere():
    assert "<2" in _pyproject()["jupyter-book"]
    assert "<2" in _environment()["jupyter-book"]
    lock = (ROOT / "requirements" / "lock.txt").read_text()
    version = re.search(r"^jupyter-book==(\d+)\.", lock, flags=re.M)
    assert version and version.group(1) == "1", "the lock must pin jupyter-book 1.x"


def test_lock_pins_every_dependency_exactly():
    lock = (ROOT / "requirements" / "lock.txt").read_text().splitlines()
    pinned = {}
    for line in lock:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert "==" in line, f"lock line is not an exact pin: {line!r}"
        name, version = line.split("==", 1)
        pinned[re.sub(r"[-_.]+", "-", name).lower()] = version
    # The lock pins what `make` installs (runtime, book, test); the benchmark's peers are
    # installed by `make bench` on top of it, so they are not pinned here.
    missing = sorted(set(_pyproject(exclude=("bench",))) - set(pinned))
    assert not missing, f"lock file does not pin: {missing}"
    assert "msutils" not in pinned, "the lock must not pin the project itself"


def test_python_requirement_matches():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert data["project"]["requires-python"] == ">=3.11"
    assert "python>=3.11" in env["dependencies"]
