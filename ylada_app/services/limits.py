"""Plan limits enforced where things are created: instances, active flows, monthly messages.

Checks lock the tenant's subscription row (PostgreSQL: FOR UPDATE), so two requests racing
for the last slot cannot both pass. The monthly message quota is reserved inside the
pipeline's batch transaction with the usage row locked, so concurrent workers never send
more than the plan allows and the counter always equals what was really queued.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from ylada_app.models import Flow, Instance, UsageCounter, utcnow
from ylada_app.models.instance import InstanceStatus
from ylada_app.models.upsert import insert_ignore
from ylada_app.services import entitlements
from ylada_app.services.errors import Conflict, ServiceError
from ylada_app.services.serialize import lock_tenant

WARN_RATIO = 0.8


class LimitReached(ServiceError):
    """Over a plan limit: the UI shows the message with a link to upgrade."""

    status = 402
    upgrade_url = "/billing"

    def messages(self, lang: str = "pt-BR") -> dict[str, str]:
        # "_upgrade" tells forms to offer the way out next to the message.
        return {"_": self.message(lang), "_upgrade": self.upgrade_url}


def _lock(session: Session, tenant_id: int) -> tuple[entitlements.Limits, tuple[int, ...]]:
    """Lock the PAYER's subscription row (an agency's clients share its plan, so they race
    for the same slots) and return the limits and the businesses counted against them."""
    payer, group = entitlements.plan_tenant_ids(session, tenant_id=tenant_id)
    if session.get_bind().dialect.name == "sqlite":  # no row locks: see serialize
        lock_tenant(session, payer)
    entitlements.current_subscription(session, tenant_id=payer, for_update=True)
    return entitlements.limits_for(session, tenant_id=tenant_id), group


# A WhatsApp number takes one of the plan's slots while it is connected (or connected and
# failing); a number still being set up, or switched off, takes none. Simulators never do.
SLOT_STATUSES = ("connected", "error")
MAX_UNCONNECTED_NUMBERS = 20


def check_instance_slot(session: Session, *, tenant_id: int,
                        instance_id: int | None = None) -> None:
    """Connecting (or switching on) WhatsApp number `instance_id` must fit in the plan."""
    limits, group = _lock(session, tenant_id)
    used = session.exec(select(func.count()).select_from(Instance)
                        .where(Instance.tenant_id.in_(group),  # type: ignore[attr-defined]
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
    limits, group = _lock(session, tenant_id)
    used = session.exec(select(func.count()).select_from(Flow)
                        .where(Flow.tenant_id.in_(group),  # type: ignore[attr-defined]
                               Flow.status == "active",
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

    Locks each payer's usage row until the caller's transaction ends; the caller counts
    what it really queued with `count_usage` in the same transaction. Payers are locked in
    id order so two batches never deadlock. An agency's clients share its quota: the agency's
    row is the one locked and the group's rows are summed (a business outside an agency pays
    one cached lookup more, nothing else).
    """
    month = entitlements.month_key()
    by_payer: dict[int, tuple[tuple[int, ...], list[int]]] = {}
    for tenant_id in sorted(t for t, n in wanted.items() if n > 0):
        payer, group = entitlements.cached_plan_tenants(session, tenant_id)
        by_payer.setdefault(payer, (group, []))[1].append(tenant_id)
    granted: dict[int, int] = {}
    for payer in sorted(by_payer):
        group, tenants = by_payer[payer]
        limit = entitlements.cached_limits(session, payer).max_messages_month
        stmt = (select(UsageCounter.messages_out)
                .where(UsageCounter.tenant_id == payer, UsageCounter.month == month)
                .with_for_update())
        used = session.exec(stmt).first()
        if used is None:
            ensure_usage_row(session, payer, month)
            used = session.exec(stmt).one()
        if len(group) > 1:  # (read under the payer's lock: every client's reserve takes it)
            used = session.exec(select(func.coalesce(func.sum(UsageCounter.messages_out), 0))
                                .where(UsageCounter.tenant_id.in_(group),  # type: ignore[attr-defined]
                                       UsageCounter.month == month)).one()
        for tenant_id in tenants:
            granted[tenant_id] = max(0, min(wanted[tenant_id], limit - used))
            used += granted[tenant_id]
    return granted


def count_blocked(session: Session, *, tenant_id: int, n: int) -> None:
    if n <= 0:
        return
    session.exec(update(UsageCounter)
                 .where(UsageCounter.tenant_id == tenant_id,
                        UsageCounter.month == entitlements.month_key())
                 .values(messages_blocked=UsageCounter.messages_blocked + n))


# --- a plan that shrank -----------------------------------------------------------------

OVER_LIMIT_ACTION = "billing.over_limit_off"


def switch_off_excess(session: Session, *, tenant_id: int,
                      now: datetime | None = None) -> tuple[list[int], list[int]]:
    """After the plan or the subscription's status changed (every provider's webhook and the
    reconciliation: billing_events._apply; a trial or a grace that ran out:
    billing_admin.settle), switch off the numbers and flows over the limits in force at `now`
    (default: now) — newest first — tell each business's team (pt-BR first) and write it in the
    audit trail. Returns (numbers, flows) switched off.

    Found by review and fixed: limits were only checked when something was switched on, so a
    business moving from Pro to Starter (or canceled) kept every number and flow running.
    An agency's clients share its plan, so the count spans the agency and its clients."""
    from ylada_app.services import audit
    from ylada_app.services.notifications import TeamEvent, notify_many

    payer, group = entitlements.plan_tenant_ids(session, tenant_id=tenant_id)
    limits = entitlements.billing_state(session, tenant_id=payer, now=now).limits
    numbers = list(session.exec(
        select(Instance).where(Instance.tenant_id.in_(group),  # type: ignore[attr-defined]
                               Instance.channel != "simulator",
                               Instance.status.in_(SLOT_STATUSES))  # type: ignore[attr-defined]
        .order_by(Instance.id.desc())).all())  # type: ignore[union-attr]
    flows = list(session.exec(
        select(Flow).where(Flow.tenant_id.in_(group),  # type: ignore[attr-defined]
                           Flow.status == "active")
        .order_by(Flow.id.desc())).all())  # type: ignore[union-attr]
    off_numbers = numbers[:max(0, len(numbers) - max(0, limits.max_instances))]
    off_flows = flows[:max(0, len(flows) - max(0, limits.max_active_flows))]
    if not off_numbers and not off_flows:
        return [], []
    from ylada_app.services.conversations import forget_flows

    now = utcnow()  # (when they went off: the real time)
    for inst in off_numbers:
        inst.status = InstanceStatus.DISABLED
        inst.updated_at = now
        session.add(inst)
    for flow in off_flows:
        flow.status = "inactive"
        flow.updated_at = now
        session.add(flow)
        forget_flows(flow.instance_id)
    session.flush()
    events = []
    for tid in sorted({x.tenant_id for x in [*off_numbers, *off_flows]}):
        nums = [i for i in off_numbers if i.tenant_id == tid]
        fls = [f for f in off_flows if f.tenant_id == tid]
        audit.record(session, action=OVER_LIMIT_ACTION, tenant_id=tid, target=limits.plan_code,
                     numbers=",".join(str(i.id) for i in nums),
                     flows=",".join(str(f.id) for f in fls),
                     max_instances=limits.max_instances,
                     max_active_flows=limits.max_active_flows)
        names = ", ".join([i.name for i in nums] + [f.name for f in fls])[:150]
        pt = (f"Desligamos {len(nums)} número(s) e {len(fls)} fluxo(s) que passavam do limite "
              f"do plano {limits.plan_name} ({names}). Escolha o que manter ou mude de plano "
              "em Assinatura.")
        en = (f"We switched off {len(nums)} number(s) and {len(fls)} flow(s) over the "
              f"{limits.plan_name} plan's limits ({names}). Choose what to keep or change "
              "plans under Billing.")
        events.append(TeamEvent(tid, "plan", None, "", limits.plan_name, bodies=(pt, en),
                                link="/billing"))
    notify_many(session, events)
    return [i.id for i in off_numbers], [f.id for f in off_flows]  # type: ignore[misc]
