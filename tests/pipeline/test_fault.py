"""Fault test: during a burst, `kill -9` a worker mid-job and restart Redis; afterwards every
inbound message has exactly one reply, in order (real RQ workers, PostgreSQL, Redis)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.pipeline.conftest import SECRET, wait_for
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import Message

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _worker(env):
    return subprocess.Popen([sys.executable, "-m", "ylada_app.cli", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _restart_redis() -> None:
    port, folder = os.environ["TEST_REDIS_PORT"], os.environ["TEST_REDIS_DIR"]
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
    time.sleep(0.5)
    subprocess.run(["redis-server", "--bind", "127.0.0.1", "--port", port, "--save", "",
                    "--appendonly", "no", "--daemonize", "yes", "--pidfile",
                    f"{folder}/redis.pid", "--dir", folder, "--logfile", f"{folder}/redis.log"],
                   check=True)
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", port, "ping"],
                          capture_output=True).returncode == 0:
            return
        time.sleep(0.1)


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_PORT"), reason="needs make test's Redis")
def test_kill_worker_and_restart_redis_loses_nothing(client, bot, graph_url, redis_url, db,
                                                     monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_settings_cache()
    env = {**os.environ, "REDIS_URL": redis_url}
    graph_url.delay_s = 0.02  # jobs spend time mid-flight, where the kill lands
    workers = [_worker(env), _worker(env)]
    contacts = [f"55119866{i:05d}" for i in range(30)]
    script = [("oi", "interactive"), ("btn", "text"), ("oi", "interactive")]
    try:
        for step, (kind, _) in enumerate(script):
            for wa in contacts:
                msg = (samples.text_message(wa, "oi") if kind == "oi"
                       else samples.button_reply(wa, "catalogo", "Ver catálogo"))
                raw, headers = samples.signed(
                    samples.inbound_webhook(bot.phone_number_id, [msg]), SECRET)
                assert client.post(bot.url, content=raw, headers=headers).status_code == 200
            if step == 0:
                time.sleep(0.3)
                os.killpg(workers[0].pid, signal.SIGKILL)  # kill -9 mid-burst
                workers[0].wait()
                workers[0] = _worker(env)
            if step == 1:
                _restart_redis()  # queued jobs and coalescing flags are gone
        expected = len(contacts) * len(script)

        def replies():
            return [m for m in graph_url.sent if m.get("to") in set(contacts)]

        wait_for(lambda: len(replies()) >= expected, timeout=120, interval=0.5)
        time.sleep(3)  # a duplicate would show up now
        got = replies()
        assert len(got) == expected
        for wa in contacts:
            kinds = [m["type"] for m in got if m["to"] == wa]
            assert kinds == [k for _, k in script], (wa, kinds)
        pending = db.exec(select(func.count(Message.id)).where(
            Message.instance_id == bot.instance_id, Message.direction == "in",
            Message.status == "pending")).one()
        assert pending == 0
    finally:
        for w in workers:
            try:
                os.killpg(w.pid, signal.SIGTERM)
                w.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        graph_url.delay_s = 0
        monkeypatch.delenv("REDIS_URL")
        reset_settings_cache()
