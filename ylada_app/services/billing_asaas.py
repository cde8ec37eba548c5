"""Asaas checkout: CPF/CNPJ check, the customer, the monthly subscription and its first
charge kept as a pending invoice the billing page shows at once (Pix QR + copia-e-cola,
boleto line + PDF, or the hosted card page).

Nothing changes the tenant's plan here: the plan starts when Asaas reports the charge paid
(services/billing_events_asaas.py). If Asaas fails midway, the subscription just created is
removed again and the caller's transaction is rolled back, so nothing is left half-made.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from sqlmodel import Session, col, select
from validate_docbr import CNPJ, CPF

from ylada_app.core.money import format_brl
from ylada_app.integrations.payments.base import ChargeStatus, GatewayError, PaymentMethod
from ylada_app.models import Invoice, Plan, utcnow
from ylada_app.models.upsert import insert_ignore
from ylada_app.services.errors import FieldErrors
from ylada_app.services.serialize import lock_tenant

OPEN = (ChargeStatus.PENDING, ChargeStatus.OVERDUE)


def clean_tax_id(raw: str | None) -> str:
    """CPF (11 digits) or CNPJ (14 digits) with valid check digits → its digits."""
    digits = "".join(ch for ch in str(raw or "") if ch.isdigit())
    if not digits:
        raise FieldErrors({"tax_id": "billing.error.tax_id_required"})
    valid = (len(digits) == 11 and CPF().validate(digits)) or \
        (len(digits) == 14 and CNPJ().validate(digits))
    if not valid:
        raise FieldErrors({"tax_id": "billing.error.tax_id"})
    return digits


def _open_checkout(session: Session, tenant_id: int) -> Invoice | None:
    """The first charge of a checkout not paid yet (newest first)."""
    rows = session.exec(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.provider == "asaas",
        Invoice.status.in_(OPEN))  # type: ignore[attr-defined]
        .order_by(Invoice.id.desc())).all()  # type: ignore[union-attr]
    return next((r for r in rows if (r.details or {}).get("checkout")), None)


def checkout(session: Session, gw, *, tenant_id: int, user_id: int, plan: Plan,
             method: PaymentMethod, tax_id: str | None,
             first_due: date | None = None) -> Invoice:
    """`first_due`: when the first charge falls due (the free trial's last day: paying
    before it keeps the trial's days, services.billing.trial_kept_until); today if None."""
    from ylada_app.services.billing import PaymentsUnavailable, _account, _provider_call, _ref

    digits = clean_tax_id(tax_id)
    # two "Assinar" at once: the second waits and is shown the first's charge (each made a
    # subscription at Asaas before — two live, one left to go overdue)
    lock_tenant(session, tenant_id)
    previous = _open_checkout(session, tenant_id)
    if previous is not None and previous.details.get("plan") == plan.code \
            and previous.details.get("kind") == method.value \
            and previous.details.get("tax_id") == digits:
        return previous  # the same checkout asked twice: show the same charge
    account = _account(session, gw, tenant_id=tenant_id, user_id=user_id, tax_id=digits)
    with _provider_call():
        sub_id = gw.create_subscription(customer_id=account.customer_id, plan=_ref(plan),
                                        tenant_id=tenant_id, method=method,
                                        **({"first_due": first_due} if first_due else {}))
    try:
        charge = gw.first_charge(sub_id)
    except GatewayError:
        with contextlib.suppress(GatewayError):
            gw.cancel(sub_id)  # do not leave a subscription nobody can see
        raise PaymentsUnavailable("error.payments_failed") from None
    if previous is not None:
        # A new choice replaces the unpaid one (another plan or way to pay).
        try:
            gw.cancel(previous.details.get("subscription", ""))
            previous.status = ChargeStatus.CANCELED
        except GatewayError:
            # Found by review and fixed: it was marked canceled all the same, so paying it
            # later (its Pix QR still open in a tab) was "stale" here while its subscription
            # lived on at Asaas. It is still open there: it stays open here, neither the
            # checkout nor the charge the page asks to pay; if it is paid, billing_events_asaas
            # follows it or has it canceled as a second subscription.
            previous.details = {**{k: v for k, v in previous.details.items()
                                   if k != "checkout"}, "replaced": True}
        session.add(previous)
    details: dict[str, Any] = {
        "checkout": True, "subscription": sub_id, "plan": plan.code, "kind": method.value,
        "tax_id": digits, "due_date": charge.due_date,
        "pix_payload": charge.pix_qr_code, "pix_image": charge.pix_qr_image,
        "pix_expires_at": charge.pix_expires_at, "boleto_line": charge.boleto_line,
    }
    clean = {k: v for k, v in details.items() if v is not None}
    values = {"tenant_id": tenant_id, "provider": "asaas",
              "provider_invoice_id": charge.provider_id[:100], "status": ChargeStatus.PENDING,
              "amount_cents": charge.amount_cents, "currency": "BRL",
              "hosted_url": charge.hosted_url, "pdf_url": charge.boleto_url,
              "number": (charge.number or "")[:60] or None,
              "details": clean, "provider_event_at": 0, "created_at": utcnow()}
    # The charge's PAYMENT_CREATED webhook may have recorded it already (it can arrive
    # before this transaction commits): then add what only the checkout knows.
    insert_ignore(session, Invoice, values, ["provider", "provider_invoice_id"])
    invoice = session.exec(select(Invoice).where(
        Invoice.provider == "asaas", Invoice.provider_invoice_id == values[
            "provider_invoice_id"])).one()
    if invoice.tenant_id != tenant_id:
        raise PaymentsUnavailable("error.payments_failed")
    session.refresh(invoice)
    invoice.details = {**(invoice.details or {}), **clean}
    invoice.number = invoice.number or values["number"]
    invoice.hosted_url = invoice.hosted_url or charge.hosted_url
    invoice.pdf_url = invoice.pdf_url or charge.boleto_url
    session.add(invoice)
    session.flush()
    return invoice


REMOVAL_ATTEMPTS = 60  # sweeper rounds (one a minute) a replaced checkout is retried for
REMOVALS_PER_ROUND = 20


def retry_replaced_checkouts(session: Session) -> int:
    """Replaced checkouts whose removal at Asaas failed (see `checkout`) are removed again,
    a few each sweeper round: left alone, an unpaid subscription lived on at Asaas, a new
    charge every month that nobody would pay — or that somebody might, by mistake. Removed,
    their charge is canceled here; paid meanwhile, the payment's webhook has already made
    it a second subscription to cancel, and it is not pending any more. Returns how many
    were removed."""
    from ylada_app.integrations.payments import registry

    # Read unlocked, then lock only the replaced ones: the gateway calls below hold the
    # locks, and a payment webhook for any other pending charge must not wait for them.
    ids = [inv.id for inv in session.exec(select(Invoice).where(
        Invoice.provider == "asaas", Invoice.status == ChargeStatus.PENDING)).all()
        if (inv.details or {}).get("replaced") and (inv.details or {}).get("subscription")
        and int((inv.details or {}).get("removal_attempts") or 0) < REMOVAL_ATTEMPTS]
    if not ids:
        return 0
    rows = session.exec(select(Invoice).where(
        col(Invoice.id).in_(ids[:REMOVALS_PER_ROUND]), Invoice.status == ChargeStatus.PENDING)
        .order_by(Invoice.id).with_for_update(skip_locked=True)).all()
    try:
        gw = registry.gateway("asaas")
    except registry.GatewayNotConfigured:
        return 0
    removed = 0
    for inv in rows:
        try:
            gw.cancel(str(inv.details["subscription"]))
        except GatewayError:
            inv.details = {**inv.details,
                           "removal_attempts": int(inv.details.get("removal_attempts") or 0) + 1}
        else:
            inv.status = ChargeStatus.CANCELED
            removed += 1
        session.add(inv)
    session.flush()
    return removed


KIND_OF = {"PIX": "pix", "BOLETO": "boleto", "CREDIT_CARD": "card"}


def _fill_payment_data(session: Session, inv: Invoice) -> None:
    """A renewal charge (made by Asaas, known from its webhook) gets its Pix QR or boleto
    line fetched once, so the page can show it like the first one."""
    from ylada_app.integrations.payments import registry

    kind = inv.details.get("kind") or KIND_OF.get(str(inv.details.get("method")))
    if kind not in ("pix", "boleto"):
        return
    try:
        charge = registry.gateway("asaas").charge({
            "id": inv.provider_invoice_id, "billingType": inv.details.get("method")
            or {"pix": "PIX", "boleto": "BOLETO"}[kind],
            "status": "PENDING", "value": inv.amount_cents / 100,
            "invoiceUrl": inv.hosted_url, "dueDate": inv.details.get("due_date"),
            "bankSlipUrl": inv.pdf_url})
    except (registry.GatewayNotConfigured, GatewayError):
        return  # the page still links to the gateway's invoice page
    extra = {"pix_payload": charge.pix_qr_code, "pix_image": charge.pix_qr_image,
             "pix_expires_at": charge.pix_expires_at, "boleto_line": charge.boleto_line}
    inv.details = {**inv.details, **{k: v for k, v in extra.items() if v}}
    session.add(inv)
    session.flush()


def _replaced_subscriptions(session: Session, tenant_id: int) -> set[str]:
    """The tenant's subscriptions canceled as replaced (billing_events.replace_subscription)."""
    from ylada_app.models import AuditLog
    from ylada_app.services.billing_events import REPLACED_ACTION

    return set(session.exec(select(AuditLog.target).where(
        AuditLog.tenant_id == tenant_id, AuditLog.action == REPLACED_ACTION)).all())


def pending_charge(session: Session, *, tenant_id: int) -> dict[str, str] | None:
    """The open Asaas charge to pay now (for the page), or None."""
    rows = session.exec(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.provider == "asaas",
        Invoice.status.in_(OPEN))  # type: ignore[attr-defined]
        .order_by(Invoice.id.desc())).all()  # type: ignore[union-attr]
    # Not one of a subscription we had canceled (a second one, or an overdue one another
    # took over from: Asaas keeps an overdue charge of a removed subscription). Found by
    # review and fixed: right after paying the new subscription, the page asked the customer
    # to pay the canceled one's overdue charge.
    gone = _replaced_subscriptions(session, tenant_id) if rows else set()
    inv = next((r for r in rows if not (r.details or {}).get("replaced")
                and (r.details or {}).get("subscription") not in gone and (
        (r.details or {}).get("kind") or (r.details or {}).get("method") in KIND_OF)), None)
    if inv is None:
        return None
    if not (inv.details.get("pix_payload") or inv.details.get("boleto_line")):
        _fill_payment_data(session, inv)
    d = inv.details
    d = {**d, "kind": d.get("kind") or KIND_OF.get(str(d.get("method")), "card")}
    expires = str(d.get("pix_expires_at") or "")
    due = str(d.get("due_date") or "")
    return {
        "id": str(inv.id), "kind": str(d.get("kind")), "status": inv.status,
        "checkout": "1" if d.get("checkout") else "",
        "amount_cents": str(inv.amount_cents), "amount": format_brl(inv.amount_cents),
        "plan": str(d.get("plan") or ""),
        "pix_payload": str(d.get("pix_payload") or ""),
        "pix_image": str(d.get("pix_image") or ""),
        # "2026-12-02 23:59:59" → "02/12/2026 23:59"
        "pix_expires": f"{expires[8:10]}/{expires[5:7]}/{expires[:4]} {expires[11:16]}".strip()
        if len(expires) >= 10 else "",
        "due": f"{due[8:10]}/{due[5:7]}/{due[:4]}" if len(due) >= 10 else "",
        "boleto_line": str(d.get("boleto_line") or ""),
        "boleto_url": inv.pdf_url or "", "hosted_url": inv.hosted_url or "",
    }
