"""The Python SDK (`sdks/python`, package `ylada`) against the live API: typed answers,
iteration over every page, errors as YladaError with the API's code and field messages,
429s retried after Retry-After, the async client, broadcasts (estimate, one broadcast per
Idempotency-Key, progress, recipients, cancel), and the webhook verify helper on a real
delivery. The generated core must match the API's current OpenAPI document."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.sdk.conftest import ROOT, add_template, other_business_key
from ylada_app.core.settings import reset_settings_cache
from ylada_app.services import webhooks_out
from ylada_app.testing.webhook_receiver import WebhookReceiver


def test_the_committed_sdks_match_the_api():
    """`make sdk` regenerates them; this fails when someone changed the API and did not."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_sdks.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_contacts_round_trip_and_every_page(live_api, shop):
    from ylada import Ylada

    with Ylada(shop.write_key, base_url=live_api) as api:
        [inst] = api.instances.list().data
        assert inst.name == "Vendas" and inst.id == shop.instance_id
        created = api.contacts.upsert(instance_id=shop.instance_id, phone="(11) 91234-5678",
                                      name="Bruno", tags=["vip"], fields={"cidade": "SP"})
        assert created.phone == "5511912345678" and created.tags == ["vip"]
        assert created.fields.additional_properties == {"cidade": "SP"}
        changed = api.contacts.update(created.id, fields={"cidade": None, "plano": "anual"})
        assert changed.fields.additional_properties == {"plano": "anual"}
        for i in range(120):
            api.contacts.upsert(instance_id=shop.instance_id, phone=f"1197000{i:04d}",
                                tags=["lote"])
        seen = [c.id for c in api.contacts.iter(tag="lote")]
        assert len(seen) == 120 == len(set(seen)) and seen == sorted(seen)
        assert api.contacts.list(tag="lote", limit=200).next_cursor is None
        usage = api.usage()
        assert usage.messages_limit > 0 and usage.messages_out == 0
        assert usage.shared_plan is False and usage.plan_usage.messages_out == 0
        report = api.flows.validate({"version": 1, "nodes": [], "edges": []})
        assert report.ok is False and report.errors and report.errors[0].message
        api.contacts.delete(created.id)


def test_errors_carry_the_code_the_fields_and_the_request_id(live_api, shop):
    from ylada import Ylada, YladaError

    api = Ylada(shop.write_key, base_url=live_api)
    with pytest.raises(YladaError) as err:
        api.contacts.get(99_999_999)
    assert err.value.status == 404 and err.value.request_id
    with pytest.raises(YladaError) as err:
        api.contacts.upsert(instance_id=shop.instance_id, phone="12")
    assert err.value.status == 400 or err.value.status == 422
    assert "phone" in err.value.errors
    with pytest.raises(YladaError) as err:
        api.messages.send(shop.contact_id, "Olá")  # never wrote: outside the 24-hour window
    assert err.value.status == 400 and err.value.code.startswith("outbound.")
    reader = Ylada(shop.read_key, base_url=live_api, language="en")
    with pytest.raises(YladaError) as err:
        reader.contacts.update(shop.contact_id, name="X")
    assert err.value.code == "api.error.scope_write" and "read scope" in err.value.detail
    with pytest.raises(YladaError) as err:
        Ylada("ylk_nao-existe", base_url=live_api).instances.list()
    assert err.value.status == 401


def test_rate_limited_calls_are_retried_after_retry_after(live_api, shop, monkeypatch):
    from ylada import Ylada

    monkeypatch.setenv("API_RATE_LIMIT", "4/second")
    reset_settings_cache()
    try:
        api = Ylada(shop.read_key, base_url=live_api, max_retries=5)
        started = time.monotonic()
        for _ in range(10):
            assert api.instances.list().data  # never a 429 to the caller
        assert time.monotonic() - started >= 1.0  # it did wait for the window
    finally:
        monkeypatch.undo()
        reset_settings_cache()


def test_the_async_client(live_api, shop):
    from ylada import AsyncYlada

    async def run():
        async with AsyncYlada(shop.write_key, base_url=live_api) as api:
            contact = await api.contacts.get(shop.contact_id)
            assert contact.name == "Ana"
            for i in range(60):
                await api.contacts.upsert(instance_id=shop.instance_id,
                                          phone=f"1196000{i:04d}", tags=["assinc"])
            return [c.phone async for c in api.contacts.iter(tag="assinc")]

    # a fresh loop in a thread: Playwright's sync API may own this thread's loop
    with ThreadPoolExecutor(max_workers=1) as pool:
        phones = pool.submit(asyncio.run, run()).result()
    assert len(phones) == 60 and len(set(phones)) == 60


def test_the_webhook_helper_accepts_ylada_events_and_refuses_forgeries(live_api, shop, db):
    from ylada import WebhookVerificationError, Ylada, verify_webhook

    receiver = WebhookReceiver()
    receiver.start()
    try:
        _, secret = webhooks_out.create_endpoint(db, tenant_id=shop.tenant_id,
                                                 url=receiver.url, events=["contact.created"])
        db.commit()
        Ylada(shop.write_key, base_url=live_api).contacts.upsert(
            instance_id=shop.instance_id, phone="11955554444", name="Carla")
        deadline = time.time() + 15
        while not receiver.requests and time.time() < deadline:
            time.sleep(0.05)
        [req] = receiver.requests
        event = verify_webhook(secret, req["body"], req["headers"])
        assert event["type"] == "contact.created"
        assert event["data"]["contact"]["name"] == "Carla"
        with pytest.raises(WebhookVerificationError):
            verify_webhook(secret, req["body"].replace("Carla", "Mallory"), req["headers"])
        with pytest.raises(WebhookVerificationError):
            verify_webhook(webhooks_out.new_secret(), req["body"], req["headers"])
    finally:
        receiver.stop()


def _consenting_audience(api, instance_id: int) -> list[str]:
    """Three contacts who consented (two vip in Camp…), a vip who did not; the phones of
    the two a `vip` + city `camp` audience reaches."""
    people = [("11977710001", ["vip"], "Campinas", True),
              ("11977710002", ["vip"], "Campo Grande", True),
              ("11977710003", [], "Campinas", True),
              ("11977710004", ["vip"], "Campinas", None)]
    made = [api.contacts.upsert(instance_id=instance_id, phone=phone, name=f"Cliente {i}",
                                tags=tags, fields={"cidade": city}, opted_in=consent)
            for i, (phone, tags, city, consent) in enumerate(people)]
    return sorted(c.phone for c in made[:2])


def _settled(api, broadcast_id: int):
    """The broadcast once its job (run in this process) has queued everyone and the
    simulator has taken every message."""
    deadline = time.time() + 30
    while True:
        b = api.broadcasts.get(broadcast_id)
        if b.status == "done" and b.progress.queued == 0 or time.time() > deadline:
            return b
        time.sleep(0.1)


def test_a_broadcast_round_trip(live_api, shop, db):
    from ylada import AsyncYlada, Ylada, YladaError

    add_template(db, shop, "oferta_semana")
    audience = {"tags": ["vip"], "fields": [{"name": "cidade", "op": "contains",
                                             "value": "camp"}]}
    plan = dict(instance_id=shop.instance_id, name="Oferta da semana",
                template="oferta_semana", audience=audience,
                variables=[{"source": "name"}, {"source": "text", "value": "20% off"}])
    with Ylada(shop.write_key, base_url=live_api) as api:
        reached = _consenting_audience(api, shop.instance_id)
        est = api.broadcasts.estimate(instance_id=shop.instance_id, template="oferta_semana",
                                      audience=audience)
        assert est.recipients == 2 and est.category == "MARKETING"
        assert est.cost_cents == 0 and est.messages_left > 0  # the simulator costs nothing
        everyone = api.broadcasts.estimate(instance_id=shop.instance_id,
                                           template="oferta_semana")
        assert everyone.recipients == 3  # who consented (not Ana, nor the 4th)

        made = api.broadcasts.create(**plan, idempotency_key="sdk-oferta-1")
        again = api.broadcasts.create(**plan, idempotency_key="sdk-oferta-1")
        assert again.id == made.id and made.template == "oferta_semana"
        assert made.progress.total == 2 and made.variables[1].value == "20% off"
        assert made.audience.fields[0].value == "camp"
        assert [b.id for b in api.broadcasts.iter()] == [made.id]  # one broadcast

        done = _settled(api, made.id)
        assert done.status == "done" and done.progress.total == 2 and done.finished_at
        seen = list(api.broadcasts.iter_recipients(made.id, limit=1))  # a page per person
        assert sorted(r.phone for r in seen) == reached
        assert all(r.status in ("sent", "delivered", "read") for r in seen), seen
        first = api.broadcasts.recipients(made.id, limit=1)
        assert len(first.data) == 1 and first.next_cursor
        with pytest.raises(YladaError) as err:
            api.broadcasts.cancel(made.id)  # it has finished
        assert err.value.status == 400 and err.value.code == "broadcasts.error.not_open"

        # scheduled (the business's local time, Brasília): nobody taken yet; then cancelled
        later = api.broadcasts.create(**{**plan, "name": "Natal"},
                                      scheduled_at="2099-12-24T09:00:00", up_to_quota=True)
        assert later.id != made.id and later.status == "scheduled"
        assert later.scheduled_at.isoformat().startswith("2099-12-24T12:00:00")
        assert api.broadcasts.recipients(later.id).data == []
        page = api.broadcasts.list(limit=1)
        assert [b.id for b in page.data] == [later.id] and page.next_cursor  # newest first

        other = Ylada(other_business_key(db), base_url=live_api)
        with pytest.raises(YladaError) as err:
            other.broadcasts.cancel(later.id)
        assert err.value.status == 404 and err.value.code == "broadcasts.error.not_found"
        assert other.broadcasts.list().data == []
        assert api.broadcasts.get(later.id).status == "scheduled"  # untouched by the other

        cancelled = api.broadcasts.cancel(later.id)
        assert cancelled.status == "cancelled" and cancelled.finished_at

    async def run():
        async with AsyncYlada(shop.read_key, base_url=live_api) as reader:
            ids = [b.id async for b in reader.broadcasts.iter(limit=1)]
            phones = [r.phone async for r in reader.broadcasts.iter_recipients(made.id)]
            est = await reader.broadcasts.estimate(  # estimating writes nothing: a read key may
                instance_id=shop.instance_id, template="oferta_semana", audience=audience)
            return ids, sorted(phones), est.recipients

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, run()).result() == ([later.id, made.id], reached, 2)


def test_a_refused_broadcast_is_a_yladaerror_naming_the_field(live_api, shop, db):
    from ylada import Ylada, YladaError

    add_template(db, shop, "em_analise", status="PENDING")
    api = Ylada(shop.write_key, base_url=live_api)
    api.contacts.upsert(instance_id=shop.instance_id, phone="11977720001", opted_in=True)
    plan = dict(instance_id=shop.instance_id, name="Oferta", template="em_analise",
                variables=[{"source": "name"}, {"source": "text", "value": "x"}])
    with pytest.raises(YladaError) as err:
        api.broadcasts.create(**plan)
    assert err.value.status == 422 and err.value.code == "error.invalid_fields"
    assert "aprovado" in err.value.errors["template"]
    with pytest.raises(YladaError) as err:
        api.broadcasts.estimate(instance_id=shop.instance_id, template="em_analise",
                                audience={"fields": [{"name": "cidade do cliente",
                                                      "value": "Campinas"}]})
    assert err.value.status == 422 and "audience.fields.0.name" in err.value.errors
    english = Ylada(shop.write_key, base_url=live_api, language="en")
    with pytest.raises(YladaError) as err:
        english.broadcasts.create(**plan)
    assert "approved" in err.value.errors["template"]
    assert api.broadcasts.list().data == []  # nothing was planned
