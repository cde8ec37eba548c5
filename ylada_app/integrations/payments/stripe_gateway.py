"""Stripe behind the gateway seam: customers, Checkout Sessions for subscriptions, plan
changes with proration, cancel at period end, the Customer Portal and verified webhooks.

The real `stripe` library is used; `api_base` points it at a local Stripe-compatible server
in tests and demos.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

import stripe

from ylada_app.integrations.payments.base import (
    CustomerData,
    GatewayError,
    GatewayEvent,
    PlanRef,
    WebhookRejected,
)

TOLERANCE_S = 300
HANDLED = {
    "checkout.session.completed": "checkout",
    "customer.subscription.created": "subscription",
    "customer.subscription.updated": "subscription",
    "customer.subscription.deleted": "subscription",
    "invoice.paid": "invoice",
    "invoice.payment_failed": "invoice",
}

F = TypeVar("F", bound=Callable[..., Any])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "plan"


def lookup_key(plan: PlanRef) -> str:
    """The Stripe price lookup key of a plan at its current price, e.g.
    "ylada-starter-9700-brl-month" (a new amount is a new key, hence a new price)."""
    return (f"ylada-{_slug(plan.code)}-{plan.price_cents}-{plan.currency.lower()}"
            f"-{plan.interval}")[:200]


def _wrapped(fn: F) -> F:
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except stripe.StripeError as exc:
            raise GatewayError(f"{type(exc).__name__}: {exc.user_message or exc}") from exc

    return call  # type: ignore[return-value]


class StripeGateway:
    name = "stripe"

    def __init__(self, *, secret_key: str, webhook_secret: str, api_base: str = "") -> None:
        options: dict[str, Any] = {"max_network_retries": 2}
        if api_base:
            options["base_addresses"] = {"api": api_base.rstrip("/")}
        self.client = stripe.StripeClient(secret_key, **options)
        self.webhook_secret = webhook_secret
        self._prices: dict[str, str] = {}

    # --- outbound calls -----------------------------------------------------------------
    @_wrapped
    def create_customer(self, customer: CustomerData) -> str:
        params: dict[str, Any] = {"name": customer.name, "email": customer.email,
                                  "metadata": {"tenant_id": str(customer.tenant_id)}}
        if customer.tax_id:
            params["metadata"]["tax_id"] = customer.tax_id
        return self.client.v1.customers.create(params=params).id

    @_wrapped
    def price_id(self, plan: PlanRef) -> str:
        """The plan's Stripe price: the configured one, else the one found again by its
        lookup key, else a new recurring price (on the plan's one product) under that key.

        Found again rather than remembered: the lookup key names plan, amount, currency and
        interval, so every process and every restart reuses the same price, and a new
        price_cents makes a new price (Stripe prices are immutable) with the old one left
        to the subscriptions already on it."""
        if plan.provider_price_id:
            return plan.provider_price_id
        key = lookup_key(plan)
        if key in self._prices:  # per-process memo only; the lookup key is the truth
            return self._prices[key]
        found = self.client.v1.prices.list(params={"lookup_keys": [key], "active": True,
                                                   "limit": 1})
        if found.data:
            price_id = found.data[0].id
        else:
            price_id = self.client.v1.prices.create(params={
                "product": self._product_id(plan), "unit_amount": plan.price_cents,
                "currency": plan.currency.lower(),
                "recurring": {"interval": plan.interval}, "metadata": {"plan": plan.code},
                # two processes racing here: the later one takes the key over, and both
                # prices stay valid for the checkouts already made with them
                "lookup_key": key, "transfer_lookup_key": True}).id
        self._prices[key] = price_id
        return price_id

    def _product_id(self, plan: PlanRef) -> str:
        """The plan's product, under an id we choose (so it is found again, not duplicated
        when the price changes)."""
        product_id = f"ylada_plan_{_slug(plan.code)}"
        try:
            return self.client.v1.products.retrieve(product_id).id
        except stripe.InvalidRequestError as exc:
            if exc.http_status != 404:
                raise
        return self.client.v1.products.create(params={
            "id": product_id, "name": f"ylada {plan.name}", "metadata": {"plan": plan.code}}).id

    @_wrapped
    def checkout_url(self, *, customer_id: str, plan: PlanRef, tenant_id: int,
                     success_url: str, cancel_url: str, trial_end: int | None = None) -> str:
        meta = {"tenant_id": str(tenant_id), "plan": plan.code}
        subscription: dict[str, Any] = {"metadata": meta}
        if trial_end:  # the rest of our own trial: the card is charged when it ends
            subscription["trial_end"] = int(trial_end)
        self.expire_open_checkouts(customer_id=customer_id)
        session = self.client.v1.checkout.sessions.create(params={
            "mode": "subscription", "customer": customer_id,
            "client_reference_id": str(tenant_id),
            "line_items": [{"price": self.price_id(plan), "quantity": 1}],
            "success_url": success_url, "cancel_url": cancel_url,
            "metadata": meta, "subscription_data": subscription,
            "locale": "pt-BR",
        })
        return str(session.url)

    @_wrapped
    def expire_open_checkouts(self, *, customer_id: str) -> int:
        """Expire the customer's open Checkout Sessions (returns how many). Found by review
        and fixed: every "Assinar" click opened a session and none was expired, so paying
        two of them (two tabs, the back button) made two live subscriptions billing the card.
        Called before a new session is created, so only the newest can be paid."""
        expired = 0
        for cs in self.client.v1.checkout.sessions.list(
                params={"customer": customer_id, "status": "open", "limit": 100}).data:
            try:
                self.client.v1.checkout.sessions.expire(cs.id)
                expired += 1
            except stripe.InvalidRequestError:
                pass  # completed or expired meanwhile: nothing left to pay there
        return expired

    @_wrapped
    def cancel_now(self, *, subscription_id: str) -> None:
        """Cancel at once (a duplicate subscription: billing_events.replaced_subscriptions)."""
        self.client.v1.subscriptions.cancel(subscription_id)

    @_wrapped
    def change_plan(self, *, subscription_id: str, item_id: str | None, plan: PlanRef) -> None:
        if not item_id:
            sub = self.client.v1.subscriptions.retrieve(subscription_id)
            item_id = sub["items"]["data"][0]["id"]
        self.client.v1.subscriptions.update(subscription_id, params={
            "items": [{"id": item_id, "price": self.price_id(plan)}],
            "proration_behavior": "create_prorations",
            "metadata": {"plan": plan.code},
        })

    @_wrapped
    def set_cancel_at_period_end(self, *, subscription_id: str, cancel: bool) -> None:
        self.client.v1.subscriptions.update(subscription_id,
                                            params={"cancel_at_period_end": cancel})

    @_wrapped
    def portal_url(self, *, customer_id: str, return_url: str) -> str | None:
        portal = self.client.v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url})
        return str(portal.url)

    @_wrapped
    def fetch_subscription(self, subscription_id: str) -> dict[str, Any]:
        return self.client.v1.subscriptions.retrieve(subscription_id).to_dict()

    # --- inbound webhooks ---------------------------------------------------------------
    def parse_webhook(self, *, payload: bytes, headers: dict[str, str]) -> GatewayEvent:
        signature = headers.get("stripe-signature") or ""
        if not signature or not self.webhook_secret:
            raise WebhookRejected("missing Stripe-Signature")
        try:
            stripe.Webhook.construct_event(payload, signature, self.webhook_secret,
                                           tolerance=TOLERANCE_S)
            event = json.loads(payload)
        except stripe.SignatureVerificationError as exc:
            raise WebhookRejected(f"bad signature: {exc.user_message or exc}") from None
        except ValueError:
            raise WebhookRejected("payload is not JSON") from None
        if not isinstance(event, dict) or not isinstance(event.get("id"), str):
            raise WebhookRejected("not an event")
        data = event.get("data")
        obj = data.get("object") if isinstance(data, dict) else None
        etype = str(event.get("type") or "")
        created = event.get("created") or 0
        if not isinstance(created, int) or isinstance(created, bool):
            raise WebhookRejected("event without a creation time")
        return GatewayEvent(
            provider=self.name, event_id=event["id"][:100], type=etype[:80],
            created=created,
            kind=HANDLED.get(etype, "ignored"),
            data=obj if isinstance(obj, dict) else {},
        )
