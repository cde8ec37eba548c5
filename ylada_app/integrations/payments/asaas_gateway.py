"""Asaas (API v3) behind the gateway seam: customers with CPF/CNPJ, monthly subscriptions
billed as individual charges (Pix, boleto or card), the first charge's payment data (Pix QR
image + copia-e-cola, boleto digitable line, hosted invoice page), plan change, cancel and
webhooks authenticated by the shared `asaas-access-token` header.

Plain httpx against `api_base` (the sandbox, production, or a local fake in tests). Asaas
speaks reais as decimals and dates in Brasília time; this module turns them into centavos and
Unix times so the rest of billing stays gateway-agnostic.
"""

from __future__ import annotations

import hmac
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx

from ylada_app.integrations.payments.base import (
    ASAAS_STATUS,
    Charge,
    ChargeStatus,
    CustomerData,
    GatewayError,
    GatewayEvent,
    PaymentMethod,
    PlanRef,
    WebhookRejected,
    WebhookUnauthorized,
)

# Brazil has had no daylight saving time since 2019: Asaas' local times are UTC-3.
BRT = timezone(timedelta(hours=-3))
BILLING_TYPE = {PaymentMethod.PIX: "PIX", PaymentMethod.BOLETO: "BOLETO",
                PaymentMethod.CARD: "CREDIT_CARD"}
METHOD_OF = {v: k for k, v in BILLING_TYPE.items()}
CYCLE = {"month": "MONTHLY", "year": "YEARLY"}
# Which webhook events the app applies (everything else is acknowledged and ignored).
PAYMENT_EVENTS = {
    "PAYMENT_CREATED": ChargeStatus.PENDING, "PAYMENT_RECEIVED": ChargeStatus.PAID,
    "PAYMENT_CONFIRMED": ChargeStatus.PAID, "PAYMENT_OVERDUE": ChargeStatus.OVERDUE,
    "PAYMENT_REFUNDED": ChargeStatus.REFUNDED, "PAYMENT_DELETED": ChargeStatus.CANCELED,
    # Found by review and fixed: a chargeback (and a refund under way) was answered "ignored"
    # and the month stayed paid. A charge taken back is an unpaid month (refunded →
    # past_due), and it stays so while the dispute runs or its reversal is awaited (the
    # money is not back yet): a refunded charge never moves back (billing_events_asaas.RANK),
    # the next paid charge makes the subscription active again. PAYMENT_RESTORED (a deleted
    # charge restored) is left out: it decides nothing until that charge is paid.
    "PAYMENT_REFUND_IN_PROGRESS": ChargeStatus.REFUNDED,
    "PAYMENT_CHARGEBACK_REQUESTED": ChargeStatus.REFUNDED,
    "PAYMENT_CHARGEBACK_DISPUTE": ChargeStatus.REFUNDED,
    "PAYMENT_AWAITING_CHARGEBACK_REVERSAL": ChargeStatus.REFUNDED,
}
SUBSCRIPTION_EVENTS = ("SUBSCRIPTION_UPDATED", "SUBSCRIPTION_DELETED", "SUBSCRIPTION_INACTIVATED")
REF_PREFIX = "ylada"


def external_reference(tenant_id: int, plan_code: str) -> str:
    """What we write on the Asaas subscription (payments inherit it): tenant and plan."""
    return f"{REF_PREFIX}:{tenant_id}:{plan_code}"


def parse_reference(value: Any) -> tuple[int | None, str | None]:
    if not isinstance(value, str) or not value.startswith(REF_PREFIX + ":"):
        return None, None
    parts = value.split(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None, None
    return int(parts[1]), parts[2] or None


def to_cents(value: Any) -> int:
    try:
        return int(round(float(value) * 100))
    except (TypeError, ValueError, OverflowError):
        return 0


def brt_time(value: Any) -> int:
    """"2026-12-02 10:00:00" (Brasília) → Unix seconds; 0 when not a date."""
    if not isinstance(value, str):
        return 0
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return int(datetime.strptime(value.strip()[:19], fmt).replace(tzinfo=BRT).timestamp())
        except ValueError:
            continue
    return 0


def today_brt() -> date:
    return datetime.now(UTC).astimezone(BRT).date()


class AsaasGateway:
    name = "asaas"

    def __init__(self, *, api_key: str, webhook_token: str, api_base: str,
                 timeout_s: float = 10.0) -> None:
        self.webhook_token = webhook_token
        self.client = httpx.Client(
            base_url=api_base.rstrip("/"), timeout=timeout_s,
            headers={"access_token": api_key, "User-Agent": "ylada",
                     "Content-Type": "application/json"})

    # --- HTTP ---------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict:
        try:
            response = self.client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise GatewayError(f"Asaas unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            detail = ""
            try:
                errors = response.json().get("errors") or []
                detail = "; ".join(str(e.get("description") or e.get("code")) for e in errors)
            except (ValueError, AttributeError):
                pass
            raise GatewayError(f"Asaas {response.status_code}: {detail or response.text[:200]}")
        try:
            data = response.json()
        except ValueError as exc:
            raise GatewayError("Asaas answered something that is not JSON") from exc
        if not isinstance(data, dict):
            raise GatewayError("Asaas answered an unexpected shape")
        return data

    # --- outbound calls -----------------------------------------------------------------
    def create_customer(self, customer: CustomerData) -> str:
        data = self._call("POST", "/customers", {
            "name": customer.name, "email": customer.email, "cpfCnpj": customer.tax_id,
            "externalReference": str(customer.tenant_id),
            # ylada sends its own notices; Asaas e-mails/SMS would duplicate them
            "notificationDisabled": True})
        if not isinstance(data.get("id"), str):
            raise GatewayError("Asaas created a customer without an id")
        return data["id"]

    def update_customer(self, customer_id: str, customer: CustomerData) -> None:
        self._call("POST", f"/customers/{customer_id}", {
            "name": customer.name, "email": customer.email, "cpfCnpj": customer.tax_id})

    def create_subscription(self, *, customer_id: str, plan: PlanRef, tenant_id: int,
                            method: PaymentMethod, first_due: date | None = None) -> str:
        """`first_due`: the first charge's due date (the end of our free trial, which the
        customer keeps); today when None."""
        due = max(first_due or today_brt(), today_brt())
        data = self._call("POST", "/subscriptions", {
            "customer": customer_id, "billingType": BILLING_TYPE[method],
            "value": plan.price_cents / 100, "cycle": CYCLE.get(plan.interval, "MONTHLY"),
            "nextDueDate": due.isoformat(), "description": f"ylada {plan.name}",
            "externalReference": external_reference(tenant_id, plan.code)})
        if not isinstance(data.get("id"), str):
            raise GatewayError("Asaas created a subscription without an id")
        return data["id"]

    def subscription_payments(self, subscription_id: str) -> list[dict[str, Any]]:
        data = self._call("GET", f"/subscriptions/{subscription_id}/payments")
        rows = data.get("data")
        return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []

    def first_charge(self, subscription_id: str) -> Charge:
        """The subscription's open charge with what the customer needs to pay it."""
        payments = [p for p in self.subscription_payments(subscription_id)
                    if p.get("status") in ("PENDING", "OVERDUE")]
        if not payments:
            raise GatewayError("Asaas subscription without an open charge")
        payments.sort(key=lambda p: str(p.get("dueDate") or ""))
        return self.charge(payments[0])

    def charge(self, payment: dict[str, Any]) -> Charge:
        pay_id = str(payment.get("id") or "")
        method = METHOD_OF.get(str(payment.get("billingType")))
        extra: dict[str, Any] = {}
        if method is PaymentMethod.PIX:
            qr = self._call("GET", f"/payments/{pay_id}/pixQrCode")
            extra = {"pix_qr_code": qr.get("payload"), "pix_qr_image": qr.get("encodedImage"),
                     "pix_expires_at": qr.get("expirationDate")}
        elif method is PaymentMethod.BOLETO:
            line = self._call("GET", f"/payments/{pay_id}/identificationField")
            extra = {"boleto_line": line.get("identificationField"),
                     "boleto_url": payment.get("bankSlipUrl")}
        return Charge(provider_id=pay_id,
                      status=ASAAS_STATUS.get(str(payment.get("status")), ChargeStatus.PENDING),
                      amount_cents=to_cents(payment.get("value")), method=method,
                      hosted_url=payment.get("invoiceUrl"),
                      due_date=payment.get("dueDate"),
                      number=str(payment["invoiceNumber"]) if payment.get("invoiceNumber")
                      else None, **extra)

    def change_plan(self, *, subscription_id: str, item_id: str | None, plan: PlanRef) -> None:
        """The new value applies from the next charge (the open one keeps its amount)."""
        current = self.fetch_subscription(subscription_id)
        tenant_id, _ = parse_reference(current.get("externalReference"))
        body: dict[str, Any] = {"value": plan.price_cents / 100,
                                "description": f"ylada {plan.name}",
                                "updatePendingPayments": False}
        if tenant_id is not None:
            body["externalReference"] = external_reference(tenant_id, plan.code)
        self._call("POST", f"/subscriptions/{subscription_id}", body)

    def cancel(self, subscription_id: str) -> None:
        self._call("DELETE", f"/subscriptions/{subscription_id}")

    def set_cancel_at_period_end(self, *, subscription_id: str, cancel: bool) -> None:
        # Asaas has no "cancel at period end": removing the subscription stops new charges.
        if not cancel:
            raise GatewayError("Asaas subscriptions cannot be resumed")
        self.cancel(subscription_id)

    def cancel_now(self, *, subscription_id: str) -> None:
        self.cancel(subscription_id)

    def checkout_url(self, *, customer_id: str, plan: PlanRef, tenant_id: int,
                     success_url: str, cancel_url: str, trial_end: int | None = None) -> str:
        raise GatewayError("Asaas has no checkout session: create a subscription")

    def portal_url(self, *, customer_id: str, return_url: str) -> str | None:
        return None

    def fetch_subscription(self, subscription_id: str) -> dict[str, Any]:
        return self._call("GET", f"/subscriptions/{subscription_id}")

    # --- inbound webhooks ---------------------------------------------------------------
    def parse_webhook(self, *, payload: bytes, headers: dict[str, str]) -> GatewayEvent:
        token = headers.get("asaas-access-token") or ""
        if not self.webhook_token or not hmac.compare_digest(
                token.encode(), self.webhook_token.encode()):
            raise WebhookUnauthorized("missing or wrong asaas-access-token")
        try:
            event = json.loads(payload)
        except ValueError:
            raise WebhookRejected("payload is not JSON") from None
        if not isinstance(event, dict) or not isinstance(event.get("id"), str) \
                or not event["id"] or not isinstance(event.get("event"), str):
            raise WebhookRejected("not an event")
        etype = event["event"]
        created = brt_time(event.get("dateCreated"))
        if not created:
            raise WebhookRejected("event without a creation time")
        if etype in PAYMENT_EVENTS:
            kind, obj = "charge", event.get("payment")
        elif etype in SUBSCRIPTION_EVENTS:
            kind, obj = "subscription", event.get("subscription")
        else:
            kind, obj = "ignored", None
        if kind != "ignored" and not (isinstance(obj, dict) and isinstance(obj.get("id"), str)):
            raise WebhookRejected("event without its object")
        return GatewayEvent(provider=self.name, event_id=event["id"][:100], type=etype[:80],
                            created=created, kind=kind,
                            data=obj if isinstance(obj, dict) else {})
