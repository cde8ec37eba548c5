"""Plan limits enforced where things are created: instances, active flows, monthly messages.

Checks lock the tenant's subscription row (PostgreSQL: FOR UPDATE), so two requests racing
for the last slot cannot both pass. The monthly message quota is reserved inside the
pipeline's batch transaction with the usage row locked, so concurrent workers never send
more than the plan allows and the counter always equals what was really queued.
"""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from ylada_app.models import Flow, Instance, UsageCounter
from ylada_app.models.upsert import insert_ignore
from ylada_app.services import entitlements
from ylada_app.services.errors import Conflict, ServiceError

WARN_RATIO = 0.8


class LimitReached(ServiceError):
    """Over a plan limit: the UI shows the message with a link to upgrade."""

    status = 402
    upgrade_url = "/billing"

    def messages(self, lang: str = "pt-BR") -> dict[str, str]:
        # "_upgrade" tells forms to offer the way out next to the message.
        return {"_": self.message(lang), "_upgrade": self.upgrade_url}


def _lock(session: Session, tenant_id: int) -> entitlements.Limits:
    entitlements.current_subscription(session, tenant_id=tenant_id, for_update=True)
    return entitlements.limits_for(session, tenant_id=tenant_id)


# A WhatsApp number takes one of the plan's slots while it is connected (or connected and
# failing); a number still being set up, or switched off, takes none. Simulators never do.
SLOT_STATUSES = ("connected", "error")
MAX_UNCONNECTED_NUMBERS = 20


def check_instance_slot(session: Session, *, tenant_id: int,
                        instance_id: int | None = None) -> None:
    """Connecting (or switching on) WhatsApp number `instance_id` must fit in the plan."""
    limits = _lock(session, tenant_id)
    used = session.exec(select(func.count()).select_from(Instance)
                        .where(Instance.tenant_id == tenant_id,
                               Instance.channel != "simulator",
                               Instance.status.in_(SLOT_STATUSES),  # type: ignore[attr-defined]
                               Instance.id != (instance_id or 0))).one()
    if used >= limits.max_instances:
        raise LimitReached("error.limit_instances", limit=limits.max_instances,
                           plan=limits.plan_name)


def check_draft_cap(session: Session, *, tenant_id: int) -> None:
    """Numbers not connected take no slot, but a business cannot pile up endless ones."""
    waiting = session.exec(select(func.count()).select_from(Instance)
                           .where(Instance.tenant_id == tenant_id,
                                  Instance.channel != "simulator",
                                  Instance.status.not_in(SLOT_STATUSES))).one()  # type: ignore[attr-defined]
    if waiting >= MAX_UNCONNECTED_NUMBERS:
        raise Conflict("error.too_many_unconnected", limit=MAX_UNCONNECTED_NUMBERS)


def check_flow_slot(session: Session, *, tenant_id: int, flow_id: int) -> None:
    """Activating `flow_id` must fit in the plan (re-activating an active flow always does)."""
    limits = _lock(session, tenant_id)
    used = session.exec(select(func.count()).select_from(Flow)
                        .where(Flow.tenant_id == tenant_id, Flow.status == "active",
                               Flow.id != flow_id)).one()
    if used >= limits.max_active_flows:
        raise LimitReached("error.limit_flows", limit=limits.max_active_flows,
                           plan=limits.plan_name)


def ensure_usage_row(session: Session, tenant_id: int, month: str) -> None:
    """The tenant's usage row for `month`, created with zeros if missing (race-safe)."""
    insert_ignore(session, UsageCounter, {"tenant_id": tenant_id, "month": month,
                                          "messages_in": 0, "messages_out": 0,
                                          "ai_tokens": 0, "messages_blocked": 0},
                  ["tenant_id", "month"])


def reserve_outbound(session: Session, wanted: dict[int, int]) -> dict[int, int]:
    """How many of the `wanted` outbound messages each tenant may still send this month.

    Locks each tenant's usage row until the caller's transaction ends; the caller counts
    what it really queued with `count_usage` in the same transaction. Tenants are locked in
    id order so two batches never deadlock.
    """
    month = entitlements.month_key()
    granted: dict[int, int] = {}
    for tenant_id in sorted(t for t, n in wanted.items() if n > 0):
        limit = entitlements.cached_limits(session, tenant_id).max_messages_month
        stmt = (select(UsageCounter.messages_out)
                .where(UsageCounter.tenant_id == tenant_id, UsageCounter.month == month)
                .with_for_update())
        used = session.exec(stmt).first()
        if used is None:
            ensure_usage_row(session, tenant_id, month)
            used = session.exec(stmt).one()
        granted[tenant_id] = max(0, min(wanted[tenant_id], limit - used))
    return granted


def count_blocked(session: Session, *, tenant_id: int, n: int) -> None:
    if n <= 0:
        return
    session.exec(update(UsageCounter)
                 .where(UsageCounter.tenant_id == tenant_id,
                        UsageCounter.month == entitlements.month_key())
                 .values(messages_blocked=UsageCounter.messages_blocked + n))
