"""Outgoing webhooks, the service and its job against a loopback receiver: endpoints are
validated and belong to one business; events are signed per Standard Webhooks (both
secrets during a rotation); a receiver that fails 5 times then recovers gets every event
once; a slow receiver never has more than WEBHOOK_CONCURRENCY requests in flight; an
endpoint failing for 3 days is turned off and its owner told; production refuses our own
network's addresses."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlmodel import select
from standardwebhooks import Webhook

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import wait_for as _wait
from ylada_app.core.settings import reset_settings_cache
from ylada_app.jobs import sweeper
from ylada_app.jobs.webhooks import deliver_endpoint
from ylada_app.models import EmailMessage, WebhookDelivery, WebhookEndpoint, utcnow
from ylada_app.services import contacts, webhooks_out
from ylada_app.services.errors import FieldErrors, NotFound
from ylada_app.testing.webhook_receiver import WebhookReceiver


@pytest.fixture(scope="module")
def receiver_server():
    server = WebhookReceiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def receiver(receiver_server, monkeypatch):
    receiver_server.reset()
    monkeypatch.setenv("WEBHOOK_RETRY_SCALE", "0.001")  # 5 s → 5 ms … 1800 s → 1.8 s
    reset_settings_cache()
    yield receiver_server
    reset_settings_cache()


def _endpoint(db, tenant_id, url, events=("contact.created", "contact.updated")):
    row, secret = webhooks_out.create_endpoint(db, tenant_id=tenant_id, url=url,
                                               events=list(events))
    db.commit()
    return row.id, secret


def _new_contacts(db, tenant_id, instance_id, n, start=0):
    for i in range(n):
        contacts.upsert_contact(db, tenant_id=tenant_id, instance_id=instance_id,
                                phone=f"55119{start + i:08d}", name=f"Cliente {i}")
    db.commit()


def test_urls_and_event_types_are_checked_with_nothing_written(db):
    owner = make_owner(db)
    for url, code in [("", "error.required"), ("ftp://x.com/h", "webhooks.error.url"),
                      ("https://user:pw@x.com/h", "webhooks.error.url"),
                      # a space is no host (it was saved, 2026-12-03), nor is a bad port
                      ("http://nao valido", "webhooks.error.url"),
                      ("https://x.com:porta/h", "webhooks.error.url"),
                      ("https://x.com/" + "a" * 500, "webhooks.error.url_long")]:
        with pytest.raises(FieldErrors) as err:
            webhooks_out.create_endpoint(db, tenant_id=owner.tenant_id, url=url,
                                         events=["contact.created"])
        assert err.value.errors == {"url": code}
    for events in ([], ["contact.deleted_everything"], "contact.created"):
        with pytest.raises(FieldErrors) as err:
            webhooks_out.create_endpoint(db, tenant_id=owner.tenant_id,
                                         url="https://crm.exemplo.com.br/h", events=events)
        assert "events" in err.value.errors
    assert db.exec(select(WebhookEndpoint).where(
        WebhookEndpoint.tenant_id == owner.tenant_id)).all() == []


def test_production_refuses_addresses_of_our_own_network(db, monkeypatch):
    owner = make_owner(db)
    monkeypatch.setenv("YLADA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    reset_settings_cache()
    try:
        for url in ("http://crm.exemplo.com.br/h", "https://127.0.0.1/h",
                    "https://localhost:8000/h", "https://169.254.169.254/latest",
                    "https://10.0.0.7/h", "https://[::1]/h", "https://100.100.100.200/latest",
                    "https://100.64.0.1/h"):
            with pytest.raises(FieldErrors) as err:
                webhooks_out.create_endpoint(db, tenant_id=owner.tenant_id, url=url,
                                             events=["contact.created"])
            assert err.value.errors["url"] in ("webhooks.error.url_https",
                                               "webhooks.error.url_internal"), url
        # and at sending time (an address that changed after it was saved)
        from ylada_app.integrations import webhook_sender

        sent = webhook_sender.post("http://127.0.0.1:9/h", "{}", {})
        assert not sent.ok and sent.error == "blocked_address"
    finally:
        monkeypatch.undo()
        reset_settings_cache()


def test_an_endpoint_belongs_to_its_business(db, receiver):
    a, b = make_owner(db), make_owner(db)
    inst_a, inst_b = make_instance(db, a.tenant_id), make_instance(db, b.tenant_id)
    eid, _ = _endpoint(db, a.tenant_id, receiver.url)
    for call in (
        lambda: webhooks_out.update_endpoint(db, tenant_id=b.tenant_id, endpoint_id=eid,
                                             url=receiver.url, events=["contact.created"]),
        lambda: webhooks_out.rotate_secret(db, tenant_id=b.tenant_id, endpoint_id=eid),
        lambda: webhooks_out.reveal_secret(db, tenant_id=b.tenant_id, endpoint_id=eid),
        lambda: webhooks_out.deliveries(db, tenant_id=b.tenant_id, endpoint_id=eid),
        lambda: webhooks_out.send_test(db, tenant_id=b.tenant_id, endpoint_id=eid),
        lambda: webhooks_out.set_active(db, tenant_id=b.tenant_id, endpoint_id=eid,
                                        active=False),
        lambda: webhooks_out.delete_endpoint(db, tenant_id=b.tenant_id, endpoint_id=eid),
    ):
        with pytest.raises(NotFound):
            call()
    assert webhooks_out.list_endpoints(db, tenant_id=b.tenant_id) == []
    # B's contacts never reach A's endpoint; A's do
    _new_contacts(db, b.tenant_id, inst_b.id, 3, start=100)
    _new_contacts(db, a.tenant_id, inst_a.id, 2, start=200)
    _wait(lambda: len(receiver.accepted()) >= 2)
    time.sleep(0.3)
    got = receiver.accepted()
    assert len(got) == 2
    assert {e["data"]["contact"]["instance_id"] for e in got} == {inst_a.id}
    deliveries = db.exec(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == eid)).all()
    assert {d.tenant_id for d in deliveries} == {a.tenant_id}
    other = db.exec(select(WebhookDelivery).where(WebhookDelivery.tenant_id == b.tenant_id)).all()
    assert other == []  # nobody at B subscribed: nothing was even written


def test_events_are_signed_and_a_rotation_signs_with_both_secrets(db, receiver):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    eid, secret = _endpoint(db, owner.tenant_id, receiver.url)
    assert webhooks_out.reveal_secret(db, tenant_id=owner.tenant_id, endpoint_id=eid) == secret
    _new_contacts(db, owner.tenant_id, inst.id, 1, start=300)
    first = _wait(lambda: receiver.requests)[0]
    payload = Webhook(secret).verify(first["body"], first["headers"])
    assert payload["type"] == "contact.created"
    assert payload["data"]["contact"]["phone"].startswith("55119")
    assert first["headers"]["webhook-id"] == payload["id"].strip()
    with pytest.raises(Exception):  # noqa: B017 - any verification error
        Webhook(webhooks_out.new_secret()).verify(first["body"], first["headers"])

    new_secret = webhooks_out.rotate_secret(db, tenant_id=owner.tenant_id, endpoint_id=eid)
    db.commit()
    receiver.reset()
    _new_contacts(db, owner.tenant_id, inst.id, 1, start=301)
    second = _wait(lambda: receiver.requests)[0]
    assert len(second["headers"]["webhook-signature"].split(" ")) == 2
    for key in (secret, new_secret):  # the receiver may switch whenever it likes
        assert Webhook(key).verify(second["body"], second["headers"])["type"] == "contact.created"


def test_a_receiver_failing_five_times_then_recovering_gets_every_event_once(db, receiver):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    eid, secret = _endpoint(db, owner.tenant_id, receiver.url)
    receiver.fail_next = 5
    _new_contacts(db, owner.tenant_id, inst.id, 20, start=400)
    event_ids = {f"evt_{d.event_id}" for d in db.exec(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == eid)).all()}
    assert len(event_ids) == 20

    def all_in():
        sweeper.kick_webhooks()  # what the sweeper does every second or two
        return {e["id"] for e in receiver.accepted()} >= event_ids

    _wait(all_in, timeout=30)
    accepted = [e["id"] for e in receiver.accepted()]
    assert sorted(accepted) == sorted(event_ids)  # each one exactly once
    failed = [r for r in receiver.requests if r["status"] == 500]
    assert len(failed) == 5


    def recorded():  # the receiver answered; the run writes its results right after
        db.expire_all()
        rows = db.exec(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == eid)).all()
        return rows if all(r.status != "sending" for r in rows) else None

    rows = _wait(recorded)
    assert {r.status for r in rows} == {"delivered"}
    assert sum(r.attempts for r in rows) == 25
    assert db.get(WebhookEndpoint, eid).failing_since is None


def test_a_slow_receiver_never_has_more_than_the_cap_in_flight(db, receiver, monkeypatch):
    monkeypatch.setenv("WEBHOOK_CONCURRENCY", "3")
    reset_settings_cache()
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    eid, _ = _endpoint(db, owner.tenant_id, receiver.url)
    receiver.delay_s = 0.2
    _new_contacts(db, owner.tenant_id, inst.id, 12, start=500)
    deliver_endpoint(eid)  # (a queued run may already hold the endpoint: then it does it)
    _wait(lambda: len(receiver.accepted()) >= 12)
    assert 2 <= receiver.max_in_flight <= 3


@pytest.fixture(params=["embedded", "redis"])
def lock_mode(request, monkeypatch):
    from ylada_app.core.settings import reset_settings_cache

    if request.param == "redis":
        yield request.getfixturevalue("redis_mode")
        return
    monkeypatch.delenv("REDIS_URL", raising=False)
    reset_settings_cache()
    yield None


def test_a_kick_while_another_run_finishes_is_not_lost(lock_mode, monkeypatch):
    """A run that finds the endpoint busy leaves a mark; the busy run, having already found
    nothing due, sees the mark after releasing the endpoint and queues one more run (CI once
    lost a conversation.resolved event in exactly this gap)."""
    import threading

    from ylada_app.jobs import webhooks as job

    kicked: list[list[int]] = []
    monkeypatch.setattr(webhooks_out, "kick", lambda ids: kicked.append(list(ids)))
    in_last_claim, go_on = threading.Event(), threading.Event()

    def holder_finding_nothing(endpoint_id, budget_s):
        in_last_claim.set()
        go_on.wait(60)  # released by the test: a slow box must not end the hold early
        return {"delivered": 0, "failed": 0, "runs": 0}

    endpoint_id = 987_654
    monkeypatch.setattr(job, "_deliver_while_due", holder_finding_nothing)
    holder = threading.Thread(target=job.deliver_endpoint, args=(endpoint_id,))
    holder.start()
    assert in_last_claim.wait(5)
    assert job.deliver_endpoint(endpoint_id) == {"delivered": 0, "failed": 0, "runs": 0}
    assert kicked == []  # the busy run is told, not a second copy
    go_on.set()
    holder.join(5)
    assert kicked == [[endpoint_id]]
    job.deliver_endpoint(endpoint_id)  # a run with nobody else around leaves no mark behind
    assert kicked == [[endpoint_id]]


def test_three_days_of_failures_turn_the_endpoint_off_and_tell_the_owner(db, receiver):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    eid, _ = _endpoint(db, owner.tenant_id, receiver.url)
    row = db.get(WebhookEndpoint, eid)
    row.failing_since = utcnow() - timedelta(days=3, minutes=1)
    db.add(row)
    db.commit()
    receiver.fail_next = 1000
    _new_contacts(db, owner.tenant_id, inst.id, 2, start=600)
    _wait(lambda: receiver.requests)
    db.expire_all()
    _wait(lambda: not db.get(WebhookEndpoint, eid).active or db.expire_all())
    row = db.get(WebhookEndpoint, eid)
    assert row.disabled_reason == "failing"
    assert {d.status for d in db.exec(select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == eid)).all()} == {"failed"}
    mail = db.exec(select(EmailMessage).where(EmailMessage.kind == "webhook_disabled",
                                              EmailMessage.tenant_id == owner.tenant_id)).all()
    assert [m.to_email for m in mail] == [owner.email]
    assert receiver.url in mail[0].text_body
    # nothing more is sent to it, and turning it back on starts afresh
    receiver.reset()
    _new_contacts(db, owner.tenant_id, inst.id, 1, start=610)
    time.sleep(0.5)
    assert receiver.requests == []
    webhooks_out.set_active(db, tenant_id=owner.tenant_id, endpoint_id=eid, active=True)
    db.commit()
    _new_contacts(db, owner.tenant_id, inst.id, 1, start=611)
    _wait(lambda: receiver.accepted())


def test_the_delivery_log_and_a_resend_keep_the_event_id(db, receiver):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    eid, _ = _endpoint(db, owner.tenant_id, receiver.url)
    _new_contacts(db, owner.tenant_id, inst.id, 1, start=700)
    _wait(lambda: receiver.accepted())
    log = _wait(lambda: [d for d in webhooks_out.deliveries(db, tenant_id=owner.tenant_id,
                                                             endpoint_id=eid)
                         if d.status == "delivered"])
    assert log[0].last_status == 200 and '"ok":true' in log[0].response_excerpt
    webhooks_out.resend(db, tenant_id=owner.tenant_id, delivery_id=log[0].id)
    db.commit()
    _wait(lambda: len(receiver.accepted()) == 2)
    ids = [e["id"] for e in receiver.accepted()]
    assert ids[0] == ids[1] == f"evt_{log[0].event_id}"
    test_id = webhooks_out.send_test(db, tenant_id=owner.tenant_id, endpoint_id=eid)
    db.commit()
    assert test_id
    _wait(lambda: any(e["type"] == "webhook.test" for e in receiver.accepted()))
