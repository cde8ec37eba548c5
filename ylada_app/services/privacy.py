"""LGPD data subject requests (art. 18): a contact's data exported, erased or corrected.

Every request is a `data_request` row (who asked, from where, when, the legal deadline of 15
days, when it was done), created here and carried out by a job (`jobs/privacy.py`): the
export builds a ZIP (services/privacy_export.py), the erasure anonymises the contact
everywhere (services/privacy_erase.py). A correction is the contact page's edit, recorded as
a request that is done at once. The business is always the caller's (session, API key or the
number the keyword arrived on), never a client-supplied id, and every read filters on it.

Deadline: a request still open 10 days after it was made reminds the business's owners once
(notification + e-mail, from the sweeper); past 15 days it is shown as overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from ylada_app.core.db import after_commit
from ylada_app.core.security import constant_time_equals
from ylada_app.models import Contact, Conversation, Membership, Notification, User, utcnow
from ylada_app.models.privacy import DataRequest, DataRequestKind
from ylada_app.services import audit
from ylada_app.services.errors import FieldErrors, NotFound
from ylada_app.services.validation import parse_id

DEADLINE = timedelta(days=15)
REMIND_AFTER = timedelta(days=10)
EXPORT_TTL = timedelta(days=7)  # how long a built export can be downloaded
SOURCES = ("contact_page", "api", "whatsapp")
OPEN = ("pending", "running")
KEYWORD = "MEUS DADOS"
JOBS = {DataRequestKind.EXPORT: "ylada_app.jobs.privacy.build_export",
        DataRequestKind.ERASE: "ylada_app.jobs.privacy.erase_contact"}
KEYWORD_ACK = ("Recebemos seu pedido de cópia dos seus dados (LGPD). A equipe vai atender em "
               "até 15 dias e entrar em contato por aqui.")


def export_dir() -> Path:
    from ylada_app.services.analytics_export import export_dir as base

    return base()


def export_path(row: DataRequest) -> Path:
    return export_dir() / str(row.tenant_id) / f"lgpd-{row.id}-{row.file_token}.zip"


def export_filename(row: DataRequest) -> str:
    return f"dados-lgpd-contato-{row.contact_id or 'apagado'}-{row.id}.zip"


def _own_contact(session: Session, tenant_id: int, contact_id: object) -> Contact:
    cid = parse_id(contact_id)
    contact = session.get(Contact, cid) if cid is not None else None
    if contact is None or contact.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    return contact


def _own(session: Session, tenant_id: int, request_id: object) -> DataRequest:
    rid = parse_id(request_id)
    row = session.get(DataRequest, rid) if rid is not None else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    return row


def is_erased(contact: Contact) -> bool:
    from ylada_app.services.privacy_erase import ERASED_PREFIX

    return contact.wa_id.startswith(ERASED_PREFIX)


def create_request(session: Session, *, tenant_id: int, contact_id: object, kind: str,
                   source: str, user_id: int | None = None) -> tuple[DataRequest, bool]:
    """An export or erasure of one of this business's contacts, queued once the caller's
    transaction commits. An open request of the same kind for the contact is returned
    instead of a second one. Returns (request, created)."""
    if kind not in (DataRequestKind.EXPORT, DataRequestKind.ERASE):
        raise FieldErrors({"kind": "privacy.error.kind"})
    if source not in SOURCES:
        raise FieldErrors({"source": "privacy.error.source"})
    contact = _own_contact(session, tenant_id, contact_id)
    if is_erased(contact):
        raise FieldErrors({"kind": "privacy.error.erased"})
    open_row = session.exec(select(DataRequest).where(
        DataRequest.tenant_id == tenant_id, DataRequest.contact_id == contact.id,
        DataRequest.kind == kind, col(DataRequest.status).in_(OPEN))).first()
    if open_row is not None:
        return open_row, False
    now = utcnow()
    row = DataRequest(tenant_id=tenant_id, contact_id=contact.id, kind=kind, source=source,
                      requested_by_user_id=user_id, created_at=now, due_at=now + DEADLINE)
    session.add(row)
    session.flush()
    audit.record(session, action=f"privacy.{kind}.requested", actor_user_id=user_id,
                 tenant_id=tenant_id, target=f"contact:{contact.id}", request_id=row.id,
                 source=source)
    rid = row.id
    after_commit(session, lambda: start(rid, kind))
    return row, True


def start(request_id: int, kind: str) -> None:
    from ylada_app.core.queue import enqueue

    enqueue(JOBS[kind], request_id)


def correct(session: Session, *, tenant_id: int, contact_id: object, name: object,
            tags: object, fields: object, user_id: int | None = None,
            source: str = "contact_page") -> DataRequest:
    """The contact asked to correct their data: the contact page's edit (same rules), kept
    as a request done at once, naming what changed (names of fields, never values)."""
    from ylada_app.services import contacts

    contact = _own_contact(session, tenant_id, contact_id)
    before = (contact.name, list(contact.tags or []), dict(contact.fields or {}))
    contacts.update_contact(session, tenant_id=tenant_id, contact_id=contact.id, name=name,
                            tags=tags, fields=fields)
    changed = []
    if contact.name != before[0]:
        changed.append("name")
    if list(contact.tags or []) != before[1]:
        changed.append("tags")
    after = dict(contact.fields or {})
    changed += [f"fields.{k}" for k in sorted(set(before[2]) | set(after))
                if before[2].get(k) != after.get(k)]
    now = utcnow()
    row = DataRequest(tenant_id=tenant_id, contact_id=contact.id, kind=DataRequestKind.CORRECT,
                      source=source if source in SOURCES else "contact_page",
                      requested_by_user_id=user_id, status="done", progress=100,
                      detail={"changed": changed[:60]}, created_at=now, due_at=now + DEADLINE,
                      done_at=now)
    session.add(row)
    session.flush()
    audit.record(session, action="privacy.correct", actor_user_id=user_id, tenant_id=tenant_id,
                 target=f"contact:{contact.id}", request_id=row.id, changed=len(changed))
    return row


# --- reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RequestView:
    id: int
    contact_id: int | None
    kind: str
    source: str
    status: str
    progress: int
    created_at: datetime
    due_at: datetime
    done_at: datetime | None
    overdue: bool
    downloadable: bool
    file_token: str
    error: str
    contact_label: str = ""  # the contact's name (or phone) for the business's own list


def _view(row: DataRequest, now: datetime, label: str = "") -> RequestView:
    return RequestView(row.id, row.contact_id, row.kind, row.source, row.status, row.progress,
                       row.created_at, row.due_at, row.done_at,
                       row.status in OPEN and row.due_at < now, _downloadable(row, now),
                       row.file_token if _downloadable(row, now) else "", row.error or "",
                       label)


def _labels(session: Session, tenant_id: int, contact_ids: set[int]) -> dict[int, str]:
    from ylada_app.services.phones import display_phone

    if not contact_ids:
        return {}
    return {cid: name or display_phone(wa_id) for cid, name, wa_id in session.exec(
        select(Contact.id, Contact.name, Contact.wa_id).where(
            Contact.tenant_id == tenant_id, col(Contact.id).in_(contact_ids))).all()}


def _downloadable(row: DataRequest, now: datetime) -> bool:
    return (row.kind == DataRequestKind.EXPORT and row.status == "done" and bool(row.file_token)
            and row.done_at is not None and row.done_at + EXPORT_TTL > now)


def list_requests(session: Session, *, tenant_id: int, contact_id: object = None,
                  only_open: bool = False, limit: int = 200) -> list[RequestView]:
    """Newest first; open ones first on the business's list."""
    query = select(DataRequest).where(DataRequest.tenant_id == tenant_id)
    if contact_id is not None:
        query = query.where(DataRequest.contact_id == _own_contact(session, tenant_id,
                                                                   contact_id).id)
    if only_open:
        query = query.where(col(DataRequest.status).in_(OPEN))
    rows = session.exec(query.order_by(col(DataRequest.id).desc()).limit(limit)).all()
    now = utcnow()
    labels = _labels(session, tenant_id, {r.contact_id for r in rows if r.contact_id})
    views = [_view(r, now, labels.get(r.contact_id or 0, "")) for r in rows]
    if contact_id is None:
        views.sort(key=lambda v: (v.status not in OPEN, v.due_at if v.status in OPEN else now))
    return views


def get_request(session: Session, *, tenant_id: int, request_id: object) -> RequestView:
    return _view(_own(session, tenant_id, request_id), utcnow())


def export_file(session: Session, *, tenant_id: int, request_id: object,
                token: str) -> tuple[Path, str]:
    """The built ZIP, only for its own business, with its token, before it expires."""
    row = _own(session, tenant_id, request_id)
    if (not _downloadable(row, utcnow())
            or not constant_time_equals(row.file_token, str(token or ""))):
        raise NotFound("error.not_found")
    path = export_path(row)
    if not path.exists():
        raise NotFound("error.not_found")
    return path, export_filename(row)


def record_download(session: Session, *, tenant_id: int, request_id: int,
                    user_id: int | None = None, via: str = "page") -> None:
    audit.record(session, action="privacy.export.downloaded", actor_user_id=user_id,
                 tenant_id=tenant_id, target=f"data_request:{request_id}", via=via)


# --- the WhatsApp keyword ---------------------------------------------------------------------

def _fold(text: str) -> str:
    from ylada_app.core.db import fold_text

    return " ".join(fold_text(text or "").split())


def is_keyword(text: str | None) -> bool:
    return bool(text) and _fold(text) == _fold(KEYWORD)


def set_keyword(session: Session, *, tenant_id: int, instance_id: object, enabled: bool,
                user_id: int | None = None) -> bool:
    """Turn "MEUS DADOS" on or off for one of this business's numbers (off by default)."""
    from ylada_app.services.instances import get_instance

    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    inst.privacy_keyword = bool(enabled)
    inst.updated_at = utcnow()
    session.add(inst)
    session.flush()
    audit.record(session, action="privacy.keyword", actor_user_id=user_id, tenant_id=tenant_id,
                 target=f"instance:{inst.id}", enabled=bool(enabled))
    return inst.privacy_keyword


def keyword_step(session: Session, work: Any, msg: Any, sink: Any) -> bool:
    """The pipeline's check of one inbound message on a number where the business turned
    the keyword on: "MEUS DADOS" records an export request, tells the team and queues the
    pt-BR acknowledgement; the bot never sees the message. False: not the keyword."""
    ack = keyword_request(session, contact=work.contact, conversation=work.conversation,
                          enabled=bool(work.instance.privacy_keyword), text=msg.text)
    if ack is None:
        return False
    sink.outbound.append({"type": "text", "text": ack})
    return True


def keyword_request(session: Session, *, contact: Contact, conversation: Conversation,
                    enabled: bool, text: str | None) -> str | None:
    """A contact sent "MEUS DADOS" to a number where the business turned it on: an export
    request is recorded (once while one is open), the team is told, and the acknowledgement
    to send is returned (None: not the keyword, or not enabled)."""
    if not enabled or not is_keyword(text) or is_erased(contact):
        return None
    row, created = create_request(session, tenant_id=contact.tenant_id, contact_id=contact.id,
                                  kind=DataRequestKind.EXPORT, source="whatsapp")
    if created:
        _notify_team(session, row, conversation_id=conversation.id,
                     title="Um contato pediu a cópia dos seus dados (LGPD)",
                     body="Pedido feito pelo WhatsApp. Prazo legal: 15 dias. Veja em "
                          "Solicitações LGPD.")
    return KEYWORD_ACK


def _members(session: Session, tenant_id: int, roles: tuple[str, ...] | None = None):
    query = (select(Membership.user_id, User.email, User.locale, User.name)
             .join(User, User.id == Membership.user_id)
             .where(Membership.tenant_id == tenant_id))
    if roles:
        query = query.where(col(Membership.role).in_(roles))
    return session.exec(query).all()


def _notify_team(session: Session, row: DataRequest, *, conversation_id: int | None,
                 title: str, body: str, roles: tuple[str, ...] | None = None) -> int:
    now = utcnow()
    rows = [{"tenant_id": row.tenant_id, "user_id": uid, "kind": "privacy",
             "conversation_id": conversation_id, "title": title[:200], "body": body[:300],
             "read_at": None, "created_at": now}
            for uid, *_ in _members(session, row.tenant_id, roles)]
    if rows:
        session.connection().execute(insert(Notification.__table__), rows)
    return len(rows)


# --- the deadline -----------------------------------------------------------------------------

def remind_due(session: Session, *, now: datetime | None = None, limit: int = 200) -> int:
    """Open requests older than 10 days whose owners were not reminded yet: a notification
    and an e-mail to each owner, once (`reminded_at`). Returns how many requests."""
    from ylada_app.services.emails import queue_email

    now = now or utcnow()
    rows = session.exec(select(DataRequest).where(
        col(DataRequest.status).in_(OPEN), col(DataRequest.reminded_at).is_(None),
        DataRequest.created_at <= now - REMIND_AFTER)
        .order_by(col(DataRequest.due_at)).limit(limit)).all()
    for row in rows:
        days = max(0, (row.due_at - now).days)
        title = "Solicitação LGPD perto do prazo"
        body = (f"Uma solicitação de {_KIND_PT.get(row.kind, row.kind)} de dados vence em "
                f"{days} dia(s). Atenda em Solicitações LGPD.")
        _notify_team(session, row, conversation_id=None, title=title, body=body,
                     roles=("owner",))
        for uid, email, locale, name in _members(session, row.tenant_id, ("owner",)):
            queue_email(session, to=email, kind="team_notice", lang=locale or "pt-BR",
                        link_path="/privacy/requests", user_id=uid, tenant_id=row.tenant_id,
                        name=name or "", title=title, body=body)
        row.reminded_at = now
        session.add(row)
    session.flush()
    return len(rows)


def purge_expired_exports(session: Session, *, now: datetime | None = None,
                          limit: int = 200) -> int:
    """Built exports past their download window: the file is deleted (it holds personal
    data) and the request keeps only that it was done."""
    now = now or utcnow()
    rows = session.exec(select(DataRequest).where(
        DataRequest.kind == DataRequestKind.EXPORT, DataRequest.status == "done",
        DataRequest.file_token != "", col(DataRequest.done_at) <= now - EXPORT_TTL)
        .limit(limit)).all()
    for row in rows:
        export_path(row).unlink(missing_ok=True)
        row.file_token = ""
        session.add(row)
    session.flush()
    return len(rows)


_KIND_PT = {"export": "cópia", "erase": "eliminação", "correct": "correção"}
