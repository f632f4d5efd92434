"""spec/paths.py: the member-path grammar is spelled there once, and what it says about paths."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import conformance
import conformance.spec
import conformance.strategies
from conformance.spec import load_contract
from conformance.spec.paths import (
    ITEM,
    KEY,
    VALUE,
    child_of,
    collection_of,
    depth_of,
    in_collection,
    is_entry,
    is_item,
    is_key,
    is_value,
    item_of,
    join,
    key_of,
    last_step,
    parent_path,
    steps,
    value_of,
)

SPEC = Path(conformance.spec.__file__).resolve().parent
STRATEGIES = Path(conformance.strategies.__file__).resolve().parent
SUITE = Path(conformance.__file__).resolve().parent
GRAMMAR = SPEC / "paths.py"
# A string in code that is, or ends with, one of these spells the grammar by hand.
SPELLINGS = (ITEM, KEY, VALUE)


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of a module and of its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    found.add(id(body[0].value))
    return found


def grammar_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string constant in code (f-string parts included, docstrings not) that is
    or ends with ``[]``, ``<key>`` or ``<value>``."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and node.value.endswith(SPELLINGS)
    )


def _modules() -> list[Path]:
    return sorted(
        {path for root in (SPEC, STRATEGIES, SUITE) for path in root.rglob("*.py") if path != GRAMMAR}
    )


def test_the_scan_sees_every_folder() -> None:
    names = {path.relative_to(path.parents[1]).as_posix() for path in _modules()}
    assert {"spec/contract.py", "strategies/paths.py", "operation/values.py"} <= names
    assert {"core/ledger.py", "reference/operation_parse.py", "plugin/options.py"} <= names
    assert GRAMMAR.is_file() and GRAMMAR not in _modules()


def test_no_module_but_spec_paths_spells_the_grammar() -> None:
    found = [
        f"{path}:{line}: {text!r}"
        for path in _modules()
        for line, text in grammar_literals(path.read_text(encoding="utf-8"))
    ]
    assert not found, "use conformance.spec.paths instead of spelling a path by hand:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "code",
    [
        'schema = path + "[]"',
        'keys = contract.member(path + ".<key>")',
        'entry = f"{path}.<value>"',
        'ITEM = "[]"',
        'if path.endswith(("x", "<value>")):\n    pass',
        'def f(path):\n    """Doc."""\n    return path + ".<key>"',
    ],
)
def test_the_scan_finds_a_spelled_literal(code: str) -> None:
    assert grammar_literals(code)


def test_the_scan_leaves_docstrings_and_other_strings_alone() -> None:
    code = (
        '"""A module about ``Tags.<key>`` and ``Tasks[]``."""\n'
        "class C:\n"
        '    """``M.<value>``"""\n'
        "    def f(self):\n"
        '        """``A[]``"""\n'
        '        return "[0]", "a[]b", "key"\n'
    )
    assert grammar_literals(code) == []
    assert grammar_literals(GRAMMAR.read_text(encoding="utf-8")), "spec/paths.py spells the grammar"


# -- the grammar ---------------------------------------------------------------------------------------------
def test_steps_and_join_are_inverses() -> None:
    cases = {
        "A": ["A"],
        "A.B[].C": ["A", "B", ITEM, "C"],
        "Tags.<key>": ["Tags", KEY],
        "A.M.<value>.L[]": ["A", "M", VALUE, "L", ITEM],
        "Grid[][]": ["Grid", ITEM, ITEM],
        "Response.Items[].Tags.<value>": ["Response", "Items", ITEM, "Tags", VALUE],
    }
    for path, parts in cases.items():
        assert steps(path) == parts
        assert join(parts) == path


def test_a_child_is_one_step_below() -> None:
    assert child_of("Tasks", ITEM) == item_of("Tasks") == "Tasks[]"
    assert child_of("Tags", KEY) == key_of("Tags") == "Tags.<key>"
    assert child_of("Tags", VALUE) == value_of("Tags") == "Tags.<value>"
    assert child_of("A.B", "C") == "A.B.C"
    assert child_of("", "A") == "A"


def test_parent_and_last_step() -> None:
    assert parent_path("A.B[]") == "A.B"
    assert parent_path("A.B[][]") == "A.B[]"
    assert parent_path("M.<key>") == parent_path("M.<value>") == "M"
    assert parent_path("A.B") == "A"
    assert parent_path("A") == "Body"
    assert parent_path("Response.Arn") == "Response"
    assert parent_path("Body") is None and parent_path("Response") is None
    assert last_step("A.B") == "B" and last_step("A.B[]") == ITEM
    assert last_step("M.<key>") == KEY and last_step("A") == "A"


def test_items_keys_values_and_their_collection() -> None:
    assert is_item("A.L[]") and not is_item("A.L") and not is_item("M.<value>")
    assert is_key("M.<key>") and not is_key("M.<value>") and not is_key("Tasks[]")
    assert is_value("M.<value>") and not is_value("M.<key>")
    assert is_entry("M.<key>") and is_entry("M.<value>") and not is_entry("L[]")
    assert collection_of("A.L[]") == "A.L" and collection_of("L[][]") == "L[]"
    assert collection_of("A.M.<key>") == collection_of("A.M.<value>") == "A.M"
    with pytest.raises(ValueError):
        collection_of("A.B")
    assert in_collection("L[].A") and in_collection("M.<key>") and in_collection("A.M.<value>.B")
    assert not in_collection("A.B.C") and not in_collection("Body")


def test_depth_below_the_top_level() -> None:
    assert depth_of("Name") == depth_of("Body") == depth_of("Response") == 0
    assert depth_of("Response.Arn") == depth_of("Body.Body") == 0
    assert depth_of("A.B") == 1 and depth_of("A.L[]") == 2 and depth_of("A.M.<value>") == 2
    assert depth_of("Response.Items[].Name") == 2


def test_the_contract_is_written_in_the_grammar() -> None:
    """Every list of the flagship's contract has its item, every map its key and value, and each member
    is one step below its parent."""
    contract = load_contract()
    for path, member in contract.members.items():
        assert join(steps(path)) == path
        if member.type == "list":
            assert collection_of(item_of(path)) == path and item_of(path) in contract.members
        if member.type == "map":
            assert key_of(path) in contract.members and value_of(path) in contract.members
        parent = parent_path(path)
        if parent is not None:
            assert parent in contract.members
            assert member in contract.children(parent)
            assert member.name == last_step(path)
            if parent != "Body":
                assert child_of(parent, last_step(path)) == path
