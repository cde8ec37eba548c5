"""The Asaas subscription lifecycle against the fake Asaas, state changed only by webhooks
(authenticated by the shared token) delivered over HTTP to the running API: Pix checkout →
first charge pending → paid → active; next month's charge overdue → past_due → paid →
active; plan change; refund; cancel. Plus boleto and card checkouts, bad CPF/CNPJ and a
gateway that is down."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import func, select

from tests.factories import make_owner
from ylada_app.models import BillingAccount, Invoice, Subscription
from ylada_app.services import billing, billing_asaas, entitlements
from ylada_app.services.billing import PaymentsUnavailable
from ylada_app.services.errors import FieldErrors

CPF = "529.982.247-25"
CNPJ = "11.222.333/0001-81"


def _state(db, tenant_id):
    db.expire_all()
    entitlements.forget_limits()
    return entitlements.billing_state(db, tenant_id=tenant_id)


def _checkout(db, fake, owner, *, plan="starter", method="pix", tax_id=CPF):
    out = billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                              role="owner", plan_code=plan, base_url="http://app.test",
                              method=method, tax_id=tax_id)
    db.commit()
    fake.wait_delivered()
    return out


def _sub_id(db, fake, owner):
    account = db.exec(select(BillingAccount).where(
        BillingAccount.tenant_id == owner.tenant_id, BillingAccount.provider == "asaas")).one()
    return next(s["id"] for s in reversed(list(fake.subscriptions.values()))
                if s["customer"] == account.customer_id)


def test_pix_checkout_paid_overdue_plan_change_refund_cancel(db, asaas_env, api_url):
    fake = asaas_env
    fake.webhook_url = api_url + "/webhooks/asaas"
    owner = make_owner(db)
    assert _state(db, owner.tenant_id).status == "trialing"

    assert _checkout(db, fake, owner) is None
    # The first charge is shown at once: QR image (a real PNG), copia-e-cola and its expiry.
    pending = billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)
    assert pending and pending["kind"] == "pix" and pending["amount_cents"] == "9700"
    assert base64.b64decode(pending["pix_image"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert pending["pix_payload"].startswith("000201") and pending["pix_expires"]
    [open_inv] = billing.list_invoices(db, tenant_id=owner.tenant_id)
    assert open_inv.status == "pending" and open_inv.number and open_inv.number.isdigit()
    _, _, sub_req = next(r for r in fake.requests if r[:2] == ("POST", "/v3/subscriptions"))
    assert (sub_req["billingType"], sub_req["value"], sub_req["cycle"]) == ("PIX", 97.0,
                                                                           "MONTHLY")
    _, _, cus_req = next(r for r in fake.requests if r[:2] == ("POST", "/v3/customers"))
    assert cus_req["cpfCnpj"] == "52998224725"
    # A pending charge changes nothing: the checkout's word is not a payment.
    assert all(code == 200 for _, code in fake.deliveries), fake.deliveries
    assert _state(db, owner.tenant_id).status == "trialing"

    sub_id = _sub_id(db, fake, owner)
    first = fake.open_payment(sub_id)
    fake.pay(first["id"])
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code, state.provider) == ("active", "starter", "asaas")
    assert state.limits.max_messages_month == 10_000
    due = date.fromisoformat(first["dueDate"])
    assert state.current_period_end.date() > due
    assert billing_asaas.pending_charge(db, tenant_id=owner.tenant_id) is None
    [inv] = billing.list_invoices(db, tenant_id=owner.tenant_id)
    assert (inv.status, inv.amount_cents, inv.provider) == ("paid", 9_700, "asaas")
    assert inv.hosted_url and inv.pdf_url  # the invoice page and the receipt

    # Next month: a new charge (pending changes nothing), overdue → past_due with the plan
    # kept (grace) and the banner, then paid → active again.
    renewal = fake.next_charge(sub_id)
    assert _state(db, owner.tenant_id).status == "active"
    # the renewal is shown to pay like the first charge (its QR fetched once from Asaas)
    due_now = billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)
    db.commit()
    assert (due_now["kind"], due_now["checkout"]) == ("pix", "")
    assert renewal["id"] in due_now["pix_payload"] and due_now["pix_image"]
    qr_calls = sum(1 for r in fake.requests if r[1].endswith("/pixQrCode"))
    billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)
    assert sum(1 for r in fake.requests if r[1].endswith("/pixQrCode")) == qr_calls
    fake.overdue(renewal["id"])
    state = _state(db, owner.tenant_id)
    assert (state.status, state.limits.plan_code) == ("past_due", "starter")
    assert billing.banner(db, tenant_id=owner.tenant_id).key == "banner.past_due"
    # the grace lasts BILLING_GRACE_DAYS (7) after the unpaid charge's due date
    renewal_due = datetime.fromisoformat(renewal["dueDate"])
    late = entitlements.billing_state(db, tenant_id=owner.tenant_id,
                                      now=renewal_due + timedelta(days=8))
    assert (late.status, late.limits.plan_code) == ("past_due", "gratis")
    assert entitlements.billing_state(db, tenant_id=owner.tenant_id,
                                      now=renewal_due + timedelta(days=6)
                                      ).limits.plan_code == "starter"
    fake.pay(renewal["id"])
    assert _state(db, owner.tenant_id).status == "active"
    assert len(billing.list_invoices(db, tenant_id=owner.tenant_id)) == 2

    # Plan change: the subscription's value is updated for the next charges.
    assert _checkout(db, fake, owner, plan="pro") is None
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code) == ("active", "pro")
    _, _, upd = next(r for r in fake.requests if r[:2] == ("POST", f"/v3/subscriptions/{sub_id}"))
    assert upd["value"] == 247.0 and upd["updatePendingPayments"] is False
    assert fake.next_charge(sub_id)["value"] == 247.0
    with pytest.raises(Exception) as same:
        _checkout(db, fake, owner, plan="pro")
    db.rollback()
    assert "plan_same" in str(same.value.args)

    # A refund of the last paid charge: the period is no longer paid for.
    fake.refund(renewal["id"])
    refunded = db.exec(select(Invoice).where(Invoice.provider_invoice_id == renewal["id"])).one()
    db.refresh(refunded)
    assert refunded.status == "refunded"
    assert _state(db, owner.tenant_id).status == "past_due"

    # Cancel: Asaas removes the subscription; canceled never comes back.
    billing.set_cancel(db, tenant_id=owner.tenant_id, role="owner", cancel=True)
    db.commit()
    fake.wait_delivered()
    assert fake.subscriptions[sub_id]["deleted"] is True
    state = _state(db, owner.tenant_id)
    assert state.status == "canceled" and state.limits.plan_code == "gratis"
    fake.deliver(fake.events_of("PAYMENT_RECEIVED")[-1])  # a late redelivery
    fake.deliver({**fake.events_of("SUBSCRIPTION_UPDATED")[-1], "id": "evt_late_update"})
    assert _state(db, owner.tenant_id).status == "canceled"
    assert all(code == 200 for _, code in fake.deliveries), fake.deliveries


def test_boleto_and_card_checkouts_show_their_first_charge(db, asaas_env, api_url):
    fake = asaas_env
    fake.webhook_url = api_url + "/webhooks/asaas"
    owner = make_owner(db)
    _checkout(db, fake, owner, method="boleto", tax_id=CNPJ)
    pending = billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)
    assert pending["kind"] == "boleto" and len(pending["boleto_line"]) == 47
    assert pending["boleto_url"].endswith(".pdf") and pending["due"]
    # Choosing another way to pay replaces the unpaid charge (the old subscription goes).
    _checkout(db, fake, owner, method="card_asaas", tax_id=CNPJ)
    pending = billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)
    assert pending["kind"] == "card" and pending["hosted_url"].startswith(fake.base_url + "/i/")
    assert sum(1 for s in fake.subscriptions.values() if not s["deleted"]) == 1
    # the same choice twice shows the same charge (no second subscription)
    _checkout(db, fake, owner, method="card_asaas", tax_id=CNPJ)
    assert len(fake.subscriptions) == 2
    # the card page's "pay" confirms it
    pay_id = pending["hosted_url"].rsplit("/", 1)[1]
    fake.pay(pay_id)
    assert _state(db, owner.tenant_id).status == "active"


@pytest.mark.parametrize("tax_id,key", [("", "billing.error.tax_id_required"),
                                         ("123.456.789-00", "billing.error.tax_id"),
                                         ("111.111.111-11", "billing.error.tax_id"),
                                         ("11.222.333/0001-82", "billing.error.tax_id"),
                                         ("5299822472", "billing.error.tax_id")])
def test_invalid_cpf_cnpj_is_a_field_error_and_calls_nothing(db, asaas_env, tax_id, key):
    owner = make_owner(db)
    with pytest.raises(FieldErrors) as err:
        billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                            role="owner", plan_code="starter", base_url="http://x",
                            method="pix", tax_id=tax_id)
    db.rollback()
    assert err.value.errors == {"tax_id": key}
    assert asaas_env.requests == []


@pytest.mark.parametrize("failing", ["down", r"/pixQrCode$", r"^/v3/subscriptions$"])
def test_gateway_down_leaves_nothing_half_created(db, asaas_env, failing):
    fake = asaas_env
    owner = make_owner(db)
    if failing == "down":
        fake.down = True
    else:
        fake.fail_paths = [failing]
    with pytest.raises(PaymentsUnavailable) as err:
        billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                            role="owner", plan_code="starter", base_url="http://x",
                            method="pix", tax_id=CPF)
    db.rollback()  # what the page's transaction does on an error
    assert err.value.args[0] == "error.payments_failed"
    for model in (BillingAccount, Invoice):
        assert db.exec(select(func.count()).select_from(model).where(
            model.tenant_id == owner.tenant_id)).one() == 0
    sub = entitlements.current_subscription(db, tenant_id=owner.tenant_id)
    assert sub.provider_subscription_id is None and sub.status == "trialing"
    # a subscription created before the failure is removed at Asaas too
    assert all(s["deleted"] for s in fake.subscriptions.values())
    fake.down, fake.fail_paths = False, []
    assert _checkout(db, fake, owner) is None  # and it works once Asaas is back
    assert billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)["kind"] == "pix"


def test_tenant_isolation(db, asaas_env, api_url):
    fake = asaas_env
    fake.webhook_url = api_url + "/webhooks/asaas"
    a, b = make_owner(db, tenant_name="Loja Alfa"), make_owner(db, tenant_name="Loja Beta")
    _checkout(db, fake, a)
    assert billing_asaas.pending_charge(db, tenant_id=b.tenant_id) is None
    assert billing.list_invoices(db, tenant_id=b.tenant_id) == []
    # A's payment cannot be claimed through B's customer: the row stays A's, B unchanged.
    _checkout(db, fake, b, method="boleto", tax_id=CNPJ)
    a_pay = fake.open_payment(_sub_id(db, fake, a))
    b_customer = fake.open_payment(_sub_id(db, fake, b))["customer"]
    forged = {"id": "evt_forged", "event": "PAYMENT_RECEIVED",
              "dateCreated": fake.brt(int(datetime.now().timestamp()) + 5),
              "payment": {**a_pay, "status": "RECEIVED", "customer": b_customer,
                          "subscription": _sub_id(db, fake, b)}}
    assert fake.deliver(forged) == 200
    inv = db.exec(select(Invoice).where(Invoice.provider_invoice_id == a_pay["id"])).one()
    db.refresh(inv)
    assert (inv.tenant_id, inv.status) == (a.tenant_id, "pending")
    assert _state(db, b.tenant_id).status == "trialing"
    fake.pay(a_pay["id"])
    assert _state(db, a.tenant_id).status == "active"
    assert _state(db, b.tenant_id).status == "trialing"
    subs = db.exec(select(Subscription).where(Subscription.tenant_id == b.tenant_id)).all()
    assert all(s.provider_subscription_id is None for s in subs)


def test_reconciliation_fixes_missed_webhooks(db, asaas_env, caplog):
    """No webhook is delivered at all: the reconciliation reads Asaas and catches up, logging
    each correction; a second run finds nothing to fix."""
    from ylada_app.jobs.billing import reconcile_subscription
    from ylada_app.services import billing_events

    fake = asaas_env
    owner = make_owner(db)
    _checkout(db, fake, owner)
    sub_id = _sub_id(db, fake, owner)
    fake.pay(fake.open_payment(sub_id)["id"])  # webhook lost
    assert _state(db, owner.tenant_id).status == "trialing"
    with caplog.at_level("WARNING"):
        assert reconcile_subscription(owner.tenant_id) == "corrected:1"
    assert any("reconcile tenant" in r.message and "pending → paid" in r.message
               for r in caplog.records)
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code) == ("active", "starter")
    assert billing_events.reconcile(db, tenant_id=owner.tenant_id) == "in_sync"
    db.rollback()

    renewal = fake.next_charge(sub_id)
    fake.overdue(renewal["id"])
    assert reconcile_subscription(owner.tenant_id) == "corrected:1"
    assert _state(db, owner.tenant_id).status == "past_due"
    fake.subscriptions[sub_id]["externalReference"] = f"ylada:{owner.tenant_id}:pro"
    assert reconcile_subscription(owner.tenant_id) == "corrected:1"
    assert _state(db, owner.tenant_id).plan_code == "pro"
    registry_gw = __import__("ylada_app.integrations.payments.registry",
                             fromlist=["gateway"]).gateway("asaas")
    registry_gw.cancel(sub_id)  # deleted at Asaas; its webhooks lost
    assert reconcile_subscription(owner.tenant_id).startswith("corrected:")
    assert _state(db, owner.tenant_id).status == "canceled"
    assert reconcile_subscription(owner.tenant_id) == "in_sync"


def test_daily_kick_queues_live_and_waiting_subscriptions_once(db, asaas_env, monkeypatch):
    from ylada_app.core import queue
    from ylada_app.jobs import billing as billing_jobs
    from ylada_app.models import PlatformSetting

    queued = []
    monkeypatch.setattr(queue, "enqueue", lambda dotted, *args, **kw: queued.append(args[0]))
    monkeypatch.setattr(billing_jobs, "_done_on", "")
    row = db.get(PlatformSetting, billing_jobs.LAST_RUN_KEY)
    if row is not None:
        db.delete(row)
        db.commit()
    waiting = make_owner(db)
    _checkout(db, asaas_env, waiting)
    idle = make_owner(db)
    assert billing_jobs.kick_daily_reconcile() >= 1
    assert waiting.tenant_id in queued and idle.tenant_id not in queued
    queued.clear()
    assert billing_jobs.kick_daily_reconcile() == 0  # once a day
    monkeypatch.setattr(billing_jobs, "_done_on", "")
    assert billing_jobs.kick_daily_reconcile() == 0 and queued == []  # across processes too
