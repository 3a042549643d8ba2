"""payplan.core imports nothing but the standard library and msgspec, and reads no clock."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import payplan.core

CORE = Path(payplan.core.__file__).parent
# Standard-library modules that would let the core reach the outside world.
FORBIDDEN_STDLIB = {"os", "pathlib", "io", "socket", "subprocess", "time", "random", "sqlite3", "shutil", "tempfile"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def test_core_imports_only_stdlib_and_msgspec():
    bad = []
    for path in sorted(CORE.rglob("*.py")):
        for line, top in _imports(path):
            allowed = top in ("msgspec", "payplan", "__future__") or top in sys.stdlib_module_names
            if not allowed or top in FORBIDDEN_STDLIB:
                bad.append(f"{path.name}:{line} imports {top}")
    assert not bad, bad


def test_core_imports_no_payplan_adapter():
    bad = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("payplan.") \
                    and not node.module.startswith("payplan.core"):
                bad.append(f"{path.name}:{node.lineno} imports {node.module}")
    assert not bad, bad


def test_core_reads_no_clock_and_no_float():
    bad = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("now", "today", "utcnow"):
                bad.append(f"{path.name}:{node.lineno} reads the clock")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
                bad.append(f"{path.name}:{node.lineno} calls float()")
    assert not bad, bad


def test_the_check_catches_a_forbidden_import(tmp_path):
    """The AST walk itself works: a file importing sqlalchemy is flagged."""
    sample = tmp_path / "bad.py"
    sample.write_text("import sqlalchemy\nfrom os import path\n")
    tops = [top for _, top in _imports(sample)]
    assert tops == ["sqlalchemy", "os"]
