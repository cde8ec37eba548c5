"""The Pix page's poll against a payment whose webhook lands while it reads (PostgreSQL,
read committed): the read that first shows the charge gone must also show the plan active,
or the page would stop waiting on a stale "Em teste"."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.factories import make_owner
from ylada_app.core.db import session_scope
from ylada_app.services import billing, entitlements


@pytest.mark.parametrize("delay_ms", [0, 20, 50, 100, 250])
def test_first_read_without_the_open_charge_shows_the_plan_active(db, asaas_env, api_url,
                                                                  delay_ms):
    from ylada_app.pages.billing import _page_data

    fake = asaas_env
    fake.webhook_url = api_url + "/webhooks/asaas"
    owner = make_owner(db)
    with session_scope() as s:
        billing.choose_plan(s, tenant_id=owner.tenant_id, user_id=owner.user_id, role="owner",
                            plan_code="starter", base_url="http://x", method="pix",
                            tax_id="529.982.247-25")
    with session_scope() as s:
        href = _page_data(s, tenant_id=owner.tenant_id)["pending"]["hosted_url"]
    time.sleep(delay_ms / 1000)
    assert httpx.post(href + "/pay").status_code == 200  # the fake's "Pagar agora"
    for _ in range(200):
        entitlements.forget_limits()
        with session_scope() as s:
            data = _page_data(s, tenant_id=owner.tenant_id)
        if not data["pending"]:
            break
    assert not data["pending"]
    assert (data["status"], data["plan_code"], data["paid"]) == ("active", "starter", True)
