"""Mercado Pago behind the gateway seam: subscriptions as `preapproval` (the payer authorizes
on Mercado Pago's `init_point` page), plan change and cancel by updating the preapproval,
and webhooks checked with `x-signature` then read back from the API.

Plain httpx against `api_base` (https://api.mercadopago.com, or a local fake in tests). A
notification only says "resource X changed": its signature is HMAC-SHA256 over the manifest
`id:<data.id>;request-id:<x-request-id>;ts:<ts>;` and the resource itself is then fetched,
so the body is never trusted for state.
"""

from __future__ import annotations

import hmac
import json
import time
from datetime import datetime
from hashlib import sha256
from typing import Any
from urllib.parse import parse_qs

import httpx

from ylada_app.integrations.payments.base import (
    CustomerData,
    GatewayError,
    GatewayEvent,
    PlanRef,
    WebhookRejected,
)

TOLERANCE_S = 300
FREQUENCY = {"month": (1, "months"), "year": (12, "months")}
# notification type → (resource path, event kind)
RESOURCES = {"subscription_preapproval": ("/preapproval/{}", "subscription"),
             "subscription_authorized_payment": ("/authorized_payments/{}", "charge")}
QUERY_HEADER = "x-ylada-query"  # the webhook route passes the query string under this name


def reference(tenant_id: int, plan_code: str) -> str:
    return f"ylada:{tenant_id}:{plan_code}"


def iso_time(value: Any) -> int:
    """"2026-12-02T10:00:00.000-04:00" → Unix seconds; 0 when not a date."""
    if not isinstance(value, str) or not value:
        return 0
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0


def sign(secret: str, *, data_id: str, request_id: str, ts: int) -> str:
    """The `x-signature` header value Mercado Pago sends (tests and the fake use it)."""
    manifest = f"id:{data_id};request-id:{request_id};ts:{ts};"
    return f"ts={ts},v1={hmac.new(secret.encode(), manifest.encode(), sha256).hexdigest()}"


class MercadoPagoGateway:
    name = "mercadopago"

    def __init__(self, *, access_token: str, webhook_secret: str, api_base: str,
                 timeout_s: float = 10.0) -> None:
        self.webhook_secret = webhook_secret
        self.client = httpx.Client(base_url=api_base.rstrip("/"), timeout=timeout_s,
                                   headers={"Authorization": f"Bearer {access_token}",
                                            "Content-Type": "application/json"})

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict:
        try:
            response = self.client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise GatewayError(f"Mercado Pago unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise GatewayError(f"Mercado Pago {response.status_code}: {response.text[:200]}")
        try:
            data = response.json()
        except ValueError as exc:
            raise GatewayError("Mercado Pago answered something that is not JSON") from exc
        if not isinstance(data, dict):
            raise GatewayError("Mercado Pago answered an unexpected shape")
        return data

    # --- outbound -----------------------------------------------------------------------
    def create_customer(self, customer: CustomerData) -> str:
        return customer.email  # a preapproval names its payer by e-mail; no customer object

    def subscribe(self, *, plan: PlanRef, tenant_id: int, payer_email: str,
                  back_url: str) -> tuple[str, str]:
        """A pending preapproval; returns (its id, the init_point the payer authorizes on)."""
        frequency, unit = FREQUENCY.get(plan.interval, (1, "months"))
        data = self._call("POST", "/preapproval", {
            "reason": f"ylada {plan.name}", "external_reference": reference(tenant_id, plan.code),
            "payer_email": payer_email, "back_url": back_url, "status": "pending",
            "auto_recurring": {"frequency": frequency, "frequency_type": unit,
                               "transaction_amount": plan.price_cents / 100,
                               "currency_id": plan.currency.upper()}})
        if not isinstance(data.get("id"), str) or not isinstance(data.get("init_point"), str):
            raise GatewayError("Mercado Pago preapproval without id or init_point")
        return data["id"], data["init_point"]

    def checkout_url(self, *, customer_id: str, plan: PlanRef, tenant_id: int,
                     success_url: str, cancel_url: str, trial_end: int | None = None) -> str:
        return self.subscribe(plan=plan, tenant_id=tenant_id, payer_email=customer_id,
                              back_url=success_url)[1]

    def change_plan(self, *, subscription_id: str, item_id: str | None, plan: PlanRef) -> None:
        current = self.fetch_subscription(subscription_id)
        ref = str(current.get("external_reference") or "")
        parts = ref.split(":")
        body: dict[str, Any] = {"reason": f"ylada {plan.name}", "auto_recurring": {
            "transaction_amount": plan.price_cents / 100, "currency_id": plan.currency.upper()}}
        if len(parts) == 3 and parts[1].isdigit():
            body["external_reference"] = reference(int(parts[1]), plan.code)
        self._call("PUT", f"/preapproval/{subscription_id}", body)

    def set_cancel_at_period_end(self, *, subscription_id: str, cancel: bool) -> None:
        if not cancel:
            raise GatewayError("a cancelled preapproval cannot be resumed")
        self._call("PUT", f"/preapproval/{subscription_id}", {"status": "cancelled"})

    def cancel_now(self, *, subscription_id: str) -> None:
        """Cancel a preapproval at once (a duplicate one: billing_events_mp)."""
        self._call("PUT", f"/preapproval/{subscription_id}", {"status": "cancelled"})

    def portal_url(self, *, customer_id: str, return_url: str) -> str | None:
        return None

    def fetch_subscription(self, subscription_id: str) -> dict[str, Any]:
        return self._call("GET", f"/preapproval/{subscription_id}")

    def fetch(self, kind_path: str, resource_id: str) -> dict[str, Any]:
        return self._call("GET", kind_path.format(resource_id))

    # --- inbound webhooks ---------------------------------------------------------------
    def parse_webhook(self, *, payload: bytes, headers: dict[str, str]) -> GatewayEvent:
        query = parse_qs(headers.get(QUERY_HEADER, ""))
        data_id = (query.get("data.id") or [""])[0]
        ntype = (query.get("type") or query.get("topic") or [""])[0]
        try:
            body = json.loads(payload) if payload else {}
        except ValueError:
            raise WebhookRejected("payload is not JSON") from None
        if not isinstance(body, dict):
            raise WebhookRejected("not a notification")
        if not data_id and isinstance(body.get("data"), dict):
            data_id = str(body["data"].get("id") or "")
        ntype = ntype or str(body.get("type") or "")
        self._verify(headers, data_id)
        if not data_id or len(data_id) > 100:
            raise WebhookRejected("notification without a resource id")
        notif = body.get("id")
        event_id = f"{ntype}:{notif}" if isinstance(notif, int | str) and notif \
            else f"{ntype}:{headers.get('x-request-id', '')}"
        if ntype not in RESOURCES:
            return GatewayEvent(self.name, event_id[:100], ntype[:80], int(time.time()),
                                "ignored", {})
        path, kind = RESOURCES[ntype]
        # Never the body's word: the resource as Mercado Pago has it now (GatewayError if
        # unreachable: the route answers 503 and Mercado Pago retries).
        resource = self.fetch(path, data_id)
        created = iso_time(resource.get("last_modified")) or iso_time(
            resource.get("date_created")) or int(time.time())
        return GatewayEvent(self.name, event_id[:100], ntype[:80], created, kind, resource)

    def _verify(self, headers: dict[str, str], data_id: str) -> None:
        parts = dict(p.strip().split("=", 1) for p in (headers.get("x-signature") or "").split(",")
                     if "=" in p)
        ts, v1 = parts.get("ts", ""), parts.get("v1", "")
        request_id = headers.get("x-request-id") or ""
        if not (self.webhook_secret and ts.isdigit() and v1 and request_id):
            raise WebhookRejected("missing x-signature or x-request-id")
        # Mercado Pago lowercases alphanumeric ids in the manifest
        expected = sign(self.webhook_secret, data_id=data_id.lower(), request_id=request_id,
                        ts=int(ts)).split("v1=", 1)[1]
        if not hmac.compare_digest(expected, v1):
            raise WebhookRejected("bad signature")
        stamp = int(ts) / 1000 if int(ts) > 10**11 else int(ts)  # ms or s
        if abs(time.time() - stamp) > TOLERANCE_S:
            raise WebhookRejected("stale signature")
