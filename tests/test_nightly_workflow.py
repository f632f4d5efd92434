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
        failing = "conformance/test_invalid.py::test_invalid_request_is_rejected[WorkflowType.enum]"
        assert first.failed_tests == [failing], first.output[-3000:]
        assert list((tmp_path / "examples").rglob("*")), "the failing example was not kept"
        second = run_suite(*args, *selection, storage=tmp_path, env={"CI": "true"})
    assert second.failed_tests == first.failed_tests, second.output[-3000:]
    # Replayed first: the failing test's first request fails (the preflight and nothing else before it).
    assert second.requests_to_first_failure in (1, 2), second.output[-3000:]


def test_other_tests_in_the_environment_keep_their_hypothesis_settings(tmp_path: Path) -> None:
    """The plugin is installed for every pytest run in the environment; only the suite's own modules switch
    to its default profile, dev (12 examples), when no --hypothesis-profile is given."""
    import os
    import subprocess
    import sys

    from hypothesis import settings

    (tmp_path / "test_elsewhere.py").write_text(
        "from hypothesis import settings\n\n"
        "def test_profile():\n    print('EXAMPLES', settings.default.max_examples)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("CI", None)
    command = [sys.executable, "-m", "pytest", "-p", "conformance.plugin", "-p", "no:cacheprovider", "-sq"]

    def examples(*args: str, ci: bool = False) -> int:
        run = {"cwd": tmp_path, "text": True, "capture_output": True, "timeout": 99}
        done = subprocess.run([*command, *args], env={**env, "CI": "true"} if ci else env, **run)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return int(done.stdout.split("EXAMPLES ")[1].split()[0])

    # With CI set Hypothesis loads its own "ci" profile, which the suite's "ci" must not replace.
    assert examples("test_elsewhere.py") == settings.get_profile("default").max_examples
    assert examples("test_elsewhere.py", ci=True) == settings.get_profile("default").max_examples
    # Collected after one of the suite's modules (which is not run), the same test runs under dev.
    suite_module = str(ROOT / "conformance" / "test_responses.py")
    assert examples(suite_module, "test_elsewhere.py", "-k", "test_profile") == 12
