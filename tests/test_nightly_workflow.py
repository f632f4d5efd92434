"""The nightly GitHub Actions workflow parses and runs a command the plugin accepts; the example database
keeps each failure for the next run, also where CI is set; other tests keep their Hypothesis settings."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "conformance-nightly.yml"


def _workflow() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML reads the workflow file")
    return yaml.safe_load(WORKFLOW.read_text())


def _suite_step() -> dict:
    workflow = _workflow()
    steps = workflow["jobs"]["conformance"]["steps"]
    return next(step for step in steps if "pytest" in step.get("run", ""))


def test_workflow_parses_and_keeps_reports_and_the_example_database() -> None:
    workflow = _workflow()
    steps = workflow["jobs"]["conformance"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    caches = [s for u, s in zip(uses, steps, strict=True) if u.startswith("actions/cache")]
    assert caches and caches[0]["with"]["path"] == ".hypothesis"
    assert any(u.startswith("actions/upload-artifact") for u in uses)
    assert workflow[True]["schedule"]  # YAML 1.1 reads the key "on" as True


@pytest.mark.parametrize("target_url", ["", "http://127.0.0.1:9"])
def test_the_nightly_command_is_one_the_plugin_accepts(pytester_free_run, target_url: str) -> None:
    """The step's command, with and without a target, parses and collects the suite (no requests sent)."""
    command = _suite_step()["run"].replace("\n", " ")
    expansion = f"--target-url={target_url} --domain=some-domain" if target_url else ""
    command = command.replace("${TARGET_URL:+--target-url=$TARGET_URL --domain=$TARGET_DOMAIN}", expansion)
    assert "$" not in command, "the workflow's shell expansion changed: update this test"
    args = shlex.split(command)
    assert args[:3] == ["python", "-m", "pytest"]
    for expected in ("--hypothesis-profile=nightly", "-n", "auto", "--junitxml=reports/conformance.xml"):
        assert expected in args
    result = pytester_free_run([*args[3:], "--collect-only", "-q"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_invalid_request_is_rejected[RoleArn.pattern]" in result.stdout


def test_the_example_for_an_implementations_ci_installs_runs_and_keeps_the_reports(pytester_free_run) -> None:
    """``examples/implementation-ci.yml``, for a repository that is not this one: it installs the suite,
    runs it with --pyargs against the started implementation, and uploads the JUnit file and the report."""
    yaml = pytest.importorskip("yaml", reason="PyYAML reads the workflow file")
    workflow = yaml.safe_load((ROOT / "examples" / "implementation-ci.yml").read_text())
    steps = workflow["jobs"]["conformance"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any("pip install" in run and "customer-profiles-conformance" in run for run in runs)
    command = shlex.split(next(run for run in runs if "pytest" in run))
    assert command[:5] == ["python", "-m", "pytest", "--pyargs", "conformance"]
    for expected in ("--junitxml=reports/conformance.xml", "--conformance-report=reports/coverage"):
        assert expected in command
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "reports/" and upload["if"] == "always()"
    options = [arg for arg in command[5:] if arg.startswith("--") and "target-url" not in arg]
    result = pytester_free_run(["conformance", *options, "--collect-only", "-q"])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def pytester_free_run(tmp_path: Path):
    import os
    import subprocess
    import sys

    def run(args: list[str]) -> subprocess.CompletedProcess[str]:
        args = [a.replace("reports/", f"{tmp_path}/reports/") for a in args]
        env = {**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path / "hyp"), "PYTHONPATH": str(ROOT)}
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


def test_a_failure_is_kept_for_the_next_run_and_tried_first(tmp_path: Path) -> None:
    """The example database keeps each parametrized property's failure under a key of its own: a later
    test id (here one that passes) must neither replay it nor delete it, and the next run fails on it
    first.  Two ids share one key when the key is the digest of a property's source alone.  With CI set,
    as in GitHub Actions: Hypothesis then loads its own "ci" profile, which has no database."""
    from conformance.reference import start_server
    from tests.suite_runner import run_suite
    from tests.zoo import DOMAIN, ignoring

    selection = ["-k", "test_invalid_request_is_rejected and (WorkflowType.enum or IntegrationConfig.type)"]
    with start_server(ignoring("WorkflowType.enum")()) as server:
        args = ["--target-url", server.url, "--domain", DOMAIN, "-q", "--hypothesis-profile=nightly"]
        first = run_suite(*args, *selection, storage=tmp_path, env={"CI": "true"})
        failing = (
            "conformance/properties/test_invalid.py::test_invalid_request_is_rejected[WorkflowType.enum]"
        )
        assert first.failed_tests == [failing], first.output[-3000:]
        assert list((tmp_path / "examples").rglob("*")), "the failing example was not kept"
        second = run_suite(*args, *selection, storage=tmp_path, env={"CI": "true"})
    assert second.failed_tests == first.failed_tests, second.output[-3000:]
    # Replayed first: the failing test's first request fails (the preflight and nothing else before it).
    assert second.requests_to_first_failure in (1, 2), second.output[-3000:]


OTHER_CONFTEST = """
from hypothesis import settings

settings.register_profile("ci", max_examples=1000)
settings.register_profile("dev", max_examples=5)
"""
OTHER_TESTS = """
from hypothesis import given, settings, strategies as st

RUNS = []


@given(st.integers())
def test_counts_its_examples(n):
    RUNS.append(n)


def test_zz_report():
    print("EXAMPLES", len(RUNS), "DEFAULT", settings.default.max_examples)
"""


def test_an_unrelated_project_runs_as_it_does_without_the_suite(tmp_path: Path) -> None:
    """The plugin is loaded by every pytest run in the environment.  A project with its own "ci" and "dev"
    profiles and plain @given tests runs exactly as it does with the plugin left out, with and without
    --hypothesis-profile: the same examples, the same default settings, and none of the suite's lines."""
    import os
    import subprocess
    import sys

    (tmp_path / "conftest.py").write_text(OTHER_CONFTEST)
    (tmp_path / "test_other.py").write_text(OTHER_TESTS)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path / "hyp")}
    for name in ("PYTEST_ADDOPTS", "CI"):
        env.pop(name, None)
    base = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-sq", "-p", "no:randomly"]

    def outcome(*args: str, plugin: bool) -> tuple[str, str]:
        loading = ["-p", "conformance.plugin"] if plugin else []
        done = subprocess.run(
            [*base, *loading, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return done.stdout.split("EXAMPLES")[1].split("\n")[0], done.stdout

    for args in (
        [],
        ["--hypothesis-profile=ci"],
        ["--hypothesis-profile=dev"],
        ["--hypothesis-profile=default"],
    ):
        without, _ = outcome(*args, plugin=False)
        with_suite, output = outcome(*args, plugin=True)
        assert with_suite == without, (args, with_suite, without)
        assert "conformance:" not in output, output
    assert outcome("--hypothesis-profile=ci", plugin=True)[0].split() == ["1000", "DEFAULT", "1000"]
    assert outcome("--hypothesis-profile=dev", plugin=True)[0].split() == ["5", "DEFAULT", "5"]
