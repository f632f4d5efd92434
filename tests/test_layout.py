"""The suite's layout holds: a core apart from pytest that names no operation, the flagship in one place,
the pytest layer in its own package, the properties found by their package's name, and each name imported
from the module that defines it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import conformance

SUITE = Path(conformance.__file__).resolve().parent
CORE = SUITE / "core"
# What names the flagship: its operation, service, domain label, output id, and its body's members.
FLAGSHIP_WORDS = re.compile(
    r"CreateIntegrationWorkflow|Workflow|DomainName|customer-profiles(?!-conformance)|CustomerProfiles|"
    r"Appflow|IntegrationConfig|RoleArn"
)


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import of a module (``import x`` gives no names)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [alias.name for alias in node.names]))
    return found


def test_the_folders_are_where_the_readme_says() -> None:
    assert {path.name for path in SUITE.iterdir() if (path / "__init__.py").is_file()} >= {
        "core",
        "flagship",
        "plugin",
        "properties",
        "reference",
    }
    assert not list(SUITE.glob("test_*.py")), "the properties live in conformance/properties/"
    assert {path.name for path in (SUITE / "properties").glob("test_*.py")} >= {
        "test_valid.py",
        "test_invalid.py",
        "test_operation.py",
    }


def test_no_module_of_the_core_imports_pytest() -> None:
    found = [
        f"{path.relative_to(SUITE)}:{line}: {module}"
        for path in _modules(CORE)
        for line, module, _ in _imports(path)
        if module.split(".")[0] in ("pytest", "_pytest") or module.startswith("conformance.plugin")
    ]
    assert not found, "the core never imports pytest, nor the pytest layer:\n" + "\n".join(found)


def test_the_core_loads_without_pytest() -> None:
    """Imported in a fresh interpreter, every module of the core leaves pytest unloaded."""
    code = (
        "import pkgutil, sys, importlib, conformance.core as core\n"
        "for info in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('conformance.core.' + info.name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pytest', '_pytest')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", done.stdout


def test_nothing_in_the_core_names_the_flagship() -> None:
    found = [
        f"{path.relative_to(SUITE)}:{number}: {line.strip()}"
        for path in _modules(CORE)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FLAGSHIP_WORDS.search(line)
    ]
    assert not found, "what is the flagship's lives in conformance/flagship/:\n" + "\n".join(found)


@pytest.mark.parametrize("line", ["    body.get('WorkflowId')", "DomainName", "x = 'customer-profiles'"])
def test_the_flagship_words_are_found(line: str) -> None:
    assert FLAGSHIP_WORDS.search(line)


def test_the_project_name_is_no_flagship_word() -> None:
    assert not FLAGSHIP_WORDS.search('metadata.version("customer-profiles-conformance")')


def test_the_core_does_not_lean_on_the_flagship() -> None:
    found = [
        f"{path.relative_to(SUITE)}:{line}: {module}"
        for path in _modules(CORE)
        for line, module, _ in _imports(path)
        if module.startswith(("conformance.flagship", "conformance.properties"))
    ]
    assert not found, "\n".join(found)


def _defined(module: str) -> set[str] | None:
    """The top-level names a module of the project defines, or None for a module that is not ours."""
    if not module.startswith("conformance"):
        return None
    parts = module.split(".")[1:]
    roots = {"spec": SUITE.parent / "spec", "strategies": SUITE.parent / "strategies"}
    base = roots.get(parts[0], SUITE / parts[0]) if parts else SUITE
    rest = parts[1:] if parts and parts[0] in roots else parts[1:]
    path = base.joinpath(*rest) if rest else base
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    if not path.is_file():
        return None
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
            if any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets):
                # A package's public names, documented as its interface (``conformance.reference``'s).
                names |= set(ast.literal_eval(node.value))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_the_suite_imports_each_name_from_its_module() -> None:
    """Within ``conformance/`` (core, flagship, plugin, properties, reference), a name comes from the
    module that defines it, not through another that imported it (a module of a package, and a name a
    package declares its interface in ``__all__``, are fine)."""
    found = []
    for path in _modules(SUITE):
        for line, module, names in _imports(path):
            defined = _defined(module)
            if defined is None or module.startswith(("conformance.spec", "conformance.strategies")):
                continue
            for name in names:
                package = SUITE.joinpath(*module.split(".")[1:]) / name
                subpackage = module == "conformance" and name in ("spec", "strategies")
                if name in defined or subpackage or package.with_suffix(".py").is_file() or package.is_dir():
                    continue
                found.append(f"{path.relative_to(SUITE)}:{line}: {name} from {module}")
    assert not found, "import each name from the module that defines it:\n" + "\n".join(found)


def test_the_properties_are_found_by_their_package_name() -> None:
    import conformance.properties
    from conformance.plugin.outcomes import SUITE as properties

    assert properties == Path(conformance.properties.__file__).resolve().parent
