"""The pins live in pyproject.toml; environment.yml (Binder, conda) must agree."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines) -> dict:
    pins = {}
    for line in lines:
        match = PIN.match(line)
        if match:
            name, version = match.groups()
            pins[_normalise(name)] = version.split("+")[0]  # 2.13.0+cpu is the CPU build of 2.13.0
    return pins


def pyproject_pins() -> dict:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return _pins(project["dependencies"])


def environment_lines() -> list[str]:
    return [
        line.strip().lstrip("-").strip()
        for line in (ROOT / "environment.yml").read_text().splitlines()
    ]


def test_every_runtime_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert PIN.match(requirement), f"not pinned with ==: {requirement}"


def test_environment_yml_agrees_with_pyproject():
    assert _pins(environment_lines()) == pyproject_pins()


def test_binder_gets_cpu_torch_and_pinned_lab():
    text = (ROOT / "environment.yml").read_text()
    assert "whl/cpu" in text and "torch==2.13.0+cpu" in text
    assert "python=3.11" in text
    assert pyproject_pins()["jupyterlab"].startswith("4.")


def test_binder_installs_project_and_hides_instructor_tools():
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps" in post_build and "-e ." in post_build
    assert "tools.student_mode" in post_build
