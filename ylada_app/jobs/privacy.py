"""LGPD jobs: build a contact's export ZIP, erase a contact, remind about open requests.

Jobs take a request id and re-check everything from the row: the contact must belong to
the request's business (a request pointing elsewhere fails, nothing is read or touched),
and every query filters on that business. Progress is written as the job goes, for the
page's bar.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import time
import zipfile
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from ylada_app.core import locks
from ylada_app.core.db import session_scope
from ylada_app.models import Contact, Tenant, utcnow
from ylada_app.models.privacy import DataRequest, DataRequestKind
from ylada_app.services import analytics_export, audit, privacy
from ylada_app.services import privacy_export as px
from ylada_app.services.privacy_erase import erase_contact as erase_everywhere

log = logging.getLogger(__name__)


def _mark(request_id: int, **values) -> None:
    with session_scope() as session:
        row = session.get(DataRequest, request_id)
        if row is None:
            return
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def _stamp() -> str:
    return utcnow().isoformat()


def _claim(request_id: int, kind: str) -> DataRequest | None:
    """The request, moved to running, if it is this kind, open, and its contact is its
    business's; a request that fails the check is marked failed."""
    with session_scope() as session:
        # one run only: the pending → running move is the claim (a duplicate job finds none)
        claimed = session.connection().execute(
            update(DataRequest).where(DataRequest.id == request_id, DataRequest.kind == kind,
                                      DataRequest.status == "pending")
            .values(status="running", progress=5, detail={"claimed_at": _stamp()})).rowcount
        if not claimed:
            return None
        row = session.get(DataRequest, request_id)
        contact = session.get(Contact, row.contact_id) if row.contact_id else None
        if contact is None or contact.tenant_id != row.tenant_id:
            row.status, row.error = "failed", "contact_not_found"
            session.add(row)
            return None
        session.expunge(row)
        return row


def build_export(request_id: int) -> str:
    request_id = int(request_id)
    row = _claim(request_id, DataRequestKind.EXPORT)
    if row is None:
        return "skipped"
    token = secrets.token_urlsafe(24)
    row.file_token = token
    path = privacy.export_path(row)
    try:
        _write_zip(row, path)
    except Exception as exc:
        log.exception("LGPD export %s failed", request_id)
        path.unlink(missing_ok=True)
        _mark(request_id, status="failed", error=str(exc)[:300])
        return "failed"
    with session_scope() as session:
        done = session.get(DataRequest, request_id)
        contact = session.get(Contact, row.contact_id)
        if contact is None or privacy.is_erased(contact):  # erased while this was built
            path.unlink(missing_ok=True)
            done.status, done.error = "failed", "contact_erased"
            session.add(done)
            return "failed"
        done.status, done.progress, done.file_token = "done", 100, token
        done.done_at, done.error, done.detail = utcnow(), None, {}
        session.add(done)
        audit.record(session, action="privacy.export", tenant_id=row.tenant_id,
                     actor_user_id=row.requested_by_user_id,
                     target=f"contact:{row.contact_id}", request_id=request_id)
    return "done"


def _write_zip(row: DataRequest, path) -> None:
    tenant_id, contact_id = row.tenant_id, row.contact_id
    with session_scope() as session:
        contact = session.get(Contact, contact_id)
        tenant = session.get(Tenant, tenant_id)
        contact_doc = px.contact_doc(session, contact)
        consents = px.consents_doc(session, tenant_id, contact_id)
        conv_ids = px.conversation_ids(session, tenant_id, contact_id)
        total = px.count_messages(session, tenant_id, conv_ids)
        ai = px.ai_doc(session, tenant_id, conv_ids)
        events = px.events_doc(session, tenant_id, conv_ids)
        flow = px.flow_doc(session, tenant_id, conv_ids)
        notes = px.notes_doc(session, tenant_id, conv_ids)
        business = tenant.name if tenant else ""
    _mark(row.id, progress=15)
    path.parent.mkdir(parents=True, exist_ok=True)
    messages: list[dict] = []
    last_mark = time.monotonic()
    with session_scope() as session:
        for chunk in px.iter_messages(session, tenant_id, conv_ids):
            messages += chunk
            if time.monotonic() - last_mark > 0.5:
                last_mark = time.monotonic()
                # (and a sign of life: a long export is not taken for a lost one)
                _mark(row.id, progress=15 + int(70 * len(messages) / max(total, 1)),
                      detail={"claimed_at": _stamp()})
    _mark(row.id, progress=85)

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2)

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("contact.json", dump(contact_doc))
        zf.writestr("consents.json", dump(consents))
        zf.writestr("messages.json", dump(messages))
        zf.writestr("ai.json", dump(ai))
        zf.writestr("events.json", dump(events))
        zf.writestr("flow.json", dump(flow))
        zf.writestr("notes.json", dump(notes))
        zf.writestr("resumo.html", px.summary_html(business, contact_doc, consents,
                                                   len(messages), messages[-50:], ai, events,
                                                   utcnow(), flow=flow, notes=notes))


def erase_contact(request_id: int) -> str:
    request_id = int(request_id)
    row = _claim(request_id, DataRequestKind.ERASE)
    if row is None:
        return "skipped"
    try:
        with session_scope() as session:
            conv_ids = px.conversation_ids(session, row.tenant_id, row.contact_id)
        # under the conversation's lock: the pipeline never writes the old data back
        lock = locks.hold(conv_ids[0]) if conv_ids else contextlib.nullcontext()
        with lock, session_scope() as session:
            touched = erase_everywhere(session, tenant_id=row.tenant_id,
                                       contact_id=row.contact_id)
            done = session.get(DataRequest, request_id)
            done.status, done.progress, done.done_at, done.error = "done", 100, utcnow(), None
            done.detail = {"erased": touched}
            session.add(done)
            audit.record(session, action="privacy.erase", tenant_id=row.tenant_id,
                         actor_user_id=row.requested_by_user_id,
                         target=f"contact:{row.contact_id}", request_id=request_id,
                         messages=touched.get("messages", 0))
    except Exception as exc:
        log.exception("LGPD erasure %s failed", request_id)
        _mark(request_id, status="failed", error=str(exc)[:300])
        return "failed"
    return "done"


_REMIND_EVERY_S = 600.0
_last = [0.0]
# A request still pending this long after it was made lost its job (the queue was down when
# it was saved — after_commit only logs that — or Redis restarted and lost it): queued again.
LOST_PENDING = timedelta(minutes=5)
# A running request silent this long lost its worker (killed, restarted): back to pending
# and queued again. Far above RQ's default job timeout (180 s), and a long export refreshes
# its `claimed_at` as it goes; a duplicate job finds nothing to claim.
LOST_RUNNING = timedelta(minutes=30)


def requeue_lost(now: datetime | None = None, limit: int = 200) -> int:
    """Open requests whose job was lost, started again. Returns how many."""
    now = now or utcnow()
    with session_scope() as session:
        running = session.exec(select(DataRequest).where(
            DataRequest.status == "running").limit(limit)).all()
        conn = session.connection()
        for row in running:
            if _claimed_at(row) > now - LOST_RUNNING:
                continue
            log.warning("LGPD request %s lost its job while running: queued again", row.id)
            # (unless it moved on since it was read: still running, at the same progress)
            conn.execute(update(DataRequest).where(
                DataRequest.id == row.id, DataRequest.status == "running",
                DataRequest.progress == row.progress)
                .values(status="pending", progress=0, detail={}))
        lost = session.exec(select(DataRequest.id, DataRequest.kind).where(
            DataRequest.status == "pending", col(DataRequest.kind).in_(tuple(privacy.JOBS)),
            DataRequest.created_at <= now - LOST_PENDING)
            .order_by(col(DataRequest.id)).limit(limit)).all()
    for request_id, kind in lost:
        privacy.start(request_id, kind)
    return len(lost)


def _claimed_at(row: DataRequest) -> datetime:
    """When the running request last showed life (its claim, or an export's progress);
    a row claimed before this was recorded counts from its creation."""
    stamp = (row.detail or {}).get("claimed_at")
    try:
        return datetime.fromisoformat(stamp) if isinstance(stamp, str) else row.created_at
    except ValueError:
        return row.created_at


def periodic() -> int:
    """From the sweeper, at most every 10 minutes: requests whose job was lost started
    again, reminders of requests near their deadline (once each) and expired export files
    (LGPD copies, leads and reports) deleted."""
    if time.monotonic() - _last[0] < _REMIND_EVERY_S:
        return 0
    _last[0] = time.monotonic()
    try:
        requeue_lost()
    except Exception:  # the reminders and the purge below must still run
        log.exception("re-queueing lost LGPD requests failed")
    with session_scope() as session:
        n = privacy.remind_due(session)
        privacy.purge_expired_exports(session)
        analytics_export.purge_expired(session)  # leads files hold personal data too
    return n
