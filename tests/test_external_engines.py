"""The bridges to Java's and Node's regex engines, checked against facts about those engines.

Each fact is one where the engines differ from each other or from Python's ``re``, so a bridge that
quietly used the wrong engine, the wrong flags or the wrong wrapping for fullmatch would fail here; the
round-trip cases check that the JSON between Python and the engine loses nothing (astral characters, lone
surrogates, quotes, backslashes, line terminators).  One shared process per engine serves the whole file.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.external_engines import (
    EngineError,
    EngineTimeout,
    PatternError,
    RegexEngine,
    available,
    ecmascript_literal,
    java_engine,
    java_literal,
    node_engine,
)

# Everything JSON must escape or could mangle: quotes, backslashes, controls, line terminators of several
# conventions, non-ASCII, an astral character (a surrogate pair in UTF-16) and a NUL.
AWKWARD = 'say "hi"\\ \\n\\u0041 /\n\r\n\t\b\f\x00\x7f\x85\u2028\u2029 é ü 中 😀 𝄞 end'


@pytest.fixture(scope="module")
def java() -> RegexEngine:
    if not available("java"):
        pytest.skip("java and javac are not both on PATH, so java.util.regex cannot be asked")
    return java_engine()


@pytest.fixture(scope="module")
def node() -> RegexEngine:
    if not available("node"):
        pytest.skip("node is not on PATH, so V8's RegExp cannot be asked")
    return node_engine()


# -- Java --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["abc", "abc\n", "abc\r\n", "abc\r", "abc\u2028", "abc\u0085"])
def test_java_dollar_matches_before_a_final_line_terminator(java: RegexEngine, value: str) -> None:
    assert java.matches("^[a-z]+$", value, fullmatch=False)


@pytest.mark.parametrize("value", ["abc\nx", "abc\n\n", "abc\r\n\r\n"])
def test_java_dollar_is_not_multiline(java: RegexEngine, value: str) -> None:
    assert not java.matches("^[a-z]+$", value, fullmatch=False)


def test_java_fullmatch_does_not_allow_the_final_line_terminator(java: RegexEngine) -> None:
    """``matches()`` needs the whole value, so the terminator ``find()`` tolerates before ``$`` is not."""
    assert not java.matches("[a-z]+", "abc\n", fullmatch=True)
    assert java.matches("[a-z]+", "abc", fullmatch=True)


def test_java_dot_excludes_nel_where_python_re_does_not(java: RegexEngine) -> None:
    assert not java.matches(".", "\u0085", fullmatch=True)
    assert not java.matches(".", "\u2028", fullmatch=True)
    assert re.fullmatch(".", "\u0085") is not None


def test_java_shorthand_classes_are_ascii(java: RegexEngine) -> None:
    assert not java.matches("\\s", "\u00a0", fullmatch=False)
    assert not java.matches("\\w", "é", fullmatch=False)
    assert java.matches("\\s", "\u000b", fullmatch=False)  # Java's \s is exactly [ \t\n\x0B\f\r]
    assert re.fullmatch(r"\w", "é") is not None


def test_java_dot_takes_an_astral_character_whole(java: RegexEngine) -> None:
    assert java.matches(".", "😀", fullmatch=True)
    assert not java.matches("..", "😀", fullmatch=True)


def test_java_syntax_errors(java: RegexEngine) -> None:
    with pytest.raises(PatternError, match="Unclosed group"):
        java.matches("(", "", fullmatch=False)
    assert not java.compiles("a)|(b")
    assert not java.compiles("\\y")  # a backslash before a letter without a meaning is an error
    assert java.compiles("\\p{L}+")


def test_java_takes_no_flags(java: RegexEngine) -> None:
    with pytest.raises(ValueError, match="no flags"):
        java.matches("a", "a", fullmatch=True, flags="i")


# -- Node --------------------------------------------------------------------------------------------------
def test_node_dollar_is_the_end_only(node: RegexEngine) -> None:
    assert not node.matches("^[a-z]+$", "abc\n", fullmatch=False)
    assert node.matches("^[a-z]+$", "abc", fullmatch=False)


@pytest.mark.parametrize("value", ["\ufeff", "\u00a0", "\u2028", "\u3000", "\u000b"])
def test_node_whitespace_class_is_unicode(node: RegexEngine, value: str) -> None:
    assert node.matches("\\s", value, fullmatch=False)


def test_node_dot_with_and_without_u(node: RegexEngine) -> None:
    assert node.matches(".", "😀", fullmatch=True)
    assert not node.matches(".", "😀", fullmatch=True, flags="")
    assert node.matches("..", "😀", fullmatch=True, flags="")  # two UTF-16 code units without u
    assert not node.matches(".", "\n", fullmatch=True)


def test_node_fullmatch_wraps_only_a_pattern_that_compiles_alone(node: RegexEngine) -> None:
    """``^(?:a)|(b)$`` compiles, but it is not the pattern ``a)|(b``: that one must stay an error."""
    with pytest.raises(PatternError):
        node.matches("a)|(b", "a", fullmatch=True)
    assert node.matches("a|b", "b", fullmatch=True)
    assert not node.matches("a|b", "ab", fullmatch=True)


def test_node_annex_b_grammar_without_u(node: RegexEngine) -> None:
    assert not node.compiles("\\-")
    assert node.compiles("\\-", flags="")
    assert node.matches("\\p{L}", "p{L}", fullmatch=True, flags="")  # not a property escape without u
    assert node.matches("\\p{L}", "é", fullmatch=True)


def test_node_rejects_unknown_flags(node: RegexEngine) -> None:
    with pytest.raises(EngineError, match="invalid flags"):
        node.matches("a", "a", fullmatch=True, flags="q")


def test_node_timeout_kills_and_restarts() -> None:
    """Catastrophic backtracking must cost one timeout, not a hung test run, and the engine must recover."""
    if not available("node"):
        pytest.skip("node is not on PATH, so V8's RegExp cannot be asked")
    with RegexEngine("node", timeout=0.5) as engine:
        with pytest.raises(EngineTimeout, match="killed"):
            engine.matches("(a+)+b", "a" * 64, fullmatch=True)
        assert engine.matches("a+", "aaa", fullmatch=True)


# -- both: the JSON between Python and the engines ---------------------------------------------------------
def test_awkward_values_round_trip(java: RegexEngine, node: RegexEngine) -> None:
    assert java.matches("[\\s\\S]*", AWKWARD, fullmatch=True)
    assert java.matches(java_literal(AWKWARD), AWKWARD, fullmatch=True)
    assert not java.matches(java_literal(AWKWARD), AWKWARD[:-1], fullmatch=True)
    assert node.matches("[\\s\\S]*", AWKWARD, fullmatch=True)
    for flags in ("u", ""):
        assert node.matches(ecmascript_literal(AWKWARD), AWKWARD, fullmatch=True, flags=flags)
        assert not node.matches(ecmascript_literal(AWKWARD), AWKWARD + "x", fullmatch=True, flags=flags)


def test_astral_characters_count_once_in_both(java: RegexEngine, node: RegexEngine) -> None:
    """A pair escaped as ``\\ud83d\\ude00`` must arrive as one character, not two halves."""
    value = "a😀b𝄞"
    for engine in (java, node):
        assert engine.matches(".{4}", value, fullmatch=True)
        assert not engine.matches(".{5}", value, fullmatch=True)


@pytest.mark.parametrize("surrogate", ["\ud800", "\udfff"])
def test_lone_surrogates_arrive_as_themselves(java: RegexEngine, node: RegexEngine, surrogate: str) -> None:
    value = f"x{surrogate}y"
    for engine in (java, node):
        assert engine.matches("x.y", value, fullmatch=True)
        assert engine.matches(surrogate, value, fullmatch=False)
        assert not engine.matches("x..y", value, fullmatch=True)


def test_threads_share_an_engine(java: RegexEngine, node: RegexEngine) -> None:
    cases = [(engine, f"^a{{{n}}}$", "a" * m) for engine in (java, node) for n in range(8) for m in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda case: case[0].matches(case[1], case[2], fullmatch=False), cases))
    assert answers == [len(value) == int(pattern[3:-2]) for _, pattern, value in cases]
