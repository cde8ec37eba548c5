"""Jobs run through a real RQ worker process (`ylada worker --burst`) and in-process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.core import queue
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import Instance
from ylada_app.services import instances

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "EAAG" + "q" * 50


def _connected_instance(db, graph):
    graph.add_number("77001234", TOKEN)
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    instances.connect_whatsapp(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               instance_id=inst.id,
                               phone_number_id="77001234", waba_id=None, access_token=TOKEN,
                               app_secret="ab" * 16, check=check_phone_number)
    db.commit()
    return inst.id


def test_recheck_job_runs_in_a_real_rq_worker(db, graph_url, redis_url, monkeypatch):
    inst_id = _connected_instance(db, graph_url)
    graph_url.phone_numbers.clear()  # Meta revoked the token meanwhile
    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_settings_cache()
    try:
        job = queue.enqueue("ylada_app.jobs.instances.recheck_instance", inst_id)
        assert job.get_status() == "queued"
        env = {**os.environ, "REDIS_URL": redis_url}
        res = subprocess.run([sys.executable, "-m", "ylada_app.cli", "worker", "--burst"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr[-2000:]
        job.refresh()
        assert job.get_status() == "finished", res.stderr[-2000:]
        assert job.return_value() == "error"
    finally:
        monkeypatch.delenv("REDIS_URL")
        reset_settings_cache()
    db.expire_all()
    row = db.exec(select(Instance).where(Instance.id == inst_id)).one()
    assert row.status == "error" and row.status_detail == "error.graph_auth"


def test_without_redis_jobs_run_in_process(db, graph_url):
    inst_id = _connected_instance(db, graph_url)
    future = queue.enqueue("ylada_app.jobs.instances.recheck_instance", inst_id)
    assert future.result(timeout=30) == "connected"


def test_enqueue_refuses_names_outside_the_jobs_package():
    import pytest

    with pytest.raises(ValueError):
        queue.resolve("os.system")
