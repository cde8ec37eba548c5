"""Mercado Pago events applied (called by billing_events). Each event carries the resource
as read back from the API at that moment (never the notification body):
- a preapproval: authorized → active, paused → past_due, cancelled → canceled (for good);
  the plan comes from its external_reference; we start following a preapproval once it is
  authorized (a second one authorized while another is followed is canceled); a read older
  than the last one applied is stale;
- an authorized payment (one monthly charge): its invoice moves forward only (approved →
  paid; rejected → failed while Mercado Pago retries; refunded / charged back last), a failed
  or refunded charge makes an active subscription past_due and an approved one makes a
  past_due subscription active again.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from ylada_app.integrations.payments.base import MERCADO_PAGO_STATUS, ChargeStatus, GatewayEvent
from ylada_app.models import Invoice, Plan, Subscription, utcnow
from ylada_app.services.billing_events_asaas import RANK

PROVIDER = "mercadopago"
STATUS = {"authorized": "active", "paused": "past_due", "cancelled": "canceled"}


def parse_reference(value: Any) -> tuple[int | None, str | None]:
    parts = value.split(":") if isinstance(value, str) else []
    if len(parts) != 3 or parts[0] != "ylada" or not parts[1].isdigit():
        return None, None
    return int(parts[1]), parts[2] or None


def _cents(value: Any) -> int:
    try:
        return int(round(float(value) * 100))
    except (TypeError, ValueError, OverflowError):
        return 0


def apply_subscription(session: Session, tenant_id: int, event: GatewayEvent,
                       sub: Subscription) -> str:
    obj = event.data
    pre_id = obj.get("id") if isinstance(obj.get("id"), str) else None
    status = STATUS.get(str(obj.get("status")))
    if pre_id is None:
        return "ignored"
    same = sub.provider_subscription_id == pre_id
    if same and (event.created < sub.provider_event_at or sub.status == "canceled"):
        return "stale"
    if not same:
        # follow a newly authorized preapproval, unless another live one is followed
        if status != "active":
            return "ignored"
        if sub.provider_subscription_id and sub.status in ("active", "past_due"):
            # A second preapproval authorized (two checkout links paid): we keep the one we
            # follow and cancel this one, or it would charge every month for nothing (found
            # by review and fixed).
            from ylada_app.services.billing_events import replace_subscription, was_replaced

            if not was_replaced(session, tenant_id, pre_id[:100]):
                replace_subscription(session, tenant_id, PROVIDER, pre_id[:100],
                                     kept=sub.provider_subscription_id)
            return "ignored"
        sub.provider = PROVIDER
        sub.provider_subscription_id = pre_id[:100]
        sub.provider_customer_id = None
        sub.provider_item_id = None
        sub.canceled_at = None
        sub.trial_ends_at = None
        sub.cancel_at_period_end = False
    _, code = parse_reference(obj.get("external_reference"))
    plan = session.exec(select(Plan).where(Plan.code == (code or ""))).first()
    if plan is not None:
        sub.plan_id = plan.id
    if status is not None:
        sub.status = status
        if status == "canceled":
            sub.canceled_at = utcnow()
    nxt = obj.get("next_payment_date")
    if isinstance(nxt, str) and len(nxt) >= 10:
        with contextlib.suppress(ValueError):
            sub.current_period_end = datetime.fromisoformat(nxt[:19])
    sub.provider_event_at = max(sub.provider_event_at, event.created)
    sub.updated_at = utcnow()
    session.add(sub)
    return "applied"


def apply_charge(session: Session, tenant_id: int, event: GatewayEvent,
                 sub: Subscription) -> str:
    obj = event.data
    auth_id = str(obj.get("id") or "")
    payment = obj.get("payment") if isinstance(obj.get("payment"), dict) else {}
    target = MERCADO_PAGO_STATUS.get(str(payment.get("status")))
    if not auth_id or len(auth_id) > 100 or target is None:
        return "ignored"
    invoice = session.exec(select(Invoice).where(Invoice.provider == PROVIDER,
                                                 Invoice.provider_invoice_id == auth_id)).first()
    if invoice is not None and invoice.tenant_id != tenant_id:
        return "ignored"
    if invoice is not None and RANK.get(ChargeStatus(invoice.status), 0) >= RANK[target] \
            and invoice.status != target:
        return "stale"
    if invoice is None:
        invoice = Invoice(tenant_id=tenant_id, provider=PROVIDER, provider_invoice_id=auth_id)
    invoice.status = target
    invoice.amount_cents = _cents(obj.get("transaction_amount")) or invoice.amount_cents
    invoice.currency = str(obj.get("currency_id") or "BRL")[:3]
    invoice.number = str(payment.get("id"))[:60] if payment.get("id") else invoice.number
    # No receipt link: Mercado Pago documents none for a subscription charge. The invoice
    # (GET /authorized_payments/{id}) has no URL field, and the payment behind it is card or
    # account money, whose /v1/payments has no ticket_url / external_resource_url (those are
    # Pix and boleto only); Mercado Pago e-mails the receipt to the payer itself.
    invoice.details = {**(invoice.details or {}),
                       "subscription": str(obj.get("preapproval_id") or "")[:100]}
    invoice.provider_event_at = max(invoice.provider_event_at, event.created)
    session.add(invoice)
    if sub.provider_subscription_id == obj.get("preapproval_id") and sub.status != "canceled" \
            and event.created >= sub.provider_event_at:
        if target in (ChargeStatus.FAILED, ChargeStatus.REFUNDED) and sub.status == "active":
            # a refunded (or charged back) month is an unpaid month, as with Asaas
            sub.status = "past_due"
        elif target == ChargeStatus.PAID and sub.status == "past_due":
            sub.status = "active"
        sub.provider_event_at = event.created
        sub.updated_at = utcnow()
        session.add(sub)
    return "applied"
