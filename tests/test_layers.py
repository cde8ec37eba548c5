"""Layering: the core packages import without Reflex; `ylada_app/__init__.py` stays empty."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_packages_never_load_reflex():
    code = (
        "import sys, pkgutil, importlib\n"
        "import ylada_app\n"
        "for pkg in ('engine', 'services', 'channels', 'models', 'core', 'jobs', 'api'):\n"
        "    mod = importlib.import_module('ylada_app.' + pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'reflex' or m.startswith('reflex.'))\n"
        "print('LOADED', bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_package_init_is_empty():
    assert (ROOT / "ylada_app" / "__init__.py").read_text().strip() == ""
