"""The conformance suite users run: pytest plugin, HTTP client, response checks, properties and the
embedded reference implementation.

Everything the project installs lives under this one import package: ``conformance.spec`` (the contract
as data) and ``conformance.strategies`` (the Hypothesis strategies) are its subpackages, so that a project
with packages of its own named ``spec`` or ``strategies`` never meets ours (the pytest plugin loads in
every pytest run of an environment the suite is installed in).  A checkout keeps ``spec/`` and
``strategies/`` beside ``conformance/``; installed, they sit inside it (``pyproject.toml``'s
``package-dir``).  From a checkout the two folders are found through this package's ``__path__``.
"""

from pathlib import Path as _Path

_here = _Path(__file__).resolve().parent
if not (_here / "spec").is_dir() and (_here.parent / "spec" / "__init__.py").is_file():
    __path__.append(str(_here.parent))  # noqa: F821 - a package's __path__ is set before its code runs
del _Path, _here
