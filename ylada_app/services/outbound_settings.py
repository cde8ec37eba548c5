"""The business's marketing frequency cap: at most N marketing templates per contact in any
7 days (default 2; 1 to 14). Meta also limits how many marketing templates one person
receives — past it they are not delivered but still billed — and people who get too many
opt out, so there is always a cap; a business only chooses how strict.

What counts is every MARKETING template message written to the contact's conversation in
the window, whatever sent it (broadcasts, flows, the API, the inbox): `message_templates.fill`
keeps the template's category in the message's payload. Failed sends are not counted (the
person never got them). Every function takes `tenant_id`; one business's setting never
touches another's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ylada_app.models import Conversation, Message, Tenant, utcnow
from ylada_app.services.errors import FieldErrors, NotFound

DEFAULT_PER_WEEK = 2
MIN_PER_WEEK, MAX_PER_WEEK = 1, 14
WINDOW = timedelta(days=7)


def marketing_per_week(session: Session, *, tenant_id: int) -> int:
    value = session.exec(select(Tenant.marketing_per_week)
                         .where(Tenant.id == tenant_id)).first()
    return int(value) if value else DEFAULT_PER_WEEK


def set_marketing_per_week(session: Session, *, tenant_id: int, value: object) -> int:
    """Refused (pt-BR, on the field) unless a whole number from 1 to 14."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if not MIN_PER_WEEK <= number <= MAX_PER_WEEK:
        raise FieldErrors({"marketing_per_week": "outbound.error.marketing_cap"},
                          {"marketing_per_week": {"min": MIN_PER_WEEK, "max": MAX_PER_WEEK}})
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("error.not_found")
    tenant.marketing_per_week = number
    session.add(tenant)
    session.flush()
    return number


def marketing_sent(session: Session, *, tenant_id: int, contact_ids: list[int],
                   now: datetime | None = None) -> dict[int, int]:
    """contact id → marketing templates written to them in the last 7 days."""
    if not contact_ids:
        return {}
    since = (now or utcnow()) - WINDOW
    category = col(Message.payload)["category"].as_string()
    rows = session.exec(
        select(Conversation.contact_id, func.count())
        .join(Message, Message.conversation_id == Conversation.id)
        .where(Conversation.tenant_id == tenant_id,
               col(Conversation.contact_id).in_(contact_ids),
               Message.tenant_id == tenant_id, Message.direction == "out",
               Message.type == "template", Message.created_at >= since,
               Message.status != "failed", category == "MARKETING")
        .group_by(Conversation.contact_id)).all()
    return {int(cid): int(n) for cid, n in rows}


def reached_cap(session: Session, *, tenant_id: int, contact_ids: list[int],
                cap: int | None = None, now: datetime | None = None) -> set[int]:
    """The contacts who may get no more marketing templates now."""
    cap = cap if cap is not None else marketing_per_week(session, tenant_id=tenant_id)
    sent = marketing_sent(session, tenant_id=tenant_id, contact_ids=contact_ids, now=now)
    return {cid for cid, n in sent.items() if n >= cap}
