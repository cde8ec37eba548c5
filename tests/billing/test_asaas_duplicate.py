"""Found by review and fixed: a second paid Asaas subscription was only listed, never canceled.

When the business already paid a live Asaas subscription, a charge paid on another one of
its customer (made in Asaas' dashboard, or left by a checkout whose removal failed) only
added an invoice: that subscription stayed live at Asaas and charged every month for nothing.
Now, as for Stripe and Mercado Pago, the one we do not follow is recorded in the audit trail
and canceled at Asaas (DELETE /v3/subscriptions/{id}) by a job after the webhook's commit.
"""

from __future__ import annotations

import time

from sqlmodel import select

from tests.factories import make_owner
from ylada_app.integrations.payments import registry
from ylada_app.integrations.payments.base import PaymentMethod
from ylada_app.models import AuditLog, BillingAccount, Invoice
from ylada_app.services import billing, billing_admin, billing_asaas, billing_events, entitlements

CPF = "529.982.247-25"


def _state(db, tenant_id):
    db.expire_all()
    entitlements.forget_limits()
    return entitlements.billing_state(db, tenant_id=tenant_id)


def _checkout(db, fake, owner, *, method):
    billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id, role="owner",
                        plan_code="starter", base_url="http://app.test", method=method,
                        tax_id=CPF)
    db.commit()
    fake.wait_delivered()
    account = db.exec(select(BillingAccount).where(
        BillingAccount.tenant_id == owner.tenant_id, BillingAccount.provider == "asaas")).one()
    return next(s["id"] for s in reversed(list(fake.subscriptions.values()))
                if s["customer"] == account.customer_id)


def _second_subscription(db, fake, owner, plan_code="pro"):
    """Another subscription of the business's Asaas customer, made at Asaas (its dashboard,
    or a checkout whose removal failed), by Pix."""
    account = db.exec(select(BillingAccount).where(
        BillingAccount.tenant_id == owner.tenant_id, BillingAccount.provider == "asaas")).one()
    sub_id = registry.gateway("asaas").create_subscription(
        customer_id=account.customer_id,
        plan=billing._ref(billing._plan_by_code(db, plan_code)),
        tenant_id=owner.tenant_id, method=PaymentMethod.PIX)
    fake.wait_delivered()
    return sub_id


def _wait(predicate, timeout=15.0):
    deadline = time.time() + timeout
    while not predicate() and time.time() < deadline:
        time.sleep(0.05)
    return predicate()


def test_a_second_paid_asaas_subscription_is_canceled_at_asaas(db, asaas_env, api_url):
    fake = asaas_env
    fake.webhook_url = api_url + "/webhooks/asaas"
    owner = make_owner(db)
    kept = _checkout(db, fake, owner, method="boleto")
    fake.pay(fake.open_payment(kept)["id"])
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code, state.provider) == ("active", "starter", "asaas")
    # a second subscription of the same customer at Asaas, for another plan
    dup = _second_subscription(db, fake, owner)
    dup_charge = fake.open_payment(dup)

    fake.pay(dup_charge["id"])  # its first charge is paid too
    assert _wait(lambda: fake.subscriptions[dup]["deleted"]), \
        "the second paid Asaas subscription is still live at Asaas"
    assert ("DELETE", f"/v3/subscriptions/{dup}", {}) in fake.requests
    assert not fake.subscriptions[kept]["deleted"]
    fake.wait_delivered()  # its SUBSCRIPTION_DELETED / PAYMENT_DELETED change nothing here
    assert all(code == 200 for _, code in fake.deliveries), fake.deliveries
    sub = entitlements.current_subscription(db, tenant_id=owner.tenant_id)
    db.refresh(sub)
    assert (sub.provider_subscription_id, sub.status) == (kept, "active")
    assert _state(db, owner.tenant_id).plan_code == "starter"
    entry = db.exec(select(AuditLog).where(AuditLog.tenant_id == owner.tenant_id,
                                           AuditLog.action == billing_events.REPLACED_ACTION)
                    ).one()
    assert (entry.target, entry.details["kept"], entry.details["provider"]) == (
        dup, kept, "asaas")
    # the paid charge of the duplicate is still listed (it was paid), and a re-sent payment
    # event of it neither follows it nor cancels it twice
    again = fake.events_of("PAYMENT_RECEIVED")[-1]
    assert fake.deliver({**again, "id": again["id"] + "_resent"}) == 200
    time.sleep(0.5)
    assert sum(1 for r in fake.requests if r[:2] == ("DELETE", f"/v3/subscriptions/{dup}")
               ) == 1
    assert _state(db, owner.tenant_id).plan_code == "starter"
    assert len(db.exec(select(AuditLog).where(
        AuditLog.tenant_id == owner.tenant_id,
        AuditLog.action == billing_events.REPLACED_ACTION)).all()) == 1


def test_a_replaced_checkout_asaas_failed_to_remove_is_canceled_once_paid(db, asaas_env,
                                                                          api_url):
    """Found by review and fixed: choosing another way to pay removes the unpaid checkout's
    subscription at Asaas, but when that removal failed its charge was still marked canceled
    here. Paid later (its Pix QR code still open in a tab), the payment was "stale": neither
    followed nor canceled, the subscription kept charging every month. Its charge now stays
    open here (it is, at Asaas), so paying it is seen as a second subscription."""
    fake = asaas_env
    fake.webhook_url = api_url + "/webhooks/asaas"
    owner = make_owner(db)
    old = _checkout(db, fake, owner, method="pix")
    old_charge = fake.open_payment(old)
    fake.fail_paths = [rf"^/v3/subscriptions/{old}$"]  # Asaas cannot remove it just now
    kept = _checkout(db, fake, owner, method="boleto")
    fake.fail_paths = []
    assert kept != old and not fake.subscriptions[old]["deleted"]
    assert billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)["kind"] == "boleto"
    fake.pay(fake.open_payment(kept)["id"])
    assert _state(db, owner.tenant_id).status == "active"
    # the page does not ask to pay the replaced charge (still open at Asaas)
    assert billing_asaas.pending_charge(db, tenant_id=owner.tenant_id) is None

    fake.pay(old_charge["id"])
    assert _wait(lambda: fake.subscriptions[old]["deleted"]), \
        "the old checkout's subscription, paid, is still live at Asaas"
    fake.wait_delivered()
    sub = entitlements.current_subscription(db, tenant_id=owner.tenant_id)
    db.refresh(sub)
    assert (sub.provider_subscription_id, sub.status) == (kept, "active")
    assert db.exec(select(AuditLog.target).where(
        AuditLog.tenant_id == owner.tenant_id,
        AuditLog.action == billing_events.REPLACED_ACTION)).all() == [old]
    paid = db.exec(select(Invoice).where(Invoice.provider_invoice_id == old_charge["id"])).one()
    db.refresh(paid)
    assert paid.status == "paid"  # listed as what it is


def test_a_replaced_checkout_removed_at_asaas_is_canceled_here(db, asaas_env):
    fake = asaas_env
    owner = make_owner(db)
    old = _checkout(db, fake, owner, method="pix")
    old_charge = fake.open_payment(old)
    _checkout(db, fake, owner, method="boleto")
    assert fake.subscriptions[old]["deleted"]
    row = db.exec(select(Invoice).where(Invoice.provider_invoice_id == old_charge["id"])).one()
    db.refresh(row)
    assert row.status == "canceled"


def test_a_paid_new_subscription_takes_over_from_an_overdue_one(db, asaas_env, api_url):
    """The customer's boleto went unpaid (past_due) and they paid a new subscription by Pix
    to get out of it: the paid one is followed and the overdue one canceled at Asaas — not
    the other way round (that canceled what they had just paid and left the plan unpaid)."""
    fake = asaas_env
    fake.webhook_url = api_url + "/webhooks/asaas"
    owner = make_owner(db)
    old = _checkout(db, fake, owner, method="boleto")
    fake.pay(fake.open_payment(old)["id"])
    fake.overdue(fake.next_charge(old)["id"])
    fake.wait_delivered()
    assert _state(db, owner.tenant_id).status == "past_due"
    assert billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)["status"] == "overdue"
    db.commit()  # (it may have filled the charge's Pix/boleto data)
    new = _second_subscription(db, fake, owner)
    fake.pay(fake.open_payment(new)["id"])
    assert _wait(lambda: fake.subscriptions[old]["deleted"]), \
        "the overdue subscription is still live at Asaas"
    assert not fake.subscriptions[new]["deleted"], "the subscription just paid was canceled"
    fake.wait_delivered()
    sub = entitlements.current_subscription(db, tenant_id=owner.tenant_id)
    db.refresh(sub)
    assert (sub.provider_subscription_id, sub.status) == (new, "active")
    assert _state(db, owner.tenant_id).plan_code == "pro"
    # Found by review and fixed: the overdue one's charge (Asaas keeps an overdue charge of
    # a removed subscription) was still the charge the billing page asked to pay — right
    # after the customer paid the new one. It is listed as it is, not offered to pay.
    db.expire_all()
    assert billing_asaas.pending_charge(db, tenant_id=owner.tenant_id) is None



def test_a_replaced_checkout_asaas_failed_to_remove_is_removed_by_the_sweeper(db, asaas_env):
    """Left alone, a replaced checkout whose removal failed lived on at Asaas: a new charge
    every month that nobody would pay. The sweeper's billing round tries again."""
    fake = asaas_env
    owner = make_owner(db)
    old = _checkout(db, fake, owner, method="pix")
    old_charge = fake.open_payment(old)
    fake.fail_paths = [rf"^/v3/subscriptions/{old}$"]
    kept = _checkout(db, fake, owner, method="boleto")
    billing_admin.settle(db)  # Asaas still cannot remove it: tried, counted, left open
    db.commit()
    row = db.exec(select(Invoice).where(Invoice.provider_invoice_id == old_charge["id"])).one()
    db.refresh(row)
    assert (row.status, row.details["removal_attempts"]) == ("pending", 1)
    assert not fake.subscriptions[old]["deleted"]
    fake.fail_paths = []
    billing_admin.settle(db)
    db.commit()
    assert fake.subscriptions[old]["deleted"] and not fake.subscriptions[kept]["deleted"]
    db.refresh(row)
    assert row.status == "canceled"
    assert billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)["kind"] == "boleto"
    billing_admin.settle(db)  # nothing left to remove: no more calls
    db.commit()
    assert fake.subscriptions[old]["deleted"]
