"""channels/ may import only ylada_app.core (plus stdlib/httpx): never the DB, UI or engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "ylada_app.channels.collecting",
    "ylada_app.channels.whatsapp_cloud.webhook",
    "ylada_app.channels.whatsapp_cloud.sender",
    "ylada_app.channels.whatsapp_cloud.samples",
]


def test_channel_modules_load_nothing_but_core():
    code = (
        "import sys, importlib\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "heavy = {'sqlalchemy', 'sqlmodel', 'reflex', 'redis', 'rq', 'uvicorn', 'fastapi'}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "             or (m.startswith('ylada_app.') and not m.startswith(\n"
        "                 ('ylada_app.core', 'ylada_app.channels'))))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
