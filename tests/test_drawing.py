"""strategies/drawing.py: the choice path (a ``SearchStrategy`` whose drawers make bare choices) and the
public-strategy path it falls back to draw the same values and shrink alike, and the choice path is
taken on the Hypothesis versions it was tested on."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from conformance.strategies import drawing

ROOT = Path(__file__).resolve().parents[1]
# Enough examples for Hypothesis to exhaust each small domain below (it stops once it has seen them all).
EXHAUST = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck), database=None)
ALPHABET = "xyzé"


@pytest.fixture(params=["choices", "public"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Builds the strategies of a test on the choice path, or on the public path it falls back to."""
    if request.param == "choices" and not drawing.FAST_PATH:
        pytest.skip(f"Hypothesis {hypothesis.__version__} is outside {drawing.TESTED_HYPOTHESIS}")
    monkeypatch.setattr(drawing, "FAST_PATH", request.param == "choices")
    yield request.param


def _values(strategy: st.SearchStrategy[Any]) -> set[Any]:
    seen: set[Any] = set()

    @EXHAUST
    @given(strategy)
    def collect(value: Any) -> None:
        seen.add(value)

    collect()
    return seen


def _sources(drawer: drawing.Drawer[Any]) -> tuple[drawing.Drawer[Any], list[bool]]:
    """``drawer``, recording for each draw whether its ``draw`` carried the choices."""
    sources: list[bool] = []

    def recorded(draw: Any) -> Any:
        sources.append(drawing._choice_source(draw) is not None)
        return drawer(draw)

    return recorded, sources


def test_the_choice_path_is_taken_on_the_tested_versions_only() -> None:
    lowest, newest = drawing.TESTED_HYPOTHESIS
    installed = hypothesis.__version_info__[:3]
    if lowest <= installed <= newest:
        assert drawing.FAST_PATH, f"Hypothesis {hypothesis.__version__} was tested, yet falls back"
        assert drawing.choices_supported(lowest) and drawing.choices_supported(newest)
    assert not drawing.choices_supported((lowest[0], lowest[1] - 1, 0))
    assert not drawing.choices_supported((newest[0], newest[1] + 1, 0))
    assert not drawing.choices_supported((newest[0] + 1, 0, 0))


@pytest.mark.parametrize(
    "make, domain",
    [
        (lambda: drawing.pick(["a", "b", "c"]), {"a", "b", "c"}),
        (lambda: drawing.index_drawer(7), set(range(7))),
        (lambda: drawing.index_drawer(1), {0}),
        (lambda: drawing.first_draw([1, 2], may_be_absent=True), {drawing.ABSENT, 1, 2}),
        (
            lambda: drawing.text_drawer(st.characters(categories=(), include_characters=ALPHABET), 2),
            {a + b for a in ALPHABET for b in ALPHABET},
        ),
    ],
    ids=["pick", "index", "index of one", "first draw", "text run"],
)
def test_each_path_draws_the_whole_domain_and_nothing_else(path: str, make: Any, domain: set) -> None:
    drawer, sources = _sources(make())
    strategy = drawing.drawn(drawer, f"domain on the {path} path")
    assert isinstance(strategy, drawing._Drawn) == (path == "choices")
    assert _values(strategy) == domain
    assert sources and all(sources) == (path == "choices") and any(sources) == (path == "choices")


def test_each_path_picks_a_branch_of_one_of_and_shrinks_to_the_first(path: str) -> None:
    strategy = drawing.one_of([st.just("first"), st.integers(0, 2), st.sampled_from("pq")], f"{path} one_of")
    assert _values(strategy) == {"first", 0, 1, 2, "p", "q"}
    quiet = settings(database=None, suppress_health_check=list(HealthCheck))
    assert find(strategy, lambda value: True, settings=quiet) == "first"
    assert find(strategy, lambda value: value != "first", settings=quiet) == 0


def test_each_path_shrinks_a_structure_to_its_smallest_parts(path: str) -> None:
    """A list of picks in a span of its own, as bodies.py builds a list member: it shrinks to the fewest
    items with the first values, whichever path drew it."""
    item = drawing.pick(["a", "b", "c"])
    sizes = drawing.index_drawer(6)
    items = drawing.drawn(lambda draw: [item(draw) for _ in range(sizes(draw))], f"{path} items")
    pair = drawing.drawn(lambda draw: (draw(items), draw(items)), f"{path} pair")
    quiet = settings(database=None, max_examples=2000, suppress_health_check=list(HealthCheck))
    assert find(pair, lambda value: "c" in value[1], settings=quiet) == ([], ["c"])
    assert find(pair, lambda value: len(value[0]) >= 3, settings=quiet) == (["a", "a", "a"], [])


def test_a_span_label_is_the_name_and_the_same_in_every_process() -> None:
    """The mutator copies a span over others with its label: spans of one name (a Task and another Task)
    share it, spans of two names do not, and a stored example's labels mean the same in the next run."""
    if not drawing.FAST_PATH:
        pytest.skip(f"Hypothesis {hypothesis.__version__} is outside {drawing.TESTED_HYPOTHESIS}")
    task = drawing.drawn(drawing.pick([1, 2]), "Tasks[]")
    assert task.label == drawing.drawn(drawing.pick(["x"]), "Tasks[]").label
    assert task.label != drawing.drawn(drawing.pick([1, 2]), "Tags").label
    script = (
        "from conformance.strategies import drawing\n"
        "print(drawing.drawn(drawing.pick([0]), 'Tasks[]').label)\n"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-c", script]
        out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert int(out.stdout) == task.label


def test_the_public_path_generates_valid_and_invalid_requests() -> None:
    """With the choice path switched off before anything is built, the suite's strategies make no strategy
    of their own class and still draw valid requests, and invalid ones that break what they name."""
    script = (
        "from conformance.strategies import drawing\n"
        "drawing.FAST_PATH = False\n"
        "def refuse(*args, **kwargs):\n"
        "    raise AssertionError('a choice-path strategy was built with the choice path off')\n"
        "drawing._Drawn.__init__ = refuse\n"
        "from hypothesis import HealthCheck, given, settings\n"
        "from conformance import strategies\n"
        "from conformance.spec import load_contract\n"
        "from conformance.spec.validation import RequestValidator\n"
        "readings = [RequestValidator(load_contract(), s) for s in ('search', 'fullmatch')]\n"
        "def broken(request, reading):\n"
        "    if request.raw_body is not None:\n"
        "        return {v.constraint_id for v in reading.raw_body_violations(request.raw_body)[1]}\n"
        "    domain = 'conformance-domain' if request.domain is None else request.domain\n"
        "    return reading.violated_ids(domain, request.body)\n"
        "quick = settings(max_examples=60, deadline=None, database=None,\n"
        "                 suppress_health_check=list(HealthCheck))\n"
        "@quick\n"
        "@given(strategies.valid_requests(domains=strategies.valid_domain_names()))\n"
        "def valid(request):\n"
        "    assert all(broken(request, r) == set() for r in readings)\n"
        "@quick\n"
        "@given(strategies.invalid_requests())\n"
        "def invalid(case):\n"
        "    assert all(broken(case.request, r) == case.breaks for r in readings), case.reason\n"
        "valid()\n"
        "invalid()\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=600)


def test_a_run_on_an_untested_hypothesis_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drawing, "FAST_PATH", True)
    assert drawing.public_path_note() is None
    monkeypatch.setattr(drawing, "FAST_PATH", False)
    note = drawing.public_path_note()
    assert note is not None and "\n" not in note
    assert hypothesis.__version__ in note and "6.100.0 to" in note and "public strategies" in note
