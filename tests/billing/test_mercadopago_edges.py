"""Mercado Pago edge cases, as for Asaas: notifications out of order never move a
subscription backwards (an older read of the preapproval is stale; cancelled stays
cancelled, payments after the cancel included), and Mercado Pago down at checkout, plan
change or cancel gives a clear pt-BR message with nothing half-created."""

from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from tests.billing.test_mercadopago import _checkout, _post, _state
from tests.factories import make_owner
from ylada_app.api import app
from ylada_app.core.i18n import translate
from ylada_app.models import BillingAccount, BillingEvent, Invoice
from ylada_app.services import billing, entitlements
from ylada_app.services.billing import PaymentsUnavailable


def _late(note: dict, n: int) -> dict:
    """Another notification about the same resource (a retry or a lagging one)."""
    return {**note, "id": note["id"] + 10**6 + n}


def _invoices(db, tenant_id):
    db.expire_all()
    return {i.provider_invoice_id: i.status for i in db.exec(
        select(Invoice).where(Invoice.tenant_id == tenant_id))}


def test_out_of_order_notifications_never_go_backwards(db, mp_env):
    fake = mp_env  # notifications recorded, delivered by hand in the order chosen below
    owner, other = make_owner(db), make_owner(db, tenant_name="Outra Loja")
    _checkout(db, owner)
    [pre] = fake.preapprovals.values()
    pid = pre["id"]
    fake.authorize(pid)
    authorized_note, first_pay_note = fake.notifications[0], fake.notifications[1]
    authorized_read = copy.deepcopy(fake.preapprovals[pid])  # what a lagging read returns
    with TestClient(app) as client:
        assert _post(client, authorized_note, data_id=pid).json()["outcome"] == "applied"
        assert _state(db, owner.tenant_id).status == "active"

        # paused (newer), then a notification whose read back is the older "authorized"
        fake.pause(pid)
        paused_note = fake.notifications[-1]
        assert _post(client, paused_note, data_id=pid).json()["outcome"] == "applied"
        assert _state(db, owner.tenant_id).status == "past_due"
        current = fake.preapprovals[pid]
        fake.preapprovals[pid] = copy.deepcopy(authorized_read)
        r = _post(client, _late(authorized_note, 1), data_id=pid)
        assert r.status_code == 200 and r.json()["outcome"] == "stale"
        assert _state(db, owner.tenant_id).status == "past_due"
        fake.preapprovals[pid] = current

        # cancelled by the owner; the notification says so when read back
        billing.set_cancel(db, tenant_id=owner.tenant_id, role="owner", cancel=True)
        db.commit()
        fake.wait_delivered()
        assert fake.preapprovals[pid]["status"] == "cancelled"
        cancel_note = fake.notifications[-1]
        assert _post(client, cancel_note, data_id=pid).json()["outcome"] == "applied"
        assert _state(db, owner.tenant_id).status == "canceled"

        # then the older "authorized" notifications: a duplicate, a retry read back as
        # cancelled, and one served by a lagging read that still says authorized
        assert _post(client, authorized_note, data_id=pid).json()["outcome"] == "duplicate"
        assert _post(client, _late(authorized_note, 2), data_id=pid).json()["outcome"] \
            == "stale"
        cancelled = fake.preapprovals[pid]
        fake.preapprovals[pid] = copy.deepcopy(authorized_read)
        assert _post(client, _late(authorized_note, 3), data_id=pid).json()["outcome"] \
            == "stale"
        fake.preapprovals[pid] = cancelled
        assert _state(db, owner.tenant_id).status == "canceled"

        # payment notifications after the cancel: the invoice is kept (it is money), the
        # subscription stays cancelled whether the charge was approved or rejected
        assert _post(client, first_pay_note,
                     data_id=first_pay_note["data"]["id"]).json()["outcome"] == "applied"
        late_paid = fake.charge(pid, approved=True)
        late_failed = fake.charge(pid, approved=False)
        for auth in (late_paid, late_failed):
            note = next(n for n in fake.notifications if n["data"]["id"] == auth["id"])
            assert _post(client, note, data_id=auth["id"]).status_code == 200
        assert _state(db, owner.tenant_id).status == "canceled"
        invoices = _invoices(db, owner.tenant_id)
        assert invoices[late_paid["id"]] == "paid" and invoices[late_failed["id"]] == "failed"
        # a paid charge refunded, then its older "approved" notification again: still refunded
        fake.refund(late_paid["id"])
        refund_note = fake.notifications[-1]
        assert _post(client, refund_note, data_id=late_paid["id"]).json()["outcome"] \
            == "applied"
        paid_note = next(n for n in fake.notifications if n["data"]["id"] == late_paid["id"])
        fake.payments[late_paid["id"]]["payment"]["status"] = "approved"  # a lagging read
        assert _post(client, _late(paid_note, 4),
                     data_id=late_paid["id"]).json()["outcome"] == "stale"
        assert _invoices(db, owner.tenant_id)[late_paid["id"]] == "refunded"
        assert _state(db, owner.tenant_id).status == "canceled"
    # the other business saw none of it
    assert _state(db, other.tenant_id).status == "trialing"
    assert _invoices(db, other.tenant_id) == {}


def _counts(db, tenant_id):
    db.expire_all()
    return tuple(db.exec(select(func.count()).select_from(model).where(
        model.tenant_id == tenant_id)).one() for model in (BillingAccount, Invoice, BillingEvent))


def test_gateway_down_at_checkout_leaves_nothing_half_created(db, mp_env):
    fake = mp_env
    owner = make_owner(db)
    fake.down = True
    with pytest.raises(PaymentsUnavailable) as err:
        billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                            role="owner", plan_code="starter", base_url="http://app.test",
                            method="mercadopago")
    db.rollback()  # what the page's transaction does on an error
    assert err.value.args[0] == "error.payments_failed"
    message = translate("error.payments_failed")
    assert "Nada foi cobrado" in message and "tente de novo" in message
    assert "500" not in message and "Mercado Pago" not in message  # no internals shown
    assert _counts(db, owner.tenant_id) == (0, 0, 0)
    sub = entitlements.current_subscription(db, tenant_id=owner.tenant_id)
    assert sub.provider_subscription_id is None and sub.status == "trialing"
    assert fake.preapprovals == {}

    fake.down = False  # and it works once Mercado Pago is back
    url = _checkout(db, owner)
    assert url and url.startswith(fake.base_url + "/subscriptions/checkout?preapproval_id=")
    assert len(fake.preapprovals) == 1


def test_gateway_down_at_plan_change_and_cancel_changes_nothing(db, mp_env, api_url):
    fake = mp_env
    fake.webhook_url = api_url + "/webhooks/mercadopago"
    owner = make_owner(db)
    _checkout(db, owner)
    [pre] = fake.preapprovals.values()
    fake.authorize(pre["id"])
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code) == ("active", "starter")
    before = _counts(db, owner.tenant_id)

    fake.down = True
    for action in (
        lambda: billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                    role="owner", plan_code="pro",
                                    base_url="http://app.test"),
        lambda: billing.set_cancel(db, tenant_id=owner.tenant_id, role="owner", cancel=True),
    ):
        with pytest.raises(PaymentsUnavailable) as err:
            action()
        db.rollback()
        assert err.value.args[0] == "error.payments_failed"
    fake.down = False
    fake.wait_delivered()
    assert fake.preapprovals[pre["id"]]["status"] == "authorized"
    assert fake.preapprovals[pre["id"]]["auto_recurring"]["transaction_amount"] == 97.0
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code) == ("active", "starter")
    sub = entitlements.current_subscription(db, tenant_id=owner.tenant_id)
    assert not sub.cancel_at_period_end and sub.canceled_at is None
    assert _counts(db, owner.tenant_id) == before
