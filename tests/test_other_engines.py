"""Correct implementations that read the model's patterns with other regex engines pass the whole suite.

The suite promises never to fail a correct implementation, whichever engine it checks patterns with and
whether it searches them (Smithy's reading) or matches whole values.  Here the reference implementation
stands in for such implementations: with the Python ``re`` and Java readings the suite knows
(``spec.patterns``), and with real engines, a JVM's ``java.util.regex`` and Node's ``RegExp``
(``tests/external_engines.py``), which also hold the suite's own emulation of Java to the real thing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import strategies
from conformance.reference import ReferenceService, start_server
from conformance.spec import load_contract
from conformance.spec import patterns as dialects
from conformance.spec.validation import RequestValidator
from conformance.strategies.grammar import PROBE
from conformance.strategies.near_misses import near_misses
from conformance.strategies.paths import get_member
from tests.external_engines import available, java_engine, node_engine
from tests.suite_runner import run_suite

DOMAIN = "engine-domain"
CONTRACT = load_contract()
PATTERNED = [m for m in CONTRACT.members.values() if m.get("pattern")]
READINGS = [
    (dialect, semantics)
    for dialect in ("python", "python-ascii", "java")
    for semantics in ("search", "fullmatch")
]


def _passes(service: ReferenceService, semantics: str, storage: Path) -> None:
    with start_server(service) as server:
        options = ["--target-url", server.url, "--domain", DOMAIN, "--pattern-semantics", semantics]
        run = run_suite(*options, "-q", storage=storage)
    assert run.returncode == 0, run.output[-4000:]
    assert " passed" in run.output and "failed" not in run.output, run.output[-4000:]


@pytest.mark.parametrize(("dialect", "semantics"), READINGS, ids=[f"{d}-{s}" for d, s in READINGS])
def test_a_correct_implementation_with_another_dialect_passes(
    dialect: str, semantics: str, tmp_path: Path
) -> None:
    """Default checks and the reading it asks for: search-only values accepted or refused as it says."""
    _passes(ReferenceService(domains=[DOMAIN], semantics=semantics, dialect=dialect), semantics, tmp_path)


def _engine(name: str):  # noqa: ANN202 - RegexEngine
    if not available(name):
        pytest.skip(f"{name} is not installed")
    return java_engine() if name == "java" else node_engine()


@pytest.mark.parametrize("semantics", ["search", "fullmatch"])
@pytest.mark.parametrize("name", ["java", "node"])
def test_a_correct_implementation_on_a_real_engine_passes(name: str, semantics: str, tmp_path: Path) -> None:
    engine = _engine(name)
    validator = RequestValidator(CONTRACT, semantics, matcher=engine.matches)
    _passes(ReferenceService(domains=[DOMAIN], validator=validator), semantics, tmp_path)


def _pattern_values(member_path: str) -> list[str]:
    """Valid and invalid values of the member's pattern from the boundary catalogue, its near misses, and
    every probe character alone and after a valid value (where ``$`` and ``.`` readings differ)."""
    member = CONTRACT.member(member_path)
    values = []
    for case in strategies.boundary_cases():
        if case.constraint_id.startswith(member_path + ".") and case.request.body is not None:
            value = (
                case.request.domain
                if member_path == "DomainName"
                else _value_at(case.request.body, member_path)
            )
            if isinstance(value, str):
                values.append(value)
    values += [miss.value for miss in near_misses(member.get("pattern"), member.get("minLength", 0))]
    shortest = strategies.canonical_body(full=True)
    sample = _value_at(shortest, member_path) if member_path != "DomainName" else "a"
    values += list(PROBE) + [f"{sample}{char}" for char in PROBE] + [f"{sample}\r\n"]
    return list(dict.fromkeys(values))


def _value_at(body: dict, path: str) -> object:
    try:
        return get_member(body, path)
    except (KeyError, IndexError, StopIteration, TypeError):
        return None


@pytest.mark.parametrize("member_path", [m.path for m in PATTERNED])
def test_the_java_emulation_answers_as_a_real_jvm(member_path: str) -> None:
    engine = _engine("java")
    pattern = CONTRACT.member(member_path).get("pattern")
    for value in _pattern_values(member_path):
        for fullmatch in (False, True):
            emulated = dialects.matches(pattern, value, dialect="java", fullmatch=fullmatch)
            assert emulated == engine.matches(pattern, value, fullmatch), (pattern, value, fullmatch)


@pytest.mark.parametrize(
    "member_path", [m.path for m in PATTERNED if not dialects.matches_empty(m.get("pattern"))]
)
def test_near_misses_are_invalid_and_valid_values_valid_in_real_engines(member_path: str) -> None:
    """What the suite sends as a near miss has no match in Java or Node (with and without the u flag);
    what it sends as valid is a whole match in both."""
    java, node = _engine("java"), _engine("node")
    member = CONTRACT.member(member_path)
    pattern = member.get("pattern")
    for miss in near_misses(pattern, member.get("minLength", 0), member.get("maxLength", 1 << 30)):
        assert not java.matches(pattern, miss.value, False), miss.reason
        assert not node.matches(pattern, miss.value, False), miss.reason
        assert not node.matches(pattern, miss.value, False, flags=""), miss.reason
    for value in _pattern_values(member_path):
        if dialects.valid_in_every_reading(pattern, value):
            assert java.matches(pattern, value, True), value
            assert node.matches(pattern, value, True), value
            assert node.matches(pattern, value, True, flags=""), value
