"""A plan's Stripe price is created once and found again by its lookup key — after a restart
(a new gateway, nothing in memory) or in another process — never re-created; a new
price_cents is a new price (and the plan keeps its one product)."""

from __future__ import annotations

import dataclasses

from sqlmodel import select

from tests.factories import make_owner
from ylada_app.integrations.payments import registry
from ylada_app.integrations.payments.base import PlanRef
from ylada_app.integrations.payments.stripe_gateway import StripeGateway, lookup_key
from ylada_app.models import Plan
from ylada_app.services import billing


def _checkout(db, owner, plan="starter"):
    url = billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                              role="owner", plan_code=plan, base_url="http://app.test",
                              method="card")
    db.commit()
    return url


def _session_price(fake, url):
    cs = fake.sessions[url.rsplit("/", 1)[1]]
    return cs["line_items"][0]["price"]


def test_restarts_reuse_the_price_found_by_lookup_key(db, stripe_env):
    fake = stripe_env
    starter = db.exec(select(Plan).where(Plan.code == "starter")).one()
    assert not starter.stripe_price_id  # created on demand, not configured by hand
    first = _checkout(db, make_owner(db))
    registry._stripe.cache_clear()  # a restart: a new gateway with nothing in memory
    second = _checkout(db, make_owner(db))
    registry._stripe.cache_clear()
    third = _checkout(db, make_owner(db, tenant_name="Outra Loja"))

    assert len(fake.prices) == 1 and len(fake.products) == 1
    [price] = fake.prices.values()
    assert {_session_price(fake, u) for u in (first, second, third)} == {price["id"]}
    assert price["lookup_key"] == f"ylada-starter-{starter.price_cents}-brl-month"
    assert (price["unit_amount"], price["currency"]) == (starter.price_cents, "brl")
    # the real stripe library asked the fake by lookup key (GET /v1/prices?lookup_keys[0]=…)
    lookups = [p for m, path, p in fake.requests if (m, path) == ("GET", "/v1/prices")]
    assert len(lookups) == 3 and all(p["lookup_keys"] == [price["lookup_key"]]
                                     for p in lookups)
    # another plan is another price, on its own product
    _checkout(db, make_owner(db), plan="pro")
    assert len(fake.prices) == 2 and len(fake.products) == 2


def test_a_new_amount_is_a_new_price_on_the_same_product(stripe_env):
    fake = stripe_env
    plan = PlanRef("starter", "Starter", 9_700, "BRL", "month")

    def gateway():  # each call: a fresh process
        return StripeGateway(secret_key="sk_test_ylada", webhook_secret="x",
                             api_base=fake.base_url)

    old_id = gateway().price_id(plan)
    assert gateway().price_id(plan) == old_id and len(fake.prices) == 1
    dearer = dataclasses.replace(plan, price_cents=11_900)
    new_id = gateway().price_id(dearer)
    assert new_id != old_id and len(fake.prices) == 2 and len(fake.products) == 1
    assert fake.prices[new_id]["unit_amount"] == 11_900
    assert fake.prices[new_id]["lookup_key"] == lookup_key(dearer) \
        == "ylada-starter-11900-brl-month"
    assert fake.prices[old_id]["product"] == fake.prices[new_id]["product"]
    # found again at either amount (the old one still bills the subscriptions made with it)
    assert gateway().price_id(dearer) == new_id and gateway().price_id(plan) == old_id
    assert len(fake.prices) == 2
    # a price id configured by hand wins and nothing is asked
    before = len(fake.requests)
    manual = dataclasses.replace(plan, provider_price_id="price_manual")
    assert gateway().price_id(manual) == "price_manual" and len(fake.requests) == before


def test_lookup_keys_are_unique_at_the_fake(stripe_env):
    """The fake refuses a second price under a taken key unless it is transferred, like
    Stripe (the gateway transfers it: two processes racing both get a usable price)."""
    import stripe

    client = stripe.StripeClient("sk_test_ylada",
                                 base_addresses={"api": stripe_env.base_url})
    params = {"unit_amount": 100, "currency": "brl", "recurring": {"interval": "month"},
              "product": "prod_x", "lookup_key": "k1"}
    first = client.v1.prices.create(params=params)
    try:
        client.v1.prices.create(params=params)
        raise AssertionError("a taken lookup key was accepted")
    except stripe.InvalidRequestError:
        pass
    second = client.v1.prices.create(params={**params, "transfer_lookup_key": True})
    found = client.v1.prices.list(params={"lookup_keys": ["k1", "other"]}).data
    assert [p.id for p in found] == [second.id] and first.id != second.id
