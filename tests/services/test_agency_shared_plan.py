"""Found by review and fixed: an agency's clients each had the agency's whole plan (numbers,
flows, messages and AI tokens were counted per client). The agency's plan is one: its limits
count the agency and all its clients together (entitlements.plan_tenant_ids)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest

from tests.factories import make_owner
from ylada_app.models import Plan, Subscription
from ylada_app.services import agency, entitlements, instances
from ylada_app.services.conversations import count_usage
from ylada_app.services.limits import LimitReached, reserve_outbound


def _ok(phone_number_id, token):
    return SimpleNamespace(ok=True, error=None, display_number="+55 11 90000-0000",
                           verified_name="Loja")


def _connect(db, *, tenant_id, user_id, inst_id, pnid):
    return instances.connect_whatsapp(db, tenant_id=tenant_id, user_id=user_id,
                                      instance_id=inst_id, phone_number_id=pnid, waba_id=None,
                                      access_token="EAAG" + "q" * 60,
                                      app_secret="feedface" * 4, check=_ok)


def _agency_on_tiny_white_label_plan(db):
    code = "ag" + uuid.uuid4().hex[:8]
    plan = Plan(code=code, name="Agência Mini", price_cents=10_000, max_instances=1,
                max_active_flows=1, max_messages_month=5, max_ai_tokens_month=1000,
                white_label=True, is_active=True)
    db.add(plan)
    db.commit()
    owner = make_owner(db, tenant_name="Agência Audit")
    db.add(Subscription(tenant_id=owner.tenant_id, plan_id=plan.id, status="active"))
    db.commit()
    entitlements.forget_limits()
    a = agency.create_client(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                             name="Cliente A", niche="outro")
    b = agency.create_client(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                             name="Cliente B", niche="outro")
    db.commit()
    return owner, a, b


def test_agency_clients_cannot_each_use_the_whole_agency_plan_numbers(db):
    """Found by review and fixed: a client "runs on its agency's plan", but the slot check
    counts only the client's own numbers: an agency paying for 1 number connects 1 in every
    client it creates (unlimited clients) — the paid plan's number limit is multiplied by the
    number of clients."""
    owner, a, b = _agency_on_tiny_white_label_plan(db)
    ia = instances.create_instance(db, tenant_id=a.id, name="Número A", channel="whatsapp_cloud")
    ib = instances.create_instance(db, tenant_id=b.id, name="Número B", channel="whatsapp_cloud")
    db.commit()
    _connect(db, tenant_id=a.id, user_id=owner.user_id, inst_id=ia.id, pnid="111111111111")
    db.commit()
    with pytest.raises(LimitReached):
        _connect(db, tenant_id=b.id, user_id=owner.user_id, inst_id=ib.id, pnid="222222222222")
    db.rollback()


def test_agency_clients_share_the_agency_message_quota(db):
    """Found by review and fixed: the monthly message quota is read from the agency's plan but
    counted per client (UsageCounter by tenant): each client sends the agency's full quota."""
    owner, a, b = _agency_on_tiny_white_label_plan(db)
    got_a = reserve_outbound(db, {a.id: 5})[a.id]
    count_usage(db, tenant_id=a.id, messages_out=got_a)
    db.commit()
    got_b = reserve_outbound(db, {b.id: 5})[b.id]
    db.rollback()
    assert got_a + got_b <= 5, (got_a, got_b)



def test_agency_clients_share_the_agency_ai_tokens(db):
    """Found by review and fixed: AI tokens, too, are the agency's plan's, shared."""
    owner, a, b = _agency_on_tiny_white_label_plan(db)
    count_usage(db, tenant_id=a.id, ai_tokens=1000)
    db.commit()
    assert entitlements.ai_tokens_remaining(db, tenant_id=b.id) <= 0
    assert entitlements.ai_tokens_remaining(db, tenant_id=owner.tenant_id) <= 0
