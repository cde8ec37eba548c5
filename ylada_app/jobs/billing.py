"""Billing jobs: read a subscription from the payment provider and apply it (reconciliation),
and once a day queue that for every paying subscription (missed webhooks get fixed; each
correction is logged by services/billing_events.reconcile)."""

from __future__ import annotations

import logging

from sqlmodel import select

from ylada_app.core.db import session_scope
from ylada_app.integrations.payments.base import GatewayError
from ylada_app.services import billing_events

log = logging.getLogger(__name__)
RECONCILE_JOB = "ylada_app.jobs.billing.reconcile_subscription"
LAST_RUN_KEY = "billing_reconciled_on"
_done_on = ""  # this process already saw today's run: no database read until tomorrow


def reconcile_subscription(tenant_id: int) -> str:
    try:
        with session_scope() as session:
            return billing_events.reconcile(session, tenant_id=int(tenant_id))
    except GatewayError as exc:  # the webhooks will still arrive; try again on the next one
        log.warning("reconcile of tenant %s failed: %s", tenant_id, exc)
        return "failed"


def cancel_replaced_subscription(provider: str, subscription_id: str) -> str:
    """Cancel at the provider a live subscription the business no longer uses (a second
    checkout paid: billing_events.replace_subscription recorded it). Its own "canceled"
    webhook then changes nothing here (we follow the other one)."""
    from ylada_app.integrations.payments import registry

    try:
        registry.gateway(provider).cancel_now(subscription_id=subscription_id)
    except GatewayError as exc:
        log.error("could not cancel the duplicate %s subscription %s (cancel it by hand): %s",
                  provider, subscription_id, exc)
        raise  # RQ keeps the failed job: it can be retried
    log.warning("duplicate %s subscription %s canceled", provider, subscription_id)
    return "canceled"


def kick_daily_reconcile() -> int:
    """Called by the sweeper: the first call of each (UTC) day queues a reconciliation of
    every live subscription a gateway bills. Returns how many were queued."""
    from ylada_app.core.queue import enqueue
    from ylada_app.models import Invoice, PlatformSetting, Subscription, utcnow

    global _done_on
    today = utcnow().date().isoformat()
    if _done_on == today:
        return 0
    with session_scope() as session:
        row = session.get(PlatformSetting, LAST_RUN_KEY)
        if row is not None and row.value == today:
            _done_on = today
            return 0
        row = row or PlatformSetting(key=LAST_RUN_KEY)
        row.value, row.updated_at = today, utcnow()
        session.add(row)
        tenants = sorted(set(session.exec(select(Subscription.tenant_id).where(
            Subscription.provider.is_not(None),  # type: ignore[union-attr]
            Subscription.provider_subscription_id.is_not(None),  # type: ignore[union-attr]
            Subscription.status.in_(("active", "past_due")))).all()))  # type: ignore[attr-defined]
        # and Asaas checkouts still waiting for their first payment (its webhook may be lost)
        tenants = sorted(set(tenants) | {i.tenant_id for i in session.exec(select(Invoice).where(
            Invoice.provider == "asaas", Invoice.status == "pending")).all()
            if (i.details or {}).get("checkout")})
    _done_on = today
    for tenant_id in tenants:
        enqueue(RECONCILE_JOB, tenant_id)
    if tenants:
        log.info("daily billing reconciliation queued for %d subscriptions", len(tenants))
    return len(tenants)
