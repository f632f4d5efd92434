"""Real regex engines, Java's ``java.util.regex`` and Node's ``RegExp``, as a test can ask them.

The suite reads the model's patterns as ECMA-262 regexes, and it sorts values into "valid under every
reading" and "invalid under every reading" of a pattern.  Those claims are about what real services do,
so the suite's own tests check them against the engines real services use rather than against Python
imitations: a Java service validates with ``Pattern.compile(pattern).matcher(value).matches()`` (or
``find()``), a Node one with ``new RegExp(pattern, "u").test(value)``.  The same engines let a reference
server check patterns exactly as such a service would.

Each engine is one long-running subprocess speaking JSON lines (``tests/engines/``), started on first use
and shared by threads under a lock; a JVM start costs half a second, a request a few microseconds.
Answers are cached.  No call waits longer than its timeout: an engine that takes longer (catastrophic
backtracking, say) is killed, the call raises ``EngineTimeout``, and the next call starts a fresh process.
Requests are encoded with ``ensure_ascii=True``, so lone surrogates travel as ``\\uXXXX`` escapes and reach
both engines as the lone UTF-16 code units a JSON-decoding service would see.

The I/O uses non-blocking pipes and ``selectors``, so this module works on POSIX systems only.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import selectors
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Final, Literal, NoReturn

__all__ = [
    "ENGINES",
    "EngineError",
    "EngineName",
    "EngineTimeout",
    "EngineUnavailable",
    "PatternError",
    "RegexEngine",
    "available",
    "ecmascript_literal",
    "java_engine",
    "java_literal",
    "node_engine",
]

EngineName = Literal["java", "node"]
ENGINES: Final[tuple[EngineName, ...]] = ("java", "node")

ENGINE_DIR: Final = Path(__file__).resolve().parent / "engines"
JAVA_SOURCE: Final = ENGINE_DIR / "RegexEngine.java"
NODE_SOURCE: Final = ENGINE_DIR / "regex_engine.js"

DEFAULT_TIMEOUT: Final = 10.0  # seconds a request may take, writing it and reading its answer
STARTUP_TIMEOUT: Final = 60.0  # seconds for a process to start and answer a handshake (a loaded CI box)
COMPILE_TIMEOUT: Final = 120.0  # seconds for javac
DEFAULT_CACHE_SIZE: Final = 200_000  # cached answers per engine; the oldest go first beyond this
STDERR_TAIL: Final = 4000  # characters of an engine's stderr quoted when it dies

# The executables each engine needs, so that ``available`` and the error for a missing one agree.
_EXECUTABLES: Final[dict[str, tuple[str, ...]]] = {"java": ("java", "javac"), "node": ("node",)}


class EngineError(Exception):
    """An engine could not answer a request (the base of this module's errors).

    Raised as itself when matching fails inside the engine, e.g. a ``StackOverflowError`` from
    ``java.util.regex``, which recurses per repetition on long values: that is a property of the engine,
    not a yes or no, so it is neither cached nor turned into one.
    """


class EngineUnavailable(EngineError):
    """The engine cannot run here: its executable is missing, ``javac`` failed, or the process died.

    Tests skip on a missing executable (see ``available``); anything else that raises this is a fault to
    look at, and the message says what the process wrote to stderr.
    """


class EngineTimeout(EngineError):
    """A request took longer than the engine's timeout; the process was killed, the next call restarts it."""


class PatternError(EngineError, ValueError):
    """The pattern does not compile in this engine (with these flags); the message is the engine's own."""


def available(name: str) -> bool:
    """Whether the executables engine ``name`` needs ("java": java and javac; "node": node) are on PATH."""
    try:
        executables = _EXECUTABLES[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; the engines are {', '.join(ENGINES)}") from None
    return all(shutil.which(executable) for executable in executables)


def java_literal(text: str) -> str:
    """A ``java.util.regex`` pattern matching exactly ``text``.

    Every ASCII character that is not a letter or digit gets a backslash, which Java reads as that
    character, whatever it is (newline and space included); letters must not get one (``\\d`` is a class,
    ``\\y`` an error).  ``Pattern.quote``'s ``\\Q...\\E`` is avoided because ``text`` may contain ``\\E``.
    """
    return "".join("\\" + char if char.isascii() and not char.isalnum() else char for char in text)


_ECMASCRIPT_SYNTAX: Final = frozenset("^$\\.*+?()[]{}|/")


def ecmascript_literal(text: str) -> str:
    """An ECMAScript pattern matching exactly ``text``, valid with and without the ``u`` flag.

    Only syntax characters get a backslash: under ``u``, an identity escape of anything else (``\\-``,
    ``\\ ``) is a syntax error.
    """
    return "".join("\\" + char if char in _ECMASCRIPT_SYNTAX else char for char in text)


_compile_lock = threading.Lock()


@functools.cache
def _compile_java() -> Path:
    """Compile ``RegexEngine.java`` once per process into a temporary directory, removed at exit.

    A per-process directory rather than a shared cache keeps concurrent processes (xdist workers, other
    checkouts) from reading a class file another is writing; javac takes about a second.
    """
    missing = [executable for executable in _EXECUTABLES["java"] if shutil.which(executable) is None]
    if missing:
        raise EngineUnavailable(f"the Java engine needs {' and '.join(missing)} on PATH")
    classes = Path(tempfile.mkdtemp(prefix="regex-engine-java-"))
    atexit.register(shutil.rmtree, classes, ignore_errors=True)
    try:
        result = subprocess.run(
            ["javac", "-encoding", "UTF-8", "-d", str(classes), str(JAVA_SOURCE)],
            capture_output=True,
            text=True,
            timeout=COMPILE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise EngineUnavailable(f"could not compile {JAVA_SOURCE.name}: {error}") from error
    if result.returncode != 0:
        errors = result.stderr.strip()[-STDERR_TAIL:]
        raise EngineUnavailable(f"javac failed on {JAVA_SOURCE} (exit {result.returncode}):\n{errors}")
    return classes


def _java_classes() -> Path:
    """``_compile_java`` under a lock: ``functools.cache`` alone would let two threads both run javac."""
    with _compile_lock:
        return _compile_java()


class _Process:
    """One running engine: its pipes, a buffer of answer bytes not yet consumed, and its stderr file.

    stderr goes to an anonymous file rather than a pipe, so a chatty engine (``JAVA_TOOL_OPTIONS``
    notices) can never block on it and nothing has to drain it; it is read only to explain a death.
    """

    def __init__(self, command: list[str]) -> None:
        self.stderr: IO[bytes] = tempfile.TemporaryFile()
        try:
            self.popen = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                cwd=ENGINE_DIR,
            )
        except OSError as error:
            self.stderr.close()
            raise EngineUnavailable(f"could not start {command[0]}: {error}") from error
        assert self.popen.stdin is not None and self.popen.stdout is not None
        self.stdin = self.popen.stdin.fileno()
        self.stdout = self.popen.stdout.fileno()
        os.set_blocking(self.stdin, False)
        os.set_blocking(self.stdout, False)
        self.pending = bytearray()
        self.pid = os.getpid()  # the process that started it; a forked child must not share its pipes

    def exchange(self, line: bytes, deadline: float) -> bytes | None:
        """Write one request line and read one answer line; None if the engine's output ended.

        Raises ``TimeoutError`` past ``deadline`` (a ``time.monotonic`` value) and ``BrokenPipeError``
        if the engine stopped reading.
        """
        with selectors.DefaultSelector() as selector:
            unsent = memoryview(line)
            if unsent:
                selector.register(self.stdin, selectors.EVENT_WRITE)
            selector.register(self.stdout, selectors.EVENT_READ)
            while True:
                # Read while writing: a long value must not deadlock against an engine that answers early.
                newline = self.pending.find(b"\n")
                if newline >= 0 and not unsent:
                    answer = bytes(self.pending[:newline])
                    del self.pending[: newline + 1]
                    return answer
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                for key, _ in selector.select(remaining):
                    if key.fd == self.stdin:
                        try:
                            sent = os.write(self.stdin, unsent)
                        except BlockingIOError:
                            continue
                        unsent = unsent[sent:]
                        if not unsent:
                            selector.unregister(self.stdin)
                    else:
                        try:
                            chunk = os.read(self.stdout, 1 << 16)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            return None
                        self.pending += chunk

    def stderr_tail(self) -> str:
        """The end of what the engine wrote to stderr, for the message that reports its death."""
        try:
            self.stderr.seek(0)
            text = self.stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return text[-STDERR_TAIL:]

    def stop(self, *, kill: bool = False) -> None:
        """End the process: EOF on stdin asks it to exit, a kill makes sure, a wait reaps it.

        ``kill`` skips the asking, for a process busy with a request that will not finish.
        """
        if self.pid == os.getpid():
            try:
                self.popen.stdin.close()  # type: ignore[union-attr]
            except OSError:
                pass
            try:
                if kill:
                    self.popen.kill()
                self.popen.wait(timeout=1)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                try:
                    self.popen.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        try:
            self.popen.stdout.close()  # type: ignore[union-attr]
        except OSError:
            pass
        self.stderr.close()


# A cached answer: True or False, or the message of a PatternError (compile failures are deterministic too).
_Answer = bool | str


class RegexEngine:
    """One real regex engine behind ``matches``: ``RegexEngine("java")`` or ``RegexEngine("node")``.

    The process starts on the first call that is not answered from the cache and is shared by all
    threads (calls are serialised by a lock, so threads simply take turns).  ``close`` (or leaving a
    ``with`` block) stops it; a later call starts another.

    ``timeout`` bounds each request; ``startup_timeout`` bounds a process's start, up to its answer to a
    handshake request.  At most ``cache_size`` answers are kept, keyed by (pattern, value, fullmatch)
    and, for Node, the flags.
    """

    def __init__(
        self,
        name: EngineName,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        startup_timeout: float = STARTUP_TIMEOUT,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        if name not in ENGINES:
            raise ValueError(f"unknown engine {name!r}; the engines are {', '.join(ENGINES)}")
        self.name: Final[EngineName] = name
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self._process: _Process | None = None
        self._cache: dict[tuple[str, str, bool, str | None], _Answer] = {}

    def __repr__(self) -> str:
        state = "running" if self._process is not None else "stopped"
        return f"<RegexEngine {self.name} {state}, {len(self._cache)} cached>"

    def __enter__(self) -> RegexEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def matches(self, pattern: str, value: str, fullmatch: bool, *, flags: str | None = None) -> bool:
        """Whether ``pattern`` matches ``value`` in this engine: all of it if ``fullmatch``, else anywhere.

        Java: ``Pattern.compile(pattern)`` with no flags, then ``matches()`` or ``find()``.  Node:
        ``new RegExp(pattern, flags)``, ``flags`` defaulting to ``"u"`` (``""`` for the Annex B grammar),
        with ``^(?:pattern)$`` for ``fullmatch``; Java takes no flags.

        Raises ``PatternError`` if the pattern does not compile, ``EngineTimeout`` past the timeout,
        ``EngineUnavailable`` if the engine cannot run, ``EngineError`` if matching fails in the engine.
        """
        if self.name == "java" and flags is not None:
            raise ValueError("the Java engine takes no flags: Pattern.compile(pattern) is what it checks")
        if self.name == "node" and flags is None:
            flags = "u"
        key = (pattern, value, bool(fullmatch), flags)
        with self._lock:
            answer = self._cache.get(key)
            if answer is None:
                answer = self._ask(pattern, value, bool(fullmatch), flags)
                if len(self._cache) >= self.cache_size:
                    del self._cache[next(iter(self._cache))]
                self._cache[key] = answer
        if isinstance(answer, str):
            raise PatternError(f"{self.name}: {answer}")
        return answer

    def compiles(self, pattern: str, *, flags: str | None = None) -> bool:
        """Whether ``pattern`` compiles in this engine (with ``flags``, for Node)."""
        try:
            self.matches(pattern, "", False, flags=flags)
        except PatternError:
            return False
        return True

    def close(self) -> None:
        """Stop the engine's process, if running; the answers cached so far stay."""
        with self._lock:
            self._stop()

    # -- the process -------------------------------------------------------------------------------------

    def _command(self) -> list[str]:
        if self.name == "java":
            # Serial GC: one thread, a small heap, and a faster start than the default G1.
            return ["java", "-XX:+UseSerialGC", "-cp", str(_java_classes()), "RegexEngine"]
        return ["node", str(NODE_SOURCE)]

    def _stop(self, *, kill: bool = False) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.stop(kill=kill)

    def _ask(self, pattern: str, value: str, fullmatch: bool, flags: str | None) -> _Answer:
        """One request to the process (started if need be), under the lock: the answer or a raise."""
        process = self._process
        if process is not None and process.pid != os.getpid():
            # Forked: the pipes belong to the parent's conversation; leave its process alone, start ours.
            self._process = process = None
        if process is None:
            process = self._start()
        request: dict[str, object] = {"pattern": pattern, "value": value, "fullmatch": fullmatch}
        if flags is not None:
            request["flags"] = flags
        line = (json.dumps(request, ensure_ascii=True) + "\n").encode("ascii")
        try:
            raw = process.exchange(line, time.monotonic() + self.timeout)
        except TimeoutError:
            self._stop(kill=True)
            raise EngineTimeout(
                f"{self.name} took more than {self.timeout:g} s on pattern {pattern!r} with a value of "
                f"{len(value)} characters (fullmatch={fullmatch}); the process was killed"
            ) from None
        except BrokenPipeError:
            raw = None
        if raw is None:
            self._died()
        try:
            response = json.loads(raw)
        except ValueError as error:
            self._stop()
            raise EngineError(f"{self.name} answered with something other than JSON: {raw!r}") from error
        if isinstance(response, dict) and isinstance(response.get("match"), bool):
            return response["match"]
        if isinstance(response, dict) and isinstance(response.get("error"), str):
            if response.get("kind") == "syntax":
                return response["error"]
            raise EngineError(f"{self.name} ({response.get('kind')}): {response['error']}")
        self._stop()
        raise EngineError(f"{self.name} answered {response!r}, which is not a response of the protocol")

    def _start(self) -> _Process:
        """Start the process and wait for it to answer a trivial request, within ``startup_timeout``.

        The handshake keeps the start's allowance apart from the first real request's: a pattern that
        backtracks for ever must cost ``timeout``, not ``timeout`` plus a minute.
        """
        if not available(self.name):
            missing = " and ".join(e for e in _EXECUTABLES[self.name] if shutil.which(e) is None)
            raise EngineUnavailable(f"the {self.name} engine needs {missing} on PATH")
        self._process = process = _Process(self._command())
        ping = b'{"pattern": "", "value": "", "fullmatch": true}\n'
        try:
            raw = process.exchange(ping, time.monotonic() + self.startup_timeout)
        except TimeoutError:
            self._stop(kill=True)
            raise EngineUnavailable(
                f"the {self.name} engine did not answer within {self.startup_timeout:g} s of starting"
            ) from None
        except BrokenPipeError:
            raw = None
        if raw is None:
            self._died()
        if raw.strip() != b'{"match":true}':
            self._stop()
            raise EngineUnavailable(f"the {self.name} engine answered its handshake with {raw!r}")
        return process

    def _died(self) -> NoReturn:
        """Raise ``EngineUnavailable`` for a process whose output ended, saying how it ended."""
        process = self._process
        assert process is not None
        try:
            code = process.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        stderr = process.stderr_tail()
        self._stop()
        how = "stopped answering" if code is None else f"exited with status {code}"
        raise EngineUnavailable(f"the {self.name} engine {how}" + (f":\n{stderr}" if stderr else ""))


_shared: list[RegexEngine] = []


def _shared_engine(name: EngineName) -> RegexEngine:
    engine = RegexEngine(name)
    _shared.append(engine)
    return engine


@functools.cache
def java_engine() -> RegexEngine:
    """The process-wide Java engine, so that all tests share one JVM (stopped at exit)."""
    return _shared_engine("java")


@functools.cache
def node_engine() -> RegexEngine:
    """The process-wide Node engine, so that all tests share one node process (stopped at exit)."""
    return _shared_engine("node")


@atexit.register
def _close_shared() -> None:
    """Stop the shared engines at exit; they would stop anyway at EOF, but not before the JVM noticed."""
    for engine in _shared:
        engine.close()
