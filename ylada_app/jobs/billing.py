"""Billing jobs: read a subscription from the payment provider and apply it (reconciliation)."""

from __future__ import annotations

import logging

from ylada_app.core.db import session_scope
from ylada_app.integrations.payments.base import GatewayError
from ylada_app.services import billing_events

log = logging.getLogger(__name__)


def reconcile_subscription(tenant_id: int) -> str:
    try:
        with session_scope() as session:
            return billing_events.reconcile(session, tenant_id=int(tenant_id))
    except GatewayError as exc:  # the webhooks will still arrive; try again on the next one
        log.warning("reconcile of tenant %s failed: %s", tenant_id, exc)
        return "failed"
