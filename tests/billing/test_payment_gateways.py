"""The platform admin's gateway choice: only enabled AND configured gateways are offered at
checkout, the default one first; a way to pay that is not offered is refused."""

from __future__ import annotations

import pytest

from tests.factories import make_owner
from ylada_app.models import PlatformSetting
from ylada_app.services import billing, payment_gateways
from ylada_app.services.errors import FieldErrors


@pytest.fixture
def clean_setting(db):
    def drop():
        row = db.get(PlatformSetting, payment_gateways.SETTING_KEY)
        if row is not None:
            db.delete(row)
            db.commit()
    drop()
    yield
    drop()


def _keys(db):
    return [o.key for o in payment_gateways.options(db)]


def test_offered_gateways_follow_admin_choice_and_keys(db, asaas_env, monkeypatch,
                                                      clean_setting):
    # Only Asaas has keys: Pix, boleto and its card page; Stripe cannot be offered.
    assert _keys(db) == ["pix", "boleto", "card_asaas"]
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_x")
    from ylada_app.core.settings import reset_settings_cache

    reset_settings_cache()
    # Both configured, nothing saved: Stripe is the default, its card replaces Asaas' card.
    assert _keys(db) == ["card", "pix", "boleto"]
    cfg = payment_gateways.set_config(db, enabled=["asaas", "stripe"], default="asaas")
    assert (cfg.enabled, cfg.default) == (("stripe", "asaas"), "asaas")
    # Asaas is the default: its card page takes cards, Stripe is not offered twice
    assert _keys(db) == ["pix", "boleto", "card_asaas"]
    payment_gateways.set_config(db, enabled=["asaas", "stripe"], default="stripe")
    assert _keys(db) == ["card", "pix", "boleto"]
    payment_gateways.set_config(db, enabled=["stripe"], default="stripe")
    db.commit()
    assert _keys(db) == ["card"]
    with pytest.raises(FieldErrors) as err:
        payment_gateways.set_config(db, enabled=["stripe"], default="asaas")
    assert err.value.errors == {"default": "admin.gateways.error_default"}
    # A disabled gateway's way to pay is refused, before any call to it.
    owner = make_owner(db)
    with pytest.raises(FieldErrors) as err:
        billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                            role="owner", plan_code="starter", base_url="http://x",
                            method="pix", tax_id="529.982.247-25")
    db.rollback()
    assert err.value.errors == {"method": "billing.error.method"}
    assert asaas_env.requests == []
