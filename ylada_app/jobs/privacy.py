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

from sqlalchemy import update

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


def _claim(request_id: int, kind: str) -> DataRequest | None:
    """The request, moved to running, if it is this kind, open, and its contact is its
    business's; a request that fails the check is marked failed."""
    with session_scope() as session:
        # one run only: the pending → running move is the claim (a duplicate job finds none)
        claimed = session.connection().execute(
            update(DataRequest).where(DataRequest.id == request_id, DataRequest.kind == kind,
                                      DataRequest.status == "pending")
            .values(status="running", progress=5)).rowcount
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
        done.done_at, done.error = utcnow(), None
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
                _mark(row.id, progress=15 + int(70 * len(messages) / max(total, 1)))
    _mark(row.id, progress=85)

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2)

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("contact.json", dump(contact_doc))
        zf.writestr("consents.json", dump(consents))
        zf.writestr("messages.json", dump(messages))
        zf.writestr("ai.json", dump(ai))
        zf.writestr("events.json", dump(events))
        zf.writestr("resumo.html", px.summary_html(business, contact_doc, consents,
                                                   len(messages), messages[-50:], ai, events,
                                                   utcnow()))


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


def periodic() -> int:
    """From the sweeper, at most every 10 minutes: reminders of requests near their
    deadline (once each) and expired export files (LGPD copies, leads and reports) deleted."""
    if time.monotonic() - _last[0] < _REMIND_EVERY_S:
        return 0
    _last[0] = time.monotonic()
    with session_scope() as session:
        n = privacy.remind_due(session)
        privacy.purge_expired_exports(session)
        analytics_export.purge_expired(session)  # leads files hold personal data too
    return n
