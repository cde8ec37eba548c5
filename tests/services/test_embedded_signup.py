"""Connecting WhatsApp through Meta's Embedded Signup, against the fake Graph API: the code
exchanged once with the platform app's credentials, the number checked with the business
token, webhooks subscribed, the number registered with a PIN — each step reported, nothing
stored unless all passed — and the periodic health check."""

from __future__ import annotations

import pytest

from tests.factories import make_instance, make_owner
from ylada_app.channels.whatsapp_cloud import embedded_signup
from ylada_app.core.crypto import decrypt_secret
from ylada_app.core.settings import reset_settings_cache
from ylada_app.jobs.instances import kick_health_checks, recheck_instance
from ylada_app.models import Instance
from ylada_app.services import instances
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.services.limits import LimitReached

TOKEN = "EAAG" + "e" * 60


@pytest.fixture
def meta(graph_url, monkeypatch):
    graph_url.app_id, graph_url.app_secret = "4242", "platform-secret"
    monkeypatch.setenv("META_APP_ID", "4242")
    monkeypatch.setenv("META_APP_SECRET", "platform-secret")
    reset_settings_cache()
    yield graph_url
    reset_settings_cache()


def _finish(db, owner, inst_id, code="code-1", waba="900100", pnid="800100"):
    return instances.connect_embedded(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                      instance_id=inst_id, code=code, waba_id=waba,
                                      phone_number_id=pnid, signup=embedded_signup)


def test_every_step_passes_and_the_number_is_connected(db, meta):
    meta.add_signup("code-1", waba_id="900100", phone_number_id="800100", token=TOKEN,
                    display_phone_number="+55 11 98888-1111", verified_name="Pizzaria")
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    result = _finish(db, owner, inst.id)
    db.commit()
    assert [(s.key, s.ok) for s in result.steps] == [
        ("exchange", True), ("number", True), ("subscribe", True), ("register", True)]
    row = db.get(Instance, inst.id)
    assert row.status == "connected" and row.display_number == "+55 11 98888-1111"
    assert (row.phone_number_id, row.waba_id) == ("800100", "900100")
    assert decrypt_secret(row.access_token_enc) == TOKEN
    assert decrypt_secret(row.app_secret_enc) == "platform-secret"
    assert meta.subscribed == {"900100"} and meta.registered == {"800100": result.pin}
    assert row.health["messaging_tier"] == "TIER_1K" and row.health["webhook_subscribed"]
    # the code works once: a replay is refused at the first step
    again = _finish(db, owner, inst.id)
    assert [(s.key, s.ok) for s in again.steps] == [("exchange", False)]


def test_a_failed_step_stores_nothing_and_says_which(db, meta):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    bad = _finish(db, owner, inst.id, code="never-issued")
    assert [(s.key, s.ok) for s in bad.steps] == [("exchange", False)]
    assert "expired" in bad.steps[0].detail
    # the popup reported a number the business token cannot see
    meta.add_signup("code-2", waba_id="900200", phone_number_id="800200", token=TOKEN)
    wrong = _finish(db, owner, inst.id, code="code-2", waba="900200", pnid="800999")
    assert [(s.key, s.ok) for s in wrong.steps] == [("exchange", True), ("number", False)]
    db.commit()
    row = db.get(Instance, inst.id)
    assert row.status == "draft" and row.access_token_enc is None
    assert meta.subscribed == set() and meta.registered == {}


def test_refusals_before_calling_meta(db, meta, monkeypatch):
    owner, stranger = make_owner(db), make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    with pytest.raises(NotFound):
        _finish(db, stranger, inst.id)
    with pytest.raises(ServiceError) as err:
        _finish(db, owner, inst.id, waba="", pnid="")
    assert err.value.code == "connect.es.no_number"
    with pytest.raises(ServiceError) as err:
        _finish(db, owner, inst.id, code="")
    assert err.value.code == "connect.es.cancelled"
    # the free plan's one slot is taken by another connected number
    meta.add_signup("code-3", waba_id="900300", phone_number_id="800300", token=TOKEN)
    first = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    assert _finish(db, owner, first.id, code="code-3", waba="900300", pnid="800300").instance
    db.commit()
    meta.requests.clear()
    with pytest.raises(LimitReached):
        _finish(db, owner, inst.id, code="code-4")
    assert meta.requests == []
    monkeypatch.setenv("META_APP_ID", "")
    reset_settings_cache()
    with pytest.raises(ServiceError) as err:
        _finish(db, owner, inst.id)
    assert err.value.code == "connect.es.not_configured"


def test_the_health_check_follows_quality_and_a_revoked_token(db, meta):
    meta.add_signup("code-5", waba_id="900500", phone_number_id="800500", token=TOKEN)
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    _finish(db, owner, inst.id, code="code-5", waba="900500", pnid="800500")
    row = db.get(Instance, inst.id)
    row.last_checked_at = None  # as if never checked: the sweeper's pick
    db.commit()
    assert kick_health_checks() >= 1
    meta.quality["800500"] = "YELLOW"
    assert recheck_instance(inst.id) == "connected"
    db.expire_all()
    assert db.get(Instance, inst.id).health["quality_rating"] == "YELLOW"
    meta.phone_numbers.clear()  # the business removed the app: the token is dead
    assert recheck_instance(inst.id) == "error"
    db.expire_all()
    row = db.get(Instance, inst.id)
    assert row.status_detail == "error.graph_auth" and row.health["token_ok"] is False
