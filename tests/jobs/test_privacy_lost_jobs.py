"""LGPD requests whose job was lost (the queue was down when the request was saved, or a
worker died while running it) are started again by the sweeper."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import make_instance, make_owner
from tests.services.test_privacy import _reviewed_contact
from ylada_app.jobs import privacy as privacy_jobs
from ylada_app.models import utcnow
from ylada_app.models.privacy import DataRequest
from ylada_app.services import privacy

_REAL_START = privacy.start  # (the fixture below replaces it in every test)


@pytest.fixture(autouse=True)
def _no_background_jobs(monkeypatch):
    """The tests run the jobs themselves (a background run would race them)."""
    started: list[tuple[int, str]] = []
    monkeypatch.setattr(privacy, "start", lambda rid, kind: started.append((rid, kind)))
    return started


def _wait_for(fn, timeout: float = 10.0):
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = fn()
        if found:
            return found
        time.sleep(0.2)
    return fn()


def test_a_request_whose_job_was_lost_is_picked_up_again_by_the_sweeper(db, monkeypatch):
    """Found by review and fixed: a request saved while the queue was down (after_commit
    only logs the failure) stayed pending for ever — asking again returned the same open
    request and nothing started it. The sweeper (jobs/privacy.periodic) starts pending
    requests older than a few minutes again."""
    from ylada_app.core.db import session_scope
    from ylada_app.jobs import sweeper

    owner = make_owner(db, tenant_name="Loja Fila")
    inst = make_instance(db, owner.tenant_id)
    contact, _ = _reviewed_contact(db, owner, inst, phone="11987650003", name="Gertrudes Fila")

    def queue_down(rid, kind):  # Redis restarting, or the process stopped right after commit
        raise ConnectionError("queue unavailable")

    monkeypatch.setattr(privacy, "start", queue_down)
    row, created = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                          kind="erase", source="api")
    db.commit()  # saved (after_commit swallows the failure: "sweepers pick up what this missed")
    assert created and db.get(DataRequest, row.id).status == "pending"
    # asking again only returns the same open request: nothing starts it
    again, created = privacy.create_request(db, tenant_id=owner.tenant_id,
                                            contact_id=contact.id, kind="erase", source="api")
    assert not created and again.id == row.id
    # an hour later, with the queue back, the sweeper runs as it does every few seconds
    db.get(DataRequest, row.id).created_at = utcnow() - timedelta(hours=1)
    db.commit()
    monkeypatch.setattr(privacy, "start", _REAL_START)
    monkeypatch.setattr(privacy_jobs, "_last", [float("-inf")])
    sweeper.sweep_once()

    def status():
        with session_scope() as s:
            found = s.get(DataRequest, row.id).status
        return found if found in ("done", "failed") else None

    assert _wait_for(status) == "done"  # still "pending": the erasure never happens


def test_a_running_request_whose_worker_died_goes_back_to_pending_and_runs(db, _no_background_jobs):
    """Found by review and fixed: a request whose worker died while running it stayed
    "running" for ever. Silent longer than LOST_RUNNING (its `claimed_at`), it goes back to
    pending and is started again; one claimed just now is left alone."""
    owner = make_owner(db, tenant_name="Loja Parada")
    inst = make_instance(db, owner.tenant_id)
    contact, _ = _reviewed_contact(db, owner, inst, phone="11987650009", name="Durvalina Parada")
    other, _ = _reviewed_contact(db, owner, inst, phone="11987650010", name="Eulália Ativa")
    stale, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                      kind="erase", source="api")
    fresh, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=other.id,
                                      kind="erase", source="api")
    db.commit()
    long_ago = (utcnow() - privacy_jobs.LOST_RUNNING - timedelta(minutes=1)).isoformat()
    for row, claimed in ((stale, long_ago), (fresh, utcnow().isoformat())):
        row = db.get(DataRequest, row.id)
        row.status, row.progress, row.detail = "running", 5, {"claimed_at": claimed}
        row.created_at = utcnow() - timedelta(hours=1)
        db.add(row)
    db.commit()
    _no_background_jobs.clear()

    assert privacy_jobs.requeue_lost() == 1
    db.expire_all()
    assert db.get(DataRequest, stale.id).status == "pending"
    assert db.get(DataRequest, fresh.id).status == "running"
    assert _no_background_jobs == [(stale.id, "erase")]
    assert privacy_jobs.erase_contact(stale.id) == "done"
