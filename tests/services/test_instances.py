"""Instances: create, rename, disable, and connecting the WhatsApp Cloud API."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.models import Instance
from ylada_app.services import instances
from ylada_app.services.errors import FieldErrors, NotFound

TOKEN = "EAAG" + "a" * 60
SECRET = "0123456789abcdef0123456789abcdef"


def test_create_simulator_is_connected_and_whatsapp_starts_as_draft(db):
    owner = make_owner(db)
    sim = make_instance(db, owner.tenant_id, channel="simulator")
    wa = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    assert sim.status == "connected" and wa.status == "draft"
    assert sim.webhook_key != wa.webhook_key and len(wa.verify_token) >= 20


@pytest.mark.parametrize(("name", "channel", "errors"), [
    ("", "simulator", {"name": "error.required"}),
    ("x" * 61, "simulator", {"name": "error.too_long"}),
    ("Ok nome", "telegram", {"channel": "error.channel_invalid"}),
])
def test_create_instance_field_errors(db, name, channel, errors):
    owner = make_owner(db)
    with pytest.raises(FieldErrors) as exc:
        instances.create_instance(db, tenant_id=owner.tenant_id, name=name, channel=channel)
    assert exc.value.errors == errors
    db.rollback()
    assert instances.list_instances(db, tenant_id=owner.tenant_id) == []


def test_rename_disable_enable(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    instances.rename_instance(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="Vendas")
    off = instances.set_instance_enabled(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         enabled=False)
    assert (off.name, off.status) == ("Vendas", "disabled")
    on = instances.set_instance_enabled(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                        enabled=True)
    assert on.status == "connected"


def _connect(db, owner, inst, **overrides):
    data = {"phone_number_id": "1098765432", "waba_id": "2001002003", "access_token": TOKEN,
            "app_secret": SECRET, **overrides}
    return instances.connect_whatsapp(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                      instance_id=inst.id,
                                      check=check_phone_number, **data)


def test_connect_whatsapp_checks_graph_then_stores_encrypted(db, graph_url):
    graph_url.add_number("1098765432", TOKEN, display_phone_number="+55 11 98888-7777",
                         verified_name="Loja Teste")
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    done = _connect(db, owner, inst)
    db.commit()
    assert done.status == "connected" and done.display_number == "+55 11 98888-7777"
    assert TOKEN not in (done.access_token_enc or "") and SECRET not in (done.app_secret_enc or "")
    assert instances.instance_access_token(done) == TOKEN
    assert instances.instance_app_secret(done) == SECRET
    get = [r for r in graph_url.requests if r["method"] == "GET"]
    assert get and get[-1]["headers"].get("authorization") == f"Bearer {TOKEN}"


@pytest.mark.parametrize(("overrides", "errors"), [
    ({"phone_number_id": "abc"}, {"phone_number_id": "error.phone_number_id_invalid"}),
    ({"phone_number_id": ""}, {"phone_number_id": "error.required"}),
    ({"waba_id": "12-34"}, {"waba_id": "error.waba_id_invalid"}),
    ({"access_token": "short"}, {"access_token": "error.access_token_invalid"}),
    ({"app_secret": "nothex"}, {"app_secret": "error.app_secret_invalid"}),
])
def test_connect_rejects_malformed_fields_without_calling_graph(db, graph_url, overrides, errors):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    with pytest.raises(FieldErrors) as exc:
        _connect(db, owner, inst, **overrides)
    assert exc.value.errors == errors
    assert graph_url.requests == []


def test_connect_wrong_token_unknown_number_and_graph_down(db, graph_url):
    graph_url.add_number("1098765432", TOKEN)
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    with pytest.raises(FieldErrors) as exc:
        _connect(db, owner, inst, access_token="EAAG" + "b" * 60)
    assert exc.value.errors == {"access_token": "error.graph_auth"}
    with pytest.raises(FieldErrors) as exc:
        _connect(db, owner, inst, phone_number_id="5550001")
    assert exc.value.errors == {"phone_number_id": "error.graph_not_found"}
    graph_url.down = True
    with pytest.raises(FieldErrors) as exc:
        _connect(db, owner, inst)
    assert exc.value.errors == {"_": "error.graph_unavailable"}
    db.rollback()
    row = db.exec(select(Instance).where(Instance.id == inst.id)).one()
    assert row.access_token_enc is None and row.status == "draft"  # nothing half-written


def test_get_instance_with_garbage_ids_is_not_found(db):
    owner = make_owner(db)
    for bad in ("abc", None, "1; DROP TABLE instance", "-1", "99999999"):
        with pytest.raises(NotFound):
            instances.get_instance(db, tenant_id=owner.tenant_id, instance_id=bad)
