"""The suite passes the reference implementation and catches every mutant in tests/zoo.py, naming what
each one breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.reference import ReferenceService, start_server
from tests.suite_runner import run_suite
from tests.zoo import DOMAIN, Mutant
from tests.zoo_near import ALL_MUTANTS


def test_reference_passes_the_whole_suite(tmp_path: Path) -> None:
    with start_server(ReferenceService(domains=[DOMAIN])) as server:
        run = run_suite("--target-url", server.url, "--domain", DOMAIN, "-q", storage=tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    assert " passed" in run.output and "failed" not in run.output


def test_embedded_reference_passes_in_parallel(tmp_path: Path) -> None:
    """The README's main job, under pytest-xdist: each worker starts its own reference."""
    run = run_suite("-q", "-n", "2", storage=tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    assert " passed" in run.output
    # The header comes from the workers' collection, which the controller hears of.
    assert "conformance: target the embedded reference implementation" in run.output


@pytest.mark.parametrize("mutant", ALL_MUTANTS, ids=lambda mutant: mutant.name)
def test_suite_catches_the_mutant(mutant: Mutant, tmp_path: Path) -> None:
    extra = ["--request-timeout", str(mutant.request_timeout)] if mutant.request_timeout else []
    with start_server(mutant.service()) as server:
        run = run_suite("--target-url", server.url, "--domain", DOMAIN, "-x", "-q", *extra, storage=tmp_path)
    assert run.returncode == 1, f"the suite did not catch {mutant.name!r}:\n{run.output[-3000:]}"
    assert "= FAILURES =" in run.output, f"the run ended without a failure report:\n{run.output[-3000:]}"
    failure_report = run.output[run.output.find("= FAILURES =") :]
    assert mutant.breaks in failure_report, (
        f"the failure does not name {mutant.breaks!r}:\n{failure_report[:4000]}"
    )


def test_an_over_full_map_shrinks_at_once_to_fixed_keys(tmp_path: Path) -> None:
    """A target that takes 51 tags fails Tags.maxItems with the simplest such map: letter keys, empty
    values.  Fifty-one drawn keys shrank for Hypothesis's five-minute limit (simplified keys collide) and
    ended on an odd map."""
    from tests.zoo import ignoring

    test_id = "conformance/properties/test_invalid.py::test_invalid_request_is_rejected[Tags.maxItems]"
    with start_server(ignoring("Tags.maxItems")()) as server:
        run = run_suite(
            "--target-url", server.url, "--domain", DOMAIN, "-q", "-k", "invalid and Tags.maxItems",
            storage=tmp_path, timeout=240,
        )  # fmt: skip
    assert run.failed_tests == [test_id], run.output[-3000:]
    letters = ",".join(f'"k{c}":""' for c in "abcdefghijklmnopqrstuvwxyz")
    assert f'"Tags":{{{letters},"kba":""' in run.output, run.output[-3000:]
    assert "too long to shrink" not in run.output


def test_a_413_for_a_large_valid_body_fails_under_lenient_expectations_too(tmp_path: Path) -> None:
    """``--expect lenient`` lets a valid request get an error the model lists; a 413 is none it lists."""
    from tests.zoo import overriding

    with start_server(overriding(MAX_BODY_BYTES=100 * 1024)()) as server:
        run = run_suite(
            "--target-url", server.url, "--domain", DOMAIN, "--expect", "lenient", "-q",
            "-k", "boundary and Body.type", storage=tmp_path,
        )  # fmt: skip
    assert run.returncode == 1, run.output[-3000:]
    assert "the model sets no limit on a body's size" in run.output, run.output[-3000:]


def test_a_boundary_test_failing_on_another_property_says_so_first(tmp_path: Path) -> None:
    """``DomainName.minLength``'s valid edge sent to a target that takes every domain as existing: the
    test is about the minimum length, what broke is domain existence, and the first line says both."""
    from tests.zoo import overriding

    with start_server(overriding(domain_exists=lambda self, domain: True)()) as server:
        run = run_suite(
            "--target-url", server.url, "--domain", DOMAIN, "-q",
            "-k", "boundary and DomainName.minLength", storage=tmp_path,
        )  # fmt: skip
    report = run.output[run.output.index("_ test_boundary_cases[DomainName.minLength] _") :]
    lines = [line for line in report.splitlines()[1:] if line.strip()]
    assert lines[0].startswith("About: the edges of DomainName.minLength: its valid edge"), report[:2000]
    assert lines[1] == "Broken: domain existence", report[:2000]
    assert "Valid: 1 characters, the minimum" in report and "Fault: 1 characters" not in report
