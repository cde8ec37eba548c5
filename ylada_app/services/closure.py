"""Account closure: the owner closes the business, it stays read-only for 30 days (it can be
reopened), then a job erases it.

Closing: billing is cancelled first (services/billing.set_cancel, whichever gateway bills
it; if the gateway refuses, nothing is closed), then the business's status becomes `closed`:
- its numbers stop answering (the pipeline answers only `active` businesses, as it does for
  a suspended one), its API keys stop working (services/api_keys.authenticate), what waits
  in its outbox is withdrawn and its broadcasts are cancelled;
- its members can still sign in, see everything and export, but every change is refused
  (`error.tenant_closed`) by one guard: a session opened for a request of a closed business
  is read-only for that business's rows (`read_only_session`, installed by state/calls.call
  from the request context that SessionState sets).

Erasing (`erase_due` / jobs/retention.erase_business) after `ERASE_AFTER_DAYS`: every row
of the business goes — each table with a `tenant_id` in batches, their children by FK
cascade — plus its export files, its Redis keys, its brand images (stored in the `brand`
row) and, on SQLite, its rows of the knowledge search index (no `tenant_id`). Members who
belonged to no other business lose their account and the e-mails sent to it. What the platform must
keep stays, without the business's customers' personal data:
- the `tenant` row as a tombstone (status `erased`, name kept: the invoices name it), with
  its DPA acceptance (the contract's proof);
- `subscription`, `billing_account`, `billing_event`, `invoice`: fiscal and accounting
  records (LGPD art. 16 I, legal obligation) — they hold the payer's data, not the contacts';
- `audit_log` entries: the platform's proof of who did what (art. 16 I / art. 7 VI; Marco
  Civil access records). The table is append-only (migration 0034) and names contacts only
  by id (services/audit.py), so no customer data of the business stays there; the e-mail of
  the member who acted stays as the actor of each entry.
"""

from __future__ import annotations

import logging
import shutil
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, event, or_, text, update
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, SQLModel, col, select

from ylada_app.models import (
    Broadcast,
    Conversation,
    EmailMessage,
    Membership,
    Message,
    Tenant,
    User,
    utcnow,
)
from ylada_app.models.tenant import Role, TenantStatus
from ylada_app.services import audit
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden, NotFound

log = logging.getLogger(__name__)

ERASE_AFTER_DAYS = 30
ERASE_BATCH = 10_000
# Kept after erasure (see the module docstring).
KEEP_TABLES = frozenset({"tenant", "subscription", "billing_account", "billing_event",
                         "invoice", "audit_log"})
# What a member of a closed business may still write: its own audit trail, exports it asks
# for (reports, and a contact's data-subject requests, which the law still expects answered
# during the 30 days), and reading its notifications.
READ_ONLY_ALLOWED = frozenset({"audit_log", "analytics_export", "data_request",
                               "notification"})


# --- the read-only guard ---------------------------------------------------------------------

# The closed business the current request works in (None: not closed). Set by the UI state
# from the authenticated context; state/calls.call copies it into each session it opens.
READ_ONLY_TENANT: ContextVar[int | None] = ContextVar("ylada_read_only_tenant", default=None)


def allowed_when_closed(fn: Any) -> Any:
    """Mark a service function a closed business may still call (reopen, close)."""
    fn.allowed_when_closed = True
    return fn


def read_only_session(session: Session, fn: Any = None) -> None:
    """Make `session` refuse changes to the closed business of this request, if any."""
    tenant_id = READ_ONLY_TENANT.get()
    if tenant_id is not None and not getattr(fn, "allowed_when_closed", False):
        session.info["read_only_tenant"] = tenant_id


def _guarded_table(table: Any) -> bool:
    name = getattr(table, "name", "")
    if name in READ_ONLY_ALLOWED:
        return False
    return name == "tenant" or "tenant_id" in getattr(table, "c", {})


def _touches(obj: Any, tenant_id: int) -> bool:
    table = getattr(obj, "__table__", None)
    if table is None or table.name in READ_ONLY_ALLOWED:
        return False
    if table.name == "tenant":
        return getattr(obj, "id", None) == tenant_id
    return getattr(obj, "tenant_id", None) == tenant_id


@event.listens_for(Session, "before_flush")
def _refuse_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    tenant_id = session.info.get("read_only_tenant")
    if tenant_id is None:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if _touches(obj, tenant_id) and (obj not in session.dirty or session.is_modified(obj)):
            raise Forbidden("error.tenant_closed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_statement(state: ORMExecuteState) -> None:
    if state.session.info.get("read_only_tenant") is None:
        return
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and _guarded_table(table):
            raise Forbidden("error.tenant_closed")


# --- closing and reopening -------------------------------------------------------------------

@dataclass(frozen=True)
class ClosureState:
    status: str
    closed_at: datetime | None
    erase_after: datetime | None
    name: str

    @property
    def closed(self) -> bool:
        return self.status == TenantStatus.CLOSED


def state(session: Session, *, tenant_id: int) -> ClosureState:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("error.not_found")
    return ClosureState(tenant.status, tenant.closed_at, tenant.erase_after, tenant.name)


def _owner(session: Session, *, tenant_id: int, user_id: int) -> Tenant:
    member = session.exec(select(Membership).where(Membership.tenant_id == tenant_id,
                                                   Membership.user_id == user_id)).first()
    if member is None or member.role != Role.OWNER:
        raise Forbidden("error.owner_only")
    tenant = session.exec(select(Tenant).where(Tenant.id == tenant_id)
                          .with_for_update()).first()
    if tenant is None:
        raise NotFound("error.not_found")
    return tenant


def _cancel_billing(session: Session, *, tenant_id: int) -> bool:
    """The gateway stops charging (first; an error here stops the closure)."""
    from ylada_app.services import billing, entitlements

    sub = entitlements.current_subscription(session, tenant_id=tenant_id)
    if not (sub and sub.provider_subscription_id
            and sub.status in ("active", "past_due", "trialing")):
        return False
    billing.set_cancel(session, tenant_id=tenant_id, role=Role.OWNER, cancel=True)
    return True


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@allowed_when_closed
def close_business(session: Session, *, tenant_id: int, user_id: int, confirmation: object,
                   client_ip: str = "") -> ClosureState:
    """Owner only. `confirmation` must repeat the business's name (field error otherwise)."""
    tenant = _owner(session, tenant_id=tenant_id, user_id=user_id)
    if tenant.status == TenantStatus.CLOSED:
        raise Conflict("closure.error.already_closed")
    if tenant.status != TenantStatus.ACTIVE:
        raise Forbidden("error.forbidden")
    typed = confirmation if isinstance(confirmation, str) else ""
    if not typed.strip():
        raise FieldErrors({"confirmation": "error.required"})
    if _norm(typed) != _norm(tenant.name):
        raise FieldErrors({"confirmation": "closure.error.confirmation"})
    billing_cancelled = _cancel_billing(session, tenant_id=tenant_id)
    now = utcnow()
    tenant.status, tenant.closed_at = TenantStatus.CLOSED, now
    tenant.closed_by_user_id = user_id
    tenant.erase_after = now + timedelta(days=ERASE_AFTER_DAYS)
    session.add(tenant)
    # Nothing more goes out: broadcasts stop, the outbox's waiting rows are withdrawn.
    session.exec(update(Broadcast).where(Broadcast.tenant_id == tenant_id,
                                         col(Broadcast.status).in_(("scheduled", "sending")))
                 .values(status="cancelled", finished_at=now))
    session.exec(update(Message).where(Message.tenant_id == tenant_id,
                                       Message.direction == "out", Message.status == "queued")
                 .values(status="failed", error="business_closed"))
    audit.record(session, action="tenant.closed", actor_user_id=user_id, tenant_id=tenant_id,
                 client_ip=client_ip, erase_after=tenant.erase_after.isoformat(),
                 billing_cancelled=billing_cancelled)
    session.flush()
    return state(session, tenant_id=tenant_id)


@allowed_when_closed
def reopen_business(session: Session, *, tenant_id: int, user_id: int,
                    client_ip: str = "") -> ClosureState:
    """Owner only, while the business is closed and not erased. Billing is not resumed: the
    owner picks a plan again on /billing (Asaas and Mercado Pago cancelled at once)."""
    tenant = _owner(session, tenant_id=tenant_id, user_id=user_id)
    if tenant.status != TenantStatus.CLOSED:
        raise Conflict("closure.error.not_closed")
    tenant.status = TenantStatus.ACTIVE
    tenant.closed_at = tenant.erase_after = tenant.closed_by_user_id = None
    session.add(tenant)
    audit.record(session, action="tenant.reopened", actor_user_id=user_id, tenant_id=tenant_id,
                 client_ip=client_ip)
    session.flush()
    return state(session, tenant_id=tenant_id)


# --- erasing ---------------------------------------------------------------------------------

def due_for_erasure(session: Session, now: datetime | None = None) -> list[int]:
    return list(session.exec(select(Tenant.id).where(
        Tenant.status == TenantStatus.CLOSED, col(Tenant.erase_after) <= (now or utcnow()))
        ).all())


def erasable(session: Session, *, tenant_id: int, now: datetime | None = None) -> bool:
    tenant = session.get(Tenant, tenant_id)
    return bool(tenant and tenant.status == TenantStatus.CLOSED and tenant.erase_after
                and tenant.erase_after <= (now or utcnow()))


def tenant_tables() -> list[Table]:
    """Tables holding the business's rows, children before parents, kept ones left out."""
    return [t for t in reversed(SQLModel.metadata.sorted_tables)
            if "tenant_id" in t.c and t.name not in KEEP_TABLES]


def delete_batch(session: Session, table: Table, *, tenant_id: int,
                 limit: int = ERASE_BATCH) -> int:
    """Delete at most `limit` rows of the business from `table` (by primary key)."""
    from ylada_app.services.retention import pk_in

    pk = next(iter(table.primary_key.columns))
    ids = select(pk).where(table.c.tenant_id == tenant_id).limit(limit)
    # the outer filter too: a composite key's first column alone may not be unique
    return int(session.execute(delete(table).where(table.c.tenant_id == tenant_id,
                                                   pk_in(session, pk, ids))).rowcount or 0)


def conversation_ids(session: Session, *, tenant_id: int) -> list[int]:
    """For the Redis keys named after them (taken before the rows go)."""
    return list(session.exec(select(Conversation.id)
                             .where(Conversation.tenant_id == tenant_id)).all())


def delete_only_members(session: Session, *, tenant_id: int) -> int:
    """Members (not platform admins) who belong to no other business lose their account
    (its sessions, tokens and membership go with it by cascade) and the e-mails sent to
    it — `email_message` has no foreign key to the account, and a password reset or an
    invitation carries no business (tenant_id NULL): the table-by-table erasure misses
    them. Returns how many accounts."""
    members = session.exec(select(Membership.user_id)
                           .where(Membership.tenant_id == tenant_id)).all()
    gone = 0
    for uid in members:
        user = session.get(User, uid)
        others = session.exec(select(Membership.id).where(Membership.user_id == uid,
                                                          Membership.tenant_id != tenant_id)
                              .limit(1)).first()
        if user is not None and not user.is_platform_admin and others is None:
            session.exec(delete(EmailMessage).where(or_(EmailMessage.user_id == uid,
                                                        EmailMessage.to_email == user.email)))
            session.exec(delete(User).where(User.id == uid))
            gone += 1
    session.flush()
    return gone


def delete_search_index(session: Session, *, tenant_id: int) -> int:
    """SQLite: the knowledge search index (`knowledge_fts`, a virtual table without
    `tenant_id`, outside the table-by-table erasure) keeps the words of every FAQ and
    catalog item of the business, tagged with its scope "t<business>x<number>": those rows
    go (before the items, while nothing else can tell which are the business's). PostgreSQL
    keeps the postings in tables with `tenant_id`. Returns how many rows."""
    from ylada_app.services import knowledge
    from ylada_app.services.knowledge_search import FTS_TABLE, is_sqlite

    if not is_sqlite(session):
        return 0
    knowledge.ensure_fts(session)
    return int(session.connection().execute(
        text(f"DELETE FROM {FTS_TABLE} WHERE scope LIKE :p"),
        {"p": f"t{int(tenant_id)}x%"}).rowcount or 0)


def finish_erasure(session: Session, *, tenant_id: int, counts: dict[str, int]) -> None:
    """The tombstone and the audit entry (ids and counts only)."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        return
    tenant.status = TenantStatus.ERASED
    tenant.slug = f"apagada-{tenant.id}"
    tenant.suspended_reason = None
    session.add(tenant)
    audit.record(session, action="tenant.erased", tenant_id=tenant_id,
                 rows=sum(v for k, v in counts.items() if k not in ("files", "redis_keys")),
                 accounts=counts.get("accounts", 0), files=counts.get("files", 0))
    session.flush()


def tenant_dirs(tenant_id: int) -> list[Path]:
    """Folders holding files of the business: its analytics exports and its data-subject
    export ZIPs (services/privacy.py keeps them in the same per-business folder)."""
    from ylada_app.services.analytics_export import export_dir

    return [export_dir() / str(tenant_id)]


def remove_files(tenant_id: int) -> int:
    removed = 0
    for path in tenant_dirs(tenant_id):
        if path.is_dir():
            removed += sum(1 for p in path.rglob("*") if p.is_file())
            shutil.rmtree(path, ignore_errors=True)
    return removed


def redis_keys(tenant_id: int, conversation_ids: list[int]) -> list[str]:
    keys = [f"ylada:live:{tenant_id}"]
    for cid in conversation_ids:
        keys += [f"ylada:lock:conv:{cid}", f"ylada:q:conv:{cid}", f"ylada:q:out:{cid}"]
    return keys


def remove_redis_keys(tenant_id: int, conversation_ids: list[int]) -> int:
    from ylada_app.core.queue import DIRTY_KEY, redis_connection
    from ylada_app.core.settings import get_settings

    url = get_settings().redis_url
    if not url:
        return 0
    conn = redis_connection(url)
    keys = redis_keys(tenant_id, conversation_ids)
    removed = 0
    for i in range(0, len(keys), 1000):
        removed += int(conn.delete(*keys[i:i + 1000]) or 0)
    for i in range(0, len(conversation_ids), 1000):
        conn.zrem(DIRTY_KEY, *conversation_ids[i:i + 1000])
    return removed
