"""The models' patterns that only Java and ECMA-262's ``u`` mode read as written: Unicode properties
(``\\p{L}``, ``\\P{C}``, ``\\p{Punct}``), Java's code-point escapes (``\\x{60}``, a ``\\uD800\\uDC00`` pair),
an inline flag group in mid-pattern (``(?!(?i)AWS_)``), Java's ``\\z`` and ``\\v``.

``spec.patterns`` reads them for Java by rewriting them for Python's ``re`` and for ECMA-262 in ``u`` mode;
here those readings are held to facts about the engines and, where a JVM and Node are installed, to the
engines themselves over every such pattern of the installed botocore's rest-json models.  A reading that
is wrong in either direction is a false verdict: a valid value sent as invalid, or an invalid one as valid.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from conformance.spec import patterns as dialects
from conformance.spec.operation import rest_json_services, service_model
from tests.external_engines import available, java_engine, node_engine

# What Java's regex reads differently from Python's ``re``, or Python cannot read at all.
JAVA_ONLY = re.compile(r"\\[pP]|\\x\{|\\u[dD][89abAB]|.\(\?[imsx]+\)|\\[zZv]")
# Letters, digits, marks and separators of several scripts and categories, controls, format characters,
# no-break spaces, line terminators, astral characters, and the ASCII punctuation.
# fmt: off
PROBES = (
    "abc", "A", "z9", "_", "-", " ", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "\x85", "\xa0", "é", "É",
    "ß", "中", "١", "½", "\u0301", "a\u0301", "\u2028", "\u200b", "\u2007", "\u3000", "😀", "𝄞", "ǅ", "ʰ",
    "Ⅻ", "€", "`", "{", "}", "$", "+", "'", '"', "/", "\\", ".", ":", "=", "@", "!", "~", "AWS_x",
    "aws_x", "x", "https://a.example", "abc\n", "a b", "Ab1-_.",
)
# fmt: on


@cache
def model_patterns() -> tuple[str, ...]:
    """Every pattern of the rest-json models that uses what only Java and ECMA's ``u`` mode read."""
    found: set[str] = set()
    for service in rest_json_services():
        for shape in service_model(service)._shape_resolver._shape_map.values():  # noqa: SLF001
            pattern = shape.get("pattern")
            if pattern and JAVA_ONLY.search(pattern):
                found.add(pattern)
    return tuple(sorted(found))


# -- facts about Java's reading ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        (r"\p{L}+", "éA中", True),
        (r"\p{L}+", "a1", False),
        (r"\P{C}+", "a é😀", True),
        (r"\P{C}+", "a\x01", False),
        (r"[^\p{Cc}]+", "\u200b", True),  # a format character is no control
        (r"\p{Punct}+", "!~", True),
        (r"\p{Punct}+", "«", False),  # POSIX classes are ASCII in Java
        (r"\p{Alpha}+", "é", False),
        (r"\p{IsWhitespace}", "\xa0", True),  # Unicode's White_Space holds the no-break spaces...
        (r"\p{javaWhitespace}", "\xa0", False),  # ...Character.isWhitespace does not
        (r"[\x{60}]", "`", True),
        (r"[\uD800\uDC00-\uDBFF\uDFFF]", "😀", True),  # a pair of escapes is one code point
        (r"(?!(?i)AWS_)[a-zA-Z_]+", "aws_x", False),  # the flag applies to the rest of its group only
        (r"(?!(?i)AWS_)[a-zA-Z_]+", "AWSX", True),
        (r"(?!(?i)AWS_)A[a-z]+", "Abc", True),
        (r"[\v]", "\u2028", True),  # Java's \v is every vertical space
    ],
)
def test_java_reading_of_java_constructs(pattern: str, value: str, expected: bool) -> None:
    assert "java" in dialects.readable_dialects(pattern)
    assert dialects.matches(pattern, value, dialect="java", fullmatch=True) is expected


@pytest.mark.parametrize(("pattern", "expected"), [(r"a\z", False), (r"a\Z", True)])
def test_java_end_anchors(pattern: str, expected: bool) -> None:
    r"""Searched in ``a`` and a final newline: ``\z`` is the very end, ``\Z`` allows the terminator."""
    assert dialects.matches(pattern, "a\n", dialect="java", fullmatch=False) is expected


def test_an_inline_flag_before_an_alternation_is_not_read() -> None:
    """``(a(?i)b|c)``: Java's flag reaches into ``c`` too; no scoped group says that, so no reading."""
    assert "java" not in dialects.readable_dialects("(a(?i)b|c)")


def test_an_unknown_property_is_not_read() -> None:
    assert "java" not in dialects.readable_dialects(r"\p{IsAlphabetic}+")


@pytest.mark.parametrize(("pattern", "value"), [(r"\P{C}+", "abc"), (r"[\p{L}\-']+", "O'Neil-é")])
def test_ecma_reads_properties_in_u_mode(pattern: str, value: str) -> None:
    """Without ``u``, ``\\P{C}`` is the letters ``P{C}``: no implementation means that."""
    assert dialects.matches(pattern, value, dialect="ecma", fullmatch=True)
    assert not dialects.matches(pattern, "P{C}", dialect="ecma", fullmatch=True) or "P" in pattern


def test_the_models_patterns_of_unicode_classes_have_a_reading() -> None:
    """The fix this file guards: these patterns were read by ECMA without ``u`` alone, which found no
    valid value for ``\\P{C}+`` and called ``abc`` invalid for ``[\\p{L}]+``.  Now Java reads each of
    them (ECMA's ``u`` mode too, where it knows the property); only ``\\p{IsAlphabetic}`` (Unicode's
    Alphabetic, which Python's ``unicodedata`` cannot spell) is read by neither, and its members are
    judged by no pattern reading."""
    unread = [
        p
        for p in model_patterns()
        if dialects.uses_properties(p) and "java" not in dialects.readable_dialects(p)
    ]
    assert all("IsAlphabetic" in p for p in unread), unread
    assert all(not dialects.readable_dialects(p) for p in unread), unread


# -- the engines themselves ---------------------------------------------------------------------------------
def test_java_reading_answers_as_a_real_jvm() -> None:
    if not available("java"):
        pytest.skip("java and javac are not both on PATH, so java.util.regex cannot be asked")
    java = java_engine()
    wrong = []
    for pattern in model_patterns():
        if "java" not in dialects.readable_dialects(pattern):
            continue
        assert java.compiles(pattern), pattern
        for value in PROBES:
            for fullmatch in (False, True):
                emulated = dialects.matches(pattern, value, dialect="java", fullmatch=fullmatch)
                if emulated != java.matches(pattern, value, fullmatch):
                    wrong.append((pattern, value, fullmatch, emulated))
    assert not wrong, wrong[:20]


def test_ecma_reading_answers_as_node_in_u_mode() -> None:
    if not available("node"):
        pytest.skip("node is not on PATH, so V8's RegExp cannot be asked")
    node = node_engine()
    wrong = []
    for pattern in model_patterns():
        if not dialects.uses_properties(pattern) or "ecma" not in dialects.readable_dialects(pattern):
            continue
        for value in PROBES:
            for fullmatch in (False, True):
                emulated = dialects.matches(pattern, value, dialect="ecma", fullmatch=fullmatch)
                if emulated != node.matches(pattern, value, fullmatch, flags="u"):
                    wrong.append((pattern, value, fullmatch, emulated))
    assert not wrong, wrong[:20]


# -- the embedded reference's reading -----------------------------------------------------------------------
def test_the_reference_reads_a_pattern_its_dialect_cannot_as_java_does() -> None:
    """opensearch's ChangeId is ``\\p{XDigit}{8}-...``: ECMA's ``u`` mode knows no ``XDigit``, so the
    reference (ECMA by default) reads it as Java does and refuses what Java refuses, as the suite expects;
    it once let every value through."""
    from conformance.reference.operation_checks import ConstraintChecker
    from conformance.spec.operation import load_operation

    contract = load_operation("opensearch:DescribeDomainChangeProgress")
    pattern = contract.member("ChangeId").get("pattern")
    assert dialects.readable_dialects(pattern) == ("java",)
    checker = ConstraintChecker(contract)
    assert [v.constraint_id for v in checker.violations("ChangeId", "!" * 36)] == ["ChangeId.pattern"]
    assert checker.violations("ChangeId", "0123abcd-0123-4567-89ab-cdefABCDEF01") == []


@pytest.mark.parametrize("source", ["hypothesis", "built"])
def test_the_category_table_puts_every_code_point_in_its_category(source: str, monkeypatch) -> None:
    """The table behind ``\\p{L}``-style readings, read from Hypothesis's stored table or, where that is
    not there, built from runs of one category: each code point is in the ranges of its own general
    category and of its group, and in no other."""
    import unicodedata

    import hypothesis.internal.charmap

    if source == "built":
        monkeypatch.setattr(hypothesis.internal.charmap, "charmap", None)  # calling it raises TypeError
    dialects._categories.cache_clear()
    try:
        table = dialects._categories()
    finally:
        dialects._categories.cache_clear()
    owner: dict[str, int] = {}
    for name, spans in table.items():
        covered = sum(high - low + 1 for low, high in spans)
        owner[name] = covered
        assert all(low <= high for low, high in spans), name
        assert all(a[1] + 1 < b[0] for a, b in zip(spans, spans[1:], strict=False)), name  # merged, sorted
    two_letters = [name for name in table if len(name) == 2]
    assert sum(owner[name] for name in two_letters) == 0x110000
    for code in range(0, 0x110000, 97):  # a spread of code points, every plane
        category = unicodedata.category(chr(code))
        for name in (category, category[0]):
            assert any(low <= code <= high for low, high in table[name]), (hex(code), name)
