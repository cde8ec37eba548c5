"""The embedded default on SQLite: migrations, the main services and the simulator pipeline
(drain in-process) — the same code `make run` uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r'''
import time
from pathlib import Path
from ylada_app.cli import migrate
migrate()
from ylada_app.core.db import session_scope
from ylada_app.services import auth, flows, instances, seed, simulator
with session_scope() as s:
    seed.seed_plans(s)
    user, tenant = auth.signup(s, name="Ana", email="ana@exemplo.com.br",
                               password="abc12345xyz", tenant_name="Loja SQLite")
    inst = instances.create_instance(s, tenant_id=tenant.id, name="Sim", channel="simulator")
    menu = Path("ylada_app/engine/examples/menu.json").read_text()
    flows.import_flow(s, tenant_id=tenant.id, instance_id=inst.id, name="Menu", raw_json=menu,
                      activate=True)
    ids = (tenant.id, inst.id, user.id)
# two people at once: one delivery round sends (and records) two replies
users = (ids[2], ids[2] + 1000)
with session_scope() as s:
    convs = [simulator.send(s, tenant_id=ids[0], instance_id=ids[1], user_id=u,
                            user_name="Ana", text="oi") for u in users]
for conv in convs:
    simulator.schedule(conv)
for _ in range(600):
    with session_scope() as s:
        outs = [[m for m in simulator.history(s, tenant_id=ids[0], instance_id=ids[1],
                                              user_id=u) if m.direction == "out"]
                for u in users]
    # written as "sending", then marked by delivery
    if all(out and out[0].status != "sending" for out in outs):
        break
    time.sleep(0.05)
for out in outs:
    assert out and out[0].payload["type"] == "buttons", out
    assert [m.status for m in out] == ["sent"], [(m.status, m.error) for m in out]
print("SMOKE-OK", outs[0][0].text)
'''


def test_embedded_sqlite_end_to_end(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "PYTEST_CURRENT_TEST")}
    env["DATA_DIR"] = str(tmp_path)
    res = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert "SMOKE-OK" in res.stdout, res.stdout[-1500:] + res.stderr[-3000:]
    assert (tmp_path / "ylada.db").exists()
