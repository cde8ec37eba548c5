"""The sweeper's retention kick: at most every few minutes it queues each business's nightly
run inside its quiet hour (once a night) and the erasure of closed businesses past 30 days."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import make_owner
from ylada_app.jobs import retention as retention_job
from ylada_app.jobs import sweeper
from ylada_app.models import Tenant, utcnow


def test_kick_queues_runs_and_erasures_once(db, monkeypatch):
    queued: list[tuple] = []
    monkeypatch.setattr(retention_job, "enqueue", lambda *args: queued.append(args))
    monkeypatch.setattr(retention_job, "_last_kick", [float("-inf")])
    night = make_owner(db, tenant_name="Kick Noite")
    closed = make_owner(db, tenant_name="Kick Fechada")
    t = db.get(Tenant, closed.tenant_id)
    t.status, t.timezone = "closed", "Asia/Tokyo"  # not in its quiet hour at 06:30 UTC
    t.erase_after = utcnow() - timedelta(days=1)
    db.add(t)
    db.commit()
    now = utcnow().replace(hour=6, minute=30)  # 03:30 in São Paulo

    retention_job.kick(force=True, now=now)

    assert (retention_job.RUN_JOB, night.tenant_id) in queued
    assert (retention_job.ERASE_JOB, closed.tenant_id) in queued
    assert (retention_job.RUN_JOB, closed.tenant_id) not in queued
    # the same night, the next kick queues no second run
    queued.clear()
    retention_job.kick(force=True, now=now + timedelta(minutes=10))
    assert (retention_job.RUN_JOB, night.tenant_id) not in queued
    # throttled: a sweep right after does not even look at the database
    assert retention_job.kick(now=now) == 0
    t.status = "erased"  # (keep later tests' kicks quiet)
    db.add(db.merge(t))
    db.commit()


def test_the_sweeper_calls_the_kick(db, monkeypatch):
    called = []
    monkeypatch.setattr(retention_job, "kick", lambda **kw: called.append(kw) or 0)
    sweeper.sweep_once()
    assert called == [{}]
