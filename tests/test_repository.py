"""Project habits: dependencies agree, notebooks are clean, the task list is complete."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import check_notebooks  # noqa: E402


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\s\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    from_pip = {_name(r) for r in pip if not r.startswith("-e")}  # packages conda-forge lacks
    assert conda | from_pip == wanted and not conda & from_pip


def _notebook(tmp_path: Path, outputs: list[dict], count: int | None) -> Path:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": "x = 1",
                "outputs": outputs,
                "execution_count": count,
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_notebook_check_flags_outputs_and_strip_keeps_tags(tmp_path: Path) -> None:
    dirty = _notebook(tmp_path, [{"output_type": "stream", "name": "stdout", "text": "1"}], 1)
    assert check_notebooks.main([str(dirty)]) == 1
    assert check_notebooks.main(["--strip", str(dirty)]) == 0
    assert check_notebooks.main([str(dirty)]) == 0
    cell = json.loads(dirty.read_text(encoding="utf-8"))["cells"][0]
    assert cell["metadata"]["tags"] == ["parameters"] and cell["outputs"] == []


def test_committed_notebooks_are_clean() -> None:
    assert check_notebooks.main([str(p) for p in (ROOT / "notebooks").glob("*.ipynb")]) == 0


def test_make_help_names_every_target() -> None:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", text, flags=re.M))
    documented = set(re.findall(r"^([a-z-]+):.*## ", text, flags=re.M))
    assert targets == documented
    assert {"run", "test", "bench", "check"} <= documented


def test_readme_gives_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(python3 -m venv .*?)\n```", readme)
    assert len(commands) == 2, commands
    run, test = commands
    assert "parkdata ingest" in run and "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_runner = test.split("&&")[-1].strip()
    assert test_runner in ci


@pytest.mark.parametrize(
    "module", ["parkdata", "parkdata.contract.indicator_catalog", "parkdata.inputs.loading"]
)
def test_importing_does_no_io(module: str, tmp_path: Path) -> None:
    import subprocess

    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_no_module_shares_a_name_with_a_public_function() -> None:
    import parkdata as pkd

    modules = {p.stem for p in (ROOT / "parkdata").rglob("*.py")}
    modules |= {p.name for p in (ROOT / "parkdata").iterdir() if (p / "__init__.py").exists()}
    assert not modules & set(pkd.__all__)
    assert callable(pkd.assess) and callable(pkd.explain)  # names stay functions


def test_package_modules_are_imported_at_the_top() -> None:
    """A parkdata module inside a function hides what a file uses; the CLI's one lazy
    dispatch (each command imported when it runs) and the package's export table are the
    exceptions. Heavy third-party imports inside functions carry a comment saying why."""
    import ast

    lazy = []
    for path in (ROOT / "parkdata").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    names = (
                        [inner.module or ""]
                        if isinstance(inner, ast.ImportFrom)
                        else [a.name for a in inner.names]
                    )
                    if any(n.startswith("parkdata") for n in names):
                        lazy.append(f"{path.name}:{inner.lineno}")
                    else:
                        before = "".join(lines[max(0, inner.lineno - 4) : inner.lineno])
                        assert "#" in before, f"{path.name}:{inner.lineno} needs a reason"
    assert lazy == []
