"""The payment-gateway seam: what billing needs from any provider, shaped for Brazil.

Stripe bills subscriptions itself; Asaas and Mercado Pago bill Brazilian customers as
individual charges (Pix QR, boleto, card) with per-charge webhooks. So the interface speaks
in customers (with CPF/CNPJ), checkout links for a plan, charges, a common status map and
signature-checked webhook events normalized to `GatewayEvent`. Plans, limits and the UI only
see these types; adding a gateway is one new module plus an entry in `registry.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class ChargeStatus(StrEnum):
    """The common status map every gateway translates into."""

    PENDING = "pending"
    PAID = "paid"
    OVERDUE = "overdue"
    FAILED = "failed"
    CANCELED = "canceled"
    REFUNDED = "refunded"


class PaymentMethod(StrEnum):
    PIX = "pix"
    BOLETO = "boleto"
    CARD = "card"


@dataclass(frozen=True)
class CustomerData:
    tenant_id: int
    name: str
    email: str
    tax_id: str | None = None  # CPF (11 digits) or CNPJ (14 digits)


@dataclass(frozen=True)
class PlanRef:
    code: str
    name: str
    price_cents: int
    currency: str
    interval: str  # month | year
    provider_price_id: str | None = None


@dataclass(frozen=True)
class Charge:
    """One bill as a Brazilian gateway issues it (Stripe exposes invoices as charges)."""

    provider_id: str
    status: ChargeStatus
    amount_cents: int
    method: PaymentMethod | None = None
    pix_qr_code: str | None = None  # copia-e-cola payload
    boleto_url: str | None = None
    hosted_url: str | None = None
    receipt_url: str | None = None
    pix_qr_image: str | None = None  # base64 PNG of the Pix QR code
    pix_expires_at: str | None = None  # as the gateway states it ("2026-12-31 23:59:59")
    boleto_line: str | None = None  # the boleto's digitable line (linha digitável)
    due_date: str | None = None  # YYYY-MM-DD
    number: str | None = None  # the invoice number the customer sees


@dataclass(frozen=True)
class GatewayEvent:
    """A verified webhook, normalized. `kind` is one of: subscription, charge, checkout,
    ignored. `data` keeps the provider's object for the adapter's own use."""

    provider: str
    event_id: str
    type: str
    created: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


class GatewayError(Exception):
    """The provider could not be reached or refused the call (nothing was charged)."""


class WebhookRejected(Exception):
    """Bad signature, replay outside the tolerance, or a body that is not an event."""


class WebhookUnauthorized(WebhookRejected):
    """The webhook did not carry the shared token (answered 401, not 400)."""


class PaymentGateway(Protocol):
    name: str

    def create_customer(self, customer: CustomerData) -> str: ...

    # `trial_end` (Unix time): the subscription starts in a trial that ends then — the first
    # charge is that day, not today.
    def checkout_url(self, *, customer_id: str, plan: PlanRef, tenant_id: int,
                     success_url: str, cancel_url: str,
                     trial_end: int | None = None) -> str: ...

    def change_plan(self, *, subscription_id: str, item_id: str | None,
                    plan: PlanRef) -> None: ...

    def set_cancel_at_period_end(self, *, subscription_id: str, cancel: bool) -> None: ...

    def portal_url(self, *, customer_id: str, return_url: str) -> str | None: ...

    def parse_webhook(self, *, payload: bytes, headers: dict[str, str]) -> GatewayEvent: ...

    def fetch_subscription(self, subscription_id: str) -> dict[str, Any]: ...

    # Cancel at once, no period end: a second live subscription of the same business.
    def cancel_now(self, *, subscription_id: str) -> None: ...


# How the Brazilian gateways' charge statuses map onto ChargeStatus (their adapters use these).
ASAAS_STATUS = {
    "PENDING": ChargeStatus.PENDING, "AWAITING_RISK_ANALYSIS": ChargeStatus.PENDING,
    "RECEIVED": ChargeStatus.PAID, "CONFIRMED": ChargeStatus.PAID,
    "RECEIVED_IN_CASH": ChargeStatus.PAID, "OVERDUE": ChargeStatus.OVERDUE,
    "REFUNDED": ChargeStatus.REFUNDED, "REFUND_REQUESTED": ChargeStatus.REFUNDED,
    "CHARGEBACK_REQUESTED": ChargeStatus.REFUNDED, "CHARGEBACK_DISPUTE": ChargeStatus.REFUNDED,
    "AWAITING_CHARGEBACK_REVERSAL": ChargeStatus.REFUNDED, "DELETED": ChargeStatus.CANCELED,
}
MERCADO_PAGO_STATUS = {
    "pending": ChargeStatus.PENDING, "in_process": ChargeStatus.PENDING,
    "authorized": ChargeStatus.PENDING, "approved": ChargeStatus.PAID,
    "rejected": ChargeStatus.FAILED, "cancelled": ChargeStatus.CANCELED,
    "refunded": ChargeStatus.REFUNDED, "charged_back": ChargeStatus.REFUNDED,
}
STRIPE_INVOICE_STATUS = {
    "draft": ChargeStatus.PENDING, "open": ChargeStatus.PENDING, "paid": ChargeStatus.PAID,
    "uncollectible": ChargeStatus.FAILED, "void": ChargeStatus.CANCELED,
}


def tax_id_kind(tax_id: str | None) -> str | None:
    """"cpf", "cnpj" or None, from the digits of a Brazilian tax id."""
    digits = "".join(ch for ch in (tax_id or "") if ch.isdigit())
    return {11: "cpf", 14: "cnpj"}.get(len(digits))
