"""Asaas webhook events applied to invoices and the subscription (called by billing_events).

Asaas bills a subscription as one charge per month, each with its own webhooks, and events of
the same second arrive in any order. So nothing here trusts arrival order:
- a charge's status only moves forward (pending → overdue → paid → refunded; deleted only
  while unpaid), whatever order its events come in;
- the subscription's status is DERIVED from its charges: the latest-due decided charge wins
  (paid → active; overdue or refunded → past_due). A pending charge decides nothing, so a
  checkout whose first Pix is not paid yet leaves the tenant where it was;
- we start following an Asaas subscription when one of its charges is paid (the checkout's
  word is not enough) and a deleted subscription never comes back; a second subscription
  paid while another live one is followed is canceled at Asaas (billing_events'
  replace_subscription) — unless the followed one is overdue: the one just paid then takes
  over and the overdue one is canceled;
- plan changes come from SUBSCRIPTION_UPDATED (the plan code is in its externalReference);
  an update older than the last one applied is stale.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.integrations.payments.asaas_gateway import (
    PAYMENT_EVENTS,
    parse_reference,
    to_cents,
)
from ylada_app.integrations.payments.base import ASAAS_STATUS, ChargeStatus, GatewayEvent
from ylada_app.models import BillingEvent, Invoice, Plan, Subscription, utcnow

PROVIDER = "asaas"
# How far forward each status is; a charge never moves to a lower (or equal) rank.
RANK = {ChargeStatus.PENDING: 0, ChargeStatus.OVERDUE: 1, ChargeStatus.FAILED: 1,
        ChargeStatus.CANCELED: 2, ChargeStatus.PAID: 2, ChargeStatus.REFUNDED: 3}
DECIDED = {ChargeStatus.PAID: "active", ChargeStatus.OVERDUE: "past_due",
           ChargeStatus.REFUNDED: "past_due"}
LIVE = ("active", "past_due")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _due(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _url(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value[:500]
    return None


def plan_from_reference(session: Session, value: Any) -> Plan | None:
    _, code = parse_reference(value)
    if not code:
        return None
    return session.exec(select(Plan).where(Plan.code == code)).first()


def apply_charge(session: Session, tenant_id: int, event: GatewayEvent, sub_row) -> str:
    """A PAYMENT_* event: the invoice moves forward, then the subscription follows."""
    obj = event.data
    pay_id = _str(obj.get("id"))
    if pay_id is None:
        return "ignored"
    target = PAYMENT_EVENTS.get(event.type) or ASAAS_STATUS.get(str(obj.get("status")))
    if target is None:
        return "ignored"
    invoice = session.exec(select(Invoice).where(Invoice.provider == PROVIDER,
                                                 Invoice.provider_invoice_id == pay_id)).first()
    if invoice is not None and invoice.tenant_id != tenant_id:
        return "ignored"  # never touch another tenant's row, whatever the payload says
    if invoice is None:
        invoice = Invoice(tenant_id=tenant_id, provider=PROVIDER,
                          provider_invoice_id=pay_id[:100], status=ChargeStatus.PENDING)
    old = ChargeStatus(invoice.status) if invoice.status in RANK else ChargeStatus.PENDING
    moved = invoice.id is None or RANK[target] > RANK[old]
    if not moved and target != old:
        return "stale"
    details = dict(invoice.details or {})
    sub_id = _str(obj.get("subscription"))
    if sub_id:
        details["subscription"] = sub_id[:100]
    for key, field in (("due_date", "dueDate"), ("method", "billingType"),
                       ("paid_on", "paymentDate")):
        if _str(obj.get(field)):
            details[key] = str(obj[field])[:40]
    _, code = parse_reference(obj.get("externalReference"))
    if code and "plan" not in details:
        details["plan"] = code[:40]
    invoice.details = details
    invoice.status = target if moved else old
    invoice.amount_cents = to_cents(obj.get("value")) or invoice.amount_cents
    invoice.currency = "BRL"
    invoice.number = str(obj.get("invoiceNumber"))[:60] if obj.get("invoiceNumber") \
        else invoice.number
    invoice.hosted_url = _url(obj.get("invoiceUrl")) or invoice.hosted_url
    invoice.pdf_url = _url(obj.get("transactionReceiptUrl")) or _url(obj.get("bankSlipUrl")) \
        or invoice.pdf_url
    invoice.provider_event_at = max(invoice.provider_event_at, event.created)
    session.add(invoice)
    session.flush()
    if sub_id:
        _follow(session, tenant_id, sub_id, invoice, event, sub_row)
    return "applied"


def _follow(session: Session, tenant_id: int, sub_id: str, invoice: Invoice,
            event: GatewayEvent, sub: Subscription) -> None:
    if sub.provider_subscription_id != sub_id:
        # Start following this subscription once it is paid for, unless the tenant already
        # pays another live one: we keep that one, and this second one is canceled at Asaas
        # (as Mercado Pago's: a job after the commit, with an audit entry). Found by review
        # and fixed: it used to be only an invoice in the list, and stayed live at Asaas,
        # charging every month for nothing.
        from ylada_app.services.billing_events import replace_subscription, was_replaced

        if invoice.status != ChargeStatus.PAID or was_replaced(session, tenant_id, sub_id[:100]):
            # (one we had canceled as a second subscription never takes over: a later event
            # of its paid charge — a card's PAYMENT_RECEIVED weeks after PAYMENT_CONFIRMED —
            # made it replace the live one while that was overdue, leaving none live)
            return
        # (a provider's trial — a card at Stripe subscribed during our trial — is live too:
        # left running, it charged the card when its trial ended)
        if sub.provider_subscription_id and sub.status in (*LIVE, "trialing"):
            if sub.status == "active":  # paid up: it stays, this one goes
                replace_subscription(session, tenant_id, PROVIDER, sub_id[:100],
                                     kept=sub.provider_subscription_id)
                return
            # Overdue: the customer paid this one to get out of it — it takes over and the
            # overdue one goes (canceling the one just paid left the plan unpaid); a trial
            # nothing was paid for yet goes the same way.
            # (canceled where it lives: an overdue card at Stripe is canceled at Stripe)
            if not was_replaced(session, tenant_id, sub.provider_subscription_id):
                replace_subscription(session, tenant_id, sub.provider or PROVIDER,
                                     sub.provider_subscription_id, kept=sub_id[:100])
        plan = session.exec(select(Plan).where(
            Plan.code == (invoice.details or {}).get("plan", ""))).first()
        sub.provider = PROVIDER
        sub.provider_subscription_id = sub_id
        sub.provider_customer_id = _str(event.data.get("customer"))
        sub.provider_item_id = None
        sub.cancel_at_period_end = False
        sub.canceled_at = None
        sub.trial_ends_at = None
        if plan is not None:
            sub.plan_id = plan.id
    elif sub.status == "canceled":
        return  # a deleted Asaas subscription never comes back
    derive_status(session, tenant_id, sub)
    sub.provider_event_at = max(sub.provider_event_at, event.created)
    sub.updated_at = utcnow()
    session.add(sub)


def derive_status(session: Session, tenant_id: int, sub: Subscription) -> None:
    """Status and period end from the subscription's charges (latest decided one wins)."""
    invoices = [i for i in session.exec(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.provider == PROVIDER)).all()
        if (i.details or {}).get("subscription") == sub.provider_subscription_id]
    decided = [i for i in invoices if i.status in DECIDED and _due(i.details.get("due_date"))]
    if not decided:
        return
    latest = max(decided, key=lambda i: (_due(i.details["due_date"]), i.id or 0))
    sub.status = DECIDED[ChargeStatus(latest.status)]
    due = _due(latest.details["due_date"])
    plan = session.get(Plan, sub.plan_id)
    months = 12 if plan is not None and plan.interval == "year" else 1
    # active: paid until the next due date; past_due: the grace counts from the unpaid due date
    end = _add_months(due, months) if sub.status == "active" else due
    sub.current_period_end = datetime(end.year, end.month, end.day)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    return day + timedelta(days=30 * months)


def apply_subscription(session: Session, tenant_id: int, event: GatewayEvent,
                       sub: Subscription) -> str:
    """SUBSCRIPTION_UPDATED (plan change) / SUBSCRIPTION_DELETED (cancel) on the one we follow."""
    obj = event.data
    sub_id = _str(obj.get("id"))
    if sub_id is None or sub.provider_subscription_id != sub_id:
        return "ignored"  # not (yet) the tenant's subscription: nothing to change
    if sub.status == "canceled":
        return "stale"
    last = session.exec(select(func.max(BillingEvent.event_created)).where(
        BillingEvent.provider == PROVIDER, BillingEvent.tenant_id == tenant_id,
        BillingEvent.type.like("SUBSCRIPTION_%"),  # type: ignore[attr-defined]
        BillingEvent.outcome == "applied", BillingEvent.event_id != event.event_id)).one()
    if last is not None and event.created < last:
        return "stale"
    deleted = event.type != "SUBSCRIPTION_UPDATED" or obj.get("deleted") is True \
        or obj.get("status") in ("INACTIVE", "EXPIRED")
    if deleted:
        sub.status = "canceled"
        sub.canceled_at = utcnow()
    else:
        plan = plan_from_reference(session, obj.get("externalReference"))
        if plan is not None:
            sub.plan_id = plan.id
    sub.provider_event_at = max(sub.provider_event_at, event.created)
    sub.updated_at = utcnow()
    session.add(sub)
    return "applied"


# --- reconciliation (missed webhooks) -----------------------------------------------------

STATUS_EVENT = {ChargeStatus.PENDING: "PAYMENT_CREATED", ChargeStatus.PAID: "PAYMENT_RECEIVED",
                ChargeStatus.OVERDUE: "PAYMENT_OVERDUE", ChargeStatus.REFUNDED: "PAYMENT_REFUNDED",
                ChargeStatus.CANCELED: "PAYMENT_DELETED"}


def open_checkout_subscription(session: Session, tenant_id: int) -> str | None:
    """The Asaas subscription of a checkout whose first charge is still open here."""
    rows = session.exec(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.provider == PROVIDER,
        Invoice.status == ChargeStatus.PENDING)).all()
    return next((r.details["subscription"] for r in rows
                 if (r.details or {}).get("checkout") and r.details.get("subscription")), None)


def reconcile(session: Session, gw, *, tenant_id: int, sub: Subscription,
              sub_id: str) -> list[str]:
    """Read an Asaas subscription and its charges and apply what differs from our rows as if
    its webhook had arrived now (the same forward-only rules apply). Returns the corrections
    made (each is logged by the caller)."""
    import time

    from ylada_app.services.billing_events import apply_event

    remote = gw.fetch_subscription(sub_id)
    payments = gw.subscription_payments(sub_id)
    now, corrections = int(time.time()), []
    local = {i.provider_invoice_id: i for i in session.exec(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.provider == PROVIDER)).all()}
    for pay in payments:
        status = ASAAS_STATUS.get(str(pay.get("status")))
        pay_id = _str(pay.get("id"))
        if status is None or pay_id is None:
            continue
        row = local.get(pay_id)
        if row is not None and row.status == status:
            continue
        before = row.status if row is not None else "missing"
        event = GatewayEvent(provider=PROVIDER, event_id=f"reconcile:{pay_id}:{time.time_ns()}",
                             type=STATUS_EVENT[status], created=now, kind="charge", data=pay)
        outcome = apply_event(session, event)
        corrections.append(f"charge {pay_id}: {before} → {status.value} ({outcome})")
    gone = remote.get("deleted") is True or remote.get("status") in ("INACTIVE", "EXPIRED")
    plan = plan_from_reference(session, remote.get("externalReference"))
    session.refresh(sub)
    following = sub.provider_subscription_id == sub_id
    if following and ((gone and sub.status != "canceled") or (
            not gone and plan is not None and plan.id != sub.plan_id)):
        event = GatewayEvent(provider=PROVIDER, event_id=f"reconcile:{sub_id}:{time.time_ns()}",
                             type="SUBSCRIPTION_DELETED" if gone else "SUBSCRIPTION_UPDATED",
                             created=now, kind="subscription", data=remote)
        outcome = apply_event(session, event)
        corrections.append(f"subscription {sub_id}: {'canceled' if gone else 'plan'} "
                           f"({outcome})")
    return corrections
