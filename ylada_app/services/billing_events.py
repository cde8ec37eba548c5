"""Apply verified payment-provider events to subscriptions and invoices.

Rules: each event is applied once (a unique row per provider event id); an event older than
the last one applied to a subscription or invoice changes nothing (providers deliver out of
order); a canceled Stripe subscription never comes back to life; events for tenants we cannot
identify are recorded and ignored. The browser never changes subscription state: only this
module (fed by webhooks) and the reconciliation job (which reads the provider) do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from ylada_app.integrations.payments.base import STRIPE_INVOICE_STATUS, ChargeStatus, GatewayEvent
from ylada_app.models import (
    BillingAccount,
    BillingEvent,
    Invoice,
    Plan,
    Subscription,
    Tenant,
    utcnow,
)
from ylada_app.models.upsert import insert_ignore
from ylada_app.services import entitlements, webhooks_out
from ylada_app.services.validation import parse_id

# Stripe's subscription statuses in ours. "incomplete" (first payment not done yet) keeps
# whatever the tenant had: checkout only counts once paid. (Found by review and fixed: an
# incomplete subscription used to switch the plan already, and its incomplete_expired
# canceled the trial it never replaced — see _apply_subscription.)
STATUS_MAP = {
    "trialing": "trialing", "active": "active", "past_due": "past_due", "unpaid": "past_due",
    "paused": "past_due", "canceled": "canceled", "incomplete_expired": "canceled",
}


def _ts(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC).replace(tzinfo=None) if value else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _cents(value: Any) -> int | None:
    """An amount in cents the invoice column can hold (else None)."""
    cents = _int(value)
    return cents if cents is not None and 0 <= cents < 2**31 else None


def _dig(node: Any, *path: str | int) -> Any:
    """node[path…] for provider JSON of any shape: None where the shape does not fit."""
    for key in path:
        if isinstance(key, int):
            node = node[key] if isinstance(node, list) and len(node) > key else None
        else:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _tenant_by_customer(session: Session, provider: str, customer: Any) -> int | None:
    if not isinstance(customer, str):
        return None
    return session.exec(select(BillingAccount.tenant_id).where(
        BillingAccount.provider == provider, BillingAccount.customer_id == customer)).first()


def _tenant_by_subscription(session: Session, provider_sub_id: Any) -> int | None:
    if not isinstance(provider_sub_id, str):
        return None
    return session.exec(select(Subscription.tenant_id).where(
        Subscription.provider_subscription_id == provider_sub_id)).first()


def _known_tenant(session: Session, tenant_id: Any) -> int | None:
    # (a number past the id column is no tenant, not a database error to retry for days)
    tid = parse_id(tenant_id)
    return tid if tid is not None and session.get(Tenant, tid) is not None else None


def resolve_tenant(session: Session, event: GatewayEvent) -> int | None:
    """Who the event is about. The customer mapping we stored wins over metadata."""
    obj = event.data
    if event.provider == "mercadopago":
        from ylada_app.services.billing_events_mp import parse_reference as mp_reference

        sub_id = obj.get("id") if event.kind == "subscription" else obj.get("preapproval_id")
        return (_tenant_by_subscription(session, sub_id)
                or _known_tenant(session, mp_reference(obj.get("external_reference"))[0]))
    if event.provider == "asaas":
        from ylada_app.integrations.payments.asaas_gateway import parse_reference

        sub_id = obj.get("id") if event.kind == "subscription" else obj.get("subscription")
        return (_tenant_by_customer(session, event.provider, obj.get("customer"))
                or _tenant_by_subscription(session, sub_id)
                or _known_tenant(session, parse_reference(obj.get("externalReference"))[0]))
    sub_id = obj.get("id") if event.kind == "subscription" else _invoice_subscription(obj)
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    return (_tenant_by_customer(session, event.provider, obj.get("customer"))
            or _tenant_by_subscription(session, sub_id)
            or _known_tenant(session, obj.get("client_reference_id"))
            or _known_tenant(session, meta.get("tenant_id")))


def _invoice_subscription(obj: dict[str, Any]) -> str | None:
    return _str(obj.get("subscription")) or _str(
        _dig(obj, "parent", "subscription_details", "subscription"))


def apply_event(session: Session, event: GatewayEvent) -> str:
    """Record and apply one verified event; returns the outcome (for the log and tests)."""
    return _apply(session, event)[0]


def _apply(session: Session, event: GatewayEvent) -> tuple[str, int | None]:
    tenant_id = resolve_tenant(session, event) if event.kind != "ignored" else None
    new_id = insert_ignore(session, BillingEvent, {
        "provider": event.provider, "event_id": event.event_id, "type": event.type,
        "tenant_id": tenant_id, "event_created": event.created, "outcome": "applied",
        "received_at": utcnow()}, ["provider", "event_id"])
    if new_id is None:
        return "duplicate", tenant_id
    before = entitlements.limits_for(session, tenant_id=tenant_id) \
        if tenant_id is not None and event.kind != "ignored" else None
    if event.kind == "ignored":
        outcome = "ignored"
    elif tenant_id is None:
        outcome = "unknown_tenant"
    elif event.provider == "asaas":
        outcome = _apply_asaas(session, tenant_id, event)
    elif event.provider == "mercadopago":
        from ylada_app.services import billing_events_mp as mp

        sub = _subscription_row(session, tenant_id)
        outcome = (mp.apply_charge if event.kind == "charge" else mp.apply_subscription)(
            session, tenant_id, event, sub)
    elif event.kind == "checkout":
        outcome = _apply_checkout(session, tenant_id, event)
    elif event.kind == "subscription":
        outcome = _apply_subscription(session, tenant_id, event)
    else:
        outcome = _apply_invoice(session, tenant_id, event)
    if outcome != "applied":
        row = session.get(BillingEvent, new_id)
        if row is not None:
            row.outcome = outcome
            session.add(row)
    session.flush()
    if tenant_id is not None:
        entitlements.forget_limits(tenant_id)
        after = entitlements.limits_for(session, tenant_id=tenant_id) \
            if outcome == "applied" and before is not None else None
        if after is not None and before is not None and (
                after.max_instances < before.max_instances
                or after.max_active_flows < before.max_active_flows):
            # The plan shrank (downgrade, cancellation, unpaid): what it no longer allows is
            # switched off. Only on a change: an event that changes nothing leaves alone what
            # the business runs (e.g. a checkout's event before its subscription's).
            from ylada_app.services.limits import switch_off_excess

            switch_off_excess(session, tenant_id=tenant_id)
        if outcome == "applied" and webhooks_out.wants(tenant_id, "subscription.updated"):
            webhooks_out.emit(session, [webhooks_out.Event(
                tenant_id, "subscription.updated", _subscription_data(session, tenant_id))])
    return outcome, tenant_id


def _apply_asaas(session: Session, tenant_id: int, event: GatewayEvent) -> str:
    from ylada_app.services import billing_events_asaas as asaas

    sub = _subscription_row(session, tenant_id)
    if event.kind == "charge":
        return asaas.apply_charge(session, tenant_id, event, sub)
    return asaas.apply_subscription(session, tenant_id, event, sub)


def _subscription_data(session: Session, tenant_id: int) -> dict[str, Any]:
    state = entitlements.billing_state(session, tenant_id=tenant_id)
    return {"subscription": {"status": state.status, "plan": state.plan_code,
                             "plan_name": state.plan_name,
                             "current_period_end": webhooks_out.iso(state.current_period_end),
                             "cancel_at_period_end": state.cancel_at_period_end,
                             "provider": state.provider}}


def _subscription_row(session: Session, tenant_id: int) -> Subscription:
    sub = entitlements.current_subscription(session, tenant_id=tenant_id, for_update=True)
    if sub is None:
        free = entitlements.free_plan(session)
        sub = Subscription(tenant_id=tenant_id, plan_id=free.id if free else 0, status="active")
        session.add(sub)
        session.flush()
    return sub


def _ensure_account(session: Session, tenant_id: int, provider: str, customer: Any) -> None:
    if not isinstance(customer, str) or not customer:
        return
    account = session.exec(select(BillingAccount).where(
        BillingAccount.tenant_id == tenant_id, BillingAccount.provider == provider)).first()
    if account is None:
        tenant = session.get(Tenant, tenant_id)
        session.add(BillingAccount(tenant_id=tenant_id, provider=provider, customer_id=customer,
                                   name=tenant.name if tenant else "", email=""))
        session.flush()


def _apply_checkout(session: Session, tenant_id: int, event: GatewayEvent) -> str:
    obj = event.data
    _ensure_account(session, tenant_id, event.provider, obj.get("customer"))
    sub = _subscription_row(session, tenant_id)
    sub_id = obj.get("subscription")
    # A session completed without payment (boleto not paid yet, 3DS pending) is no reason to
    # follow its subscription: that starts with its "active"/"trialing" event.
    paid = obj.get("payment_status") != "unpaid"
    if paid and isinstance(sub_id, str) and sub.provider_subscription_id != sub_id \
            and sub.provider_event_at <= event.created:
        # The subscription's own events carry its status; until they arrive (or the
        # reconciliation job reads Stripe) we only remember which subscription it is.
        sub.provider = event.provider
        sub.provider_customer_id = obj.get("customer") if isinstance(obj.get("customer"),
                                                                       str) else None
        sub.provider_subscription_id = sub_id
        sub.updated_at = utcnow()
        session.add(sub)
    return "applied"


def _plan_for(session: Session, obj: dict[str, Any]) -> Plan | None:
    price = _dig(obj, "items", "data", 0, "price") or {}
    price_id = price.get("id") if isinstance(price, dict) else price
    if isinstance(price_id, str):
        plan = session.exec(select(Plan).where(Plan.stripe_price_id == price_id)).first()
        if plan is not None:
            return plan
    for meta in ((price.get("metadata") if isinstance(price, dict) else None),
                 obj.get("metadata")):
        if isinstance(meta, dict) and isinstance(meta.get("plan"), str):
            plan = session.exec(select(Plan).where(Plan.code == meta["plan"])).first()
            if plan is not None:
                return plan
    return None


def _apply_subscription(session: Session, tenant_id: int, event: GatewayEvent) -> str:
    obj = event.data
    if not _str(obj.get("id")):
        return "ignored"
    sub = _subscription_row(session, tenant_id)
    same = sub.provider_subscription_id == obj.get("id")
    if same and event.created < sub.provider_event_at:
        return "stale"
    if same and sub.status == "canceled" and event.type != "customer.subscription.deleted":
        return "stale"  # a canceled Stripe subscription never becomes active again
    status = "canceled" if event.type == "customer.subscription.deleted" \
        else STATUS_MAP.get(str(obj.get("status")))
    if status is None:
        # "incomplete" (first payment not done) or a status we do not know: neither the plan
        # nor the subscription we follow changes until it is paid.
        return "ignored"
    # Another subscription than the one we follow: only a newer, live one replaces it.
    if not same and sub.provider_subscription_id and event.created < sub.provider_event_at:
        return "stale"
    if not same and status not in ("active", "trialing"):
        # We start following a subscription only once it is paid (or trialing): a canceled
        # or incomplete_expired one we never followed must not end the tenant's trial or plan.
        return "stale" if sub.provider_subscription_id else "ignored"
    replaced = sub.provider_subscription_id if not same and sub.provider == event.provider \
        and sub.status in ("active", "trialing", "past_due") else None
    if replaced and was_replaced(session, tenant_id, str(obj.get("id"))):
        return "stale"  # an older duplicate we already canceled: never follow it again
    _ensure_account(session, tenant_id, event.provider, obj.get("customer"))
    plan = _plan_for(session, obj)
    item = _dig(obj, "items", "data", 0)
    item = item if isinstance(item, dict) else {}
    sub.provider = event.provider
    sub.provider_subscription_id = str(obj.get("id"))[:100]
    if isinstance(obj.get("customer"), str):
        sub.provider_customer_id = obj["customer"][:100]
    if isinstance(item.get("id"), str):
        sub.provider_item_id = item["id"][:100]
    if plan is not None:
        sub.plan_id = plan.id
    if status is not None:
        sub.status = status
    period_end = obj.get("current_period_end") or item.get("current_period_end")
    sub.current_period_end = _ts(period_end) or sub.current_period_end
    sub.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
    sub.trial_ends_at = _ts(obj.get("trial_end")) if status == "trialing" else sub.trial_ends_at
    if status == "canceled":
        sub.canceled_at = _ts(obj.get("canceled_at") or obj.get("ended_at")) or utcnow()
    sub.provider_event_at = max(sub.provider_event_at, event.created)
    sub.updated_at = utcnow()
    session.add(sub)
    if replaced:
        replace_subscription(session, tenant_id, event.provider, replaced, kept=sub_id_of(obj))
    return "applied"


def sub_id_of(obj: dict[str, Any]) -> str:
    return str(obj.get("id"))[:100]


# Found by review and fixed: two paid checkouts made two live subscriptions; the app followed
# the newer one and the other kept billing the card with nothing in the app to stop it. Now
# the one no longer followed is canceled at the provider (by a job after the webhook's commit:
# never a provider call inside the transaction) and the audit trail says so.
REPLACED_ACTION = "billing.duplicate_canceled"
_TO_CANCEL = "billing_events.to_cancel"


def replace_subscription(session: Session, tenant_id: int, provider: str, old_id: str, *,
                         kept: str) -> None:
    """`old_id` is a live subscription of the tenant we no longer follow (`kept` is): record
    it and have it canceled once the transaction commits (see `receive`)."""
    from ylada_app.services import audit

    audit.record(session, action=REPLACED_ACTION, tenant_id=tenant_id, target=old_id,
                 provider=provider, kept=kept)
    session.info.setdefault(_TO_CANCEL, []).append((provider, old_id))


def was_replaced(session: Session, tenant_id: int, sub_id: str) -> bool:
    from ylada_app.models import AuditLog

    return session.exec(select(AuditLog.id).where(
        AuditLog.tenant_id == tenant_id, AuditLog.action == REPLACED_ACTION,
        AuditLog.target == sub_id)).first() is not None


def _apply_invoice(session: Session, tenant_id: int, event: GatewayEvent) -> str:
    obj = event.data
    inv_id = obj.get("id")
    if not isinstance(inv_id, str):
        return "ignored"
    status = ChargeStatus.PAID if event.type == "invoice.paid" else ChargeStatus.FAILED
    invoice = session.exec(select(Invoice).where(Invoice.provider == event.provider,
                                                 Invoice.provider_invoice_id == inv_id)).first()
    if invoice is not None and event.created < invoice.provider_event_at:
        return "stale"
    if invoice is not None and invoice.status == ChargeStatus.PAID and status != ChargeStatus.PAID:
        return "stale"  # a paid invoice stays paid
    if invoice is None:
        invoice = Invoice(tenant_id=tenant_id, provider=event.provider,
                          provider_invoice_id=inv_id[:100])
    period = _dig(obj, "lines", "data", 0, "period")
    period = period if isinstance(period, dict) else {}
    invoice.number = str(obj.get("number"))[:60] if obj.get("number") else invoice.number
    invoice.status = status if status == ChargeStatus.PAID else \
        STRIPE_INVOICE_STATUS.get(str(obj.get("status")), ChargeStatus.FAILED)
    if status == ChargeStatus.FAILED:
        invoice.status = ChargeStatus.FAILED
    amount = obj.get("amount_paid") if status == ChargeStatus.PAID else obj.get("amount_due")
    invoice.amount_cents = _cents(amount) or _cents(obj.get("total")) or 0
    invoice.currency = str(obj.get("currency") or "brl").upper()[:3]
    invoice.hosted_url = _url(obj.get("hosted_invoice_url"))
    invoice.pdf_url = _url(obj.get("invoice_pdf"))
    invoice.period_start = _ts(period.get("start") or obj.get("period_start"))
    invoice.period_end = _ts(period.get("end") or obj.get("period_end"))
    invoice.provider_event_at = event.created
    session.add(invoice)
    # The subscription follows its latest invoice (its own "updated" event usually agrees).
    sub = _subscription_row(session, tenant_id)
    sub_id = _invoice_subscription(obj)
    if sub.provider_subscription_id and sub_id == sub.provider_subscription_id \
            and event.created >= sub.provider_event_at and sub.status != "canceled":
        if status == ChargeStatus.FAILED:
            sub.status = "past_due"
        elif sub.status == "past_due":
            sub.status = "active"
        sub.provider_event_at = event.created
        sub.updated_at = utcnow()
        session.add(sub)
    return "applied"


def _url(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value[:500]
    return None


@dataclass(frozen=True)
class Received:
    outcome: str
    kind: str
    tenant_id: int | None
    # (provider, subscription id) to cancel at the provider once committed
    to_cancel: tuple[tuple[str, str], ...] = ()


def receive(session: Session, *, provider: str, payload: bytes,
            headers: dict[str, str]) -> Received:
    """Verify a webhook with the provider's gateway and apply it. Raises WebhookRejected."""
    from ylada_app.integrations.payments import registry

    event = registry.gateway(provider).parse_webhook(payload=payload, headers=headers)
    outcome, tenant_id = _apply(session, event)
    return Received(outcome, event.kind, tenant_id,
                    tuple(session.info.pop(_TO_CANCEL, ())))


def reconcile(session: Session, *, tenant_id: int) -> str:
    """Read the tenant's subscription from the provider and apply it as the newest truth
    (for lost webhooks; queued after each checkout)."""
    import time

    from ylada_app.integrations.payments import registry
    from ylada_app.services import billing_events_asaas

    sub = entitlements.current_subscription(session, tenant_id=tenant_id)
    # An Asaas checkout whose payment webhook was lost is not followed yet: read it too.
    checkout_sub = billing_events_asaas.open_checkout_subscription(session, tenant_id) \
        if sub is not None and (not sub.provider_subscription_id or sub.status == "canceled") \
        else None
    if sub is None or not (sub.provider_subscription_id or checkout_sub):
        return "nothing"
    if sub.provider == "asaas" or checkout_sub:
        import logging

        fixes = billing_events_asaas.reconcile(
            session, registry.gateway("asaas"), tenant_id=tenant_id, sub=sub,
            sub_id=checkout_sub or sub.provider_subscription_id or "")
        for fix in fixes:  # every correction is logged: a missed webhook is worth knowing
            logging.getLogger(__name__).warning("reconcile tenant %s: %s", tenant_id, fix)
        return f"corrected:{len(fixes)}" if fixes else "in_sync"
    data = registry.gateway(sub.provider or "stripe").fetch_subscription(
        sub.provider_subscription_id)
    deleted = data.get("status") == "canceled"
    created = int(time.time())
    if sub.provider == "mercadopago":  # the preapproval's own clock orders its reads
        from ylada_app.integrations.payments.mercadopago_gateway import iso_time

        created = iso_time(data.get("last_modified")) or created
    event = GatewayEvent(
        provider=sub.provider or "stripe",
        event_id=f"reconcile:{sub.provider_subscription_id}:{time.time_ns()}"[:100],
        type="customer.subscription.deleted" if deleted else "customer.subscription.updated",
        created=created, kind="subscription", data=data)
    before = _watched(sub)
    outcome = apply_event(session, event)
    after = _watched(sub)  # the same row (identity map): apply_event changed it in place
    changes = [f"{name} {old} → {new}" for name, old, new in zip(
        ("status", "plan", "period_end", "cancel_at_period_end"), before, after, strict=True)
        if old != new]
    if changes:  # as for Asaas: every drift fixed is logged (a missed webhook is worth knowing)
        import logging

        logging.getLogger(__name__).warning(
            "reconcile tenant %s: %s subscription %s: %s", tenant_id, event.provider,
            sub.provider_subscription_id, ", ".join(changes))
    return outcome


def _watched(sub: Subscription) -> tuple[Any, ...]:
    """What a reconciliation may correct on a Stripe / Mercado Pago subscription row."""
    return (sub.status, sub.plan_id, sub.current_period_end, sub.cancel_at_period_end)
