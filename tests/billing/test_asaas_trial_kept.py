"""Subscribing by Pix or boleto during the free trial keeps its days (as a card does on
Stripe): the first Asaas charge falls due the day the trial ends; paying it before starts the
plan at once and the paid month still counts from that day. With the trial ending within two
days the charge is due today, and the page says which before the owner chooses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from tests.billing.test_asaas_lifecycle import _checkout, _state, _sub_id
from tests.factories import end_trial_soon, make_owner
from ylada_app.models import Subscription
from ylada_app.pages.billing import _page_data
from ylada_app.services import billing_asaas

BRT = ZoneInfo("America/Sao_Paulo")


def _trial_end_day(db, tenant_id: int) -> date:
    sub = db.exec(select(Subscription).where(Subscription.tenant_id == tenant_id)).one()
    return sub.trial_ends_at.replace(tzinfo=UTC).astimezone(BRT).date()


def test_a_pix_during_the_trial_falls_due_when_it_ends(db, asaas_env, api_url):
    fake = asaas_env
    fake.webhook_url = api_url + "/webhooks/asaas"
    owner = make_owner(db)
    ends = _trial_end_day(db, owner.tenant_id)
    assert ends >= datetime.now(BRT).date() + timedelta(days=10)
    data = _page_data(db, tenant_id=owner.tenant_id)
    assert "pix" in data["due_options"] and data["trial_kept_until"] == ends.strftime("%d/%m/%Y")

    _checkout(db, fake, owner, method="pix")
    _, _, sub_req = next(r for r in fake.requests if r[:2] == ("POST", "/v3/subscriptions"))
    assert sub_req["nextDueDate"] == ends.isoformat()
    pending = billing_asaas.pending_charge(db, tenant_id=owner.tenant_id)
    assert pending["due"] == ends.strftime("%d/%m/%Y") and pending["pix_payload"]
    assert _state(db, owner.tenant_id).status == "trialing"  # nothing is paid yet

    fake.pay(fake.open_payment(_sub_id(db, fake, owner))["id"])  # paid early
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code) == ("active", "starter")
    assert state.current_period_end.date() > ends + timedelta(days=27)  # trial days kept


def test_a_trial_ending_within_two_days_is_charged_today(db, asaas_env, api_url):
    fake = asaas_env
    fake.webhook_url = api_url + "/webhooks/asaas"
    owner = make_owner(db)
    end_trial_soon(db, owner.tenant_id)
    assert _page_data(db, tenant_id=owner.tenant_id)["trial_kept_until"] == ""
    _checkout(db, fake, owner, method="boleto")
    _, _, sub_req = next(r for r in fake.requests if r[:2] == ("POST", "/v3/subscriptions"))
    assert sub_req["nextDueDate"] == datetime.now(BRT).date().isoformat()
