"""The engine stays pure: no I/O libraries, no clock, no randomness, no other ylada packages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "ylada_app" / "engine"
ALLOWED_IMPORTS = {
    "__future__", "collections", "dataclasses", "datetime", "functools", "json", "math", "re",
    "typing", "unicodedata", "pydantic", "jinja2",
}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter", "open",
                   "random", "urandom", "getenv", "uuid4"}


def engine_sources() -> list[Path]:
    return sorted(ENGINE.rglob("*.py"))


def test_every_module_has_a_docstring():
    for path in engine_sources():
        assert ast.get_docstring(ast.parse(path.read_text())), path


def test_imports_are_pure():
    for path in engine_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "ylada_app":
                    assert name.startswith("ylada_app.engine"), (path, name)
                else:
                    assert top in ALLOWED_IMPORTS, (path, name)


def test_no_clock_randomness_or_file_access():
    for path in engine_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                assert name not in FORBIDDEN_CALLS, (path, node.lineno, name)


def test_importing_the_engine_loads_no_framework_or_io_library():
    code = (
        "import sys, pkgutil, importlib\n"
        "import ylada_app.engine as eng\n"
        "for info in pkgutil.walk_packages(eng.__path__, 'ylada_app.engine.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "             ('reflex', 'sqlalchemy', 'sqlmodel', 'httpx', 'requests', 'redis', 'rq')\n"
        "             or (m.startswith('ylada_app.') and not m.startswith('ylada_app.engine')))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
