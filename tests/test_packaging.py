"""The installed suite takes no import name another project may own: everything is under ``conformance``.

The pytest plugin loads in every pytest run of an environment the suite is installed in, so a top-level
``spec`` or ``strategies`` package of ours would shadow (or be shadowed by) a project's own, and break
that project's test runs.  Here a project with packages of its own by those names runs its tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

PLUGIN = "conformance.plugin"


def _installed() -> bool:
    return any(entry.name == PLUGIN for entry in metadata.entry_points(group="pytest11"))


@pytest.mark.skipif(not _installed(), reason="the suite is not installed here (pip install -e .)")
def test_a_project_with_its_own_spec_and_strategies_runs_untouched(tmp_path: Path) -> None:
    for package, body in (
        ("spec", "def contract():\n    return 'the project own spec'\n"),
        ("strategies", "NAME = 'the project own strategies'\n"),
    ):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(body)
    (tmp_path / "test_own.py").write_text(
        textwrap.dedent(
            """
            import spec
            import strategies

            def test_its_own_packages():
                assert spec.contract() == 'the project own spec'
                assert strategies.NAME == 'the project own strategies'
            """
        )
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 passed" in output and "Error while loading plugin" not in output, output


def test_no_module_imports_a_top_level_spec_or_strategies() -> None:
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for folder in ("conformance", "spec", "strategies", "tests"):
        for path in (root / folder).rglob("*.py"):
            if path.name == Path(__file__).name:  # the project written above imports its own
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                words = line.split()
                if words[:1] in (["from"], ["import"]) and len(words) > 1:
                    if words[1].split(".")[0] in ("spec", "strategies"):
                        offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_every_package_of_the_checkout_is_installed() -> None:
    """``pyproject.toml`` lists the packages by hand (spec/ and strategies/ install under conformance), so
    a new subpackage that is not listed would be left out of a wheel while an editable install hides it."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {name: Path(folder) for name, folder in config["package-dir"].items()}
    folders.setdefault("conformance", Path("conformance"))
    found = set()
    for name, folder in folders.items():
        for init in (root / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(root / folder)
            found.add(".".join([name, *relative.parts]))
    assert sorted(found - set(config["packages"])) == []
