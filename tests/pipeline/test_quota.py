"""The plan's monthly message quota holds under concurrent RQ workers: the bot sends exactly
up to the limit, the counter equals what was really queued, inbound is still stored, and
the withheld replies are recorded (status "blocked")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import func, select

from tests.pipeline.test_webhook_pipeline import post
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import Message, Plan, Subscription, UsageCounter
from ylada_app.services import entitlements

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 25


def _tiny_plan(db, tenant_id: int, unique: str) -> None:
    plan = Plan(code=f"tiny-{unique}", name="Mini", price_cents=100, max_messages_month=LIMIT,
                is_active=False)
    db.add(plan)
    db.flush()
    db.add(Subscription(tenant_id=tenant_id, plan_id=plan.id, status="active"))
    db.commit()
    entitlements.forget_limits()


def test_quota_is_exact_with_two_concurrent_rq_workers(client, bot, graph_url, redis_url, db,
                                                       monkeypatch, unique):
    _tiny_plan(db, bot.tenant_id, unique)
    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_settings_cache()
    contacts = [f"55119{unique[:4].encode().hex()[:4]}{i:04d}" for i in range(60)]
    try:
        for i in range(0, len(contacts), 10):
            msgs = [samples.text_message(wa, "oi") for wa in contacts[i:i + 10]]
            assert post(client, bot, msgs).status_code == 200
        env = {**os.environ, "REDIS_URL": redis_url}
        workers = [subprocess.Popen([sys.executable, "-m", "ylada_app.cli", "worker", "--burst"],
                                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for w in workers:
            _, err = w.communicate(timeout=180)
            assert w.returncode == 0, err[-3000:]
    finally:
        monkeypatch.delenv("REDIS_URL")
        reset_settings_cache()
    db.expire_all()

    def count(**where):
        stmt = select(func.count()).select_from(Message).where(
            Message.instance_id == bot.instance_id)
        for key, value in where.items():
            stmt = stmt.where(getattr(Message, key) == value)
        return db.exec(stmt).one()

    inbound = count(direction="in")
    blocked = count(direction="out", status="blocked")
    queued = count(direction="out") - blocked
    usage = db.exec(select(UsageCounter).where(UsageCounter.tenant_id == bot.tenant_id)).one()
    assert inbound == 60  # inbound is always stored, over quota or not
    assert queued == LIMIT == usage.messages_out
    assert len([m for m in graph_url.sent if m.get("to") in contacts]) == LIMIT
    assert blocked == usage.messages_blocked and blocked >= 60 - LIMIT
    level = entitlements.month_usage(db, tenant_id=bot.tenant_id)
    assert level.messages_out == LIMIT
